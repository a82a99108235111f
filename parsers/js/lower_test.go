package js

import (
	"strings"
	"testing"

	"github.com/corslint/corslint/model"
)

func lowerSrc(t *testing.T, name, src string) *model.File {
	t.Helper()
	if available != "" {
		t.Skip(available)
	}
	return Lower(Parse(name, []byte(src)))
}

// acao returns the Access-Control-Allow-Origin statements of f.
func acao(f *model.File) []*model.HeaderOp {
	var out []*model.HeaderOp
	for _, h := range f.Headers {
		if h.Name == model.ACAO {
			out = append(out, h)
		}
	}
	return out
}

func TestExpressCorsOriginTrue(t *testing.T) {
	f := lowerSrc(t, "app.js", `const express = require('express');
const cors = require('cors');
const app = express();
app.use(cors({ origin: true, credentials: true }));
app.get('/api', (req, res) => res.json({}));
`)
	hs := acao(f)
	if len(hs) != 1 {
		t.Fatalf("got %d ACAO statements, want 1", len(hs))
	}
	h := hs[0]
	if h.Value.Kind != model.Reflected || len(h.Value.Guards) != 0 {
		t.Errorf("origin: true lowered to %v with %d guards, want an unguarded reflection", h.Value.Kind, len(h.Value.Guards))
	}
	if h.Span.Line != 4 || h.Span.Col != 16 {
		t.Errorf("span %v, want 4:16 (the origin property)", h.Span)
	}
	var pre, get *model.Response
	for _, r := range f.Responses {
		switch {
		case r.IsPreflightAnswer():
			pre = r
		case r.ForMethod("GET"):
			get = r
		}
	}
	if pre == nil || pre.Status != 204 || pre.Source != model.FromServer {
		t.Fatalf("preflight answer %+v, want cors's 204", pre)
	}
	if get == nil || len(get.Ops(model.ACAC)) != 1 || len(get.Ops(model.ACAM)) != 0 {
		t.Fatalf("GET response %+v, want ACAC and no ACAM", get)
	}
	if len(pre.Ops(model.ACAM)) != 1 || pre.Ops(model.ACAM)[0].Value.Text != "GET,HEAD,PUT,PATCH,POST,DELETE" {
		t.Errorf("preflight methods %+v, want cors's default list", pre.Ops(model.ACAM))
	}
}

// TestAllowlistTests: each way of testing the origin becomes the matcher
// that accepts what it accepts, and the value it guards.
func TestAllowlistTests(t *testing.T) {
	tests := []struct {
		name, cond string
		kind       model.MatchKind
		pattern    string
		passes     string // an origin the test accepts
		fails      string // one it refuses
	}{
		{"includes on an array", "['https://a.example.com', 'https://b.example.com'].includes(origin)", model.MatchExact, "https://a.example.com https://b.example.com", "https://b.example.com", "https://a.example.com.evil.net"},
		{"indexOf on an array", "allowed.indexOf(origin) !== -1", model.MatchExact, "https://a.example.com", "https://a.example.com", "https://evil.net"},
		{"Set#has", "new Set(['https://a.example.com']).has(origin)", model.MatchExact, "https://a.example.com", "https://a.example.com", "https://evil.net"},
		{"===", "origin === 'https://a.example.com'", model.MatchExact, "https://a.example.com", "https://a.example.com", "https://a.example.comx"},
		{"|| of ===", "origin === 'https://a.example.com' || origin === 'https://b.example.com'", model.MatchExact, "https://a.example.com https://b.example.com", "https://b.example.com", "https://c.example.com"},
		{"RegExp#test", "/^https:\\/\\/a\\.example\\.com$/i.test(origin)", model.MatchRegex, "^https:\\/\\/a\\.example\\.com$", "https://A.example.com", "https://a.example.com.evil.net"},
		{"endsWith", "origin.endsWith('example.com')", model.MatchRegex, "example\\.com$", "https://evilexample.com", "https://example.com.evil.net"},
		{"startsWith", "origin.startsWith('https://a.example.com')", model.MatchRegex, "^https://a\\.example\\.com", "https://a.example.com.evil.net", "https://evil.net"},
		{"indexOf on the origin", "origin.indexOf('a.example.com') > -1", model.MatchRegex, "a\\.example\\.com", "https://a.example.com.evil.net", "https://evil.net"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := lowerSrc(t, "app.js", `const express = require('express');
const app = express();
const allowed = ['https://a.example.com'];
app.use((req, res, next) => {
  const origin = req.headers.origin;
  if (`+tt.cond+`) {
    res.setHeader('Access-Control-Allow-Origin', origin);
  }
  next();
});
`)
			if len(f.Matchers) != 1 {
				t.Fatalf("got %d matchers, want 1", len(f.Matchers))
			}
			m := f.Matchers[0]
			if m.Kind != tt.kind || m.Pattern != tt.pattern {
				t.Errorf("matcher %v %q, want %v %q", m.Kind, m.Pattern, tt.kind, tt.pattern)
			}
			if !m.Matches(tt.passes) || m.Matches(tt.fails) {
				t.Errorf("matcher %q: accepts %q %v (want true), %q %v (want false)", m.Pattern, tt.passes, m.Matches(tt.passes), tt.fails, m.Matches(tt.fails))
			}
			h := acao(f)
			if len(h) != 1 || h[0].Value.Kind != model.Reflected || len(h[0].Value.Guards) != 1 || h[0].Value.Guards[0] != m {
				t.Errorf("the header is not a reflection guarded by the matcher: %+v", h)
			}
		})
	}
}

