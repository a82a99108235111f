package nginx

import (
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/corslint/corslint/internal/pcre"

	"github.com/corslint/corslint/model"
)

// Lower turns a parsed configuration into the model, deciding nginx's
// semantics once: add_header inheritance (a level with any add_header of
// its own drops the inherited ones, unless add_header_inherit says
// otherwise), always, if blocks as their own scope, return, map and set for
// the origin, and proxy_hide_header.
func Lower(cfg *Config) *model.File {
	l := &lowerer{
		file: &model.File{
			Path:        cfg.Path,
			Dialect:     model.Nginx,
			Sources:     cfg.Sources,
			Comments:    cfg.Comments,
			Diagnostics: cfg.Diagnostics,
			Serving: model.Serving{
				LocationRouting: true, RewritePhase: true,
				FilesAnswerRest: true, FileLookup: true,
				OwnHeadersDropInherited: true,
			},
		},
		maps:       map[string]*Directive{},
		mapValues:  map[string]*model.Value{},
		sets:       map[string][]setDef{},
		hides:      map[*model.Scope]map[string]map[string]model.Span{},
		errorPages: map[*model.Scope][]int{},
		intercept:  map[*model.Scope]bool{},
		condGuards: map[*model.Condition][]*model.Matcher{},
		refusals:   map[*model.Scope][]*model.Matcher{},
		conds:      map[*Directive]*model.Condition{},
		resolving:  map[string]bool{},
		lines:      map[string]*model.Lines{},
		varValues:  map[varKey]model.Value{},
		ifParents:  map[*Directive][]*Directive{},
	}
	// Variables are global in nginx: collect map and set first, so a header
	// may use a variable defined further down or in another server.
	walk(cfg.Directives, func(d *Directive, parents []*Directive) bool {
		switch d.Name {
		case "map":
			if len(d.Args) >= 2 && d.IsBlock {
				l.maps[strings.TrimPrefix(d.Args[1].Value, "$")] = d
			}
			return false
		case "if":
			l.ifParents[d] = append([]*Directive(nil), parents...)
		case "set":
			if len(d.Args) >= 2 {
				name := strings.TrimPrefix(d.Args[0].Value, "$")
				l.sets[name] = append(l.sets[name], setDef{d: d, parents: append([]*Directive(nil), parents...)})
			}
		}
		return true
	})
	for _, name := range sortedKeys(l.maps) {
		l.mapValue(name) // registers origin matchers in source order
	}
	top := &model.Scope{Kind: "main", Role: model.RoleFile, Span: model.Span{File: cfg.Path, Line: 1, Col: 1}, Layer: fileLayer(cfg.Directives)}
	l.block(top, nil, cfg.Directives, inheritOn)
	l.file.Serving.Captures = l.captures(cfg.Directives)
	markUnreachable(l.file.Scopes)
	sort.SliceStable(l.file.Matchers, func(i, j int) bool { return l.file.Matchers[i].Span.Before(l.file.Matchers[j].Span) })
	return l.file
}

type inheritMode uint8

const (
	inheritOn inheritMode = iota
	inheritOff
	inheritMerge
)

type setDef struct {
	d       *Directive
	parents []*Directive
}

type lowerer struct {
	file      *model.File
	maps      map[string]*Directive
	mapValues map[string]*model.Value
	sets      map[string][]setDef
	// ifParents are the blocks around each if, outermost first.
	ifParents map[*Directive][]*Directive
	// hides holds each scope's own *_hide_header directives, by module
	// ("proxy", "fastcgi", ...), and under "" the headers-more statements
	// that replace or clear upstream headers whatever module answered.
	hides map[*model.Scope]map[string]map[string]model.Span
	// errorPages holds the statuses each block's own error_page
	// directives replace, and intercept its proxy_intercept_errors.
	errorPages map[*model.Scope][]int
	intercept  map[*model.Scope]bool
	condGuards map[*model.Condition][]*model.Matcher
	// refusals holds, per scope, the origin allowlists of its
	// if ($http_origin !~ ...) { return 403; } blocks: past them, only an
	// origin the allowlist accepts reaches the scope's responses.
	refusals map[*model.Scope][]*model.Matcher
	conds    map[*Directive]*model.Condition
	// resolving guards against variables defined through each other.
	resolving map[string]bool
	// lines indexes each source file, for statements as written.
	lines map[string]*model.Lines
	// varValues memoizes set variables per server block.
	varValues map[varKey]model.Value
}

// upstreamHandlers produce a response from another program. They are not
// inherited by nested locations, but an if block uses its location's.
var upstreamHandlers = map[string]bool{
	"proxy_pass": true, "fastcgi_pass": true, "uwsgi_pass": true, "scgi_pass": true,
	"grpc_pass": true, "memcached_pass": true,
	"content_by_lua_block": true, "content_by_lua": true, "content_by_lua_file": true,
}

var standardMethods = []string{"GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"}

// fileLayer is Proxy when the file proxies anywhere, else Origin.
func fileLayer(ds []*Directive) model.Layer {
	layer := model.Origin
	walk(ds, func(d *Directive, _ []*Directive) bool {
		if strings.HasSuffix(d.Name, "_pass") && upstreamHandlers[d.Name] {
			layer = model.Proxy
		}
		return true
	})
	return layer
}

