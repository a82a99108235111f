package serverside_test

import (
	"strings"
	"testing"

	"github.com/corslint/corslint/browser"
	"github.com/corslint/corslint/model"
	"github.com/corslint/corslint/parsers/nginx"
	"github.com/corslint/corslint/serverside"
)

// nginxAnswer predicts one request on conf and returns the actual
// answer's status, its values of name joined by ", " and why it is
// undecidable.
func nginxAnswer(t *testing.T, conf string, req serverside.Request, name string) (int, string, string) {
	t.Helper()
	f := nginx.Lower(nginx.Parse("nginx.conf", []byte(conf), nginx.Options{}))
	p := serverside.Predict([]*model.File{f}, req)
	a := p.Actual
	if a == nil {
		a = p.Preflight
	}
	if a == nil {
		t.Fatalf("%s: no answer (%s)", req.URL, p.Unknown)
	}
	var vs []string
	for _, l := range a.Headers {
		if strings.EqualFold(l.Name, name) {
			vs = append(vs, l.Value)
		}
	}
	return a.Status, strings.Join(vs, ", "), p.Unknown
}

func get(url, origin string) serverside.Request {
	return serverside.Request{Request: browser.Request{URL: url, Origin: origin, Method: "GET"}}
}

// TestNginxListenAddress: a connection to 127.0.0.1 chooses among the
// servers listening there only, and default_server belongs to one
// listen (nginx 1.22, difftest seed 20261205, n8 and n21 before the
// fix).
func TestNginxListenAddress(t *testing.T) {
	conf := `
server { listen 127.0.0.2:8080; server_name a.test; return 403; }
server { listen 127.0.0.1:8080; listen 127.0.0.2:8080 default_server; server_name b.test; return 204; }
server { listen 127.0.0.1:8080; server_name c.test; return 202; }
`
	for _, tc := range []struct {
		addr, host string
		status     int
		unknown    bool
	}{
		{"127.0.0.1", "a.test", 204, false}, // a.test's server is not on 127.0.0.1: the first there answers
		{"127.0.0.2", "a.test", 403, false},
		{"127.0.0.2", "c.test", 204, false}, // 127.0.0.2's default_server
		{"127.0.0.1", "c.test", 202, false},
		{"", "a.test", 403, true}, // where a.test resolves decides
		{"", "127.0.0.1", 204, false},
	} {
		req := get("http://"+tc.host+":8080/", "https://app.example")
		req.Addr = tc.addr
		status, _, unknown := nginxAnswer(t, conf, req, model.ACAO)
		if status != tc.status || (unknown != "") != tc.unknown {
			t.Errorf("%s via %q: %d (unknown %q), want %d (unknown %v)", tc.host, tc.addr, status, unknown, tc.status, tc.unknown)
		}
	}
}

// TestNginxHostAndURIConditions: if ($host ...) and if ($request_uri ~
// ...) are decided from the request.
func TestNginxHostAndURIConditions(t *testing.T) {
	conf := `
server {
  listen 80;
  server_name .b.test;
  if ($host = b.test) { return 301 https://x.b.test$request_uri; }
  if ($request_uri ~ "^/other/") { return 403; }
  location / { add_header Access-Control-Allow-Origin "*"; return 200; }
}
`
	for _, tc := range []struct {
		url    string
		status int
	}{
		{"http://b.test/x", 301},
		{"http://x.b.test/x", 200},
		{"http://x.b.test/other/y", 403},
		{"http://x.b.test/api?/other/", 200},
	} {
		status, _, unknown := nginxAnswer(t, conf, get(tc.url, "https://app.example"), model.ACAO)
		if status != tc.status || unknown != "" {
			t.Errorf("%s: %d (unknown %q), want %d", tc.url, status, unknown, tc.status)
		}
	}
}

// TestNginxCaptures: a map value built from its regex key's named
// captures, and a header from the captures of a regex server_name, are
// known; a location regex that matches replaces them, one that fails
// leaves them.
func TestNginxCaptures(t *testing.T) {
	conf := `
map $http_origin $cors {
  default "";
  ~^https://(?<sub>[a-z]+)\.example\.com$ https://$sub.example.com;
}
server {
  listen 80;
  server_name "~^(?<srv>c[0-9]+)\.test$";
  add_header Access-Control-Allow-Origin $cors;
  add_header Access-Control-Expose-Headers "X-$srv";
  location / { return 200; }
}
server {
  listen 80;
  server_name ~^([a-z]+)\.test$;
  add_header Access-Control-Expose-Headers "X-$1";
  location ~ ^/(v[0-9]+)/ { return 200; }
  location / { return 200; }
}
`
	for _, tc := range []struct {
		url, origin, name, want string
		unknown                 bool
	}{
		{"http://c7.test/", "https://app.example.com", model.ACAO, "https://app.example.com", false},
		{"http://c7.test/", "https://evil.example", model.ACAO, "", false},
		{"http://c7.test/", "https://app.example.com", "Access-Control-Expose-Headers", "X-c7", false},
		{"http://ab.test/", "https://app.example.com", "Access-Control-Expose-Headers", "X-ab", false},
		{"http://ab.test/v2/x", "https://app.example.com", "Access-Control-Expose-Headers", "X-v2", false}, // the location regex captures too
	} {
		_, got, unknown := nginxAnswer(t, conf, get(tc.url, tc.origin), tc.name)
		if got != tc.want || (unknown != "") != tc.unknown {
			t.Errorf("%s from %s: %s %q (unknown %q), want %q (unknown %v)", tc.url, tc.origin, tc.name, got, unknown, tc.want, tc.unknown)
		}
	}
}

