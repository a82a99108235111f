package serverside

import (
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/corslint/corslint/browser"
	"github.com/corslint/corslint/model"
)

// echoedOrigin is the Origin an upstream that echoes it sees behind r for
// a request from origin: none when the proxy removes it from every
// forwarded request (VCL unset bereq.http.Origin in vcl_backend_fetch).
// A removal under a condition the model does not follow makes the echo
// undecidable, noted on a when a is given.
func echoedOrigin(r *model.Response, origin string, a *Answer) (string, bool) {
	if r.Upstream == nil {
		return origin, true
	}
	if !r.Upstream.OriginRemoved.IsZero() {
		return "", false
	}
	if at := r.Upstream.OriginRemovedIf; !at.IsZero() && a != nil {
		note := fmt.Sprintf("whether the upstream sees the Origin it echoes depends on the condition around %s, which is undecidable here", at)
		a.Notes = append(a.Notes, note)
		a.Undecidable = append(a.Undecidable, note)
	}
	return origin, true
}

// storesStatus reports whether cache c stores an upstream answer with
// status: Varnish gives statuses outside RFC 7231's cacheable list a
// negative TTL, so a 500 is fetched again for the next request.
func storesStatus(c *model.Cache, status int) bool {
	if status == 0 {
		status = 200
	}
	return c.Statuses == nil || slices.Contains(c.Statuses, status)
}

// url is the request's path with its query, as VCL's req.url reads it.
func (e *evaluator) url() string {
	if e.query == "" {
		return e.path
	}
	return e.path + "?" + e.query
}

// Earlier is a request that reached the server before the one predicted.
type Earlier struct {
	// URL is the request's URL (or path and query); "" is the predicted
	// request's own.
	URL    string
	Origin string
	// Method is the request's method; "" is GET.
	Method string
	// Preflight marks the browser's preflight: OPTIONS with
	// Access-Control-Request-Method.
	Preflight bool
	// Headers are the request headers it carried besides Origin (a
	// preflight carries none of the page's).
	Headers []browser.Header
}

// cacheHit is how a cache in front answers one request: from the object
// an earlier request's fetch stored, hit hits times so far, or not.
type cacheHit struct {
	// looked is set when the request itself is looked up.
	looked bool
	hits   int
	// by is the request whose fetch stored the object hit; nil on a miss
	// or a pass.
	by *Earlier
	// unsure says why a request's way through the cache is not known,
	// with counts the other way round gives; "" when it is.
	unsure string
	others []int
}

// cacheHit runs the requests before this one (Earlier, then its own
// preflight) through the cache of f in order: a request vcl_recv hashes
// looks up the object stored under its key (a variant for its Origin
// when the object says Vary: Origin) and hits it, counting obj.hits up
// (Varnish 7.1 HSH_Lookup), or misses and stores what its fetch gets when
// Varnish keeps that (a status it caches, no Set-Cookie, no
// Cache-Control keeping it out of shared caches). r is the answer to
// this request as a fresh fetch gets it.
func (e *evaluator) cacheHit(f *model.File, r *model.Response) cacheHit {
	if len(f.Caches) == 0 {
		// nothing is stored, or vcl_hit never delivers it
		return cacheHit{}
	}
	c := f.Caches[0]
	hit, uncertain := e.simulate(f, c, r, false)
	if uncertain == "" {
		return hit
	}
	other, _ := e.simulate(f, c, r, true)
	hit.unsure = uncertain
	hit.others = append(hit.others, other.hits)
	if uncertain == "what the cache key is made of is not known" {
		hit.others = append(hit.others, 1)
	}
	return hit
}

// simulate is one run of cacheHit; a request whose lookup the model
// cannot tell (a pass of the built-in vcl_recv for Authorization) is
// taken to look up when lookup is set. uncertain names the first such
// request.
func (e *evaluator) simulate(f *model.File, c *model.Cache, r *model.Response, lookup bool) (hit cacheHit, uncertain string) {
	// an object under key, one of its variants when varies: the Origin
	// its fetch sent the backend ("" for none)
	type object struct {
		key, origin string
		varies      bool
		hits        int
		by          int
	}
	var objs []object
	reqs := e.req.Earlier
	for i := 0; i <= len(reqs); i++ {
		q, rq := e, r
		if i < len(reqs) {
			q = e.earlier(reqs[i])
			rq = q.response(f, q.route(f), &Answer{})
		}
		look, why := q.looksUp(rq)
		if why != "" {
			if uncertain == "" {
				uncertain = why
			}
			look = lookup
		}
		if !look {
			continue
		}
		key, known := q.cacheKey(c)
		if !known {
			return cacheHit{looked: true}, "what the cache key is made of is not known"
		}
		found := -1
		for j := len(objs) - 1; j >= 0; j-- {
			if objs[j].key == key && (!objs[j].varies || objs[j].origin == q.origin) {
				found = j
				break
			}
		}
		if i == len(reqs) {
			if found >= 0 {
				objs[found].hits++
				return cacheHit{looked: true, hits: objs[found].hits, by: &reqs[objs[found].by]}, uncertain
			}
			return cacheHit{looked: true}, uncertain
		}
		if found >= 0 {
			objs[found].hits++
			continue
		}
		if varies, ok := q.stores(c, rq); ok {
			o := object{key: key, varies: varies, by: i}
			if varies {
				// Varnish records the Vary headers as the backend request
				// had them (VRY_Create reads bereq): an Origin that
				// vcl_backend_fetch unsets is recorded as absent, which
				// no request with an Origin matches.
				o.origin, _ = echoedOrigin(rq, q.origin, nil)
			}
			objs = append(objs, o)
		}
	}
	return cacheHit{}, uncertain
}

