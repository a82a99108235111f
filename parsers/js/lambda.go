package js

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"github.com/corslint/corslint/model"
)

// LambdaReader reads the return paths of a Lambda handler (it implements
// model.CodeReader for the SAM and CloudFormation dialect): every object
// the handler returns or passes to its callback, with the headers and
// multiValueHeaders it carries, and every error it throws out of itself.
type LambdaReader struct{}

// maxFollow bounds how many local functions deep a returned call is
// followed ("return respond(200, body)").
const maxFollow = 3

// Returns implements model.CodeReader. ok is false when the file does not
// parse or exports nothing under that name; the caller then searches the
// text instead.
func (LambdaReader) Returns(path string, src []byte, export string) ([]model.CodeReturn, bool) {
	t := Parse(path, src)
	if t.Root == nil || export == "" {
		return nil, false
	}
	l := &lambda{t: t}
	l.top = l.topDecls()
	v := l.exported(strings.Split(export, "."))
	if v == nil {
		return nil, false
	}
	return l.handlerPaths(v, 0), true
}

type lambda struct {
	t   *Tree
	top map[string]*Node // top-level names: their value or declaration
}

func (l *lambda) text(n *Node) string { return l.t.Text(n) }

// topDecls maps each name declared at the top of the program (also
// inside export statements) to its value: a variable's initializer or
// the function or class declaration itself.
func (l *lambda) topDecls() map[string]*Node {
	out := map[string]*Node{}
	for _, k := range l.t.Root.Kids {
		l.declare(k, out)
	}
	return out
}

// declare adds the names n declares to out.
func (l *lambda) declare(n *Node, out map[string]*Node) {
	switch n.Type {
	case "export_statement":
		for _, k := range n.Kids {
			l.declare(k, out)
		}
	case "lexical_declaration", "variable_declaration":
		for _, d := range n.Kids {
			if d.Type != "variable_declarator" {
				continue
			}
			if name, v := d.Child("name"), d.Child("value"); name.Is("identifier") && v != nil {
				out[l.text(name)] = v
			}
		}
	case "function_declaration", "generator_function_declaration", "class_declaration":
		if name := n.Child("name"); name != nil {
			out[l.text(name)] = n
		}
	}
}

// exported finds the value the runtime calls for a handler's export path
// ("handler", or "api.get" for a property of an exported object): ES
// module exports, exports.X and module.exports.X assignments, and
// module.exports = { X }.
func (l *lambda) exported(path []string) *Node {
	var v *Node
	for _, st := range l.t.Root.Kids {
		if x := l.exportOf(st, path[0]); x != nil {
			v = x // a later assignment wins, as it does at run time
		}
	}
	for _, name := range path[1:] {
		obj := l.resolve(v, nil)
		if !obj.Is("object") {
			return nil
		}
		v = l.property(obj, name, nil)
	}
	return v
}

func (l *lambda) exportOf(st *Node, name string) *Node {
	switch st.Type {
	case "export_statement":
		if d := st.Child("declaration"); d != nil {
			m := map[string]*Node{}
			l.declare(d, m)
			return m[name]
		}
		for _, k := range st.Kids {
			if !k.Is("export_clause") {
				continue
			}
			for _, s := range k.Kids {
				local, alias := s.Child("name"), s.Child("alias")
				if alias == nil {
					alias = local
				}
				if s.Is("export_specifier") && l.text(alias) == name {
					return l.top[l.text(local)]
				}
			}
		}
	case "expression_statement":
		for _, a := range st.Kids {
			if !a.Is("assignment_expression") {
				continue
			}
			left, right := a.Child("left"), a.Child("right")
			switch lt := l.text(left); lt {
			case "exports." + name, "module.exports." + name:
				return right
			case "module.exports":
				if obj := l.resolve(right, nil); obj.Is("object") {
					return l.property(obj, name, nil)
				}
			}
		}
	}
	return nil
}

// property returns the value of an object literal's property name: a
// pair's value or a shorthand property's variable; spreads are searched
// last-first, as the later one wins.
func (l *lambda) property(obj *Node, name string, fn *Node) *Node {
	var found *Node
	for _, p := range obj.Kids {
		switch p.Type {
		case "pair":
			if l.key(p.Child("key")) == name {
				found = p.Child("value")
			}
		case "shorthand_property_identifier":
			if l.text(p) == name {
				found = l.lookup(name, fn)
			}
		case "spread_element":
			if inner := l.resolve(firstNamed(p), fn); inner.Is("object") {
				if v := l.property(inner, name, fn); v != nil {
					found = v
				}
			}
		}
	}
	return found
}