// block lowers the directives of one block into scope s.
func (l *lowerer) block(s *model.Scope, parent *model.Scope, ds []*Directive, mode inheritMode) {
	l.file.Scopes = append(l.file.Scopes, s)
	l.noteRefusals(s, ds)
	for _, d := range ds {
		if d.Name == "add_header_inherit" {
			switch d.Arg(0) {
			case "off":
				mode = inheritOff
			case "merge":
				mode = inheritMerge
			default:
				mode = inheritOn
			}
		}
	}
	var addHeaders, more []*model.HeaderOp
	hides := map[string]map[string]model.Span{}
	hide := func(module, name string, at model.Span) {
		if hides[module] == nil {
			hides[module] = map[string]model.Span{}
		}
		hides[module][name] = at
	}
	for _, d := range ds {
		switch {
		case d.Name == "add_header":
			if op := l.addHeader(s, d); op != nil {
				addHeaders = append(addHeaders, op)
			}
		case d.Name == "more_set_headers" || d.Name == "more_clear_headers":
			for _, op := range l.headersMore(s, d) {
				more = append(more, op)
				hide("", op.Name, d.Span)
			}
		case strings.HasSuffix(d.Name, "_hide_header") && len(d.Args) > 0:
			hide(strings.TrimSuffix(d.Name, "_hide_header"), model.CanonicalName(d.Arg(0)), d.Span)
		case d.Name == "error_page":
			for _, a := range d.Args {
				if n, err := strconv.Atoi(a.Value); err == nil && n >= 300 && n <= 599 {
					l.errorPages[s] = append(l.errorPages[s], n)
				}
			}
		case d.Name == "proxy_intercept_errors":
			l.intercept[s] = d.Arg(0) == "on"
		}
	}
	if len(hides) > 0 {
		l.hides[s] = hides
	}
	s.Own = append(append([]*model.HeaderOp(nil), addHeaders...), more...)
	l.file.Headers = append(l.file.Headers, s.Own...)

	// add_header and headers-more inherit differently: add_header all or
	// nothing, headers-more statements accumulate from every level.
	var inheritedAdd, inheritedMore []*model.HeaderOp
	if parent != nil {
		for _, op := range parent.Effective {
			if op.Raw != "" && strings.HasPrefix(op.Raw, "more_") {
				inheritedMore = append(inheritedMore, op)
			} else {
				inheritedAdd = append(inheritedAdd, op)
			}
		}
	}
	switch {
	case mode == inheritOff:
		s.Effective = addHeaders
	case mode == inheritMerge:
		s.Effective = append(append([]*model.HeaderOp(nil), inheritedAdd...), addHeaders...)
	case len(addHeaders) > 0:
		s.Effective = addHeaders
		s.Dropped = inheritedAdd
	default:
		s.Effective = inheritedAdd
	}
	s.Effective = append(append(append([]*model.HeaderOp(nil), s.Effective...), inheritedMore...), more...)
	s.Static, s.ErrorPages = staticOf(s, parent, ds), errorPagesOf(parent, ds)
	s.Internal = s.Kind == "location" && slices.ContainsFunc(ds, func(d *Directive) bool { return d.Name == "internal" })

	hasLocation, hasServer, catchAll := false, false, false
	for _, d := range ds {
		if !d.IsBlock {
			continue
		}
		switch d.Name {
		case "http", "server":
			hasServer = true
			child := &model.Scope{Kind: d.Name, Label: serverLabel(d), Role: model.RoleFile, Parent: s, Layer: s.Layer, Span: d.Span}
			if d.Name == "server" {
				child.Role = model.RoleServer
				child.Hosts = strings.Fields(child.Label)
				var tls []int
				child.Listens, tls = listens(d)
				child.TLSPorts = tls
				for _, l := range child.Listens {
					if !slices.Contains(child.Ports, l.Port) {
						child.Ports = append(child.Ports, l.Port)
					}
					child.Default = child.Default || l.Default
				}
			}
			l.block(child, s, d.Block, mode)
		case "location":
			hasLocation = true
			child := &model.Scope{Kind: "location", Label: argsText(d), Role: model.RoleRoute, Parent: s, Layer: s.Layer, Span: d.Span, Match: locationMatch(d)}
			catchAll = catchAll || child.Match.Kind == model.PathPrefix && !child.Match.Named && child.Match.Pattern == "/"
			l.block(child, s, d.Block, mode)
			l.route(child, d.Block, mode)
		}
	}
	switch {
	case s.Kind == "server" && !catchAll:
		// A request no location matches (every one, when the server has
		// only named locations) is served by the server's own
		// configuration.
		l.route(s, ds, mode)
	case s.Kind == "server":
		l.serverIfs(s, ds, mode)
	case s.Kind == "main" && !hasServer && !hasLocation && (len(s.Own) > 0 || hasIf(ds)):
		// A snippet meant to be included into a location: lower it as one
		// whose content handler is not known.
		s.Label = "(snippet)"
		l.route(s, ds, mode)
	}
	l.caches(s, ds)
}

func hasIf(ds []*Directive) bool {
	for _, d := range ds {
		if d.Name == "if" && d.IsBlock {
			return true
		}
	}
	return false
}

