package js

import (
	"strconv"
	"strings"

	"github.com/corslint/corslint/model"
)

// corsLib describes one CORS middleware package: its option names and
// what it does when an option is left out. The option semantics are
// read from each package's source (cors 2.8.5 lib/index.js and the
// others named on each value).
type corsLib struct {
	name string // for messages: "cors", "@fastify/cors"
	// option names
	origin, credentials, methods, allowHeaders, exposeHeaders, maxAge string
	// altAllowHeaders is a second name for allowHeaders (cors: headers).
	altAllowHeaders string
	// defaultOrigin: "*" sends *, "reflect" echoes the request's Origin.
	defaultOrigin  string
	defaultMethods string
	// reflectHeaders: with no allowed headers listed, the request's
	// Access-Control-Request-Headers is echoed (with Vary).
	reflectHeaders bool
	// exposeOnPreflight: the exposed headers are sent on preflights too.
	exposeOnPreflight bool
	// preflightContinue names the option that passes preflights on.
	preflightContinue string
	successStatus     string // option name of the preflight status
	defaultStatus     int
	// varyOnFixed: a fixed origin other than * also sends Vary: Origin.
	varyOnFixed bool
	// varyAlways: Vary: Origin is sent whatever the origin option
	// (@koa/cors).
	varyAlways bool
	// starCredentialsReflect: with credentials on, an origin of * is
	// replaced by the request's Origin (@koa/cors).
	starCredentialsReflect bool
	// fixedIsTest: an origin string other than * is sent only to a
	// request whose Origin equals it (hono/cors 4.13: optsOrigin ===
	// origin ? origin : null).
	fixedIsTest bool
	// methodSep joins an array of methods or headers.
	methodSep string
	// skipsRefused: when an origin function refuses, the middleware sets
	// nothing and passes the request on, preflights included (cors
	// 2.8.5 calls next() when the callback gives no origin).
	skipsRefused bool
	// credentialsExact: credentials are on only when the option is the
	// boolean true, so a string such as 'true' sends nothing (cors 2.8.5
	// configureCredentials tests options.credentials === true).
	credentialsExact bool
}

// corsPackage is Express's cors 2.8.5 (also NestJS's enableCors).
var corsPackage = &corsLib{
	name: "cors", origin: "origin", credentials: "credentials", methods: "methods",
	allowHeaders: "allowedHeaders", altAllowHeaders: "headers", exposeHeaders: "exposedHeaders", maxAge: "maxAge",
	defaultOrigin: "*", defaultMethods: "GET,HEAD,PUT,PATCH,POST,DELETE", reflectHeaders: true, exposeOnPreflight: true,
	preflightContinue: "preflightContinue", successStatus: "optionsSuccessStatus", defaultStatus: 204, varyOnFixed: true,
	methodSep: ",", skipsRefused: true, credentialsExact: true,
}

// fastifyCors is @fastify/cors 11.4.3: no Vary for a fixed origin, lists
// joined with ", ", and GET,HEAD,POST as its default methods (measured
// with Fastify 5.12.8: a PUT's preflight is refused).
var fastifyCors = &corsLib{
	name: "@fastify/cors", origin: "origin", credentials: "credentials", methods: "methods",
	allowHeaders: "allowedHeaders", exposeHeaders: "exposedHeaders", maxAge: "maxAge",
	defaultOrigin: "*", defaultMethods: "GET,HEAD,POST", reflectHeaders: true, exposeOnPreflight: true,
	preflightContinue: "preflightContinue", successStatus: "optionsSuccessStatus", defaultStatus: 204,
	methodSep: ", ",
}

// koaCors is @koa/cors 5: Vary: Origin always, and * with credentials
// echoes the request's Origin.
var koaCors = &corsLib{
	name: "@koa/cors", origin: "origin", credentials: "credentials", methods: "allowMethods",
	allowHeaders: "allowHeaders", exposeHeaders: "exposeHeaders", maxAge: "maxAge",
	defaultOrigin: "*", defaultMethods: "GET,HEAD,PUT,POST,DELETE,PATCH", reflectHeaders: true,
	defaultStatus: 204, varyAlways: true, starCredentialsReflect: true, methodSep: ",",
}

