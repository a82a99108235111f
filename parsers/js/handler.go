package js

import (
	"strconv"
	"strings"

	"github.com/corslint/corslint/model"
)

// handler is a request handler or middleware written in code, as its
// headers and answers were read.
type handler struct {
	l   *lowerer
	s   *model.Scope
	req string // the request parameter's name ("req")
	res string // the response parameter's name ("res")
	// koa: one context parameter is both (ctx.get, ctx.set, ctx.status).
	koa bool
	// fw is the framework of a route handler: "" for Express (and
	// Node's own servers), fwFastify (request, reply) or fwHono (c).
	fw    string
	conds []*cond
	// ops set on the way to next(), in order.
	pass []*model.HeaderOp
	// preflight is set when a branch taken only by OPTIONS ends the
	// response; answer when the handler ends it unconditionally.
	preflight, answer *answer
	// async: the function is async, so what it throws rejects a promise
	// instead of reaching the framework synchronously.
	async bool
	// thrown is the error a synchronous handler throws unconditionally
	// before ending the response; its status is what Express's error
	// handler answers (0 when the code does not show it).
	thrown *answer
	// next is Express's next parameter; fail is the Error the handler
	// passes to it (next(new Error(...))), and when.
	next string
	fail *failure
	// failures are the answers given only when something fails.
	failures []*answer
}

// cond is one active condition while reading a handler's statements.
type cond struct {
	c       *model.Condition
	origin  *model.Matcher // the allowlist a true condition passed
	methods []string       // the methods that reach here, when tested
}

// handlerOf reads a function (req, res, next) => { ... } in scope s.
func (l *lowerer) handlerOf(fn *Node, s *model.Scope) *handler {
	return l.handlerIn(fn, s, "")
}

// handlerIn reads a handler of framework fw (see handler.fw).
func (l *lowerer) handlerIn(fn *Node, s *model.Scope, fw string) *handler {
	h := &handler{l: l, s: s, fw: fw, async: fn.End-fn.Start > 5 && fn.Start >= 0 && fn.End <= len(l.t.Src) && string(l.t.Src[fn.Start:fn.Start+5]) == "async"}
	var names []string
	if p := fn.Child("parameter"); p != nil {
		names = append(names, l.t.Text(p))
	}
	for _, p := range fn.Child("parameters").Named() {
		if pat := p.Child("pattern"); pat != nil {
			p = pat
		}
		names = append(names, l.t.Text(p))
	}
	if len(names) > 0 {
		h.req = names[0]
	}
	if len(names) > 1 {
		h.res = names[1]
	}
	if len(names) > 2 && fw == "" {
		h.next = names[2]
	}
	if fw == fwHono || fw == fwKoa {
		h.res = h.req // c.header, c.json; ctx.set, ctx.body
		h.koa = fw == fwKoa
	}
	body := fn.Child("body")
	if body == nil {
		return h
	}
	if body.Type == "statement_block" {
		h.block(body.Named(), 0)
	} else {
		h.expr(body, 0) // (req, res) => res.json(...)
	}
	return h
}

// block reads statements in order; it reports whether they always end
// the response or return.
func (h *handler) block(stmts []*Node, depth int) bool {
	if depth > maxDepth {
		return false
	}
	mark := len(h.conds)
	defer func() { h.conds = h.conds[:mark] }()
	for _, st := range stmts {
		if h.stmt(st, depth) {
			return true
		}
	}
	return false
}

