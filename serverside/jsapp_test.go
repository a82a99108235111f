package serverside_test

import (
	"testing"

	"github.com/corslint/corslint/browser"
	"github.com/corslint/corslint/model"
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

// TestElseAfterNegatedOriginTest: the else of an else if under
// if (!allowed) holds where the origin is allowed and the method is not
// OPTIONS, so a trusted PUT gets the header set there and an untrusted
// one does not.
func TestElseAfterNegatedOriginTest(t *testing.T) {
	stack := loadJS(t, `const express = require('express');
const app = express();
const allowlist = ['https://app.example'];
app.use((req, res, next) => {
  const origin = req.headers.origin;
  if (!allowlist.includes(origin)) {
    next();
  } else if (req.method === 'OPTIONS') {
    res.setHeader('Access-Control-Allow-Origin', origin);
    res.setHeader('Access-Control-Allow-Methods', 'PUT');
    res.sendStatus(204);
  } else {
    res.setHeader('Access-Control-Allow-Origin', origin);
    next();
  }
});
app.put('/api', (req, res) => res.json({}));
`)
	for origin, want := range map[string]bool{"https://app.example": true, "https://evil.example": false} {
		p := serverside.Predict(stack, serverside.Request{Request: browser.Request{URL: "https://api.example/api", Origin: origin, Method: "PUT"}})
		if p.Unknown != "" {
			t.Fatalf("%s: undecidable: %s", origin, p.Unknown)
		}
		if p.Verdict.Allowed != want {
			t.Errorf("%s: allowed=%v (%s), want %v", origin, p.Verdict.Allowed, p.Verdict.Message, want)
		}
	}
}
