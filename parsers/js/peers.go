package js

import (
	"strings"

	"github.com/corslint/corslint/model"
)

// corsLayer adds a CORS middleware's layer to an app: what it puts on
// every response it passes, and its own answer to preflights. It
// returns the layer, or nil when the options turn CORS off.
func (l *lowerer) corsLayer(a *app, lib *corsLib, s *model.Scope, call, opts *Node, match *model.PathMatch, path string) *layer {
	ch := l.corsConfig(lib, s, call, opts)
	if ch.off {
		return nil
	}
	ly := &layer{scope: s, match: match, path: path, pass: ch.actual, at: l.t.Span(call)}
	if ch.answers {
		ly.preflight = &answer{status: ch.status, source: model.FromServer, ops: ch.preflight, at: l.t.Span(call), when: ch.when}
	} else {
		ly.passOptions = ch.preflight
	}
	a.layers = append(a.layers, ly)
	return ly
}

// appFor returns the app a call makes when it is bound to a name (const
// app = new Koa(), const app = await NestFactory.create(...)), making it
// once.
func (l *lowerer) appFor(kind string, c *Node) *app {
	name := l.boundName(c)
	if name == "" {
		name = kind
	}
	if a := l.byName[name]; a != nil {
		return a
	}
	return l.newApp(kind, name, c)
}

// receiver returns the app a method call is made on (app.use(...)), or
// nil.
func (l *lowerer) receiver(c *Node, kind string) *app {
	obj, _ := l.method(c)
	if obj == nil {
		return nil
	}
	a := l.byName[l.t.Text(l.unparen(obj))]
	if a == nil || a.scope.Kind != kind {
		return nil
	}
	return a
}

// calledModule returns the module a call's function was imported from
// (cors(...) -> "cors", require('@fastify/cors') -> "@fastify/cors",
// new Hono() -> "hono#Hono").
func (l *lowerer) calledModule(c *Node) string {
	fn := l.unparen(c.Child("function"))
	if fn == nil {
		fn = l.unparen(c.Child("constructor"))
	}
	if fn == nil {
		return ""
	}
	if fn.Type == "identifier" {
		return l.imports[l.t.Text(fn)]
	}
	return l.requireOf(fn)
}

// nest lowers NestJS: NestFactory.create(Module, { cors }) and
// app.enableCors(options), which hand their options to the cors package
// (or to @fastify/cors under the Fastify adapter).
type nest struct{}

func (nest) lower(l *lowerer) {
	for _, c := range l.calls {
		obj, m := l.method(c)
		if obj == nil || m != "create" || l.t.Text(obj) != "NestFactory" {
			continue
		}
		a := l.appFor("NestFactory.create", c)
		lib := corsPackage
		as := args(c)
		if len(as) == 0 {
			continue
		}
		for _, x := range as[1:] {
			if strings.Contains(l.t.Text(x), "FastifyAdapter") {
				lib = fastifyCors
			}
		}
		a.scope.Label = lib.name
		for _, x := range as[1:] {
			props, ok := l.object(x)
			if !ok {
				continue
			}
			if p := get(props, "cors"); p != nil {
				switch r := l.resolve(p.value); {
				case r != nil && r.Type == "true":
					l.corsLayer(a, lib, a.scope, p.kn, nil, nil, "")
				case r != nil && r.Type == "object":
					l.corsLayer(a, lib, a.scope, p.kn, p.value, nil, "")
				}
			}
		}
	}
	for _, c := range l.calls {
		a := l.receiver(c, "NestFactory.create")
		if _, m := l.method(c); a == nil || m != "enableCors" {
			continue
		}
		var opts *Node
		if as := args(c); len(as) > 0 {
			opts = as[0]
		}
		lib := corsPackage
		if a.scope.Label == fastifyCors.name {
			lib = fastifyCors
		}
		l.corsLayer(a, lib, a.scope, c, opts, nil, "")
	}
}

// fastify lowers Fastify apps and fastify.register(@fastify/cors, opts).
type fastify struct{}