// TestUndecidableOrigin: what code decides at run time is an unknown
// value with the reason, not a reflection (CORS101) nor a refusal.
func TestUndecidableOrigin(t *testing.T) {
	for name, src := range map[string]string{
		"origin function": `app.use(cors({ origin: (origin, cb) => db.isTrusted(origin).then((ok) => cb(null, ok)) }));`,
		"list from the environment": `app.use((req, res, next) => {
  if (process.env.ORIGINS.split(',').includes(req.headers.origin)) res.setHeader('Access-Control-Allow-Origin', req.headers.origin);
  next();
});`,
	} {
		t.Run(name, func(t *testing.T) {
			f := lowerSrc(t, "app.js", "const express = require('express');\nconst cors = require('cors');\nconst app = express();\n"+src+"\n")
			h := acao(f)
			if len(h) != 1 || h[0].Value.Kind != model.Unknown || !strings.Contains(h[0].Value.Note, "undecidable, because") {
				t.Fatalf("got %+v, want one unknown value saying why it is undecidable", h)
			}
		})
	}
}

// TestCorsAllowHeadersReflect: cors with allowedHeaders unset echoes the
// request's Access-Control-Request-Headers; a list is sent as written.
func TestCorsAllowHeadersReflect(t *testing.T) {
	for opts, want := range map[string]model.Value{
		"":                                   {Kind: model.RequestHeader, Var: "Access-Control-Request-Headers"},
		"{ origin: 'https://a.example' }":    {Kind: model.RequestHeader, Var: "Access-Control-Request-Headers"},
		"{ allowedHeaders: ['X-A', 'X-B'] }": {Kind: model.Literal, Text: "X-A,X-B"},
		"{ headers: 'X-A' }":                 {Kind: model.Literal, Text: "X-A"},
		"{ allowedHeaders: '' }":             {Kind: model.RequestHeader, Var: "Access-Control-Request-Headers"},
		"{ allowedHeaders: null, headers: ['X-A'] }": {Kind: model.Literal, Text: "X-A"},
		"{ allowedHeaders: [] }":                     {Kind: model.Empty}, // none at all
	} {
		f := lowerSrc(t, "app.js", "const express = require('express');\nconst cors = require('cors');\nconst app = express();\napp.use(cors("+opts+"));\n")
		var got []model.Value
		for _, h := range f.Headers {
			if h.Name == model.ACAH {
				got = append(got, h.Value)
			}
		}
		if want.Kind == model.Empty {
			if len(got) != 0 {
				t.Errorf("cors(%s): Access-Control-Allow-Headers %+v, want none", opts, got)
			}
			continue
		}
		if len(got) != 1 || got[0].Kind != want.Kind || got[0].Var != want.Var || got[0].Text != want.Text {
			t.Errorf("cors(%s): Access-Control-Allow-Headers %+v, want one %v %q %q", opts, got, want.Kind, want.Var, want.Text)
		}
	}
}

