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
	// returns are its handler's paths, when its code was read path by path.
	returns []model.CodeReturn
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
		fn.adds, fn.returns = l.codeHeaders(props)
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

// codeHeaders finds what a function's code answers: inline code, or the
// handler's file under a local CodeUri within the linted tree. For a
// Node.js handler that the Code reader reads, returns lists every path;
// otherwise the code's text is searched for the header.
func (l *lowerer) codeHeaders(props *Node) (adds map[string]model.Span, returns []model.CodeReturn) {
	for _, inline := range []*Node{props.Get("InlineCode"), props.Path("Code", "ZipFile")} {
		if inline != nil && inline.Kind == Scalar {
			if i := indexFold(inline.Str, model.ACAO); i >= 0 {
				return map[string]model.Span{model.ACAO: inline.Span}, nil
			}
			return nil, nil
		}
	}
	uri := props.Get("CodeUri")
	if uri == nil || uri.Kind != Scalar || uri.Str == "" || strings.Contains(uri.Str, "://") || strings.Contains(uri.Str, "${") {
		return nil, nil
	}
	modDir, module, export, ok := splitHandler(props.Get("Handler").Text())
	if !ok {
		return nil, nil
	}
	dir := filepath.Join(filepath.Dir(l.t.Path), filepath.FromSlash(uri.Str))
	// No Root lets code be read from anywhere, as before.
	code := source.New(l.t.Path, source.Options{
		Root: l.t.Options.Root, AllowOutsideRoot: l.t.Options.AllowOutsideRoot || l.t.Options.Root == "", MaxFileSize: 4 << 20,
	})
	if !code.InRoot(dir) {
		return nil, nil
	}
	for _, ext := range handlerExts(props.Get("Runtime").Text()) {
		p := filepath.Join(dir, filepath.FromSlash(modDir), module+ext)
		src, err := code.Read(p)
		if err != nil {
			continue
		}
		// The code is not added to Sources: it is linted as a file of its
		// own (a JavaScript handler), not as a part of the template.
		if r := l.t.Options.Code; r != nil && isJS(ext) {
			if paths, ok := r.Returns(p, src, export); ok {
				return addsOf(paths), paths
			}
		}
		if i := indexFold(string(src), model.ACAO); i >= 0 {
			line := bytes.Count(src[:i], []byte("\n")) + 1
			start := bytes.LastIndexByte(src[:i], '\n') + 1
			return map[string]model.Span{model.ACAO: {File: p, Line: line, Col: i - start + 1, EndLine: line, EndCol: i - start + 1 + len(model.ACAO)}}, nil
		}
		return nil, nil
	}
	return nil, nil
}

// splitHandler splits a Handler the way the Node.js and Python runtimes
// do: the directory up to the last slash, then the module up to the first
// dot, then the export path ("src/handlers/app.api.get" is module app in
// src/handlers, export api.get).
func splitHandler(h string) (dir, module, export string, ok bool) {
	base := h
	if i := strings.LastIndexByte(h, '/'); i >= 0 {
		dir, base = h[:i], h[i+1:]
	}
	module, export, ok = strings.Cut(base, ".")
	if !ok || module == "" || export == "" {
		return "", "", "", false
	}
	return dir, module, export, true
}

// handlerExts lists the file names a runtime loads a module from, in its
// order. Node.js loads .js, .mjs or .cjs; a .ts source is what sam build
// (BuildMethod: esbuild) compiles into the .js it deploys. An unknown
// runtime (a container image, a runtime in Globals not set) tries them all.
func handlerExts(runtime string) []string {
	js := []string{".js", ".mjs", ".cjs", ".ts", ".mts", ".cts"}
	switch {
	case strings.HasPrefix(runtime, "nodejs"):
		return js
	case strings.HasPrefix(runtime, "python"):
		return []string{".py"}
	case strings.HasPrefix(runtime, "ruby"):
		return []string{".rb"}
	}
	return append(js, ".py", ".rb")
}

func isJS(ext string) bool {
	return ext != ".py" && ext != ".rb"
}

// addsOf is the headers some path returns, each at the first path that
// does.
func addsOf(paths []model.CodeReturn) map[string]model.Span {
	var out map[string]model.Span
	for _, p := range paths {
		for name, at := range p.Headers {
			if out == nil {
				out = map[string]model.Span{}
			}
			if _, ok := out[name]; !ok {
				out[name] = at
			}
		}
	}
	return out
}

func indexFold(s, sub string) int {
	return strings.Index(strings.ToLower(s), strings.ToLower(sub))
}

// upstream is the proxy fact of a Lambda integration.
func (l *lowerer) upstream(s *model.Scope, fnID string, at model.Span, proxy bool) *model.Upstream {
	u := &model.Upstream{Target: fnID, Scope: s, Span: at, Function: proxy, Hidden: map[string]model.Span{}}
	if fn := l.funcs[fnID]; fn != nil {
		u.Adds = fn.adds
		u.Returns = fn.returns
	}
	if fnID == "" {
		u.Target = "the integration"
	}
	return u
}