// honoCors is Hono 4.13's cors middleware: a string or a list sends the
// request's Origin only when it is the string or in the list, and
// nothing to other origins (older Hono 4 sent the string, or the list's
// first entry, to every origin); QUERY is among its default methods.
var honoCors = &corsLib{
	name: "hono/cors", origin: "origin", credentials: "credentials", methods: "allowMethods",
	allowHeaders: "allowHeaders", exposeHeaders: "exposeHeaders", maxAge: "maxAge",
	defaultOrigin: "*", defaultMethods: "GET,HEAD,PUT,POST,DELETE,PATCH,QUERY", reflectHeaders: true, exposeOnPreflight: true,
	defaultStatus: 204, varyOnFixed: true, fixedIsTest: true, methodSep: ",",
}

// corsHeaders are the statements one configuration of a CORS middleware
// produces, for preflights and for other requests.
type corsHeaders struct {
	preflight, actual []*model.HeaderOp
	// off: the middleware sends nothing (cors with origin: false).
	off bool
	// answers: the middleware ends preflights itself with status.
	answers bool
	status  int
	// when, if set, is the origin test everything above depends on: the
	// middleware does nothing for the origins it refuses.
	when *model.Condition
}

// corsConfig lowers a CORS middleware's options (an object literal, or
// nil for none) in scope s. call is the middleware call, where findings
// about defaults point.
func (l *lowerer) corsConfig(lib *corsLib, s *model.Scope, call, opts *Node) *corsHeaders {
	h := &corsHeaders{answers: true, status: lib.defaultStatus}
	var props []property
	if opts != nil {
		p, ok := l.object(opts)
		if !ok {
			// Options from a function or another module: undecidable.
			v := model.Value{Kind: model.Unknown, Raw: l.t.Raw(opts), Note: "the options are computed at run time (" + l.t.Raw(opts) + "), so what " + lib.name + " sends is undecidable here"}
			o := l.op(s, model.ACAO, model.Set, v, opts, nil)
			h.preflight, h.actual = []*model.HeaderOp{o}, []*model.HeaderOp{o}
			return h
		}
		props = p
	}
	add := func(pre, act bool, o *model.HeaderOp) {
		if o == nil {
			return
		}
		if pre {
			h.preflight = append(h.preflight, o)
		}
		if act {
			h.actual = append(h.actual, o)
		}
	}
	// Origin.
	if op := get(props, lib.origin); op == nil {
		creds := get(props, lib.credentials)
		switch {
		case lib.starCredentialsReflect && creds != nil && l.credentialsOn(lib, creds.value):
			v := model.Value{Kind: model.Reflected, Raw: "*", Var: "the request's Origin (" + lib.name + " echoes it for * with credentials)", Span: l.t.Span(creds.kn)}
			add(true, true, l.op(s, model.ACAO, model.Set, v, creds.kn, nil))
			add(true, true, l.op(s, model.Vary, model.Merge, model.LiteralValue("Origin", l.t.Span(call)), call, nil))
		case lib.defaultOrigin == "*":
			add(true, true, l.op(s, model.ACAO, model.Set, model.LiteralValue("*", l.t.Span(call)), call, nil))
			if lib.varyAlways {
				add(true, true, l.op(s, model.Vary, model.Merge, model.LiteralValue("Origin", l.t.Span(call)), call, nil))
			}
		default:
			v := model.Value{Kind: model.Reflected, Raw: "Origin", Var: "the request's Origin (" + lib.name + "'s default)", Span: l.t.Span(call)}
			add(true, true, l.op(s, model.ACAO, model.Set, v, call, nil))
			add(true, true, l.op(s, model.Vary, model.Merge, model.LiteralValue("Origin", l.t.Span(call)), call, nil))
		}
	} else {
		v, vary, off := l.originOption(op.value)
		if off {
			h.off = true
			return h
		}
		if fn := l.resolve(op.value); lib.skipsRefused && isFunction(fn) && v.Kind == model.Reflected && len(v.Guards) == 1 && !l.refusesWithError(fn) {
			h.when = &model.Condition{Text: "the origin function accepts the origin", Origin: v.Guards[0], Span: l.t.Span(op.kn)}
		}
		if lib.fixedIsTest && v.Kind == model.Literal {
			if ms, ok := l.originList(l.resolve(op.value)); ok {
				v = model.Value{Kind: model.Reflected, Raw: v.Raw, Var: "the request's Origin", Guards: ms, Span: v.Span}
			}
		}
		if v.Kind == model.Wildcard && lib.starCredentialsReflect {
			if p := get(props, lib.credentials); p != nil && l.credentialsOn(lib, p.value) {
				v = model.Value{Kind: model.Reflected, Raw: v.Raw, Var: "the request's Origin (" + lib.name + " echoes it for * with credentials)", Span: v.Span}
			}
		}
		add(true, true, l.op(s, model.ACAO, model.Set, v, op.kn, nil))
		if vary || lib.varyAlways || v.Kind != model.Wildcard && lib.varyOnFixed {
			add(true, true, l.op(s, model.Vary, model.Merge, model.LiteralValue("Origin", l.t.Span(op.kn)), op.kn, nil))
		}
	}
	if p := get(props, lib.credentials); p != nil && l.credentialsOn(lib, p.value) {
		add(true, true, l.op(s, model.ACAC, model.Set, model.LiteralValue("true", l.t.Span(p.kn)), p.kn, nil))
	}
	if p := get(props, lib.methods); p != nil {
		add(true, false, l.op(s, model.ACAM, model.Set, l.joined(p.value, lib.methodSep), p.kn, nil))
	} else if lib.defaultMethods != "" {
		add(true, false, l.op(s, model.ACAM, model.Set, model.LiteralValue(lib.defaultMethods, l.t.Span(call)), call, nil))
	}
	// cors reads options.allowedHeaders || options.headers and reflects
	// when both are falsy, '' included.
	unset := func(p *property) bool {
		return p == nil || l.falsy(p.value) || lib == corsPackage && l.emptyString(p.value)
	}
	ah := get(props, lib.allowHeaders)
	if unset(ah) && lib.altAllowHeaders != "" {
		if alt := get(props, lib.altAllowHeaders); alt != nil {
			ah = alt
		}
	}
	switch {
	case !unset(ah):
		if v := l.joined(ah.value, lib.methodSep); v.Kind != model.Empty {
			add(true, false, l.op(s, model.ACAH, model.Set, v, ah.kn, nil))
		}
	case lib.reflectHeaders:
		// Every one of these libraries sends the request's header as it
		// came and nothing when it is absent (cors 2.8.5
		// configureAllowedHeaders, @fastify/cors, @koa/cors, hono/cors).
		v := model.Value{Kind: model.RequestHeader, Raw: "the request's Access-Control-Request-Headers", Var: "Access-Control-Request-Headers",
			Note: lib.name + " echoes the headers the preflight asks for", Span: l.t.Span(call)}
		at := call
		if ah != nil {
			at = ah.kn
		}
		add(true, false, l.op(s, model.ACAH, model.Set, v, at, nil))
		add(true, false, l.op(s, model.Vary, model.Merge, model.LiteralValue("Access-Control-Request-Headers", l.t.Span(at)), at, nil))
	}
	if p := get(props, lib.maxAge); p != nil {
		if v := l.listValue(p.value); v.Kind != model.Empty {
			add(true, false, l.op(s, model.ACMA, model.Set, v, p.kn, nil))
		}
	}
	if p := get(props, lib.exposeHeaders); p != nil {
		if v := l.joined(p.value, lib.methodSep); v.Kind != model.Empty {
			add(lib.exposeOnPreflight, true, l.op(s, model.ACEH, model.Set, v, p.kn, nil))
		}
	}
	if p := get(props, lib.preflightContinue); lib.preflightContinue != "" && p != nil && l.truthy(p.value) {
		h.answers = false
	}
	if p := get(props, lib.successStatus); lib.successStatus != "" && p != nil {
		if n, err := strconv.Atoi(l.t.Text(l.resolve(p.value))); err == nil {
			h.status = n
		}
	}
	if h.when != nil {
		for _, o := range append(append([]*model.HeaderOp(nil), h.preflight...), h.actual...) {
			o.When = h.when
		}
	}
	return h
}

