package serverside_test

import (
	"testing"

	"github.com/corslint/corslint/model"
	"github.com/corslint/corslint/parsers/js"
	"github.com/corslint/corslint/serverside"
)

// TestQueryDecidesApplicationCode: the request evaluator speaks for the
// responses of an application whose framework's own answers are known
// (Express), and leaves Next.js headers(), whose OPTIONS answer comes
// from route handlers the file does not show, to the rules' judgement.
func TestQueryDecidesApplicationCode(t *testing.T) {
	if why := (js.Dialect{}).Unavailable(); why != "" {
		t.Skip(why)
	}
	for _, c := range []struct {
		name, path, src string
		want            bool
	}{
		{"express", "app.js", `const express = require('express');
const app = express();
app.use((req, res, next) => {
  res.setHeader('Access-Control-Allow-Origin', 'https://app.example');
  next();
});
app.get('/api', (req, res) => res.json({}));
`, true},
		{"fastify options route", "server.js", `const fastify = require('fastify')();
fastify.options('/api', (request, reply) => {
  reply.header('Access-Control-Allow-Origin', 'https://app.example');
  reply.code(204).send();
});
fastify.get('/api', async () => ({}));
`, true},
		{"next.config", "next.config.js", `module.exports = {
  async headers() {
    return [{ source: '/api/:path*', headers: [{ key: 'Access-Control-Allow-Origin', value: 'https://app.example' }] }];
  },
};
`, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := js.Lower(js.Parse(c.path, []byte(c.src)))
			q := serverside.NewQuery(f, nil)
			// Responses no representative request reaches (a route's
			// preflight answer that an app.options route takes over) are
			// undecided either way.
			n, decided := 0, 0
			for _, r := range f.Responses {
				if r.Route == nil || !sendsACAO(r) {
					continue
				}
				n++
				if q.Decides(r) {
					decided++
				}
			}
			if n == 0 {
				t.Fatal("no response sends Access-Control-Allow-Origin")
			}
			if got := decided > 0; got != c.want {
				t.Errorf("%d of %d responses sending Access-Control-Allow-Origin decided, want some: %v", decided, n, c.want)
			}
		})
	}
}

func sendsACAO(r *model.Response) bool {
	for _, op := range r.Headers {
		if op.Name == model.ACAO {
			return true
		}
	}
	return false
}
