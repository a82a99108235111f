package oracle

import "fmt"

// The peers of Express in the oracle suite, at the versions
// oracle/testdata/node pins: Fastify 5.12.8 with @fastify/cors 11.4.3,
// Koa 2.16.4 with @koa/cors 5.0.0 and @koa/router 15.7.0, and Hono
// 4.13.23 with hono/cors on @hono/node-server 2.1.11. Each app serves the
// same routes: GET and PUT /api/data, and GET /api/boom, which throws.

// fastifyApp is a Fastify application with body between its creation
// and the listen call.
func fastifyApp(body string) string {
	return `const fastify = require('fastify')();
const cors = require('@fastify/cors');
` + body + `
fastify.listen({ port: Number(process.env.PORT), host: process.env.HOST });
`
}

// fastifyRoutes are the routes most Fastify scenarios serve, on the
// instance named app.
func fastifyRoutes(app string) string {
	return `
` + app + `.get('/api/data', async () => ({ data: true }));
` + app + `.put('/api/data', async () => ({ updated: true }));
` + app + `.get('/api/boom', async () => {
  throw new Error('boom');
});
`
}

// koaApp is a Koa application with @koa/router, body before the
// router's routes are mounted.
func koaApp(body string) string {
	return `const Koa = require('koa');
const Router = require('@koa/router');
const cors = require('@koa/cors');

const app = new Koa();
const router = new Router();
router.get('/api/data', (ctx) => {
  ctx.body = { data: true };
});
router.put('/api/data', (ctx) => {
  ctx.body = { updated: true };
});
router.get('/api/boom', () => {
  throw new Error('boom');
});
` + body + `
app.use(router.routes());
app.listen(Number(process.env.PORT), process.env.HOST);
`
}

// honoApp is a Hono application served by @hono/node-server, with body
// between the app's creation and serve.
func honoApp(create, body string) string {
	return `const { Hono } = require('hono');
const { cors } = require('hono/cors');
const { serve } = require('@hono/node-server');

const app = ` + create + `;
` + body + `
serve({ fetch: app.fetch, port: Number(process.env.PORT), hostname: process.env.HOST });
`
}

// honoRoutes are the routes most Hono scenarios serve.
const honoRoutes = `
app.get('/api/data', (c) => c.json({ data: true }));
app.put('/api/data', (c) => c.json({ updated: true }));
app.get('/api/boom', () => {
  throw new Error('boom');
});
`

// The fetches of the peer scenarios.
var (
	peerGetCred = Request{Path: "/api/data", Credentials: true}
	peerPutJSON = Request{Path: "/api/data", Method: "PUT", Headers: map[string]string{"Content-Type": "application/json"}}
	peerMissing = Request{Path: "/api/missing", Credentials: true}
	peerBoom    = Request{Path: "/api/boom", Credentials: true}
)

// credentialed is what a trusted, credentialed request's answer carries
// under each peer's cors with an allowlist and credentials.
func credentialed(status int) *WireFacts {
	return wire(status, pinned{acao: {"{{.PageOrigin}}"}, acac: {"true"}, vary: {"Origin"}})
}

// allowedCredentialed is a credentialed answer Chromium lets the page read.
func allowedCredentialed(status int) Expect {
	return Expect{Allowed: true, Actual: credentialed(status)}
}

// peerAnswer is what one peer did with one of peerFetches: the scenario's
// name after the server's, why, and what Chromium and the wire showed.
type peerAnswer struct {
	name, source string
	expect       Expect
}

// peerFetches are the fetches every peer's cors app is asked, in the
// order of a peer's answers: the listed origin, another origin, a PUT's
// preflight, a path without a route and a handler that throws.
var peerFetches = [5]struct {
	request Request
	trusted bool
}{{peerGetCred, true}, {peerGetCred, false}, {peerPutJSON, true}, {peerMissing, true}, {peerBoom, true}}

