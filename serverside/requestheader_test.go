package serverside_test

import (
	"strings"
	"testing"

	"github.com/corslint/corslint/browser"
	"github.com/corslint/corslint/model"
	"github.com/corslint/corslint/parsers/nginx"
	"github.com/corslint/corslint/serverside"
)

// lines returns the values of header name in an answer.
func lines(a *serverside.Answer, name string) []string {
	if a == nil {
		return nil
	}
	var out []string
	for _, l := range a.Headers {
		if strings.EqualFold(l.Name, name) {
			out = append(out, l.Value)
		}
	}
	return out
}

// echoHeader is an nginx server whose one header statement is rewritten to
// echo request header name, as a dialect lowers a reflection of it.
func echoHeader(t *testing.T, name string) *model.File {
	t.Helper()
	f := nginx.Lower(nginx.Parse("nginx.conf", []byte(`server { listen 443; server_name api.example;
  location / {
    add_header Access-Control-Allow-Origin "*" always;
    add_header Access-Control-Allow-Methods "PUT, patch" always;
    add_header Access-Control-Allow-Headers "X-Trace, X-B, Content-Type" always;
    add_header X-Echo "x" always;
    return 200;
  } }`), nginx.Options{}))
	n := 0
	for _, op := range f.Headers {
		if op.Name == "X-Echo" {
			op.Value = model.Value{Kind: model.RequestHeader, Raw: name, Var: name, Span: op.Value.Span}
			n++
		}
	}
	if n != 1 {
		t.Fatalf("found %d X-Echo statements, want 1", n)
	}
	return f
}

// TestRequestHeaderValue: a value that echoes a request header is the
// header as this request carries it, and no line at all when the request
// has none; a preflight carries the browser's headers, not the page's.
func TestRequestHeaderValue(t *testing.T) {
	const url = "https://api.example/x"
	const origin = "https://app.example"
	for _, c := range []struct {
		name, header string
		req          browser.Request
		preflight    []string // the X-Echo values of the preflight answer
		actual       []string // and of the actual answer
	}{
		{"the page's header on the actual request", "X-Trace",
			browser.Request{URL: url, Origin: origin, Headers: []browser.Header{{Name: "X-Trace", Value: "abc"}}}, nil, []string{"abc"}},
		{"absent from the request: no line", "X-Trace",
			browser.Request{URL: url, Origin: origin}, nil, nil},
		{"the requested headers, as Chromium lists them", "Access-Control-Request-Headers",
			browser.Request{URL: url, Origin: origin, Method: "PUT", Headers: []browser.Header{{Name: "X-B", Value: "1"}, {Name: "Content-Type", Value: "application/json"}}},
			[]string{"content-type,x-b"}, nil},
		{"a preflight without request headers", "Access-Control-Request-Headers",
			browser.Request{URL: url, Origin: origin, Method: "PUT"}, nil, nil},
		{"the requested method, upper-cased by fetch", "Access-Control-Request-Method",
			browser.Request{URL: url, Origin: origin, Method: "put"}, []string{"PUT"}, nil},
		{"a method fetch leaves as written", "Access-Control-Request-Method",
			browser.Request{URL: url, Origin: origin, Method: "patch"}, []string{"patch"}, nil},
		{"the preflight does not carry the page's header", "X-Trace",
			browser.Request{URL: url, Origin: origin, Method: "PUT", Headers: []browser.Header{{Name: "X-Trace", Value: "abc"}}}, nil, []string{"abc"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := echoHeader(t, c.header)
			p := serverside.Predict([]*model.File{f}, serverside.Request{Request: c.req})
			if p.Unknown != "" {
				t.Fatalf("undecidable: %s", p.Unknown)
			}
			if got := lines(p.Preflight, "X-Echo"); strings.Join(got, "|") != strings.Join(c.preflight, "|") {
				t.Errorf("preflight X-Echo %q, want %q", got, c.preflight)
			}
			if got := lines(p.Actual, "X-Echo"); strings.Join(got, "|") != strings.Join(c.actual, "|") {
				t.Errorf("actual X-Echo %q, want %q", got, c.actual)
			}
		})
	}
}

// TestCorsReflectsRequestHeaders: cors with allowedHeaders unset sends
// the preflight's Access-Control-Request-Headers back, and no
// Access-Control-Allow-Headers when the preflight has none (cors 2.8.5,
// measured in express/probe-preflight-without-request-headers).
func TestCorsReflectsRequestHeaders(t *testing.T) {
	stack := loadJS(t, `const express = require('express');
const cors = require('cors');
const app = express();
app.use(cors());
app.put('/api', (req, res) => res.json({}));
`)
	withHeaders := serverside.Request{Request: browser.Request{URL: "https://api.example/api", Origin: "https://app.example", Method: "PUT",
		Headers: []browser.Header{{Name: "Authorization", Value: "Bearer t"}, {Name: "Content-Type", Value: "application/json"}}}}
	p := serverside.Predict(stack, withHeaders)
	if p.Unknown != "" || !p.Verdict.Allowed {
		t.Fatalf("got unknown=%q allowed=%v (%s), want a decided, allowed request", p.Unknown, p.Verdict.Allowed, p.Verdict.Message)
	}
	if got := lines(p.Preflight, model.ACAH); len(got) != 1 || got[0] != "authorization,content-type" {
		t.Errorf("preflight Access-Control-Allow-Headers %q, want the requested authorization,content-type", got)
	}
	bare := withHeaders
	bare.Headers = nil
	p = serverside.Predict(stack, bare)
	if p.Unknown != "" || !p.Verdict.Allowed {
		t.Fatalf("got unknown=%q allowed=%v, want a decided, allowed request", p.Unknown, p.Verdict.Allowed)
	}
	if got := lines(p.Preflight, model.ACAH); got != nil {
		t.Errorf("preflight without request headers got Access-Control-Allow-Headers %q, want none", got)
	}
	if got := lines(p.Preflight, model.Vary); len(got) != 1 || got[0] != "Access-Control-Request-Headers" {
		t.Errorf("preflight Vary %q, want Access-Control-Request-Headers", got)
	}
}
