package js

import (
	"slices"
	"strconv"
	"strings"

	"github.com/corslint/corslint/model"
)

// worker is Cloudflare Workers: the fetch handler of a module Worker
// (export default { fetch(request, env, ctx) { ... } }) or of a service
// worker (addEventListener('fetch', event => event.respondWith(...))).
// Every response it returns is one response of the Worker's scope: the
// ones it builds (new Response, Response.json, Response.redirect) with
// the headers of their init, and the ones it proxies from fetch(), with
// the headers it sets on the copy. A Worker that proxies is an edge layer
// in front of its origin.
type worker struct{}

func (worker) lower(l *lowerer) {
	for _, fh := range l.fetchHandlers() {
		l.lowerWorker(fh)
	}
}

// fetchHandler is a Worker's fetch handler: the function, the name its
// request goes by, and, for a service worker that answers with an
// expression, that expression.
type fetchHandler struct {
	fn      *Node
	req     string
	respond *Node // event.respondWith's argument, when not a handler call
}

// fetchHandlers finds the fetch handlers of the file.
func (l *lowerer) fetchHandlers() []fetchHandler {
	var out []fetchHandler
	for _, st := range l.t.Root.Kids {
		if st.Is("export_statement") {
			obj := l.resolve(st.Child("value"))
			if !obj.Is("object") {
				continue
			}
			if fn := l.fetchMethod(obj); fn != nil {
				out = append(out, fetchHandler{fn: fn, req: firstParam(l, fn)})
			}
		}
	}
	for _, c := range l.calls {
		if fh, ok := l.serviceWorker(c); ok {
			out = append(out, fh)
		}
	}
	return out
}

// fetchMethod returns the fetch method of a module Worker's default
// export.
func (l *lowerer) fetchMethod(obj *Node) *Node {
	for _, p := range obj.Named() {
		switch p.Type {
		case "method_definition":
			if l.t.Text(p.Child("name")) == "fetch" {
				return p
			}
		case "pair":
			if k, _ := l.str(p.Child("key")); k == "fetch" || l.t.Text(p.Child("key")) == "fetch" {
				if fn := l.resolve(p.Child("value")); isFunction(fn) {
					return fn
				}
			}
		case "shorthand_property_identifier":
			if l.t.Text(p) == "fetch" {
				if fn := l.resolve(p); isFunction(fn) {
					return fn
				}
			}
		}
	}
	return nil
}

// serviceWorker reads addEventListener('fetch', listener): the handler
// its respondWith calls, or the listener answering with an expression.
func (l *lowerer) serviceWorker(c *Node) (fetchHandler, bool) {
	if t := l.t.Text(c.Child("function")); t != "addEventListener" && t != "self.addEventListener" {
		return fetchHandler{}, false
	}
	as := args(c)
	if len(as) < 2 {
		return fetchHandler{}, false
	}
	if ev, ok := l.str(as[0]); !ok || ev != "fetch" {
		return fetchHandler{}, false
	}
	listener := l.resolve(as[1])
	if !isFunction(listener) {
		return fetchHandler{}, false
	}
	event := firstParam(l, listener)
	req := event + ".request"
	calls := 0
	var only *Node // the one respondWith argument
	walk(listener.Child("body"), func(n *Node) bool {
		switch {
		case n.Is("variable_declarator") && l.path(n.Child("value")) == event+".request":
			req = l.t.Text(n.Child("name")) // const request = event.request
		case n.Is("call_expression"):
			if _, m := l.method(n); m == "respondWith" && len(args(n)) > 0 {
				calls++
				only = l.unparen(args(n)[0])
			}
		}
		return !isFunction(n) || n == listener
	})
	switch {
	case calls == 0:
		return fetchHandler{}, false
	case calls == 1 && only.Is("call_expression"):
		// event.respondWith(handle(event.request)): handle is the handler.
		if fn := l.resolve(only.Child("function")); isFunction(fn) && len(args(only)) > 0 && l.path(args(only)[0]) == req {
			return fetchHandler{fn: fn, req: firstParam(l, fn)}, true
		}
	}
	if body := listener.Child("body"); !body.Is("statement_block") {
		return fetchHandler{fn: listener, req: req, respond: only}, true
	}
	// The listener's statements, each respondWith an answer.
	return fetchHandler{fn: listener, req: req}, true
}

