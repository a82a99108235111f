package js

import "github.com/corslint/corslint/model"

// advice is the fix advice for Express and its peers, in the cors
// package's terms where it applies.
type advice struct{}

func (advice) Allowlist() string {
	return "list the trusted origins instead: cors({ origin: ['https://app.example.com'] }), or compare req.headers.origin with a fixed list (allowed.includes(origin)) before echoing it"
}

func (advice) VaryOrigin(*model.HeaderOp) string {
	return "add res.vary('Origin') (or res.append('Vary', 'Origin')) beside it; the cors package does this itself"
}

func (advice) VaryAppend(*model.HeaderOp) string {
	return "use res.vary('Origin'), which adds to Vary instead of replacing it"
}

func (advice) CacheKey() string {
	return "send Vary: Origin with res.vary('Origin') so that caches keep one answer per origin"
}

func (advice) HideUpstream(*model.Upstream) string {
	return "set CORS in one place: remove the cors middleware or the proxy's headers, not keep both"
}

func (advice) AnswerOptions(string) string {
	return "answer OPTIONS before the routes: app.options('*', cors(corsOptions)) or app.use(cors(corsOptions)), which ends preflights with 204"
}

func (advice) Always() string {
	return "set the CORS headers in middleware that runs before the routes (app.use(cors(...)) first), so that error responses carry them too"
}

// AllowHeaders names the option of the middleware the app uses.
func (advice) AllowHeaders(s *model.Scope) string {
	for ; s != nil; s = s.Parent {
		switch s.Kind {
		case "new Koa()":
			return "list the request headers in allowHeaders: cors({ allowHeaders: ['Content-Type', 'Authorization'] })"
		case "new Hono()":
			return "list the request headers in allowHeaders: cors({ allowHeaders: ['Content-Type', 'Authorization'] })"
		case "fastify()":
			return "list the request headers in allowedHeaders: fastify.register(cors, { allowedHeaders: ['Content-Type', 'Authorization'] })"
		case "NestFactory.create":
			return "list the request headers in allowedHeaders: app.enableCors({ allowedHeaders: ['Content-Type', 'Authorization'] })"
		case "next.config":
			return "add { key: 'Access-Control-Allow-Headers', value: 'Content-Type, Authorization' } to the headers of this source"
		case "http.createServer()":
			return "set Access-Control-Allow-Headers (res.setHeader('Access-Control-Allow-Headers', 'Content-Type, Authorization')) in the OPTIONS answer"
		}
	}
	return "list the request headers in allowedHeaders: cors({ allowedHeaders: ['Content-Type', 'Authorization'] }), or set Access-Control-Allow-Headers in the OPTIONS answer"
}
