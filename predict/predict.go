// Package predict works out, from configuration alone, the responses a
// cross-origin request and its preflight get, and what Chromium makes of
// them. It walks the model the way the server does: choose the virtual
// server and route, evaluate the if blocks and allowlists, apply header
// statements for the status the response has, pass upstream headers
// through proxies, and hands the result to the browser's algorithm in
// package simulate.
package predict

import (
	"fmt"
	"net/url"
	"sort"
	"strings"

	"github.com/corslint/corslint/internal/pcre"

	"github.com/dlclark/regexp2"

	"github.com/corslint/corslint/model"
	"github.com/corslint/corslint/simulate"
)

// Request is a fetch() together with what the configuration cannot know:
// how the upstream behind a proxy answers.
type Request struct {
	simulate.Request
	// UpstreamStatus is the status the upstream answers the actual
	// request with; 0 means 200.
	UpstreamStatus int
	// UpstreamOptionsStatus is the status the upstream answers OPTIONS
	// with; 0 means unknown.
	UpstreamOptionsStatus int
	// UpstreamHeaders are headers the upstream adds itself (its own
	// Access-Control-Allow-Origin, Vary), as names with values; a value
	// of "$origin" echoes the request's Origin.
	UpstreamHeaders []simulate.Header
	// PriorOrigin, when set, is the origin of an earlier request for the
	// same URL, whose response caches on the path may have stored.
	PriorOrigin string
}

// Line is one header line of a predicted response and where it came from.
type Line struct {
	Name  string
	Value string
	// From is the statement that put the line there; zero for a line from
	// the upstream.
	From model.Span
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
	// Notes say what the configuration cannot decide.
	Notes []string
}

func (a *Answer) wire() *simulate.Response {
	if a == nil {
		return nil
	}
	r := &simulate.Response{Status: a.Status}
	for _, l := range a.Headers {
		r.Headers = append(r.Headers, simulate.Header{Name: l.Name, Value: l.Value})
	}
	return r
}

// Prediction is the outcome for one request.
type Prediction struct {
	Preflight *Answer // nil when no preflight is sent
	Actual    *Answer // nil when the preflight fails
	Verdict   simulate.Verdict
	// Unknown is set when the verdict depends on something the
	// configuration does not say (an upstream's answer to OPTIONS).
	Unknown string
}

// Predict evaluates req through stack, the files of one request path,
// outermost first: an outer file whose response comes from its upstream
// passes on what the next file answers.
func Predict(stack []*model.File, req Request) Prediction {
	var p Prediction
	if need, names := simulate.NeedsPreflight(req.Request); need {
		hdrs := []simulate.Header{{Name: "Access-Control-Request-Method", Value: strings.ToUpper(req.Method)}}
		if len(names) > 0 {
			hdrs = append(hdrs, simulate.Header{Name: "Access-Control-Request-Headers", Value: strings.Join(names, ",")})
		}
		p.Preflight = answer(stack, req, "OPTIONS", hdrs)
		if p.Preflight.Status == 0 {
			p.Unknown = "the preflight's status depends on how the upstream answers OPTIONS (" + strings.Join(p.Preflight.Notes, "; ") + ")"
			return p
		}
		if v := simulate.CheckPreflight(req.Request, *p.Preflight.wire()); !v.Allowed {
			p.Verdict = v
			return p
		}
	}
	method := req.Method
	if method == "" {
		method = "GET"
	}
	p.Actual = answer(stack, req, method, req.Headers)
	if p.Actual.Status == 0 {
		p.Actual.Status = 200
	}
	p.Verdict = simulate.Evaluate(req.Request, p.Preflight.wire(), p.Actual.wire())
	return p
}