func firstParam(l *lowerer, fn *Node) string {
	if p := fn.Child("parameter"); p != nil {
		return l.t.Text(p)
	}
	ps := fn.Child("parameters").Named()
	if len(ps) == 0 {
		return ""
	}
	if pat := ps[0].Child("pattern"); pat != nil {
		return l.t.Text(pat)
	}
	return l.t.Text(ps[0])
}

// wresp is a response a Worker holds in a variable while it is built.
type wresp struct {
	proxied *Node // the fetch() call it was copied from; nil when built
	// next is NextResponse.next() in Next.js middleware: the app's own
	// response, with the headers set on this one added.
	next   *Node
	status int
	ops    []*model.HeaderOp
	// immutable marks fetch()'s own response, whose headers cannot be
	// changed; throws is the call that tried (workerd: "TypeError: Can't
	// modify immutable headers.", and a 500 without the Worker's headers).
	immutable bool
	throws    *Node
}

// workerRun reads one fetch handler's statements in order.
type workerRun struct {
	l     *lowerer
	h     *handler // request tests, conditions and header values
	s     *model.Scope
	resps map[string]*wresp            // variables that hold responses
	hdrs  map[string][]*model.HeaderOp // variables that hold Headers
	memo  map[*Node][]*model.HeaderOp  // helpers' header objects already read
	// read holds the header objects already read, by the conditions they
	// were read under: a const object used on two paths (the OPTIONS
	// answer and the others) gets statements under each path's
	// conditions, made once per path.
	read map[readKey][]*model.HeaderOp
	out  []*model.Response
	// lambda reads returns as Lambda proxy results ({ statusCode,
	// headers }) instead of Response objects; callback is the name of
	// a callback-style handler's callback.
	lambda   bool
	callback string
	// active lists the functions being read, the fetch handler's
	// callees included, so that recursion stops.
	active []*Node
	// nested counts the functions the callback is looked for in: their
	// returns answer nothing.
	nested int
}

// callbackCall reads a call of a callback-style Lambda handler's
// callback: callback(null, result) is a response; callback(err) is an
// error API Gateway answers itself. It reports whether e is one.
func (w *workerRun) callbackCall(e *Node) bool {
	l := w.l
	if !e.Is("call_expression") || l.t.Text(e.Child("function")) != w.callback {
		return false
	}
	if as := args(e); len(as) > 1 && as[0].Is("null", "undefined") {
		w.emitResult(as[1], e)
	}
	return true
}

// nestedCallbacks reads the functions an expression hands on (a
// promise's then, a driver's callback, a local function given the
// callback), under the conditions that hold here, for the calls of the
// callback in them.
func (w *workerRun) nestedCallbacks(e *Node, depth int) {
	l := w.l
	if depth > maxDepth {
		return
	}
	walk(e, func(n *Node) bool {
		switch {
		case isFunction(n):
			w.nested++
			switch body := n.Child("body"); {
			case body.Is("statement_block"):
				w.block(body.Named(), depth+1)
			case body != nil:
				if b := l.unparen(body); !w.callbackCall(b) {
					w.nestedCallbacks(b, depth+1)
				}
			}
			w.nested--
			return false
		case n.Is("call_expression") && l.t.Text(n.Child("function")) != w.callback:
			for i, a := range args(n) {
				if !a.Is("identifier") || l.t.Text(a) != w.callback {
					continue
				}
				helper := l.resolve(n.Child("function"))
				if !isFunction(helper) || w.nested > maxFollow {
					continue
				}
				if ps := (&lambda{t: l.t}).params(helper); i < len(ps) {
					saved := w.callback
					w.callback = ps[i]
					w.nested++
					w.block(helper.Child("body").Named(), depth+1)
					w.nested--
					w.callback = saved
				}
			}
		}
		return true
	})
}

