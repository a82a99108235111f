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
