package js

import (
	"slices"
	"testing"

	"github.com/corslint/corslint/model"
)

// responseAt returns the response produced at line, or nil.
func responseAt(f *model.File, line int, preflight bool) *model.Response {
	for _, r := range f.Responses {
		if r.Span.Line == line && r.IsPreflightAnswer() == preflight {
			return r
		}
	}
	return nil
}

func TestWorkerMethodTests(t *testing.T) {
	for _, test := range []struct{ name, test string }{
		{"conjunction", "request.method !== 'GET' && request.method !== 'POST'"},
		{"includes", "!['GET', 'POST'].includes(request.method)"},
		{"indexOf", "['GET', 'POST'].indexOf(request.method) === -1"},
		{"set", "!new Set(['GET', 'POST']).has(request.method)"},
	} {
		t.Run(test.name, func(t *testing.T) {
			f := lowerSrc(t, "worker.js", `const CORS = { 'Access-Control-Allow-Origin': 'https://app.example.com' };
export default {
  async fetch(request) {
    if (request.method === 'OPTIONS') {
      return new Response(null, { status: 204, headers: CORS });
    }
    if (`+test.test+`) {
      return new Response(null, { status: 405 });
    }
    return new Response('ok', { headers: CORS });
  },
};
`)
			refused, ok := responseAt(f, 8, false), responseAt(f, 10, false)
			if refused == nil || refused.Status != 405 || refused.Methods != nil {
				t.Fatalf("refusal %+v, want 405 for the methods the others do not take", refused)
			}
			if ok == nil || !slices.Equal(ok.Methods, []string{"GET", "POST"}) {
				t.Fatalf("answer %+v, want it for GET and POST", ok)
			}
			// The const's headers reach the last answer under its own
			// conditions, not the OPTIONS test of its first use.
			acaos := ok.Ops(model.ACAO)
			if len(acaos) != 1 || acaos[0].When == nil || slices.Contains(acaos[0].When.Methods, "OPTIONS") && !acaos[0].When.Negated {
				t.Fatalf("answer's Access-Control-Allow-Origin %+v, want one outside the OPTIONS test", acaos)
			}
		})
	}
}

func TestWorkerNestedMethodTests(t *testing.T) {
	f := lowerSrc(t, "worker.js", `export default {
  async fetch(request) {
    if (request.method === 'GET' || request.method === 'PUT') {
      if (request.method === 'PUT') {
        return new Response('put', { status: 201 });
      }
      if (request.method === 'POST') {
        return new Response('never', { status: 202 });
      }
      return new Response('get');
    }
    return new Response(null, { status: 405 });
  },
};
`)
	if r := responseAt(f, 5, false); r == nil || !slices.Equal(r.Methods, []string{"PUT"}) {
		t.Errorf("inner answer %+v, want PUT only", r)
	}
	if r := responseAt(f, 8, false); r != nil {
		t.Errorf("answer for POST inside a GET or PUT test %+v, want none", r)
	}
	if r := responseAt(f, 10, false); r == nil || !slices.Equal(r.Methods, []string{"GET"}) {
		t.Errorf("answer after the PUT branch %+v, want GET only", r)
	}
}

func TestOriginConjunction(t *testing.T) {
	for _, test := range []struct {
		name, test string
		accepts    []string
		refuses    []string
	}{
		{"list-and-suffix", "origin.endsWith('example.com') && allowed.includes(origin)",
			[]string{"https://app.example.com"}, []string{"https://app.other.com", "https://evilexample.com"}},
		{"suffix-and-list", "allowed.includes(origin) && origin.endsWith('.example.com')",
			[]string{"https://app.example.com"}, []string{"https://app.other.com", "https://evil.example.com"}},
		{"prefix-and-suffix", "origin.startsWith('https://') && origin.endsWith('example.com')",
			[]string{"https://app.example.com", "https://evilexample.com"}, []string{"http://app.example.com"}},
		{"two-patterns", "/^https:/.test(origin) && origin.includes('example')",
			[]string{"https://example.com"}, []string{"http://example.com", "https://other.com"}},
	} {
		t.Run(test.name, func(t *testing.T) {
			f := lowerSrc(t, "app.js", `const express = require('express');
const app = express();
const allowed = ['https://app.example.com', 'https://app.other.com'];
app.use((req, res, next) => {
  const origin = req.headers.origin;
  if (`+test.test+`) {
    res.setHeader('Access-Control-Allow-Origin', origin);
  }
  next();
});
app.get('/api', (req, res) => res.json({}));
`)
			if len(f.Matchers) != 1 {
				t.Fatalf("got %d allowlists, want the conjunction's one", len(f.Matchers))
			}
			m := f.Matchers[0]
			for _, o := range test.accepts {
				if !m.Matches(o) {
					t.Errorf("%s (%s) refuses %s", m.Pattern, m.Raw, o)
				}
			}
			for _, o := range test.refuses {
				if m.Matches(o) {
					t.Errorf("%s (%s) accepts %s", m.Pattern, m.Raw, o)
				}
			}
		})
	}
}

func TestPrefixSuffixOverlap(t *testing.T) {
	// "ab" starts with "a" and ends with "b"; "aba" also with "ab" and "ba".
	for _, c := range []struct{ p, s, in string }{{"a", "b", "ab"}, {"ab", "ba", "aba"}, {"ab", "ba", "abba"}, {"https://", "example.com", "https://example.com"}} {
		m := &model.Matcher{Kind: model.MatchRegex, Pattern: prefixSuffix(c.p, c.s)}
		if !m.Matches(c.in) {
			t.Errorf("%s refuses %q", m.Pattern, c.in)
		}
	}
	m := &model.Matcher{Kind: model.MatchRegex, Pattern: prefixSuffix("ab", "ba")}
	if m.Matches("ab") || m.Matches("bab") {
		t.Errorf("%s accepts a string without both", m.Pattern)
	}
}

