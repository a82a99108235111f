package apache

import (
	"fmt"
	"strings"
	"testing"
)

// A <Directory>'s RewriteRule runs under the RewriteEngine On of another
// <Directory> above it, and maps /static/f-200.txt to g-.txt (%1 with no
// condition is empty), which no file is: httpd 2.4.71 answered 404
// (difftest seed 4242, a327). The request's FileStatus speaks for its own
// file only; FileStatusFor, where the files are known, for the rewritten
// one.
func TestRewriteToMissingFile(t *testing.T) {
	const conf = `Listen 8080
<VirtualHost *:8080>
  DocumentRoot /srv/www
  ServerName a.test
  <Directory /srv/www>
    Require all granted
  </Directory>
  <Directory /srv/www/static>
    RewriteRule ^ g-%1.txt [E=RW_V:%{HTTP:Origin}]
  </Directory>
  <Directory /srv/www>
    RewriteEngine On
  </Directory>
</VirtualHost>
`
	cfg := Parse("/srv/httpd.conf", []byte(conf), Options{ServerRoot: "/srv"})
	var asked string
	req := Request{Method: "GET", Host: "a.test", Port: 8080, Path: "/static/f-200.txt", FileStatus: 200}
	req.FileStatusFor = func(name string) int {
		asked = name
		if name == "/srv/www/static/g-200.txt" {
			return 200
		}
		return 404
	}
	r := Evaluate(cfg, nil, req)
	if r.Unmodelled != "" {
		t.Fatal(r.Unmodelled)
	}
	if r.Status != 404 || asked != "/srv/www/static/g-.txt" {
		t.Errorf("rewrite to a missing file: status %d, asked for %q; want 404 for /srv/www/static/g-.txt", r.Status, asked)
	}
	req.FileStatusFor = nil
	if r := Evaluate(cfg, nil, req); r.Status != 200 {
		t.Errorf("without FileStatusFor the request's FileStatus stands: status %d", r.Status)
	}
}

// A relative substitution gets the section's argument as its prefix, as
// mod_rewrite's per-directory configuration names its directory: a
// filename that is no absolute path is answered with 400 by hook_fixup,
// and an absolute one below the DocumentRoot is redirected to as a URL
// (httpd 2.4.71, each of these on /static/f-200.txt).
func TestRelativeSubstitutionPrefix(t *testing.T) {
	for _, c := range []struct {
		section string
		status  int
		route   string
	}{
		{"<DirectoryMatch \"^/srv/www/st.*\">\n%s</DirectoryMatch>", 400, ""},
		{"<Files \"f-200.txt\">\n%s</Files>", 400, ""},
		{"<FilesMatch \"\\.txt$\">\n%s</FilesMatch>", 400, ""},
		{"<LocationMatch \"^/static/\">\n%s</LocationMatch>", 400, ""},
		{"<If \"true\">\n%s</If>", 400, ""},
		{"<Directory /srv/www/static>\n<If \"true\">\n%s</If>\n</Directory>", 400, ""},
		{"<DirectoryMatch \"/srv/www/st.*\">\n%s</DirectoryMatch>", 404, "RewriteRule /st.*/g-200.txt"},
	} {
		conf := "Listen 8080\n<VirtualHost *:8080>\n  DocumentRoot /srv/www\n  ServerName a.test\n  <Directory /srv/www>\n    Require all granted\n  </Directory>\n" +
			fmt.Sprintf(c.section, "RewriteEngine On\nRewriteRule f-200 g-200.txt\n") + "\n</VirtualHost>\n"
		cfg := Parse("/srv/httpd.conf", []byte(conf), Options{ServerRoot: "/srv"})
		req := Request{Method: "GET", Host: "a.test", Port: 8080, Path: "/static/f-200.txt"}
		req.FileStatusFor = func(string) int { return 404 }
		r := Evaluate(cfg, nil, req)
		if r.Unmodelled != "" {
			t.Errorf("%s: %s", c.section, r.Unmodelled)
			continue
		}
		if r.Status != c.status || !strings.Contains(r.Route, c.route) {
			t.Errorf("%s: status %d by way of %q, want %d by way of %q", c.section, r.Status, r.Route, c.status, c.route)
		}
	}
}