// peerScenarios are one peer's scenarios over one app, one a fetch.
func peerScenarios(server, config string, answers [len(peerFetches)]peerAnswer) []Scenario {
	out := make([]Scenario, len(answers))
	for i, a := range answers {
		out[i] = Scenario{
			Name: server + "/" + a.name, Server: server, Request: peerFetches[i].request, Trusted: peerFetches[i].trusted,
			Config: config, Source: a.source, Expect: a.expect,
		}
	}
	return out
}

func fastifyScenarios() []Scenario {
	listed := fastifyApp(`
fastify.register(cors, { origin: ['{{.PageOrigin}}'], credentials: true });
` + fastifyRoutes("fastify"))
	return peerScenarios("fastify", listed, [...]peerAnswer{
		{"origin-list", "@fastify/cors with a list and credentials reflects a listed origin", allowedCredentialed(200)},
		{"origin-list-other-origin", "@fastify/cors sends no Access-Control-Allow-Origin to an origin off its list, but still its Access-Control-Allow-Credentials",
			Expect{Console: blocked(reasonNoACAO), Actual: wire(200, pinned{acao: nil, acac: {"true"}, vary: {"Origin"}})}},
		{"preflight-default-methods", "@fastify/cors's default methods are GET,HEAD,POST: a PUT's preflight is answered 204 and refused",
			Expect{Console: blocked(reasonPutMethod),
				Preflight: wire(204, pinned{acao: {"{{.PageOrigin}}"}, acam: {"GET,HEAD,POST"}, acah: {"content-type"}})}},
		{"not-found", "Fastify's 404 for a path without a route keeps what @fastify/cors set in its onRequest hook", allowedCredentialed(404)},
		{"error", "an error thrown in an async Fastify handler is a 500 that keeps the CORS headers", allowedCredentialed(500)},
	})
}

func koaScenarios() []Scenario {
	fixed := koaApp(`app.use(cors({ origin: '{{.PageOrigin}}', credentials: true }));`)
	return peerScenarios("koa", fixed, [...]peerAnswer{
		{"origin-string", "@koa/cors with an origin string and credentials", allowedCredentialed(200)},
		{"origin-string-other-origin", "@koa/cors sends its origin string to every origin, so another origin reads a mismatch",
			Expect{Console: blocked(fmt.Sprintf(reasonNotEqualFmt, "{{.PageOrigin}}")), Actual: credentialed(200)}},
		{"preflight", "@koa/cors answers a preflight with 204, its default methods and the requested headers",
			Expect{Allowed: true,
				Preflight: wire(204, pinned{acao: {"{{.PageOrigin}}"}, acam: {"GET,HEAD,PUT,POST,DELETE,PATCH"}, acah: {"content-type"}}),
				Actual:    credentialed(200)}},
		{"not-found", "Koa's 404 for a path no route matches keeps the headers @koa/cors set", allowedCredentialed(404)},
		{"error", "a thrown error is a 500 that keeps @koa/cors's headers (its keepHeadersOnError, on by default)", allowedCredentialed(500)},
	})
}

func honoScenarios() []Scenario {
	listed := honoApp("new Hono()", `
app.use('/api/*', cors({ origin: ['{{.PageOrigin}}'], credentials: true }));
`+honoRoutes)
	return peerScenarios("hono", listed, [...]peerAnswer{
		{"origin-list", "hono/cors with a list and credentials reflects a listed origin", allowedCredentialed(200)},
		{"origin-list-other-origin", "hono/cors sends no Access-Control-Allow-Origin to an origin off its list",
			Expect{Console: blocked(reasonNoACAO), Actual: wire(200, pinned{acao: nil, acac: {"true"}, vary: {"Origin"}})}},
		{"preflight", "hono/cors answers a preflight with 204, its default methods and the requested headers",
			Expect{Allowed: true,
				Preflight: wire(204, pinned{acao: {"{{.PageOrigin}}"}, acam: {"GET,HEAD,PUT,POST,DELETE,PATCH,QUERY"}, acah: {"content-type"}}),
				Actual:    credentialed(200)}},
		{"not-found", "Hono's 404 for a path without a route keeps the headers hono/cors set", allowedCredentialed(404)},
		{"error", "an error thrown in a Hono handler is a 500 that keeps hono/cors's headers", allowedCredentialed(500)},
	})
}