func (fastify) lower(l *lowerer) {
	for _, c := range l.calls {
		if l.calledModule(c) == "fastify" || l.calledModule(c) == "fastify#fastify" || l.calledModule(c) == "fastify#default" {
			a := l.appFor("fastify()", c)
			// Fastify 5 answers a path or method without a route with
			// 404, after the onRequest hooks ran.
			a.autoOptions, a.notFound = 404, 404
		}
	}
	var plugins []fastifyPlugin
	for _, c := range l.calls {
		a := l.fastifyReceiver(c, plugins)
		if _, m := l.method(c); a == nil || m != "register" {
			if a != nil {
				l.peerRoute(a, c, fwFastify)
			}
			continue
		}
		as := args(c)
		if len(as) == 0 {
			continue
		}
		var opts *Node
		if len(as) > 1 {
			opts = as[1]
		}
		plugin := l.resolve(as[0])
		if p, ok := l.fastifyPlugin(a, c, plugin, opts); ok {
			plugins = append(plugins, p)
			continue
		}
		mod := ""
		if plugin != nil && plugin.Type == "identifier" {
			mod = l.imports[l.t.Text(plugin)]
		} else if plugin != nil {
			mod = l.requireOf(plugin)
		}
		if mod != "@fastify/cors" && mod != "fastify-cors" {
			continue
		}
		l.corsLayer(a, fastifyCors, a.scope, c, opts, nil, "")
	}
}

// koa lowers Koa apps with app.use(cors(opts)) of @koa/cors, middleware
// written in place, and @koa/router routers mounted with
// app.use(router.routes()).
type koa struct{}

func (koa) lower(l *lowerer) {
	l.newCtor("koa", "new Koa()")
	l.newCtor("@koa/router", "new Router()")
	l.newCtor("koa-router", "new Router()")
	for _, a := range l.apps {
		switch a.scope.Kind {
		case "new Koa()":
			// Koa 2 answers what no middleware answers with 404,
			// keeping the headers set on the way.
			a.autoOptions, a.notFound = 404, 404
		case "new Router()":
			a.scope.Role = model.RoleOther // the app it is mounted on selects
		}
	}
	for _, c := range l.calls {
		if r := l.receiver(c, "new Router()"); r != nil {
			l.peerRoute(r, c, fwKoa)
			continue
		}
		a := l.receiver(c, "new Koa()")
		if _, m := l.method(c); a == nil || m != "use" {
			continue
		}
		for _, x := range args(c) {
			r := l.resolve(x)
			if r != nil && r.Is("arrow_function", "function_expression", "function", "function_declaration") {
				l.koaMiddleware(a, r)
				continue
			}
			if r != nil && r.Type == "call_expression" && l.koaRouterUse(a, r) {
				continue
			}
			if r == nil || r.Type != "call_expression" || l.calledModule(r) != "@koa/cors" {
				continue
			}
			var opts *Node
			if as := args(r); len(as) > 0 {
				opts = as[0]
			}
			if ly := l.corsLayer(a, koaCors, a.scope, r, opts, nil, ""); ly != nil {
				ly.keepOnError = !l.optionFalse(opts, "keepHeadersOnError")
			}
		}
	}
}

// optionFalse reports whether an options object sets name to false.
func (l *lowerer) optionFalse(opts *Node, name string) bool {
	if opts == nil {
		return false
	}
	props, ok := l.object(opts)
	if !ok {
		return false
	}
	p := get(props, name)
	return p != nil && l.falsy(p.value)
}

// koaRouterUse reads app.use(router.routes()), which mounts the router's
// routes at this point, and app.use(router.allowedMethods()), with which
// @koa/router answers OPTIONS for a path that has routes with 200 and
// Allow (measured with @koa/router 15.7.0: the headers middleware set
// before are kept).
func (l *lowerer) koaRouterUse(a *app, c *Node) bool {
	obj, m := l.method(c)
	if obj == nil {
		return false
	}
	r := l.byName[l.t.Text(l.unparen(obj))]
	if r == nil || r.scope.Kind != "new Router()" {
		return false
	}
	switch m {
	case "routes", "middleware":
		r.mounted = true
		r.scope.Parent = a.scope
		ly := &layer{scope: a.scope, mount: r, at: l.t.Span(c)}
		if p := l.koaPrefix(r); p != "" {
			ly.match = pathMatch(p, true)
		}
		a.layers = append(a.layers, ly)
	case "allowedMethods":
		a.autoOptions = 200
	}
	return true
}

