// Package serverside works out, from configuration alone, the responses a
// cross-origin request and its preflight get, and what Chromium makes of
// them. It walks the model the way the server does: choose the virtual
// server and route, evaluate the if blocks and allowlists, apply header
// statements for the status the response has, pass upstream headers
// through proxies, and hands the result to the browser's algorithm in
// package browser.
package serverside

import (
	"fmt"
	"net"
	"net/url"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/corslint/corslint/internal/pcre"

	"github.com/corslint/corslint/browser"
	"github.com/corslint/corslint/model"
)

// Request is a fetch() together with what the configuration cannot know:
// how the upstream behind a proxy answers.
type Request struct {
	browser.Request
	// UpstreamStatus is the status the upstream answers the actual
	// request with; 0 means 200.
	UpstreamStatus int
	// UpstreamOptionsStatus is the status the upstream answers OPTIONS
	// with; 0 means unknown.
	UpstreamOptionsStatus int
	// UpstreamHeaders are headers the upstream adds itself (its own
	// Access-Control-Allow-Origin, Vary), as names with values; a value
	// of "$origin" echoes the request's Origin.
	UpstreamHeaders []browser.Header
	// Earlier lists the requests that reached the server before this one
	// and its preflight, oldest first: what a cache on the path stored
	// from them, and how often they hit it since (VCL obj.hits).
	Earlier []Earlier
	// EarlierAll says Earlier is every request since the server started,
	// so a cache held nothing else. Predict without it (and without
	// PriorOrigin) does not know what a cache held: an answer a hit
	// changes is undecidable.
	EarlierAll bool
	// PriorOrigin, when set and Earlier is not, is the origin of a GET for
	// the same URL, the first request since the server started: Earlier
	// of that one request.
	PriorOrigin string
	// Files, when set, tells which paths exist where the server runs, for
	// its own file handler; nil takes the handler's status from
	// UpstreamStatus.
	Files Files
	// UpstreamStatusFor, when set, is the status the upstream answers
	// another path with (the URI of an nginx error page); nil when only
	// the request's own path is known.
	UpstreamStatusFor func(path string) int

	// Addr is the address the connection reaches, for a URL whose host
	// is a name; "" takes the URL's host when it is an IP address and
	// leaves the address unknown otherwise (nginx chooses among the
	// servers of that address first).
	Addr string

	// earlierUnknown is set by Predict when it is not told what came
	// before (EarlierAll): what a cache held is then undecidable rather
	// than empty.
	earlierUnknown bool

	// routes, when set, remembers the routes already chosen (a Query
	// sends many requests to one URL).
	routes *routeMemo
	// prepared, when set, is the browser's request already prepared by
	// Predict, which the preflight's headers are read from.
	prepared *browser.Prepared
}

// preflightNames lists the header names the browser sends in the
// preflight's Access-Control-Request-Headers.
func (r *Request) preflightNames() []string {
	br := r.prepared
	if br == nil {
		p := browser.Prepare(r.Request)
		br = &p
	}
	_, names := br.NeedsPreflight()
	return names
}

// Line is one header line of a predicted response and where it came from.
type Line struct {
	Name  string
	Value string
	// From is the statement that put the line there; zero for a line from
	// the upstream.
	From model.Span
	// Op is that statement; nil for a line from the upstream.
	Op *model.HeaderOp
	// Upstream names the upstream a line came from.
	Upstream string
}

// Answer is a predicted response.
type Answer struct {
	Method  string
	Status  int // 0 when unknown
	Headers []Line
	// Route describes the scopes the request went through.
	Route string
	// By is the statement that produced the response (return, proxy_pass).
	By model.Span
	// Response is the response of the outermost file that answered, nil
	// when none did.
	Response *model.Response
	// Variant is the variant response of Response (an httpd <If>,
	// <ElseIf> or <Else> branch) whose branch the dialect's own walk took
	// last, nil when it took none: the exchange speaks for it too.
	Variant *model.Response
	// Notes say what the configuration cannot decide.
	Notes []string
	// Undecidable lists what the configuration cannot decide that may
	// change the CORS headers of this answer; the verdict then names it
	// instead of guessing.
	Undecidable []string
	// upstreamOptions is set when OPTIONS goes to an upstream whose
	// answer the request does not give.
	upstreamOptions bool
}

// From reports whether the answer speaks for r: r gave it, or r is the
// variant whose branch the walk took.
func (a *Answer) From(r *model.Response) bool {
	return a.Response == r || a.Variant == r
}

func (a *Answer) wire() *browser.Response {
	if a == nil {
		return nil
	}
	r := &browser.Response{Status: a.Status}
	for _, l := range a.Headers {
		r.Headers = append(r.Headers, browser.Header{Name: l.Name, Value: l.Value})
	}
	return r
}

// Prediction is the outcome for one request.
type Prediction struct {
	Preflight *Answer // nil when no preflight is sent
	Actual    *Answer // nil when the preflight fails
	Verdict   browser.Verdict
	// Unknown is set when the verdict depends on something the
	// configuration does not say (an upstream's answer to OPTIONS, a
	// condition on the request it cannot evaluate, a header value it
	// does not give): why the answer is undecidable.
	Unknown string
}

