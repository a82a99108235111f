package js

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/corslint/corslint/model"
)

// pathsText renders paths as "LINE:COL status acao|-|throws|?" for
// comparison.
func pathsText(paths []model.CodeReturn) []string {
	var out []string
	for _, p := range paths {
		what := "-"
		switch _, ok := p.Headers[model.ACAO]; {
		case p.Throws:
			what = "throws"
		case ok:
			what = "acao"
		case p.Undecidable != "":
			what = "?"
		}
		if len(p.Methods) > 0 {
			what += " " + strings.Join(p.Methods, ",")
		}
		out = append(out, fmt.Sprintf("%d:%d %d %s", p.Span.Line, p.Span.Col, p.Status, what))
	}
	return out
}

func TestLambdaReturns(t *testing.T) {
	for _, c := range []struct {
		name, file, src, export string
		want                    []string
	}{
		{"article", "index.js", `exports.handler = async (event) => {
  const headers = {
    'Access-Control-Allow-Origin': 'https://app.example.com',
    'Access-Control-Allow-Credentials': true,
  };
  return {
    statusCode: 200,
    headers: headers,
    body: JSON.stringify({ message: 'Success' }),
  };
};
`, "handler", []string{"6:3 200 acao"}},
		{"one path lacks it", "app.mjs", `const CORS = { "Access-Control-Allow-Origin": "https://app.example.com" };
export const handler = async (event) => {
  if (!event.body) {
    return { statusCode: 400, body: "missing" };
  }
  return { statusCode: 200, headers: { ...CORS, "Content-Type": "application/json" }, body: "{}" };
};
`, "handler", []string{"4:5 400 -", "6:3 200 acao"}},
		{"expression body without headers", "app.js", `exports.handler = async () => ({ statusCode: 200, body: "{}" });
`, "handler", []string{"1:31 200 -"}},
		{"multiValueHeaders and a throw", "app.ts", `import type { APIGatewayProxyHandler } from 'aws-lambda';
export const handler: APIGatewayProxyHandler = async (event) => {
  const origin = event.headers.origin ?? event.headers.Origin;
  if (!origin) {
    throw new Error('no origin');
  }
  try {
    JSON.parse(event.body ?? '');
  } catch (e) {
    throw e;
  }
  try {
    thing();
  } catch (e) {
    return { statusCode: 500, body: '' };
  }
  return { statusCode: 200, multiValueHeaders: { 'access-control-allow-origin': [origin] }, body: '' } as const;
};
`, "handler", []string{"5:5 0 throws", "10:5 0 throws", "15:5 500 -", "17:3 200 acao"}},
		{"callback style", "index.js", `exports.handler = function (event, context, callback) {
  db.get(event.id, (err, item) => {
    if (err) {
      callback(err);
      return;
    }
    callback(null, { statusCode: 200, headers: { 'Access-Control-Allow-Origin': '*' }, body: JSON.stringify(item) });
  });
};
`, "handler", []string{"4:7 0 throws", "7:5 200 acao"}},
		{"callback handed to a helper", "function.js", `exports.handler = (event, context, callback) => {
  save(event).then(() => {
    callback(null, { statusCode: 201, headers: { 'Access-Control-Allow-Origin': '*' } });
  }).catch((err) => {
    errorResponse(err.message, callback);
  });
};

function errorResponse(message, done) {
  done(null, { statusCode: 500, body: message });
}
`, "handler", []string{"3:5 201 acao", "10:3 500 -"}},
		{"OPTIONS branch", "index.js", `exports.handler = async (event) => {
  if (event.httpMethod === "OPTIONS") {
    return { statusCode: 204 };
  }
  if (event.requestContext.http.method == 'OPTIONS') return { statusCode: 200 };
  return { statusCode: 200, headers: { "Access-Control-Allow-Origin": "*" } };
};
`, "handler", []string{"3:5 204 - OPTIONS", "5:54 200 - OPTIONS", "6:3 200 acao"}},
		{"helper followed", "index.js", `function respond(status, body) {
  return { statusCode: status, headers: { 'Access-Control-Allow-Origin': 'https://a.example' }, body };
}
module.exports = { handler };
async function handler(event) {
  if (event.httpMethod === 'DELETE') return respond(405, '');
  return respond(200, '{}');
}
`, "handler", []string{"6:38 0 acao", "7:3 0 acao"}},
		{"imported helper is undecidable", "index.js", `const { ok } = require('./http');
exports.handler = async () => ok({ done: true });
`, "handler", []string{"2:31 0 ?"}},
		{"wrapped handler is undecidable", "index.js", `const middy = require('@middy/core');
const cors = require('@middy/http-cors');
const base = async () => ({ statusCode: 200, body: '' });
exports.handler = middy(base).use(cors());
`, "handler", []string{"4:19 0 ?"}},
		{"mutated response is undecidable", "index.js", `exports.handler = async (event) => {
  const response = { statusCode: 200, headers: {}, body: '' };
  response.headers['Access-Control-Allow-Origin'] = '*';
  return response;
};
`, "handler", []string{"4:3 200 ?"}},
		{"nested export path", "app.js", `module.exports.api = {
  get: async () => ({ statusCode: 200, headers: { 'Access-Control-Allow-Origin': '*' } }),
};
`, "api.get", []string{"2:20 200 acao"}},
		{"export clause alias", "app.mjs", `const main = async () => ({ statusCode: 204 });
export { main as handler };
`, "handler", []string{"1:26 204 -"}},
		{"sync handler without callback", "app.js", `exports.handler = (event) => {
  return { statusCode: 200, body: '' };
};
`, "handler", []string{"2:3 0 ?"}},
		{"ternary", "app.js", `const H = { 'Access-Control-Allow-Origin': '*' };
exports.handler = async (e) => e.ok ? { statusCode: 200, headers: H } : { statusCode: 404, headers: H };
`, "handler", []string{"2:32 200 acao"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			paths, ok := LambdaReader{}.Returns(c.file, []byte(c.src), c.export)
			if !ok {
				t.Fatalf("export %s not found", c.export)
			}
			if got := pathsText(paths); !slices.Equal(got, c.want) {
				t.Errorf("got  %v\nwant %v", got, c.want)
			}
			for _, p := range paths {
				if p.Span.File != c.file {
					t.Errorf("path at %s, want it in %s", p.Span, c.file)
				}
				if !p.Throws && p.Undecidable == "" && len(p.Headers) == 0 && strings.Contains(c.name, "undecidable") {
					t.Errorf("%s: no reason given", p.Span)
				}
			}
		})
	}
}

// TestLambdaNoExport: a file without the export, or that does not parse
// as a program, leaves the caller to its text search.
func TestLambdaNoExport(t *testing.T) {
	for _, src := range []string{
		"exports.other = async () => ({});\n",
		"module.exports = async () => ({});\n",
		"",
	} {
		if paths, ok := (LambdaReader{}).Returns("index.js", []byte(src), "handler"); ok {
			t.Errorf("%q: found %v", src, pathsText(paths))
		}
	}
}