func (l *lowerer) lowerWorker(fh fetchHandler) {
	s := l.scope("worker", "fetch", model.RoleServer, l.top, fh.fn)
	w := &workerRun{
		l: l, h: &handler{l: l, s: s, req: fh.req}, s: s,
		resps: map[string]*wresp{}, hdrs: map[string][]*model.HeaderOp{}, memo: map[*Node][]*model.HeaderOp{},
	}
	switch body := fh.fn.Child("body"); {
	case fh.respond != nil:
		w.emit(fh.respond, fh.respond)
	case body.Is("statement_block"):
		w.block(body.Named(), 0)
	case body != nil:
		w.emit(body, body)
	}
	edge := false
	for _, r := range w.out {
		edge = edge || r.Upstream != nil
	}
	if edge {
		// It proxies: an edge layer in front of the origin it fetches.
		s.Layer = model.Edge
		for _, h := range l.file.Headers {
			if h.Scope == s {
				h.Layer = model.Edge
			}
		}
	}
	l.file.Responses = append(l.file.Responses, w.out...)
	l.file.Advice = workerAdvice{}
}

// block reads statements; true when they always return.
func (w *workerRun) block(stmts []*Node, depth int) bool {
	if depth > maxDepth {
		return false
	}
	mark := len(w.h.conds)
	defer func() { w.h.conds = w.h.conds[:mark] }()
	for _, st := range stmts {
		if w.stmt(st, depth) {
			return true
		}
	}
	return false
}

// stmt reads one statement; true when it always returns.
func (w *workerRun) stmt(st *Node, depth int) bool {
	l := w.l
	switch st.Type {
	case "return_statement":
		kids := st.Named()
		switch {
		case len(kids) == 0:
		case w.lambda && w.callback != "" && w.callbackCall(l.unparen(kids[0])):
		case w.nested == 0:
			w.emit(kids[0], st)
		}
		return true
	case "throw_statement":
		return true
	case "statement_block":
		return w.block(st.Named(), depth+1)
	case "if_statement":
		c := w.h.condition(st.Child("condition"))
		w.h.conds = append(w.h.conds, c)
		mark := len(w.out)
		thenEnds := w.branch(st.Child("consequence"), depth)
		w.h.conds = w.h.conds[:len(w.h.conds)-1]
		if c.c.Header != "" && c.c.Negated && !w.h.optionsExcluded() {
			w.refusesPreflights(c.c, mark)
		}
		if c.c.Origin == nil && c.c.Methods == nil && c.c.Header == "" && serverErrors(w.out[mark:]) {
			// if (!upstream.ok) return new Response('error', { status:
			// 502 }): a failure, not a choice about the request.
			c.c.Failure = true
		}
		// A test the model cannot read (Object.keys(headers).length === 0)
		// selects its branch, but its negation is not put on the other
		// path: that is the path taken when nothing says otherwise, and
		// an unknown negation would make it unreachable too.
		known := c.c.Origin != nil || c.c.Methods != nil || c.c.Header != "" || c.c.Failure
		elseEnds := false
		if alt := st.Child("alternative"); alt != nil {
			if known {
				w.h.conds = append(w.h.conds, w.h.negate(c))
			}
			elseEnds = w.branch(alt, depth)
			if known {
				w.h.conds = w.h.conds[:len(w.h.conds)-1]
			}
		}
		if thenEnds && !elseEnds && known {
			w.h.conds = append(w.h.conds, w.h.negate(c))
		}
		return thenEnds && elseEnds
	case "try_statement":
		ends := w.block(st.Child("body").Named(), depth+1)
		if c := st.Child("handler"); c != nil {
			// The catch block runs only when the try block throws.
			w.h.conds = append(w.h.conds, &cond{c: &model.Condition{
				Text: "the try block at " + l.t.Span(st).String() + " throws", Failure: true, Span: l.t.Span(c)}})
			ends = w.block(c.Child("body").Named(), depth+1) && ends
			w.h.conds = w.h.conds[:len(w.h.conds)-1]
		}
		return ends
	case "lexical_declaration", "variable_declaration":
		for _, d := range st.Named() {
			if name, v := d.Child("name"), d.Child("value"); name.Is("identifier") && v != nil {
				w.bind(l.t.Text(name), v)
			}
		}
	case "expression_statement":
		for _, e := range st.Named() {
			e = l.unparen(e)
			if w.lambda && w.callback != "" {
				if w.callbackCall(e) {
					continue
				}
				w.nestedCallbacks(e, depth)
			}
			if _, m := l.method(e); m == "respondWith" && e.Is("call_expression") && len(args(e)) > 0 {
				w.emit(args(e)[0], e) // a service worker's answer
				continue
			}
			if e.Is("assignment_expression") && e.Child("left").Is("identifier") {
				// let response; ... response = new Response(...)
				w.bind(l.t.Text(e.Child("left")), e.Child("right"))
				continue
			}
			w.headerCall(e, nil)
		}
	case "for_in_statement":
		w.entriesLoop(st)
	}
	return false
}

