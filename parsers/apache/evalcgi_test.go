package apache

import (
	"slices"
	"strings"
	"testing"

	"github.com/corslint/corslint/model"
)

// cgiConf maps /cgi-bin/ to scripts, as the scenario in
// docs/server-facts.md did on httpd 2.4 with mod_cgid and mod_cgi.
const cgiConf = `Listen 8080
<VirtualHost *:8080>
  ServerName a.test
  DocumentRoot /srv/www
  ScriptAlias /cgi-bin/ /srv/cgi-bin/
  Header set Access-Control-Allow-Origin "https://on.test"
  Header always set Access-Control-Allow-Methods "GET, PUT"
  Header setifempty X-Method "none"
  Header always set X-Seen "%{HTTP_ORIGIN}e"
</VirtualHost>
`

func TestScriptAliasAnswersAsTheScript(t *testing.T) {
	cfg := Parse("/srv/httpd.conf", []byte(cgiConf), Options{ServerRoot: "/srv"})
	req := Request{Method: "GET", Host: "a.test", Port: 8080, Path: "/cgi-bin/run.cgi", UpstreamStatus: 404,
		Headers:         [][2]string{{"Origin", "https://app.test"}},
		UpstreamHeaders: [][2]string{{"Access-Control-Allow-Origin", "https://app.test"}, {"X-Method", "GET"}}}
	r := Evaluate(cfg, nil, req)
	if r.Unmodelled != "" {
		t.Fatal(r.Unmodelled)
	}
	if r.Status != 404 || r.Source != model.FromUpstream || !strings.Contains(r.Route, "ScriptAlias /cgi-bin/") {
		t.Errorf("GET: %d from %v by %q, want the script's 404", r.Status, r.Source, r.Route)
	}
	if !strings.Contains(r.By.String(), ":5:") {
		t.Errorf("GET answered by %s, want the ScriptAlias at line 5", r.By)
	}
	var got []string
	for _, l := range r.Lines {
		got = append(got, l.Name+": "+l.Value)
	}
	// the script's lines sit in the always table: a plain Header set adds
	// a second line instead of replacing them
	want := []string{"Access-Control-Allow-Origin: https://app.test", "X-Method: GET", "Access-Control-Allow-Methods: GET, PUT",
		"X-Seen: https://app.test", "Access-Control-Allow-Origin: https://on.test", "X-Method: none"}
	if !slices.Equal(got, want) {
		t.Errorf("GET lines\n got %q\nwant %q", got, want)
	}
	req.Method = "OPTIONS"
	if r := Evaluate(cfg, nil, req); r.Unknown == "" || r.Unmodelled != "" {
		t.Errorf("OPTIONS goes to the script, whose answer is not given: unknown %q, unmodelled %q", r.Unknown, r.Unmodelled)
	}
	req.UpstreamOptionsStatus = 200
	if r := Evaluate(cfg, nil, req); r.Unknown != "" || r.Status != 200 || len(lineValues(r, model.ACAO)) != 2 {
		t.Errorf("OPTIONS with the script's answer given: %d, unknown %q, ACAO %v", r.Status, r.Unknown, lineValues(r, model.ACAO))
	}
	// a static file beside it: one ACAO, and no HTTP_ORIGIN in the
	// environment
	req = Request{Method: "GET", Host: "a.test", Port: 8080, Path: "/f.json", Headers: [][2]string{{"Origin", "https://app.test"}}}
	r = Evaluate(cfg, nil, req)
	if got := lineValues(r, model.ACAO); !slices.Equal(got, []string{"https://on.test"}) || !slices.Equal(lineValues(r, "X-Seen"), []string{"(null)"}) {
		t.Errorf("static file: ACAO %v, X-Seen %v", got, lineValues(r, "X-Seen"))
	}
}

// A one-argument Alias in a <Location> maps every request it takes to
// its target, before the server's Alias list, and the target's
// <Directory> and <Files> apply.
func TestLocationAliasMapsTheWholeRequest(t *testing.T) {
	conf := `Listen 8080
<VirtualHost *:8080>
  ServerName a.test
  DocumentRoot /srv/www
  Alias /one/ /srv/other/
  <Location /one/>
    Alias /srv/assets/a-200.txt
  </Location>
  <Directory /srv/assets>
    Header set X-D "assets"
  </Directory>
  <Files "a-200.txt">
    Header set X-F "a"
  </Files>
</VirtualHost>
`
	cfg := Parse("/srv/httpd.conf", []byte(conf), Options{ServerRoot: "/srv"})
	r := Evaluate(cfg, nil, Request{Method: "GET", Host: "a.test", Port: 8080, Path: "/one/x/y.json"})
	if r.Unmodelled != "" {
		t.Fatal(r.Unmodelled)
	}
	if !slices.Equal(lineValues(r, "X-D"), []string{"assets"}) || !slices.Equal(lineValues(r, "X-F"), []string{"a"}) {
		t.Errorf("/one/x/y.json: X-D %v X-F %v, want the target's sections", lineValues(r, "X-D"), lineValues(r, "X-F"))
	}
}