// stmt reads one statement; true when it always returns.
func (h *handler) stmt(st *Node, depth int) bool {
	switch st.Type {
	case "expression_statement":
		for _, e := range st.Named() {
			if h.expr(e, depth) {
				return false // ended, but code after a res.end() still runs
			}
		}
	case "return_statement":
		for _, e := range st.Named() {
			if h.fw == fwHono && h.answer == nil && len(h.conds) == 0 && h.ownResponse(e) {
				continue
			}
			h.expr(e, depth)
		}
		return true
	case "statement_block":
		return h.block(st.Named(), depth+1)
	case "if_statement":
		c := h.condition(st.Child("condition"))
		h.conds = append(h.conds, c)
		mark := len(h.pass)
		thenEnds := h.branch(st.Child("consequence"), depth, c)
		thenEnd := len(h.pass)
		h.conds = h.conds[:len(h.conds)-1]
		elseEnds := false
		if alt := st.Child("alternative"); alt != nil {
			nc := h.negate(c)
			h.conds = append(h.conds, nc)
			elseEnds = h.branch(alt, depth, nc)
			h.conds = h.conds[:len(h.conds)-1]
		}
		if thenEnds && !elseEnds {
			// Past an if whose branch returns, its condition is false.
			h.conds = append(h.conds, h.negate(c))
			if c.methods != nil && hasMethod(c.methods, "OPTIONS") {
				// The branch's headers went to the preflight answer; the
				// else branch's stay.
				h.pass = append(h.pass[:mark], h.pass[thenEnd:]...)
			}
		}
		return thenEnds && elseEnds
	case "try_statement":
		if depth > maxDepth {
			return false
		}
		stmts := st.Child("body").Named()
		thrown := h.l.firstThrowing(stmts, h.req, h.res)
		ran := -1 // the headers set before anything that can throw
		mark, ends := len(h.conds), false
		for i, s := range stmts {
			if i == thrown {
				ran = len(h.pass)
			}
			if h.stmt(s, depth+1) {
				ends = true
				break
			}
		}
		h.conds = h.conds[:mark]
		if ran < 0 {
			ran = len(h.pass)
		}
		if c := st.Child("handler"); c != nil && h.fw == "" {
			// The catch block runs only when the try block throws: what
			// it answers is a failure's answer, with the headers set
			// before the first statement that can throw.
			fc := &cond{c: &model.Condition{Text: "the try block at " + h.l.t.Span(st).String() + " throws", Failure: true, Span: h.l.t.Span(c)}}
			all := h.pass
			h.pass = h.pass[:ran:ran]
			h.conds = append(h.conds, fc)
			h.branch(c.Child("body"), depth+1, fc)
			h.conds = h.conds[:len(h.conds)-1]
			h.pass = all
		}
		return ends
	case "throw_statement":
		// Fastify, Hono and Koa catch what an async handler throws;
		// Express 4 does not, and the rejected promise answers nothing.
		if h.answer == nil && h.thrown == nil && len(h.conds) == 0 && (!h.async || h.fw != "") {
			var status int
			if v := st.Named(); len(v) > 0 {
				status = h.l.expressErrorStatus(v[0])
			}
			h.thrown = &answer{status: status, source: model.FromServer, at: h.l.t.Span(st)}
		}
		return true
	case "lexical_declaration", "variable_declaration":
		for _, d := range st.Named() {
			if v := d.Child("value"); v != nil {
				h.expr(v, depth)
			}
		}
	}
	return false
}

// branch reads an if's consequence or alternative; true when it always
// returns or ends the response.
func (h *handler) branch(n *Node, depth int, c *cond) bool {
	if n == nil {
		return false
	}
	if n.Type == "else_clause" {
		kids := n.Named()
		if len(kids) == 0 {
			return false
		}
		n = kids[0]
	}
	before := h.answer
	h.answer = nil
	passMark := len(h.pass)
	var ends bool
	if n.Type == "statement_block" {
		ends = h.block(n.Named(), depth+1)
	} else {
		ends = h.stmt(n, depth+1)
	}
	ended := h.answer
	h.answer = before
	if ended != nil {
		ends = true
		if c.methods != nil && hasMethod(c.methods, "OPTIONS") && h.preflight == nil {
			ended.ops = append(append([]*model.HeaderOp(nil), h.pass...), ended.ops...)
			ended.when = h.originTests()
			h.preflight = ended
		} else if c.c.Header != "" && c.c.Negated && h.preflight == nil && ended.status >= 400 && !h.optionsExcluded() {
			h.preflight = h.l.headerRefusal(c.c, ended, h.pass, h.originTests())
		} else if h.failure(c, ended) {
			h.failures = append(h.failures, ended)
		}
		_ = passMark
	}
	return ends
}

// condition reads an if's test.
func (h *handler) condition(n *Node) *cond {
	l := h.l
	c := &cond{c: &model.Condition{Text: l.t.Raw(n), Span: l.t.Span(n)}}
	if m, neg, ok := l.originTest(n, h.isOrigin); ok {
		c.c.Origin, c.c.Negated = m, neg
		if !neg {
			c.origin = m
		}
		return c
	}
	if ms, neg, ok := l.methodTest(n, h.isMethod); ok {
		c.c.Methods, c.c.Negated = ms, neg
		if !neg {
			c.methods = ms
		}
		return c
	}
	if name, neg, ok := h.headerTest(n); ok {
		c.c.Header, c.c.Negated = name, neg
	}
	return c
}

