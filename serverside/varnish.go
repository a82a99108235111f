package serverside

import (
	"fmt"
	"slices"

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

// priorStores reports whether the earlier request from PriorOrigin got
// the same response r from the upstream, so that the cache stored it: one
// the configuration answered itself (a synth(403) for an origin it
// refuses) or passed stores nothing.
func (e *evaluator) priorStores(f *model.File, route *model.Scope, r *model.Response) bool {
	prior := *e
	prior.origin, prior.req.Origin, prior.storedOrigin = e.req.PriorOrigin, e.req.PriorOrigin, ""
	return prior.response(f, route, &Answer{}) == r
}

// preflightStores reports whether the browser's preflight before this
// request went to the upstream through the cache rather than around it
// (a vcl_recv that hashes OPTIONS): Varnish fetches a miss with GET and
// stores the answer under the same key, so the request itself is a hit
// (varnish-bbe7ef99.json).
func (e *evaluator) preflightStores(f *model.File, route *model.Scope) bool {
	if !e.req.afterPreflight || e.preflight {
		return false
	}
	prior := *e
	prior.method, prior.preflight = "OPTIONS", true
	pr := prior.response(f, route, &Answer{})
	return pr != nil && pr.Source == model.FromUpstream && !pr.Uncached
}

// hitUndecided notes, for a request that an earlier one (from PriorOrigin,
// or its own preflight) left in the cache, the tests of obj.hits around
// CORS statements in vcl_deliver: r describes a fresh answer, and what a
// hit gets there is not modelled.
func (e *evaluator) hitUndecided(f *model.File, route *model.Scope, r *model.Response, a *Answer) {
	if len(f.Caches) == 0 {
		return
	}
	// obj.hits counts hits whatever the key holds: an earlier request from
	// the same origin hits a cache that keeps origins apart too.
	c := f.Caches[0]
	if len(c.HitTests) == 0 || r.Source != model.FromUpstream || r.Uncached || !storesStatus(c, e.req.UpstreamStatus) {
		return
	}
	get := e.method == "GET" || e.method == "HEAD"
	by := ""
	switch {
	case get && e.req.PriorOrigin != "" && (e.req.PriorOrigin == e.req.Origin || f.SharedCache() != nil) && e.priorStores(f, route, r):
		by = "the request from " + e.req.PriorOrigin
	case e.preflightStores(f, route):
		// a request vcl_recv hashes is looked up whatever its method
		by = "the preflight before it"
	default:
		return
	}
	note := fmt.Sprintf("the cache may answer from what %s stored, and %s tests obj.hits, which the model reads as a fresh answer's 0", by, c.HitTests[0])
	a.Notes = append(a.Notes, note)
	a.Undecidable = append(a.Undecidable, note)
}