func (w *workerRun) branch(n *Node, depth int) bool {
	if n == nil {
		return false
	}
	if n.Is("else_clause") {
		kids := n.Named()
		if len(kids) == 0 {
			return false
		}
		n = kids[0]
	}
	if n.Is("statement_block") {
		return w.block(n.Named(), depth+1)
	}
	return w.stmt(n, depth+1)
}

// bind records a variable that holds a response or a Headers object.
func (w *workerRun) bind(name string, v *Node) {
	if r := w.response(v); r != nil {
		w.resps[name] = r
		return
	}
	if e := w.l.unparen(v); e.Is("new_expression") && w.l.t.Text(e.Child("constructor")) == "Headers" {
		var ops []*model.HeaderOp
		if as := e.Child("arguments").Named(); len(as) > 0 {
			ops = w.headerOps(as[0], 0)
		}
		w.hdrs[name] = ops
	}
}

// response reads an expression that makes a response: fetch(),
// new Response(body, init), Response.json(data, init),
// Response.redirect(url, status), or a variable holding one; nil for
// anything else.
func (w *workerRun) response(v *Node) *wresp {
	l := w.l
	e := l.unparen(v)
	if e.Is("await_expression") {
		if k := e.Named(); len(k) > 0 {
			e = l.unparen(k[0])
		}
	}
	switch {
	case e == nil:
		return nil
	case e.Is("identifier"):
		if r, ok := w.resps[l.t.Text(e)]; ok {
			return r
		}
	case e.Is("call_expression"):
		if t := l.t.Text(e.Child("function")); t == "fetch" {
			return &wresp{proxied: e, immutable: true}
		}
		obj, m := l.method(e)
		if obj == nil || l.t.Text(obj) != "Response" && l.t.Text(obj) != "NextResponse" {
			return nil
		}
		as := args(e)
		switch m {
		case "next", "rewrite":
			if l.t.Text(obj) == "NextResponse" {
				return &wresp{next: e}
			}
		case "redirect":
			r := &wresp{status: 302}
			if len(as) > 1 {
				if n, err := strconv.Atoi(l.t.Text(as[1])); err == nil {
					r.status = n
				}
			}
			return r
		case "json":
			r := &wresp{status: 200}
			if len(as) > 1 {
				w.init(as[1], r)
			}
			return r
		}
	case e.Is("new_expression"):
		if c := l.t.Text(e.Child("constructor")); c != "Response" && c != "NextResponse" {
			return nil
		}
		r := &wresp{status: 200}
		if as := e.Child("arguments").Named(); len(as) > 1 {
			if from := w.response(as[1]); from != nil {
				// new Response(body, response) copies its status and
				// headers.
				r.proxied, r.status, r.ops = from.proxied, from.status, append([]*model.HeaderOp(nil), from.ops...)
			} else {
				w.init(as[1], r)
			}
		}
		return r
	}
	return nil
}

// init reads a ResponseInit: its status and headers.
func (w *workerRun) init(n *Node, r *wresp) {
	l := w.l
	props, ok := l.object(n)
	if !ok {
		return
	}
	if p := get(props, "status"); p != nil {
		if s, err := strconv.Atoi(l.t.Text(l.resolve(p.value))); err == nil {
			r.status = s
		}
	}
	if p := get(props, "headers"); p != nil {
		r.ops = append(r.ops, w.headerOps(p.value, 0)...)
	}
}

