package js

import (
	"bytes"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/corslint/corslint/model"
)

// nextjs lowers the headers() of next.config.js (and .mjs, .ts): each
// entry's source is a route and its headers are set on the responses of
// that route. Next.js applies them to every response of a matching path;
// how it answers OPTIONS depends on the route handlers, which the
// configuration does not show, so no preflight answer is made up.
type nextjs struct{}

func (nextjs) lower(l *lowerer) {
	if isNextMiddleware(l.t.Path) && bytes.Contains(l.t.Src, []byte("next/server")) {
		l.nextMiddleware()
		return
	}
	if !isNextConfig(l.t.Path) {
		return
	}
	var fn *Node
	walk(l.t.Root, func(n *Node) bool {
		if fn != nil {
			return false
		}
		switch n.Type {
		case "method_definition":
			if l.t.Text(n.Child("name")) == "headers" {
				fn = n
			}
		case "pair":
			if l.t.Text(n.Child("key")) == "headers" {
				if v := l.resolve(n.Child("value")); v != nil && v.Is("arrow_function", "function_expression", "function") {
					fn = v
				}
			}
		}
		return true
	})
	if fn == nil {
		return
	}
	a := l.newApp("next.config", "headers()", fn)
	walk(fn.Child("body"), func(n *Node) bool {
		if n.Type != "return_statement" && !(n == fn.Child("body") && n.Type == "array") {
			return true
		}
		list := n
		if n.Type == "return_statement" {
			kids := n.Named()
			if len(kids) == 0 {
				return false
			}
			list = l.resolve(kids[0])
		}
		if list == nil || list.Type != "array" {
			return false
		}
		for _, e := range list.Named() {
			l.nextEntry(a, e)
		}
		return false
	})
}

// nextEntry lowers one { source, headers: [{ key, value }] } entry.
func (l *lowerer) nextEntry(a *app, e *Node) {
	props, ok := l.object(e)
	if !ok {
		return
	}
	src := get(props, "source")
	hs := get(props, "headers")
	if src == nil || hs == nil {
		return
	}
	path, ok := l.str(src.value)
	if !ok {
		return
	}
	s := l.scope("headers() source", path, model.RoleRoute, a.scope, e)
	s.Match = pathMatch(path, false)
	list := l.resolve(hs.value)
	if list == nil || list.Type != "array" {
		return
	}
	var ops []*model.HeaderOp
	for _, h := range list.Named() {
		kv, ok := l.object(h)
		if !ok {
			continue
		}
		k, v := get(kv, "key"), get(kv, "value")
		if k == nil || v == nil {
			continue
		}
		name, ok := l.str(k.value)
		if !ok {
			continue
		}
		val := model.Value{Kind: model.Unknown, Raw: l.t.Raw(v.value), Span: l.t.Span(v.value)}
		if s, ok := l.str(v.value); ok {
			val = model.LiteralValue(s, l.t.Span(v.value))
		} else if r := l.t.Raw(v.value); len(r) > 0 {
			val.Note = "the value is computed (" + r + "), so it is undecidable here"
		}
		ops = append(ops, l.op(s, name, model.Set, val, h, nil))
	}
	a.layers = append(a.layers, &layer{scope: s, match: s.Match, path: path, methods: nil,
		answer: &answer{source: model.FromHandler, ops: ops, at: l.t.Span(e)}})
}

// isNextMiddleware reports whether a file is Next.js middleware:
// middleware.{js,ts} at the project root or in src/ (proxy.{js,ts} from
// Next.js 16 on, which renamed it).
func isNextMiddleware(path string) bool {
	b := strings.ToLower(filepath.Base(path))
	ext := filepath.Ext(b)
	switch strings.TrimSuffix(b, ext) {
	case "middleware", "proxy":
	default:
		return false
	}
	switch ext {
	case ".js", ".mjs", ".ts", ".tsx", ".jsx":
		return true
	}
	return false
}

