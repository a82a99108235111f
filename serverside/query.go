package serverside

import (
	"fmt"
	"regexp/syntax"
	"slices"
	"strings"
	"sync"

	"github.com/corslint/corslint/browser"
	"github.com/corslint/corslint/internal/pcre"
	"github.com/corslint/corslint/model"
)

// Limits on what one route's query evaluates, so that lint stays fast on
// configurations with thousands of sections: a route no sampled path
// reaches is left to the rules' own judgement.
const (
	maxRoutePaths = 16 // path samples tried per route
	maxTrusted    = 2  // trusted origins sampled per route
	// maxCombos is how many more URLs a route of file names is asked
	// with, one per other combination of sections that reaches it.
	maxCombos = 4
	// maxComboWalks bounds the walks tried to find them.
	maxComboWalks = 8
)

// Untrusted is the origin the query sends as an unrelated site. The
// .invalid top-level domain is reserved, so no allowlist written for real
// sites accepts it by intent.
const Untrusted = "https://corslint-untrusted.invalid"

// Exchange is one representative request and what the evaluator predicts
// it gets.
type Exchange struct {
	Request Request
	Prediction
}

// Answers returns the exchange's predicted responses that exist: the
// preflight's, then the actual request's.
func (x *Exchange) Answers() []*Answer {
	var out []*Answer
	for _, a := range []*Answer{x.Preflight, x.Actual} {
		if a != nil {
			out = append(out, a)
		}
	}
	return out
}

// Holds reports whether op's own condition (a test of the origin, the
// method or the URL around one statement) holds for the request that a,
// one of x's answers, answers; a test the evaluator cannot decide is
// taken to hold, as when it built a.
func (x *Exchange) Holds(a *Answer, op *model.HeaderOp) bool {
	e, err := newEvaluator(x.Request, a.Method)
	if err != nil {
		return true
	}
	e.preflight = a == x.Preflight
	return e.opHolds(op)
}

// Decided reports whether the configuration decides the exchange: no
// part of its answers depends on something the model cannot know.
func (x *Exchange) Decided() bool { return x.Unknown == "" }

// Query answers, for the responses of one file, the representative
// requests that reach them: a GET that succeeds and one the upstream or
// the file handler answers with an error, and a POST with request headers
// that needs a preflight, each from trusted origins sampled from the
// allowlists, an unrelated origin and null. Each is answered by Predict,
// the evaluator check uses, so lint and check judge the same responses.
// Answers are computed per route on first use and kept; a Query is safe
// for concurrent use.
type Query struct {
	file  *model.File
	stack []*model.File

	mu      sync.Mutex
	routes  *routeMemo
	byRoute map[*model.Scope]*routeAnswers
	// ofRoute indexes the file's responses by route, built on first use
	// so that each route's requests do not walk the whole file.
	ofRoute map[*model.Scope][]*model.Response

	comboMu sync.Mutex
	combo   map[*model.Scope][]string // combos, by route

	corsOnce sync.Once
	// cors holds the scopes with a statement on an Access-Control-*
	// header in them or below them.
	cors map[*model.Scope]bool
}

// routeAnswers are the exchanges sent to one route.
type routeAnswers struct {
	// url reaches the route in stack; "" when no sampled URL does.
	url   string
	stack []*model.File
	// combos are more URLs that reach the route through other sections
	// (a <Files> in a directory a <DirectoryMatch> takes), each merging
	// another set of them into its answer.
	combos []string
	// sent is set once the representative requests were sent.
	sent      bool
	exchanges []Exchange
	// from lists, per response, the exchanges answered from it and
	// whether every one of them is decided.
	from    map[*model.Response][]int
	decided map[*model.Response]bool
	// byOrigin holds what From sent to the route, by origin.
	byOrigin map[string][]Exchange
	// missing holds what Missing sent, once missingSent is set.
	missingSent bool
	missing     []Exchange
}

// NewQuery prepares the query of file, answered through stack (the files
// of one request path, outermost first; file alone when nil).
func NewQuery(file *model.File, stack []*model.File) *Query {
	if len(stack) == 0 {
		stack = []*model.File{file}
	}
	return &Query{file: file, stack: stack, routes: &routeMemo{m: map[routeKey]*model.Scope{}}, byRoute: map[*model.Scope]*routeAnswers{}}
}

// For returns the exchanges answered from r: representative requests to
// a URL that reaches r's route. None when no sampled URL reaches it.
func (q *Query) For(r *model.Response) []Exchange {
	ra := q.route(r)
	out := make([]Exchange, 0, len(ra.from[r]))
	for _, i := range ra.from[r] {
		out = append(out, ra.exchanges[i])
	}
	return out
}

// Merges reports whether r's route is also asked through other sections
// that the server merges into its answers (a <Files> in a directory a
// <DirectoryMatch> takes): its answers may then carry what no statement
// of r sends.
func (q *Query) Merges(r *model.Response) bool {
	return q.evaluates(r) && len(q.combos(r)) > 0
}

// Decides reports whether the exchanges speak for r: some got their
// answer from it, and every one that did is decided. A response no
// representative request reaches, or one whose answers depend on
// something the model cannot know, is left to a rule's own judgement.
func (q *Query) Decides(r *model.Response) bool {
	if !q.evaluates(r) {
		return false
	}
	ra := q.route(r)
	return len(ra.from[r]) > 0 && ra.decided[r]
}