// locationMatch reads a location's modifier and pattern.
func locationMatch(d *Directive) *model.PathMatch {
	m := &model.PathMatch{Kind: model.PathPrefix, Pattern: d.Arg(0)}
	if len(d.Args) >= 2 {
		m.Pattern = d.Arg(1)
		switch d.Arg(0) {
		case "=":
			m.Kind = model.PathExact
		case "~":
			m.Kind = model.PathRegex
		case "~*":
			m.Kind, m.CaseInsensitive = model.PathRegex, true
		case "^~":
			m.Preferred = true
		}
		return m
	}
	// Modifiers may be glued to the pattern: "=/exact", "~*\.php$".
	p := m.Pattern
	switch {
	case strings.HasPrefix(p, "@"):
		m.Named = true
	case strings.HasPrefix(p, "^~"):
		m.Pattern, m.Preferred = p[2:], true
	case strings.HasPrefix(p, "~*"):
		m.Kind, m.Pattern, m.CaseInsensitive = model.PathRegex, p[2:], true
	case strings.HasPrefix(p, "~"):
		m.Kind, m.Pattern = model.PathRegex, p[1:]
	case strings.HasPrefix(p, "="):
		m.Kind, m.Pattern = model.PathExact, p[1:]
	}
	return m
}

func serverLabel(d *Directive) string {
	for _, c := range d.Block {
		if c.Name == "server_name" {
			return argsText(c)
		}
	}
	return ""
}

// listens reads a server's listen directives: each socket's address and
// port (80 when a listen names only an address, nginx's default) and
// whether the server is its default_server, and the ports where it speaks
// TLS (listen ... ssl, or every one under the older ssl on). A server
// without listen listens on *:80 (ngx_http_core_module: the default is
// *:80 | *:8000, the latter only for an nginx started without superuser
// privileges).
func listens(d *Directive) (out []model.Listen, tls []int) {
	sslOn, listed := false, false
	for _, c := range d.Block {
		if c.Name == "ssl" && len(c.Args) == 1 {
			sslOn = c.Args[0].Value == "on"
		}
		if c.Name != "listen" || len(c.Args) == 0 {
			continue
		}
		listed = true
		addr := c.Args[0].Value
		def, ssl := false, false
		for _, a := range c.Args[1:] {
			def = def || a.Value == "default_server" || a.Value == "default"
			ssl = ssl || a.Value == "ssl"
		}
		if strings.HasPrefix(addr, "unix:") {
			continue
		}
		host, port := "", addr
		if i := strings.LastIndexByte(addr, ':'); i >= 0 && !strings.HasSuffix(addr, "]") {
			host, port = addr[:i], addr[i+1:]
		} else if strings.ContainsAny(addr, ".[]") || addr == "localhost" || addr == "*" {
			host, port = addr, "80"
		}
		n, err := strconv.Atoi(port)
		if err != nil || n <= 0 || n >= 65536 {
			continue
		}
		out = append(out, model.Listen{Addr: listenAddr(host), Port: n, Default: def})
		if ssl && !slices.Contains(tls, n) {
			tls = append(tls, n)
		}
	}
	if !listed {
		out = []model.Listen{{Port: 80}}
	}
	if sslOn {
		for _, l := range out {
			if !slices.Contains(tls, l.Port) {
				tls = append(tls, l.Port)
			}
		}
	}
	return out, tls
}

// listenAddr is the address of a listen as an IP, "" for every address.
func listenAddr(host string) string {
	host = strings.TrimSuffix(strings.TrimPrefix(host, "["), "]")
	switch host {
	case "", "*", "0.0.0.0", "::":
		return ""
	case "localhost":
		return "127.0.0.1"
	}
	return host
}

func argsText(d *Directive) string {
	parts := make([]string, 0, len(d.Args))
	for _, a := range d.Args {
		parts = append(parts, a.Value)
	}
	return strings.Join(parts, " ")
}

// handler is how a block produces a response.
type handler struct {
	source        model.Source
	status        int
	optionsStatus int
	upstream      *model.Upstream
	at            model.Span
	direct        bool
}

// route adds the responses of a block that requests end in: one for each
// if block, and one for requests that match none.
func (l *lowerer) route(route *model.Scope, ds []*Directive, mode inheritMode) {
	h := l.handlerOf(route, ds, nil)
	var ifs []*Directive
	for _, d := range ds {
		if d.Name == "if" && d.IsBlock {
			ifs = append(ifs, d)
		}
	}
	for i, d := range ifs {
		child := l.ifScope(route, d, mode)
		r := l.response(route, child, l.handlerOf(child, d.Block, &h))
		if !returns(d.Block) {
			// Each matching if replaces the location's configuration, and
			// the rewrite phase goes on to the next one: the request is
			// served with this if's headers only when no later if
			// matches too (nginx's ngx_http_rewrite_module; measured with
			// nginx 1.22). A block that returns ends the phase itself.
			for _, later := range ifs[i+1:] {
				unless(r, l.conditionOf(later))
			}
		}
		l.file.Responses = append(l.file.Responses, r)
	}
	own := l.response(route, route, h)
	own.Denied = deniedMethods(ds)
	l.file.Responses = append(l.file.Responses, own)
}

// returns reports whether a block ends the rewrite phase with its own
// return.
func returns(ds []*Directive) bool {
	for _, d := range ds {
		if d.Name == "return" {
			return true
		}
	}
	return false
}