// key is the name of a property key as written: an identifier, a string
// or a number; "" for a computed key that is not a known constant.
func (l *lambda) key(k *Node) string {
	switch {
	case k == nil:
		return ""
	case k.Is("property_identifier", "number"):
		return l.text(k)
	case k.Is("string"):
		return l.stringValue(k)
	case k.Is("computed_property_name"):
		if v := l.resolve(firstNamed(k), nil); v.Is("string") {
			return l.stringValue(v)
		}
	}
	return ""
}

func (l *lambda) stringValue(s *Node) string {
	t := l.text(s)
	if len(t) >= 2 {
		return t[1 : len(t)-1]
	}
	return ""
}

// lookup finds a variable's value: declared in fn's body (not inside a
// nested function) before the top level.
func (l *lambda) lookup(name string, fn *Node) *Node {
	if fn != nil {
		local := map[string]*Node{}
		walkFunc(fn.Child("body"), false, func(n *Node) {
			l.declare(n, local)
		})
		if v, ok := local[name]; ok {
			return v
		}
	}
	return l.top[name]
}

// resolve follows a variable to its value and unwraps parentheses,
// await and TypeScript's type assertions; nil when it cannot.
func (l *lambda) resolve(n *Node, fn *Node) *Node {
	for range 8 {
		switch {
		case n == nil:
			return nil
		case n.Is("parenthesized_expression", "await_expression", "as_expression", "satisfies_expression", "non_null_expression", "type_assertion"):
			n = firstNamed(n)
		case n.Is("identifier"):
			n = l.lookup(l.text(n), fn)
		default:
			return n
		}
	}
	return nil
}

func firstNamed(n *Node) *Node {
	for _, k := range n.Named() {
		if !k.Is("type_annotation", "type_arguments", "type_identifier") {
			return k
		}
	}
	return nil
}

func isFunction(n *Node) bool {
	return n.Is("arrow_function", "function_expression", "function", "function_declaration", "generator_function_declaration", "method_definition")
}

// walkFunc calls visit for every node under n, in source order, without
// entering nested functions unless nested is set.
func walkFunc(n *Node, nested bool, visit func(*Node)) {
	if n == nil {
		return
	}
	stack := []*Node{n}
	for len(stack) > 0 {
		c := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		visit(c)
		for i := len(c.Kids) - 1; i >= 0; i-- {
			if k := c.Kids[i]; nested || !isFunction(k) {
				stack = append(stack, k)
			}
		}
	}
}

// handlerPaths lists what the handler v answers on each path.
func (l *lambda) handlerPaths(v *Node, depth int) []model.CodeReturn {
	fn := l.resolve(v, nil)
	if fn.Is("call_expression") {
		// A wrapper (middy(handler).use(cors())) may add headers itself.
		return []model.CodeReturn{{Span: l.t.Span(fn), Undecidable: fmt.Sprintf("the handler is what %s returns, which may add headers of its own", l.t.Raw(fn.Child("function")))}}
	}
	if !isFunction(fn) {
		return []model.CodeReturn{{Span: l.t.Span(v), Undecidable: "the handler is not a function this file defines"}}
	}
	async := strings.HasPrefix(l.text(fn), "async")
	params := l.params(fn)
	callback := ""
	if len(params) >= 3 {
		callback = params[2]
	}
	if depth > 0 {
		// A helper the handler returns the result of: its returns are
		// values, whatever its parameters.
		async, callback = true, ""
	}
	body := fn.Child("body")
	if body != nil && !body.Is("statement_block") {
		return []model.CodeReturn{l.answer(body, l.t.Span(body), fn, depth, ignored(async, callback))}
	}
	var out []model.CodeReturn
	walkFunc(body, false, func(n *Node) {
		switch {
		case n.Is("return_statement"):
			out = append(out, l.answer(firstNamed(n), l.t.Span(n), fn, depth, ignored(async, callback)))
		case n.Is("throw_statement") && !l.caught(n, body):
			out = append(out, model.CodeReturn{Span: l.t.Span(n), Throws: true})
		}
	})
	if callback != "" {
		out = append(out, l.callbackPaths(fn, body, callback, depth)...)
	}
	if depth == 0 {
		l.markOptions(body, out)
	}
	return out
}

