package apache

import (
	"slices"
	"strings"
	"testing"
)

// rwVarConf reads server variables in RewriteCond test strings, E= values
// and a directory's substitution, as httpd 2.4 showed them (see
// docs/server-facts.md).
const rwVarConf = `Listen 8080
<VirtualHost *:8080>
  ServerName a.test
  DocumentRoot /srv/www
  RewriteEngine On
  RewriteCond %{HTTP_ORIGIN} ^https://app
  RewriteRule ^/x1 - [E=T1:yes]
  RewriteCond %{HTTP:Origin} ^https://app
  RewriteRule ^/x2 - [E=T2:yes]
  RewriteCond %{HTTP_HOST} ^a\.test
  RewriteRule ^/x3 - [E=T3:%{HTTP_HOST}]
  RewriteRule ^/x5 - [E=T5:%{REQUEST_URI}|%{SERVER_NAME}|%{HTTPS}|%{REQUEST_FILENAME}|%{ENV:T3}|\%{X}]
  Header always set X-T "%{T1}e/%{T2}e/%{T3}e/%{T5}e"
  <Directory /srv/www/static>
    Require all granted
    RewriteCond %{REQUEST_URI} ^/static/f-(\d+)
    RewriteRule ^f-(\d+)\.txt$ %{ENV:PFX}g-%1.txt [E=T6:%{REQUEST_FILENAME}]
    Header always set X-D "%{REDIRECT_T6}e"
  </Directory>
  <Directory /srv/www/other>
    RewriteRule ^ - [E=T7:%{REMOTE_ADDR}]
  </Directory>
  SetEnvIf Request_URI "^/static/f-4" PFX=h-
</VirtualHost>
`

func TestRewriteServerVariables(t *testing.T) {
	cfg := Parse("/srv/httpd.conf", []byte(rwVarConf), Options{ServerRoot: "/srv"})
	get := func(host, p string) Result {
		t.Helper()
		r := Evaluate(cfg, nil, Request{Method: "GET", Host: host, Port: 8080, Path: p, Headers: [][2]string{{"Origin", "https://app.test"}}})
		if r.Unmodelled != "" {
			t.Fatalf("%s: %s", p, r.Unmodelled)
		}
		return r
	}
	for _, c := range []struct{ host, path, want string }{
		// %{HTTP_ORIGIN} is no variable of mod_rewrite's: it is empty
		{"a.test", "/x1", "(null)/(null)/(null)/(null)"},
		{"a.test", "/x2", "(null)/yes/(null)/(null)"},
		{"a.test", "/x3", "(null)/(null)/a.test/(null)"},
		// the Host header as sent, not lower-cased
		{"A.test", "/x3", "(null)/(null)/(null)/(null)"},
		{"A.TEST", "/x5", "(null)/(null)/(null)//x5|a.test|off|/x5||%{X}"},
	} {
		if got := lineValues(get(c.host, c.path), "X-T"); !slices.Equal(got, []string{c.want}) {
			t.Errorf("%s %s: X-T %v, want %q", c.host, c.path, got, c.want)
		}
	}
	r := get("a.test", "/static/f-200.txt")
	if !strings.Contains(r.Route, "RewriteRule /static/g-200.txt") {
		t.Errorf("%%1 from the %%{REQUEST_URI} condition: route %q", r.Route)
	}
	if got := lineValues(r, "X-D"); !slices.Equal(got, []string{"/srv/www/static/f-200.txt"}) {
		t.Errorf("E= reads the filename before the substitution: X-D %v", got)
	}
	if r := get("a.test", "/static/f-404.txt"); !strings.Contains(r.Route, "RewriteRule /static/h-g-404.txt") {
		t.Errorf("%%{ENV:PFX} in the substitution: route %q", r.Route)
	}
	if r := Evaluate(cfg, nil, Request{Method: "GET", Host: "a.test", Port: 8080, Path: "/other/x"}); !strings.Contains(r.Unmodelled, "REMOTE_ADDR") {
		t.Errorf("%%{REMOTE_ADDR} is the client's: unmodelled %q", r.Unmodelled)
	}
}

