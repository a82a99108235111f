package js

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/corslint/corslint/model"
)

// responsesText renders a file's responses as
// "LINE source status [methods] names hidden=[...]".
func responsesText(f *model.File) []string {
	var out []string
	for _, r := range f.Responses {
		var names []string
		for _, h := range r.Headers {
			names = append(names, h.Op.String()+" "+h.Name)
		}
		s := strings.TrimSpace(fmt.Sprintf("%d %s %d %v %s", r.Span.Line, r.Source, r.Status, r.Methods, strings.Join(names, ", ")))
		if r.Upstream != nil {
			var hidden []string
			for n := range r.Upstream.Hidden {
				hidden = append(hidden, n)
			}
			sort.Strings(hidden)
			s += fmt.Sprintf(" hidden=%v", hidden)
		}
		out = append(out, s)
	}
	return out
}

func TestWorkerResponses(t *testing.T) {
	for _, c := range []struct {
		name, file, src string
		layer           model.Layer
		want            []string
	}{
		{"module syntax, preflight and redirect", "worker.js", `export default {
  async fetch(request, env, ctx) {
    if (request.method === 'OPTIONS') {
      return new Response(null, { status: 204, headers: { 'Access-Control-Allow-Origin': 'https://a.example', 'Access-Control-Allow-Methods': 'PUT' } });
    }
    if (new URL(request.url).pathname === '/old') {
      return Response.redirect('https://a.example/new', 301);
    }
    return Response.json({ ok: true }, { headers: { 'Access-Control-Allow-Origin': 'https://a.example' } });
  },
};
`, model.Origin, []string{
			"4 server 204 [OPTIONS] set Access-Control-Allow-Origin, set Access-Control-Allow-Methods",
			"7 server 301 []",
			"9 server 200 [] set Access-Control-Allow-Origin",
		}},
		{"proxied copy: set hides, append and delete", "worker.js", `export default {
  fetch: async (request) => {
    const res = await fetch(request);
    const out = new Response(res.body, res);
    out.headers.set('Access-Control-Allow-Origin', 'https://a.example');
    out.headers.append('Vary', 'Origin');
    out.headers.delete('Access-Control-Allow-Credentials');
    return out;
  },
};
`, model.Edge, []string{
			"8 upstream 0 [] set Access-Control-Allow-Origin, append Vary, unset Access-Control-Allow-Credentials hidden=[Access-Control-Allow-Credentials Access-Control-Allow-Origin]",
		}},
		{"service worker passing the origin's answer on", "worker.js", `addEventListener('fetch', (event) => {
  event.respondWith(fetch(event.request));
});
`, model.Edge, []string{
			"2 upstream 0 [] hidden=[]",
		}},
		{"Headers object built up", "worker.ts", `const handler: ExportedHandler = {
  async fetch(request: Request): Promise<Response> {
    const headers = new Headers({ 'Access-Control-Allow-Origin': 'https://a.example' });
    headers.append('Vary', 'Origin');
    return new Response('ok', { status: 200, headers });
  },
};
export default handler;
`, model.Origin, []string{
			"5 server 200 [] set Access-Control-Allow-Origin, append Vary",
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := Lower(Parse(c.file, []byte(c.src)))
			if got := responsesText(f); !slices.Equal(got, c.want) {
				t.Errorf("got\n  %s\nwant\n  %s", strings.Join(got, "\n  "), strings.Join(c.want, "\n  "))
			}
			for _, s := range f.Scopes {
				if s.Kind == "worker" && s.Layer != c.layer {
					t.Errorf("worker layer %s, want %s", s.Layer, c.layer)
				}
			}
			if _, ok := f.Advice.(workerAdvice); !ok {
				t.Errorf("advice %T, want the Worker's", f.Advice)
			}
		})
	}
}

