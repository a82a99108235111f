package js

import (
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/corslint/corslint/model"
)

// maxDepth bounds how deep lowering follows nested expressions and
// statements; deeper code is not looked at (tree-sitter itself parses
// any depth).
const maxDepth = 200

// A framework recognises the calls of one HTTP framework in a file and
// adds its apps, with their middleware and routes, to the lowerer. Each
// framework is one value in frameworks(); a new one (Workers, Lambda
// handlers) is a type with this method and a line there.
type framework interface {
	lower(l *lowerer)
}

// frameworks returns every framework, in the order they look at a file.
func frameworks() []framework {
	return []framework{express{}, nest{}, fastify{}, koa{}, hono{}, nextjs{}, nodeHTTP{}, worker{}, lambdaHandlers{}}
}

// Lower turns a parsed file into the model.
func Lower(t *Tree) *model.File {
	f := &model.File{
		Path:        t.Path,
		Dialect:     model.JavaScript,
		Sources:     map[string][]byte{t.Path: t.Src},
		Diagnostics: t.Diagnostics,
		Comments:    t.Comments,
		// Application routers choose by method, CORS middleware options
		// set the headers of many routes, and a Worker's Headers object
		// keeps one entry per name.
		Serving: model.Serving{MethodRouting: true, AppendJoinsUpstream: true, CORSFromSettings: true},
	}
	if t.Root == nil {
		return f
	}
	l := newLowerer(t, f)
	for _, fw := range frameworks() {
		fw.lower(l)
	}
	for _, a := range l.apps {
		if !a.mounted {
			l.respond(a)
		}
	}
	explainRefusals(f)
	// Routers are mounted after their scopes were made: parents first.
	depth := func(s *model.Scope) int {
		d := 0
		for ; s.Parent != nil && d < 64; s = s.Parent {
			d++
		}
		return d
	}
	sort.SliceStable(f.Scopes, func(i, j int) bool { return depth(f.Scopes[i]) < depth(f.Scopes[j]) })
	sort.SliceStable(f.Matchers, func(i, j int) bool { return f.Matchers[i].Span.Before(f.Matchers[j].Span) })
	sort.SliceStable(f.Headers, func(i, j int) bool { return f.Headers[i].Span.Before(f.Headers[j].Span) })
	return f
}

// lowerer holds what one file's lowering has found so far.
type lowerer struct {
	t    *Tree
	file *model.File
	top  *model.Scope
	// bindings maps a name to the values assigned to it anywhere in the
	// file (declarations and assignments), in source order. Scoping is
	// ignored: a name bound twice to different things is ambiguous, and
	// resolve then gives up.
	bindings map[string][]*Node
	// imports maps a local name to the module it was imported or
	// required from ("cors" -> "cors", "Hono" -> "hono").
	imports map[string]string
	apps    []*app
	byName  map[string]*app
	calls   []*Node // every call expression, in source order
	// preflights are the preflight answers added, per route.
	preflights map[preflightKey]bool
	// tests are the origin tests read from expressions names stand for;
	// following counts the names being followed.
	tests     map[*Node]originResult
	following int
}

func newLowerer(t *Tree, f *model.File) *lowerer {
	l := &lowerer{t: t, file: f, bindings: map[string][]*Node{}, imports: map[string]string{}, byName: map[string]*app{}, preflights: map[preflightKey]bool{}, tests: map[*Node]originResult{}}
	l.top = &model.Scope{Kind: "module", Label: t.Path, Role: model.RoleFile, Layer: model.Origin, Span: t.Span(t.Root),
		Unmodelled: "the code answers outside any app the parser recognised"}
	f.Scopes = append(f.Scopes, l.top)
	l.index()
	return l
}