// evaluates reports whether the evaluator speaks for r at all: not
// where its virtual server (or, outside any, its file) is marked
// Unmodelled by the dialect.
func (q *Query) evaluates(r *model.Response) bool {
	s := r.VirtualServer()
	if s == nil {
		s = fileTop(q.file)
	}
	return s == nil || s.Unmodelled == ""
}

// Ask returns the exchanges sent to r's route that keep selects and that
// r answers (their preflight or their actual request), and whether they
// speak for r: one at least, and each decided. A rule that asks only
// about simple requests is not left undecided by a preflight that
// reaches an upstream whose answer to OPTIONS is unknown.
func (q *Query) Ask(r *model.Response, keep func(*Exchange) bool) ([]Exchange, bool) {
	if !q.evaluates(r) {
		return nil, false
	}
	ra := q.route(r)
	var out []Exchange
	decided := true
	for _, i := range ra.from[r] {
		x := ra.exchanges[i]
		if keep != nil && !keep(&x) {
			continue
		}
		out = append(out, x)
		decided = decided && x.Decided()
	}
	return out, len(out) > 0 && decided
}

// Route returns every exchange sent to r's route, whichever response
// answered it: what the other origins and statuses got there.
func (q *Query) Route(r *model.Response) []Exchange {
	if !q.evaluates(r) {
		return nil
	}
	return q.route(r).exchanges
}

// From sends a GET that succeeds to r's route from origin (an origin no
// sample holds, such as one an allowlist probe found) and returns what
// it gets, whichever response answers it. None when no sampled URL
// reaches the route. The answers are remembered per route and origin.
func (q *Query) From(r *model.Response, origin string) []Exchange {
	if !q.evaluates(r) {
		return nil
	}
	ra := q.place(r)
	if ra.url == "" {
		return nil
	}
	q.mu.Lock()
	xs, ok := ra.byOrigin[origin]
	q.mu.Unlock()
	if ok {
		return xs
	}
	x := q.exchange(ra.stack, Request{Request: browser.Request{URL: ra.url, Origin: origin, Method: "GET"}}, r)
	xs = append(xs, x)
	q.mu.Lock()
	if ra.byOrigin == nil {
		ra.byOrigin = map[string][]Exchange{}
	}
	ra.byOrigin[origin] = xs
	q.mu.Unlock()
	return xs
}

// Missing sends to r's route, when the file handler answers r, a GET
// for a file that does not exist from each trusted origin the query
// samples: the 404 that error pages are usually for (the sampled errors
// are 500s), an upstream behind an error page answering its URI with
// success as the sampled GETs take it. The whole stack answers, not
// only the route's responses, since an error page's target is another
// route. The answers are remembered per route.
func (q *Query) Missing(r *model.Response) []Exchange {
	if r.Source != model.FromHandler || !q.evaluates(r) {
		return nil
	}
	ra := q.route(r)
	q.mu.Lock()
	defer q.mu.Unlock()
	if ra.missingSent {
		return ra.missing
	}
	ra.missingSent = true
	for _, x := range ra.exchanges {
		req := x.Request
		if req.Method != "GET" || x.Preflight != nil || req.UpstreamStatus != 0 || req.Origin == Untrusted || req.Origin == "null" {
			continue
		}
		req.UpstreamStatus = 404
		req.UpstreamStatusFor = func(string) int { return 200 }
		ra.missing = append(ra.missing, q.exchange(q.stack, req, r))
	}
	return ra.missing
}

// route returns the answers of r's route, computing them once.
func (q *Query) route(r *model.Response) *routeAnswers {
	ra := q.place(r)
	q.mu.Lock()
	defer q.mu.Unlock()
	if ra.sent || ra.url == "" {
		return ra
	}
	ra.sent = true
	var reqs []Request
	for _, u := range append([]string{ra.url}, ra.combos...) {
		reqs = append(reqs, q.requests(r, u)...)
	}
	for _, req := range reqs {
		x := q.exchange(ra.stack, req, r)
		i := len(ra.exchanges)
		ra.exchanges = append(ra.exchanges, x)
		for _, a := range x.Answers() {
			if a.Response == nil {
				continue
			}
			for _, o := range []*model.Response{a.Response, a.Variant} {
				if o == nil {
					continue
				}
				d, seen := ra.decided[o]
				ra.decided[o] = (d || !seen) && x.Decided()
				if l := ra.from[o]; len(l) == 0 || l[len(l)-1] != i {
					ra.from[o] = append(l, i)
				}
			}
		}
	}
	return ra
}

// exchange predicts req from stack and attributes its answers for r.
// Each request is asked as the first since the server started: a
// cache's hits are the rules' own question (CORS201's "*" on a hit,
// CORS401's stored answer for another origin).
func (q *Query) exchange(stack []*model.File, req Request, r *model.Response) Exchange {
	req.EarlierAll = true
	req.routes = q.routes
	x := Exchange{Request: req, Prediction: Predict(stack, req)}
	q.attribute(&x, r)
	return x
}