// headerOps reads a headers init: an object literal (with spreads), a
// Headers object, a variable holding one, or what a function of this file
// returns (each return under its own conditions).
func (w *workerRun) headerOps(n *Node, depth int) []*model.HeaderOp {
	l := w.l
	if n == nil || depth > 8 {
		return nil
	}
	if e := l.unparen(n); e.Is("identifier", "shorthand_property_identifier") {
		if ops, ok := w.hdrs[l.t.Text(e)]; ok {
			return ops
		}
		if e.Is("shorthand_property_identifier") {
			// { headers }: the variable of that name.
			if bs := l.bindings[l.t.Text(e)]; len(bs) == 1 {
				n = bs[0]
			}
		}
	}
	e := l.resolve(n)
	if e == nil {
		return nil
	}
	var top *cond
	if n := len(w.h.conds); n > 0 {
		top = w.h.conds[n-1]
	}
	key := readKey{e, top}
	if ops, ok := w.read[key]; ok {
		return ops
	}
	var ops []*model.HeaderOp
	switch {
	case e.Is("object"):
		for _, p := range e.Named() {
			switch p.Type {
			case "pair":
				name, ok := l.str(p.Child("key"))
				if !ok && p.Child("key").Is("property_identifier") {
					name, ok = l.t.Text(p.Child("key")), true
				}
				if ok {
					v := p.Child("value")
					if arr := l.unparen(v); arr.Is("array") && len(arr.Named()) == 1 {
						v = arr.Named()[0] // multiValueHeaders: { name: [value] }
					}
					ops = append(ops, l.op(w.s, name, model.Set, w.h.value(v, 0), p, w.h.when()))
				}
			case "spread_element":
				if k := p.Named(); len(k) > 0 {
					ops = append(ops, w.spreadOps(k[0], depth+1)...)
				}
			}
		}
	case e.Is("new_expression") && l.t.Text(e.Child("constructor")) == "Headers":
		if as := e.Child("arguments").Named(); len(as) > 0 {
			ops = w.headerOps(as[0], depth+1)
		}
	case e.Is("call_expression"):
		ops = w.helperOps(e, depth)
	}
	if w.read == nil {
		w.read = map[readKey][]*model.HeaderOp{}
	}
	w.read[key] = ops
	return ops
}

// readKey is a header object read under the innermost active condition,
// which stands for the conditions around it.
type readKey struct {
	n    *Node
	cond *cond
}

// helperOps reads the headers objects a function of this file returns
// when called with the request (getCorsHeaders(request)): each under the
// conditions that lead to its return.
func (w *workerRun) helperOps(call *Node, depth int) []*model.HeaderOp {
	l := w.l
	fn := l.resolve(call.Child("function"))
	if !isFunction(fn) {
		return nil
	}
	if ops, ok := w.memo[fn]; ok {
		return ops
	}
	w.memo[fn] = nil // a helper that calls itself adds nothing more
	req := ""
	if as := args(call); len(as) > 0 && l.path(as[0]) == w.h.req {
		req = firstParam(l, fn)
	}
	// The helper's statements carry only its own conditions; the
	// response they end up on carries the caller's.
	sub := &workerRun{l: l, h: &handler{l: l, s: w.s, req: req}, s: w.s,
		resps: map[string]*wresp{}, hdrs: map[string][]*model.HeaderOp{}, memo: w.memo}
	var ops []*model.HeaderOp
	var visit func(stmts []*Node, d int)
	visit = func(stmts []*Node, d int) {
		if d > maxDepth {
			return
		}
		mark := len(sub.h.conds)
		defer func() { sub.h.conds = sub.h.conds[:mark] }()
		for _, st := range stmts {
			switch st.Type {
			case "return_statement":
				if k := st.Named(); len(k) > 0 {
					ops = append(ops, sub.headerOps(k[0], depth+1)...)
				}
				return
			case "if_statement":
				c := sub.h.condition(st.Child("condition"))
				sub.h.conds = append(sub.h.conds, c)
				returns := stmtReturns(st.Child("consequence"))
				visit(blockOf(st.Child("consequence")), d+1)
				sub.h.conds[len(sub.h.conds)-1] = sub.h.negate(c)
				if alt := st.Child("alternative"); alt != nil {
					visit(blockOf(alt), d+1)
				}
				if !returns {
					sub.h.conds = sub.h.conds[:len(sub.h.conds)-1]
				}
			}
		}
	}
	body := fn.Child("body")
	if body.Is("statement_block") {
		visit(body.Named(), 0)
	} else if body != nil {
		ops = sub.headerOps(body, depth+1)
	}
	w.memo[fn] = ops
	return ops
}