// optionsTest matches an if's test that holds only for OPTIONS: the
// method of a REST API event (httpMethod) or an HTTP API one
// (requestContext.http.method), spaces removed. Compiled on first use, so
// that a run without Lambda handlers does not pay for it at start-up.
var optionsTest = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^\(?[A-Za-z_$][\w$]*\.(httpMethod|requestContext\.http\.method)===?['"` + "`" + `]OPTIONS['"` + "`" + `]\)?$`)
})

// markOptions sets Methods on the paths inside the branch of an if that
// only OPTIONS requests take.
func (l *lambda) markOptions(body *Node, paths []model.CodeReturn) {
	type span struct{ from, to model.Span }
	var branches []span
	walkFunc(body, false, func(n *Node) {
		if !n.Is("if_statement") {
			return
		}
		test := strings.Join(strings.Fields(l.text(n.Child("condition"))), "")
		if c := n.Child("consequence"); c != nil && optionsTest().MatchString(strings.TrimSuffix(strings.TrimPrefix(test, "("), ")")) {
			branches = append(branches, span{l.t.Span(c), model.Span{Line: c.EndLine, Col: c.EndCol}})
		}
	})
	for i := range paths {
		at := paths[i].Span
		for _, b := range branches {
			if !at.Before(b.from) && (at.Line < b.to.Line || at.Line == b.to.Line && at.Col < b.to.Col) {
				paths[i].Methods = []string{"OPTIONS"}
			}
		}
	}
}

// callbackPaths lists the calls of a callback-style handler's callback:
// nested ones count (a database driver's callback calls it), and so do
// those of a local function the callback is handed to
// (errorResponse(err, callback)).
func (l *lambda) callbackPaths(fn, body *Node, callback string, depth int) []model.CodeReturn {
	var out []model.CodeReturn
	walkFunc(body, true, func(n *Node) {
		if !n.Is("call_expression") {
			return
		}
		args := n.Child("arguments").Named()
		if l.text(n.Child("function")) != callback {
			for i, a := range args {
				if !a.Is("identifier") || l.text(a) != callback || depth >= maxFollow {
					continue
				}
				if helper := l.resolve(n.Child("function"), fn); isFunction(helper) && helper != fn {
					if ps := l.params(helper); i < len(ps) {
						out = append(out, l.callbackPaths(helper, helper.Child("body"), ps[i], depth+1)...)
					}
				}
			}
			return
		}
		switch {
		case len(args) == 0:
			out = append(out, model.CodeReturn{Span: l.t.Span(n)})
		case !args[0].Is("null", "undefined"):
			out = append(out, model.CodeReturn{Span: l.t.Span(n), Throws: true})
		case len(args) == 1:
			out = append(out, model.CodeReturn{Span: l.t.Span(n)})
		default:
			out = append(out, l.answer(args[1], l.t.Span(n), fn, depth, ""))
		}
	})
	return out
}

func (l *lambda) params(fn *Node) []string {
	var out []string
	ps := fn.Child("parameters")
	if ps == nil {
		if p := fn.Child("parameter"); p != nil {
			return []string{l.text(p)}
		}
		return nil
	}
	for _, p := range ps.Named() {
		if p.Is("required_parameter", "optional_parameter") {
			p = p.Child("pattern")
		}
		out = append(out, l.text(p))
	}
	return out
}

// caught reports whether a throw inside body lands in a catch clause of
// the same function.
func (l *lambda) caught(th, body *Node) bool {
	caught := false
	walkFunc(body, false, func(n *Node) {
		if n.Is("try_statement") && n.Child("handler") != nil {
			b := n.Child("body")
			if b != nil && b.Start <= th.Start && th.End <= b.End {
				caught = true
			}
		}
	})
	return caught
}

// ignored says why the Node.js runtime may not use what a handler that is
// not async returns: it takes a returned value only when it is a Promise,
// and otherwise waits for the callback. "" for an async handler.
func ignored(async bool, callback string) string {
	switch {
	case async:
		return ""
	case callback != "":
		return "the handler is not async, so it answers through " + callback + "(), not through this return"
	}
	return "the handler is not async, and the runtime uses what it returns only when that is a Promise"
}

// answer reads one returned value; ignoredWhy, when set, says why the
// runtime may not use it.
func (l *lambda) answer(expr *Node, at model.Span, fn *Node, depth int, ignoredWhy string) model.CodeReturn {
	r := model.CodeReturn{Span: at}
	if ignoredWhy != "" {
		r.Undecidable = ignoredWhy
		return r
	}
	hs, status, why := l.response(expr, fn, depth)
	r.Headers, r.Status = hs, status
	if _, ok := hs[model.ACAO]; !ok {
		r.Undecidable = why
	}
	return r
}

// response reads the headers and statusCode of a returned value; why says
// what could not be read.
func (l *lambda) response(expr *Node, fn *Node, depth int) (headers map[string]model.Span, status int, why string) {
	headers = map[string]model.Span{}
	if expr == nil {
		return headers, 0, ""
	}
	v := l.resolve(expr, fn)
	switch {
	case v == nil:
		return headers, 0, fmt.Sprintf("%s is not a value this file sets", l.t.Raw(expr))
	case v.Is("object"):
		if n := l.mutated(expr, fn); n != "" {
			why = n
		}
		for _, field := range []string{"headers", "multiValueHeaders"} {
			if h := l.property(v, field, fn); h != nil {
				if w := l.headerNames(h, fn, headers); w != "" {
					why = w
				}
			}
		}
		if s := l.resolve(l.property(v, "statusCode", fn), fn); s.Is("number") {
			status, _ = strconv.Atoi(l.text(s))
		}
		return headers, status, why
	case v.Is("ternary_expression"):
		a, sa, wa := l.response(v.Child("consequence"), fn, depth)
		b, _, wb := l.response(v.Child("alternative"), fn, depth)
		for name, at := range a {
			if _, ok := b[name]; ok {
				headers[name] = at
			}
		}
		if wa == "" {
			wa = wb
		}
		return headers, sa, wa
	case v.Is("call_expression"):
		callee := l.resolve(v.Child("function"), fn)
		if isFunction(callee) && depth < maxFollow {
			return l.calleeHeaders(callee, depth)
		}
		return headers, 0, fmt.Sprintf("the response comes from %s, which this file does not define", l.t.Raw(v.Child("function")))
	case v.Is("string", "template_string", "number", "null", "undefined", "true", "false"):
		return headers, 0, ""
	}
	return headers, 0, fmt.Sprintf("%s is not an object this file writes out", l.t.Raw(expr))
}

// calleeHeaders is what a returned call of a local function carries on
// every one of its paths.
func (l *lambda) calleeHeaders(callee *Node, depth int) (map[string]model.Span, int, string) {
	paths := l.handlerPaths(callee, depth+1)
	headers := map[string]model.Span{}
	why := ""
	for i, p := range paths {
		if p.Undecidable != "" {
			why = p.Undecidable
		}
		if i == 0 {
			for n, at := range p.Headers {
				headers[n] = at
			}
			continue
		}
		for n := range headers {
			if _, ok := p.Headers[n]; !ok {
				delete(headers, n)
			}
		}
	}
	status := 0
	if len(paths) == 1 {
		status = paths[0].Status
	}
	return headers, status, why
}

// headerNames adds the header names a headers object sets to out, each
// at its property; why says what could not be read (a spread of a value
// this file does not write, a computed name).
func (l *lambda) headerNames(h *Node, fn *Node, out map[string]model.Span) (why string) {
	obj := l.resolve(h, fn)
	if !obj.Is("object") {
		return fmt.Sprintf("the headers are %s, not an object this file writes out", l.t.Raw(h))
	}
	for _, p := range obj.Kids {
		switch p.Type {
		case "pair":
			if k := l.key(p.Child("key")); k != "" {
				out[model.CanonicalName(k)] = l.t.Span(p)
			} else {
				why = fmt.Sprintf("the header name %s is computed", l.t.Raw(p.Child("key")))
			}
		case "shorthand_property_identifier":
			out[model.CanonicalName(l.text(p))] = l.t.Span(p)
		case "spread_element":
			if w := l.headerNames(firstNamed(p), fn, out); w != "" {
				why = w
			}
		}
	}
	return why
}

// mutated says how a returned variable is changed after it is written
// (response.headers[...] = ...), which this reader does not follow; ""
// when it is not.
func (l *lambda) mutated(expr *Node, fn *Node) string {
	if !expr.Is("identifier") || fn == nil {
		return ""
	}
	name := l.text(expr)
	why := ""
	walkFunc(fn.Child("body"), true, func(n *Node) {
		if why != "" || !n.Is("assignment_expression", "augmented_assignment_expression", "call_expression") {
			return
		}
		target := n.Child("left")
		if n.Is("call_expression") {
			target = n.Child("function")
		}
		if t := l.text(target); strings.HasPrefix(t, name+".") || strings.HasPrefix(t, name+"[") {
			why = fmt.Sprintf("%s is changed at %d:%d", name, n.Line, n.Col)
		}
	})
	return why
}
