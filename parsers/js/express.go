package js

import (
	"strconv"
	"strings"

	"github.com/corslint/corslint/model"
)

// express lowers Express apps and routers: express() and
// express.Router(), with app.use, app.METHOD, app.all, app.options and
// app.route(path).METHOD, the cors package, and hand-written middleware.
type express struct{}

var expressMethods = map[string]string{
	"get": "GET", "post": "POST", "put": "PUT", "patch": "PATCH", "delete": "DELETE",
	"options": "OPTIONS", "head": "HEAD", "all": "", "use": "",
}

func (express) lower(l *lowerer) {
	// Apps and routers first, by the names they are bound to.
	for _, c := range l.calls {
		kind := l.expressCtor(c)
		if kind == "" {
			continue
		}
		name := l.boundName(c)
		if name == "" || l.byName[name] != nil {
			continue
		}
		a := l.newApp(kind, name, c)
		a.autoOptions = 200 // Express's router answers OPTIONS with 200 and Allow
		a.notFound = 404    // finalhandler, keeping the headers already set
		if kind == "express.Router()" {
			// A router selects nothing itself: the app it is mounted on
			// is the server, its routes are the app's.
			a.scope.Role = model.RoleOther
		}
	}
	for _, c := range l.calls {
		obj, m := l.method(c)
		if obj == nil {
			continue
		}
		if _, ok := expressMethods[m]; !ok {
			continue
		}
		path := ""
		a := l.byName[l.t.Text(l.unparen(obj))]
		if a == nil {
			// app.route('/x').get(...).post(...)
			inner := l.unparen(obj)
			var o2 *Node
			m2 := ""
			for inner != nil && inner.Type == "call_expression" {
				o2, m2 = l.method(inner)
				if m2 == "route" || o2 == nil {
					break
				}
				if _, ok := expressMethods[m2]; !ok {
					break
				}
				inner = l.unparen(o2)
			}
			if inner == nil || inner.Type != "call_expression" || m2 != "route" || o2 == nil {
				continue
			}
			if a = l.byName[l.t.Text(l.unparen(o2))]; a == nil {
				continue
			}
			if as := args(inner); len(as) > 0 {
				path, _ = l.str(as[0])
			}
			if m == "use" {
				continue
			}
		}
		if !strings.HasPrefix(a.scope.Kind, "express") {
			continue
		}
		l.expressLayer(a, c, m, path, "")
	}
}

// expressCtor says whether a call makes an Express app or router.
func (l *lowerer) expressCtor(c *Node) string {
	fn := l.unparen(c.Child("function"))
	if fn == nil {
		return ""
	}
	if fn.Type == "identifier" {
		switch l.imports[l.t.Text(fn)] {
		case "express":
			return "express()"
		case "express#Router", "router":
			return "express.Router()"
		}
		return ""
	}
	if fn.Type == "member_expression" && l.t.Text(fn.Child("property")) == "Router" {
		if id := l.unparen(fn.Child("object")); id != nil && l.imports[l.t.Text(id)] == "express" {
			return "express.Router()"
		}
	}
	return ""
}

// boundName is the name a call's result is bound to (const app =
// express()), or "".
func (l *lowerer) boundName(c *Node) string {
	for name, vs := range l.bindings {
		for _, v := range vs {
			for i := 0; v != nil && i < 3 && v.Type == "await_expression"; i++ {
				if k := v.Named(); len(k) > 0 {
					v = k[0]
				}
			}
			if v == c || l.unparen(v) == c {
				return name
			}
		}
	}
	return ""
}

// expressLayer adds the layers of one app.METHOD(path?, ...handlers)
// call. fw is the framework whose handlers these are: "" for Express,
// or fwFastify or fwHono, which register routes the same way.
func (l *lowerer) expressLayer(a *app, c *Node, m, path string, fw string) {
	l.routeLayers(a, c, m, path, args(c), fw)
}

