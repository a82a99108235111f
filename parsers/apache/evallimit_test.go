package apache

import (
	"slices"
	"testing"
)

// What httpd 2.4.71 answered for each method (see TestRedirectForms for
// the harness): a Header inside <Limit> applies to every method; the
// Require lines of one section, inside <Limit> or not, are one
// RequireAny; a section whose Require lines are all for other methods
// lets the request through, even under a directory that denies all.
func TestLimitSections(t *testing.T) {
	const conf = `Listen 8080
<VirtualHost *:8080>
ServerName a.test
DocumentRoot /srv/www
<Directory /srv/www>
Require all granted
</Directory>
<Directory /srv/www/static>
<Limit GET>
Header always set X-L yes
</Limit>
Require all granted
<Limit OPTIONS>
Require all denied
</Limit>
</Directory>
<Directory /srv/www/deny>
Require all denied
</Directory>
<Directory /srv/www/deny/sub>
<LimitExcept GET>
Require all denied
</LimitExcept>
</Directory>
<Location /data.json>
<Limit OPTIONS>
Require all denied
</Limit>
</Location>
</VirtualHost>
`
	tests := []struct {
		method, path string
		status       int
	}{
		{"GET", "/static/f.txt", 200}, {"OPTIONS", "/static/f.txt", 200}, {"PUT", "/static/f.txt", 405},
		{"GET", "/deny/sub/x.txt", 200}, {"OPTIONS", "/deny/sub/x.txt", 403}, {"GET", "/deny/x.txt", 403},
		{"GET", "/data.json", 200}, {"OPTIONS", "/data.json", 403}, {"PUT", "/data.json", 405},
	}
	for _, tt := range tests {
		r := walkConf(t, conf, Request{Method: tt.method, Path: tt.path})
		if r.Status != tt.status {
			t.Errorf("%s %s: status %d, want %d", tt.method, tt.path, r.Status, tt.status)
		}
		if tt.path == "/static/f.txt" && !slices.Equal(lineValues(r, "X-L"), []string{"yes"}) {
			t.Errorf("%s %s: X-L %v, want the <Limit GET>'s Header on every method", tt.method, tt.path, lineValues(r, "X-L"))
		}
	}
}