func (h *handler) negate(c *cond) *cond {
	nc := &cond{c: &model.Condition{Text: "!(" + c.c.Text + ")", Origin: c.c.Origin, Methods: c.c.Methods, Header: c.c.Header, Failure: c.c.Failure, Negated: !c.c.Negated, Span: c.c.Span}}
	if nc.c.Origin != nil && !nc.c.Negated {
		nc.origin = nc.c.Origin
	}
	return nc
}

// isOrigin reports whether an expression holds the request's Origin:
// req.headers.origin, req.get('origin'), req.header('Origin'),
// req.headers['origin'], or a name bound to one of them.
func (h *handler) isOrigin(n *Node) bool {
	l := h.l
	for i := 0; n != nil && i < 4; i++ {
		n = l.unparen(n)
		if n == nil {
			return false
		}
		switch n.Type {
		case "member_expression", "subscript_expression":
			p := strings.ToLower(l.path(n))
			r := strings.ToLower(h.req)
			return h.req != "" && (p == r+".headers.origin" || p == r+".header.origin" ||
				h.koa && (p == r+".request.headers.origin" || p == r+".request.header.origin" || p == r+".origin"))
		case "call_expression":
			obj, m := l.method(n)
			if obj == nil || l.path(obj) != h.req && l.path(obj) != h.req+".headers" && !(h.koa && l.path(obj) == h.req+".request") &&
				!(h.fw == fwHono && l.path(obj) == h.req+".req") {
				return false
			}
			if h.fw == fwHono && l.path(obj) == h.req {
				return false // c.header sets a response header
			}
			if m == "get" || m == "header" {
				if as := args(n); len(as) > 0 {
					s, _ := l.str(as[0])
					return strings.EqualFold(s, "origin")
				}
			}
			return false
		case "binary_expression":
			// origin || '' keeps the origin.
			if op := l.t.Text(n.Child("operator")); op == "||" || op == "??" {
				n = n.Child("left")
				continue
			}
			return false
		case "identifier":
			bs := l.bindings[l.t.Text(n)]
			if len(bs) != 1 {
				return false
			}
			n = bs[0]
			continue
		}
		return false
	}
	return false
}

func (h *handler) isMethod(n *Node) bool {
	if h.req == "" {
		return false
	}
	switch h.l.path(h.l.unparen(n)) {
	case h.req + ".method":
		return true
	case h.req + ".request.method":
		return h.koa
	case h.req + ".req.method":
		return h.fw == fwHono
	case h.req + ".httpMethod", h.req + ".requestContext.http.method":
		// A Lambda event: REST API (payload 1.0) and HTTP API (2.0).
		return true
	}
	return false
}

