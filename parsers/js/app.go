package js

import (
	"slices"
	"strings"

	"github.com/corslint/corslint/model"
)

// app is a server or router built in code: an Express app or Router, a
// Nest application, a Fastify or Koa or Hono instance. Its layers are its
// middleware and routes in the order they were added, which is the order
// a request passes them.
type app struct {
	scope  *model.Scope
	layers []*layer
	// mounted is set for a router used by another app: its responses are
	// produced through that app.
	mounted bool
	// autoOptions: the framework answers OPTIONS for a path that has
	// routes but no OPTIONS route itself (Express: 200 with Allow).
	autoOptions int
	// notFound: the framework answers a request no route takes itself,
	// with the headers middleware set on the way (Express's finalhandler:
	// 404); 0 when unknown.
	notFound int
}

// layer is one middleware or route of an app.
type layer struct {
	scope *model.Scope // the route's scope, or the app's for app-wide middleware
	// match is the path test; nil for every path. path is the path as
	// written, before the prefixes of the routers it is mounted under.
	match *model.PathMatch
	path  string
	// methods: nil for middleware that sees every method.
	methods []string
	// mount is a router used at this point.
	mount *app
	// pass are the headers set by this layer that stay on the response
	// when it passes the request on (next()).
	pass []*model.HeaderOp
	// passOptions, when set, are what it passes on for OPTIONS instead
	// (cors with preflightContinue).
	passOptions []*model.HeaderOp
	// preflight is the answer this layer gives OPTIONS requests itself.
	preflight *answer
	// answer is what the layer responds with to the requests it gets (a
	// route handler); nil for middleware that passes everything on.
	answer *answer
	// fail is the error the layer passes to the framework, and when.
	fail *failure
	// failures are the answers a route handler gives only when something
	// fails (if (err) return res.status(500).json(...)).
	failures []*answer
	// keepOnError: the headers this layer set stay on the answer to an
	// error thrown after it even where the framework's error handler
	// removes the others (@koa/cors's keepHeadersOnError, on unless set
	// to false, hands them to Koa's ctx.onerror on err.headers).
	keepOnError bool
	// resOwner: the layer creates the framework's response object before
	// the handler runs (hono/cors touches c.res), see answer.over.
	resOwner bool
	at       model.Span
}

// answer is a response a layer produces itself.
type answer struct {
	status int // 0 when the code does not fix it
	source model.Source
	ops    []*model.HeaderOp
	at     model.Span
	why    string
	// when, if set, is the test the answer is given under; other
	// requests go on to the next layer.
	when *model.Condition
	// alone: the answer carries none of the headers set before it (Koa's
	// error handler removes them; a Response a Hono handler builds itself
	// has only its own).
	alone bool
	// over: for an alone answer, a layer before it that owns the
	// response (resOwner) makes every header set before it land over
	// the answer's own (Hono's c.res setter copies them onto a Response
	// the handler returns).
	over bool
}

// newApp adds an app (or router) scope.
func (l *lowerer) newApp(kind, name string, at *Node) *app {
	a := &app{scope: l.scope(kind, name, model.RoleServer, l.top, at)}
	a.scope.Unmodelled = unmodelled(kind)
	l.apps = append(l.apps, a)
	if name != "" {
		l.byName[name] = a
	}
	return a
}

// step is a layer as a request sees it: its path under the mounts that
// led to it.
type step struct {
	*layer
	prefix string
	full   string // prefix and path joined
	index  int    // position in the flattened list
}

// flatten lists the layers a request to the app passes, with routers
// expanded at the point they are mounted.
func flatten(a *app, prefix string, depth int, out []step) []step {
	for _, ly := range a.layers {
		if ly.mount != nil && depth < 16 {
			p := prefix
			if ly.match != nil {
				p = joinPath(prefix, ly.match.Pattern)
			}
			out = flatten(ly.mount, p, depth+1, out)
			continue
		}
		p := prefix
		if p != "" && ly.match != nil && ly.scope.Match == ly.match {
			// A router's route answers under the path it is mounted at.
			ly.path = joinPath(p, ly.path)
			ly.match = pathMatch(ly.path, ly.match.Kind == model.PathPrefix || ly.methods == nil)
			ly.scope.Match = ly.match
			ly.scope.Label = ly.path
			p = ""
		}
		st := step{layer: ly, prefix: p, full: p, index: len(out)}
		if ly.match != nil {
			st.full = joinPath(p, ly.path)
		}
		out = append(out, st)
	}
	return out
}

