package js

import (
	"testing"

	"github.com/corslint/corslint/model"
)

// response returns the response of f for a route labelled label and
// method m (a preflight answer for OPTIONS), or nil.
func responseFor(f *model.File, label, m string) *model.Response {
	for _, r := range f.Responses {
		if r.Route.Label == label && len(r.Conds) == 0 && r.Methods != nil && r.ForMethod(m) {
			return r
		}
	}
	return nil
}

// The facts below were measured with Fastify 5.12.8, Hono 4.13.23 (on
// @hono/node-server) and Koa 2.16.4 with @koa/router 15.7.0 answering
// curl on loopback.
func TestPeerRouteHandlers(t *testing.T) {
	for _, tc := range []struct {
		name, src string
		// what GET /api gets, and OPTIONS /api
		getStatus, optStatus int
		getACAO, optACAO     int
	}{
		{
			name: "fastify: reply.header on the route, no OPTIONS route: 404 with the hook's headers",
			src: `const fastify = require('fastify')();
fastify.addHook('onRequest', async (request, reply) => { reply.header('Vary', 'Origin'); });
fastify.get('/api', async (request, reply) => {
  reply.header('Access-Control-Allow-Origin', request.headers.origin);
  return { ok: true };
});
`,
			getStatus: 0, optStatus: 404, getACAO: 1, optACAO: 0,
		},
		{
			name: "fastify: a thrown Error is answered 500 with the headers set before",
			src: `const fastify = require('fastify')();
fastify.get('/api', (request, reply) => {
  reply.header('Access-Control-Allow-Origin', '*');
  throw new Error('boom');
});
fastify.options('/api', (request, reply) => {
  reply.header('Access-Control-Allow-Origin', '*');
  reply.code(204).send();
});
`,
			getStatus: 500, optStatus: 204, getACAO: 1, optACAO: 1,
		},
		{
			name: "hono: c.header in middleware and route, c.json ends",
			src: `import { Hono } from 'hono';
const app = new Hono();
app.use('*', async (c, next) => {
  c.header('Access-Control-Allow-Origin', c.req.header('Origin'));
  await next();
});
app.get('/api', (c) => c.json({ ok: true }, 201));
`,
			getStatus: 201, optStatus: 404, getACAO: 1, optACAO: 1,
		},
		{
			name: "koa router: a thrown Error is answered 500 without the headers set before",
			src: `const Koa = require('koa');
const Router = require('@koa/router');
const app = new Koa();
const router = new Router();
app.use(async (ctx, next) => { ctx.set('Access-Control-Allow-Origin', '*'); await next(); });
router.get('/api', (ctx) => {
  ctx.set('Access-Control-Allow-Origin', '*');
  throw new Error('boom');
});
app.use(router.routes());
app.use(router.allowedMethods());
`,
			getStatus: 500, optStatus: 200, getACAO: 0, optACAO: 1,
		},
		{
			name: "hono: a Response the handler builds itself drops what c.header set",
			src: `import { Hono } from 'hono';
const app = new Hono();
app.use('*', async (c, next) => {
  c.header('Access-Control-Allow-Origin', '*');
  await next();
});
app.get('/api', (c) => {
  c.header('Access-Control-Allow-Origin', '*');
  return new Response('ok', { status: 202 });
});
`,
			getStatus: 202, optStatus: 404, getACAO: 0, optACAO: 1,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := lowerSrc(t, "app.js", tc.src)
			get, opt := responseFor(f, "/api", "GET"), responseFor(f, "/api", "OPTIONS")
			if get == nil || opt == nil {
				t.Fatalf("GET answer %v, OPTIONS answer %v; want both", get, opt)
			}
			if get.Status != tc.getStatus || len(get.Ops(model.ACAO)) != tc.getACAO {
				t.Errorf("GET: status %d with %d ACAO, want %d with %d", get.Status, len(get.Ops(model.ACAO)), tc.getStatus, tc.getACAO)
			}
			if opt.Status != tc.optStatus || len(opt.Ops(model.ACAO)) != tc.optACAO {
				t.Errorf("OPTIONS: status %d with %d ACAO, want %d with %d", opt.Status, len(opt.Ops(model.ACAO)), tc.optStatus, tc.optACAO)
			}
		})
	}
}

func TestHonoOriginIsReflected(t *testing.T) {
	f := lowerSrc(t, "app.ts", `import { Hono } from 'hono';
const app = new Hono();
app.get('/api', (c) => {
  c.header('Access-Control-Allow-Origin', c.req.header('origin'));
  return c.text('ok');
});
`)
	hs := acao(f)
	if len(hs) != 1 || hs[0].Value.Kind != model.Reflected {
		t.Fatalf("got %v, want one reflection of the request's Origin", hs)
	}
	if hs[0].Span.Line != 4 || hs[0].Span.Col != 3 {
		t.Errorf("span %v, want 4:3 (the c.header call)", hs[0].Span)
	}
}

func TestFastifyRouteOptions(t *testing.T) {
	f := lowerSrc(t, "server.js", `const fastify = require('fastify')();
fastify.route({
  method: ['GET', 'OPTIONS'],
  url: '/api',
  onRequest: (request, reply, done) => {
    reply.header('Access-Control-Allow-Origin', 'https://app.example.com');
    done();
  },
  handler: (request, reply) => {
    if (request.method === 'OPTIONS') {
      reply.header('Access-Control-Allow-Methods', 'GET');
      return reply.code(204).send();
    }
    return reply.send({ ok: true });
  },
});
`)
	get, opt := responseFor(f, "/api", "GET"), responseFor(f, "/api", "OPTIONS")
	if get == nil || opt == nil {
		t.Fatalf("GET answer %v, OPTIONS answer %v; want both", get, opt)
	}
	if len(get.Ops(model.ACAO)) != 1 || len(opt.Ops(model.ACAO)) != 1 || len(opt.Ops(model.ACAM)) != 1 {
		t.Errorf("GET has %d ACAO, OPTIONS %d ACAO and %d ACAM; want the hook's ACAO on both and ACAM on OPTIONS",
			len(get.Ops(model.ACAO)), len(opt.Ops(model.ACAO)), len(opt.Ops(model.ACAM)))
	}
	if opt.Status != 204 {
		t.Errorf("OPTIONS status %d, want 204", opt.Status)
	}
}

func TestHonoRouteMount(t *testing.T) {
	f := lowerSrc(t, "app.ts", `import { Hono } from 'hono';
const api = new Hono();
api.use('*', async (c, next) => {
  c.header('Access-Control-Allow-Origin', 'https://app.example.com');
  await next();
});
api.get('/items', (c) => c.json([]));
const app = new Hono();
app.route('/api', api);
export default app;
`)
	get := responseFor(f, "/api/items", "GET")
	if get == nil {
		t.Fatal("no answer for GET /api/items: the mounted app's route is not under its mount path")
	}
	if len(get.Ops(model.ACAO)) != 1 {
		t.Errorf("GET /api/items has %d ACAO, want the mounted app's middleware's", len(get.Ops(model.ACAO)))
	}
}
