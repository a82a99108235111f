package apache

import (
	"slices"
	"testing"
)

func walkConf(t *testing.T, conf string, req Request) Result {
	t.Helper()
	cfg := Parse("/c/httpd.conf", []byte(conf), Options{ServerRoot: "/c"})
	req.Host, req.Port = "a.test", 8080
	r := Evaluate(cfg, nil, req)
	if r.Unmodelled != "" {
		t.Fatalf("%s %s: %s", req.Method, req.Path, r.Unmodelled)
	}
	return r
}

// The statuses below are httpd 2.4.71's; mod_alias's redirects send only
// the always table, as any answer httpd makes itself.
func TestRedirectForms(t *testing.T) {
	const conf = `Listen 8080
<VirtualHost *:8080>
ServerName a.test
DocumentRoot /srv/www
Header always set X-A yes
Header set X-S yes
Redirect /old https://b.test/new
Redirect permanent /perm https://b.test/
RedirectMatch 303 \.json$ https://b.test/
RedirectPermanent /p2 /elsewhere
Redirect gone /gone
ProxyPass /api/ http://up.test/api/
Redirect /api/items https://b.test/
<Location /loc>
Redirect "https://b.test/"
</Location>
<Directory /srv/www/dir>
Redirect /dir/x https://b.test/
</Directory>
</VirtualHost>
`
	tests := []struct {
		method, path string
		status       int
	}{
		{"GET", "/old", 302}, {"GET", "/old/x.txt", 302}, {"GET", "/older", 200},
		{"OPTIONS", "/perm", 301}, {"GET", "/a/b.json", 303}, {"GET", "/p2", 301},
		{"GET", "/gone/x", 410}, {"GET", "/loc/x", 302}, {"GET", "/dir/x", 302},
		{"GET", "/dir/y", 200}, {"GET", "/api/items", 200},
	}
	for _, tt := range tests {
		r := walkConf(t, conf, Request{Method: tt.method, Path: tt.path, UpstreamStatus: 200})
		if r.Status != tt.status {
			t.Errorf("%s %s: status %d, want %d", tt.method, tt.path, r.Status, tt.status)
			continue
		}
		if tt.status != 200 && (!slices.Equal(lineValues(r, "X-A"), []string{"yes"}) || lineValues(r, "X-S") != nil) {
			t.Errorf("%s %s: the %d carries %v, want the always table only", tt.method, tt.path, r.Status, r.Lines)
		}
	}
}

func TestRedirectFormsRefused(t *testing.T) {
	for _, d := range []string{"Redirect a b c", "RedirectMatch permanent", "Redirect", `Redirect "" x y`} {
		if r := parseRedirect(Parse("/c/x.conf", []byte(d+"\n"), Options{}).Directives[0]); !r.invalid {
			t.Errorf("%s: read as %+v, want refused", d, r)
		}
	}
}

// An internal redirect to a file whose sections and top-level <If>
// branches are those of the request before it skips the nested <If>s
// (ap_if_walk_sub's cached return; httpd 2.4.71 with an ErrorDocument
// in the same directory); from another directory it walks them.
func TestNestedIfAfterInternalRedirect(t *testing.T) {
	const conf = `Listen 8080
<VirtualHost *:8080>
ServerName a.test
DocumentRoot /srv/www
ErrorDocument 404 /static/f.txt
<Directory /srv/www/static>
<If "-n %{HTTP:Origin}">
Header always set X-One one
<If "-n %{HTTP:Origin}">
Header always set X-Two two
</If>
</If>
</Directory>
<Directory /srv/www/other>
RewriteEngine On
RewriteRule ^x\.txt$ /static/f.txt [L]
</Directory>
</VirtualHost>
`
	origin := [][2]string{{"Origin", "https://app.test"}}
	direct := walkConf(t, conf, Request{Method: "GET", Path: "/static/f.txt", Headers: origin})
	missing := walkConf(t, conf, Request{Method: "GET", Path: "/static/none.txt", FileStatus: 404, Headers: origin})
	other := walkConf(t, conf, Request{Method: "GET", Path: "/other/x.txt", Headers: origin})
	if got := lineValues(direct, "X-Two"); !slices.Equal(got, []string{"two"}) {
		t.Errorf("direct request: X-Two %v", got)
	}
	if missing.Status != 404 || lineValues(missing, "X-One") == nil || lineValues(missing, "X-Two") != nil {
		t.Errorf("ErrorDocument in the same directory: %d %v, want 404 with X-One and without X-Two", missing.Status, missing.Lines)
	}
	if got := lineValues(other, "X-Two"); !slices.Equal(got, []string{"two"}) {
		t.Errorf("rewrite from another directory: X-Two %v", got)
	}
}

// With an <If> at virtual host level, httpd's first walk (before
// translate_name) takes a call of the cache too, so the redirect's
// calls meet other ones and the nested <If>s apply (httpd 2.4.71).
func TestNestedServerIfAfterInternalRedirect(t *testing.T) {
	const conf = `Listen 8080
<VirtualHost *:8080>
ServerName a.test
DocumentRoot /srv/www
ErrorDocument 404 /static/f.txt
<If "-n %{HTTP:Origin}">
Header always set X-One one
<If "-n %{HTTP:Origin}">
Header always set X-Two two
</If>
</If>
</VirtualHost>
`
	r := walkConf(t, conf, Request{Method: "GET", Path: "/static/none.txt", FileStatus: 404, Headers: [][2]string{{"Origin", "https://app.test"}}})
	if r.Status != 404 || !slices.Equal(lineValues(r, "X-Two"), []string{"two"}) {
		t.Errorf("ErrorDocument under a virtual host's nested <If>: %d %v, want 404 with X-Two", r.Status, r.Lines)
	}
}