// Predict evaluates req through stack, the files of one request path,
// outermost first: an outer file whose response comes from its upstream
// passes on what the next file answers.
func Predict(stack []*model.File, req Request) Prediction {
	var p Prediction
	// One preparation of the browser's request serves its three
	// questions.
	br := browser.Prepare(req.Request)
	req.prepared = &br
	if req.PriorOrigin != "" && len(req.Earlier) == 0 {
		req.Earlier, req.EarlierAll = []Earlier{{Origin: req.PriorOrigin}}, true
	}
	req.earlierUnknown = !req.EarlierAll
	if need, _ := br.NeedsPreflight(); need {
		p.Preflight = answerAs(stack, req, "OPTIONS", true)
		if p.Preflight.Status == 0 {
			p.Unknown = "nothing in the configuration answers the preflight (" + strings.Join(p.Preflight.Notes, "; ") + ")"
			if p.Preflight.upstreamOptions {
				p.Unknown = "the preflight's status depends on how the upstream answers OPTIONS (" + strings.Join(p.Preflight.Notes, "; ") + ")"
			}
			return p
		}
		if v := br.CheckPreflight(*p.Preflight.wire()); !v.Allowed {
			p.Verdict = v
			p.Unknown = undecidable(p.Preflight)
			return p
		}
	}
	method := req.Method
	if method == "" {
		method = "GET"
	}
	if p.Preflight != nil {
		// the preflight reached the server (and a cache) first
		req.Earlier = append(slices.Clip(req.Earlier), Earlier{Origin: req.Origin, Method: "OPTIONS", Preflight: true})
	}
	p.Actual = answer(stack, req, method)
	if p.Actual.Status == 0 {
		p.Actual.Status = 200
	}
	p.Verdict = br.Evaluate(p.Preflight.wire(), p.Actual.wire())
	p.Unknown = undecidable(p.Preflight, p.Actual)
	return p
}

// undecidable joins what the answers could not decide, or "".
func undecidable(as ...*Answer) string {
	var out []string
	for _, a := range as {
		if a != nil {
			out = append(out, a.Undecidable...)
		}
	}
	return strings.Join(out, "; ")
}

// answer computes the response one request gets from the stack.
func answer(stack []*model.File, req Request, method string) *Answer {
	return answerAs(stack, req, method, false)
}

// answerAs is answer for the request itself or, when preflight is set,
// for the preflight the browser sends before it.
func answerAs(stack []*model.File, req Request, method string, preflight bool) *Answer {
	a := &Answer{Method: method}
	if len(stack) == 0 {
		a.Notes = append(a.Notes, "no configuration")
		return a
	}
	e, err := newEvaluator(req, method)
	if err != nil {
		a.Notes = append(a.Notes, "cannot parse the URL: "+err.Error())
		return a
	}
	e.preflight = preflight
	e.layer(stack, a)
	return a
}

// newEvaluator prepares the evaluation of req sent with method.
func newEvaluator(req Request, method string) (*evaluator, error) {
	u, err := url.Parse(req.URL)
	if err != nil {
		return nil, fmt.Errorf("parse %q: %w", req.URL, err)
	}
	e := &evaluator{req: req, origin: req.Origin, method: method, host: u.Hostname(), port: urlPort(u), path: u.EscapedPath(), query: u.RawQuery}
	if e.path == "" {
		e.path = "/"
	}
	return e, nil
}

type evaluator struct {
	req Request
	// origin is the Origin of the request being answered: the request's
	// own, or an earlier one's for what a cache stored from it.
	origin string
	// storedOrigin is set while the answer comes from a cache filled by
	// an earlier request from that origin.
	storedOrigin string
	// hits is VCL's obj.hits for the answer being built: 0 unless a cache
	// answers it from an object earlier requests stored.
	hits   int
	method string
	// preflight is set while the answer is to the preflight, whose
	// request headers are the browser's, not the page's.
	preflight bool
	host      string
	port      int
	path      string
	query     string
	// nginx: the error an error page answers (0 outside one), its
	// error_page's overwrite, the named location it goes to, and the
	// internal redirects so far.
	errStatus, overwrite int
	forced               *model.Scope
	redirects            int
	// autoRedirect is set when the location search ended on a proxied
	// location whose name is the path and a slash.
	autoRedirect bool
	// rewriteIn is the nginx location whose set directives ran for the
	// answer being built; nil when none did.
	rewriteIn *model.Scope
	// early is the answer nginx gives before the location's rewrite
	// phase (auto redirect, internal), once made.
	early *model.Response
	// newURI is the URI an error page redirected to, whose upstream
	// status the request does not give.
	newURI string
	// capture is nginx's capture state for the request, shared by the
	// internal redirects and error pages that answer it.
	capture map[*model.File]*capState
	// capNow is the capture state of the file whose headers are being
	// evaluated, nil outside that or for a dialect without captures.
	capNow *capState
}

// urlPort is the port a URL connects to.
func urlPort(u *url.URL) int {
	if p, err := strconv.Atoi(u.Port()); err == nil {
		return p
	}
	if u.Scheme == "http" {
		return 80
	}
	return 443
}

// behind is what stands behind stack[0] for response r: a function
// integration reaches the file of its own handler's code when the run
// holds it (a template with several functions), else the next file.
func behind(stack []*model.File, r *model.Response) []*model.File {
	if r.Upstream == nil || !r.Upstream.Function {
		return stack[1:]
	}
	for _, ret := range r.Upstream.Returns {
		for k, f := range stack[1:] {
			if ret.Span.File != "" && filepath.Clean(f.Path) == filepath.Clean(ret.Span.File) {
				return stack[1+k : 2+k]
			}
		}
	}
	return stack[1:]
}