// routeLayers adds the layers of a route or middleware registration
// whose handlers (after an optional path) are as.
func (l *lowerer) routeLayers(a *app, c *Node, m, path string, as []*Node, fw string) {
	if path == "" && len(as) > 0 {
		if s, ok := l.str(as[0]); ok {
			path = s
			as = as[1:]
		} else if r := l.resolve(as[0]); r != nil && r.Type == "array" {
			as = as[1:] // several paths: read as every path
		}
	}
	if m == "get" && path == "" && len(args(c)) == 1 && fw == "" {
		return // app.get('setting')
	}
	var methods []string
	if mm := expressMethods[m]; mm != "" {
		methods = []string{mm}
		if mm == "GET" {
			methods = append(methods, "HEAD")
		}
	}
	use := m == "use"
	var match *model.PathMatch
	if path != "" && !(use && path == "/") {
		match = pathMatch(path, use)
	}
	s := a.scope
	if !use {
		label := path
		if label == "" {
			label = "/"
		}
		s = l.scope("app."+m, label, model.RoleRoute, a.scope, c)
		s.Match = match
	} else if match != nil {
		s = l.scope("app.use", path, model.RoleRoute, a.scope, c)
		s.Match = match
	}
	for i, h := range as {
		last := i == len(as)-1
		ly := &layer{scope: s, match: match, path: path, methods: methods, at: l.t.Span(h)}
		r := l.resolve(h)
		switch {
		case r == nil:
			continue
		case fw != "" && r.Type != "arrow_function" && r.Type != "function_expression" && r.Type != "function" && r.Type != "function_declaration":
			// Fastify's route options, Hono's cors(): read by their
			// framework's own lowering.
			continue
		case h.Type == "identifier" && l.byName[l.t.Text(h)] != nil:
			sub := l.byName[l.t.Text(h)]
			sub.mounted = true
			sub.scope.Parent = s
			ly.mount = sub
		case r.Type == "call_expression" && l.isCorsCall(r):
			var opts *Node
			if ca := args(r); len(ca) > 0 {
				opts = ca[0]
			}
			ch := l.corsConfig(corsPackage, s, r, opts)
			if ch.off {
				continue
			}
			if opts != nil {
				ly.fail = l.originFailure(opts)
			}
			ly.pass = ch.actual
			if ch.answers {
				ly.preflight = &answer{status: ch.status, source: model.FromServer, ops: ch.preflight, at: l.t.Span(r), when: ch.when}
			} else {
				ly.passOptions = ch.preflight
			}
			if hasMethod(methods, "OPTIONS") && !ch.answers {
				ly.answer = nil
			}
		case r.Is("arrow_function", "function_expression", "function", "function_declaration"):
			hd := l.handlerIn(r, s, fw)
			ly.pass = hd.pass
			ly.preflight = hd.preflight
			ly.fail = hd.fail
			if !use && last {
				ly.failures = hd.failures
				an := hd.answer
				if an == nil && hd.thrown != nil && hd.thrown.status != 0 {
					an = hd.thrown
					an.why = "the handler throws, so " + fwName(fw) + "'s default error handler answers " + strconv.Itoa(an.status) + ", keeping the headers set before"
					if fw == fwKoa {
						// Koa's ctx.onerror removes every header set.
						an.alone = true
						an.why = "the handler throws, so Koa's default error handler answers " + strconv.Itoa(an.status) + ", after removing every header set before"
					}
				}
				if an == nil {
					an = &answer{source: model.FromHandler, at: l.t.Span(h)}
				}
				switch {
				case len(methods) == 1 && methods[0] == "OPTIONS" && hd.preflight != nil:
					// An OPTIONS route whose handler tests for OPTIONS (a
					// route for several methods): the branch answers, with
					// the headers set before it.
					an = hd.preflight
				case !an.alone:
					an.ops = append(append([]*model.HeaderOp(nil), hd.pass...), an.ops...)
				}
				ly.pass = nil
				ly.answer = an
				if hasMethod(methods, "OPTIONS") {
					ly.preflight = an
				}
			}
		default:
			// Middleware from elsewhere: it passes the request on as far
			// as this file says.
			if !use && last {
				ly.answer = &answer{source: model.FromHandler, at: l.t.Span(h)}
			}
		}
		a.layers = append(a.layers, ly)
	}
}

// isCorsCall reports whether a call is cors(...) of the cors package.
func (l *lowerer) isCorsCall(c *Node) bool {
	fn := l.unparen(c.Child("function"))
	return fn != nil && fn.Type == "identifier" && l.imports[l.t.Text(fn)] == "cors"
}
