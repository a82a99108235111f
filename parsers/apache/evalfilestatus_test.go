package apache

import "testing"

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