// layer fills a with what stack[0] answers, recursing into the next file
// when the response is proxied.
func (e *evaluator) layer(stack []*model.File, a *Answer) {
	f := stack[0]
	if len(stack) == 1 && e.apacheLayer(f, a) {
		return
	}
	route := e.forced
	named := route != nil
	e.forced = nil
	if route == nil {
		route = e.req.routes.route(e, f)
	}
	if route == nil && f.Serving.LocationRouting {
		route = e.req.routes.server(e, f) // no location matches: the server's own handlers answer
	}
	if why := e.addressUnknown(f); why != "" {
		a.Undecidable = append(a.Undecidable, why)
	}
	if route == nil {
		a.Notes = append(a.Notes, fmt.Sprintf("%s: no route matches %s", f.Path, e.path))
		return
	}
	r := e.response(f, route, a)
	if r == nil && f.Serving.FilesAnswerRest {
		r = nginxStatic(route)
	}
	scope := route
	if r != nil {
		scope = r.Scope
	}
	if a.Route != "" {
		a.Route += " > "
	}
	a.Route += strings.Join(scope.Path()[1:], " > ")
	if r == nil {
		a.Notes = append(a.Notes, fmt.Sprintf("%s: nothing answers %s %s", f.Path, e.method, e.path))
		return
	}
	a.By = r.Span
	if a.Response == nil {
		a.Response = r
	}
	e.replayRewrite(f, route, r, named)
	status, source := r.Status, r.Source
	var inner []Line
	switch {
	case e.denied(r):
		status, source = 403, model.FromServer // limit_except, before any return
	case status != 0:
	case e.method == "OPTIONS" && r.OptionsStatus != 0:
		status, source = r.OptionsStatus, optionsSource(f, r)
	case source == model.FromUpstream && len(stack) > 1:
		next := &Answer{Method: e.method}
		e.layer(behind(stack, r), next)
		status, inner = next.Status, next.Headers
		a.Notes = append(a.Notes, next.Notes...)
		a.Undecidable = append(a.Undecidable, next.Undecidable...)
		a.upstreamOptions = a.upstreamOptions || next.upstreamOptions
		a.Route += " > " + next.Route
	case source == model.FromUpstream:
		status = e.req.UpstreamStatus
		if e.newURI != "" {
			if e.req.UpstreamStatusFor == nil {
				a.Undecidable = append(a.Undecidable, fmt.Sprintf("the error page %s goes to the upstream %s, whose answer for it the request does not give", e.newURI, upstreamName(r)))
			} else {
				status = e.req.UpstreamStatusFor(e.newURI)
			}
		}
		if e.method == "OPTIONS" {
			status = e.req.UpstreamOptionsStatus
			if status == 0 {
				a.upstreamOptions = true
				a.Notes = append(a.Notes, fmt.Sprintf("OPTIONS goes to the upstream %s, whose answer the configuration does not show (pass --upstream-options-status)", upstreamName(r)))
			}
		} else if status == 0 {
			status = 200
		}
		name := upstreamName(r)
		for _, h := range e.req.UpstreamHeaders {
			v := h.Value
			if v == "$origin" {
				var ok bool
				if v, ok = echoedOrigin(r, e.origin, a); !ok {
					continue
				}
			}
			inner = append(inner, Line{Name: model.CanonicalName(h.Name), Value: v, Upstream: name})
		}
	case source == model.FromHandler && f.Serving.FileLookup:
		var next string
		status, source, next = e.nginxFile(r, a)
		if next != "" {
			e.internalRedirect(stack, a, next)
			return
		}
	case source == model.FromHandler:
		// The file handler: what --status says it answers (a missing file
		// is the server's own 404), else 200.
		status = 200
		if e.req.UpstreamStatus != 0 {
			status = e.req.UpstreamStatus
			if status >= 300 {
				source = model.FromServer
			}
		}
		if fm := f.Serving.FileMethods; fm != nil && !slices.Contains(fm, e.method) {
			status, source = 405, model.FromServer
		}
	}
	if e.errStatus != 0 && source == model.FromUpstream && slices.Contains(r.ErrorPages, status) {
		// Intercepted inside an error page: with recursive_error_pages
		// off nginx sends its own page for the upstream's error, without
		// the upstream's headers.
		source, inner = model.FromServer, nil
	}
	if e.nginxErrorPage(stack, r, status, a) {
		return
	}
	if e.errStatus != 0 {
		status = e.errorStatus(r, status, source)
	}
	a.Status = status
	r, inner = e.fromCache(f, route, r, inner, a)
	upStart := len(a.Headers)
	if source == model.FromUpstream && r.Upstream != nil {
		for _, l := range inner {
			if !e.hides(r, l.Name) {
				a.Headers = append(a.Headers, l)
			}
		}
	}
	upEnd := len(a.Headers)
	if status == 0 {
		status = 200 // headers for an unknown status: those of a success
	}
	// A statement whose own condition fails does nothing, so it must not
	// replace an earlier line of its table either (S3 lists one statement
	// per allowed origin).
	applied := *r
	applied.Headers = nil
	for _, op := range r.Headers {
		if e.opHolds(op) {
			applied.Headers = append(applied.Headers, op)
		}
	}
	e.rewriteIn = nil
	if f.Serving.RewritePhase && !e.beforeRewrite(r) {
		e.rewriteIn = locationScope(r.Route)
	}
	e.capNow = nil
	if f.Serving.Captures != nil {
		e.capNow = e.caps(f)
		defer func() { e.capNow = nil }()
	}
	for in := range applied.EachInstance(status, source) {
		e.origin = e.req.Origin
		if e.capNow != nil {
			e.readMaps(e.capNow, in.Value.Raw) // a map runs its regexes when first read
		}
		if in.Op.Stored && e.storedOrigin != "" {
			e.origin = e.storedOrigin
		}
		v, ok := e.value(in.Value)
		if ok && in.Value.CGIEnv && !cgiEnv(r, source) {
			// Only CGI-style handlers put request headers in the
			// environment; mod_headers sends "(null)" for anything else
			// (httpd 2.4.71, a static file and a ProxyPass upstream).
			v = "(null)"
		}
		if !ok && in.Value.Kind == model.Unknown && f.Serving.Captures != nil {
			// "X-$1", "X-$srv": what the regexes on the way left
			sv, known, why := e.capNow.captured(in.Value.Raw)
			if known {
				if sv != "" {
					a.Headers = append(a.Headers, Line{Name: in.Name, Value: sv, From: in.Op.Span, Op: in.Op})
				}
				continue
			}
			if why != "" {
				note := fmt.Sprintf("the value of %s (%s) is not known from the configuration: %s", in.Name, in.Value.Raw, why)
				a.Notes = append(a.Notes, note)
				if model.IsCORSHeader(in.Name) {
					a.Undecidable = append(a.Undecidable, note)
				}
				continue
			}
		}
		if !ok {
			if u, unknown := e.unknownIn(in.Value); unknown {
				note := fmt.Sprintf("the value of %s (%s) is not known from the configuration", in.Name, u.Raw)
				a.Notes = append(a.Notes, note)
				if model.IsCORSHeader(in.Name) {
					a.Undecidable = append(a.Undecidable, note)
				}
			}
			continue
		}
		if in.Op.Op == model.Append && f.Serving.AppendJoinsUpstream {
			// A Worker's copy of fetch()'s response holds the origin's
			// headers in a Headers object, one entry per name, where
			// append joins the entry (workerd/proxy-append-doubles).
			if n, ok := joinLines(a.Headers, upStart, upEnd, in.Name, v, in.Op); ok {
				upEnd -= len(a.Headers) - n
				a.Headers = a.Headers[:n]
				continue
			}
		}
		a.Headers = append(a.Headers, Line{Name: in.Name, Value: v, From: in.Op.Span, Op: in.Op})
	}
}

