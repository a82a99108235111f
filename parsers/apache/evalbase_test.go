package apache

import (
	"strings"
	"testing"
)

// httpd 2.4.71 (rewrite:trace3): a relative substitution in a directory
// whose RewriteBase is /static/ redirects to /static/...; a <Directory>
// below with only a RewriteBase replaces the inherited rules, so its
// files pass through untouched.
func TestRewriteBase(t *testing.T) {
	const conf = `Listen 8080
<VirtualHost *:8080>
ServerName a.test
DocumentRoot /srv/www
<Directory /srv/www>
Require all granted
RewriteEngine On
RewriteBase /nowhere/
RewriteRule ^static/f-(\d+)\.txt$ static/g-$1.txt [L]
RewriteRule ^data\.json$ gone.json [L]
</Directory>
<Directory /srv/www/static>
RewriteBase /static/
</Directory>
<Directory /srv/www/other>
RewriteEngine On
RewriteBase /static/
RewriteRule ^x-(\d+)\.txt$ g-$1.txt [L]
</Directory>
</VirtualHost>
`
	tests := []struct{ path, route string }{
		{"/static/f-200.txt", ""},
		{"/other/x-200.txt", "RewriteRule /static/g-200.txt"},
		{"/data.json", "RewriteRule /nowhere/gone.json"},
	}
	for _, tt := range tests {
		r := walkConf(t, conf, Request{Method: "GET", Path: tt.path})
		if got := rewriteTarget(r.Route); got != tt.route {
			t.Errorf("GET %s: rewritten to %q, want %q (route %s)", tt.path, got, tt.route, r.Route)
		}
	}
}

// rewriteTarget is the "RewriteRule URI" step of a walk's route, if any.
func rewriteTarget(route string) string {
	for _, step := range splitRoute(route) {
		if strings.HasPrefix(step, "RewriteRule ") {
			return step
		}
	}
	return ""
}

func splitRoute(route string) []string {
	var out []string
	for _, s := range strings.Split(route, " > ") {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

// %1 is a group of the last RewriteCond that matched; the query string
// a substitution adds is not part of the file.
func TestRewriteBackrefAndQuery(t *testing.T) {
	const conf = `Listen 8080
<VirtualHost *:8080>
ServerName a.test
DocumentRoot /srv/www
<Directory /srv/www/static>
RewriteEngine On
RewriteCond %{HTTP:Origin} ^https://(app|admin)\.example\.com$
RewriteRule ^f-(\d+)\.txt$ %1-$1.txt?o=%1 [QSA,L]
</Directory>
</VirtualHost>
`
	r := walkConf(t, conf, Request{Method: "GET", Path: "/static/f-200.txt", Headers: [][2]string{{"Origin", "https://admin.example.com"}}})
	if got := rewriteTarget(r.Route); got != "RewriteRule /static/admin-200.txt" {
		t.Errorf("rewritten to %q, want /static/admin-200.txt (route %s)", got, r.Route)
	}
	r = walkConf(t, conf, Request{Method: "GET", Path: "/static/f-200.txt", Headers: [][2]string{{"Origin", "https://evil.test"}}})
	if got := rewriteTarget(r.Route); got != "" {
		t.Errorf("untrusted origin: rewritten to %q, want no rewrite", got)
	}
}

// A RewriteBase is not inherited: the rules of a <Directory> below one
// with RewriteBase /nowhere/ redirect within their own directory
// (httpd 2.4.71, rewrite:trace3).
func TestRewriteBaseNotInherited(t *testing.T) {
	const conf = `Listen 8080
<VirtualHost *:8080>
ServerName a.test
DocumentRoot /srv/www
<Directory /srv/www>
RewriteBase /nowhere/
</Directory>
<Directory /srv/www/static>
RewriteEngine On
RewriteRule ^f-(\d+)\.txt$ g-$1.txt [L]
</Directory>
</VirtualHost>
`
	r := walkConf(t, conf, Request{Method: "GET", Path: "/static/f-200.txt"})
	if got := rewriteTarget(r.Route); got != "RewriteRule /static/g-200.txt" {
		t.Errorf("rewritten to %q, want /static/g-200.txt", got)
	}
}
