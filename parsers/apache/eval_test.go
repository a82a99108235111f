package apache

import (
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/corslint/corslint/model"
)

func TestExprShortCircuitAndVary(t *testing.T) {
	tests := []struct {
		expr string
		req  Request
		want bool
		vary []string
	}{
		{`%{REQUEST_METHOD} != 'OPTIONS' && -n %{HTTP:Origin}`, Request{Method: "OPTIONS", Headers: [][2]string{{"Origin", "https://a.test"}}}, false, nil},
		{`%{REQUEST_METHOD} != 'OPTIONS' && -n %{HTTP:Origin}`, Request{Method: "GET", Headers: [][2]string{{"Origin", "https://a.test"}}}, true, []string{"Origin"}},
		{`%{req:Origin} == 'null' || %{REQUEST_METHOD} == 'GET'`, Request{Method: "GET", Headers: [][2]string{{"origin", "null"}}}, true, []string{"Origin"}},
		{`%{REQUEST_METHOD} == 'GET' || %{req:Origin} == 'null'`, Request{Method: "GET"}, true, nil},
		{`!(%{HTTP:Origin} =~ /example\.com$/i)`, Request{Headers: [][2]string{{"Origin", "https://APP.EXAMPLE.COM"}}}, false, []string{"Origin"}},
		{`%{HTTP:Origin} =~ m#^https://(app|admin)\.example\.com$#`, Request{Headers: [][2]string{{"Origin", "https://admin.example.com"}}}, true, []string{"Origin"}},
		{`%{req_novary:Origin} == ''`, Request{}, true, nil},
	}
	for _, tt := range tests {
		x := &exprEnv{req: &tt.req, env: map[string]string{}}
		got, err := x.evalBool(tt.expr)
		if err != nil {
			t.Errorf("%s: %v", tt.expr, err)
			continue
		}
		if got != tt.want || !slices.Equal(x.vary, tt.vary) {
			t.Errorf("%s = %v, vary %v; want %v, vary %v", tt.expr, got, x.vary, tt.want, tt.vary)
		}
	}
}

func TestExprUnmodelled(t *testing.T) {
	for _, e := range []string{`%{REMOTE_ADDR} == '1.2.3.4'`, `%{REQUEST_METHOD} in {'GET'}`, `%{HTTP:Origin} ==`, `tolower(%{HTTP:Origin}) == 'x'`} {
		x := &exprEnv{req: &Request{}, env: map[string]string{}}
		if _, err := x.evalBool(e); !errors.Is(err, errExpr) {
			t.Errorf("%s: err %v, want errExpr", e, err)
		}
	}
}

func TestFixupVaryJoinsOnce(t *testing.T) {
	in := []Line{{Name: "Vary", Value: "Origin"}, {Name: "X", Value: "1"}, {Name: "Vary", Value: "origin, Accept"}}
	var got []string
	for _, l := range fixupVary(in) {
		got = append(got, l.Name+": "+l.Value)
	}
	want := []string{"Vary: Origin, Accept", "X: 1"}
	if !slices.Equal(got, want) {
		t.Errorf("fixupVary = %v, want %v", got, want)
	}
}

func TestRewriteCondTrailingOr(t *testing.T) {
	cfg := Parse("/c/httpd.conf", []byte(`RewriteCond %{HTTP:Origin} ^https://app\.test$ [NC,OR]
RewriteCond %{REQUEST_METHOD} ^GET$ [OR]
`), Options{ServerRoot: "/c"})
	ev := &evalRun{req: &Request{Method: "POST", Headers: [][2]string{{"Origin", "https://evil.test"}}}, env: map[string]string{}}
	ok, vary := ev.rewriteConds(cfg.Directives, nil, "")
	if !ok || len(vary) != 0 {
		t.Errorf("trailing [OR] chain: held %v vary %v, want true and no vary", ok, vary)
	}
	ev.req.Headers[0][1] = "https://APP.test"
	ok, vary = ev.rewriteConds(cfg.Directives, nil, "")
	if !ok || !slices.Equal(vary, []string{"Origin"}) {
		t.Errorf("true [OR] condition: held %v vary %v, want true and Origin", ok, vary)
	}
	cfg = Parse("/c/httpd.conf", []byte("RewriteCond %{HTTP:Origin} ^https://app\\.test$\nRewriteCond %{REQUEST_METHOD} ^GET$\n"), Options{ServerRoot: "/c"})
	if ok, _ := ev.rewriteConds(cfg.Directives, nil, ""); ok {
		t.Error("a false condition without [OR] must fail the rule")
	}
}

