package apache

import (
	"slices"
	"strings"
	"testing"
)

// rwOptsConf is the scenario of docs/server-facts.md that httpd 2.4 ran:
// each child directory's rules merged with its parent's by RewriteOptions.
const rwOptsConf = `Listen 8080
<VirtualHost *:8080>
  ServerName a.test
  DocumentRoot /srv/www
  RewriteEngine On
  Header always set X-R "%{P}e|%{C}e"
  <Directory /srv/www/a>
    RewriteRule f-200 - [E=P:1,L]
  </Directory>
  <Directory /srv/www/a/b>
    RewriteOptions Inherit
    RewriteRule f-200 - [E=C:1]
  </Directory>
  <Directory /srv/www/d>
    RewriteOptions InheritDownBefore
    RewriteRule f-200 - [E=P:1,L]
  </Directory>
  <Directory /srv/www/d/e>
    RewriteRule f-200 - [E=C:1]
  </Directory>
  <Directory /srv/www/g>
    RewriteOptions InheritDown
    RewriteRule f-200 - [E=P:1]
  </Directory>
  <Directory /srv/www/g/h>
    RewriteOptions IgnoreInherit
    RewriteRule f-200 - [E=C:1]
  </Directory>
  <Directory /srv/www/i>
    RewriteOptions Inherit
    RewriteRule f-200 - [E=P:1]
  </Directory>
  <Directory /srv/www/i/j>
    RewriteRule f-200 - [E=C:1]
  </Directory>
  <Directory /srv/www/k>
    RewriteOptions AllowNoSlash
    RewriteRule f-200 - [E=C:1]
  </Directory>
</VirtualHost>
`

func TestRewriteOptionsMerge(t *testing.T) {
	cfg := Parse("/srv/httpd.conf", []byte(rwOptsConf), Options{ServerRoot: "/srv"})
	for _, c := range []struct{ path, want string }{
		{"/a/b/f-200.txt", "1|1"},      // Inherit: its own rules, then the parent's
		{"/d/e/f-200.txt", "1|(null)"}, // InheritDownBefore: the parent's [L] first
		{"/g/h/f-200.txt", "(null)|1"}, // IgnoreInherit
		{"/i/j/f-200.txt", "1|1"},      // the parent's Inherit is the child's option too
		{"/a/f-200.txt", "1|(null)"},
	} {
		r := Evaluate(cfg, nil, Request{Method: "GET", Host: "a.test", Port: 8080, Path: c.path})
		if r.Unmodelled != "" {
			t.Errorf("%s: %s", c.path, r.Unmodelled)
			continue
		}
		if got := lineValues(r, "X-R"); !slices.Equal(got, []string{c.want}) {
			t.Errorf("%s: X-R %v, want %q", c.path, got, c.want)
		}
	}
	if r := Evaluate(cfg, nil, Request{Method: "GET", Host: "a.test", Port: 8080, Path: "/k/f-200.txt"}); !strings.Contains(r.Unmodelled, "AllowNoSlash") {
		t.Errorf("AllowNoSlash: unmodelled %q", r.Unmodelled)
	}
}
