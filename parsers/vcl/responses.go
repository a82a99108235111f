package vcl

import (
	"fmt"
	"strconv"

	"github.com/corslint/corslint/model"
)

const builtinPath = "builtin.vcl"

// group is the outcomes of several methods that produce the same
// response: same kind, same statement, same header statements.
type group struct {
	kind   outcomeKind
	status int
	ret    *Return
	ops    []*model.HeaderOp
	conds  []*model.Condition
	// uncached: the response comes past the cache (pass, uncacheable)
	uncached bool
	methods  map[string]bool
	order    int
	// hashed and unhashed: the methods fetched on a path the
	// configuration's own vcl_recv hashed, and on one it did not.
	hashed, unhashed map[string]bool
}

// responses turns the outcomes of every method into model responses. A
// synthetic error that OPTIONS gets becomes the OptionsStatus of the
// response other methods get from the backend, as for any server that
// refuses preflights.
func (f *flow) responses() {
	var groups []*group
	byKey := map[string]*group{}
	for _, o := range f.outcomes {
		if o.p.method == "OPTIONS" && o.p.origin == no {
			continue // a preflight always carries Origin: this is no CORS request
		}
		// A pipe never touches the cache; a pass of the configuration's
		// own bypasses it.
		uncached := f.stores && (o.kind == fromPipe || o.kind == fromBackend && o.p.bypass)
		k := fmt.Sprintf("%d|%d|%d|%v|", o.kind, o.status, f.id(o.ret), uncached) + f.ids(o.p.ops, nil)
		var g *group
		for n := 0; ; n++ {
			kn := k + strconv.Itoa(n)
			g = byKey[kn]
			if g == nil {
				g = &group{kind: o.kind, status: o.status, ret: o.ret, ops: o.p.ops, conds: o.p.conds, uncached: uncached, methods: map[string]bool{}, order: len(groups),
					hashed: map[string]bool{}, unhashed: map[string]bool{}}
				byKey[kn] = g
				groups = append(groups, g)
				break
			}
			if merged := common(g.conds, o.p.conds); o.kind == fromPipe || !f.losesPipe(g.conds, o.p.conds, merged) {
				g.conds = merged
				break
			}
		}
		g.methods[o.p.method] = true
		if o.kind == fromBackend && o.p.hashed {
			g.hashed[o.p.method] = true
		} else {
			g.unhashed[o.p.method] = true
		}
	}
	var main *group
	for _, g := range groups {
		if g.kind != fromSynth && g.methods["GET"] {
			main = g
			break
		}
	}
	optionsStatus := 0
	if main != nil && !main.methods["OPTIONS"] {
		refused := true
		for _, g := range groups {
			if g.methods["OPTIONS"] && (g.kind != fromSynth || g.status < 400) {
				refused = false
			}
		}
		if refused {
			for _, g := range groups {
				if g.methods["OPTIONS"] {
					if optionsStatus == 0 {
						optionsStatus = g.status
					}
					delete(g.methods, "OPTIONS")
				}
			}
		}
	}
	for _, g := range groups {
		if len(g.methods) == 0 {
			continue
		}
		r := &model.Response{Route: f.l.route, Conds: g.conds, Headers: g.ops}
		for _, m := range standardMethods {
			switch {
			case g.hashed[m] && g.unhashed[m]:
				r.HashedSome = append(r.HashedSome, m)
			case g.hashed[m]:
				r.Hashed = append(r.Hashed, m)
			}
		}
		// A response for OPTIONS and other methods alike is no dedicated
		// preflight answer: it is one any method may get.
		mixed := g.methods["OPTIONS"] && len(g.methods) > 1
		if g != main && !mixed && len(g.methods) < len(standardMethods) {
			for _, m := range standardMethods {
				if g.methods[m] {
					r.Methods = append(r.Methods, m)
				}
			}
		}
		switch g.kind {
		case fromSynth:
			r.Source, r.Status, r.Span = model.FromServer, g.status, g.ret.Span
			r.Scope = f.l.stmtScope[g.ret]
		case fromFetchError:
			// Built by Varnish, delivered like the backend's answer.
			r.Source, r.Status, r.Span = model.FromUpstream, g.status, g.ret.Span
			r.Upstream = f.upstreamFor(g.ops)
			r.Scope = f.l.stmtScope[g.ret]
		default:
			r.Source, r.Status, r.Uncached = model.FromUpstream, g.status, g.uncached
			r.Upstream = f.upstreamFor(g.ops)
			if g.kind == fromPipe {
				r.Upstream.OriginRemoved, r.Upstream.OriginRemovedIf = f.l.originToPipe()
			}
			r.Span = r.Upstream.Span
			r.Scope = f.scopeOf(g)
			if g == main {
				r.Scope, r.OptionsStatus = f.l.route, optionsStatus
			}
		}
		if r.Scope == nil {
			r.Scope = f.l.route
		}
		f.l.file.Responses = append(f.l.file.Responses, r)
	}
}