// joinLines joins the lines named name among ls[start:end] and the
// appended value v into one line, at the first one's place, made by op;
// it returns the new length of ls, and false when no such line is there
// (ls is then unchanged).
func joinLines(ls []Line, start, end int, name, v string, op *model.HeaderOp) (int, bool) {
	first := -1
	out := start
	for i := start; i < len(ls); i++ {
		switch {
		case i >= end || !strings.EqualFold(ls[i].Name, name):
			ls[out] = ls[i]
			out++
		case first < 0:
			first = out
			ls[out] = ls[i]
			out++
		default:
			ls[first].Value += ", " + ls[i].Value
		}
	}
	if first < 0 {
		return len(ls), false
	}
	ls[first].Value += ", " + v
	ls[first].From, ls[first].Op = op.Span, op
	return out, true
}

// storedFor returns the upstream lines a cache stored for the request
// from origin, whose object answers this one: the upstream's own lines
// as they were sent to that origin (an echo of its Origin). ok is false
// when they are this request's own.
func (e *evaluator) storedFor(r *model.Response, inner []Line, origin string) (old []Line, ok bool) {
	if origin == e.req.Origin {
		return nil, false
	}
	for _, h := range e.req.UpstreamHeaders {
		v := h.Value
		if v == "$origin" {
			var echoed bool
			if v, echoed = echoedOrigin(r, origin, nil); !echoed {
				continue
			}
		}
		old = append(old, Line{Name: model.CanonicalName(h.Name), Value: v, Upstream: upstreamName(r)})
	}
	if len(e.req.UpstreamHeaders) == 0 {
		old = inner
	}
	return old, true
}

// cgiEnv reports whether the response comes from a handler that sets the
// CGI environment (HTTP_* variables): a FastCGI or CGI proxy.
func cgiEnv(r *model.Response, source model.Source) bool {
	if source != model.FromUpstream || r.Upstream == nil {
		return false
	}
	t := strings.ToLower(r.Upstream.Target)
	return strings.HasPrefix(t, "proxy:fcgi") || strings.HasPrefix(t, "proxy:scgi") || strings.HasPrefix(t, "fcgi:")
}

// hides reports whether r's proxy removes the upstream's header name: it
// is hidden and a statement that hides it applies to this request (a VCL
// set under an if that does not hold leaves the backend's header alone).
// Hiding by a statement the response does not list (nginx
// proxy_hide_header) always applies.
func (e *evaluator) hides(r *model.Response, name string) bool {
	at, hidden := r.Upstream.Hidden[name]
	if !hidden {
		return false
	}
	found := false
	for _, h := range r.Headers {
		if h.Name != name || h.Span.Before(at) {
			continue
		}
		if samePlace(h.Span, at) {
			found = true
		}
		if found && e.opHolds(h) && (h.Op == model.Set || h.Op == model.Unset || h.Op == model.SetIfEmpty) && !h.OwnTable {
			return true
		}
	}
	return !found
}

func samePlace(a, b model.Span) bool {
	return a.File == b.File && a.Line == b.Line && a.Col == b.Col
}

func upstreamName(r *model.Response) string {
	if r.Upstream == nil {
		return "upstream"
	}
	return r.Upstream.Target
}

// route picks the scope a request ends in, in the server's own order: the
// virtual server by host and port, then the routes of that server by the
// dialect's precedence (nginx's location algorithm: exact, longest prefix,
// ^~, regexes in order, nested locations; elsewhere the most specific
// route whose path test matches).
func (e *evaluator) route(f *model.File) *model.Scope {
	server := e.server(f)
	return e.routeIn(f, server, routesOf(f, server))
}

// serverRoutes are the routes a virtual server's requests can end in,
// in the file's order.
type serverRoutes struct {
	order []*model.Scope
	has   map[*model.Scope]bool
}

// routesOf lists the routes of server in f (of the file, when server is
// nil): those of its responses, or, for a server whose requests all go
// to routes of no server, those.
func routesOf(f *model.File, server *model.Scope) serverRoutes {
	rs := serverRoutes{has: map[*model.Scope]bool{}}
	for _, r := range f.Responses {
		if r.Route == nil || rs.has[r.Route] || server != nil && r.VirtualServer() != server {
			continue
		}
		rs.has[r.Route] = true
		rs.order = append(rs.order, r.Route)
	}
	if len(rs.order) == 0 && server != nil {
		for _, r := range f.Responses {
			if r.Route != nil && !rs.has[r.Route] && r.VirtualServer() == nil {
				rs.has[r.Route] = true
				rs.order = append(rs.order, r.Route)
			}
		}
	}
	return rs
}

