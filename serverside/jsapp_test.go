package serverside_test

import (
	"slices"
	"testing"

	"github.com/corslint/corslint/browser"
	"github.com/corslint/corslint/model"
	"github.com/corslint/corslint/oracle"
	"github.com/corslint/corslint/parsers/js"
	"github.com/corslint/corslint/serverside"
)

// loadJS lowers JavaScript source, or skips where the dialect is not built.
func loadJS(t *testing.T, src string) []*model.File {
	t.Helper()
	if why := (js.Dialect{}).Unavailable(); why != "" {
		t.Skip(why)
	}
	return []*model.File{js.Lower(js.Parse("app.js", []byte(src)))}
}

// TestAppRouteByMethod: Express skips a route of another method, so POST
// on a path with app.get before app.post runs the app.post handler, not
// the 404 of a method app.get does not take.
func TestAppRouteByMethod(t *testing.T) {
	stack := loadJS(t, `const express = require('express');
const app = express();
app.use((req, res, next) => {
  res.setHeader('Access-Control-Allow-Origin', 'https://app.example');
  next();
});
app.get('/api', (req, res) => res.json({ read: true }));
app.post('/api', (req, res) => res.status(201).json({ written: true }));
`)
	for method, want := range map[string]int{"GET": 200, "POST": 201} {
		p := serverside.Predict(stack, serverside.Request{Request: browser.Request{URL: "https://api.example/api", Origin: "https://app.example", Method: method}})
		if p.Actual == nil {
			t.Fatalf("%s: no actual answer (%s)", method, p.Verdict.Message)
		}
		if p.Actual.Status != want {
			t.Errorf("%s: status %d via %s, want %d", method, p.Actual.Status, p.Actual.Route, want)
		}
	}
}

// appScenario loads the code of the application scenario named, as
// TestAppScenarios does, with the request the scenario makes, so that a
// test here can ask the same app more than the one fetch measured.
func appScenario(t *testing.T, name string) ([]*model.File, serverside.Request) {
	t.Helper()
	if why := (js.Dialect{}).Unavailable(); why != "" {
		t.Skip(why)
	}
	for _, s := range oracle.AppScenarios() {
		if s.Name == name {
			v := vars
			v.Dir = t.TempDir()
			return loadApp(t, s, v), appRequest(s, v)
		}
	}
	t.Fatalf("no application scenario %s", name)
	return nil, serverside.Request{}
}

// TestElseAfterNegatedOriginTest: the else of an else if under
// if (!allowed) holds where the origin is allowed and the method is not
// OPTIONS, so a trusted request gets the header set there and an
// untrusted one does not, whether it needs a preflight (PUT, the
// scenarios' own fetch) or not (GET).
func TestElseAfterNegatedOriginTest(t *testing.T) {
	stack, base := appScenario(t, "express/manual-else-after-negated-allowlist")
	for _, method := range []string{"PUT", "GET"} {
		for origin, want := range map[string]bool{vars.PageOrigin: true, untrustedOrigin: false} {
			req := base
			req.Origin, req.Method = origin, method
			p := serverside.Predict(stack, req)
			if p.Unknown != "" {
				t.Fatalf("%s %s: undecidable: %s", method, origin, p.Unknown)
			}
			if p.Verdict.Allowed != want {
				t.Errorf("%s %s: allowed=%v (%s), want %v", method, origin, p.Verdict.Allowed, p.Verdict.Message, want)
			}
		}
	}
}

