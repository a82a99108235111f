package serverside_test

import (
	"strings"
	"testing"

	"github.com/corslint/corslint/browser"
	"github.com/corslint/corslint/model"
	"github.com/corslint/corslint/parsers/vcl"
	"github.com/corslint/corslint/serverside"
)

func lowerVCL(body string) *model.File {
	src := "vcl 4.1;\nbackend b { .host = \"127.0.0.1\"; }\n" + body
	return vcl.Lower(vcl.Parse("default.vcl", []byte(src), vcl.Options{}))
}

// echoing is a GET whose upstream echoes the Origin it is sent.
func echoing(path, prior string) serverside.Request {
	return serverside.Request{
		Request:         browser.Request{URL: "http://api.example" + path, Origin: "https://app.example", Method: "GET"},
		UpstreamStatus:  200,
		UpstreamHeaders: []browser.Header{{Name: model.ACAO, Value: "$origin"}},
		PriorOrigin:     prior,
	}
}

func varnishACAO(a *serverside.Answer) string {
	for _, l := range a.Headers {
		if l.Name == model.ACAO {
			return l.Value
		}
	}
	return ""
}

func TestVarnishOriginToBackend(t *testing.T) {
	p := serverside.Predict([]*model.File{lowerVCL("sub vcl_backend_fetch { unset bereq.http.Origin; }\n")}, echoing("/a", ""))
	if got := varnishACAO(p.Actual); got != "" || p.Unknown != "" {
		t.Errorf("unset bereq.http.Origin: the backend echoed %q (unknown %q)", got, p.Unknown)
	}
	p = serverside.Predict([]*model.File{lowerVCL("sub vcl_backend_fetch { if (bereq.url ~ \"^/a\") { unset bereq.http.Origin; } }\n")}, echoing("/a", ""))
	if !strings.Contains(p.Unknown, "undecidable") {
		t.Errorf("a conditional unset is not undecidable: %q", p.Unknown)
	}
	p = serverside.Predict([]*model.File{lowerVCL("")}, echoing("/a", ""))
	if got := varnishACAO(p.Actual); got != "https://app.example" {
		t.Errorf("without VCL the backend echoes %q", got)
	}
}

func TestVarnishCacheByStatusAndURL(t *testing.T) {
	f := lowerVCL("sub vcl_recv { if (req.url ~ \"^/api/\") { return (pass); } }\n")
	for _, tc := range []struct {
		path   string
		status int
		want   string
	}{
		{"/data", 200, "https://earlier.example"}, // cached for the first origin
		{"/data", 500, "https://app.example"},     // a 500 is not cached
		{"/api/x", 200, "https://app.example"},    // passed
	} {
		req := echoing(tc.path, "https://earlier.example")
		req.UpstreamStatus = tc.status
		if got := varnishACAO(serverside.Predict([]*model.File{f}, req).Actual); got != tc.want {
			t.Errorf("%s %d: Access-Control-Allow-Origin %q, want %q", tc.path, tc.status, got, tc.want)
		}
	}
}

// hitsVCL unsets Access-Control-Allow-Origin on a cache hit, as
// varnish-bbe7ef99 does; body adds to it.
func hitsVCL(body string) *model.File {
	return lowerVCL(body + "sub vcl_deliver {\n  set resp.http.Access-Control-Allow-Origin = \"*\";\n  set resp.http.Access-Control-Allow-Methods = \"GET, PUT\";\n  set resp.http.Access-Control-Allow-Headers = \"Authorization\";\n  if (obj.hits > 0) {\n    unset resp.http.Access-Control-Allow-Origin;\n  }\n}\n")
}

