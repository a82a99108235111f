package serverside_test

import (
	"strings"
	"testing"

	"github.com/corslint/corslint/browser"
	"github.com/corslint/corslint/model"
	"github.com/corslint/corslint/parsers/nginx"
	"github.com/corslint/corslint/serverside"
)

// fakeFiles is a document root: the files listed exist, their parent
// directories too, nothing else under /srv does.
type fakeFiles []string

func (ff fakeFiles) Kind(name string) serverside.FileKind {
	if !strings.HasPrefix(name, "/srv") {
		return serverside.FileUnknown
	}
	for _, f := range ff {
		switch {
		case f == name:
			return serverside.FileRegular
		case strings.HasPrefix(f, name+"/"):
			return serverside.FileDir
		}
	}
	return serverside.FileMissing
}

// TestNginxStaticAndErrorPages holds the static and index modules and
// error_page against what nginx 1.22 answered for the same configuration
// (requests without a preflight, so that the status shows as it is).
func TestNginxStaticAndErrorPages(t *testing.T) {
	conf := `
server {
  listen 80;
  root /srv/www;
  add_header X-S s;
  add_header Access-Control-Allow-Origin "*" always;
  location /e/ { error_page 404 /f.txt; }
  location /n/ { error_page 404 = /f.txt; }
  location /c/ { error_page 404 =201 /f.txt; }
  location /r/ { error_page 404 /r2; }
  location = /r2 { return 502; }
  location /t/ { error_page 403 404 @t; return 404 "text"; }
  location /u/ { error_page 403 404 @t; return 404; }
  location @t { add_header Access-Control-Allow-Origin "https://t"; return 200 "named"; }
  location /o/ { error_page 405 /f.txt; }
}
`
	f := nginx.Lower(nginx.Parse("nginx.conf", []byte(conf), nginx.Options{}))
	files := fakeFiles{"/srv/www/index.html", "/srv/www/sub/index.html", "/srv/www/noidx/x/y", "/srv/www/f.txt"}
	for _, tc := range []struct {
		method, path string
		status       int
		acao         string
	}{
		{"GET", "/", 200, "*"},
		{"POST", "/", 405, "*"},
		{"GET", "/sub", 301, "*"},
		{"POST", "/sub", 301, "*"},
		{"GET", "/noidx/", 403, "*"},
		{"POST", "/noidx/", 403, "*"},
		{"GET", "/missing", 404, "*"},
		{"POST", "/missing", 404, "*"},
		{"POST", "/f.txt", 405, "*"},
		{"GET", "/e/x", 404, "*"},
		{"POST", "/e/x", 404, "*"},
		{"GET", "/n/x", 200, "*"},
		{"GET", "/c/x", 201, "*"},
		{"GET", "/r/x", 502, "*"},
		{"GET", "/t/x", 404, "*"},
		{"GET", "/u/x", 404, ""},
	} {
		req := serverside.Request{Request: browser.Request{URL: "http://h" + tc.path, Origin: "https://app.example", Method: tc.method}, Files: files}
		if tc.method == "POST" {
			req.Headers = []browser.Header{{Name: "Content-Type", Value: "text/plain"}}
		}
		p := serverside.Predict([]*model.File{f}, req)
		if p.Actual == nil {
			t.Fatalf("%s %s: no actual answer (%s)", tc.method, tc.path, p.Unknown)
		}
		acao := ""
		for _, l := range p.Actual.Headers {
			if l.Name == model.ACAO {
				acao = l.Value
			}
		}
		if p.Actual.Status != tc.status || acao != tc.acao || p.Unknown != "" {
			t.Errorf("%s %s: %d with Access-Control-Allow-Origin %q (unknown: %q), nginx answered %d with %q",
				tc.method, tc.path, p.Actual.Status, acao, p.Unknown, tc.status, tc.acao)
		}
	}
}

// TestNginxStaticUnknownRoot: where the document root is not on this
// machine, the file handler answers what --status says.
func TestNginxStaticUnknownRoot(t *testing.T) {
	conf := `server { listen 80; root /elsewhere; add_header Access-Control-Allow-Origin "*"; location /api/ { return 204; } }`
	f := nginx.Lower(nginx.Parse("nginx.conf", []byte(conf), nginx.Options{}))
	for status, want := range map[int]string{200: "*", 404: ""} {
		req := serverside.Request{Request: browser.Request{URL: "http://h/x", Origin: "https://app.example", Method: "GET"}, Files: fakeFiles{}, UpstreamStatus: status}
		p := serverside.Predict([]*model.File{f}, req)
		acao := ""
		for _, l := range p.Actual.Headers {
			if l.Name == model.ACAO {
				acao = l.Value
			}
		}
		if p.Actual.Status != status || acao != want {
			t.Errorf("--status %d: %d with %q, want %d with %q", status, p.Actual.Status, acao, status, want)
		}
	}
}