// place returns the entry of r's route with the URL that reaches it and
// the files to predict from, found once; its exchanges are sent by route.
func (q *Query) place(r *model.Response) *routeAnswers {
	q.mu.Lock()
	defer q.mu.Unlock()
	if ra, ok := q.byRoute[r.Route]; ok {
		return ra
	}
	ra := &routeAnswers{from: map[*model.Response][]int{}, decided: map[*model.Response]bool{}}
	q.byRoute[r.Route] = ra
	if r.Route == nil {
		return ra
	}
	url, ok := q.target(r)
	if !ok {
		return ra
	}
	stack := q.stack
	if len(stack) == 1 && !q.file.Serving.MethodRouting {
		// Only the responses of the route and of the scopes around it
		// can answer a request that reaches the route; predicting from
		// them alone keeps the cost per request independent of the
		// size of the file. Not for an application, whose router sends
		// another method to a sibling route of the same path.
		stack = []*model.File{q.narrow(r.Route)}
	}
	ra.url, ra.stack = url, stack
	ra.combos = append(q.combos(r), q.probeURLs(r, url)...)
	return ra
}

// probeURLs are more URLs for r's route, one per path test its scopes
// name as giving answers of their own (Scope.Probes), each a sample of
// the test that still reaches the route.
func (q *Query) probeURLs(r *model.Response, url string) []string {
	i := strings.Index(url, "://")
	if i < 0 {
		return nil
	}
	base := url
	if j := strings.IndexByte(url[i+3:], '/'); j >= 0 {
		base = url[:i+3+j]
	}
	// a route that tests the file name only (<FilesMatch>) takes a path
	// the test takes with its file below it: /data/x.json for
	// ^/(static|data); an unanchored test (\.txt$) is also tried in the
	// route's own directory, which an alias may map anywhere
	name := ""
	if r.Route.Match.NamesFile() {
		name = url[strings.LastIndexByte(url, '/'):]
	}
	dir := url[:strings.LastIndexByte(url, '/')]
	var out []string
	for s := r.Route; s != nil && len(out) < maxCombos; s = s.Parent {
		for _, m := range s.Probes {
		samples:
			for _, p := range matchSamples(m) {
				p = strings.TrimPrefix(p, "/")
				us := []string{base + "/" + p}
				if name != "" {
					us = append(us, strings.TrimSuffix(us[0], "/")+name)
				}
				if !strings.HasPrefix(m.Pattern, "^") && dir != base {
					us = append(us, dir+"/"+p)
				}
				for _, u := range us {
					if u == url || slices.Contains(out, u) || !q.reaches(u, r) {
						continue
					}
					out = append(out, u)
					break samples
				}
			}
			if len(out) >= maxCombos {
				break
			}
		}
	}
	return out
}

// reaches reports whether a GET to u gets its answer from r's route:
// where the dialect walks requests itself (httpd), its walk goes through
// the route's section; otherwise the model's route choice picks it.
func (q *Query) reaches(u string, r *model.Response) bool {
	if q.file.Walker != nil {
		return q.walkInto(u, r) != ""
	}
	e, err := newEvaluator(Request{Request: browser.Request{URL: u}}, "GET")
	return err == nil && q.routes.route(e, q.file) == r.Route
}

// attribute ties answers that a dialect's own request walk gave (httpd's,
// which names only the statements) to the response of r's route that the
// same statement produces (walked), and each line to its statement.
func (q *Query) attribute(x *Exchange, r *model.Response) {
	for _, a := range x.Answers() {
		if a.Response == nil && !a.By.IsZero() {
			a.Response = q.walked(a, r.Route)
			if a.Response != nil {
				a.Variant = q.variant(a, a.Response)
			}
		}
		for i := range a.Headers {
			l := &a.Headers[i]
			if l.Op != nil || l.From.IsZero() {
				continue
			}
			for _, op := range q.file.Headers {
				if samePlace(op.Span, l.From) && op.Name == l.Name {
					l.Op = op
					break
				}
			}
		}
	}
}

// walked returns the response of route that a walk's answer comes from,
// preferring one for the answer's method: the one the statement the walk
// names produces (a RewriteRule, a ProxyPass). httpd's file handler is
// named by its virtual host, whose own route's responses carry that
// place; a route of a section below it (<Directory>, <Files>, a static
// <Location>) answers as its own section when the walk went through that
// section. Nil when none does.
func (q *Query) walked(a *Answer, route *model.Scope) *model.Response {
	at := a.By
	if s := serverScope(route); s != nil && s != route && samePlace(s.Span, at) && walkedThrough(a.Route, route) || s == nil && q.sharedBy(route, at) && walkedThroughAll(a.Route, route) {
		at = route.Span
	}
	var out *model.Response
	for _, o := range q.file.Responses {
		if o.Route != route || !samePlace(o.Span, at) || o.IsPreflightAnswer() != (a.Method == "OPTIONS") && o.Methods != nil {
			continue
		}
		if out == nil || o.ForMethod(a.Method) && !out.ForMethod(a.Method) {
			out = o
		}
	}
	return out
}