// originOption lowers the origin option of cors (and the libraries that
// copied it): the value sent, whether it varies with Origin, and whether
// the option turns CORS off.
func (l *lowerer) originOption(n *Node) (v model.Value, vary, off bool) {
	at := l.t.Span(n)
	r := l.resolve(n)
	if r == nil {
		return model.Value{Kind: model.Unknown, Span: at}, true, false
	}
	switch r.Type {
	case "true":
		return model.Value{Kind: model.Reflected, Raw: l.t.Text(n), Var: "the request's Origin (origin: true)", Span: at}, true, false
	case "false", "null", "undefined":
		return model.Value{}, false, true
	case "string", "template_string":
		if s, ok := l.str(r); ok {
			if s == "" {
				return model.Value{}, false, true
			}
			return model.LiteralValue(s, at), false, false
		}
	case "regex", "array", "new_expression":
		if ms, ok := l.originList(r); ok {
			return dynamicGuard(model.Value{Kind: model.Reflected, Raw: l.t.Raw(n), Var: "the request's Origin", Guards: ms, Span: at}), true, false
		}
	case "arrow_function", "function_expression", "function", "function_declaration", "method_definition":
		return l.originFunction(r, at), true, false
	}
	return model.Value{Kind: model.Unknown, Raw: l.t.Raw(n), Span: at,
		Note: "the origin comes from " + l.t.Raw(n) + ", which is known only at run time"}, true, false
}