// routeIn is route once server, the virtual server the request's host
// and port select in f, and its routes are known.
func (e *evaluator) routeIn(f *model.File, server *model.Scope, rs serverRoutes) *model.Scope {
	routes, order := rs.has, rs.order
	if f.Serving.LocationRouting {
		e.autoRedirect = false
		parent := server
		if parent == nil {
			parent = fileTop(f)
		}
		if parent != nil {
			if best, _ := e.location(f, parent); best != nil {
				return best
			}
			if routes[parent] {
				return parent
			}
		}
	}
	var best *model.Scope
	bestScore, bestDepth := -1, -1
	bestTakes := false
	for _, s := range order {
		if !e.matchesAll(s) {
			continue
		}
		score, depth := specificity(s), len(s.Path())
		// An application's router skips a route whose method differs
		// (Express: app.get then app.put on one path, PUT runs the
		// second), so a route for the method comes first.
		takes := f.Serving.MethodRouting && e.takesMethod(f, s)
		if takes != bestTakes {
			if takes {
				best, bestScore, bestDepth, bestTakes = s, score, depth, true
			}
			continue
		}
		if score > bestScore || score == bestScore && depth > bestDepth {
			best, bestScore, bestDepth = s, score, depth
		}
	}
	return best
}

// takesMethod reports whether a response of route s is for the request's
// method by name.
func (e *evaluator) takesMethod(f *model.File, s *model.Scope) bool {
	for _, r := range f.Responses {
		if r.Route == s && r.Methods != nil && r.ForMethod(e.method) {
			return true
		}
	}
	return false
}

func fileTop(f *model.File) *model.Scope {
	for _, s := range f.Scopes {
		if s.Role == model.RoleFile {
			return s
		}
	}
	return nil
}

// specificity ranks the routes a path matches: an exact path, then the
// longest prefix (a <Location> or ProxyPass before a directory that
// prefix maps to), then a regex or a file name test, then a route that
// does not test the path at all (the server's own).
func specificity(s *model.Scope) int {
	m := s.Match
	if m == nil {
		return 0
	}
	switch m.Kind {
	case model.PathExact:
		return 1 << 20
	case model.PathPrefix:
		if s.Role == model.RoleRoute {
			return 2*len(m.Pattern) + 3
		}
		return 2*len(m.Pattern) + 2
	}
	return 1
}

func (e *evaluator) matchesAll(s *model.Scope) bool {
	for c := s; c != nil; c = c.Parent {
		if c.Match != nil && !e.pathMatches(c.Match) {
			return false
		}
	}
	return true
}

// server picks the virtual server that answers the request's host and
// port the way the dialect's server does, or nil when the file has none.
func (e *evaluator) server(f *model.File) *model.Scope {
	var all, onPort []*model.Scope
	for _, s := range f.Scopes {
		if s.Role != model.RoleServer {
			continue
		}
		all = append(all, s)
		if len(s.Ports) == 0 || slices.Contains(s.Ports, e.port) {
			onPort = append(onPort, s)
		}
	}
	if len(onPort) == 0 {
		onPort = all
	}
	if len(onPort) == 0 {
		return nil
	}
	if f.Serving.HostsInOrder {
		return apacheVhost(onPort, e.host)
	}
	if cands, def, ok := nginxOnAddress(onPort, e.addr(), e.port); ok {
		if s := nginxServerNamed(cands, e.host); s != nil {
			return s
		}
		if def != nil {
			return def
		}
		return cands[0]
	}
	if s := sameOnEveryAddress(onPort, e.host, e.port); s != nil {
		return s
	}
	return nginxServer(onPort, e.host)
}

// sameOnEveryAddress is the server nginx chooses for host on every
// address the servers on port listen on, when it is the same one
// whichever address the host resolves to (a server named host that
// listens on all of them); nil otherwise.
func sameOnEveryAddress(servers []*model.Scope, host string, port int) *model.Scope {
	addrs := map[string]bool{}
	for _, s := range servers {
		for _, l := range s.Listens {
			if l.Port == port {
				addrs[l.Addr] = true
			}
		}
	}
	var chosen *model.Scope
	for a := range addrs {
		cands, def, ok := nginxOnAddress(servers, a, port)
		if !ok {
			return nil
		}
		s := nginxServerNamed(cands, host)
		if s == nil {
			s = def
		}
		if s == nil {
			s = cands[0]
		}
		if chosen != nil && s != chosen {
			return nil
		}
		chosen = s
	}
	return chosen
}

// hostName is the request's host as nginx's $host holds it.
func (e *evaluator) hostName() string {
	return strings.ToLower(strings.TrimSuffix(e.host, "."))
}

// addr is the address the request's connection reaches, "" when unknown.
func (e *evaluator) addr() string {
	if e.req.Addr != "" {
		return e.req.Addr
	}
	if ip := net.ParseIP(e.host); ip != nil {
		return ip.String()
	}
	if e.host == "localhost" {
		return "127.0.0.1"
	}
	return ""
}

// nginxOnAddress narrows servers to those nginx chooses among for a
// connection to addr:port, with that socket's default_server (nil when
// none is marked: the first of them is the default). A server listening
// on the address itself takes the connection from every server on the
// port's wildcard address (ngx_http_add_addresses keeps a server list per
// address; "How nginx processes a request"). ok is false when the
// servers do not say where they listen, or the address is unknown and
// decides.
func nginxOnAddress(servers []*model.Scope, addr string, port int) (cands []*model.Scope, def *model.Scope, ok bool) {
	byAddr := map[string][]*model.Scope{}
	defs := map[string]*model.Scope{}
	for _, s := range servers {
		if len(s.Listens) == 0 {
			return nil, nil, false
		}
		for _, l := range s.Listens {
			if l.Port != port || slices.Contains(byAddr[l.Addr], s) {
				continue
			}
			byAddr[l.Addr] = append(byAddr[l.Addr], s)
			if l.Default && defs[l.Addr] == nil {
				defs[l.Addr] = s
			}
		}
	}
	if addr == "" {
		if len(byAddr) != 1 {
			return nil, nil, false
		}
		for a := range byAddr {
			addr = a
		}
	}
	key := addr
	if byAddr[key] == nil {
		key = ""
	}
	if len(byAddr[key]) == 0 {
		return nil, nil, false
	}
	return byAddr[key], defs[key], true
}