const evalConf = `Listen 8080
<VirtualHost *:8080>
  ServerName a.test
  DocumentRoot /srv/www
  <Directory /srv/www>
    AllowOverride None
  </Directory>
  <If "%{HTTP:Origin} == 'https://app.test'">
    Header set Access-Control-Allow-Origin "https://app.test"
  </If>
  <Else>
    Header always set X-Else yes
  </Else>
</VirtualHost>
<VirtualHost *:8080>
  ServerName b.test
  DocumentRoot /srv/www
  <Directory /srv/www>
    AllowOverride FileInfo
  </Directory>
</VirtualHost>
`

func evalFixture(t *testing.T, conf string) (*Config, []*Htaccess) {
	t.Helper()
	cfg := Parse("/srv/httpd.conf", []byte(conf), Options{ServerRoot: "/srv"})
	ht := Parse("/srv/www/.htaccess", []byte("Header set Access-Control-Allow-Credentials true\n"), Options{ServerRoot: "/srv"})
	return cfg, []*Htaccess{{Config: ht, Dir: "/srv/www"}}
}

func lineValues(res Result, name string) []string {
	var out []string
	for _, l := range res.Lines {
		if strings.EqualFold(l.Name, name) {
			out = append(out, l.Value)
		}
	}
	return out
}

func TestEvaluateVhostHtaccessAndElse(t *testing.T) {
	cfg, hts := evalFixture(t, evalConf)
	get := func(host, origin string) Result {
		return Evaluate(cfg, hts, Request{Method: "GET", Host: host, Port: 8080, Path: "/f.json", Headers: [][2]string{{"Origin", origin}}})
	}
	a := get("a.test", "https://app.test")
	if a.Unmodelled != "" {
		t.Fatal(a.Unmodelled)
	}
	if got := lineValues(a, model.ACAO); !slices.Equal(got, []string{"https://app.test"}) {
		t.Errorf("a.test, trusted origin: ACAO %v", got)
	}
	if got := lineValues(a, model.ACAC); got != nil {
		t.Errorf("a.test has AllowOverride None, yet the .htaccess sent ACAC %v", got)
	}
	if got := lineValues(a, "Vary"); !slices.Equal(got, []string{"Origin"}) {
		t.Errorf("the <If> on Origin should add Vary: Origin to a static 200, got %v", got)
	}
	if got := lineValues(get("a.test", "https://evil.test"), "X-Else"); !slices.Equal(got, []string{"yes"}) {
		t.Errorf("<Else> after a false <If>: X-Else %v", got)
	}
	// an unknown host falls to the first virtual host
	if got := lineValues(get("other.test", "https://app.test"), model.ACAO); len(got) != 1 {
		t.Errorf("unknown host: ACAO %v, want the first virtual host's", got)
	}
	if got := lineValues(get("b.test", "https://app.test"), model.ACAC); !slices.Equal(got, []string{"true"}) {
		t.Errorf("b.test reads the .htaccess: ACAC %v", got)
	}
	if r := Evaluate(cfg, hts, Request{Method: "DELETE", Host: "a.test", Port: 8080, Path: "/f.json"}); r.Status != 405 || r.Source != model.FromServer {
		t.Errorf("DELETE on a static file: %d from %v, want 405 from the server", r.Status, r.Source)
	}
}

func TestEvaluateRefusesWhatItDoesNotFollow(t *testing.T) {
	for _, extra := range []string{"ScriptAlias /x", "<Directory /srv/www>\n  Alias /srv/x\n</Directory>", "<Location /a>\n  Alias /srv/%{REQUEST_URI}\n</Location>", "RewriteEngine On\nRewriteRule ^/a /b [PT]",
		`<If "%{REMOTE_ADDR} == '1'">` + "\n</If>", "<Directory /srv/www>\n  RewriteEngine On\n  RewriteOptions AllowNoSlash\n  RewriteRule ^a - [F]\n</Directory>"} {
		cfg, hts := evalFixture(t, strings.Replace(evalConf, "  ServerName a.test\n", "  ServerName a.test\n"+extra+"\n", 1))
		r := Evaluate(cfg, hts, Request{Method: "GET", Host: "a.test", Port: 8080, Path: "/a"})
		if r.Unmodelled == "" {
			t.Errorf("%q: the walk claimed an answer for what it does not follow", extra)
		}
	}
}