// TestOriginTestInConst: a const (or a let assigned once) holding an
// origin test stands for that test where a condition names it; a name
// assigned again is not followed.
func TestOriginTestInConst(t *testing.T) {
	worker := func(decl, cond string) string {
		return `const ALLOWED = ['https://a.example'];
export default {
  async fetch(request) {
    const origin = request.headers.get('Origin');
    ` + decl + `
    if (` + cond + `) {
      return new Response(null, { status: 403 });
    }
    return new Response('ok', { headers: { 'Access-Control-Allow-Origin': origin } });
  },
};
`
	}
	for _, c := range []struct {
		name, decl, cond string
		negated, read    bool
	}{
		{"const includes", "const allowed = ALLOWED.includes(origin);", "!allowed", true, true},
		{"const ===", "const allowed = origin === 'https://a.example';", "!allowed", true, true},
		{"const negated test", "const refused = !ALLOWED.includes(origin);", "refused", true, true},
		{"let assigned once", "let allowed = ALLOWED.indexOf(origin) !== -1;", "!allowed", true, true},
		{"a chain of names", "const ok = ALLOWED.includes(origin); const allowed = ok;", "!allowed", true, true},
		{"let assigned again", "let allowed = ALLOWED.includes(origin); if (origin === null) allowed = true;", "!allowed", false, false},
		{"names that stand for each other", "const a = !b; const b = !a;", "a", false, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := lowerSrc(t, "worker.js", worker(c.decl, c.cond))
			var refusal *model.Response
			for _, r := range f.Responses {
				if r.Status == 403 {
					refusal = r
				}
			}
			if refusal == nil || len(refusal.Conds) != 1 {
				t.Fatalf("no 403 answer with one condition: %+v", refusal)
			}
			cond := refusal.Conds[0]
			if (cond.Origin != nil) != c.read {
				t.Fatalf("condition %q: origin test read=%v, want %v", cond.Text, cond.Origin != nil, c.read)
			}
			if !c.read {
				return
			}
			if cond.Negated != c.negated || !cond.Origin.Matches("https://a.example") || cond.Origin.Matches("https://evil.example") {
				t.Errorf("condition %q: negated=%v pattern %q, want negated=%v over the allowlist", cond.Text, cond.Negated, cond.Origin.Pattern, c.negated)
			}
			if len(f.Matchers) != 1 {
				t.Errorf("got %d matchers, want the allowlist once", len(f.Matchers))
			}
		})
	}
}

// TestElseKeepsOuterTest: the else after else if under if (!allowed)
// runs where the origin is allowed and the method is not OPTIONS; the two
// tests of opposite sense stay two tests.
func TestElseKeepsOuterTest(t *testing.T) {
	f := lowerSrc(t, "app.js", `const express = require('express');
const app = express();
const allowlist = ['https://a.example'];
app.use((req, res, next) => {
  const origin = req.headers.origin;
  if (!allowlist.includes(origin)) {
    next();
  } else if (req.method === 'OPTIONS') {
    res.setHeader('Access-Control-Allow-Methods', 'PUT');
    res.sendStatus(204);
  } else {
    res.setHeader('Access-Control-Expose-Headers', 'X-Total');
    next();
  }
});
app.put('/api', (req, res) => res.json({}));
`)
	var pre, els *model.HeaderOp
	for _, h := range f.Headers {
		switch h.Name {
		case model.ACAM:
			pre = h
		case model.ACEH:
			els = h
		}
	}
	if pre == nil || els == nil {
		t.Fatalf("missing statements: %v %v", pre, els)
	}
	if w := pre.When; w == nil || w.Negated || w.Origin == nil || len(w.Methods) != 1 || w.Methods[0] != "OPTIONS" || w.And != nil {
		t.Errorf("else if statement when %+v, want OPTIONS and the allowlist in one test", w)
	}
	w := els.When
	if w == nil || !w.Negated || len(w.Methods) != 1 || w.Origin != nil || w.And == nil || w.And.Origin == nil || w.And.Negated {
		t.Fatalf("else statement when %+v, want not OPTIONS, and the allowlist chained", w)
	}
	var put *model.Response
	for _, r := range f.Responses {
		if r.Methods != nil && r.ForMethod("PUT") {
			put = r
		}
	}
	if put == nil || len(put.Ops(model.ACEH)) != 1 {
		t.Errorf("the PUT route's response does not carry the else statement: %+v", put)
	}
}