// earlier is the evaluator of an earlier request, as the server saw it.
func (e *evaluator) earlier(q Earlier) *evaluator {
	x := *e
	x.req.Earlier, x.req.PriorOrigin, x.req.routes, x.req.prepared = nil, "", nil, nil
	x.req.Headers = q.Headers
	x.origin, x.req.Origin, x.storedOrigin, x.hits = q.Origin, q.Origin, "", 0
	x.method, x.preflight = q.Method, q.Preflight
	if x.method == "" {
		x.method = "GET"
	}
	x.req.Method = x.method
	if q.URL == "" {
		return &x
	}
	if u, err := url.Parse(q.URL); err == nil {
		x.path, x.query = u.EscapedPath(), u.RawQuery
		if x.path == "" {
			x.path = "/"
		}
		if u.Host != "" {
			x.host, x.port = u.Hostname(), urlPort(u)
		}
		if e.req.UpstreamStatusFor != nil {
			x.req.UpstreamStatus = e.req.UpstreamStatusFor(x.path)
		} else if x.path != e.path {
			x.req.UpstreamStatus = -1 // not known
		}
	}
	return &x
}

// looksUp reports whether vcl_recv hashed the request, so that the cache
// answers it when it holds an object for its key: the configuration
// fetched it for a lookup (no pass of its own, no pipe, no answer of its
// own). The built-in vcl_recv passes a request with Authorization or
// Cookie, and any method but GET and HEAD, unless the configuration's own
// vcl_recv returned hash first; why says when that cannot be told.
func (e *evaluator) looksUp(r *model.Response) (ok bool, why string) {
	if r == nil || r.Source != model.FromUpstream || r.Uncached {
		return false, ""
	}
	if slices.Contains(r.Hashed, e.method) {
		return true, ""
	}
	get := e.method == "GET" || e.method == "HEAD"
	some := slices.Contains(r.HashedSome, e.method)
	for _, name := range []string{"Authorization", "Cookie"} {
		if get && e.requestHeader(name) != "" {
			// the configuration may unset it before the built-in runs
			return false, fmt.Sprintf("whether the built-in vcl_recv sees the %s header of %s and passes it is not known", name, e.method)
		}
	}
	if some {
		return false, fmt.Sprintf("whether vcl_recv hashes %s on every way to the answer at %s is not known", e.method, r.Span)
	}
	return get, ""
}

// stores reports whether Varnish keeps what a miss of this request
// fetched as r, and whether the object varies on Origin (Vary: Origin or
// *): a status it caches and neither the statements stored
// with it nor the upstream keep it out (Set-Cookie, Cache-Control
// private, no-store or no-cache, Vary: *), which the built-in
// vcl_backend_response makes a hit-for-miss.
func (e *evaluator) stores(c *model.Cache, r *model.Response) (varies, ok bool) {
	if e.req.UpstreamStatus < 0 || !storesStatus(c, e.req.UpstreamStatus) {
		return false, false
	}
	kept := &model.Response{}
	for _, op := range r.Headers {
		if op.Stored && e.opHolds(op) {
			kept.Headers = append(kept.Headers, op)
		}
	}
	if kept.NotShared() {
		return false, false
	}
	for _, op := range kept.Headers {
		if op.Name == model.Vary && op.Op != model.Unset {
			if v, ok := e.value(op.Value); ok {
				varies = model.VaryNamesOrigin(v)
			}
		}
	}
	for _, h := range e.req.UpstreamHeaders {
		switch model.CanonicalName(h.Name) {
		case "Set-Cookie":
			return false, false
		case "Cache-Control":
			if model.KeepsOutOfSharedCaches(h.Value) {
				return false, false
			}
		case model.Vary:
			if strings.TrimSpace(h.Value) == "*" {
				return false, false
			}
			varies = varies || model.VaryNamesOrigin(h.Value)
		}
	}
	return varies, true
}