// httpd's header filter writes err_headers_out (the always table) before
// headers_out; Chromium quotes repeated lines in that order (differential
// batch, seed 20261205: two Access-Control-Allow-Origin lines).
func TestTablesSentAlwaysFirst(t *testing.T) {
	tb := tables{
		out: []Line{{Name: "Access-Control-Allow-Origin", Value: "https://b.test"}},
		err: []Line{{Name: "Access-Control-Allow-Origin", Value: "https://a.test"}},
	}
	var got []string
	for _, l := range tb.sent() {
		got = append(got, l.Value)
	}
	if want := []string{"https://a.test", "https://b.test"}; !slices.Equal(got, want) {
		t.Errorf("sent = %v, want %v", got, want)
	}
}

func TestAliasMatches(t *testing.T) {
	tests := []struct {
		uri, fake string
		want      int
	}{
		{"/assets/a.txt", "/assets", 7},
		{"/assets", "/assets", 7},
		{"/assetsx/a.txt", "/assets", 0},
		{"/assets/a.txt", "/assets/", 8},
		{"//assets//a.txt", "/assets/", 10},
		{"/other", "/assets", 0},
	}
	for _, tt := range tests {
		if got := aliasMatches(tt.uri, tt.fake); got != tt.want {
			t.Errorf("aliasMatches(%q, %q) = %d, want %d", tt.uri, tt.fake, got, tt.want)
		}
	}
}

// The walk follows Alias, <Proxy>, a directory's RewriteRules and Header
// echo (each checked against httpd 2.4.71 in testdata/regress).
func TestEvaluateMappings(t *testing.T) {
	conf := strings.Replace(evalConf, "  ServerName a.test\n", `  ServerName a.test
  Alias /assets /srv/assets
  <Directory /srv/assets>
    Header set Access-Control-Allow-Origin "*"
    RewriteEngine On
    RewriteRule ^old-(.*)$ new-$1 [L]
    RewriteRule ^gone - [G]
  </Directory>
  <Files "new-1.txt">
    Header set Access-Control-Allow-Methods GET
  </Files>
  ProxyPass /api/ http://up.test/api/
  <Proxy "http://up.test/api/*">
    Header always set Access-Control-Allow-Credentials true
  </Proxy>
  Header always echo ^Access-Control-Request-
`, 1)
	cfg, hts := evalFixture(t, conf)
	get := func(method, p string, hs ...[2]string) Result {
		r := Evaluate(cfg, hts, Request{Method: method, Host: "a.test", Port: 8080, Path: p, Headers: hs})
		if r.Unmodelled != "" {
			t.Fatalf("%s %s: %s", method, p, r.Unmodelled)
		}
		return r
	}
	if got := lineValues(get("GET", "/assets/a.txt"), model.ACAO); !slices.Equal(got, []string{"*"}) {
		t.Errorf("Alias: the target's <Directory> should apply, ACAO %v", got)
	}
	if got := lineValues(get("GET", "/assets/old-1.txt"), "Access-Control-Allow-Methods"); !slices.Equal(got, []string{"GET"}) {
		t.Errorf("a directory's rewrite redirects to new-1.txt, whose <Files> applies: ACAM %v", got)
	}
	if r := get("GET", "/assets/gone.txt"); r.Status != 410 || lineValues(r, model.ACAO) != nil {
		t.Errorf("[G] in a directory: %d with ACAO %v, want 410 and no onsuccess line", r.Status, lineValues(r, model.ACAO))
	}
	if got := lineValues(get("GET", "/api/x"), model.ACAC); !slices.Equal(got, []string{"true"}) {
		t.Errorf("<Proxy> matching the ProxyPass target: ACAC %v", got)
	}
	if got := lineValues(get("GET", "/f.json"), model.ACAC); got != nil {
		t.Errorf("<Proxy> on a static file: ACAC %v", got)
	}
	r := get("OPTIONS", "/f.json", [2]string{"Origin", "https://app.test"}, [2]string{"Access-Control-Request-Method", "PUT"})
	if got := lineValues(r, "Access-Control-Request-Method"); !slices.Equal(got, []string{"PUT"}) {
		t.Errorf("Header always echo: %v", got)
	}
}