// unless narrows r to requests for which condition c does not hold. A
// condition the model cannot decide is taken not to hold, as elsewhere.
func unless(r *model.Response, c *model.Condition) {
	switch {
	case c.And != nil:
		// not (a and b) is no one test: the evaluator takes the last if
		// that matches
	case c.Methods != nil:
		admitted := c.Methods
		if c.Negated {
			admitted = otherMethods(c.Methods)
		}
		from := r.Methods
		if from == nil {
			from = standardMethods
		}
		left := []string{}
		for _, m := range from {
			if !slices.ContainsFunc(admitted, func(a string) bool { return strings.EqualFold(a, m) }) {
				left = append(left, m)
			}
		}
		r.Methods = left
	case c.Origin != nil:
		neg := *c
		neg.Negated = !c.Negated
		neg.Text = "!(" + c.Text + ")"
		r.Conds = append(r.Conds, &neg)
	}
}

// serverIfs lowers if blocks at server level: they run before a location
// is chosen, so a return there answers with the server's headers.
func (l *lowerer) serverIfs(server *model.Scope, ds []*Directive, mode inheritMode) {
	for _, d := range ds {
		if d.Name != "if" || !d.IsBlock {
			continue
		}
		child := l.ifScope(server, d, mode)
		h := l.handlerOf(child, d.Block, nil)
		if h.source == model.FromServer {
			l.file.Responses = append(l.file.Responses, l.response(server, child, h))
		}
	}
}

func (l *lowerer) ifScope(parent *model.Scope, d *Directive, mode inheritMode) *model.Scope {
	cond := l.conditionOf(d)
	child := &model.Scope{Kind: "if", Label: "(" + argsText(d) + ")", Role: model.RoleCondition, Parent: parent, Layer: parent.Layer, When: cond, Span: d.Span}
	l.block(child, parent, d.Block, mode)
	return child
}

func (l *lowerer) response(route, s *model.Scope, h handler) *model.Response {
	r := &model.Response{
		Route:         route,
		Scope:         s,
		Source:        h.source,
		Status:        h.status,
		OptionsStatus: h.optionsStatus,
		Headers:       s.Effective,
		Upstream:      h.upstream,
		Span:          h.at,
	}
	r.Direct = h.direct
	if !h.direct {
		r.ErrorPages = l.errorPagesFor(s, h.source)
	}
	if c := s.When; c != nil && s != route {
		r.Conds = []*model.Condition{c}
		r.Methods = c.Methods
		if c.Negated && c.Methods != nil {
			r.Methods = otherMethods(c.Methods)
		}
	}
	return r
}

func otherMethods(ms []string) []string {
	var out []string
	for _, m := range standardMethods {
		found := false
		for _, x := range ms {
			found = found || strings.EqualFold(x, m)
		}
		if !found {
			out = append(out, m)
		}
	}
	return out
}

// handlerOf finds what produces the response in a block: a return, a
// proxy, or static files. inherited is the enclosing location's handler,
// which an if block uses unless it has its own.
func (l *lowerer) handlerOf(s *model.Scope, ds []*Directive, inherited *handler) handler {
	for _, d := range ds {
		if d.Name == "return" && len(d.Args) > 0 {
			code, err := strconv.Atoi(d.Arg(0))
			if err != nil {
				code = 302 // return URL
			}
			// Below 300, or an error with a text, return sends its own
			// response; a redirect or an error alone goes through the
			// special response, and error_page (ngx_http_script_return_code,
			// ngx_http_send_response).
			direct := code < 300 || code >= 400 && len(d.Args) > 1
			// limit_except denies OPTIONS before this return runs: it
			// switches to its own configuration, which has no return.
			return handler{source: model.FromServer, status: code, at: d.Span, direct: direct, optionsStatus: limitExcept(ds)}
		}
	}
	for _, d := range ds {
		if upstreamHandlers[d.Name] {
			target := d.Arg(0)
			if !strings.HasSuffix(d.Name, "_pass") {
				target = d.Name
			}
			u := &model.Upstream{Target: target, Scope: s, Span: d.Span, Directive: d.Name, Hidden: l.hidden(s, d.Name)}
			return handler{source: model.FromUpstream, upstream: u, at: d.Span, optionsStatus: limitExcept(ds)}
		}
	}
	if inherited != nil {
		h := *inherited
		if h.upstream != nil {
			u := *h.upstream
			u.Hidden = l.hidden(s, u.Directive) // hidden headers follow the block the response is built in
			h.upstream = &u
		}
		return h
	}
	opt := limitExcept(ds)
	if opt == 0 && s.Kind != "main" {
		opt = 405 // the static module refuses every method but GET, HEAD and POST
	}
	return handler{source: model.FromHandler, optionsStatus: opt, at: s.Span}
}

// deniedMethods lists the standard methods a limit_except block with
// deny all refuses: every one it does not name (GET names HEAD too).
func deniedMethods(ds []*Directive) []string {
	var out []string
	for _, d := range ds {
		if d.Name != "limit_except" || !d.IsBlock || !slices.ContainsFunc(d.Block, func(c *Directive) bool { return c.Name == "deny" && c.Arg(0) == "all" }) {
			continue
		}
		for _, m := range standardMethods {
			allowed := false
			for _, a := range d.Args {
				allowed = allowed || strings.EqualFold(a.Value, m) || m == "HEAD" && strings.EqualFold(a.Value, "GET")
			}
			if !allowed {
				out = append(out, m)
			}
		}
	}
	return out
}

// limitExcept returns 403 when a limit_except block denies OPTIONS.
func limitExcept(ds []*Directive) int {
	for _, d := range ds {
		if d.Name != "limit_except" || !d.IsBlock {
			continue
		}
		allowed := false
		for _, a := range d.Args {
			allowed = allowed || strings.EqualFold(a.Value, "OPTIONS")
		}
		if allowed {
			continue
		}
		for _, c := range d.Block {
			if c.Name == "deny" && c.Arg(0) == "all" {
				return 403
			}
		}
	}
	return 0
}