// answer computes the response one request gets from the stack.
func answer(stack []*model.File, req Request, method string, headers []simulate.Header) *Answer {
	a := &Answer{Method: method}
	if len(stack) == 0 {
		a.Notes = append(a.Notes, "no configuration")
		return a
	}
	u, err := url.Parse(req.URL)
	if err != nil {
		a.Notes = append(a.Notes, "cannot parse the URL: "+err.Error())
		return a
	}
	e := &evaluator{req: req, origin: req.Origin, method: method, headers: headers, host: u.Hostname(), path: u.EscapedPath()}
	if e.path == "" {
		e.path = "/"
	}
	e.layer(stack, a)
	return a
}

type evaluator struct {
	req Request
	// origin is the Origin of the request being answered: the request's
	// own, or PriorOrigin for what a cache stored from an earlier one.
	origin string
	// storedOrigin is set while the answer comes from a cache filled by
	// an earlier request from that origin.
	storedOrigin string
	method       string
	headers      []simulate.Header
	host         string
	path         string
	// undecided says why the scope the request ends in is not known
	// (a choice the model does not make yet); empty when it is.
	undecided string
}

// layer fills a with what stack[0] answers, recursing into the next file
// when the response is proxied.
func (e *evaluator) layer(stack []*model.File, a *Answer) {
	f := stack[0]
	e.undecided = ""
	route := e.route(f)
	if e.undecided != "" {
		a.Notes = append(a.Notes, "undecidable: "+e.undecided)
	}
	if route == nil {
		a.Notes = append(a.Notes, fmt.Sprintf("%s: no route matches %s", f.Path, e.path))
		return
	}
	r := e.response(f, route, a)
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
	status, source := r.Status, r.Source
	var inner []Line
	switch {
	case status != 0:
	case e.method == "OPTIONS" && r.OptionsStatus != 0:
		status, source = r.OptionsStatus, model.FromServer
	case source == model.FromUpstream && len(stack) > 1:
		next := &Answer{Method: e.method}
		e.layer(stack[1:], next)
		status, inner = next.Status, next.Headers
		a.Notes = append(a.Notes, next.Notes...)
		a.Route += " > " + next.Route
	case source == model.FromUpstream:
		status = e.req.UpstreamStatus
		if e.method == "OPTIONS" {
			status = e.req.UpstreamOptionsStatus
			if status == 0 {
				a.Notes = append(a.Notes, fmt.Sprintf("OPTIONS goes to the upstream %s, whose answer the configuration does not show (pass --upstream-options-status)", upstreamName(r)))
			}
		} else if status == 0 {
			status = 200
		}
		name := upstreamName(r)
		for _, h := range e.req.UpstreamHeaders {
			v := h.Value
			if v == "$origin" {
				v = e.origin
			}
			inner = append(inner, Line{Name: model.CanonicalName(h.Name), Value: v, Upstream: name})
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
		if f.Dialect == model.Nginx && e.method != "GET" && e.method != "HEAD" && (e.method != "POST" || status < 300) {
			// ngx_http_static_module refuses every other method with 405,
			// and POST too once it has found the file.
			status, source = 405, model.FromServer
		}
	}
	a.Status = status
	for _, code := range r.ErrorPages {
		if code == status {
			a.Notes = append(a.Notes, fmt.Sprintf("undecidable: an error_page answers %d instead, which the model does not follow yet", status))
		}
	}
	if stored := e.storedFor(f, r, inner); stored != nil {
		// The cache answers with what it stored for the earlier origin:
		// the upstream's headers and the stored statements as they were
		// then; statements applied on delivery still see this request.
		a.Notes = append(a.Notes, fmt.Sprintf("served from the cache filled by a request from %s (the cache key has no Origin and nothing says Vary: Origin)", e.req.PriorOrigin))
		inner = stored.inner
		e.storedOrigin = e.req.PriorOrigin
	}
	if source == model.FromUpstream && r.Upstream != nil {
		for _, l := range inner {
			if !e.hides(r, l.Name) {
				a.Headers = append(a.Headers, l)
			}
		}
	}
	if status == 0 {
		status = 200 // headers for an unknown status: those of a success
	}
	// Statements whose own condition fails neither add nor replace.
	for _, in := range r.InstancesIf(status, source, e.opHolds) {
		e.origin = e.req.Origin
		if in.Op.Stored && e.storedOrigin != "" {
			e.origin = e.storedOrigin
		}
		v, ok := e.value(in.Value)
		if ok && in.Value.Var == "%{HTTP_ORIGIN}e" && f.Dialect == model.Apache && !cgiEnv(r, source) {
			// Only CGI-style handlers put request headers in the
			// environment; mod_headers sends "(null)" for anything else
			// (httpd 2.4.71, a static file and a ProxyPass upstream).
			v = "(null)"
		}
		if !ok {
			if in.Value.Kind == model.Unknown {
				a.Notes = append(a.Notes, fmt.Sprintf("the value of %s (%s) is not known from the configuration", in.Name, in.Value.Raw))
			}
			continue
		}
		a.Headers = append(a.Headers, Line{Name: in.Name, Value: v, From: in.Op.Span})
	}
}

type stored struct{ inner []Line }

// cgiEnv reports whether the response comes from a handler that sets the
// CGI environment (HTTP_* variables): a FastCGI or CGI proxy.
func cgiEnv(r *model.Response, source model.Source) bool {
	if source != model.FromUpstream || r.Upstream == nil {
		return false
	}
	t := strings.ToLower(r.Upstream.Target)
	return strings.HasPrefix(t, "proxy:fcgi") || strings.HasPrefix(t, "proxy:scgi") || strings.HasPrefix(t, "fcgi:")
}

// storedFor decides whether a cache in f answers this request with what it
// stored for PriorOrigin: a cacheable GET or HEAD from the upstream, a
// cache whose key lacks Origin, and no Vary: Origin on the stored object
// (set by the cache's own rules or sent by the upstream). It returns the
// upstream lines as they were stored, or nil.
func (e *evaluator) storedFor(f *model.File, r *model.Response, inner []Line) *stored {
	if e.req.PriorOrigin == "" || e.req.PriorOrigin == e.req.Origin || len(f.Caches) == 0 ||
		r.Source != model.FromUpstream || (e.method != "GET" && e.method != "HEAD") {
		return nil
	}
	for _, c := range f.Caches {
		if c.KeyHasOrigin || c.StoredVaryOrigin {
			return nil
		}
	}
	for _, l := range inner {
		if l.Name == model.Vary && (containsToken(l.Value, "origin") || containsToken(l.Value, "*")) {
			return nil
		}
	}
	var old []Line
	for _, h := range e.req.UpstreamHeaders {
		v := h.Value
		if v == "$origin" {
			v = e.req.PriorOrigin
		}
		old = append(old, Line{Name: model.CanonicalName(h.Name), Value: v, Upstream: upstreamName(r)})
	}
	if len(e.req.UpstreamHeaders) == 0 {
		old = inner
	}
	return &stored{inner: old}
}

func containsToken(list, tok string) bool {
	for _, it := range strings.Split(list, ",") {
		if strings.EqualFold(strings.TrimSpace(it), tok) {
			return true
		}
	}
	return false
}

func upstreamName(r *model.Response) string {
	if r.Upstream == nil {
		return "upstream"
	}
	return r.Upstream.Target
}

// route picks the scope a request ends in: the virtual server by host,
// then nginx's location algorithm (exact, longest prefix, ^~, regexes in
// order, nested locations), or the deepest matching route elsewhere.
func (e *evaluator) route(f *model.File) *model.Scope {
	routes := map[*model.Scope]bool{}
	for _, r := range f.Responses {
		routes[r.Route] = true
	}
	server := e.server(f)
	var best *model.Scope
	if server != nil {
		best = e.location(f, server)
		if best == nil && routes[server] {
			best = server
		}
	}
	if best != nil {
		return best
	}
	if server != nil && server.Kind == "server" && f.Dialect == model.Nginx {
		// nginx answers from the server's own content handler when no
		// location matches; the model has no route for that yet.
		e.undecided = fmt.Sprintf("no location of server %s matches %s, and the model has no route for the server's own handler", server.Label, e.path)
		return nil
	}
	// Not nginx-shaped: the deepest route whose path test matches.
	depth := -1
	n := 0
	for _, s := range f.Scopes {
		if !routes[s] || !e.matchesAll(s) {
			continue
		}
		n++
		if d := len(s.Path()); d > depth {
			best, depth = s, d
		}
	}
	if n > 1 && f.Dialect == model.Apache {
		// httpd's choice among virtual hosts, sections and ProxyPass
		// prefixes is not modelled yet: picking the deepest is a guess.
		e.undecided = fmt.Sprintf("%d Apache routes (virtual hosts, sections, ProxyPass) may answer %s %s; which one httpd picks is not modelled yet", n, e.host, e.path)
	}
	return best
}

func (e *evaluator) matchesAll(s *model.Scope) bool {
	for c := s; c != nil; c = c.Parent {
		if c.Match != nil && !e.pathMatches(c.Match) {
			return false
		}
	}
	return true
}

// server picks the server scope whose names include the host, else the
// first server (nginx's default server).
func (e *evaluator) server(f *model.File) *model.Scope {
	var first *model.Scope
	servers := 0
	for _, s := range f.Scopes {
		if s.Kind != "server" {
			continue
		}
		servers++
		if first == nil {
			first = s
		}
		for _, h := range s.Hosts {
			if strings.EqualFold(h, e.host) || strings.HasPrefix(h, "*.") && strings.HasSuffix(e.host, h[1:]) ||
				strings.HasPrefix(h, ".") && (strings.HasSuffix(e.host, h) || e.host == h[1:]) {
				return s
			}
		}
	}
	if servers > 1 && f.Dialect == model.Nginx {
		// No exact or wildcard name matches: nginx tries regex names, then
		// takes the listen's default_server, neither of which the model
		// records yet.
		e.undecided = fmt.Sprintf("no server_name of %d servers is %s; the server nginx picks then depends on regex names and default_server, which the model does not record yet", servers, e.host)
	}
	if first == nil {
		// A snippet or a file of locations without a server block.
		for _, s := range f.Scopes {
			if s.Kind == "main" || s.Kind == "http" {
				return s
			}
		}
	}
	return first
}

// location applies nginx's location selection below parent.
func (e *evaluator) location(f *model.File, parent *model.Scope) *model.Scope {
	var kids []*model.Scope
	for _, s := range f.Scopes {
		if s.Parent == parent && s.Kind == "location" && s.Match != nil && !s.Match.Named {
			kids = append(kids, s)
		}
	}
	var prefix *model.Scope
	for _, s := range kids {
		m := s.Match
		switch m.Kind {
		case model.PathExact:
			if e.path == m.Pattern {
				return s
			}
		case model.PathPrefix:
			if strings.HasPrefix(e.path, m.Pattern) && (prefix == nil || len(m.Pattern) > len(prefix.Match.Pattern)) {
				prefix = s
			}
		}
	}
	if prefix != nil {
		if nested := e.location(f, prefix); nested != nil {
			return nested
		}
		if prefix.Match.Preferred {
			return prefix
		}
	}
	for _, s := range kids {
		if s.Match.Kind == model.PathRegex && e.pathMatches(s.Match) {
			if nested := e.location(f, s); nested != nil {
				return nested
			}
			return s
		}
	}
	return prefix
}

func (e *evaluator) pathMatches(m *model.PathMatch) bool {
	switch m.Kind {
	case model.PathExact:
		return e.path == m.Pattern
	case model.PathPrefix:
		return strings.HasPrefix(e.path, m.Pattern)
	}
	return regexMatch(m.Pattern, m.CaseInsensitive, e.path)
}

func regexMatch(pattern string, ci bool, s string) bool { return pcre.Match(pattern, ci, s) }

// response picks the response of route that this request gets: the first
// matching if block that returns, else the last matching if block, else
// the route's own. Conditions the model cannot decide count as false, with
// a note.
func (e *evaluator) response(f *model.File, route *model.Scope, a *Answer) *model.Response {
	if f.Dialect == model.Nginx {
		// A return at server level, in an if or not, runs in the server
		// rewrite phase, before nginx looks for a location.
		for _, r := range f.Responses {
			if r.Route != route && r.Route.Kind == "server" && isAncestor(r.Route, route) &&
				r.Source == model.FromServer && r.Status != 0 && e.holds(r, a) {
				return r
			}
		}
	}
	if f.Dialect == model.Nginx && e.method == "OPTIONS" {
		// limit_except switches to its own configuration for the methods
		// it denies, where the location's if and return do not run
		// (nginx 1.22 answered 403 despite if OPTIONS { return 204; }).
		for _, r := range f.Responses {
			if r.Route == route && r.Scope == route && len(r.Conds) == 0 && r.OptionsStatus == 403 {
				return r
			}
		}
	}
	var own, chosen *model.Response
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
			return r
		}
		chosen = r
	}
	if chosen != nil {
		return chosen
	}
	if own != nil {
		return own
	}
	// Routes with only conditional responses (a gateway's preflight
	// answer): the ones for this method. An nginx if whose condition
	// fails answers nothing: the server's own handler does, which the
	// model has no response for.
	for _, r := range f.Responses {
		if r.Route == route && r.ForMethod(e.method) && (f.Dialect != model.Nginx || len(r.Conds) == 0) {
			return r
		}
	}
	return nil
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
			// decided by Methods above
		case c.Origin != nil:
			if matches(c.Origin, e.origin) == c.Negated {
				return false
			}
		default:
			a.Notes = append(a.Notes, fmt.Sprintf("the condition %q is taken as false", c.Text))
			return false
		}
	}
	return true
}