// fastifyPrefixApp registers a plugin under /api that registers
// @fastify/cors and a route of its own, beside a route outside it.
var fastifyPrefixApp = fastifyApp(`
fastify.register(async (api) => {
  await api.register(cors, { origin: '{{.PageOrigin}}' });
  api.get('/data', async () => ({ data: true }));
}, { prefix: '/api' });
fastify.get('/other', async () => ({ other: true }));
`)

// fastifyPrefixScenarios: what a plugin registers lives under its prefix.
func fastifyPrefixScenarios() []Scenario {
	return []Scenario{
		{
			Name: "fastify/register-prefix", Server: "fastify", Request: Request{Path: "/api/data"}, Trusted: true,
			Config: fastifyPrefixApp,
			Source: "a route registered in a plugin with prefix /api answers /api/data, with the plugin's @fastify/cors",
			Expect: Expect{Allowed: true, Actual: wire(200, pinned{acao: {"{{.PageOrigin}}"}, vary: nil})},
		},
		{
			Name: "fastify/register-prefix-outside", Server: "fastify", Request: Request{Path: "/other"}, Trusted: true,
			Config: fastifyPrefixApp,
			Source: "@fastify/cors registered in a plugin does not reach a route outside it",
			Expect: Expect{Console: blocked(reasonNoACAO), Actual: wire(200, pinned{acao: nil})},
		},
		{
			Name: "fastify/register-prefix-not-found", Server: "fastify", Request: Request{Path: "/api/missing"}, Trusted: true,
			Config: fastifyPrefixApp,
			Source: "Fastify's 404 under a plugin's prefix runs none of the plugin's hooks, so it carries no CORS headers",
			Expect: Expect{Console: blocked(reasonNoACAO), Actual: wire(404, pinned{acao: nil})},
		},
	}
}

// honoBaseApp is a Hono app made with basePath('/api'), with hono/cors on
// every path under it and two handlers that build their own responses.
var honoBaseApp = honoApp("new Hono().basePath('/api')", `
app.use('*', cors({ origin: '{{.PageOrigin}}' }));
app.get('/data', (c) => c.json({ data: true }));
app.get('/own', () => new Response('own', { headers: { 'Access-Control-Allow-Origin': 'https://own.example', 'X-Own': '1' } }));
`)

// honoOwnApp: middleware that sets a header with c.header, in front of
// handlers that build their responses with new Response and
// c.newResponse, under a base path taken from the root app.
var honoOwnApp = `const { Hono } = require('hono');
const { serve } = require('@hono/node-server');

const root = new Hono();
const app = root.basePath('/v1');
app.use('*', async (c, next) => {
  c.header('Access-Control-Allow-Origin', '{{.PageOrigin}}');
  await next();
});
app.get('/own', () => new Response('own', { headers: { 'X-Own': '1' } }));
app.get('/created', (c) => c.newResponse('created', 201, { 'X-Own': '1' }));
serve({ fetch: root.fetch, port: Number(process.env.PORT), hostname: process.env.HOST });
`

