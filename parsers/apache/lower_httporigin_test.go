package apache

import (
	"path/filepath"
	"strings"
	"testing"
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