// addressUnknown says why the server that answers is undecidable: the
// file's servers on the port listen on different addresses and the
// request does not say which one it reaches.
func (e *evaluator) addressUnknown(f *model.File) string {
	if f.Serving.HostsInOrder || e.addr() != "" {
		return ""
	}
	addrs := map[string]bool{}
	var servers []*model.Scope
	for _, s := range f.Scopes {
		if s.Role != model.RoleServer {
			continue
		}
		servers = append(servers, s)
		for _, l := range s.Listens {
			if l.Port == e.port {
				addrs[l.Addr] = true
			}
		}
	}
	if len(addrs) < 2 || sameOnEveryAddress(servers, e.host, e.port) != nil {
		return ""
	}
	return fmt.Sprintf("the servers on port %d listen on different addresses, and which one %s resolves to decides the server that answers", e.port, e.host)
}

// apacheVhost is httpd's name-based virtual host choice: the first
// <VirtualHost> whose ServerName or ServerAlias (with * and ? wildcards)
// matches the host, else the first one for the address.
func apacheVhost(servers []*model.Scope, host string) *model.Scope {
	host = strings.ToLower(host)
	for _, s := range servers {
		for _, h := range s.Hosts {
			if ok, err := path.Match(strings.ToLower(h), host); err == nil && ok {
				return s
			}
		}
	}
	return servers[0]
}

// nginxServer is nginx's server_name choice (nginxServerNamed); for a
// host no server names, the default_server, else the first server.
func nginxServer(servers []*model.Scope, host string) *model.Scope {
	if s := nginxServerNamed(servers, host); s != nil {
		return s
	}
	for _, s := range servers {
		if s.Default {
			return s
		}
	}
	return servers[0]
}

// nginxServerNamed is the server whose server_name matches host: the
// exact name, then the longest wildcard name starting with an asterisk,
// then the longest ending with one, then the first regex that matches;
// nil when none does.
func nginxServerNamed(servers []*model.Scope, host string) *model.Scope {
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	var lead, trail *model.Scope
	leadLen, trailLen := 0, 0
	for _, s := range servers {
		for _, h := range s.Hosts {
			h = strings.ToLower(h)
			switch {
			case strings.HasPrefix(h, "~"):
			case h == host || strings.HasPrefix(h, ".") && h[1:] == host:
				return s
			case strings.HasPrefix(h, "*.") || strings.HasPrefix(h, "."):
				suffix := h[strings.IndexByte(h, '.'):]
				if strings.HasSuffix(host, suffix) && len(suffix) > leadLen {
					lead, leadLen = s, len(suffix)
				}
			case strings.HasSuffix(h, ".*"):
				prefix := h[:len(h)-1]
				if strings.HasPrefix(host, prefix) && len(prefix) > trailLen {
					trail, trailLen = s, len(prefix)
				}
			}
		}
	}
	if lead != nil {
		return lead
	}
	if trail != nil {
		return trail
	}
	for _, s := range servers {
		for _, h := range s.Hosts {
			if strings.HasPrefix(h, "~") && pcre.Match(h[1:], true, host) {
				return s
			}
		}
	}
	return nil
}

// location applies nginx's location selection below parent
// (ngx_http_core_find_location): an exact match ends the search; the
// longest prefix is kept and its nested locations searched; unless that
// prefix is ^~ (or a nested search ended it), the regexes of this level
// are tried in order, and the first that matches wins, with its own
// nested locations. final reports whether the search ended here, so that
// an enclosing level does not try its regexes.
func (e *evaluator) location(f *model.File, parent *model.Scope) (found *model.Scope, final bool) {
	var kids []*model.Scope
	for _, s := range f.Scopes {
		if s.Parent == parent && s.Role == model.RoleRoute && s.Match != nil && !s.Match.Named {
			kids = append(kids, s)
		}
	}
	var prefix *model.Scope
	for _, s := range kids {
		m := s.Match
		switch m.Kind {
		case model.PathExact:
			if e.path == m.Pattern {
				return s, true
			}
		case model.PathPrefix:
			if strings.HasPrefix(e.path, m.Pattern) && (prefix == nil || len(m.Pattern) > len(prefix.Match.Pattern)) {
				prefix = s
			}
		}
	}
	for _, s := range kids {
		if s.Match.Kind != model.PathRegex && e.path+"/" == s.Match.Pattern && autoRedirects(f, s) {
			e.autoRedirect = true
			return s, true
		}
	}
	if prefix != nil {
		found = prefix
		nested, fin := e.location(f, prefix)
		if nested != nil {
			found = nested
		}
		if fin {
			return found, true
		}
		if prefix.Match.Preferred {
			return found, false
		}
	}
	for _, s := range kids {
		if s.Match.Kind == model.PathRegex && e.pathMatches(s.Match) {
			if nested, _ := e.location(f, s); nested != nil {
				return nested, true
			}
			return s, true
		}
	}
	return found, false
}

func (e *evaluator) pathMatches(m *model.PathMatch) bool { return m.Matches(e.path) }

