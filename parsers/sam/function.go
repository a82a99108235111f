package sam

import (
	"bytes"
	"path/filepath"
	"strings"

	"github.com/corslint/corslint/model"
	"github.com/corslint/corslint/source"
)

// function is what the template says about a Lambda function.
type function struct {
	id     string
	key    *Node
	props  *Node
	events []event
	// adds are the response headers its code is known to set.
	adds map[string]model.Span
}

// event is one Api or HttpApi event of a SAM function.
type event struct {
	name   *Node // the event's key
	typ    string
	props  *Node
	api    string // RestApiId / ApiId target; "" for the implicit API
	path   string
	method string
}

func (l *lowerer) collectFunctions() {
	global := l.globals.Get("Function")
	l.each(func(r resource) {
		props := r.props
		if r.typ == "AWS::Serverless::Function" {
			props = withGlobals(global, props)
		}
		fn := &function{id: r.id, key: r.key, props: props}
		fn.adds = l.codeHeaders(props)
		evs := props.Get("Events")
		if evs != nil && evs.Kind == Map {
			for i, k := range evs.Keys {
				ev := evs.Vals[i]
				typ := ev.Get("Type").Text()
				if typ != "Api" && typ != "HttpApi" {
					continue
				}
				p := ev.Get("Properties")
				e := event{name: k, typ: typ, props: p, path: firstText(l.e, p.Get("Path")), method: strings.ToUpper(firstText(l.e, p.Get("Method")))}
				if typ == "Api" {
					e.api = refTarget(p.Get("RestApiId"))
				} else {
					e.api = refTarget(p.Get("ApiId"))
				}
				fn.events = append(fn.events, e)
			}
		}
		l.funcs[r.id] = fn
		l.fnOrder = append(l.fnOrder, r.id)
	}, "AWS::Serverless::Function", "AWS::Lambda::Function")
}

func firstText(e *evaluator, n *Node) string {
	for _, v := range e.scalars(n) {
		if !v.Unknown {
			return v.Str
		}
	}
	return ""
}

// codeHeaders looks for CORS headers in a function's code: inline code,
// or the handler's file under a local CodeUri within the linted tree.
func (l *lowerer) codeHeaders(props *Node) map[string]model.Span {
	for _, inline := range []*Node{props.Get("InlineCode"), props.Path("Code", "ZipFile")} {
		if inline != nil && inline.Kind == Scalar {
			if i := indexFold(inline.Str, model.ACAO); i >= 0 {
				return map[string]model.Span{model.ACAO: inline.Span}
			}
			return nil
		}
	}
	uri := props.Get("CodeUri")
	if uri == nil || uri.Kind != Scalar || uri.Str == "" || strings.Contains(uri.Str, "://") || strings.Contains(uri.Str, "${") {
		return nil
	}
	handler := props.Get("Handler").Text()
	module, _, ok := strings.Cut(handler, ".")
	if !ok || module == "" {
		return nil
	}
	dir := filepath.Join(filepath.Dir(l.t.Path), filepath.FromSlash(uri.Str))
	// No Root lets code be read from anywhere, as before.
	code := source.New(l.t.Path, source.Options{
		Root: l.t.Options.Root, AllowOutsideRoot: l.t.Options.AllowOutsideRoot || l.t.Options.Root == "", MaxFileSize: 4 << 20,
	})
	if !code.InRoot(dir) {
		return nil
	}
	for _, ext := range []string{".js", ".mjs", ".cjs", ".ts", ".py", ".rb"} {
		p := filepath.Join(dir, filepath.FromSlash(module)+ext)
		src, err := code.Read(p)
		if err != nil {
			continue
		}
		if i := indexFold(string(src), model.ACAO); i >= 0 {
			line := bytes.Count(src[:i], []byte("\n")) + 1
			start := bytes.LastIndexByte(src[:i], '\n') + 1
			return map[string]model.Span{model.ACAO: {File: p, Line: line, Col: i - start + 1, EndLine: line, EndCol: i - start + 1 + len(model.ACAO)}}
		}
		return nil
	}
	return nil
}

func indexFold(s, sub string) int {
	return strings.Index(strings.ToLower(s), strings.ToLower(sub))
}

// upstream is the proxy fact of a Lambda integration.
func (l *lowerer) upstream(s *model.Scope, fnID string, at model.Span, proxy bool) *model.Upstream {
	u := &model.Upstream{Target: fnID, Scope: s, Span: at, Function: proxy, Hidden: map[string]model.Span{}}
	if fn := l.funcs[fnID]; fn != nil {
		u.Adds = fn.adds
	}
	if fnID == "" {
		u.Target = "the integration"
	}
	return u
}