// originList turns a RegExp or an array of strings and RegExps into the
// matchers that accept an origin.
func (l *lowerer) originList(n *Node) ([]*model.Matcher, bool) {
	var exact []string
	var at *Node
	var ms []*model.Matcher
	items := []*Node{n}
	if n.Type == "array" {
		items = n.Named()
	}
	for _, it := range items {
		it = l.resolve(it)
		switch {
		case it == nil:
		case it.Type == "string" || it.Type == "template_string":
			if s, ok := l.str(it); ok {
				exact = append(exact, s)
				if at == nil {
					at = it
				}
				continue
			}
			return nil, false
		case it.Type == "regex" || it.Type == "new_expression":
			m, ok := l.regexMatcher(it)
			if !ok {
				return nil, false
			}
			ms = append(ms, m)
		default:
			return nil, false
		}
	}
	if len(exact) > 0 {
		src := n
		if n.Type != "array" {
			src = at
		}
		ms = append([]*model.Matcher{l.matcher(&model.Matcher{Kind: model.MatchExact, Pattern: strings.Join(exact, " "), Exact: exact, Span: l.t.Span(src), Raw: l.t.Raw(src)})}, ms...)
	}
	return ms, len(ms) > 0
}

// regexMatcher reads /re/flags or new RegExp('re', 'flags') as an origin
// pattern. JavaScript's syntax for the patterns written in allowlists
// (anchors, classes, escapes, groups) is PCRE's.
func (l *lowerer) regexMatcher(n *Node) (*model.Matcher, bool) {
	var pat, flags string
	switch n.Type {
	case "regex":
		pat = l.t.Text(n.Child("pattern"))
		flags = l.t.Text(n.Child("flags"))
	case "new_expression":
		if l.t.Text(n.Child("constructor")) != "RegExp" {
			return nil, false
		}
		as := n.Child("arguments").Named()
		if len(as) == 0 {
			return nil, false
		}
		s, ok := l.str(as[0])
		if !ok {
			return l.matcher(&model.Matcher{Kind: model.MatchRegex, Pattern: l.t.Raw(as[0]), Dynamic: true, Span: l.t.Span(n), Raw: l.t.Raw(n)}), true
		}
		pat = s
		if len(as) > 1 {
			flags, _ = l.str(as[1])
		}
	default:
		return nil, false
	}
	return l.matcher(&model.Matcher{Kind: model.MatchRegex, Pattern: pat, CaseInsensitive: strings.Contains(flags, "i"), Span: l.t.Span(n), Raw: l.t.Raw(n)}), true
}