// index records bindings, imports and calls in one pass over the tree.
func (l *lowerer) index() {
	stack := []*Node{l.t.Root}
	for len(stack) > 0 {
		n := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		switch n.Type {
		case "variable_declarator":
			name, val := n.Child("name"), n.Child("value")
			if val != nil {
				l.bindPattern(name, val)
			}
		case "assignment_expression":
			if left := n.Child("left"); left != nil && left.Type == "identifier" {
				l.bindings[l.t.Text(left)] = append(l.bindings[l.t.Text(left)], n.Child("right"))
			}
		case "function_declaration":
			if name := n.Child("name"); name != nil {
				l.bindings[l.t.Text(name)] = append(l.bindings[l.t.Text(name)], n)
			}
		case "import_statement":
			l.importStatement(n)
		case "call_expression":
			l.calls = append(l.calls, n)
		}
		for i := len(n.Kids) - 1; i >= 0; i-- {
			stack = append(stack, n.Kids[i])
		}
	}
}

// bindPattern binds a declarator's name (or the names of a destructuring
// pattern) to its value; require() records an import.
func (l *lowerer) bindPattern(name, val *Node) {
	mod := l.requireOf(val)
	switch name.Type {
	case "identifier":
		l.bindings[l.t.Text(name)] = append(l.bindings[l.t.Text(name)], val)
		if mod != "" {
			l.imports[l.t.Text(name)] = mod
		}
	case "object_pattern":
		for _, k := range name.Named() {
			switch k.Type {
			case "shorthand_property_identifier_pattern":
				if mod != "" {
					l.imports[l.t.Text(k)] = mod + "#" + l.t.Text(k)
				}
			case "pair_pattern":
				if v := k.Child("value"); v != nil && v.Type == "identifier" && mod != "" {
					l.imports[l.t.Text(v)] = mod + "#" + l.t.Text(k.Child("key"))
				}
			}
		}
	}
}

// requireOf returns the module of require('m') or require('m').x, or "".
func (l *lowerer) requireOf(n *Node) string {
	for n != nil && n.Type == "member_expression" {
		n = n.Child("object")
	}
	for n != nil && n.Type == "await_expression" {
		kids := n.Named()
		if len(kids) == 0 {
			return ""
		}
		n = kids[0]
	}
	if n == nil || n.Type != "call_expression" {
		return ""
	}
	fn := n.Child("function")
	if fn == nil || (l.t.Text(fn) != "require" && fn.Type != "import") {
		return ""
	}
	args := n.Child("arguments").Named()
	if len(args) == 0 {
		return ""
	}
	s, ok := l.str(args[0])
	if !ok {
		return ""
	}
	return s
}

// importStatement records import x from 'm', import {a as b} from 'm',
// import * as x from 'm'. A named import is recorded as "m#name".
func (l *lowerer) importStatement(n *Node) {
	src := n.Child("source")
	mod, ok := l.str(src)
	if !ok {
		return
	}
	for _, c := range n.Named() {
		if c.Type != "import_clause" {
			continue
		}
		for _, k := range c.Named() {
			switch k.Type {
			case "identifier":
				l.imports[l.t.Text(k)] = mod
			case "namespace_import":
				for _, id := range k.Named() {
					l.imports[l.t.Text(id)] = mod
				}
			case "named_imports":
				for _, spec := range k.Named() {
					name, alias := spec.Child("name"), spec.Child("alias")
					local := name
					if alias != nil {
						local = alias
					}
					if name != nil {
						l.imports[l.t.Text(local)] = mod + "#" + l.t.Text(name)
					}
				}
			}
		}
	}
}

// resolve follows identifiers (and parentheses, TypeScript casts and
// awaits) to the expression they stand for, when the file binds them
// once.
func (l *lowerer) resolve(n *Node) *Node {
	for i := 0; n != nil && i < 8; i++ {
		switch n.Type {
		case "parenthesized_expression", "as_expression", "satisfies_expression", "non_null_expression", "type_assertion":
			kids := n.Named()
			if len(kids) == 0 {
				return n
			}
			n = kids[0]
			continue
		case "identifier":
			bs := l.bindings[l.t.Text(n)]
			if len(bs) != 1 {
				return n
			}
			n = bs[0]
			continue
		}
		return n
	}
	return n
}