// hides reports whether r's proxy removes the upstream's header name: it
// is hidden and a statement that hides it applies to this request (a VCL
// set under an if that fails leaves the backend's header alone). Hiding
// by a statement the response does not list (nginx proxy_hide_header)
// always applies.
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

// opHolds decides a statement's own condition (Apache env=, a VCL if
// around a set): origin and method tests are decided; anything else is
// taken to hold.
func (e *evaluator) opHolds(op *model.HeaderOp) bool {
	c := op.When
	if c == nil {
		return true
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
	if c.Origin != nil && matches(c.Origin, e.req.Origin) == c.Negated {
		return false
	}
	return true
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
		return e.origin, e.origin != ""
	case model.Variable:
		// The last option that applies wins: a later set overrides an
		// earlier one, a matching map entry overrides the default.
		var pick *model.Value
		var fallback *model.Value
		for i := range v.Options {
			o := &v.Options[i]
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
		if pick == nil {
			return "", false
		}
		p := *pick
		p.Guards = nil
		if p.Kind == model.Reflected {
			return e.origin, e.origin != ""
		}
		return e.value(p)
	}
	return "", false
}

func (e *evaluator) guarded(gs []*model.Matcher) bool {
	if len(gs) == 0 {
		return true
	}
	for _, g := range gs {
		if matches(g, e.origin) {
			return true
		}
	}
	return false
}

// matches runs an origin matcher the way its server does.
func matches(m *model.Matcher, origin string) bool {
	switch m.Kind {
	case model.MatchExact:
		for _, x := range m.Exact {
			if x == origin || m.CaseInsensitive && strings.EqualFold(x, origin) {
				return true
			}
		}
		return false
	case model.MatchWildcard:
		for _, x := range m.Exact {
			parts := strings.Split(x, "*")
			for i := range parts {
				parts[i] = regexp2.Escape(parts[i])
			}
			if regexMatch("^"+strings.Join(parts, ".*")+"$", true, origin) {
				return true
			}
		}
		return false
	}
	return regexMatch(m.Pattern, m.CaseInsensitive, origin)
}

// SortLines orders lines by name for stable display, keeping repeats in
// order.
func SortLines(ls []Line) {
	sort.SliceStable(ls, func(i, j int) bool { return ls[i].Name < ls[j].Name })
}
