package js

import (
	"strconv"
	"strings"

	"github.com/corslint/corslint/model"
)

// The frameworks whose route handlers are read like Express's: each
// registers a route with app.METHOD(path, ...handlers).
const (
	fwFastify = "fastify"
	fwHono    = "hono"
	fwKoa     = "koa" // @koa/router's routes
)

// fwName names a framework for messages.
func fwName(fw string) string {
	switch fw {
	case fwFastify:
		return "Fastify"
	case fwHono:
		return "Hono"
	case fwKoa:
		return "Koa"
	}
	return "Express"
}

// peerMethods are the route methods of Fastify and Hono, with the
// middleware registration: Fastify's hooks run for every route, Hono's
// use takes a path.
var peerMethods = map[string]string{
	"get": "get", "post": "post", "put": "put", "patch": "patch", "delete": "delete",
	"options": "options", "head": "head", "all": "all", "use": "use",
}

// peerRoute adds the handlers a Fastify or Hono call registers: routes
// (fastify.get('/x', opts?, handler), app.get('/x', handler)), Hono's
// app.use(path?, middleware) and Fastify's
// addHook('onRequest' | 'preHandler' | 'onSend', hook), which run for
// every route.
func (l *lowerer) peerRoute(a *app, c *Node, fw string) {
	_, m := l.method(c)
	as := args(c)
	if fw == fwFastify && m == "addHook" {
		if len(as) < 2 {
			return
		}
		if h, _ := l.str(as[0]); h != "onRequest" && h != "preHandler" && h != "onSend" {
			return
		}
		l.routeLayers(a, c, "use", "/", as[1:], fw)
		return
	}
	if fw == fwFastify && m == "route" && len(as) > 0 {
		l.fastifyRoute(a, c, as[0])
		return
	}
	if _, ok := peerMethods[m]; !ok || fw == fwFastify && m == "use" {
		return
	}
	path := ""
	if len(as) > 0 {
		if s, ok := l.str(as[0]); ok {
			path, as = s, as[1:]
		}
	}
	if fw == fwHono {
		// Hono's '*' and '/api/*' are every path and a prefix.
		path = strings.TrimSuffix(path, "/*")
	}
	if path == "" && m != "use" || !hasFunction(l, as) {
		return
	}
	l.routeLayers(a, c, m, path, as, fw)
}

// hasFunction reports whether a handler written in place (or bound to a
// name) is among as: the others are middleware read elsewhere.
func hasFunction(l *lowerer, as []*Node) bool {
	for _, x := range as {
		if r := l.resolve(x); r != nil && r.Is("arrow_function", "function_expression", "function", "function_declaration") {
			return true
		}
	}
	return false
}

// ownResponse reads a Hono handler's return of a Response it builds
// itself (return new Response(body, { status, headers })): Hono sends it
// with its own headers, and sets the ones set before over them only when
// a middleware before it touched c.res (hono/cors does); without one it
// drops what c.header set (measured with Hono 4.13.23).
func (h *handler) ownResponse(e *Node) bool {
	l := h.l
	e = l.unparen(e)
	if !e.Is("new_expression") || l.t.Text(e.Child("constructor")) != "Response" {
		return false
	}
	status := 200
	var ops []*model.HeaderOp
	if as := e.Child("arguments").Named(); len(as) > 1 {
		props, ok := l.object(as[1])
		if !ok {
			return false // an init from elsewhere: not claimed
		}
		if p := get(props, "status"); p != nil {
			status, _ = strconv.Atoi(l.t.Text(l.resolve(p.value)))
		}
		if p := get(props, "headers"); p != nil {
			var ok bool
			if ops, ok = h.headersObject(p.value); !ok {
				return false // headers built elsewhere: not claimed
			}
		}
	}
	h.answer = &answer{status: status, source: model.FromServer, ops: ops, at: l.t.Span(e), alone: true, over: true,
		why: "the handler returns a Response of its own, which Hono sends with its own headers, and those set before only when a middleware before it touched c.res"}
	return true
}

// fastifyRoute reads fastify.route({ method, url, onRequest, preHandler,
// handler }): the route's hooks run before its handler, for its methods
// only.
func (l *lowerer) fastifyRoute(a *app, c, opts *Node) {
	props, ok := l.object(opts)
	if !ok {
		return
	}
	u := get(props, "url")
	if u == nil {
		u = get(props, "path")
	}
	hp := get(props, "handler")
	mp := get(props, "method")
	if u == nil || hp == nil || mp == nil {
		return
	}
	path, ok := l.str(u.value)
	if !ok {
		return
	}
	var handlers []*Node
	for _, hook := range []string{"onRequest", "preHandler", "onSend"} {
		if p := get(props, hook); p != nil {
			if r := l.resolve(p.value); r != nil && r.Type == "array" {
				handlers = append(handlers, r.Named()...)
			} else {
				handlers = append(handlers, p.value)
			}
		}
	}
	handlers = append(handlers, hp.value)
	methods := []*Node{mp.value}
	if r := l.resolve(mp.value); r != nil && r.Type == "array" {
		methods = r.Named()
	}
	for _, mn := range methods {
		m, ok := l.str(mn)
		if !ok {
			continue
		}
		if _, known := peerMethods[strings.ToLower(m)]; known && !strings.EqualFold(m, "use") {
			l.routeLayers(a, c, strings.ToLower(m), path, handlers, fwFastify)
		}
	}
}