// expr reads an expression statement: header calls on the response and
// the calls that end it. It reports whether the response was ended.
func (h *handler) expr(n *Node, depth int) bool {
	l := h.l
	n = l.unparen(n)
	if n == nil || depth > maxDepth {
		return false
	}
	switch n.Type {
	case "await_expression", "sequence_expression":
		ended := false
		for _, k := range n.Named() {
			ended = h.expr(k, depth+1) || ended
		}
		return ended
	case "ternary_expression":
		h.expr(n.Child("consequence"), depth+1)
		h.expr(n.Child("alternative"), depth+1)
		return false
	case "binary_expression":
		h.expr(n.Child("right"), depth+1)
		return false
	case "assignment_expression":
		// Koa: ctx.body = ... ends the response, 200 unless a status
		// was set.
		if h.koa && l.path(n.Child("left")) == h.res+".body" {
			if h.answer == nil {
				h.answer = &answer{source: model.FromHandler, at: l.t.Span(n)}
			}
			return true
		}
		// Koa: ctx.status = 204 decides the response's status.
		if h.koa && l.path(n.Child("left")) == h.res+".status" {
			status, _ := strconv.Atoi(l.t.Text(n.Child("right")))
			if h.answer != nil {
				h.answer.status, h.answer.source = status, model.FromServer
			} else {
				h.answer = &answer{status: status, source: model.FromServer, at: l.t.Span(n)}
			}
			return true
		}
		return false
	case "call_expression":
		if h.nextErr(n) {
			return true
		}
	default:
		return false
	}
	// A chain res.status(204).set(...).end(): read from the inside out.
	var chain []*Node
	for c := n; c != nil && c.Type == "call_expression"; {
		chain = append([]*Node{c}, chain...)
		fn := c.Child("function")
		if fn == nil || fn.Type != "member_expression" {
			break
		}
		c = l.unparen(fn.Child("object"))
	}
	root := n
	if len(chain) > 0 {
		if fn := chain[0].Child("function"); fn != nil && fn.Type == "member_expression" {
			root = l.unparen(fn.Child("object"))
		}
	}
	if h.res == "" || l.path(root) != h.res {
		return false
	}
	status := 0
	ended := false
	var ops []*model.HeaderOp
	for _, c := range chain {
		_, m := l.method(c)
		as := args(c)
		switch m {
		case "setHeader", "header", "set", "append", "headers":
			if h.koa && m == "header" || m == "headers" && h.fw != fwFastify {
				continue
			}
			o := model.Set
			if m == "append" || h.fw == fwHono && len(as) > 2 && strings.Contains(l.t.Text(as[2]), "append: true") {
				o = model.Add // Hono: c.header(name, value, { append: true })
			}
			if h.fw == fwHono && len(as) > 2 {
				as = as[:2]
			}
			ops = append(ops, h.headerCall(c, o, as)...)
		case "vary":
			if len(as) > 0 {
				ops = append(ops, l.op(h.s, model.Vary, model.Merge, h.value(as[0], 0), c, h.when()))
			}
		case "writeHead":
			if len(as) > 0 {
				status, _ = strconv.Atoi(l.t.Text(as[0]))
			}
			for i, a := range as {
				if obj, ok := l.object(a); ok && i > 0 {
					for _, p := range obj {
						ops = append(ops, l.op(h.s, p.key, model.Set, h.value(p.value, 0), p.kn, h.when()))
					}
				}
			}
			ended = true
		case "status", "code":
			if len(as) > 0 && (m == "status" || h.fw == fwFastify) {
				status, _ = strconv.Atoi(l.t.Text(as[0]))
			}
		case "sendStatus":
			if len(as) > 0 {
				status, _ = strconv.Atoi(l.t.Text(as[0]))
			}
			ended = true
		case "end", "send", "json", "jsonp", "sendFile", "redirect", "render", "download":
			ended = true
			if h.fw == fwHono && m == "json" && len(as) > 1 {
				status, _ = strconv.Atoi(l.t.Text(as[1])) // c.json(body, status)
			}
		case "text", "body", "html", "newResponse", "notFound":
			// Hono's Context ends with what the handler returns;
			// c.body(null, 204) and c.text(s, status) set the status.
			if h.fw != fwHono {
				continue
			}
			ended = true
			if len(as) > 1 {
				status, _ = strconv.Atoi(l.t.Text(as[1]))
			}
			if m == "notFound" {
				status = 404
			}
		}
	}
	if ended {
		if an := h.answer; an != nil {
			// res.writeHead(204, {...}) then res.end(): one response.
			an.ops = append(an.ops, ops...)
			if status != 0 {
				an.status, an.source = status, model.FromServer
			}
			return true
		}
		an := &answer{status: status, source: model.FromHandler, ops: ops, at: l.t.Span(n)}
		if status != 0 {
			an.source = model.FromServer
		}
		h.answer = an
		return true
	}
	h.pass = append(h.pass, ops...)
	return false
}

// headerCall reads res.setHeader(name, value), res.set({...}) and their
// kin.
func (h *handler) headerCall(c *Node, o model.Op, as []*Node) []*model.HeaderOp {
	l := h.l
	if len(as) == 1 {
		obj, ok := l.object(as[0])
		if !ok {
			return nil
		}
		var out []*model.HeaderOp
		for _, p := range obj {
			out = append(out, l.op(h.s, p.key, o, h.value(p.value, 0), p.kn, h.when()))
		}
		return out
	}
	if len(as) < 2 {
		return nil
	}
	name, ok := l.str(as[0])
	if !ok {
		return nil
	}
	return []*model.HeaderOp{l.op(h.s, name, o, h.value(as[1], 0), c, h.when())}
}