func TestPerDirRulesLastSectionWins(t *testing.T) {
	cfg, hts := evalFixture(t, strings.Replace(evalConf, "    AllowOverride None\n", "    AllowOverride None\n    RewriteEngine On\n    RewriteRule ^ - [F]\n", 1)+
		"<Files f.json>\n  RewriteEngine On\n</Files>\n")
	if r := Evaluate(cfg, hts, Request{Method: "GET", Host: "a.test", Port: 8080, Path: "/f.json"}); r.Status != 200 || r.Unmodelled != "" {
		t.Errorf("a <Files> with RewriteEngine On replaces the directory's rules: %d %s", r.Status, r.Unmodelled)
	}
	if r := Evaluate(cfg, hts, Request{Method: "GET", Host: "a.test", Port: 8080, Path: "/g.json"}); r.Status != 403 {
		t.Errorf("the directory's [F] on another file: %d, want 403", r.Status)
	}
	cfg, hts = evalFixture(t, strings.Replace(evalConf, "    AllowOverride None\n", "    AllowOverride None\n    Options -FollowSymLinks\n    RewriteEngine On\n    RewriteRule ^none - [F]\n", 1))
	if r := Evaluate(cfg, hts, Request{Method: "GET", Host: "a.test", Port: 8080, Path: "/f.json"}); r.Status != 403 {
		t.Errorf("RewriteRule without FollowSymLinks: %d, want 403", r.Status)
	}
}

func TestPerDirRewriteToURLRefused(t *testing.T) {
	cfg, hts := evalFixture(t, strings.Replace(evalConf, "    AllowOverride None\n", "    AllowOverride None\n    RewriteEngine On\n    RewriteRule ^f\\.json$ https://other.test/f.json [L]\n", 1))
	if r := Evaluate(cfg, hts, Request{Method: "GET", Host: "a.test", Port: 8080, Path: "/f.json"}); r.Unmodelled == "" {
		t.Errorf("a rewrite to an absolute URL (an external redirect) got a confident answer: %d", r.Status)
	}
}

func TestMappingsBadInput(t *testing.T) {
	if got := aliasMatches("/a", ""); got != 0 {
		t.Errorf("an empty Alias prefix matched %d characters", got)
	}
	cfg, hts := evalFixture(t, strings.Replace(evalConf, "  ServerName a.test\n", "  ServerName a.test\n  ProxyPass /api/ http://up.test/api/\n  <Proxy \"http://up.test/[]\">\n  </Proxy>\n", 1))
	if r := Evaluate(cfg, hts, Request{Method: "GET", Host: "a.test", Port: 8080, Path: "/api/x"}); r.Unmodelled == "" || strings.Contains(r.Unmodelled, "evaluator failed") {
		t.Errorf("a <Proxy> pattern no regex can stand for: %q", r.Unmodelled)
	}
}

// A walker reads the configuration once for all its requests; each walk
// must still answer as a walk of its own does.
func TestWalkerAnswersAsEvaluate(t *testing.T) {
	cfg, hts := evalFixture(t, evalConf)
	w := &walker{cfg: cfg, hts: hts}
	reqs := []Request{
		{Method: "GET", Host: "a.test", Port: 8080, Path: "/f.json", Headers: [][2]string{{"Origin", "https://app.test"}}},
		{Method: "GET", Host: "b.test", Port: 8080, Path: "/f.json", Headers: [][2]string{{"Origin", "https://app.test"}}},
		{Method: "GET", Host: "a.test", Port: 8080, Path: "/f.json", Headers: [][2]string{{"Origin", "https://evil.test"}}},
		{Method: "DELETE", Host: "a.test", Port: 8080, Path: "/f.json"},
	}
	for round := 0; round < 2; round++ {
		for _, req := range reqs {
			got, want := w.Walk(req), Evaluate(cfg, hts, req)
			if !reflect.DeepEqual(got, want) {
				t.Errorf("round %d, %s %s: walker %+v, Evaluate %+v", round, req.Method, req.Host, got, want)
			}
		}
	}
	if got := lineValues(w.Walk(reqs[1]), model.ACAC); !slices.Equal(got, []string{"true"}) {
		t.Errorf("b.test reads the .htaccess through the walker: ACAC %v", got)
	}
}