// blockOf returns the statements of an if's branch.
func blockOf(n *Node) []*Node {
	if n.Is("else_clause") {
		if k := n.Named(); len(k) > 0 {
			n = k[0]
		}
	}
	if n.Is("statement_block") {
		return n.Named()
	}
	if n == nil {
		return nil
	}
	return []*Node{n}
}

// stmtReturns reports whether a branch ends in a return.
func stmtReturns(n *Node) bool {
	stmts := blockOf(n)
	return len(stmts) > 0 && stmts[len(stmts)-1].Is("return_statement", "throw_statement")
}

// headerCall reads response.headers.set/append/delete(name, value) and
// headers.set/... on a Headers variable. value, when set, stands for
// the call's second argument (a loop over Object.entries).
func (w *workerRun) headerCall(c *Node, from []*model.HeaderOp) {
	l := w.l
	if !c.Is("call_expression") {
		return
	}
	obj, m := l.method(c)
	if obj == nil {
		return
	}
	var ops *[]*model.HeaderOp
	proxied := false
	if obj.Is("member_expression") && l.t.Text(obj.Child("property")) == "headers" {
		if r, ok := w.resps[l.path(obj.Child("object"))]; ok {
			if r.immutable {
				if r.throws == nil && (m == "set" || m == "append" || m == "delete") {
					r.throws = c
				}
				return
			}
			ops = &r.ops
			proxied = r.proxied != nil
		}
	} else if hs, ok := w.hdrs[l.t.Text(obj)]; ok {
		ops = &hs
		defer func() { w.hdrs[l.t.Text(obj)] = hs }()
	}
	if ops == nil {
		return
	}
	var o model.Op
	switch m {
	case "set":
		o = model.Set
	case "append":
		o = model.Append
	case "delete":
		o = model.Unset
	default:
		return
	}
	if from != nil {
		// In a loop over Object.entries(x): every header of x.
		for _, f := range from {
			if f.Op == o {
				// The same statement: the header is set where the
				// object names it.
				*ops = append(*ops, f)
				continue
			}
			*ops = append(*ops, l.op(w.s, f.Name, o, f.Value, c, f.When))
		}
		return
	}
	as := args(c)
	name, ok := "", false
	if len(as) > 0 {
		name, ok = l.str(as[0])
	}
	if !ok {
		return
	}
	v := model.Value{Kind: model.Empty}
	if len(as) > 1 {
		v = w.h.value(as[1], 0)
	}
	op := l.op(w.s, name, o, v, c, w.h.when())
	// A response copied from fetch() carries the origin's own Vary: a
	// set here replaces it.
	op.OwnTable = op.OwnTable && !proxied
	*ops = append(*ops, op)
}

// entriesLoop reads for (const [k, v] of Object.entries(x)) { r.headers.set(k, v); }.
func (w *workerRun) entriesLoop(st *Node) {
	l := w.l
	right := l.unparen(st.Child("right"))
	if !right.Is("call_expression") || l.t.Text(right.Child("function")) != "Object.entries" || len(args(right)) == 0 {
		return
	}
	from := w.headerOps(args(right)[0], 0)
	walk(st.Child("body"), func(n *Node) bool {
		if n.Is("call_expression") {
			w.headerCall(n, from)
			return false
		}
		return true
	})
}