// nextMiddleware lowers the exported middleware (or proxy) function of a
// Next.js middleware file like a Worker's fetch handler: each response it
// returns is one response, NextResponse.next() the app's own with the
// headers set on it. The config's matcher decides which paths it runs
// for; without one it runs for every path.
func (l *lowerer) nextMiddleware() {
	var fn *Node
	var matchers []string
	for _, st := range l.t.Root.Kids {
		if !st.Is("export_statement") {
			continue
		}
		d := st.Child("declaration")
		if d == nil {
			d = st.Child("value")
		}
		switch {
		case d.Is("function_declaration", "generator_function_declaration"):
			if n := l.t.Text(d.Child("name")); n == "middleware" || n == "proxy" || strings.Contains(l.t.Text(st), "export default") {
				fn = d
			}
		case d.Is("lexical_declaration", "variable_declaration"):
			for _, v := range d.Named() {
				name, val := l.t.Text(v.Child("name")), l.resolve(v.Child("value"))
				switch {
				case (name == "middleware" || name == "proxy") && isFunction(val):
					fn = val
				case name == "config":
					matchers = l.nextMatchers(val)
				}
			}
		case isFunction(l.resolve(d)):
			fn = l.resolve(d)
		}
	}
	if fn == nil {
		return
	}
	srv := l.scope("next middleware", "middleware", model.RoleServer, l.top, fn)
	s := srv
	if len(matchers) > 0 {
		s = l.scope("config.matcher", strings.Join(matchers, " "), model.RoleRoute, srv, fn)
		s.Match = nextMatch(matchers)
	}
	w := &workerRun{
		l: l, h: &handler{l: l, s: s, req: firstParam(l, fn)}, s: s,
		resps: map[string]*wresp{}, hdrs: map[string][]*model.HeaderOp{}, memo: map[*Node][]*model.HeaderOp{},
	}
	switch body := fn.Child("body"); {
	case body.Is("statement_block"):
		w.block(body.Named(), 0)
	case body != nil:
		w.emit(body, body)
	}
	l.file.Responses = append(l.file.Responses, w.out...)
	l.file.Advice = workerAdvice{}
}

// nextMatchers reads config.matcher: a path or a list of paths (objects
// with a source too).
func (l *lowerer) nextMatchers(cfg *Node) []string {
	props, ok := l.object(cfg)
	if !ok {
		return nil
	}
	p := get(props, "matcher")
	if p == nil {
		return nil
	}
	v := l.resolve(p.value)
	items := []*Node{v}
	if v != nil && v.Type == "array" {
		items = v.Named()
	}
	var out []string
	for _, it := range items {
		if s, ok := l.str(it); ok {
			out = append(out, s)
			continue
		}
		if o, ok := l.object(it); ok {
			if src := get(o, "source"); src != nil {
				if s, ok := l.str(src.value); ok {
					out = append(out, s)
				}
			}
		}
	}
	return out
}

// nextMatch is the paths a matcher list takes. Next.js matchers are
// path-to-regexp patterns: '/api/:path*' is /api and every path under
// it.
func nextMatch(ms []string) *model.PathMatch {
	var alts []string
	for _, m := range ms {
		if i := strings.LastIndex(m, "/:"); i >= 0 && strings.HasSuffix(m, "*") && !strings.ContainsAny(m[i+2:len(m)-1], "/:*()?+") {
			prefix := m[:i]
			if !strings.ContainsAny(prefix, ":*()?+") {
				if len(ms) == 1 {
					return &model.PathMatch{Kind: model.PathPrefix, Pattern: prefix, Segment: true}
				}
				alts = append(alts, "^"+regexp.QuoteMeta(prefix)+"(/.*)?$")
				continue
			}
		}
		if re := pathMatch(m, false); re.Kind == model.PathRegex {
			alts = append(alts, re.Pattern)
		} else {
			alts = append(alts, "^"+regexp.QuoteMeta(m)+"/?$")
		}
	}
	return &model.PathMatch{Kind: model.PathRegex, Pattern: strings.Join(alts, "|")}
}

// spreadOps reads a spread into a headers object: another headers object,
// or ...(test && { ... }), whose headers are there only where the test
// holds (the Next.js CORS example spreads
// ...(isAllowedOrigin && { 'Access-Control-Allow-Origin': origin })).
func (w *workerRun) spreadOps(n *Node, depth int) []*model.HeaderOp {
	e := w.l.unparen(n)
	if e.Is("binary_expression") && w.l.t.Text(e.Child("operator")) == "&&" {
		w.h.conds = append(w.h.conds, w.h.condition(e.Child("left")))
		defer func() { w.h.conds = w.h.conds[:len(w.h.conds)-1] }()
		return w.headerOps(e.Child("right"), depth)
	}
	return w.headerOps(n, depth)
}