// str returns the value of a string literal (or a template without
// substitutions, or a name bound once to one).
func (l *lowerer) str(n *Node) (string, bool) {
	n = l.resolve(n)
	if n == nil {
		return "", false
	}
	switch n.Type {
	case "string":
		var b strings.Builder
		for _, k := range n.Kids {
			switch k.Type {
			case "string_fragment":
				b.WriteString(l.t.Text(k))
			case "escape_sequence":
				b.WriteString(unescape(l.t.Text(k)))
			}
		}
		return b.String(), true
	case "template_string":
		var b strings.Builder
		for _, k := range n.Kids {
			switch k.Type {
			case "template_substitution":
				return "", false
			case "string_fragment":
				b.WriteString(l.t.Text(k))
			case "escape_sequence":
				b.WriteString(unescape(l.t.Text(k)))
			}
		}
		// Older grammars keep the text between the backticks unsplit.
		if b.Len() == 0 && n.End-n.Start > 2 {
			return l.t.Text(n)[1 : n.End-n.Start-1], true
		}
		return b.String(), true
	}
	return "", false
}

func unescape(s string) string {
	if len(s) == 2 {
		switch s[1] {
		case 'n':
			return "\n"
		case 't':
			return "\t"
		case 'r':
			return "\r"
		default:
			return s[1:]
		}
	}
	return s
}

// path returns the dotted form of a member chain (req.headers.origin;
// req.headers['origin'] too), or "".
func (l *lowerer) path(n *Node) string {
	switch {
	case n == nil:
		return ""
	case n.Type == "identifier" || n.Type == "this" || n.Type == "property_identifier":
		return l.t.Text(n)
	case n.Type == "member_expression":
		obj := l.path(n.Child("object"))
		if obj == "" {
			return ""
		}
		return obj + "." + l.t.Text(n.Child("property"))
	case n.Type == "subscript_expression":
		obj := l.path(n.Child("object"))
		s, ok := l.str(n.Child("index"))
		if obj == "" || !ok {
			return ""
		}
		return obj + "." + s
	case n.Type == "non_null_expression" || n.Type == "parenthesized_expression":
		if k := n.Named(); len(k) > 0 {
			return l.path(k[0])
		}
	}
	return ""
}

// args returns a call's arguments.
func args(call *Node) []*Node {
	return call.Child("arguments").Named()
}

// method returns the object and method name of a call obj.m(...), or
// nil and "".
func (l *lowerer) method(call *Node) (*Node, string) {
	fn := call.Child("function")
	if fn == nil || fn.Type != "member_expression" {
		return nil, ""
	}
	return fn.Child("object"), l.t.Text(fn.Child("property"))
}

// object returns the properties of an object literal by key, in order.
type property struct {
	key   string
	kn    *Node // the whole pair, for spans
	value *Node
}

func (l *lowerer) object(n *Node) ([]property, bool) {
	n = l.resolve(n)
	if n == nil || n.Type != "object" {
		return nil, false
	}
	var out []property
	for _, p := range n.Named() {
		switch p.Type {
		case "pair":
			k := p.Child("key")
			key := l.t.Text(k)
			if s, ok := l.str(k); ok {
				key = s
			}
			out = append(out, property{key: key, kn: p, value: p.Child("value")})
		case "shorthand_property_identifier":
			out = append(out, property{key: l.t.Text(p), kn: p, value: p})
		case "method_definition":
			// origin(origin, callback) { ... }: the option is the method.
			k := p.Child("name")
			key := l.t.Text(k)
			if s, ok := l.str(k); ok {
				key = s
			}
			out = append(out, property{key: key, kn: p, value: p})
		}
	}
	return out, true
}

func get(props []property, key string) *property {
	for i := range props {
		if props[i].key == key {
			return &props[i]
		}
	}
	return nil
}

