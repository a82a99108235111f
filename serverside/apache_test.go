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