// koaPrefix is the prefix option of new Router({ prefix }).
func (l *lowerer) koaPrefix(r *app) string {
	for name, vs := range l.bindings {
		if l.byName[name] != r || len(vs) != 1 || vs[0].Type != "new_expression" {
			continue
		}
		if as := vs[0].Child("arguments").Named(); len(as) > 0 {
			if props, ok := l.object(as[0]); ok {
				if p := get(props, "prefix"); p != nil {
					s, _ := l.str(p.value)
					return s
				}
			}
		}
	}
	return ""
}

// hono lowers Hono apps: app.use(path?, cors(opts)) of hono/cors.
type hono struct{}

func (hono) lower(l *lowerer) {
	l.newCtor("hono#Hono", "new Hono()")
	for _, a := range l.apps {
		if a.scope.Kind == "new Hono()" {
			// Hono 4 answers a path or method without a route with 404,
			// carrying the headers middleware set with c.header.
			a.autoOptions, a.notFound = 404, 404
		}
	}
	for _, c := range l.calls {
		a := l.receiver(c, "new Hono()")
		if a == nil {
			continue
		}
		_, m := l.method(c)
		if m == "use" || m == "all" || m == "options" {
			l.honoCors(a, c)
		}
		if m == "route" {
			l.honoMount(a, c)
			continue
		}
		if m == "basePath" {
			l.honoBasePath(a, c)
			continue
		}
		l.peerRoute(a, c, fwHono)
	}
}

// honoCors adds the layers of hono/cors in app.use(path?, cors(opts)).
func (l *lowerer) honoCors(a *app, c *Node) {
	as := args(c)
	path := ""
	if len(as) > 0 {
		if s, ok := l.str(as[0]); ok {
			path, as = s, as[1:]
		}
	}
	for _, x := range as {
		r := l.resolve(x)
		if r == nil || r.Type != "call_expression" || l.calledModule(r) != "hono/cors#cors" {
			continue
		}
		var opts *Node
		if ca := args(r); len(ca) > 0 {
			opts = ca[0]
		}
		s := a.scope
		var match *model.PathMatch
		if p := strings.TrimSuffix(path, "*"); p != "" && p != "/" {
			match = &model.PathMatch{Kind: model.PathPrefix, Pattern: p}
			s = l.scope("app.use", path, model.RoleRoute, a.scope, c)
			s.Match = match
		}
		if ly := l.corsLayer(a, honoCors, s, r, opts, match, strings.TrimSuffix(path, "*")); ly != nil {
			ly.resOwner = true // it sets its headers on c.res
		}
	}
}

// newCtor makes an app for every new X() whose X was imported as mod.
func (l *lowerer) newCtor(mod, kind string) {
	walk(l.t.Root, func(n *Node) bool {
		if n.Type == "new_expression" {
			if id := l.unparen(n.Child("constructor")); id != nil && id.Type == "identifier" && l.imports[l.t.Text(id)] == mod {
				l.appFor(kind, n)
			}
		}
		return true
	})
}

// koaMiddleware reads async (ctx, next) => { ... }: ctx.set for headers,
// ctx.get('Origin') for the origin, ctx.status = 204 and a return
// without next() for an answer.
func (l *lowerer) koaMiddleware(a *app, fn *Node) {
	h := &handler{l: l, s: a.scope, koa: true}
	var names []string
	if p := fn.Child("parameter"); p != nil {
		names = append(names, l.t.Text(p))
	}
	for _, p := range fn.Child("parameters").Named() {
		if pat := p.Child("pattern"); pat != nil {
			p = pat
		}
		names = append(names, l.t.Text(p))
	}
	if len(names) == 0 {
		return
	}
	h.req, h.res = names[0], names[0]
	body := fn.Child("body")
	if body == nil || body.Type != "statement_block" {
		return
	}
	h.block(body.Named(), 0)
	a.layers = append(a.layers, &layer{scope: a.scope, pass: h.pass, preflight: h.preflight, at: l.t.Span(fn)})
}

// honoMount reads app.route('/api', api): the routes and middleware of
// the Hono app api answer under /api, after what app has before it.
func (l *lowerer) honoMount(a *app, c *Node) {
	as := args(c)
	if len(as) != 2 {
		return
	}
	path, ok := l.str(as[0])
	sub := l.byName[l.t.Text(l.unparen(as[1]))]
	if !ok || sub == nil || sub == a || sub.scope.Kind != "new Hono()" || sub.mounted {
		return
	}
	l.honoMountAt(a, sub, path, c)
}