// honoResponseScenarios: basePath, and handlers' own Responses.
func honoResponseScenarios() []Scenario {
	return []Scenario{
		{
			Name: "hono/base-path", Server: "hono", Request: Request{Path: "/api/data"}, Trusted: true,
			Config: honoBaseApp,
			Source: "new Hono().basePath('/api'): the routes and middleware answer under /api",
			Expect: Expect{Allowed: true, Actual: wire(200, pinned{acao: {"{{.PageOrigin}}"}, vary: {"Origin"}})},
		},
		{
			Name: "hono/base-path-outside", Server: "hono", Request: Request{Path: "/data"}, Trusted: true,
			Config: honoBaseApp,
			Source: "a path outside the base path gets Hono's 404 without the middleware's headers",
			Expect: Expect{Console: blocked(reasonNoACAO), Actual: wire(404, pinned{acao: nil})},
		},
		{
			Name: "hono/new-response-under-cors", Server: "hono", Request: Request{Path: "/api/own"}, Trusted: true,
			Config: honoBaseApp,
			Source: "a handler's own new Response behind hono/cors: Hono sets the middleware's headers over the Response's own",
			Expect: Expect{Allowed: true, Actual: wire(200, pinned{acao: {"{{.PageOrigin}}"}, vary: {"Origin"}, "X-Own": {"1"}})},
		},
		{
			Name: "hono/new-response-alone", Server: "hono", Request: Request{Path: "/v1/own"}, Trusted: true,
			Config: honoOwnApp,
			Source: "a handler's own new Response drops what middleware set with c.header alone",
			Expect: Expect{Console: blocked(reasonNoACAO), Actual: wire(200, pinned{acao: nil, "X-Own": {"1"}})},
		},
		{
			Name: "hono/new-response-context", Server: "hono", Request: Request{Path: "/v1/created"}, Trusted: true,
			Config: honoOwnApp,
			Source: "c.newResponse(body, 201, headers) keeps what middleware set with c.header and adds its own",
			Expect: Expect{Allowed: true, Actual: wire(201, pinned{acao: {"{{.PageOrigin}}"}, "X-Own": {"1"}})},
		},
	}
}

// expressMiddlewareThrowApp's middleware throws for an origin off its
// list, after cors() and after setting a header of its own.
var expressMiddlewareThrowApp = expressApp(`
const allowlist = ['{{.PageOrigin}}'];
app.use(cors());
app.use((req, res, next) => {
  res.setHeader('X-Checked', '1');
  if (!allowlist.includes(req.headers.origin)) {
    throw new Error('Not allowed by CORS');
  }
  next();
});
` + dataRoutes)

// expressMiddlewareNextErrorApp closes /api/admin with next(err) in
// middleware mounted there.
var expressMiddlewareNextErrorApp = expressApp(`
app.use(cors());
app.use('/api/admin', (req, res, next) => {
  next(new Error('closed'));
});
app.get('/api/admin/stats', (req, res) => {
  res.json({ stats: true });
});
` + dataRoutes)

// expressMiddlewareErrorScenarios: Express's default error handler
// answers errors of app-level middleware.
func expressMiddlewareErrorScenarios() []Scenario {
	return []Scenario{
		{
			Name: "express/middleware-throw", Server: "express", Request: Request{Path: "/api/data"},
			Config: expressMiddlewareThrowApp,
			Source: "a throw in app-level middleware is answered 500 by Express's default error handler, keeping the headers set before",
			Expect: Expect{Allowed: true, Actual: wire(500, pinned{acao: {"*"}, "X-Checked": {"1"}})},
		},
		{
			Name: "express/middleware-throw-passed", Server: "express", Request: Request{Path: "/api/data"}, Trusted: true,
			Config: expressMiddlewareThrowApp,
			Source: "the listed origin passes the middleware that throws for the others",
			Expect: Expect{Allowed: true, Actual: wire(200, pinned{acao: {"*"}, "X-Checked": {"1"}})},
		},
		{
			Name: "express/middleware-next-error", Server: "express", Request: Request{Path: "/api/admin/stats"},
			Config: expressMiddlewareNextErrorApp,
			Source: "next(err) in middleware mounted at a path: 500 with the headers set before, for the routes under it",
			Expect: Expect{Allowed: true, Actual: wire(500, pinned{acao: {"*"}})},
		},
	}
}