// variant returns the variant response of r (one with the same route and
// place, for an <If>, <ElseIf> or <Else> branch) whose branch the walk
// (its sections, as "VirtualHost a.test > FilesMatch \.json$ > If ...")
// took last: a <FilesMatch>'s own <If> after the server's <Else>. Nil
// when it took none of r's.
func (q *Query) variant(a *Answer, r *model.Response) *model.Response {
	walk := " > " + a.Route + " > "
	var out *model.Response
	at := -1
	for _, o := range q.file.Responses {
		if o == r || o.Route != r.Route || !samePlace(o.Span, r.Span) || o.Scope == nil || o.Scope.Role != model.RoleCondition || o.IsPreflightAnswer() != r.IsPreflightAnswer() {
			continue
		}
		if i := strings.LastIndex(walk, " > "+o.Scope.Kind+" "+o.Scope.Label+" > "); i > at {
			out, at = o, i
		}
	}
	return out
}

// sharedBy reports whether route, below a section of the main
// configuration (a linked .htaccess), has responses of the virtual host
// at at, which names the file handler's answers there.
func (q *Query) sharedBy(route *model.Scope, at model.Span) bool {
	for _, o := range q.file.Responses {
		if o.Route == route && o.Server != nil && samePlace(o.Server.Span, at) {
			return true
		}
	}
	return false
}

// walkedThroughAll is walkedThrough for route and each section around it
// up to the main configuration: a server-level <Files> repeated below a
// linked .htaccess is that route only where the walk read the .htaccess.
func walkedThroughAll(walk string, route *model.Scope) bool {
	for c := route; c != nil && c.Parent != nil; c = c.Parent {
		if !walkedThrough(walk, c) {
			return false
		}
	}
	return true
}

// walkedThrough reports whether a walk's route (its sections, as
// "VirtualHost a.test > Directory /srv/www") names scope s.
func walkedThrough(walk string, s *model.Scope) bool {
	return strings.Contains(" > "+walk+" > ", " > "+s.Kind+" "+s.Label+" > ")
}

// serverScope is the virtual server around route, or nil.
func serverScope(route *model.Scope) *model.Scope {
	for s := route; s != nil; s = s.Parent {
		if s.Role == model.RoleServer {
			return s
		}
	}
	return nil
}

// narrow returns a copy of the file with only the responses that a
// request reaching route can get, and remembers that its URLs reach
// route as they do in the whole file.
func (q *Query) narrow(route *model.Scope) *model.File {
	f := *q.file
	f.Responses = nil
	for _, r := range q.file.Responses {
		if r.Route == route || r.Route != nil && isAncestor(r.Route, route) {
			f.Responses = append(f.Responses, r)
		}
	}
	q.routes.alias(&f, q.file)
	return &f
}

// routeMemo remembers the route each file gives a host, port and path
// (and, for an application, method): the choice depends on nothing else,
// and a query asks it for every origin and method sent to one URL.
type routeMemo struct {
	mu sync.Mutex
	m  map[routeKey]*model.Scope
	// as maps a narrowed copy of a file to the file, whose routes it
	// takes.
	as map[*model.File]*model.File
	// routes holds the routes of each virtual server of a file, which
	// every path sent there is matched against.
	routes map[routesKey]serverRoutes

	// servers remembers the virtual server each file gives a host and
	// port, which every path sampled there shares; smu guards it apart
	// from m, whose route choice asks it.
	smu     sync.Mutex
	servers map[serverKey]*model.Scope

	// samples remembers the origins each allowlist accepts, which every
	// route of the file samples from; regexes compiles each pattern the
	// request walk runs (nginx captures) once per query.
	samplesMu sync.Mutex
	samples   map[*model.Matcher][]string
	regexes   pcre.Cache
}

// originSamples is originSamples, remembered per matcher; a nil memo
// samples every time.
func (m *routeMemo) originSamples(x *model.Matcher) []string {
	if m == nil {
		return originSamples(x)
	}
	m.samplesMu.Lock()
	defer m.samplesMu.Unlock()
	if s, ok := m.samples[x]; ok {
		return s
	}
	s := originSamples(x)
	if m.samples == nil {
		m.samples = map[*model.Matcher][]string{}
	}
	m.samples[x] = s
	return s
}

// compiler is the pattern cache of the memo; nil (compile every time)
// without one.
func (m *routeMemo) compiler() *pcre.Cache {
	if m == nil {
		return nil
	}
	return &m.regexes
}

type routesKey struct {
	f      *model.File
	server *model.Scope
}

type serverKey struct {
	f    *model.File
	host string
	port int
}

type routeKey struct {
	f          *model.File
	host, path string
	port       int
	method     string // for applications, whose routers choose by method too
}

func (m *routeMemo) alias(copyOf, f *model.File) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.as == nil {
		m.as = map[*model.File]*model.File{}
	}
	m.as[copyOf] = f
}

// server is e.server(f), remembered when m is not nil. A narrowed copy
// keeps its file's scopes, so it shares the file's entry.
func (m *routeMemo) server(e *evaluator, f *model.File) *model.Scope {
	if m == nil {
		return e.server(f)
	}
	m.mu.Lock()
	if whole, ok := m.as[f]; ok {
		f = whole
	}
	m.mu.Unlock()
	return m.serverOf(e, f)
}

