package js

import (
	"sort"
	"strings"

	"github.com/corslint/corslint/model"
)

// lambdaHandlers lowers the Lambda proxy handlers a file exports: every
// exported function that returns (or passes to its callback) an object
// with a statusCode. Each such object is a response of the handler, with
// the headers and multiValueHeaders it carries, so the rules read them
// as they read a server's.
type lambdaHandlers struct{}

func (lambdaHandlers) lower(l *lowerer) {
	lr := &lambda{t: l.t}
	lr.top = lr.topDecls()
	found := false
	for _, ex := range lr.exports() {
		fn := lr.resolve(ex.value, nil)
		if !isFunction(fn) || !returnsResult(l, fn) {
			continue
		}
		found = true
		params := lr.params(fn)
		s := l.scope("lambda", ex.name, model.RoleServer, l.top, fn)
		w := &workerRun{
			l: l, s: s, h: &handler{l: l, s: s}, lambda: true,
			resps: map[string]*wresp{}, hdrs: map[string][]*model.HeaderOp{}, memo: map[*Node][]*model.HeaderOp{},
		}
		if len(params) > 0 {
			w.h.req = params[0]
		}
		if len(params) > 2 && !strings.HasPrefix(l.t.Text(fn), "async") {
			w.callback = params[2]
		}
		switch body := fn.Child("body"); {
		case body.Is("statement_block"):
			w.block(body.Named(), 0)
		case body != nil:
			w.emit(body, body)
		}
		l.file.Responses = append(l.file.Responses, w.out...)
	}
	if found && l.file.Advice == nil {
		l.file.Advice = lambdaAdvice{}
	}
}

// export is one name a file exports and its value.
type export struct {
	name  string
	value *Node
}

// exports lists the file's exports: ES module exports, exports.X and
// module.exports.X assignments, and module.exports = { X }.
func (l *lambda) exports() []export {
	var out []export
	for _, st := range l.t.Root.Kids {
		switch st.Type {
		case "export_statement":
			if d := st.Child("declaration"); d != nil {
				m := map[string]*Node{}
				l.declare(d, m)
				for name, v := range m {
					out = append(out, export{name, v})
				}
			}
		case "expression_statement":
			for _, a := range st.Kids {
				if !a.Is("assignment_expression") {
					continue
				}
				lt := l.text(a.Child("left"))
				switch {
				case strings.HasPrefix(lt, "exports."):
					out = append(out, export{strings.TrimPrefix(lt, "exports."), a.Child("right")})
				case strings.HasPrefix(lt, "module.exports."):
					out = append(out, export{strings.TrimPrefix(lt, "module.exports."), a.Child("right")})
				case lt == "module.exports":
					if obj := l.resolve(a.Child("right"), nil); obj.Is("object") {
						for _, p := range obj.Kids {
							switch p.Type {
							case "pair":
								out = append(out, export{l.key(p.Child("key")), p.Child("value")})
							case "shorthand_property_identifier":
								out = append(out, export{l.text(p), l.lookup(l.text(p), nil)})
							}
						}
					}
				}
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		return out[i].value != nil && out[j].value != nil && out[i].value.Start < out[j].value.Start
	})
	return out
}

// returnsResult reports whether fn returns or calls back with an object
// that has a statusCode: a Lambda proxy result.
func returnsResult(l *lowerer, fn *Node) bool {
	found := false
	walk(fn.Child("body"), func(n *Node) bool {
		if found {
			return false
		}
		if n.Is("pair") && l.t.Text(n.Child("key")) == "statusCode" {
			found = true
		}
		return true
	})
	return found
}

// lambdaAdvice is the fix advice for a Lambda handler: its returned
// objects carry the headers.
type lambdaAdvice struct{}

func (lambdaAdvice) Allowlist() string {
	return "compare event.headers.origin (HTTP API) or event.headers.Origin (REST API, as the client sent it) with a fixed list before returning it"
}

func (lambdaAdvice) VaryOrigin(*model.HeaderOp) string {
	return "add Vary: 'Origin' to the same headers object"
}

func (lambdaAdvice) VaryAppend(*model.HeaderOp) string {
	return "write Vary as the full list it must hold ('Origin, Accept-Encoding')"
}

func (lambdaAdvice) CacheKey() string {
	return "return Vary: 'Origin' and add the Origin header to the API's cache key parameters"
}

func (lambdaAdvice) HideUpstream(*model.Upstream) string {
	return "return the CORS headers from the function or let API Gateway add them, not both"
}

func (lambdaAdvice) AnswerOptions(generic string) string {
	return generic
}

func (lambdaAdvice) Always() string {
	return "return the CORS headers from every path, errors included (catch and return { statusCode: 500, headers })"
}

func (lambdaAdvice) AllowHeaders(*model.Scope) string {
	return "return Access-Control-Allow-Headers from the OPTIONS answer, or list them in the API's Cors AllowHeaders"
}