// hidden collects the upstream headers hidden for s from the module of
// handler (proxy_hide_header only acts on proxy_pass responses,
// fastcgi_hide_header on fastcgi_pass ones, ...); like add_header, a level
// with any of the module's own drops the inherited ones. headers-more
// statements act on every response and accumulate.
func (l *lowerer) hidden(s *model.Scope, handler string) map[string]model.Span {
	module := strings.TrimSuffix(handler, "_pass")
	out := map[string]model.Span{}
	found := false
	for c := s; c != nil; c = c.Parent {
		h := l.hides[c]
		if !found && module != handler {
			if own, ok := h[module]; ok {
				found = true
				for n, at := range own {
					out[n] = at
				}
			}
		}
		for n, at := range h[""] {
			if _, ok := out[n]; !ok {
				out[n] = at
			}
		}
	}
	return out
}

// addHeader lowers add_header NAME VALUE [always].
func (l *lowerer) addHeader(s *model.Scope, d *Directive) *model.HeaderOp {
	if len(d.Args) < 2 {
		return nil
	}
	op := &model.HeaderOp{
		Name:     model.CanonicalName(d.Args[0].Value),
		Op:       model.Add,
		Value:    l.value(d.Args[1].Value, d.Args[1].Span, s),
		Delivery: model.OnSuccessStatus,
		Scope:    s,
		Layer:    s.Layer,
		Span:     d.Span,
		Raw:      l.raw(d),
	}
	if len(d.Args) > 2 && d.Args[2].Value == "always" {
		op.Delivery = model.Always
	}
	return op
}

// headersMore lowers more_set_headers and more_clear_headers: they replace
// or remove headers, the upstream's included, on every status unless -s
// narrows it.
func (l *lowerer) headersMore(s *model.Scope, d *Directive) []*model.HeaderOp {
	delivery := model.Always
	var out []*model.HeaderOp
	for i := 0; i < len(d.Args); i++ {
		a := d.Args[i]
		switch a.Value {
		case "-s":
			if i+1 < len(d.Args) {
				i++
				delivery = model.OnSuccessStatus
				for _, code := range strings.Fields(d.Args[i].Value) {
					if n, _ := strconv.Atoi(code); n >= 400 {
						delivery = model.Always
					}
				}
			}
			continue
		case "-t":
			i++
			continue
		}
		name, val, hasVal := strings.Cut(a.Value, ":")
		op := &model.HeaderOp{
			Name: model.CanonicalName(name), Op: model.Set, Delivery: delivery,
			Scope: s, Layer: s.Layer, Span: d.Span, Raw: l.raw(d),
		}
		if d.Name == "more_clear_headers" || !hasVal {
			op.Op = model.Unset
			op.Name = model.CanonicalName(strings.TrimSuffix(name, "*"))
		} else {
			op.Value = l.value(strings.TrimSpace(val), a.Span, s)
		}
		out = append(out, op)
	}
	return out
}

// raw returns the statement as written, from the source.
func (l *lowerer) raw(d *Directive) string {
	src := l.file.Sources[d.Span.File]
	if d.Span.Line == d.Span.EndLine && src != nil {
		idx, ok := l.lines[d.Span.File]
		if !ok {
			idx = model.NewLines(src)
			l.lines[d.Span.File] = idx
		}
		if start := idx.Start(d.Span.Line); start >= 0 {
			from, to := start+d.Span.Col-1, start+d.Span.EndCol-1
			if from >= 0 && to <= len(src) && from < to {
				return string(src[from:to])
			}
		}
	}
	return d.Name + " " + argsText(d) + ";"
}

// caches records proxy_cache facts.
func (l *lowerer) caches(s *model.Scope, ds []*Directive) {
	for _, d := range ds {
		switch d.Name {
		case "proxy_cache", "fastcgi_cache", "uwsgi_cache", "scgi_cache":
		default:
			continue
		}
		if d.Arg(0) == "off" || d.Arg(0) == "" {
			continue
		}
		c := &model.Cache{Scope: s, Span: d.Span, Key: []string{"$scheme$proxy_host$request_uri"}}
		keyName := strings.TrimSuffix(d.Name, "_cache") + "_cache_key"
	find:
		for sc, dd := s, ds; sc != nil; sc = sc.Parent {
			for _, k := range dd {
				if k.Name == keyName {
					c.Key = []string{argsText(k)}
					break find
				}
			}
			dd = nil // parents' directives are not at hand; the default key applies
		}
		c.KeyHasOrigin = strings.Contains(c.Key[0], "$http_origin")
		l.file.Caches = append(l.file.Caches, c)
	}
}

// value classifies a header value as written, after nginx's unquoting:
// variables expand inside single and double quotes alike.
func (l *lowerer) value(raw string, at model.Span, s *model.Scope) model.Value {
	if name, ok := soleVariable(raw); ok {
		v := l.variable(name, at, scopeServer(s))
		return withGuards(v, l.guards(s))
	}
	if !strings.Contains(raw, "$") {
		return model.LiteralValue(raw, at)
	}
	v := model.Value{Kind: model.Unknown, Raw: raw, Span: at}
	if strings.Contains(raw, "$http_origin") || strings.Contains(raw, "${http_origin}") {
		v.Var = "$http_origin"
	}
	return v
}

