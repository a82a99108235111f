package js

import (
	"testing"

	"github.com/corslint/corslint/model"
)

// errorAnswers lists the responses Express's error handler gives in f.
func errorAnswers(f *model.File) []*model.Response {
	var out []*model.Response
	for _, r := range f.Responses {
		if r.Status == 500 {
			out = append(out, r)
		}
	}
	return out
}

func TestOriginCallbackErrorIs500ForRefusedOrigins(t *testing.T) {
	f := lowerSrc(t, "app.js", `const express = require('express');
const cors = require('cors');
const app = express();
const allowlist = ['https://app.example.com'];
app.use(cors({
  origin: function (origin, callback) {
    if (!allowlist.includes(origin)) {
      return callback(new Error('Not allowed by CORS'));
    }
    callback(null, true);
  },
}));
app.get('/api', (req, res) => res.json({}));
`)
	rs := errorAnswers(f)
	if len(rs) == 0 {
		t.Fatal("no 500 answer for the origins the origin function refuses")
	}
	for _, r := range rs {
		if len(r.Conds) != 1 || r.Conds[0].Origin == nil || !r.Conds[0].Negated {
			t.Fatalf("500 answer %+v, want one negated origin condition", r)
		}
		c := r.Conds[0]
		if c.Origin.Matches("https://app.example.com") != c.Negated {
			t.Errorf("the listed origin gets the 500 answer")
		}
		if c.Origin.Matches("https://evil.example") == c.Negated {
			t.Errorf("an origin off the list does not get the 500 answer")
		}
		if r.Span.Line != 8 || r.Span.Col != 14 {
			t.Errorf("span %v, want 8:14 (the callback call)", r.Span)
		}
	}
}

func TestOriginCallbackErrorUnreadTestStaysSilent(t *testing.T) {
	// A decision that is no allowlist test: when the 500 comes is
	// unknown, so no answer is made up.
	f := lowerSrc(t, "app.js", `const express = require('express');
const cors = require('cors');
const app = express();
app.use(cors({
  origin: (origin, callback) => {
    if (lookup(origin)) {
      callback(null, true);
    } else {
      callback(new Error('Not allowed by CORS'));
    }
  },
}));
app.get('/api', (req, res) => res.json({}));
`)
	if rs := errorAnswers(f); len(rs) != 0 {
		t.Errorf("got %d 500 answers for an origin test corslint cannot read", len(rs))
	}
}

func TestThrowInRoute(t *testing.T) {
	for _, tc := range []struct {
		name, handler string
		want          int
	}{
		{"sync", "(req, res) => {\n  throw new Error('boom');\n}", 500},
		// Express 4 does not catch a rejected promise: no answer comes
		// from its error handler.
		{"async", "async (req, res) => {\n  throw new Error('boom');\n}", 0},
		// createError(403) carries its own status, which the code does
		// not show here.
		{"unknown status", "(req, res) => {\n  throw createError(403);\n}", 0},
		{"conditional", "(req, res) => {\n  if (req.query.x) throw new Error('boom');\n  res.json({});\n}", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := lowerSrc(t, "app.js", "const express = require('express');\nconst cors = require('cors');\nconst app = express();\napp.use(cors());\napp.get('/boom', "+tc.handler+");\n")
			rs := errorAnswers(f)
			if tc.want == 0 {
				if len(rs) != 0 {
					t.Errorf("got a 500 answer %+v, want none", rs[0])
				}
				return
			}
			if len(rs) != 1 || rs[0].Source != model.FromServer || len(rs[0].Ops(model.ACAO)) != 1 {
				t.Fatalf("got %d 500 answers (%+v), want one from the server with cors's header kept", len(rs), rs)
			}
		})
	}
}

func TestNextErrorInMiddleware(t *testing.T) {
	for _, tc := range []struct {
		name, test string
		want       bool // a 500 answer under the allowlist's refusal
	}{
		{"allowlist refuses", "!allowed.includes(origin)", true},
		{"another test decides", "!req.user", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := lowerSrc(t, "app.js", `const express = require('express');
const app = express();
const allowed = ['https://app.example.com'];
app.use((req, res, next) => {
  const origin = req.headers.origin;
  if (`+tc.test+`) {
    return next(new Error('Not allowed'));
  }
  res.setHeader('Access-Control-Allow-Origin', origin);
  next();
});
app.get('/api', (req, res) => res.json({}));
`)
			rs := errorAnswers(f)
			if !tc.want {
				if len(rs) != 0 {
					t.Errorf("got a 500 answer under %q, whose outcome is unknown", tc.test)
				}
				return
			}
			if len(rs) == 0 {
				t.Fatal("no 500 answer")
			}
			c := rs[0].Conds[0]
			if c.Origin.Matches("https://app.example.com") != c.Negated || c.Origin.Matches("https://evil.example") == c.Negated {
				t.Errorf("the 500 answer's condition %+v does not hold exactly for the refused origins", c)
			}
			if rs[0].Span.Line != 7 || rs[0].Span.Col != 12 {
				t.Errorf("span %v, want 7:12 (the next call)", rs[0].Span)
			}
		})
	}
}