// passed are the headers a layer leaves on a request with method m that
// it passes on: cors with preflightContinue sets its preflight headers
// on OPTIONS and keeps them for the OPTIONS route after it.
func (ly *layer) passed(m string) []*model.HeaderOp {
	if strings.EqualFold(m, "OPTIONS") && ly.passOptions != nil {
		return ly.passOptions
	}
	return ly.pass
}

func joinPath(a, b string) string {
	if b == "" || b == "/" {
		return a
	}
	return strings.TrimSuffix(a, "/") + b
}

// covers reports whether a middleware step sees requests to route r
// with method m: its path is a prefix of the route's, and it takes the
// method.
func (s step) covers(r step, m string) bool {
	if s.methods != nil && !hasMethod(s.methods, m) {
		return false
	}
	if s.match == nil {
		return strings.HasPrefix(r.full, s.prefix)
	}
	p, rp := s.full, r.full
	switch s.match.Kind {
	case model.PathExact:
		return p == rp
	case model.PathRegex:
		// app.options('*', ...), '/api/:id': the route's path as written
		// stands for the requests it takes.
		return s.match.Matches(rp)
	}
	return rp == p || strings.HasPrefix(rp, strings.TrimSuffix(p, "/")+"/") || p == "/" || p == ""
}

func hasMethod(ms []string, m string) bool {
	for _, x := range ms {
		if strings.EqualFold(x, m) {
			return true
		}
	}
	return false
}

// respond turns an app's layers into responses: each route answers its
// methods with the headers of the middleware before it; OPTIONS gets the
// first preflight answer on its way, or the framework's own.
func (l *lowerer) respond(a *app) {
	steps := flatten(a, "", 0, nil)
	// Only middleware, preflight answers and OPTIONS routes shape other
	// routes' responses: the rest are skipped when looking back, so that
	// many routes cost time in proportion to their number.
	var mids, fails []step
	for _, s := range steps {
		if s.answer == nil || s.preflight != nil || hasMethod(s.methods, "OPTIONS") {
			mids = append(mids, s)
		}
		if s.fail != nil {
			fails = append(fails, s)
		}
	}
	if len(fails) == 0 {
		// No layer fails: no error answers to look for on each route.
		fails = nil
	} else {
		fails = mids
	}
	routes := 0
	fellBack := map[*model.Scope]bool{}
	for _, s := range steps {
		if s.answer == nil {
			continue
		}
		routes++
		methods := s.methods
		m := "GET"
		if len(methods) > 0 {
			m = methods[0]
		}
		l.failures(fails, s, m)
		var hs []*model.HeaderOp
		for _, p := range mids {
			if p.index >= s.index {
				break
			}
			if p.answer == nil && p.covers(s, m) {
				hs = append(hs, p.passed(m)...)
			}
		}
		if a.notFound != 0 && methods != nil && !fellBack[s.scope] {
			// Other methods on this path fall through to the framework's
			// 404, with what middleware for every method set.
			fellBack[s.scope] = true
			var fb []*model.HeaderOp
			for _, p := range mids {
				if p.index < s.index && p.answer == nil && p.methods == nil && p.covers(s, "") {
					fb = append(fb, p.pass...)
				}
			}
			l.file.Responses = append(l.file.Responses, &model.Response{
				Route: s.scope, Scope: s.scope, Source: model.FromServer, Status: a.notFound, Headers: fb, Span: s.at,
				Why: "no route takes this method on this path, so Express answers 404 itself, with the headers middleware set before",
			})
		}
		// A failure answers with the headers set before the handler; an
		// answer that goes out alone keeps none of them.
		before := hs
		if s.answer.alone {
			before = nil
		}
		for _, fa := range s.failures {
			l.file.Responses = append(l.file.Responses, &model.Response{
				Route: s.scope, Scope: s.scope, Methods: methods, Source: model.FromServer, Status: fa.status,
				Headers: append(slices.Clone(before), fa.ops...), Conds: []*model.Condition{fa.when}, Span: fa.at,
			})
		}
		if s.answer.alone {
			hs = l.aloneHeaders(mids, s, m, hs)
		} else {
			hs = append(hs, s.answer.ops...)
		}
		l.file.Responses = append(l.file.Responses, &model.Response{
			Route: s.scope, Scope: s.scope, Methods: methods, Source: s.answer.source, Status: s.answer.status,
			Headers: hs, Span: s.answer.at, Why: s.answer.why,
		})
		if hasMethod(methods, "OPTIONS") {
			continue
		}
		l.preflight(a, mids, s)
	}
	if routes > 0 && a.notFound != 0 {
		l.failures(fails, step{layer: &layer{scope: a.scope}}, "GET")
		var hs []*model.HeaderOp
		for _, p := range mids {
			if p.answer == nil && p.match == nil && p.prefix == "" && p.methods == nil {
				hs = append(hs, p.pass...)
			}
		}
		l.file.Responses = append(l.file.Responses, &model.Response{
			Route: a.scope, Scope: a.scope, Source: model.FromServer, Status: a.notFound, Headers: hs, Span: a.scope.Span,
			Why: "no route of the app takes the request, so Express answers 404 itself, with the headers middleware set before",
		})
		l.preflight(a, mids, step{layer: &layer{scope: a.scope, at: a.scope.Span}})
		l.notFoundUnder(a, mids)
	}
	if routes == 0 {
		// No route in this file (controllers, route modules): whatever
		// the app's handlers answer elsewhere carries the middleware's
		// headers, and each middleware that answers preflights answers
		// them for its paths.
		var hs []*model.HeaderOp
		ended := false // a middleware on every path ended preflights
		for _, p := range steps {
			if p.preflight != nil && !ended {
				ended = p.match == nil && p.methods == nil
				pre := append(append([]*model.HeaderOp(nil), hs...), p.preflight.ops...)
				l.addPreflight(p.scope, p.scope, pre, p.preflight)
			}
			hs = append(hs, p.pass...)
		}
		if len(hs) > 0 {
			l.file.Responses = append(l.file.Responses, &model.Response{
				Route: a.scope, Scope: a.scope, Source: model.FromHandler, Headers: hs, Span: a.scope.Span,
			})
		}
	}
}