// hasVariable reports whether s refers to a variable ($name or ${name}),
// as opposed to a regex's end anchor.
func hasVariable(s string) bool {
	for i := 0; i+1 < len(s); i++ {
		if s[i] != '$' {
			continue
		}
		c := s[i+1]
		if c == '{' || c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' {
			return true
		}
	}
	return false
}

// soleVariable reports whether s is exactly one variable reference.
func soleVariable(s string) (string, bool) {
	if !strings.HasPrefix(s, "$") || len(s) < 2 {
		return "", false
	}
	name := s[1:]
	if strings.HasPrefix(name, "{") && strings.HasSuffix(name, "}") {
		name = name[1 : len(name)-1]
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !(c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return "", false
		}
	}
	return name, name != ""
}

// withGuards adds the allowlists of enclosing if blocks to every reflected
// option of v that has none of its own. An option with its own (a map
// entry's key) is echoed only where both accept, and Guards accept an
// origin any one of them accepts: its own key is the closer of the two,
// and the if's condition decides the response anyway (a map entry for
// https://app. under an if for https://admin. echoes neither: nginx 1.22
// sent the map's default, difftest seed 123, n355).
func withGuards(v model.Value, guards []*model.Matcher) model.Value {
	if len(guards) == 0 {
		return v
	}
	switch v.Kind {
	case model.Reflected:
		if len(v.Guards) == 0 {
			v.Guards = append([]*model.Matcher(nil), guards...)
		}
	case model.Variable:
		opts := make([]model.Value, len(v.Options))
		for i, o := range v.Options {
			opts[i] = withGuards(o, guards)
		}
		v.Options = opts
	}
	return v
}

// guards returns the origin allowlists of the if blocks enclosing s.
func (l *lowerer) guards(s *model.Scope) []*model.Matcher {
	var out []*model.Matcher
	for c := s; c != nil; c = c.Parent {
		if c.When != nil && !c.When.Negated {
			out = append(out, l.condGuards[c.When]...)
		}
		out = append(out, l.refusals[c]...)
	}
	return out
}

// noteRefusals records the blocks of ds that refuse every origin an
// allowlist does not accept: if ($http_origin !~ RE) { return 403; } (or
// !~*, !=, any 4xx), the rewrite phase's own allowlist.
func (l *lowerer) noteRefusals(s *model.Scope, ds []*Directive) {
	for _, d := range ds {
		if d.Name != "if" || !d.IsBlock || d.Arg(0) != "$http_origin" || !strings.HasPrefix(d.Arg(1), "!") {
			continue
		}
		refuses := false
		for _, b := range d.Block {
			if b.Name == "return" {
				code, err := strconv.Atoi(b.Arg(0))
				refuses = err == nil && code >= 400 && code < 500
			}
		}
		c := l.conditionOf(d)
		if refuses && c.Origin != nil && !c.Origin.Dynamic {
			l.refusals[s] = append(l.refusals[s], c.Origin)
		}
	}
}

// variable resolves $name to what it can hold.
func (l *lowerer) variable(name string, at model.Span, server model.Span) model.Value {
	ref := "$" + name
	switch {
	case name == "http_origin":
		return model.Value{Kind: model.Reflected, Raw: ref, Var: ref, Span: at}
	case name == "http_access_control_request_headers":
		// echoes what the preflight asks for; add_header sends nothing
		// for an empty value
		return model.Value{Kind: model.RequestHeader, Raw: ref, Var: "Access-Control-Request-Headers", Span: at}
	case l.maps[name] != nil:
		v := *l.mapValue(name)
		v.Span = at
		return v
	case len(l.sets[name]) > 0 && !l.resolving[name]:
		key := varKey{name, server.File, server.Line, server.Col}
		if v, ok := l.varValues[key]; ok {
			v.Span = at
			return v
		}
		l.resolving[name] = true
		defer delete(l.resolving, name)
		v := model.Value{Kind: model.Variable, Raw: ref, Var: ref, Span: at}
		unconditional := false
		for _, sd := range l.sets[name] {
			// set runs per request: only the sets of the same server (or
			// outside any server) can give the variable its value.
			own := serverOf(sd.parents)
			if !server.IsZero() && !own.IsZero() && (own.File != server.File || own.Line != server.Line || own.Col != server.Col) {
				continue
			}
			guards, conditional := l.parentGuards(sd.parents)
			opt := withGuards(l.valueIn(sd.d.Arg(1), sd.d.Args[1].Span, own), guards)
			opt.SetIn = locationOf(sd.parents)
			unconditional = unconditional || !conditional && opt.SetIn.IsZero()
			v.Options = append(v.Options, opt)
		}
		if !unconditional {
			// first, so that a set in the location, when it runs, is the
			// later unconditional value
			v.Options = append([]model.Value{{Kind: model.Empty, Span: at}}, v.Options...)
		}
		l.varValues[key] = v
		return v
	}
	return model.Value{Kind: model.Unknown, Raw: ref, Var: ref, Span: at}
}

// varKey names a variable as seen from one server block.
type varKey struct {
	name      string
	file      string
	line, col int
}

// serverOf returns the span of the server block among parents, or zero.
func serverOf(parents []*Directive) model.Span {
	for _, p := range parents {
		if p.Name == "server" {
			return model.Span{File: p.Span.File, Line: p.Span.Line, Col: p.Span.Col}
		}
	}
	return model.Span{}
}

