package js

import (
	"strconv"
	"strings"

	"github.com/corslint/corslint/model"
)

// failure is an error a layer passes to Express (next(err), or a throw in
// a synchronous handler): Express skips the remaining middleware and
// routes and its default error handler (finalhandler 1.3) answers with
// the error's status, 500 for a plain Error, keeping every header set
// before; it removes only the Content-* ones.
type failure struct {
	// cond is when the layer fails; nil when it always does.
	cond   *model.Condition
	status int
	at     model.Span
	why    string
	// ops are the headers the failing layer set before it failed.
	ops []*model.HeaderOp
	// always: with no cond, the layer fails for every request (the
	// handler's reader followed every test on the way; an origin
	// function's reader does not follow the returns before its call).
	always bool
}

// expressErrorStatus is finalhandler's status for a thrown or passed
// value: an Error made with new carries no status property, so 500
// (the response's own 4xx/5xx status aside, which no layer here sets
// before failing). 0 when the value is anything else (createError(403),
// a variable), whose status the code does not show.
func (l *lowerer) expressErrorStatus(n *Node) int {
	n = l.unparen(n)
	if n == nil || n.Type != "new_expression" {
		return 0
	}
	if c := l.t.Text(n.Child("constructor")); strings.HasSuffix(c, "Error") && !strings.Contains(c, ".") {
		return 500
	}
	return 0
}

// originFailure reads when cors's origin function passes an Error to its
// callback: cors then calls next(err) before setting any header. It
// returns nil when the function never does, or when the test that leads
// there is not one origin allowlist test this package reads.
func (l *lowerer) originFailure(opts *Node) *failure {
	props, ok := l.object(opts)
	if !ok {
		return nil
	}
	p := get(props, "origin")
	if p == nil {
		return nil
	}
	fn := l.resolve(p.value)
	if fn == nil || !fn.Is("arrow_function", "function_expression", "function", "function_declaration") {
		return nil
	}
	var names []string
	for _, q := range fn.Child("parameters").Named() {
		if pat := q.Child("pattern"); pat != nil {
			q = pat
		}
		names = append(names, l.t.Text(q))
	}
	if len(names) < 2 {
		return nil
	}
	origin, cb := names[0], names[1]
	isOrigin := func(x *Node) bool { return l.t.Text(l.unparen(x)) == origin }
	var found *failure
	bad := false
	// tests are the if and ternary tests around a node, with the branch
	// taken (false: the alternative).
	type test struct {
		n    *Node
		then bool
	}
	var visit func(n *Node, tests []test, depth int)
	visit = func(n *Node, tests []test, depth int) {
		if n == nil || depth > maxDepth || bad {
			return
		}
		switch n.Type {
		case "if_statement", "ternary_expression":
			c := n.Child("condition")
			visit(c, tests, depth+1)
			visit(n.Child("consequence"), append(tests[:len(tests):len(tests)], test{c, true}), depth+1)
			visit(n.Child("alternative"), append(tests[:len(tests):len(tests)], test{c, false}), depth+1)
			return
		case "call_expression":
			if l.t.Text(n.Child("function")) == cb {
				as := args(n)
				if len(as) == 0 || l.unparen(as[0]).Is("null", "undefined", "false") {
					break
				}
				status := l.expressErrorStatus(as[0])
				if status == 0 || found != nil || len(tests) > 1 {
					bad = true
					return
				}
				f := &failure{status: status, at: l.t.Span(n),
					why: "the origin function passes an Error to its callback, so cors calls next(err) and Express's default error handler answers " +
						strconv.Itoa(status) + ", keeping the headers set before"}
				if len(tests) == 1 {
					m, neg, ok := l.originTest(tests[0].n, isOrigin)
					if !ok {
						bad = true
						return
					}
					if !tests[0].then {
						neg = !neg
					}
					f.cond = &model.Condition{Text: l.t.Raw(tests[0].n), Origin: m, Negated: neg, Span: l.t.Span(tests[0].n)}
				}
				found = f
			}
		}
		for _, k := range n.Kids {
			visit(k, tests, depth+1)
		}
	}
	visit(fn.Child("body"), nil, 0)
	if bad {
		return nil
	}
	return found
}