// serverOf is server for f, a whole file. It takes only m.smu, so that
// route may ask it while holding m.mu.
func (m *routeMemo) serverOf(e *evaluator, f *model.File) *model.Scope {
	k := serverKey{f: f, host: e.host, port: e.port}
	m.smu.Lock()
	defer m.smu.Unlock()
	if s, ok := m.servers[k]; ok {
		return s
	}
	if m.servers == nil {
		m.servers = map[serverKey]*model.Scope{}
	}
	s := e.server(f)
	m.servers[k] = s
	return s
}

// route is e.route(f), remembered when m is not nil; for a narrowed
// copy, the route of the whole file.
func (m *routeMemo) route(e *evaluator, f *model.File) *model.Scope {
	if m == nil {
		return e.route(f)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if whole, ok := m.as[f]; ok {
		f = whole
	}
	k := routeKey{f: f, host: e.host, path: e.path, port: e.port}
	if f.Serving.MethodRouting {
		k.method = e.method
	}
	if r, ok := m.m[k]; ok {
		return r
	}
	server := m.serverOf(e, f)
	rs, ok := m.routes[routesKey{f, server}]
	if !ok {
		rs = routesOf(f, server)
		if m.routes == nil {
			m.routes = map[routesKey]serverRoutes{}
		}
		m.routes[routesKey{f, server}] = rs
	}
	r := e.routeIn(f, server, rs)
	m.m[k] = r
	return r
}

// requests lists the representative requests sent to url for r: from
// the origins r's tests trust, the untrusted one, null, and one on the
// matching side of each negated origin test of the route's responses.
// The caller holds q.mu.
func (q *Query) requests(r *model.Response, url string) []Request {
	origins := append(trustedOrigins(q.file, r, q.routes), Untrusted, "null")
	if q.ofRoute == nil {
		q.ofRoute = map[*model.Scope][]*model.Response{}
		for _, o := range q.file.Responses {
			q.ofRoute[o.Route] = append(q.ofRoute[o.Route], o)
		}
	}
	origins = negatedSides(origins, q.ofRoute[r.Route], q.routes)
	out := sampleRequests(url, origins)
	if q.file.Serving.MethodRouting {
		out = append(out, methodRequests(url, origins, routeMethods(q.file, r))...)
	}
	return out
}

// methodRequests lists, for an application, whose router chooses by
// method, the requests that reach the routes of a path that GET and a
// preflighted POST do not: a POST that needs no preflight (which a path
// without a POST route answers with the framework's 404), and each other
// method of the path's routes, preflighted as the browser sends it.
func methodRequests(url string, origins []string, methods []string) []Request {
	var out []Request
	for _, o := range origins {
		out = append(out, Request{Request: browser.Request{URL: url, Origin: o, Method: "POST", Headers: []browser.Header{{Name: "Content-Type", Value: "text/plain"}}}})
		for _, m := range methods {
			switch m {
			case "GET", "HEAD", "POST", "OPTIONS":
				continue
			}
			out = append(out, Request{Request: browser.Request{URL: url, Origin: o, Method: m, Headers: []browser.Header{{Name: "Content-Type", Value: "application/json"}}}})
		}
	}
	return out
}

// sampleRequests lists, for each origin, a GET that succeeds, one the
// upstream or the file handler answers with an error, and a POST that
// needs a preflight.
func sampleRequests(url string, origins []string) []Request {
	var out []Request
	for _, o := range origins {
		for _, st := range []int{0, 500} {
			out = append(out, Request{Request: browser.Request{URL: url, Origin: o, Method: "GET"}, UpstreamStatus: st})
		}
		out = append(out, Request{Request: browser.Request{URL: url, Origin: o, Method: "POST", Headers: preflightedHeaders()}})
	}
	return out
}

// preflightedHeaders are the request headers most APIs need that only a
// preflight admits.
func preflightedHeaders() []browser.Header {
	return []browser.Header{
		{Name: "Content-Type", Value: "application/json"},
		{Name: "Authorization", Value: "Bearer t"},
		{Name: "X-Requested-With", Value: "XMLHttpRequest"},
	}
}

// target returns a URL that reaches r's route in the whole file: a host
// that selects its virtual server and a path sampled from the route's
// tests.
func (q *Query) target(r *model.Response) (string, bool) {
	f := q.file
	base := "https://corslint.invalid"
	server := r.VirtualServer()
	if server != nil {
		base = "http://" + hostFor(server)
		if len(server.Ports) > 0 && server.Ports[0] != 80 {
			base += fmt.Sprintf(":%d", server.Ports[0])
		}
	}
	// A URL whose walk goes on from r's route into another route's
	// section (a <FilesMatch> that takes /static/x.json in <Directory
	// /static>) gets that route's answer: another sample speaks for r.
	// A <DirectoryMatch> takes URLs the model's route choice does not
	// tell apart: the walk finds those in the directories it names.
	for i, p := range fsSamples(r.Route) {
		if i >= maxRoutePaths {
			break
		}
		if q.walkInto(base+p, r) != "" {
			return base + p, true
		}
	}
	below := ""
	for i, p := range pathSamples(r.Route) {
		if i >= maxRoutePaths {
			break
		}
		for _, m := range routeMethods(f, r) {
			e, err := newEvaluator(Request{Request: browser.Request{URL: base + p}}, m)
			if err != nil {
				break
			}
			if server != nil && q.routes.server(e, f) != server {
				return "", false // a server no sampled host selects
			}
			if picked := q.routes.route(e, f); picked == r.Route || q.walkReaches(e, f, picked, r) {
				if q.walkGoesBelow(e, f, r.Route) {
					if below == "" {
						below = base + p
					}
					continue
				}
				return base + p, true
			}
		}
	}
	return below, below != ""
}

// fsSamples lists URL paths that may reach a route testing the file
// system rather than the URL (a <DirectoryMatch>, whose pattern names
// directories): a file in each sample of its pattern, cut at each slash
// (the part below some document root, which the model does not hold).
func fsSamples(route *model.Scope) []string {
	if route.Match != nil {
		return nil
	}
	var out []string
	for _, s := range regexSamples(strings.TrimSpace(strings.TrimPrefix(route.Label, "~"))) {
		if !strings.HasPrefix(s, "/") {
			continue
		}
		// the shortest cut first: the document root is most often the
		// directory the pattern names first
		for i := len(s) - 2; i >= 0; i-- {
			if s[i] == '/' {
				out = append(out, strings.TrimSuffix(s[i:], "/")+"/x.json")
			}
		}
	}
	return out
}

// combos returns, for a route that tests the file name only (<Files>,
// <FilesMatch>), more URLs that the dialect's own walk (httpd's) takes
// into it through other sections: the same file in the directories
// the other routes of its server are asked with, one URL per set of
// sections walked through that url's own walk and those before did not
// give. httpd merges every section a request meets into one answer, so
// a "*" of a <Files> meets the credentials of a <DirectoryMatch> only on
// a URL under both.
func (q *Query) combos(r *model.Response) []string {
	if !q.mayMerge(r) {
		return nil
	}
	q.comboMu.Lock()
	defer q.comboMu.Unlock()
	if out, ok := q.combo[r.Route]; ok {
		return out
	}
	out := q.findCombos(r)
	if q.combo == nil {
		q.combo = map[*model.Scope][]string{}
	}
	q.combo[r.Route] = out
	return out
}

func (q *Query) findCombos(r *model.Response) []string {
	f := q.file
	host := "https://corslint.invalid"
	if s := r.VirtualServer(); s != nil {
		host = "http://" + hostFor(s)
		if len(s.Ports) > 0 && s.Ports[0] != 80 {
			host += fmt.Sprintf(":%d", s.Ports[0])
		}
	}
	// the route's own file name, from its first sample
	ps := pathSamples(r.Route)
	if len(ps) == 0 {
		return nil
	}
	url := host + ps[0]
	name := ps[0][strings.LastIndexByte(ps[0], '/'):]
	server := serverScope(r.Route)
	seen := map[string]bool{q.walkInto(url, r): true, "": true}
	tried := map[string]bool{url: true}
	var out []string
	for _, o := range f.Responses {
		// only a section with CORS statements of its own changes what
		// the merge sends, and no <Files> applies to a proxied request
		if o.Route == nil || o.Route == r.Route || serverScope(o.Route) != server || o.Route == server || o.Source == model.FromUpstream || !q.sendsCORS(o.Route) {
			continue
		}
		if o.Route.Match.NamesFile() {
			continue
		}
		for _, p := range append(fsSamples(o.Route), pathSamples(o.Route)...) {
			if len(out) >= maxCombos || len(tried) >= maxComboWalks {
				return out
			}
			u := host + p[:strings.LastIndexByte(p, '/')] + name
			if tried[u] {
				continue
			}
			tried[u] = true
			// the directory a route is asked with comes first
			if w := q.walkInto(u, r); !seen[w] {
				seen[w] = true
				out = append(out, u)
			}
			break
		}
	}
	return out
}

// mayMerge reports whether r's route tests the file name only (<Files>,
// <FilesMatch>) and sends CORS headers, in a file the dialect's own walk
// answers: what combos looks for.
func (q *Query) mayMerge(r *model.Response) bool {
	return q.file.Walker != nil && r.Route.Match.NamesFile() && q.sendsCORS(r.Route)
}

// sendsCORS reports whether a statement on an Access-Control-* header is
// written in s or below it.
func (q *Query) sendsCORS(s *model.Scope) bool {
	q.corsOnce.Do(func() {
		q.cors = map[*model.Scope]bool{}
		for _, op := range q.file.Headers {
			if !model.IsCORSHeader(op.Name) {
				continue
			}
			for c := op.Scope; c != nil && !q.cors[c]; c = c.Parent {
				q.cors[c] = true
			}
		}
	})
	return q.cors[s]
}

// walkInto returns the sections the dialect's own walk of a GET to u
// goes through when it goes through r's route and its answer lands on
// one of that route's responses; "" otherwise.
func (q *Query) walkInto(u string, r *model.Response) string {
	if q.file.Walker == nil {
		return ""
	}
	e, err := newEvaluator(Request{Request: browser.Request{URL: u}}, "GET")
	if err != nil {
		return ""
	}
	if s := r.VirtualServer(); s != nil && q.routes.server(e, q.file) != s {
		return ""
	}
	a := &Answer{Method: e.method}
	if !e.apacheLayer(q.file, a) || !walkedThrough(a.Route, r.Route) || q.walked(a, r.Route) == nil {
		return ""
	}
	return a.Route
}

// walkGoesBelow reports whether the dialect's own walk of the request
// (httpd's) goes through route's section and then through the section
// of another route of the file, whose statements then shape the answer.
func (q *Query) walkGoesBelow(e *evaluator, f *model.File, route *model.Scope) bool {
	if f.Walker == nil {
		return false
	}
	a := &Answer{Method: e.method}
	if !e.apacheLayer(f, a) || a.By.IsZero() {
		return false
	}
	own := route.Kind + " " + route.Label
	parts := strings.Split(a.Route, " > ")
	i := slices.Index(parts, own)
	if i < 0 {
		return false
	}
	for _, part := range parts[i+1:] {
		for _, o := range f.Responses {
			if o.Route != nil && o.Route != route && o.Route.Kind+" "+o.Route.Label == part {
				return true
			}
		}
	}
	return false
}

// walkReaches reports whether the dialect's own walk of a GET (httpd's)
// ends in r's route where the model's route choice, picked, does not
// apply at all: a <DirectoryMatch> route tests the file system, not the
// URL, so the model's choice takes every URL for it, and the server's
// own route would get none (its refusal of OPTIONS then unasked). The
// walk's answer lands on r's route when walked finds the response of
// that route it comes from.
func (q *Query) walkReaches(e *evaluator, f *model.File, picked *model.Scope, r *model.Response) bool {
	if f.Walker == nil {
		return false
	}
	a := &Answer{Method: e.method}
	if !e.apacheLayer(f, a) || a.By.IsZero() {
		return false
	}
	if picked != nil && walkedThrough(a.Route, picked) && !walkedThrough(a.Route, r.Route) {
		return false // the walk went through the model's choice only
	}
	return q.walked(a, r.Route) != nil
}

// routeMethods lists the methods a request to r's route is tried with:
// GET, and for an application, whose router chooses by method too (an
// app.options or app.put route that GET never reaches), the methods of
// the route's responses.
func routeMethods(f *model.File, r *model.Response) []string {
	out := []string{"GET"}
	if !f.Serving.MethodRouting {
		return out
	}
	for _, o := range f.Responses {
		if o.Route != r.Route {
			continue
		}
		for _, m := range o.Methods {
			if m = strings.ToUpper(m); !slices.Contains(out, m) {
				out = append(out, m)
			}
		}
	}
	return out
}

// hostFor returns a host name that the server's names accept.
func hostFor(s *model.Scope) string {
	for _, h := range s.Hosts {
		h = strings.ToLower(strings.TrimSpace(h))
		switch {
		case h == "" || strings.HasPrefix(h, "~") || strings.ContainsAny(h, "$/ "):
			continue
		case strings.HasPrefix(h, "*."):
			return "x" + h[1:]
		case strings.HasPrefix(h, "."):
			return h[1:]
		case strings.HasSuffix(h, ".*"):
			return h[:len(h)-1] + "com"
		}
		return strings.NewReplacer("*", "x", "?", "x").Replace(h)
	}
	// a regex name: a short host it accepts (c0.test for ~^c[0-9]+\.test$)
	for _, h := range s.Hosts {
		p, ok := strings.CutPrefix(strings.TrimSpace(h), "~")
		if !ok {
			continue
		}
		for _, c := range regexSamples(p) {
			c = strings.ToLower(c)
			if c != "" && !strings.ContainsAny(c, "/ :") && pcre.Match(p, true, c) {
				return c
			}
		}
	}
	// a server without names is reached by a host no other one takes
	return "corslint.invalid"
}

// pathSamples lists paths likely to reach route: samples of its own path
// test under the prefix of the route around it, the root when it tests
// nothing.
func pathSamples(route *model.Scope) []string {
	var out []string
	seen := map[string]bool{}
	add := func(p string) {
		if !strings.HasPrefix(p, "/") {
			p = "/" + p
		}
		if !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	var own *model.PathMatch
	for c := route; c != nil && own == nil; c = c.Parent {
		own = c.Match
	}
	if own == nil || own.Named {
		add("/")
		add("/corslint-unmatched")
		return out
	}
	prefixes := []string{""}
	for c := route.Parent; c != nil; c = c.Parent {
		if c.Match != nil && c.Match.Kind == model.PathPrefix && c.Match != own {
			prefixes = append(prefixes, strings.TrimSuffix(c.Match.Pattern, "/")+"/")
			break
		}
	}
	inner := own.Kind == model.PathFileGlob || own.Kind == model.PathFileRegex || own.Kind == model.PathRegex
	for _, s := range matchSamples(own) {
		for _, pre := range prefixes {
			if pre != "" && !inner {
				continue
			}
			add(pre + strings.TrimPrefix(s, "/"))
			if pre != "" {
				add(pre + "x" + strings.TrimPrefix(s, "/"))
			}
		}
	}
	return out
}

// matchSamples lists paths a route test accepts: the path itself, a file
// below a prefix, a string a regex accepts.
func matchSamples(m *model.PathMatch) []string {
	switch m.Kind {
	case model.PathExact:
		return []string{m.Pattern}
	case model.PathPrefix:
		p := m.Pattern
		if strings.HasSuffix(p, "/") {
			return []string{p + "x.json", p}
		}
		return []string{p, p + "/x.json"}
	case model.PathFileGlob:
		return []string{strings.NewReplacer("*", "x", "?", "x").Replace(m.Pattern)}
	}
	var out []string
	for _, s := range regexSamples(m.Pattern) {
		if m.Matches(s) || m.Matches("/"+s) {
			out = append(out, s)
		}
		if strings.HasSuffix(s, "/") && m.Matches(s+"x.json") {
			out = append(out, s+"x.json")
		}
	}
	return out
}

// regexSamples lists up to 8 short strings a regex accepts, read from its
// syntax tree; a pattern Go's parser rejects (PCRE-only syntax) gives
// none.
func regexSamples(pattern string) []string {
	re, err := syntax.Parse(pattern, syntax.Perl)
	if err != nil {
		return nil
	}
	return expand(re.Simplify(), 8)
}

// expand lists up to limit strings re accepts, preferring short ones.
func expand(re *syntax.Regexp, limit int) []string {
	return model.RegexSamples(re, limit, "x")
}

// trustedOrigins samples up to maxTrusted origins that r's conditions,
// then the file's allowlists, accept, and literal origins r's headers
// send.
func trustedOrigins(f *model.File, r *model.Response, memo *routeMemo) []string {
	var out []string
	seen := map[string]bool{}
	add := func(o string) {
		if len(out) < maxTrusted && o != "" && !seen[o] {
			seen[o] = true
			out = append(out, o)
		}
	}
	var ms []*model.Matcher
	for _, c := range r.Conds {
		if c != nil && c.Origin != nil && !c.Negated {
			ms = append(ms, c.Origin)
		}
	}
	for _, op := range r.Headers {
		if op.When != nil && op.When.Origin != nil && !op.When.Negated {
			ms = append(ms, op.When.Origin) // Apache env= set from Origin, a VCL if
		}
		if op.Name == model.ACAO {
			for o := range op.Value.All() {
				ms = append(ms, o.Guards...)
			}
			ms = append(ms, op.Value.Guards...)
		}
	}
	ms = append(ms, f.Matchers...)
	for _, m := range ms {
		if len(out) == maxTrusted {
			break // the file's other allowlists would add nothing
		}
		if m == nil || m.Dynamic {
			continue
		}
		for _, c := range memo.originSamples(m) {
			add(c)
		}
	}
	for _, op := range r.Headers {
		if op.Name == model.ACAO && op.Value.Kind == model.Literal && strings.Contains(op.Value.Text, "://") && !strings.ContainsAny(op.Value.Text, " ,") {
			add(op.Value.Text)
		}
	}
	if len(out) == 0 {
		add("https://app.corslint.invalid")
	}
	return out
}

// negatedSides adds to origins, beyond the cap, one origin that the
// pattern of each negated origin test of rs takes where no origin of
// origins does: the side of the test no other sample may be on (an <If>
// on !(%{HTTP:Origin} =~ /example\.com$/) takes the untrusted origin,
// null and the trusted samples alike).
func negatedSides(origins []string, rs []*model.Response, memo *routeMemo) []string {
	for _, r := range rs {
		var ms []*model.Matcher
		for _, c := range r.Conds {
			if c != nil && c.Origin != nil && c.Negated {
				ms = append(ms, c.Origin)
			}
		}
		for _, op := range r.Headers {
			if op.When != nil && op.When.Origin != nil && op.When.Negated {
				ms = append(ms, op.When.Origin)
			}
		}
		for _, m := range ms {
			if m.Dynamic || slices.ContainsFunc(origins, m.Matches) {
				continue
			}
			if o := memo.originSamples(m); len(o) > 0 {
				origins = append(origins, o[0])
			}
		}
	}
	return origins
}

// originSamples lists origins m accepts, sampled from its values or its
// pattern.
func originSamples(m *model.Matcher) []string {
	var cands, out []string
	switch m.Kind {
	case model.MatchExact:
		cands = m.Exact
	case model.MatchWildcard:
		for _, e := range m.Exact {
			cands = append(cands, strings.ReplaceAll(e, "*", "x"))
		}
	default:
		cands = regexSamples(strings.TrimPrefix(m.Pattern, "~"))
	}
	for _, c := range cands {
		if !strings.Contains(c, "://") && (m.Hostnames || m.Matches("https://"+strings.TrimPrefix(c, "."))) {
			// an unanchored pattern samples the host alone
			c = "https://" + strings.TrimPrefix(c, ".")
		} else if strings.HasPrefix(c, ".") && m.Matches("https://x"+c) {
			// a suffix that needs its dot (\.example\.com$)
			c = "https://x" + c
		}
		// browsers send the origin's scheme and host in lower case: a
		// pattern matched without case (SetEnvIfNoCase "^https://APP\.")
		// is asked with what they send
		c = strings.ToLower(c)
		if strings.Contains(c, "://") && m.Matches(c) {
			out = append(out, c)
		}
	}
	return out
}