// TestCorsOriginFunctionGatesAll: with an origin function over one
// allowlist, every header cors sets and its preflight answer hold only
// for the origins the function accepts; refused preflights go on to
// Express's own answer.
func TestCorsOriginFunctionGatesAll(t *testing.T) {
	f := lowerSrc(t, "app.js", `const express = require('express');
const cors = require('cors');
const app = express();
const allowlist = ['https://a.example'];
app.use(cors({ origin: (origin, cb) => cb(null, allowlist.includes(origin)), maxAge: 600 }));
app.put('/api', (req, res) => res.json({}));
`)
	for _, h := range f.Headers {
		if h.When == nil || h.When.Origin == nil || h.When.Negated || !h.When.Origin.Matches("https://a.example") {
			t.Errorf("%s at %v: when %+v, want the allowlist", h.Name, h.Span, h.When)
		}
	}
	var answers []*model.Response
	for _, r := range f.Responses {
		if r.IsPreflightAnswer() && r.Route != nil && r.Route.Label == "/api" {
			answers = append(answers, r)
		}
	}
	if len(answers) != 2 || answers[0].Status != 204 || len(answers[0].Conds) != 1 || answers[1].Status != 200 || len(answers[1].Conds) != 0 {
		for _, r := range answers {
			t.Logf("answer %d conds %d", r.Status, len(r.Conds))
		}
		t.Fatalf("got %d preflight answers for /api, want cors's 204 under the allowlist, then Express's 200", len(answers))
	}
}

// TestMiddlewarePreflightUnderAllowlist: a middleware's OPTIONS answer
// inside an allowlist test answers only the origins the list accepts;
// the others go on to Express's own answer. An allowlist known only at
// run time gates nothing here (the echoed value is undecidable instead).
func TestMiddlewarePreflightUnderAllowlist(t *testing.T) {
	for _, c := range []struct {
		name, list string
		gated      bool
	}{
		{"fixed allowlist", "['https://a.example']", true},
		{"allowlist from the environment", "process.env.ORIGINS.split(',')", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := lowerSrc(t, "app.js", `const express = require('express');
const app = express();
const allowlist = `+c.list+`;
app.use((req, res, next) => {
  const origin = req.headers.origin;
  if (allowlist.includes(origin)) {
    res.setHeader('Access-Control-Allow-Origin', origin);
    if (req.method === 'OPTIONS') {
      res.setHeader('Access-Control-Allow-Methods', 'PUT');
      return res.sendStatus(204);
    }
  }
  next();
});
app.put('/api', (req, res) => res.json({}));
`)
			var answers []*model.Response
			for _, r := range f.Responses {
				if r.IsPreflightAnswer() && r.Route != nil && r.Route.Label == "/api" {
					answers = append(answers, r)
				}
			}
			if len(answers) == 0 || answers[0].Status != 204 {
				t.Fatalf("no 204 preflight answer for /api: %d answers", len(answers))
			}
			gated := len(answers[0].Conds) == 1 && answers[0].Conds[0].Origin != nil && !answers[0].Conds[0].Negated
			if gated != c.gated {
				t.Errorf("the 204 is gated by the allowlist: %v, want %v", gated, c.gated)
			}
			if c.gated && (len(answers) != 2 || answers[1].Status != 200) {
				t.Errorf("got %d answers, want the 204 then Express's own 200 for the refused origins", len(answers))
			}
		})
	}
}
