package serverside

import "github.com/corslint/corslint/model"

// appRuntime reports whether the own answers of the framework whose code
// produces r, an application's response (to OPTIONS, to a path or method
// no route takes, to a thrown error), are known well enough for the
// evaluator to speak for r. Where they are not, the rules judge r from
// its statements.
func appRuntime(r *model.Response) bool {
	s := serverOf(r)
	if s == nil {
		return false // code outside any app the parser recognised
	}
	switch s.Kind {
	case "express()", "express.Router()":
		// Express 4 with cors: the oracle's Express scenarios
		// (docs/server-facts.md).
		return true
	case "worker", "next middleware":
		// A Worker's fetch handler is every answer there is (the
		// workerd scenarios); Next.js middleware is read like one, and
		// what NextResponse.next() passes on is the app's, an upstream
		// whose answer to OPTIONS stays undecided.
		return true
	case "lambda":
		// A proxy integration hands every request, OPTIONS included, to
		// the function and its result back unchanged.
		return true
	case "fastify()", "new Hono()", "new Koa()", "new Router()":
		// Fastify 5, Hono 4 and Koa 2 with @koa/router: their 404, 500
		// and OPTIONS answers were measured (docs/server-facts.md).
		return true
	case "http.createServer()":
		// Node's own server hands every request to the one handler.
		return true
	case "next.config":
		// headers() adds to what the route handlers answer, and how they
		// answer OPTIONS (an App Router handler's automatic 204, a Pages
		// API handler's own code, a page's 405) is not in the file.
		return false
	case "NestFactory.create":
		// The routes are controllers' decorators, which are not read,
		// and Nest's own answers to OPTIONS and unknown paths were not
		// measured.
		return false
	}
	return false
}
