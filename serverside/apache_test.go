package serverside_test

import (
	"strings"
	"testing"

	"github.com/corslint/corslint/browser"
	"github.com/corslint/corslint/model"
	"github.com/corslint/corslint/parsers/apache"
	"github.com/corslint/corslint/serverside"
)

// TestApacheElseDecided: an <Else> after an <If> on the Origin is decided
// for a concrete request by httpd's own walk, where the generic responses
// could only call it undecidable.
func TestApacheElseDecided(t *testing.T) {
	conf := `<VirtualHost *:443>
  ServerName api.example.com
  DocumentRoot /srv/www
  <If "%{HTTP:Origin} == 'https://app.example.com'">
    Header set Access-Control-Allow-Origin "https://app.example.com"
  </If>
  <Else>
    Header set Access-Control-Allow-Origin "https://other.example.com"
  </Else>
</VirtualHost>
`
	f := apache.Lower(apache.Parse("/srv/httpd.conf", []byte(conf), apache.Options{ServerRoot: "/srv"}))
	for _, tt := range []struct{ origin, want string }{
		{"https://app.example.com", "https://app.example.com"},
		{"https://evil.example", "https://other.example.com"},
	} {
		p := serverside.Predict([]*model.File{f}, serverside.Request{Request: browser.Request{
			URL: "https://api.example.com/data.json", Origin: tt.origin, Method: "GET",
		}})
		if p.Unknown != "" {
			t.Errorf("%s: undecidable (%s)", tt.origin, p.Unknown)
			continue
		}
		var got []string
		for _, l := range p.Actual.Headers {
			if l.Name == model.ACAO {
				got = append(got, l.Value)
			}
		}
		if strings.Join(got, ",") != tt.want {
			t.Errorf("%s: ACAO %v, want %s", tt.origin, got, tt.want)
		}
	}
}

// TestApacheRefusalBesideDirectoryMatch: a <DirectoryMatch> route tests
// the file system, so the model's route choice gives it every URL; httpd's
// walk shows that "/" ends in the virtual host's own route, whose
// <Directory> RewriteRule refuses OPTIONS, and the query asks there.
func TestApacheRefusalBesideDirectoryMatch(t *testing.T) {
	conf := `<VirtualHost *:80>
  ServerName api.example.com
  DocumentRoot /srv/www
  <Directory /srv/www>
    RewriteEngine On
    RewriteCond %{REQUEST_METHOD} OPTIONS
    RewriteRule ^ - [F]
  </Directory>
  <DirectoryMatch "^/srv/www/static">
    Header set Cache-Control "max-age=600"
  </DirectoryMatch>
  Header always set Access-Control-Allow-Headers "Content-Type"
</VirtualHost>
`
	f := apache.Lower(apache.Parse("/srv/httpd.conf", []byte(conf), apache.Options{ServerRoot: "/srv"}))
	q := serverside.NewQuery(f, nil)
	var refusal *model.Response
	for _, r := range f.Responses {
		if r.Status == 403 && r.Span.Line == 7 {
			refusal = r
		}
	}
	if refusal == nil {
		t.Fatal("no response for the RewriteRule [F]")
	}
	if !q.Decides(refusal) {
		t.Fatal("the refusal is not decided by the walk")
	}
	refused := 0
	for _, x := range q.For(refusal) {
		if x.Preflight != nil && x.Preflight.Response == refusal && x.Preflight.Status == 403 {
			refused++
		}
	}
	if refused == 0 {
		t.Errorf("no preflight of %d exchanges is refused by the RewriteRule", len(q.For(refusal)))
	}
}
