package js

import "github.com/corslint/corslint/model"

// nodeHTTP lowers Node's own servers: http.createServer(handler) (and
// https's), whose one handler answers every request.
type nodeHTTP struct{}

func (nodeHTTP) lower(l *lowerer) {
	for _, c := range l.calls {
		obj, m := l.method(c)
		if obj == nil || m != "createServer" {
			continue
		}
		switch l.imports[l.t.Text(l.unparen(obj))] {
		case "http", "node:http", "https", "node:https":
		default:
			continue
		}
		as := args(c)
		if len(as) == 0 {
			continue
		}
		fn := l.resolve(as[len(as)-1])
		if fn == nil || !fn.Is("arrow_function", "function_expression", "function", "function_declaration") {
			continue
		}
		a := l.appFor("http.createServer()", c)
		hd := l.handlerOf(fn, a.scope)
		an := hd.answer
		if an == nil {
			an = &answer{source: model.FromHandler, at: l.t.Span(fn)}
		}
		an.ops = append(append([]*model.HeaderOp(nil), hd.pass...), an.ops...)
		ly := &layer{scope: a.scope, answer: an, preflight: hd.preflight, at: l.t.Span(fn)}
		a.layers = append(a.layers, ly)
		if hd.preflight == nil {
			// OPTIONS reaches the same handler as any method.
			ly.preflight = &answer{status: an.status, source: an.source, ops: an.ops, at: an.at}
		}
	}
}