// locationOf returns the span of the innermost location among parents,
// or zero.
func locationOf(parents []*Directive) model.Span {
	for i := len(parents) - 1; i >= 0; i-- {
		if p := parents[i]; p.Name == "location" {
			return model.Span{File: p.Span.File, Line: p.Span.Line, Col: p.Span.Col}
		}
	}
	return model.Span{}
}

// scopeServer returns the span of the server scope enclosing s, or zero.
func scopeServer(s *model.Scope) model.Span {
	for c := s; c != nil; c = c.Parent {
		if c.Kind == "server" {
			return model.Span{File: c.Span.File, Line: c.Span.Line, Col: c.Span.Col}
		}
	}
	return model.Span{}
}

func (l *lowerer) valueNoScope(raw string, at model.Span) model.Value {
	return l.value(raw, at, nil)
}

// valueIn classifies a value written inside the given server block.
func (l *lowerer) valueIn(raw string, at model.Span, server model.Span) model.Value {
	if name, ok := soleVariable(raw); ok {
		return l.variable(name, at, server)
	}
	return l.value(raw, at, nil)
}

// parentGuards returns the origin allowlists of the if blocks among a set
// directive's parents, and whether any if encloses it.
func (l *lowerer) parentGuards(parents []*Directive) ([]*model.Matcher, bool) {
	var out []*model.Matcher
	conditional := false
	for _, p := range parents {
		if p.Name != "if" {
			continue
		}
		conditional = true
		c := l.conditionOf(p)
		if !c.Negated {
			out = append(out, l.condGuards[c]...)
		}
	}
	return out, conditional
}

// mapValue resolves a map's result variable: one option per entry. With
// $http_origin as the source, each entry's key is the allowlist that
// guards what it yields.
func (l *lowerer) mapValue(name string) *model.Value {
	if v, ok := l.mapValues[name]; ok {
		return v
	}
	d := l.maps[name]
	v := &model.Value{Kind: model.Variable, Raw: "$" + name, Var: "$" + name, Span: d.Span}
	l.mapValues[name] = v // before resolving entries, so self-references end
	source := d.Arg(0)
	originSource := source == "$http_origin" || source == "${http_origin}"
	hostnames := false
	for _, e := range d.Block {
		if e.Name == "hostnames" && len(e.Args) == 0 {
			hostnames = true
		}
	}
	hostSource := source == "$host" || source == "${host}"
	hasDefault := false
	var ranked []rankedOption
	for _, e := range d.Block {
		if len(e.Args) == 0 || e.Name == "include" {
			continue // hostnames, volatile
		}
		val := e.Args[0].Value
		var opt model.Value
		if originSource && (val == "$http_origin" || isCapture(val) && wholeCapture(e.Name, val)) {
			opt = model.Value{Kind: model.Reflected, Raw: val, Var: "$http_origin", Span: e.Args[0].Span}
		} else {
			opt = l.valueNoScope(val, e.Args[0].Span)
		}
		switch {
		case e.Name == "default" && e.NameQuote == 0:
			hasDefault = true
		case originSource:
			m := l.mapMatcher(e, hostnames)
			l.file.Matchers = append(l.file.Matchers, m)
			opt = guardEntry(opt, m)
		case hostSource && opt.Kind != model.Reflected:
			// A host test is no origin allowlist: it guards only values
			// that do not echo the origin, so no rule takes it for one.
			opt = guardEntry(opt, hostMatcher(e, hostnames))
			ranked = append(ranked, rankedOption{opt, mapRank(e.Name, hostnames), len(ranked)})
			continue
		}
		v.Options = append(v.Options, opt)
	}
	v.Options = append(v.Options, byMapPrecedence(ranked)...)
	if !hasDefault {
		v.Options = append(v.Options, model.Value{Kind: model.Empty, Span: d.Span})
	}
	return v
}

func isCapture(s string) bool {
	if len(s) < 2 || s[0] != '$' {
		return false
	}
	_, err := strconv.Atoi(strings.Trim(s[1:], "{}"))
	return err == nil
}

func (l *lowerer) mapMatcher(e *Directive, hostnames bool) *model.Matcher {
	key := e.Name
	m := &model.Matcher{Kind: model.MatchExact, Pattern: key, Exact: []string{key}, CaseInsensitive: true, Hostnames: hostnames, Span: e.Span, Raw: e.NameRaw}
	switch {
	case strings.HasPrefix(key, "~*"):
		m = &model.Matcher{Kind: model.MatchRegex, Pattern: key[2:], CaseInsensitive: true, Span: e.Span, Raw: e.NameRaw}
	case strings.HasPrefix(key, "~"):
		m = &model.Matcher{Kind: model.MatchRegex, Pattern: key[1:], Span: e.Span, Raw: e.NameRaw}
	case strings.HasPrefix(key, "\\"):
		m.Pattern, m.Exact = key[1:], []string{key[1:]}
	}
	return m
}