// TestNginxCaptureOrder: $1 is what the last regex to run left, in
// nginx's order: an if's regex that fails empties it, a map runs its
// regexes when a statement first reads it (nginx 1.22, hand-written
// cases nginx-capA2, nginx-capB1, nginx-capB2, nginx-capH1); a rewrite
// the model does not replay leaves it unknown.
func TestNginxCaptureOrder(t *testing.T) {
	conf := `
map $http_origin $cors {
  default "";
  "https://app.example.com" $http_origin;
  ~^(https://[a-z]+\.example\.com)$ $1;
}
map $host $exp {
  hostnames;
  default "X-Default";
  ~^c[0-9]+\.test$ "X-C";
}
server {
  listen 80;
  server_name ~^([a-z]+)([0-9]*)\.test$;
  add_header Access-Control-Expose-Headers "X-$1";
  location /if/ {
    if ($http_origin ~* "^https://(app|admin)\.example\.com$") { set $v 1; }
    return 200;
  }
  location /first/ {
    add_header Access-Control-Allow-Origin $cors;
    add_header Access-Control-Expose-Headers "X-$1";
    return 200;
  }
  location /host/ {
    add_header Access-Control-Allow-Headers "X-$1";
    add_header Access-Control-Allow-Origin $exp;
    add_header Access-Control-Expose-Headers "X-$1";
    return 200;
  }
  location /rw/ {
    rewrite ^/rw/(.*)$ /if/$1 last;
  }
}
`
	for _, tc := range []struct {
		url, origin, name, want string
		unknown                 bool
	}{
		{"http://c7.test/if/x", "https://admin.example.com", "Access-Control-Expose-Headers", "X-admin", false},
		{"http://c7.test/if/x", "https://evil.example", "Access-Control-Expose-Headers", "X-", false},
		{"http://c7.test/first/x", "https://www.example.com", "Access-Control-Expose-Headers", "X-https://www.example.com", false},
		{"http://c7.test/first/x", "https://app.example.com", "Access-Control-Expose-Headers", "X-c", false}, // the hash answers: no regex runs
		{"http://c7.test/host/x", "https://app.example.com", model.ACAH, "X-c", false},
		{"http://c7.test/host/x", "https://app.example.com", "Access-Control-Expose-Headers", "X-", false},
		{"http://c7.test/rw/x", "https://app.example.com", "Access-Control-Expose-Headers", "", true},
	} {
		_, got, unknown := nginxAnswer(t, conf, get(tc.url, tc.origin), tc.name)
		if got != tc.want || (unknown != "") != tc.unknown {
			t.Errorf("%s from %s: %s %q (unknown %q), want %q (unknown %v)", tc.url, tc.origin, tc.name, got, unknown, tc.want, tc.unknown)
		}
	}
}

// TestNginxFlagIfs: a flag built by several ifs and tested by later ifs
// is decided, and an if without return does not hide a later if that
// returns (nginx 1.22, difftest seed 20261205, n85).
func TestNginxFlagIfs(t *testing.T) {
	conf := `
server {
  listen 80;
  location /api/ {
    set $f "";
    if ($http_origin = "https://app.example.com") { set $f "o"; }
    if ($request_method = OPTIONS) { set $f "$f-p"; }
    if ($f = "o-p") { add_header Access-Control-Allow-Origin $http_origin always; add_header Access-Control-Allow-Methods PUT always; return 204; }
    if ($f = "o") { add_header Access-Control-Allow-Origin $http_origin; }
    return 404;
  }
}
`
	for _, tc := range []struct {
		origin, method string
		status         int
		acao           string
	}{
		{"https://app.example.com", "OPTIONS", 204, "https://app.example.com"},
		{"https://evil.example", "OPTIONS", 404, ""},
		{"https://app.example.com", "GET", 404, ""}, // no always: not on a 404
		{"https://evil.example", "GET", 404, ""},
	} {
		req := get("http://h/api/x", tc.origin)
		req.Method = tc.method
		status, acao, unknown := nginxAnswer(t, conf, req, model.ACAO)
		if status != tc.status || acao != tc.acao || unknown != "" {
			t.Errorf("%s from %s: %d %q (unknown %q), want %d %q", tc.method, tc.origin, status, acao, unknown, tc.status, tc.acao)
		}
	}
}