// response picks the response of route that this request gets: the first
// matching if block that returns, else the last matching if block, else
// the route's own. Conditions the model cannot decide count as false, with
// a note.
func (e *evaluator) response(f *model.File, route *model.Scope, a *Answer) *model.Response {
	if f.Serving.RewritePhase {
		// A return at server level, in an if or not, runs in the server
		// rewrite phase, before nginx looks for a location.
		for _, r := range f.Responses {
			if r.Route != route && r.Route.Role == model.RoleServer && isAncestor(r.Route, route) &&
				r.Source == model.FromServer && r.Status != 0 && e.holds(r, a) {
				return r
			}
		}
		if r := e.nginxFindConfig(route); r != nil {
			return r
		}
		// limit_except switches to its own configuration for the
		// methods it denies, where the location's if and return do not
		// run (nginx 1.22 answered 403 despite if OPTIONS { return 204; }).
		for _, r := range f.Responses {
			if r.Route == route && r.Scope == route && len(r.Conds) == 0 && (e.denied(r) || e.method == "OPTIONS" && r.OptionsStatus == 403) {
				return r
			}
		}
	}
	var own, chosen, pending *model.Response
	for _, r := range f.Responses {
		if r.Route != route {
			continue
		}
		if r.Scope == route && r.Methods == nil && len(r.Conds) == 0 {
			own = r
			continue
		}
		if !e.holds(r, a) {
			continue
		}
		if r.Source == model.FromServer && r.Status != 0 {
			if f.Serving.RewritePhase && inheritsReturn(f, route, r) {
				// An if without return goes on to the ifs after it: the
				// last that matches gives the configuration, and the
				// location's return runs only when none of them returns
				// first.
				pending = r
				continue
			}
			return r
		}
		chosen = r
	}
	if pending != nil {
		return pending
	}
	if chosen != nil {
		return chosen
	}
	if own != nil {
		return own
	}
	// Routes with only conditional responses (a gateway's preflight
	// answer): the ones for this method. Where the file handler answers
	// the rest, an if whose condition fails answers nothing: the
	// handler does, which the model has no response for.
	for _, r := range f.Responses {
		if r.Route == route && r.ForMethod(e.method) && (!f.Serving.FilesAnswerRest || len(r.Conds) == 0) {
			return r
		}
	}
	return nil
}

// inheritsReturn reports whether r, the answer of an nginx if block, has
// the return of its location rather than one of its own.
func inheritsReturn(f *model.File, route *model.Scope, r *model.Response) bool {
	if r.Scope == route || r.Scope.Kind != "if" {
		return false
	}
	for _, o := range f.Responses {
		if o.Route == route && o.Scope == route && samePlace(o.Span, r.Span) {
			return true
		}
	}
	return false
}

func isAncestor(anc, s *model.Scope) bool {
	for c := s.Parent; c != nil; c = c.Parent {
		if c == anc {
			return true
		}
	}
	return false
}

// holds decides whether a conditional response applies to the request.
func (e *evaluator) holds(r *model.Response, a *Answer) bool {
	if !r.ForMethod(e.method) {
		return false
	}
	for _, c := range r.Conds {
		if c == nil {
			continue
		}
		switch {
		case c.Methods != nil:
			// Decided by Methods above where the response lists them. A
			// response any method may get can still sit behind a method
			// test (a VCL synth for req.method ~ "^(OPTIONS|PATCH)$"),
			// which is decided here when it tests nothing else.
			if r.Methods == nil && c.Origin == nil && c.URL == nil && slices.ContainsFunc(c.Methods, func(m string) bool { return strings.EqualFold(m, e.method) }) == c.Negated {
				return false
			}
		case c.Origin != nil:
			if c.Origin.Matches(e.origin) == c.Negated {
				return false
			}
		case c.URL != nil:
			if c.URL.Matches(e.url()) == c.Negated {
				return false
			}
		case c.Header != "":
			if (e.requestHeader(c.Header) != "") == c.Negated {
				return false
			}
		case c.Host != nil:
			if c.Host.Matches(e.hostName()) == c.Negated {
				return false
			}
		case c.Hits != nil:
			if !c.Hits.Holds(e.hits) {
				return false
			}
		case c.Failure && !c.Negated:
			a.Notes = append(a.Notes, fmt.Sprintf("taken when nothing fails: if %s, the answer at %s applies", c.Text, r.Span))
			return false
		case c.Failure:
			// the path where nothing fails
		case c.Always:
		default:
			a.Notes = append(a.Notes, fmt.Sprintf("the condition %q is taken as false", c.Text))
			if changesCORS(r) {
				a.Undecidable = append(a.Undecidable, fmt.Sprintf("the condition %q (%s), which the configuration cannot evaluate, decides whether the response at %s applies", c.Text, c.Span, r.Span))
			}
			return false
		}
		if c.And != nil && !e.condHolds(c.And, 1) {
			return false // a further test chained to it (an nginx flag built by several ifs)
		}
	}
	return true
}

// changesCORS reports whether a conditional response could change what
// the browser decides: it has a fixed status or CORS header statements.
func changesCORS(r *model.Response) bool {
	if r.Status != 0 {
		return true
	}
	for _, op := range r.Headers {
		if model.IsCORSHeader(op.Name) && (op.Scope == r.Scope || op.When != nil) {
			return true
		}
	}
	return false
}

// opHolds decides a statement's own condition (Apache env=, a VCL if
// around a set): origin and method tests are decided; anything else is
// taken to hold.
func (e *evaluator) opHolds(op *model.HeaderOp) bool {
	return e.condHolds(op.When, 0)
}

// condHolds decides one statement condition and the tests chained to it.
func (e *evaluator) condHolds(c *model.Condition, depth int) bool {
	if c == nil || depth > 64 {
		return true
	}
	if !e.condHolds(c.And, depth+1) {
		return false
	}
	if c.Methods != nil {
		in := false
		for _, m := range c.Methods {
			in = in || strings.EqualFold(m, e.method)
		}
		if in == c.Negated {
			return false
		}
	}
	if c.Origin != nil && c.Origin.Matches(e.req.Origin) == c.Negated {
		return false
	}
	if c.URL != nil && c.URL.Matches(e.url()) == c.Negated {
		return false
	}
	if c.Header != "" && (e.requestHeader(c.Header) != "") == c.Negated {
		return false
	}
	if c.Host != nil && c.Host.Matches(e.hostName()) == c.Negated {
		return false
	}
	if c.Hits != nil && !c.Hits.Holds(e.hits) {
		return false
	}
	return !c.Failure || c.Negated
}