// TestNginxMapPrecedence follows ngx_http_map_find: an exact key, then the
// longest leading wildcard, then the longest trailing one, then the first
// regex, then the default; a fixed value applies only when its key
// matches, for a map on $host as for one on $http_origin.
func TestNginxMapPrecedence(t *testing.T) {
	conf := `
map $host $expose {
  hostnames;
  default "X-Default";
  ~^w "X-Regex1";
  ~^www "X-Regex2";
  www.* "X-Trail";
  .b.test "X-B";
  *.x.b.test "X-XB";
  a.test "X-A";
}
map $http_origin $cred {
  default "";
  "https://app.example" "true";
}
server {
  listen 80;
  add_header Access-Control-Expose-Headers $expose;
  add_header Access-Control-Allow-Credentials $cred;
  return 200;
}
`
	f := nginx.Lower(nginx.Parse("nginx.conf", []byte(conf), nginx.Options{}))
	for _, tc := range []struct{ host, origin, expose, cred string }{
		{"a.test", "https://app.example", "X-A", "true"},
		{"b.test", "https://evil.example", "X-B", ""},
		{"y.b.test", "https://app.example", "X-B", "true"},
		{"y.x.b.test", "", "X-XB", ""},
		{"www.other.test", "", "X-Trail", ""},
		{"wx.test", "", "X-Regex1", ""},
		{"other.test", "", "X-Default", ""},
	} {
		p := serverside.Predict([]*model.File{f}, serverside.Request{Request: browser.Request{URL: "http://" + tc.host + "/", Origin: tc.origin, Method: "GET"}})
		got := map[string]string{}
		for _, l := range p.Actual.Headers {
			got[l.Name] = l.Value
		}
		if got[model.ACEH] != tc.expose || got[model.ACAC] != tc.cred {
			t.Errorf("Host %s, Origin %q: expose %q credentials %q, want %q %q", tc.host, tc.origin, got[model.ACEH], got[model.ACAC], tc.expose, tc.cred)
		}
	}
}

// TestNginxErrorPageToUpstream: an error page whose URI goes to the
// upstream depends on the upstream's answer for that URI, which only
// UpstreamStatusFor gives; without it the answer is undecidable.
func TestNginxErrorPageToUpstream(t *testing.T) {
	conf := `server { listen 80; location / { proxy_intercept_errors on; error_page 404 =200 /e; add_header Access-Control-Allow-Origin "*"; proxy_pass http://up; } }`
	f := nginx.Lower(nginx.Parse("nginx.conf", []byte(conf), nginx.Options{}))
	req := serverside.Request{Request: browser.Request{URL: "http://h/x", Origin: "https://app.example", Method: "GET"}, UpstreamStatus: 404}
	if p := serverside.Predict([]*model.File{f}, req); !strings.Contains(p.Unknown, "error page /e") {
		t.Errorf("without the upstream's answer for /e: unknown %q, want it named", p.Unknown)
	}
	// measured with nginx 1.22 in front of nginx: the upstream's 500 for
	// /e, not in the error_page's codes, reaches the client as 200; a 404
	// is intercepted again, and nginx's own 404 page answers
	for upstream, want := range map[int]int{200: 200, 500: 200, 404: 404} {
		req.UpstreamStatusFor = func(string) int { return upstream }
		p := serverside.Predict([]*model.File{f}, req)
		if p.Unknown != "" || p.Actual.Status != want {
			t.Errorf("upstream %d for /e: %d (unknown %q), want %d", upstream, p.Actual.Status, p.Unknown, want)
		}
	}
}

// TestNginxSetRunsInItsLocation: set runs in the rewrite phase of the
// location it is written in, so a nested location, a sibling or the
// server's own handler sees the variable empty (regression
// nginx-5f90c2ab measured the nested case).
func TestNginxSetRunsInItsLocation(t *testing.T) {
	conf := `
server {
  listen 80;
  location /api/ {
    set $v "https://api";
    add_header Access-Control-Allow-Origin $v;
    return 200;
    location /api/v1/ { return 200; }
  }
  location /other/ { add_header Access-Control-Allow-Origin $v; return 200; }
}
`
	f := nginx.Lower(nginx.Parse("nginx.conf", []byte(conf), nginx.Options{}))
	for path, want := range map[string]string{"/api/x": "https://api", "/api/v1/x": "", "/other/x": ""} {
		p := serverside.Predict([]*model.File{f}, serverside.Request{Request: browser.Request{URL: "http://h" + path, Origin: "https://app.example", Method: "GET"}})
		got := ""
		for _, l := range p.Actual.Headers {
			if l.Name == model.ACAO {
				got = l.Value
			}
		}
		if got != want {
			t.Errorf("%s: Access-Control-Allow-Origin %q, want %q", path, got, want)
		}
	}
}