// failures adds, for route r reached with method m, the error answer of
// the first layer on its way that fails: it comes before the route's own
// responses, so that it wins where its condition holds.
func (l *lowerer) failures(mids []step, r step, m string) {
	var hs []*model.HeaderOp
	preflighted := false // an earlier layer ends every preflight
	for _, p := range mids {
		if p.index >= r.index && r.answer != nil {
			return
		}
		if p.answer != nil || !p.covers(r, m) {
			continue
		}
		if p.preflight != nil && p.preflight.when == nil && p.fail == nil {
			preflighted = true
		}
		if p.fail != nil {
			var conds []*model.Condition
			if p.fail.cond != nil {
				conds = []*model.Condition{p.fail.cond}
			}
			// An unconditional failure of a layer for every method is
			// under the route's methods (and OPTIONS, which the layer
			// sees too), so that it comes before the route's own answer.
			methods := p.methods
			if methods == nil && conds == nil && p.fail.always {
				methods = r.methods
				if methods != nil && !hasMethod(methods, "OPTIONS") && !preflighted {
					methods = append(append([]string(nil), methods...), "OPTIONS")
				}
			}
			l.file.Responses = append(l.file.Responses, &model.Response{
				Route: r.scope, Scope: r.scope, Conds: conds, Methods: methods, Source: model.FromServer,
				Status: p.fail.status, Headers: append(hs, p.fail.ops...), Span: p.fail.at, Why: p.fail.why,
			})
			return
		}
		hs = append(hs, p.passed(m)...)
	}
}

// nextErr reads next(new Error(...)) in an Express handler: Express skips
// to its error handler, which answers 500 with the headers set so far.
// It is kept where the handler's tests say when it happens (none, or an
// origin allowlist test); under another test, when it fails is unknown
// and nothing is kept. It reports whether n is such a call.
func (h *handler) nextErr(n *Node) bool {
	l := h.l
	if h.next == "" || l.t.Text(l.unparen(n.Child("function"))) != h.next {
		return false
	}
	as := args(n)
	if len(as) == 0 {
		return false
	}
	status := l.expressErrorStatus(as[0])
	if status != 0 {
		h.failWith(status, n, "the middleware passes an Error to next(), so Express's default error handler answers "+strconv.Itoa(status)+", keeping the headers set before")
	}
	return status != 0
}

// throwErr reads throw new Error(...) in synchronous Express middleware
// (a function with a next parameter), which Express's router catches and
// hands to its error handler like next(err). A throw in an async
// function reaches no handler in Express 4.
func (h *handler) throwErr(st *Node) {
	if h.fw != "" || h.next == "" || h.async {
		return
	}
	v := st.Named()
	if len(v) == 0 {
		return
	}
	if status := h.l.expressErrorStatus(v[0]); status != 0 {
		h.failWith(status, st, "the middleware throws an Error, so Express's default error handler answers "+strconv.Itoa(status)+", keeping the headers set before")
	}
}

// failWith keeps the handler's first failure, at n, under the tests
// around it when they are origin allowlist tests (see nextErr).
func (h *handler) failWith(status int, n *Node, why string) {
	if h.fail != nil || h.answer != nil {
		return
	}
	f := &failure{status: status, at: h.l.t.Span(n), why: why, ops: append([]*model.HeaderOp(nil), h.pass...)}
	if len(h.conds) > 0 {
		c := h.when()
		if c == nil || c.Origin == nil || c.Methods != nil || c.URL != nil || c.Origin.Dynamic {
			return
		}
		for _, o := range h.conds {
			if o.c.Origin == nil {
				return // a test that is not the origin's decides too
			}
		}
		f.cond = c
	}
	f.always = f.cond == nil
	h.fail = f
}