// losesPipe reports whether merging two paths' conditions a and b to
// merged loses what set both apart from a piped request. A piped request
// reaches nothing after vcl_recv (no vcl_backend_*, vcl_deliver or abandon
// 503), so a response whose conditions hold for it would answer requests
// it never sees; the paths stay apart only then, since keeping every path
// apart multiplies the responses of large files. A pipe behind a test of
// what the model cannot see (User-Agent, Upgrade) is never chosen for a
// request, so nothing needs setting apart from it.
func (f *flow) losesPipe(a, b, merged []*model.Condition) bool {
	for _, o := range f.outcomes {
		if o.kind != fromPipe || !decidable(o.p.conds) {
			continue
		}
		if f.excludes(a, o.p.conds) && f.excludes(b, o.p.conds) && !f.excludes(merged, o.p.conds) {
			return true
		}
	}
	return false
}

// decidable reports whether a request's method, origin, URL and headers
// decide every one of conds.
func decidable(conds []*model.Condition) bool {
	for _, c := range conds {
		if c != nil && c.Methods == nil && c.Origin == nil && c.URL == nil && c.Header == "" && c.Hits == nil && !c.Failure {
			return false
		}
	}
	return true
}

// excludes reports whether a path that took conds cannot be one that
// took other: one of them is a branch's test the other found the
// opposite way.
func (f *flow) excludes(conds, other []*model.Condition) bool {
	for _, c := range conds {
		for _, d := range other {
			if f.l.opposite(c, d) {
				return true
			}
		}
	}
	return false
}

// common keeps the conditions of a that b took too: what holds on every
// path to a response.
func common(a, b []*model.Condition) []*model.Condition {
	in := map[*model.Condition]bool{}
	for _, c := range b {
		in[c] = true
	}
	var out []*model.Condition
	for _, c := range a {
		if in[c] {
			out = append(out, c)
		}
	}
	return out
}

// scopeOf is the innermost scope of the last condition a group's path
// took, so conditional responses name their branch.
func (f *flow) scopeOf(g *group) *model.Scope {
	if len(g.conds) == 0 {
		return f.l.route
	}
	last := g.conds[len(g.conds)-1]
	for _, s := range f.l.file.Scopes {
		if s.When == last {
			return s
		}
	}
	return f.l.route
}

// upstreamFor is the default backend as these statements leave it: a
// header the VCL sets or unsets replaces the backend's own, so it is
// hidden.
func (f *flow) upstreamFor(ops []*model.HeaderOp) *model.Upstream {
	u := model.Upstream{Target: "the backend", Scope: f.l.top, Span: f.l.top.Span}
	if f.l.upstream != nil {
		u = *f.l.upstream
	}
	u.Hidden = map[string]model.Span{}
	u.OriginRemoved, u.OriginRemovedIf = f.l.originToBackend()
	for _, op := range ops {
		if op.Op == model.Set || op.Op == model.Unset {
			if _, ok := u.Hidden[op.Name]; !ok {
				u.Hidden[op.Name] = op.Span
			}
		}
	}
	return &u
}

// cache records the Varnish cache when some response is stored for
// requests that may carry an Origin.
func (f *flow) cache() {
	if !f.stores {
		return
	}
	c := &model.Cache{
		Scope: f.l.top, Span: f.l.top.Span,
		Key: f.key, KeyHasOrigin: f.keyOrigin, StoredVaryOrigin: f.storedVary, DeliveryVary: f.deliveryVary,
		HitTests: f.hitTests,
	}
	if f.untimed && !f.fastly {
		// The statuses RFC2616_Ttl gives default_ttl (Varnish 7.1); any
		// other gets a negative TTL and is fetched again. 302 and 307 need
		// Cache-Control or Expires, which the model does not read.
		c.Statuses = []int{200, 203, 204, 300, 301, 304, 404, 410, 414}
	}
	switch {
	case len(f.l.userSubs("vcl_hash")) > 0:
		s := f.l.userSubs("vcl_hash")[0]
		c.Scope, c.Span = f.l.subScope[s], s.Span
	case f.l.upstream != nil:
		c.Span = f.l.upstream.Span
	}
	f.l.file.Caches = append(f.l.file.Caches, c)
}

func (l *lowerer) userSubs(name string) []*Sub {
	var out []*Sub
	for _, s := range l.subs[name] {
		if !s.Builtin {
			out = append(out, s)
		}
	}
	return out
}
