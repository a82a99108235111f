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

// TestApacheGenericAnswersAsWalk: where httpd's own walk does not speak
// (the Walker refuses a configuration it does not follow), the generic
// responses answer from what the dialect declared in File.Serving: the
// first <VirtualHost> whose names match wins over a later exact name,
// the default handler refuses PUT on a file with 405, and its own 200 to
// OPTIONS carries the onsuccess table. On a configuration the walk
// follows, both give the same answer.
func TestApacheGenericAnswersAsWalk(t *testing.T) {
	conf := `<VirtualHost *:443>
  ServerName wild.example.com
  ServerAlias *.example.com
  DocumentRoot /srv/a
  Header set Access-Control-Allow-Origin "https://first.example"
  <Location /put/>
    Header set Access-Control-Allow-Methods "GET, PUT"
  </Location>
</VirtualHost>
<VirtualHost *:443>
  ServerName api.example.com
  DocumentRoot /srv/b
  Header set Access-Control-Allow-Origin "https://second.example"
</VirtualHost>
`
	walked := apache.Lower(apache.Parse("/srv/httpd.conf", []byte(conf), apache.Options{ServerRoot: "/srv"}))
	if walked.Walker == nil {
		t.Fatal("no walk for this configuration")
	}
	generic := *walked
	generic.Walker = nil
	// preflight: the answer to the preflight of the request, which a
	// route without Access-Control-Allow-Methods fails, else the actual
	answer := func(f *model.File, method, path string, preflight bool) (int, string) {
		req := serverside.Request{Request: browser.Request{URL: "https://api.example.com" + path, Origin: "https://first.example", Method: method}}
		p := serverside.Predict([]*model.File{f}, req)
		a := p.Actual
		if preflight {
			a = p.Preflight
		}
		if a == nil {
			return 0, "no answer: " + p.Unknown
		}
		var acao []string
		for _, l := range a.Headers {
			if l.Name == model.ACAO {
				acao = append(acao, l.Value)
			}
		}
		return a.Status, strings.Join(acao, ",")
	}
	for _, tt := range []struct {
		method, path string
		preflight    bool
		status       int
		acao         string
	}{
		{"GET", "/data.json", false, 200, "https://first.example"},
		{"PUT", "/data.json", true, 200, "https://first.example"},
		{"PUT", "/put/data.json", false, 405, ""},
	} {
		for name, f := range map[string]*model.File{"walk": walked, "generic": &generic} {
			status, acao := answer(f, tt.method, tt.path, tt.preflight)
			if status != tt.status || acao != tt.acao {
				t.Errorf("%s %s %s (preflight %v): %d %q, want %d %q", name, tt.method, tt.path, tt.preflight, status, acao, tt.status, tt.acao)
			}
		}
	}
}
