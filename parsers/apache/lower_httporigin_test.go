package apache

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/corslint/corslint/model"
)

// mod_rewrite expands %{HTTP_ORIGIN} to "" (httpd 2.4.71): an allowlist
// written on it lets no rule through, so the E= it guards never sets the
// variable and no Access-Control-Allow-Origin is sent, while its negation
// refuses every request.
func TestLowerRewriteCondHTTPOrigin(t *testing.T) {
	for _, c := range []struct{ name, htaccess, want string }{
		{"allowlist", `RewriteEngine On
RewriteCond %{HTTP_ORIGIN} ^https://(app|admin)\.example\.com$
RewriteRule .* - [E=CORS_ORIGIN:%{HTTP_ORIGIN}]
Header always set Access-Control-Allow-Origin "%{CORS_ORIGIN}e" env=CORS_ORIGIN
`, `.htaccess @DIR@ from=handler options=200 @1:1
  sent:
  on error:
`},
		{"negated", `RewriteEngine On
RewriteCond %{HTTP_ORIGIN} !^https://(app|admin)\.example\.com$
RewriteRule .* - [F]
Header always set Access-Control-Allow-Origin "https://app.example.com"
`, `.htaccess @DIR@ from=handler options=200 @1:1
  sent: ACAO="https://app.example.com"
  on error: ACAO="https://app.example.com"
.htaccess @DIR@ methods=GET,HEAD,POST,PUT,DELETE,PATCH,OPTIONS from=server status=403 @3:1
  sent: ACAO="https://app.example.com"
`},
	} {
		dir := writeTree(t, map[string]string{".htaccess": c.htaccess})
		f := Lower(parseFile(t, filepath.Join(dir, ".htaccess"), Options{}))
		want := strings.ReplaceAll(c.want, "@DIR@", dir)
		if got := dumpResponses(f); got != want {
			t.Errorf("%s: got:\n%s\nwant:\n%s", c.name, got, want)
		}
	}
}

// What a RewriteRule's E=VAR:%N gives: "" with no condition to refer to
// (httpd 2.4.71 sent "Access-Control-Allow-Origin: " from it), the
// Origin when the last condition's group copies any origin, and an
// unknown value when the group is an allowlist's.
func TestRewriteEnvValueConditionGroup(t *testing.T) {
	for _, c := range []struct {
		conds, value string
		want         model.ValueKind
		sentEmpty    bool
	}{
		{"", "%1", model.Empty, true},
		{`RewriteCond %{REQUEST_METHOD}:%{HTTP:Origin} ^(GET|OPTIONS):(.+)$ [NC]`, "%2", model.Reflected, false},
		{`RewriteCond %{REQUEST_METHOD}:%{HTTP:Origin} ^(GET|OPTIONS):(.+)$ [NC]`, "%1", model.Unknown, false},
		{`RewriteCond %{REQUEST_METHOD}:%{HTTP:Origin} ^(GET|OPTIONS):(https://app\.test)$`, "%2", model.Unknown, false},
		{`RewriteCond %{HTTP_HOST}:%{HTTP:Origin} ^(a\.test):(.+)$`, "%2", model.Unknown, false},
	} {
		text := c.conds + "\nRewriteRule ^ - [E=X:" + c.value + "]\n"
		cfg := Parse("/c/httpd.conf", []byte(text), Options{ServerRoot: "/c"})
		var conds []rwCond
		var rule *Directive
		for _, d := range cfg.Directives {
			if d.Is("RewriteCond") {
				conds = append(conds, parseCond(d))
			} else if d.Is("RewriteRule") {
				rule = d
			}
		}
		r := parseRule(rule, conds)
		v := rewriteEnvValue(r.env[0].value, r, rule.Span)
		if v.Kind != c.want || v.SentEmpty != c.sentEmpty {
			t.Errorf("%q then E=X:%s: %v (sent empty %v), want %v (%v)", c.conds, c.value, v.Kind, v.SentEmpty, c.want, c.sentEmpty)
		}
	}
}
