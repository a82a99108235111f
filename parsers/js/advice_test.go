package js

import (
	"strings"
	"testing"

	"github.com/corslint/corslint/model"
)

// TestAllowHeadersAdvice: the advice names the option of the middleware
// the app uses.
func TestAllowHeadersAdvice(t *testing.T) {
	for kind, want := range map[string]string{
		"express()": "cors({ allowedHeaders:", "new Koa()": "cors({ allowHeaders:", "new Hono()": "cors({ allowHeaders:",
		"fastify()": "fastify.register(cors, { allowedHeaders:", "NestFactory.create": "app.enableCors({ allowedHeaders:",
		"next.config": "key: 'Access-Control-Allow-Headers'",
	} {
		app := &model.Scope{Kind: kind}
		route := &model.Scope{Kind: "app.use", Parent: app}
		if got := (advice{}).AllowHeaders(route); !strings.Contains(got, want) {
			t.Errorf("%s: %q, want it to contain %q", kind, got, want)
		}
	}
}