// originFunction reads an origin: function (origin, callback) { ... }.
// A function that always allows reflects every origin; one whose
// decision is an allowlist test this package reads is guarded by it; any
// other is undecidable, kept as a guard that cannot be probed.
func (l *lowerer) originFunction(fn *Node, at model.Span) model.Value {
	v := model.Value{Kind: model.Reflected, Raw: "origin function", Var: "the request's Origin, as the origin function decides", Span: at}
	params := fn.Child("parameters")
	if params == nil {
		params = fn.Child("parameter")
	}
	var names []string
	for _, p := range params.Named() {
		names = append(names, l.t.Text(p.Child("pattern")), l.t.Text(p))
	}
	if fn.Child("parameter") != nil {
		names = append(names, l.t.Text(fn.Child("parameter")))
	}
	origin := ""
	if len(names) > 0 {
		origin = names[0]
		if origin == "" && len(names) > 1 {
			origin = names[1]
		}
	}
	body := fn.Child("body")
	cb := ""
	if len(names) > 3 {
		cb = names[2] // names holds each parameter's pattern and text
		if cb == "" {
			cb = names[3]
		}
	}
	var guards []*model.Matcher
	decided := true
	conds := 0
	cbCalls, allTrue := 0, true
	walk(body, func(n *Node) bool {
		if n.Type == "call_expression" && cb != "" && l.t.Text(n.Child("function")) == cb {
			cbCalls++
			if as := args(n); len(as) < 2 || l.t.Text(as[1]) != "true" {
				allTrue = false
			}
		}
		return true
	})
	walk(body, func(n *Node) bool {
		switch n.Type {
		case "if_statement", "ternary_expression":
			conds++
			c := n.Child("condition")
			if m, _, ok := l.originTest(c, func(x *Node) bool { return l.t.Text(l.unparen(x)) == origin }); ok {
				guards = append(guards, m)
			} else {
				decided = false
			}
		case "call_expression":
			if obj, m := l.method(n); obj != nil && (m == "includes" || m == "indexOf" || m == "test" || m == "has") && conds == 0 {
				conds++
				if mt, _, ok := l.originTest(n, func(x *Node) bool { return l.t.Text(l.unparen(x)) == origin }); ok {
					guards = append(guards, mt)
				} else {
					decided = false
				}
			}
		}
		return true
	})
	switch {
	case conds == 0 && (cbCalls > 0 && allTrue || l.t.Text(l.unparen(body)) == origin && origin != ""):
		return v // callback(null, true), or (origin) => origin, whatever the origin
	case conds > 0 && decided && len(guards) > 0:
		v.Guards = guards
		return v
	}
	// Neither a verdict nor a guess: the value is unknown, which check
	// reports as undecidable and no rule takes for a reflection.
	return model.Value{Kind: model.Unknown, Raw: "the request's Origin when the origin function allows it", Span: at,
		Note: "undecidable, because the origin function's decision is not an allowlist test corslint reads"}
}