// TestCorsOriginFunctionRefuses: cors calls next() without setting
// anything when its origin function refuses, so a refused preflight gets
// Express's own 200 and a refused GET no Vary either
// (express/origin-function-other-origin, whose app this is, and
// express/probe-denied-preflight-falls-through).
func TestCorsOriginFunctionRefuses(t *testing.T) {
	stack, base := appScenario(t, "express/origin-function-other-origin")
	for _, c := range []struct {
		origin, method string
		preflight      int      // the preflight's status, 0 for none
		names          []string // the CORS header names of the last answer
	}{
		{vars.PageOrigin, "PUT", 204, []string{model.ACAO, model.ACAC}},
		{untrustedOrigin, "PUT", 200, nil},
		{untrustedOrigin, "GET", 0, nil},
		{vars.PageOrigin, "GET", 0, []string{model.ACAO, model.ACAC, model.Vary}},
	} {
		req := base
		req.Origin, req.Method = c.origin, c.method
		p := serverside.Predict(stack, req)
		if p.Unknown != "" {
			t.Fatalf("%s %s: undecidable: %s", c.origin, c.method, p.Unknown)
		}
		last := p.Actual
		if c.preflight != 0 {
			if p.Preflight == nil || p.Preflight.Status != c.preflight {
				t.Fatalf("%s %s: preflight %+v, want status %d", c.origin, c.method, p.Preflight, c.preflight)
			}
			last = p.Preflight
			if p.Actual != nil {
				last = p.Actual
			}
		}
		var names []string
		for _, l := range last.Headers {
			names = append(names, l.Name)
		}
		for _, n := range c.names {
			if !slices.Contains(names, n) {
				t.Errorf("%s %s: headers %v lack %s", c.origin, c.method, names, n)
			}
		}
		if c.names == nil && len(names) != 0 {
			t.Errorf("%s %s: headers %v, want none (cors passed the request on)", c.origin, c.method, names)
		}
	}
}

// TestWorkerAppendJoinsUpstreamLine: on a Worker's copy of fetch()'s
// response, append joins the origin's line instead of adding one
// (workerd/proxy-append-doubles); set replaces it.
func TestWorkerAppendJoinsUpstreamLine(t *testing.T) {
	for op, want := range map[string][]string{
		"append": {"https://app.example, https://app.example"},
		"set":    {"https://app.example"},
	} {
		stack := loadJS(t, `export default {
  async fetch(request) {
    const upstream = await fetch(request);
    const response = new Response(upstream.body, upstream);
    response.headers.`+op+`('Access-Control-Allow-Origin', request.headers.get('Origin'));
    return response;
  },
};
`)
		p := serverside.Predict(stack, serverside.Request{
			Request:         browser.Request{URL: "https://api.example/x", Origin: "https://app.example"},
			UpstreamHeaders: []browser.Header{{Name: "Access-Control-Allow-Origin", Value: "$origin"}},
		})
		var got []string
		if p.Actual != nil {
			for _, l := range p.Actual.Headers {
				if l.Name == model.ACAO {
					got = append(got, l.Value)
				}
			}
		}
		if !slices.Equal(got, want) {
			t.Errorf("%s: Access-Control-Allow-Origin lines %q, want %q", op, got, want)
		}
	}
}

// TestNestedAndJoinedOriginTests: an origin is echoed only where both
// tests accept it, whether the tests are nested or joined with &&, in
// either order.
func TestNestedAndJoinedOriginTests(t *testing.T) {
	for name, test := range map[string]string{
		"nested":         "if (allowed.includes(origin)) {\n    if (origin.endsWith('.example.com')) {",
		"nested-reverse": "if (origin.endsWith('.example.com')) {\n    if (allowed.includes(origin)) {",
		"and":            "if (allowed.includes(origin) && origin.endsWith('.example.com')) {\n    {",
		"and-reverse":    "if (origin.endsWith('.example.com') && allowed.includes(origin)) {\n    {",
	} {
		t.Run(name, func(t *testing.T) {
			stack := loadJS(t, `const express = require('express');
const app = express();
const allowed = ['https://app.example.com', 'https://app.other.com'];
app.use((req, res, next) => {
  const origin = req.headers.origin;
  `+test+`
      res.setHeader('Access-Control-Allow-Origin', origin);
    }
  }
  next();
});
app.get('/api', (req, res) => res.json({}));
`)
			for origin, want := range map[string]bool{"https://app.example.com": true, "https://app.other.com": false, "https://evil.example.com": false} {
				p := serverside.Predict(stack, serverside.Request{Request: browser.Request{URL: "https://api.example/api", Origin: origin}})
				if p.Verdict.Allowed != want {
					t.Errorf("%s: allowed %v, want %v (%s)", origin, p.Verdict.Allowed, want, p.Verdict.Message)
				}
			}
		})
	}
}