// obj.hits counts the hits on the object the requests before stored, in
// order, under the key vcl_hash makes and the variants Vary keeps apart.
func TestVarnishObjHits(t *testing.T) {
	const app, admin = "https://app.example", "https://admin.example"
	get := func(origins ...string) []serverside.Earlier {
		var out []serverside.Earlier
		for _, o := range origins {
			out = append(out, serverside.Earlier{Origin: o})
		}
		return out
	}
	for _, tc := range []struct {
		name    string
		vcl     string
		method  string
		headers []browser.Header
		before  []serverside.Earlier
		all     bool
		want    string // Access-Control-Allow-Origin; "?" undecidable, "-" the preflight has none
	}{
		{"first request", "", "GET", nil, nil, true, "*"},
		{"after a GET from the same origin", "", "GET", nil, get(app), true, ""},
		{"after a GET from another origin", "", "GET", nil, get(admin), true, ""},
		{"origin in the key, other origin before", "sub vcl_hash {\n  hash_data(req.http.Origin);\n}\n", "GET", nil, get(admin), true, "*"},
		// varnish-17c19ec0's kind: the object of this origin was stored by
		// the second request before, not the first
		{"origin in the key, this origin second", "sub vcl_hash {\n  hash_data(req.http.Origin);\n}\n", "GET", nil, get("null", app), true, ""},
		{"Vary: Origin, other origin before", "sub vcl_backend_response {\n  set beresp.http.Vary = \"Origin\";\n}\n", "GET", nil, get(admin), true, "*"},
		{"Vary: Origin, same origin before", "sub vcl_backend_response {\n  set beresp.http.Vary = \"Origin\";\n}\n", "GET", nil, get(admin, app), true, ""},
		// Vary is recorded from the backend request, which has no Origin
		// here: no request with one matches (varnish-3ffccca3)
		{"Vary: Origin, Origin unset for the backend", "sub vcl_backend_fetch {\n  unset bereq.http.Origin;\n}\nsub vcl_backend_response {\n  set beresp.http.Vary = \"Origin\";\n}\n", "GET", nil, get(app), true, "*"},
		{"a 500 is not stored", "", "GET-500", nil, get(app), true, "*"},
		{"a passed URL", "sub vcl_recv {\n  if (req.url ~ \"^/a\") {\n    return (pass);\n  }\n}\n", "GET", nil, get(app), true, "*"},
		{"uncacheable", "sub vcl_backend_response {\n  set beresp.uncacheable = true;\n  return (deliver);\n}\n", "GET", nil, get(app), true, "*"},
		// the built-in vcl_recv passes the preflight and PUT
		{"PUT after its preflight", "", "PUT", nil, nil, true, "*"},
		// a hashed preflight is fetched with GET and stored: the request
		// after it hits (varnish-bbe7ef99)
		{"PUT after a hashed preflight", "sub vcl_recv {\n  return (hash);\n}\n", "PUT", nil, nil, true, ""},
		{"not told what came before", "", "GET", nil, nil, false, "?"},
		{"not told, passed", "sub vcl_recv {\n  return (pass);\n}\n", "GET", nil, nil, false, "*"},
		// the built-in vcl_recv passes a GET with Authorization, unless
		// the configuration's unset or return (hash) comes first
		{"Authorization", "", "GET", []browser.Header{{Name: "Authorization", Value: "Bearer t"}}, get(app), true, "?"},
		// hashed, the preflight itself hits the GET's object first
		{"Authorization, hashed", "sub vcl_recv {\n  return (hash);\n}\n", "GET", []browser.Header{{Name: "Authorization", Value: "Bearer t"}}, get(app), true, "-"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path, method := "/a", tc.method
			if method == "GET-500" {
				path, method = "/a-500", "GET"
			}
			req := echoing(path, "")
			req.Method, req.Headers, req.Earlier, req.EarlierAll = method, tc.headers, tc.before, tc.all
			req.UpstreamHeaders = nil
			req.UpstreamOptionsStatus = 200
			if path == "/a-500" {
				req.UpstreamStatus = 500
			}
			p := serverside.Predict([]*model.File{hitsVCL(tc.vcl)}, req)
			if tc.want == "?" {
				if !strings.Contains(p.Unknown, "obj.hits") {
					t.Errorf("want undecidable for obj.hits, got %+v (unknown %q)", p.Actual, p.Unknown)
				}
				return
			}
			if tc.want == "-" {
				if p.Actual != nil || p.Preflight == nil || varnishACAO(p.Preflight) != "" || p.Unknown != "" {
					t.Errorf("want the preflight answered from the cache without the header, got %+v then %+v (unknown %q)", p.Preflight, p.Actual, p.Unknown)
				}
				return
			}
			if p.Actual == nil {
				t.Fatalf("no answer: %q", p.Unknown)
			}
			if got := varnishACAO(p.Actual); got != tc.want || p.Unknown != "" {
				t.Errorf("Access-Control-Allow-Origin %q, want %q (unknown %q, notes %q)", got, tc.want, p.Unknown, p.Actual.Notes)
			}
		})
	}
}