// aloneHeaders are the headers of route s's answer that drops those set
// before it (hs): its own, with what layers that keep theirs set, or, for
// an answer set under the response a layer before it owns, its own with
// every header set before over them.
func (l *lowerer) aloneHeaders(mids []step, s step, m string, hs []*model.HeaderOp) []*model.HeaderOp {
	var kept []*model.HeaderOp
	owned := false
	for _, p := range mids {
		if p.index >= s.index || p.answer != nil || !p.covers(s, m) {
			continue
		}
		owned = owned || p.resOwner
		if p.keepOnError {
			kept = append(kept, p.passed(m)...)
		}
	}
	own := s.answer.ops
	if s.answer.over && owned {
		return append(append([]*model.HeaderOp(nil), own...), hs...)
	}
	return append(kept, own...)
}

// notFoundUnder adds the framework's 404 under each path middleware is
// mounted at (Hono's app.use('/api/*', cors())): a request there that no
// route takes gets the headers of that middleware too, besides the
// app-wide ones.
func (l *lowerer) notFoundUnder(a *app, mids []step) {
	for _, p := range mids {
		if p.answer != nil || p.match == nil || p.methods != nil || p.scope == a.scope || p.scope.Match != p.match {
			continue
		}
		under := step{layer: &layer{scope: p.scope}, prefix: p.prefix, full: p.full}
		var hs []*model.HeaderOp
		for _, q := range mids {
			if q.index <= p.index && q.answer == nil && q.methods == nil && q.covers(under, "") {
				hs = append(hs, q.pass...)
			}
		}
		l.file.Responses = append(l.file.Responses, &model.Response{
			Route: p.scope, Scope: p.scope, Source: model.FromServer, Status: a.notFound, Headers: hs, Span: p.at,
			Why: "no route under this path takes the request, so the framework answers 404 itself, with the headers middleware set before",
		})
		// Its preflights are the middleware's to answer, as on the
		// routes' paths.
		l.preflight(a, mids, step{layer: &layer{scope: p.scope, at: p.at}, prefix: p.prefix, full: p.full})
	}
}