func TestEchoRequestHeaders(t *testing.T) {
	for _, src := range []string{
		`res.setHeader('Access-Control-Allow-Headers', req.headers['access-control-request-headers']);`,
		`res.set('Access-Control-Allow-Headers', req.get('Access-Control-Request-Headers'));`,
		`const asked = req.header('access-control-request-headers');
    res.setHeader('Access-Control-Allow-Headers', asked);`,
	} {
		f := lowerSrc(t, "app.js", `const express = require('express');
const app = express();
app.use((req, res, next) => {
  if (req.method === 'OPTIONS') {
    `+src+`
    return res.sendStatus(204);
  }
  next();
});
`)
		var got *model.HeaderOp
		for _, h := range f.Headers {
			if h.Name == model.ACAH {
				got = h
			}
		}
		if got == nil || got.Value.Kind != model.RequestHeader || got.Value.Var != "Access-Control-Request-Headers" {
			t.Errorf("%s: Allow-Headers %+v, want the request's Access-Control-Request-Headers", src, got)
		}
	}
}

func TestWorkerFailurePaths(t *testing.T) {
	f := lowerSrc(t, "worker.js", `export default {
  async fetch(request) {
    try {
      const upstream = await fetch('https://api.example.com/');
      if (!upstream.ok) {
        return new Response('bad gateway', { status: 502 });
      }
      return new Response(upstream.body, { headers: { 'Access-Control-Allow-Origin': '*' } });
    } catch (err) {
      return new Response('error', { status: 500 });
    }
  },
};
`)
	failure := func(r *model.Response) bool {
		return r != nil && slices.ContainsFunc(r.Conds, func(c *model.Condition) bool { return c.Failure && !c.Negated })
	}
	if r := responseAt(f, 6, false); !failure(r) {
		t.Errorf("502 after a failed upstream %+v, want a failure path", r)
	}
	if r := responseAt(f, 10, false); !failure(r) {
		t.Errorf("catch block's 500 %+v, want a failure path", r)
	}
	if r := responseAt(f, 8, false); r == nil || failure(r) {
		t.Errorf("success answer %+v, want one taken when nothing fails", r)
	}
}

func TestAuthMiddlewareRefusesPreflights(t *testing.T) {
	src := func(pass string) string {
		return `const express = require('express');
const cors = require('cors');
const app = express();
app.use((req, res, next) => {
  ` + pass + `
  if (!req.headers.authorization) {
    return res.status(401).end();
  }
  next();
});
app.use(cors());
app.get('/api', (req, res) => res.json({}));
`
	}
	f := lowerSrc(t, "app.js", src(""))
	r := responseAt(f, 7, true)
	if r == nil || r.Status != 401 || r.Why == "" {
		t.Fatalf("preflight answer %+v, want the middleware's 401 with why", r)
	}
	if len(r.Conds) == 0 || r.Conds[0].Header != "Authorization" || !r.Conds[0].Negated {
		t.Errorf("conditions %+v, want requests without Authorization", r.Conds)
	}
	f = lowerSrc(t, "app.js", src("if (req.method === 'OPTIONS') return next();"))
	if r := responseAt(f, 7, true); r != nil {
		t.Errorf("preflight answer %+v where OPTIONS passes first, want none", r)
	}
}

func TestExpressFailureBranch(t *testing.T) {
	f := lowerSrc(t, "app.js", `const express = require('express');
const app = express();
app.get('/api', (req, res) => {
  res.setHeader('Vary', 'Origin');
  if (err) {
    return res.status(500).json({});
  }
  if (!item) {
    return res.status(404).json({});
  }
  res.setHeader('Access-Control-Allow-Origin', '*');
  res.json(item);
});
`)
	r := responseAt(f, 6, false)
	if r == nil || r.Status != 500 || len(r.Conds) != 1 || !r.Conds[0].Failure || len(r.Ops(model.Vary)) != 1 || len(r.Ops(model.ACAO)) != 0 {
		t.Fatalf("500 answer %+v, want a failure path with the Vary set before it and no Access-Control-Allow-Origin", r)
	}
	if r := responseAt(f, 9, false); r != nil {
		t.Errorf("404 answer %+v, want none: a 4xx is a choice about the request, not a failure", r)
	}
}

func TestExpressCatchBlock(t *testing.T) {
	src := func(try string) string {
		return `const express = require('express');
const app = express();
app.get('/api', async (req, res) => {
  try {
` + try + `
    res.json(rows);
  } catch (err) {
    res.status(500).json({});
  }
});
`
	}
	for _, c := range []struct {
		name, try string
		acao      int
	}{
		{"set-after-query", "    const rows = await db.query();\n    res.setHeader('Access-Control-Allow-Origin', '*');", 0},
		{"set-before-query", "    res.setHeader('Access-Control-Allow-Origin', '*');\n    const rows = await db.query();", 1},
	} {
		f := lowerSrc(t, "app.js", src(c.try))
		r := responseAt(f, 9, false)
		if r == nil || r.Status != 500 || len(r.Conds) != 1 || !r.Conds[0].Failure {
			t.Fatalf("%s: catch block's answer %+v, want a 500 failure path", c.name, r)
		}
		if got := len(r.Ops(model.ACAO)); got != c.acao {
			t.Errorf("%s: catch block's answer has %d Access-Control-Allow-Origin, want %d", c.name, got, c.acao)
		}
	}
}
