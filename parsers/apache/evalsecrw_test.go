package apache

import (
	"slices"
	"strings"
	"testing"
)

// secRewriteConf has RewriteRules in sections other than <Directory>, as
// the scenario in docs/server-facts.md ran them on httpd 2.4.
const secRewriteConf = `Listen 8080
<VirtualHost *:8080>
  ServerName a.test
  DocumentRoot /srv/www
  Header always set X-E "%{SUBJ}e"
  <Location /static/>
    RewriteEngine On
    RewriteRule ^(.*)$ - [E=SUBJ:loc:$1]
  </Location>
  <DirectoryMatch "^/srv/www/dm">
    RewriteEngine On
    RewriteRule ^(.*)$ - [E=SUBJ:dm:$1]
  </DirectoryMatch>
  <If "%{REQUEST_URI} =~ m#^/iff/#">
    RewriteEngine On
    RewriteRule ^(.*)$ - [E=SUBJ:if:$1]
  </If>
  <Location /sub/>
    RewriteEngine On
    RewriteRule f-(\d+)\.txt$ g-$1.txt
  </Location>
  <Files "x-200.txt">
    RewriteEngine On
    RewriteRule x-200 - [F]
  </Files>
  ProxyPass /api/ http://up.test/static/
  <Location /api/>
    RewriteEngine On
    RewriteRule ^(.*)$ - [E=SUBJ:proxyloc:$1]
  </Location>
</VirtualHost>
`

func TestRewriteInSections(t *testing.T) {
	cfg := Parse("/srv/httpd.conf", []byte(secRewriteConf), Options{ServerRoot: "/srv"})
	for _, c := range []struct {
		path, xe, route string
		status          int
	}{
		// the rules see the whole filename: no prefix is taken off
		{"/static/f-200.txt", "loc:/srv/www/static/f-200.txt", "", 200},
		{"/dm/f-200.txt", "dm:/srv/www/dm/f-200.txt", "", 200},
		{"/iff/f-200.txt", "if:/srv/www/iff/f-200.txt", "", 200},
		// a relative substitution gets the <Location>'s path
		{"/sub/f-200.txt", "(null)", "RewriteRule /sub/g-200.txt", 200},
		{"/other/x-200.txt", "(null)", "", 403},
		// a proxied request's filename
		{"/api/f-200.txt", "proxyloc:proxy:http://up.test/static/f-200.txt", "", 200},
	} {
		r := Evaluate(cfg, nil, Request{Method: "GET", Host: "a.test", Port: 8080, Path: c.path})
		if r.Unmodelled != "" {
			t.Errorf("%s: %s", c.path, r.Unmodelled)
			continue
		}
		if got := lineValues(r, "X-E"); !slices.Equal(got, []string{c.xe}) || r.Status != c.status || !strings.Contains(r.Route, c.route) {
			t.Errorf("%s: %d X-E %v route %q, want %d %q %q", c.path, r.Status, got, r.Route, c.status, c.xe, c.route)
		}
	}
}