// emit adds the response an expression returns.
func (w *workerRun) emit(e *Node, at *Node) {
	if w.lambda {
		w.emitResult(e, at)
		return
	}
	r := w.response(e)
	if r == nil {
		w.follow(e)
		return
	}
	l := w.l
	resp := &model.Response{Route: w.s, Scope: w.s, Source: model.FromServer, Status: r.status, Headers: r.ops, Span: l.t.Span(at)}
	if !w.conditions(resp) {
		return
	}
	if r.throws != nil {
		// The Worker throws before it answers: the platform's own 500.
		resp.Status, resp.Headers, resp.Span = 500, nil, l.t.Span(r.throws)
		resp.Why = "the headers of the response fetch() returns cannot be changed, so " + l.t.Raw(r.throws) + " throws \"TypeError: Can't modify immutable headers.\" and the Worker answers 500 without its headers; copy the response first: const copy = new Response(response.body, response), and change copy.headers"
		w.out = append(w.out, resp)
		return
	}
	if r.next != nil {
		resp.Source, resp.Status = model.FromHandler, 0
		resp.Why = "NextResponse.next() lets the app's route answer, with the headers the middleware set on it"
	}
	if r.proxied != nil {
		resp.Source, resp.Status = model.FromUpstream, 0
		u := &model.Upstream{Target: "the origin", Scope: w.s, Span: l.t.Span(r.proxied), Directive: "fetch", ByHost: true, Hidden: map[string]model.Span{}}
		if t := l.fetchTarget(r.proxied); t != "" {
			u.Target = t
		}
		for _, op := range r.ops {
			if op.Op == model.Set || op.Op == model.Unset {
				if _, ok := u.Hidden[op.Name]; !ok {
					u.Hidden[op.Name] = op.Span
				}
			}
		}
		resp.Upstream = u
		l.file.Upstreams = append(l.file.Upstreams, u)
	}
	w.out = append(w.out, resp)
}

// workerAdvice is the fix advice for a Worker, in the Response API's
// terms.
type workerAdvice struct{}

func (workerAdvice) Allowlist() string {
	return "compare request.headers.get('Origin') with a fixed list (ALLOWED_ORIGINS.includes(origin)) before echoing it"
}

func (workerAdvice) VaryOrigin(*model.HeaderOp) string {
	return "add 'Vary': 'Origin' to the same headers (or response.headers.append('Vary', 'Origin'))"
}

func (workerAdvice) VaryAppend(*model.HeaderOp) string {
	return "use headers.append('Vary', 'Origin'), which adds to Vary instead of replacing it"
}

func (workerAdvice) CacheKey() string {
	return "send Vary: Origin with headers.append('Vary', 'Origin'), and put the Origin into the key of anything the Worker stores with the Cache API"
}

func (workerAdvice) HideUpstream(*model.Upstream) string {
	return "set the header on the copy with response.headers.set(...), which replaces the origin's, instead of append(...)"
}

func (workerAdvice) AnswerOptions(string) string {
	return "answer OPTIONS in the fetch handler before anything else: if (request.method === 'OPTIONS') return new Response(null, { status: 204, headers })"
}

func (workerAdvice) Always() string {
	return "put the CORS headers on every Response the handler returns, errors included"
}

func (workerAdvice) AllowHeaders(*model.Scope) string {
	return "list the request headers in the Access-Control-Allow-Headers of the OPTIONS answer"
}

// conditions puts the active conditions on a response: a method test
// that holds as its Methods, the others as its Conds.
//
// Nested method tests admit the methods all of them admit, less those a
// failed test excluded (past if (m !== 'GET' && m !== 'POST') return
// ..., only GET and POST); it reports false when no method is left, a
// path no request takes.
func (w *workerRun) conditions(resp *model.Response) bool {
	var out []string
	for _, c := range w.h.conds {
		switch {
		case c.c.Methods != nil && !c.c.Negated:
			resp.Methods = intersect(resp.Methods, c.c.Methods)
		case c.c.Methods != nil:
			// A method test that does not hold (past the OPTIONS
			// branch) alone leaves Methods nil: every method the
			// branches before did not claim.
			out = append(out, c.c.Methods...)
		default:
			resp.Conds = append(resp.Conds, c.c)
		}
	}
	if resp.Methods == nil {
		return true
	}
	resp.Methods = slices.DeleteFunc(resp.Methods, func(m string) bool { return hasMethod(out, m) })
	return len(resp.Methods) > 0
}