// TestWorkerGuardedEcho: an origin echoed under an allowlist test, in a
// helper the handler calls, carries that allowlist as its guard.
func TestWorkerGuardedEcho(t *testing.T) {
	src := `const ALLOWED = ['https://a.example'];
function cors(req) {
  const origin = req.headers.get('Origin');
  if (ALLOWED.includes(origin)) {
    return { 'Access-Control-Allow-Origin': origin };
  }
  return {};
}
export default {
  async fetch(request) {
    return new Response('ok', { headers: cors(request) });
  },
};
`
	f := Lower(Parse("w.js", []byte(src)))
	if len(f.Responses) != 1 || len(f.Responses[0].Headers) != 1 {
		t.Fatalf("responses: %v", responsesText(f))
	}
	v := f.Responses[0].Headers[0].Value
	if v.Kind != model.Reflected || len(v.Guards) != 1 || !v.Guards[0].Matches("https://a.example") || v.Guards[0].Matches("https://b.example") {
		t.Errorf("value %+v, want the origin guarded by the list", v)
	}
}

func TestLambdaResponses(t *testing.T) {
	src := `exports.handler = async (event) => {
  if (event.requestContext.http.method === 'OPTIONS') {
    return { statusCode: 204, headers: { 'Access-Control-Allow-Origin': 'https://a.example', 'Access-Control-Allow-Methods': 'PUT' } };
  }
  return { statusCode: 200, multiValueHeaders: { 'Access-Control-Allow-Origin': ['https://a.example'] }, body: '' };
};
exports.helper = () => 42;
`
	f := Lower(Parse("index.js", []byte(src)))
	want := []string{
		"3 server 204 [OPTIONS] set Access-Control-Allow-Origin, set Access-Control-Allow-Methods",
		"5 server 200 [] set Access-Control-Allow-Origin",
	}
	if got := responsesText(f); !slices.Equal(got, want) {
		t.Errorf("got\n  %s\nwant\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
	if v := f.Responses[1].Headers[0].Value; v.Kind != model.Literal || v.Text != "https://a.example" {
		t.Errorf("multiValueHeaders value %+v, want the array's one literal", v)
	}
	if _, ok := f.Advice.(lambdaAdvice); !ok {
		t.Errorf("advice %T, want the Lambda handler's", f.Advice)
	}
}

// TestLambdaCallbackResponses: a callback-style handler's answers from a
// promise's callbacks and from a local function it hands the callback to,
// under the conditions around them.
func TestLambdaCallbackResponses(t *testing.T) {
	src := `const ALLOWED = ['https://a.example'];
exports.handler = (event, context, callback) => {
  const origin = event.headers.origin;
  if (ALLOWED.includes(origin)) {
    save(event).then(() => {
      callback(null, { statusCode: 201, headers: { 'Access-Control-Allow-Origin': origin, Vary: 'Origin' } });
    }).catch((err) => fail(err, callback));
    return;
  }
  callback(null, { statusCode: 403, body: '' });
};
function fail(err, done) {
  return done(null, { statusCode: 500, body: err.message });
}
function save(event) {
  return Promise.resolve({ statusCode: 1 });
}
`
	f := Lower(Parse("index.js", []byte(src)))
	want := []string{
		"6 server 201 [] set Access-Control-Allow-Origin, set Vary",
		"13 server 500 []",
		"10 server 403 []",
	}
	if got := responsesText(f); !slices.Equal(got, want) {
		t.Fatalf("got\n  %s\nwant\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
	if v := f.Responses[0].Headers[0].Value; v.Kind != model.Reflected || len(v.Guards) != 1 {
		t.Errorf("the echoed origin %+v, want it guarded by the list around the promise", v)
	}
}

// TestWorkerImmutableHeaders: changing the headers of fetch()'s own
// response throws (workerd 1.20261123.1 answered 500 without the header,
// logging "TypeError: Can't modify immutable headers."), so the response
// is that 500; the copy made with new Response(body, response) takes
// the change.
func TestWorkerImmutableHeaders(t *testing.T) {
	for _, c := range []struct {
		src  string
		want string
	}{
		{`export default {
  async fetch(request) {
    const res = await fetch(request);
    res.headers.set('Access-Control-Allow-Origin', 'https://a.example');
    return res;
  },
};
`, "4 server 500 []"},
		{`export default {
  async fetch(request) {
    const res = await fetch(request);
    const copy = new Response(res.body, res);
    copy.headers.set('Access-Control-Allow-Origin', 'https://a.example');
    return copy;
  },
};
`, "6 upstream 0 [] set Access-Control-Allow-Origin hidden=[Access-Control-Allow-Origin]"},
	} {
		f := Lower(Parse("w.js", []byte(c.src)))
		got := responsesText(f)
		if len(got) != 1 || got[0] != c.want {
			t.Errorf("got %v, want [%s]", got, c.want)
			continue
		}
		if r := f.Responses[0]; r.Status == 500 && !strings.Contains(r.Why, "immutable") {
			t.Errorf("the 500 says %q", r.Why)
		}
	}
}

// TestWorkerRecursiveHelper: a helper that returns its own call many
// ways is read once, not once per path.
func TestWorkerRecursiveHelper(t *testing.T) {
	var b strings.Builder
	b.WriteString("function h(r) {\n")
	for i := 0; i < 12; i++ {
		fmt.Fprintf(&b, "  if (r.url === '/%d') { return { ...h(r), ...h(r), 'X-%d': '1' }; }\n", i, i)
	}
	b.WriteString("  return { 'Access-Control-Allow-Origin': '*' };\n}\nexport default { fetch(request) { return new Response('', { headers: h(request) }); } };\n")
	f := Lower(Parse("w.js", []byte(b.String())))
	if len(f.Responses) != 1 || len(f.Responses[0].Headers) == 0 {
		t.Errorf("responses %v", responsesText(f))
	}
}

// TestWorkerHandlerCalls: the responses of the functions the fetch
// handler returns the call of, under the conditions at the call, and a
// response variable assigned after its declaration.
func TestWorkerHandlerCalls(t *testing.T) {
	src := `const corsHeaders = { 'Access-Control-Allow-Origin': 'https://a.example', 'Access-Control-Allow-Methods': 'GET,POST' };
function handleOptions(request) {
  if (request.headers.get('Origin') !== null) {
    return new Response(null, { headers: corsHeaders });
  }
  return new Response(null, { headers: { Allow: 'GET, POST, OPTIONS' } });
}
async function handleRequest(request) {
  let response = await fetch(request);
  response = new Response(response.body, response);
  response.headers.set('Access-Control-Allow-Origin', 'https://a.example');
  return response;
}
addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method === 'OPTIONS') {
    event.respondWith(handleOptions(request));
  } else {
    event.respondWith(handleRequest(request));
  }
});
export default {
  async fetch(request) {
    if (request.method === 'OPTIONS') {
      return handleOptions(request);
    }
    return handleRequest(request);
  },
};
`
	want := []string{
		"4 server 200 [OPTIONS] set Access-Control-Allow-Origin, set Access-Control-Allow-Methods",
		"6 server 200 [OPTIONS] set Allow",
		"12 upstream 0 [] set Access-Control-Allow-Origin hidden=[Access-Control-Allow-Origin]",
	}
	// The module Worker, and the service worker with the same handlers.
	helpers, rest, _ := strings.Cut(src, "addEventListener")
	sw, module, _ := strings.Cut(rest, "export default")
	for _, part := range []string{helpers + "export default" + module, helpers + "addEventListener" + sw} {
		f := Lower(Parse("w.js", []byte(part)))
		if got := responsesText(f); !slices.Equal(got, want) {
			t.Errorf("got\n  %s\nwant\n  %s\nfor\n%s", strings.Join(got, "\n  "), strings.Join(want, "\n  "), part)
		}
		if v := f.Responses[0].Conds; len(v) != 1 || v[0].Origin == nil && !strings.Contains(v[0].Text, "Origin") {
			t.Errorf("the preflight answer's conditions %v, want the Origin test", v)
		}
	}
}