// cacheKey is what vcl_hash feeds the hash for this request: the key's
// parts as written, evaluated; ok is false when one of them is not known.
func (e *evaluator) cacheKey(c *model.Cache) (key string, ok bool) {
	var b strings.Builder
	for _, k := range c.Key {
		switch strings.ToLower(k) {
		case "req.url", "bereq.url":
			b.WriteString(e.url())
		case "req.http.host", "bereq.http.host":
			b.WriteString(e.hostName())
		case "req.http.origin", "bereq.http.origin":
			b.WriteString(e.origin)
		case "server.ip":
			// only without a Host header, which browsers always send
		default:
			if !strings.HasPrefix(k, `"`) {
				return "", false
			}
			b.WriteString(k)
		}
		b.WriteByte('#')
	}
	return b.String(), true
}

// fromCache decides whether the cache of f answers this request, whose
// fresh answer is r, from an object an earlier request stored. On a hit
// vcl_deliver runs with obj.hits counted (the response whose tests of it
// hold), and the object holds what the upstream sent the request that
// stored it (storedFor). It returns the response and upstream lines the
// request is answered with.
func (e *evaluator) fromCache(f *model.File, route *model.Scope, r *model.Response, inner []Line, a *Answer) (*model.Response, []Line) {
	if r.Source != model.FromUpstream || len(f.Caches) == 0 {
		return r, inner
	}
	hit := e.cacheHit(f, r)
	e.hitsUnsure(f, hit, a)
	if hit.by == nil {
		return r, inner
	}
	e.hits = hit.hits
	if hit.by.URL != "" {
		note := fmt.Sprintf("the cache answers with the object the request for %s stored, whose upstream answer the request does not give", hit.by.URL)
		a.Notes = append(a.Notes, note)
		a.Undecidable = append(a.Undecidable, note)
	} else if old, ok := e.storedFor(r, inner, hit.by.Origin); ok {
		// The cache answers with what it stored for the earlier origin:
		// the upstream's headers and the stored statements as they were
		// then; statements applied on delivery still see this request.
		a.Notes = append(a.Notes, fmt.Sprintf("served from the cache filled by a request from %s (nothing keeps its answer apart from this origin's)", hit.by.Origin))
		inner = old
		e.storedOrigin = hit.by.Origin
	}
	if hr := e.response(f, route, &Answer{}); hr != nil && hr != r && hr.Source == r.Source {
		// the branch of vcl_deliver's obj.hits test a hit takes
		if a.Response == r {
			a.Response = hr
		}
		a.By, r = hr.Span, hr
	}
	return r, inner
}

// hitsUnsure notes, where a test of obj.hits decides CORS headers, a
// count the model cannot tell: Predict was not told what came before, or
// a request's way through the cache is not known.
func (e *evaluator) hitsUnsure(f *model.File, hit cacheHit, a *Answer) {
	tests := hitsTests(f)
	if len(tests) == 0 {
		return
	}
	counts, why := hit.others, hit.unsure
	if e.req.earlierUnknown && hit.looked {
		// requests before may have stored the object or hit it already
		max := 0
		for _, t := range tests {
			max = maxInt(max, t.N)
		}
		for n := hit.hits + 1; n <= max+2; n++ {
			counts = append(counts, n)
		}
		why = "the requests before it are not given (check --after, --cold)"
	}
	for _, t := range tests {
		for _, n := range counts {
			if t.Holds(n) != t.Holds(hit.hits) {
				note := fmt.Sprintf("obj.hits %s %d is undecidable: %s", t.Op, t.N, why)
				a.Notes = append(a.Notes, note)
				a.Undecidable = append(a.Undecidable, note)
				return
			}
		}
	}
}

func maxInt(a, b int) int {
	if a > b {
		return a
	}
	return b
}

// hitsTests lists the tests of obj.hits that decide a CORS or Vary
// header of f: a response's conditions, or a statement's own.
func hitsTests(f *model.File) []*model.HitsTest {
	var out []*model.HitsTest
	add := func(c *model.Condition, depth int) {
		for ; c != nil && depth < 64; c, depth = c.And, depth+1 {
			if c.Hits != nil {
				out = append(out, c.Hits)
			}
		}
	}
	for _, r := range f.Responses {
		for _, c := range r.Conds {
			add(c, 0)
		}
		for _, op := range r.Headers {
			if model.IsCORSHeader(op.Name) || op.Name == model.Vary {
				add(op.When, 0)
			}
		}
	}
	return out
}