// value evaluates a header value for the request; ok is false when the
// header is not sent (empty) or its value is unknown.
func (e *evaluator) value(v model.Value) (string, bool) {
	switch v.Kind {
	case model.Literal, model.Wildcard, model.Null:
		return v.Text, v.Text != ""
	case model.Reflected:
		if !e.guarded(v.Guards) {
			return "", false
		}
		return e.reflected(v)
	case model.RequestHeader:
		h := e.requestHeader(v.Var)
		return h, h != ""
	case model.Empty:
		return "", v.SentEmpty
	case model.Variable:
		// an nginx map the request has read: the value it got then
		if c := e.capNow; c != nil && v.Var != "" {
			if m, ok := c.maps[strings.TrimPrefix(v.Var, "$")]; ok && m.known {
				return m.val, m.val != ""
			}
		}
		pick := e.option(v)
		if pick == nil {
			return "", false
		}
		p := *pick
		p.Guards = nil
		if p.Kind == model.Reflected {
			return e.reflected(p)
		}
		if p.Kind == model.Unknown {
			if sv, ok := e.substituted(v, pick); ok {
				return sv, sv != ""
			}
		}
		return e.value(p)
	}
	return "", false
}

// reflected is the request's origin as a reflection sends it: through
// its rewrite (VCL's regsub) when it has one.
func (e *evaluator) reflected(v model.Value) (string, bool) {
	if v.Rewrite == nil || e.origin == "" {
		return e.origin, e.origin != ""
	}
	out, ok := v.Rewrite.Apply(e.origin)
	return out, ok && out != ""
}

// unknownIn returns the value of v the request picks when the
// configuration does not give it (a variable nothing sets, a map value
// with other variables in it), and false when it gives one.
func (e *evaluator) unknownIn(v model.Value) (model.Value, bool) {
	for depth := 0; depth < 64; depth++ {
		switch v.Kind {
		case model.Unknown:
			return v, true
		case model.Reflected:
			if v.Rewrite != nil && e.origin != "" && e.guarded(v.Guards) {
				if _, ok := v.Rewrite.Apply(e.origin); !ok {
					return model.Value{Kind: model.Unknown, Raw: v.Rewrite.Raw, Var: v.Var, Span: v.Span}, true
				}
			}
			return v, false
		case model.Variable:
		default:
			return v, false
		}
		pick := e.option(v)
		if pick == nil {
			return v, false
		}
		if pick.Kind == model.Unknown {
			if _, ok := e.substituted(v, pick); ok {
				return *pick, false
			}
		}
		v = *pick
	}
	return v, false
}

// substituted evaluates the value of map v that the request picked
// (o), made of text and captures: the value nginx computed when the
// request first read the map, if the capture replay saw that read;
// otherwise the regex key that chose o run again, which gives its own
// groups (~^https://(?<sub>[a-z]+)\.example\.com$ https://$sub.example.com).
// false when the value reads anything else.
func (e *evaluator) substituted(v model.Value, o *model.Value) (string, bool) {
	if c := e.capNow; c != nil {
		if m, ok := c.maps[strings.TrimPrefix(v.Var, "$")]; ok {
			return m.val, m.known
		}
	}
	for _, g := range o.Guards {
		if g.Kind != model.MatchRegex || g.Dynamic {
			continue
		}
		subject := e.origin
		if g.Subject == "$host" {
			subject = strings.ToLower(strings.TrimSuffix(e.host, "."))
		}
		c := &capState{regexes: e.req.routes.compiler()}
		if !c.matches(g.Pattern, g.CaseInsensitive, subject) {
			continue
		}
		c.match(g.Pattern, g.CaseInsensitive, subject, false)
		parts, ok := scanScript(o.Raw)
		if !ok {
			return "", false
		}
		// only the key's own groups: any other variable is not known here
		s, known, _ := expandScript(parts, func(p scriptPart) (string, bool) {
			if p.capture > 0 {
				return c.lookup(p)
			}
			val, captured := c.named[p.name]
			return val, captured
		})
		return s, known
	}
	return "", false
}

// option is the option of Variable v that this request gets, nil when
// none. The last option that applies wins: a later set overrides an
// earlier one, a matching map entry overrides the default.
func (e *evaluator) option(v model.Value) *model.Value {
	var pick *model.Value
	var fallback *model.Value
	for i := range v.Options {
		o := &v.Options[i]
		if !o.SetIn.IsZero() && (e.rewriteIn == nil || !samePlace(o.SetIn, e.rewriteIn.Span)) {
			continue // an nginx set in a location whose rewrite phase did not run
		}
		if len(o.Guards) == 0 && o.Kind != model.Variable {
			fallback = o
			continue
		}
		if o.Kind == model.Variable || e.guarded(o.Guards) {
			pick = o
		}
	}
	if pick == nil {
		pick = fallback
	}
	return pick
}

// requestHeader is the value of the request header name as the server
// receives it, "" when the request has none. A preflight carries the
// browser's Origin, Access-Control-Request-Method and
// Access-Control-Request-Headers (the names, lowercased, sorted, joined
// with ","); the request itself carries the page's headers.
func (e *evaluator) requestHeader(name string) string {
	switch {
	case strings.EqualFold(name, "Origin"):
		return e.origin
	case e.preflight && strings.EqualFold(name, "Access-Control-Request-Method"):
		// fetch() defaults to GET and upper-cases only these six
		if m := strings.ToUpper(e.req.Method); m == "" {
			return "GET"
		} else if slices.Contains([]string{"DELETE", "GET", "HEAD", "OPTIONS", "POST", "PUT"}, m) {
			return m
		}
		return e.req.Method
	case e.preflight && strings.EqualFold(name, "Access-Control-Request-Headers"):
		return strings.Join(e.req.preflightNames(), ",")
	case e.preflight:
		return ""
	}
	var vals []string
	for _, h := range e.req.Headers {
		if strings.EqualFold(h.Name, name) {
			vals = append(vals, h.Value)
		}
	}
	return strings.Join(vals, ", ")
}

func (e *evaluator) guarded(gs []*model.Matcher) bool {
	if len(gs) == 0 {
		return true
	}
	for _, g := range gs {
		subject := e.origin
		if g.Subject == "$host" {
			subject = strings.ToLower(strings.TrimSuffix(e.host, "."))
		}
		if g.Matches(subject) {
			return true
		}
	}
	return false
}
