package js

import (
	"github.com/corslint/corslint/model"
)

// nextjs lowers the headers() of next.config.js (and .mjs, .ts): each
// entry's source is a route and its headers are set on the responses of
// that route. Next.js applies them to every response of a matching path;
// how it answers OPTIONS depends on the route handlers, which the
// configuration does not show, so no preflight answer is made up.
type nextjs struct{}

func (nextjs) lower(l *lowerer) {
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