// preflight adds the answer an OPTIONS request to route r's path gets:
// the first layer on its way that answers OPTIONS, with the headers of
// the layers before it.
func (l *lowerer) preflight(a *app, steps []step, r step) {
	var hs []*model.HeaderOp
	for _, p := range steps {
		if !p.covers(r, "OPTIONS") {
			continue
		}
		if p.preflight != nil {
			l.addPreflight(r.scope, p.scope, append(append([]*model.HeaderOp(nil), hs...), p.preflight.ops...), p.preflight)
			if p.preflight.when == nil {
				return
			}
			// Refused, the preflight goes on to the next layer with what
			// the layer sets for the origins it refuses.
			for _, o := range p.pass {
				if !forAllowedOnly(o.When) {
					hs = append(hs, o)
				}
			}
			continue
		}
		if p.answer != nil && hasMethod(p.methods, "OPTIONS") {
			return // the route of its own, added with the routes
		}
		if p.answer == nil {
			hs = append(hs, p.passed("OPTIONS")...)
		}
	}
	if a.autoOptions != 0 && r.answer != nil {
		l.addPreflight(r.scope, r.scope, hs, &answer{status: a.autoOptions, source: model.FromServer, at: r.at,
			why: "no middleware or route answers OPTIONS for this path, so the framework answers it itself"})
	}
}

// forAllowedOnly reports whether a condition holds only for origins an
// allowlist accepts.
func forAllowedOnly(c *model.Condition) bool {
	for ; c != nil; c = c.And {
		if c.Origin != nil && !c.Negated {
			return true
		}
	}
	return false
}

func (l *lowerer) addPreflight(route, scope *model.Scope, hs []*model.HeaderOp, an *answer) {
	key := preflightKey{route, an}
	if l.preflights[key] {
		return
	}
	l.preflights[key] = true
	r := &model.Response{
		Route: route, Scope: scope, Methods: []string{"OPTIONS"}, Source: an.source, Status: an.status,
		Headers: hs, Span: an.at, Why: an.why,
	}
	for c := an.when; c != nil; c = c.And {
		one := *c
		one.And = nil
		r.Conds = append(r.Conds, &one)
	}
	l.file.Responses = append(l.file.Responses, r)
}

// pathMatch is an Express-style route path as a PathMatch: a plain path
// is exact for routes and a prefix for use(); parameters and wildcards
// make a regex.
func pathMatch(p string, prefix bool) *model.PathMatch {
	if !strings.ContainsAny(p, ":*()?+") {
		if prefix {
			return &model.PathMatch{Kind: model.PathPrefix, Pattern: p, Segment: true}
		}
		return &model.PathMatch{Kind: model.PathExact, Pattern: p}
	}
	var b strings.Builder
	b.WriteString("^")
	for i := 0; i < len(p); i++ {
		c := p[i]
		switch {
		case c == ':':
			j := i + 1
			for j < len(p) && (p[j] == '_' || p[j] >= 'a' && p[j] <= 'z' || p[j] >= 'A' && p[j] <= 'Z' || p[j] >= '0' && p[j] <= '9') {
				j++
			}
			b.WriteString("[^/]+")
			i = j - 1
		case c == '*':
			b.WriteString(".*")
		case strings.ContainsRune(`.\+?()[]{}^$|`, rune(c)):
			b.WriteByte('\\')
			b.WriteByte(c)
		default:
			b.WriteByte(c)
		}
	}
	if !prefix {
		b.WriteString("/?$")
	}
	return &model.PathMatch{Kind: model.PathRegex, Pattern: b.String()}
}

// preflightKey is one route's preflight answer, added once.
type preflightKey struct {
	route *model.Scope
	an    *answer
}

// unmodelled says why the request evaluator cannot speak for an app of
// this kind: how its framework answers OPTIONS, paths and methods no
// route takes, and thrown errors is not known. Empty for the frameworks
// whose own answers the oracle scenarios and measurements showed
// (docs/server-facts.md).
func unmodelled(kind string) string {
	switch kind {
	case "express()", "express.Router()",
		// Fastify 5, Hono 4 and Koa 2 with @koa/router.
		"fastify()", "new Hono()", "new Koa()", "new Router()":
		return ""
	case "worker", "next middleware", "lambda", "http.createServer()":
		// The handler is every answer there is: a Worker's fetch, a
		// proxy integration's function, Node's one request handler;
		// Next.js middleware is read like a Worker, and what
		// NextResponse.next() passes on is the app's, an upstream whose
		// answer to OPTIONS stays undecided.
		return ""
	case "next.config":
		return "headers() adds to what the route handlers answer, and how they answer OPTIONS (an App Router handler's automatic 204, a Pages API handler's own code, a page's 405) is not in the file"
	case "NestFactory.create":
		return "the routes are controllers' decorators, which are not read, and Nest's own answers to OPTIONS and unknown paths were not measured"
	}
	return "how this framework answers OPTIONS, unrouted paths and errors is not known"
}