// when is the condition a statement runs under: the innermost active
// one, with the allowlist and methods of the outer ones folded in.
func (h *handler) when() *model.Condition {
	if len(h.conds) == 0 {
		return nil
	}
	c := *h.conds[len(h.conds)-1].c
	for _, o := range h.conds {
		// One Condition has one Negated for its tests: an outer test of
		// the other sense (the allowlist of if (!ok) {...} else if
		// (req.method !== 'OPTIONS')) is chained with its own.
		switch {
		case o.c.Origin == nil || o.c.Origin == c.Origin:
		case c.Origin == nil && (c.Methods == nil || c.Negated == o.c.Negated):
			c.Origin, c.Negated = o.c.Origin, o.c.Negated
		default:
			c.And = &model.Condition{Text: o.c.Text, Origin: o.c.Origin, Negated: o.c.Negated, Span: o.c.Span, And: c.And}
		}
		switch {
		case o.methods == nil || c.Methods != nil && !c.Negated:
		case c.Methods == nil && (c.Origin == nil || !c.Negated):
			c.Methods = o.methods
		default:
			c.And = &model.Condition{Text: o.c.Text, Methods: o.methods, Span: o.c.Span, And: c.And}
		}
	}
	return &c
}

// originTests are the active conditions' origin tests, chained with
// And; nil when none tests the origin, or when one is an allowlist known
// only at run time (the answer is then taken for every origin, and the
// value it guards says what is undecidable).
func (h *handler) originTests() *model.Condition {
	var out *model.Condition
	for i := len(h.conds) - 1; i >= 0; i-- {
		c := h.conds[i].c
		if c.Origin == nil {
			continue
		}
		if c.Origin.Dynamic {
			return nil
		}
		out = &model.Condition{Text: c.Text, Origin: c.Origin, Negated: c.Negated, Span: c.Span, And: out}
	}
	return out
}

// guards are the allowlists the active conditions passed.
func (h *handler) guards() []*model.Matcher {
	var out []*model.Matcher
	for _, c := range h.conds {
		if c.origin != nil {
			out = append(out, c.origin)
		}
	}
	return out
}

// value reads a header value expression.
func (h *handler) value(n *Node, depth int) model.Value {
	l := h.l
	at := l.t.Span(n)
	if n == nil || depth > 8 {
		return model.Value{Kind: model.Unknown, Span: at}
	}
	if h.isOrigin(n) {
		return dynamicGuard(model.Value{Kind: model.Reflected, Raw: l.t.Raw(n), Var: l.t.Raw(n), Guards: h.guards(), Span: at})
	}
	if name := h.requestHeader(n); name == "Access-Control-Request-Headers" {
		// A hand-written echo of what the preflight asks for, as cors
		// does when allowedHeaders is unset.
		return model.Value{Kind: model.RequestHeader, Raw: l.t.Raw(n), Var: name, Span: at}
	}
	r := l.resolve(n)
	if r == nil {
		return model.Value{Kind: model.Unknown, Span: at}
	}
	if s, ok := l.str(r); ok {
		return model.LiteralValue(s, at)
	}
	switch r.Type {
	case "number", "true", "false":
		return model.LiteralValue(l.t.Text(r), at)
	case "array":
		return l.listValue(r)
	case "ternary_expression":
		c := h.condition(r.Child("condition"))
		h.conds = append(h.conds, c)
		a := h.value(r.Child("consequence"), depth+1)
		h.conds[len(h.conds)-1] = h.negate(c)
		b := h.value(r.Child("alternative"), depth+1)
		h.conds = h.conds[:len(h.conds)-1]
		return model.Value{Kind: model.Variable, Raw: l.t.Raw(n), Options: []model.Value{a, b}, Span: at}
	case "binary_expression":
		if op := l.t.Text(r.Child("operator")); op == "||" || op == "??" {
			a := h.value(r.Child("left"), depth+1)
			b := h.value(r.Child("right"), depth+1)
			return model.Value{Kind: model.Variable, Raw: l.t.Raw(n), Options: []model.Value{a, b}, Span: at}
		}
	case "call_expression":
		if obj, m := l.method(r); m == "join" && obj != nil {
			if v := l.listValue(obj); v.Kind != model.Unknown {
				sep := ","
				if as := args(r); len(as) > 0 {
					sep, _ = l.str(as[0])
				}
				if v.Kind == model.Literal {
					return model.LiteralValue(strings.ReplaceAll(v.Text, ",", sep), at)
				}
			}
		}
	}
	raw := l.t.Raw(n)
	v := model.Value{Kind: model.Unknown, Raw: raw, Span: at}
	if strings.Contains(raw, "process.env") {
		v.Note = "the value comes from the environment (" + raw + "), so it is undecidable here"
	}
	return v
}