// op adds a header statement in scope s at node at.
func (l *lowerer) op(s *model.Scope, name string, o model.Op, v model.Value, at *Node, when *model.Condition) *model.HeaderOp {
	h := &model.HeaderOp{
		Name: model.CanonicalName(name), Op: o, Value: v, Delivery: model.Always,
		Scope: s, Layer: model.Origin, Span: l.t.Span(at), Raw: l.t.Raw(at), When: when,
	}
	// Middleware runs before the handler, and what the handler and
	// compression add to Vary later they append (the vary package), so a
	// Vary set here replaces none of theirs.
	h.OwnTable = h.Name == model.Vary
	s.Own = append(s.Own, h)
	l.file.Headers = append(l.file.Headers, h)
	return h
}

// scope adds a scope under parent.
func (l *lowerer) scope(kind, label string, role model.Role, parent *model.Scope, at *Node) *model.Scope {
	s := &model.Scope{Kind: kind, Label: label, Role: role, Parent: parent, Layer: model.Origin, Span: l.t.Span(at)}
	l.file.Scopes = append(l.file.Scopes, s)
	return s
}

// matcher records an origin allowlist.
func (l *lowerer) matcher(m *model.Matcher) *model.Matcher {
	l.file.Matchers = append(l.file.Matchers, m)
	return m
}

// explainRefusals says why the code refuses preflights where its routes
// expect them: an answer with an error status that OPTIONS reaches
// (app.options('*', (req, res) => res.sendStatus(405)), a Lambda's
// OPTIONS branch with statusCode 405, a Worker's fallback for the
// methods it does not serve) on a route whose other answers send
// Access-Control-Allow-Origin for requests a browser preflights. A
// refusal under a test of the origin or anything else is a choice and
// left alone.
func explainRefusals(f *model.File) {
	for _, r := range slices.Clone(f.Responses) {
		if r.Source != model.FromServer || r.Status < 400 || r.Why != "" || len(r.Conds) > 0 || !preflightExpected(f, r) {
			continue
		}
		why := "the code answers OPTIONS with " + strconv.Itoa(r.Status) + " here, while the route's other answers send Access-Control-Allow-Origin for requests that browsers preflight; answer OPTIONS first with 204 and the CORS headers"
		switch {
		case r.IsPreflightAnswer():
			r.Why = why
		case r.Methods == nil && r.Route != nil && r.Route.Kind == "worker" && reachedByOptions(f, r):
			// A Worker's fallback for the methods it does not serve:
			// OPTIONS gets it too.
			pre := *r
			pre.Methods = []string{"OPTIONS"}
			pre.Why = "OPTIONS is none of the methods the fetch handler serves, so " + why
			f.Responses = append(f.Responses, &pre)
		}
	}
}

// reachedByOptions reports whether an OPTIONS request gets r: every other
// answer of its route is for methods other than OPTIONS.
func reachedByOptions(f *model.File, r *model.Response) bool {
	for _, o := range f.Responses {
		if o != r && o.Route == r.Route && (o.Methods == nil || o.ForMethod("OPTIONS")) {
			return false
		}
	}
	return true
}

// preflightExpected reports whether another answer of r's route sends
// Access-Control-Allow-Origin for a request browsers preflight: its
// methods include one beyond GET, HEAD and POST, or it allows such a
// method or request headers.
func preflightExpected(f *model.File, r *model.Response) bool {
	for _, o := range f.Responses {
		if o == r || o.Route != r.Route || o.IsPreflightAnswer() || o.Status >= 400 || len(o.Ops(model.ACAO)) == 0 {
			continue
		}
		for _, m := range o.Methods {
			if !simpleMethod(m) {
				return true
			}
		}
		if len(o.Ops(model.ACAH)) > 0 {
			return true
		}
		for _, op := range o.Ops(model.ACAM) {
			if op.Value.Kind != model.Literal {
				continue
			}
			for _, m := range strings.Split(op.Value.Text, ",") {
				if m = strings.TrimSpace(m); m != "" && !simpleMethod(m) {
					return true
				}
			}
		}
	}
	return false
}

func simpleMethod(m string) bool {
	switch strings.ToUpper(m) {
	case "GET", "HEAD", "POST", "OPTIONS":
		return true
	}
	return false
}