func TestRwExpandBadInput(t *testing.T) {
	ev := &evalRun{req: &Request{Method: "GET"}, env: map[string]string{}}
	for _, s := range []string{"%{", "%{}", "%{ENV:", "%{HTTP:}", `\`, "$", "%", "%{a{b}", "%{LA-U:X}", "${map:x}"} {
		v, _, err := ev.rwExpand(s, nil, "")
		if err == nil && strings.Contains(s, "LA-U") {
			t.Errorf("%q: expanded to %q, want refused", s, v)
		}
	}
}

// The generic model must not read %{HTTP_ORIGIN} as the Origin either.
func TestRewriteCondHTTPOriginIsNoOriginTest(t *testing.T) {
	for _, c := range []struct {
		line   string
		origin bool
	}{
		{`RewriteCond %{HTTP_ORIGIN} ^https://app\.test$`, false},
		{`RewriteCond %{HTTP:Origin} ^https://app\.test$`, true},
	} {
		cfg := Parse("/c/httpd.conf", []byte(c.line+"\n"), Options{ServerRoot: "/c"})
		if got := parseCond(cfg.Directives[0]).t.origin != nil; got != c.origin {
			t.Errorf("%s: origin test %v, want %v", c.line, got, c.origin)
		}
	}
}

// A redirect without L leaves the rules after it to run on the URL it
// made (httpd 2.4: REQUEST_FILENAME was that URL, an anchored ^/ pattern
// no longer matched, a later [F] answered instead).
func TestRewriteRedirectWithoutLast(t *testing.T) {
	conf := strings.Replace(rwVarConf, "  Header always set X-T", `  RewriteRule \.json$ https://elsewhere.test%{REQUEST_URI} [R=303]
  RewriteRule ^/(static|data) - [E=RW_A:1]
  RewriteRule json$ - [E=RW_B:%{REQUEST_FILENAME}]
  RewriteRule forbid - [F]
  Header always set X-R "%{RW_A}e|%{RW_B}e"
  Header always set X-T`, 1)
	cfg := Parse("/srv/httpd.conf", []byte(conf), Options{ServerRoot: "/srv"})
	for _, c := range []struct {
		path   string
		status int
		xr     string
	}{
		{"/data-200.json", 303, "(null)|https://elsewhere.test/data-200.json"},
		{"/forbid.json", 403, "(null)|https://elsewhere.test/forbid.json"},
		{"/x.txt", 200, "(null)|(null)"},
	} {
		r := Evaluate(cfg, nil, Request{Method: "GET", Host: "a.test", Port: 8080, Path: c.path})
		if r.Unmodelled != "" {
			t.Fatalf("%s: %s", c.path, r.Unmodelled)
		}
		if got := lineValues(r, "X-R"); r.Status != c.status || !slices.Equal(got, []string{c.xr}) {
			t.Errorf("%s: %d with X-R %v, want %d with %q", c.path, r.Status, got, c.status, c.xr)
		}
	}
}

// A redirect's local target is made absolute before the rules after it
// see it: the lower-cased host name, and the Host header's port.
func TestRewriteRedirectQualified(t *testing.T) {
	conf := strings.Replace(rwVarConf, "  Header always set X-T", `  RewriteRule ^/loc /static/g-200.txt [R=303]
  RewriteRule ^http://a\.test/static/g - [E=RW_Q:%{REQUEST_FILENAME}]
  Header always set X-Q "%{RW_Q}e"
  Header always set X-T`, 1)
	cfg := Parse("/srv/httpd.conf", []byte(conf), Options{ServerRoot: "/srv"})
	for _, c := range []struct {
		host string
		hdrs [][2]string
		want string
	}{
		{"A.test", nil, "http://a.test/static/g-200.txt"},
		{"a.test", [][2]string{{"Host", "A.test:8080"}}, "(null)"},
	} {
		r := Evaluate(cfg, nil, Request{Method: "GET", Host: c.host, Port: 8080, Path: "/loc", Headers: c.hdrs})
		if got := lineValues(r, "X-Q"); r.Unmodelled != "" || r.Status != 303 || !slices.Equal(got, []string{c.want}) {
			t.Errorf("Host %s %v: %d X-Q %v (%s), want 303 with %q", c.host, c.hdrs, r.Status, got, r.Unmodelled, c.want)
		}
	}
}