// condition lowers an if block's condition, once per block.
func (l *lowerer) conditionOf(d *Directive) *model.Condition {
	if c, ok := l.conds[d]; ok {
		return c
	}
	c := &model.Condition{Text: argsText(d), Span: d.Span}
	l.conds[d] = c
	if len(d.Args) == 0 {
		return c
	}
	subject, op, operand := d.Arg(0), d.Arg(1), d.Arg(2)
	negated := strings.HasPrefix(op, "!")
	c.Negated = negated
	switch subject {
	case "$request_method":
		c.Methods = methodsMatching(strings.TrimPrefix(op, "!"), operand)
	case "$request_uri", "${request_uri}":
		// the path and query as the request sent them
		switch strings.TrimPrefix(op, "!") {
		case "~", "~*":
			if len(d.Args) == 3 && !hasVariable(operand) {
				c.URL = &model.PathMatch{Kind: model.PathRegex, Pattern: operand, CaseInsensitive: strings.HasSuffix(op, "*")}
			}
		case "=":
			if len(d.Args) == 3 && !hasVariable(operand) {
				c.URL = &model.PathMatch{Kind: model.PathExact, Pattern: operand}
			}
		}
	case "$host", "${host}":
		if len(d.Args) == 3 && !hasVariable(operand) {
			switch strings.TrimPrefix(op, "!") {
			case "~", "~*":
				c.Host = &model.Matcher{Kind: model.MatchRegex, Pattern: operand, CaseInsensitive: strings.HasSuffix(op, "*"), Span: d.Args[2].Span, Raw: d.Args[2].Raw}
			case "=":
				c.Host = &model.Matcher{Kind: model.MatchExact, Pattern: operand, Exact: []string{operand}, Span: d.Args[2].Span, Raw: d.Args[2].Raw}
			}
		}
	case "$http_origin":
		if len(d.Args) == 1 {
			// if ($http_origin): true when the request has a non-empty
			// Origin (nginx takes "" and "0" as false, and no browser
			// sends "0"). A presence test, not an allowlist, so no rule
			// probes it.
			c.Origin = &model.Matcher{Kind: model.MatchRegex, Pattern: "^.+$", Span: d.Args[0].Span, Raw: d.Args[0].Raw}
			break
		}
		if len(d.Args) < 3 {
			break // nginx rejects an operator without operand
		}
		var m *model.Matcher
		switch strings.TrimPrefix(op, "!") {
		case "~":
			m = &model.Matcher{Kind: model.MatchRegex, Pattern: operand, Span: d.Args[2].Span, Raw: d.Args[2].Raw}
		case "~*":
			m = &model.Matcher{Kind: model.MatchRegex, Pattern: operand, CaseInsensitive: true, Span: d.Args[2].Span, Raw: d.Args[2].Raw}
		case "=":
			m = &model.Matcher{Kind: model.MatchExact, Pattern: operand, Exact: []string{operand}, Span: d.Args[2].Span, Raw: d.Args[2].Raw}
		}
		if m != nil && hasVariable(operand) {
			m.Dynamic = true
		}
		if m != nil {
			c.Origin = m
			l.file.Matchers = append(l.file.Matchers, m)
			if !negated {
				l.condGuards[c] = []*model.Matcher{m}
			}
		}
	default:
		// if ($cors = "true") where $cors was set inside an origin check:
		// that check guards this block too.
		if name, ok := soleVariable(subject); ok && !negated && (op == "" || op == "=") {
			var guards []*model.Matcher
			all := true
			for _, sd := range l.sets[name] {
				val := sd.d.Arg(1)
				if op == "=" && val != operand || op == "" && (val == "" || val == "0") {
					continue
				}
				if l.elsewhere(sd, d) {
					continue // its location's rewrite phase does not run for this if
				}
				g, conditional := l.parentGuards(sd.parents)
				if !conditional || len(g) == 0 {
					all = false
				}
				guards = append(guards, g...)
			}
			if all && len(guards) > 0 {
				// the block runs where any of the checks that set the
				// flag accepts the Origin
				if m := anyOf(guards, c); m != nil {
					c.Origin = m
					l.condGuards[c] = guards
				}
			}
		}
		if name, ok := soleVariable(subject); ok && c.Origin == nil && (op == "" || op == "=" || op == "!=") {
			switch {
			case l.flagCondition(c, d, name, op, operand):
			case l.mapTest(c, name, op, operand):
			case l.mapAlways(name, op, operand):
				c.Always = true // every value of the map, its default included, is non-empty
			}
		}
	}
	return c
}

// methodsMatching lists the standard methods a $request_method test admits.
func methodsMatching(op, operand string) []string {
	switch op {
	case "=":
		return []string{strings.ToUpper(operand)}
	case "~", "~*":
		re, err := pcre.Compile(operand, op == "~*")
		if err != nil {
			return nil
		}
		var out []string
		for _, m := range standardMethods {
			if ok, _ := re.MatchString(m); ok {
				out = append(out, m)
			}
		}
		return out
	}
	return nil
}

func sortedKeys(m map[string]*Directive) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	// source order, so matchers are reported in the order written
	for i := 1; i < len(keys); i++ {
		for j := i; j > 0 && m[keys[j]].Span.Before(m[keys[j-1]].Span); j-- {
			keys[j], keys[j-1] = keys[j-1], keys[j]
		}
	}
	return keys
}

// errorPagesFor returns the statuses an error_page replaces on responses
// produced in s: a block's own error_page directives replace all it
// inherits, and a proxied response is replaced only with
// proxy_intercept_errors on.
func (l *lowerer) errorPagesFor(s *model.Scope, source model.Source) []int {
	if source == model.FromUpstream {
		on := false
		for c := s; c != nil; c = c.Parent {
			if v, ok := l.intercept[c]; ok {
				on = v
				break
			}
		}
		if !on {
			return nil
		}
	}
	for c := s; c != nil; c = c.Parent {
		if codes, ok := l.errorPages[c]; ok {
			return codes
		}
	}
	return nil
}