// refusesWithError reports whether an origin function hands its callback
// an error (callback(new Error(...))): cors then passes the error to
// Express instead of passing the request on.
func (l *lowerer) refusesWithError(fn *Node) bool {
	ps := (&lambda{t: l.t}).params(fn)
	if len(ps) < 2 {
		return false
	}
	found := false
	walk(fn.Child("body"), func(n *Node) bool {
		if n.Type == "call_expression" && l.t.Text(n.Child("function")) == ps[1] {
			if as := args(n); len(as) > 0 && !l.unparen(as[0]).Is("null", "undefined") {
				found = true
			}
		}
		return !found
	})
	return found
}

// dynamicGuard returns an unknown value in place of a reflection that an
// allowlist known only at run time guards, or v itself.
func dynamicGuard(v model.Value) model.Value {
	for _, g := range v.Guards {
		if g.Dynamic {
			return model.Value{Kind: model.Unknown, Raw: "the request's Origin when " + g.Raw + " accepts it", Span: v.Span,
				Note: "undecidable, because the allowlist " + g.Pattern + " is known only at run time"}
		}
	}
	return v
}

// listValue is a header value written as a string or an array of strings
// (joined with "," as the middleware does), or a number.
func (l *lowerer) listValue(n *Node) model.Value {
	at := l.t.Span(n)
	r := l.resolve(n)
	if r == nil {
		return model.Value{Kind: model.Unknown, Span: at}
	}
	switch r.Type {
	case "string", "template_string":
		if s, ok := l.str(r); ok {
			return model.LiteralValue(s, at)
		}
	case "number":
		return model.LiteralValue(l.t.Text(r), at)
	case "array":
		var parts []string
		for _, it := range r.Named() {
			s, ok := l.str(it)
			if !ok {
				return model.Value{Kind: model.Unknown, Raw: l.t.Raw(n), Span: at}
			}
			parts = append(parts, s)
		}
		return model.LiteralValue(strings.Join(parts, ","), at)
	}
	return model.Value{Kind: model.Unknown, Raw: l.t.Raw(n), Span: at}
}

func (l *lowerer) truthy(n *Node) bool {
	r := l.resolve(n)
	if r == nil {
		return false
	}
	switch r.Type {
	case "true":
		return true
	case "number":
		return l.t.Text(r) != "0"
	case "string":
		s, _ := l.str(r)
		return s != ""
	}
	return false
}

// credentialsOn reports whether the credentials option n makes lib send
// Access-Control-Allow-Credentials.
func (l *lowerer) credentialsOn(lib *corsLib, n *Node) bool {
	if lib.credentialsExact {
		r := l.resolve(n)
		return r != nil && r.Type == "true"
	}
	return l.truthy(n)
}

// emptyString reports whether n is the empty string.
func (l *lowerer) emptyString(n *Node) bool {
	s, ok := l.str(n)
	return ok && s == ""
}

func (l *lowerer) falsy(n *Node) bool {
	r := l.resolve(n)
	return r != nil && r.Is("false", "null", "undefined")
}

func (l *lowerer) unparen(n *Node) *Node {
	for n != nil && n.Is("parenthesized_expression", "non_null_expression", "as_expression") {
		k := n.Named()
		if len(k) == 0 {
			break
		}
		n = k[0]
	}
	return n
}

// walk calls fn on n and its descendants, depth first, while fn returns
// true, down to maxDepth.
func walk(n *Node, fn func(*Node) bool) {
	var rec func(n *Node, d int)
	rec = func(n *Node, d int) {
		if n == nil || d > maxDepth || !fn(n) {
			return
		}
		for _, k := range n.Kids {
			rec(k, d+1)
		}
	}
	rec(n, 0)
}

// joined is a list option as the middleware sends it: an array joined
// with sep.
func (l *lowerer) joined(n *Node, sep string) model.Value {
	v := l.listValue(n)
	if r := l.resolve(n); r != nil && r.Type == "array" && v.Kind == model.Literal && sep != "," {
		return model.LiteralValue(strings.ReplaceAll(v.Text, ",", sep), v.Span)
	}
	return v
}