// refusesPreflights adds, for each error answer from out[mark:] given to
// requests without a header (if (!request.headers.get('Authorization'))
// return new Response(..., { status: 401 })), the same answer as the
// preflights' one, saying why: a preflight carries none of the page's
// headers.
func (w *workerRun) refusesPreflights(c *model.Condition, mark int) {
	for _, r := range w.out[mark:] {
		if r.Status < 400 || r.Methods != nil && !r.ForMethod("OPTIONS") {
			continue
		}
		pre := *r
		pre.Methods = []string{"OPTIONS"}
		pre.Why = w.l.headerRefusal(c, &answer{status: r.Status}, nil, nil).why
		pre.Why = strings.Replace(pre.Why, "if (req.method === 'OPTIONS') return next()", "answer OPTIONS first: if (request.method === 'OPTIONS') return new Response(null, { status: 204, headers })", 1)
		w.out = append(w.out, &pre)
	}
}

// serverErrors reports whether rs holds responses and each answers with
// a fixed server error status (5xx).
func serverErrors(rs []*model.Response) bool {
	for _, r := range rs {
		if r.Status < 500 {
			return false
		}
	}
	return len(rs) > 0
}

// intersect returns the methods of b that a admits; a nil a admits
// every method.
func intersect(a, b []string) []string {
	if a == nil {
		return slices.Clone(b)
	}
	out := []string{}
	for _, m := range b {
		if hasMethod(a, m) {
			out = append(out, m)
		}
	}
	return out
}

// emitResult adds the response a Lambda handler returns: an object with
// statusCode, headers and multiValueHeaders. The function builds the
// whole response (the proxy integration adds nothing to it), so it is
// the server's own answer, with no Vary of anyone else's to replace.
func (w *workerRun) emitResult(e *Node, at *Node) {
	l := w.l
	props, ok := l.object(e)
	if !ok {
		return // not an object this file writes out: nothing known
	}
	resp := &model.Response{Route: w.s, Scope: w.s, Source: model.FromServer, Span: l.t.Span(at)}
	if p := get(props, "statusCode"); p != nil {
		if s, err := strconv.Atoi(l.t.Text(l.resolve(p.value))); err == nil {
			resp.Status = s
		}
	}
	for _, field := range []string{"headers", "multiValueHeaders"} {
		if p := get(props, field); p != nil {
			resp.Headers = append(resp.Headers, w.headerOps(p.value, 0)...)
		}
	}
	if w.conditions(resp) {
		w.out = append(w.out, resp)
	}
}

// follow reads the responses a function of this file returns when the
// handler returns its call (return handleOptions(request)), under the
// conditions that hold at the call.
func (w *workerRun) follow(e *Node) {
	l := w.l
	call := l.unparen(e)
	if call.Is("await_expression") {
		if k := call.Named(); len(k) > 0 {
			call = l.unparen(k[0])
		}
	}
	if !call.Is("call_expression") || len(w.active) >= maxFollow {
		return
	}
	fn := l.resolve(call.Child("function"))
	if !isFunction(fn) || slices.Contains(w.active, fn) {
		return
	}
	req := ""
	if as := args(call); len(as) > 0 && w.h.req != "" && l.path(as[0]) == w.h.req {
		req = firstParam(l, fn)
	}
	sub := &workerRun{
		l: l, s: w.s, h: &handler{l: l, s: w.s, req: req, conds: slices.Clone(w.h.conds)},
		resps: map[string]*wresp{}, hdrs: map[string][]*model.HeaderOp{}, memo: w.memo,
		active: append(slices.Clone(w.active), fn),
	}
	switch body := fn.Child("body"); {
	case body.Is("statement_block"):
		sub.block(body.Named(), 0)
	case body != nil:
		sub.emit(body, body)
	}
	w.out = append(w.out, sub.out...)
}
