package apache

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestLowerSemantics checks the responses lowering derives, each against
// what httpd 2.4.71 sent when run here with the same configuration (the
// comments say what was measured).
func TestLowerSemantics(t *testing.T) {
	tests := []struct {
		name, src, want string
	}{
		{
			// A server-context RewriteRule answers at translate time,
			// before the directory walk: the 204 carried the vhost's and
			// the <Location>'s always headers and the vhost-level <If>'s,
			// not the <Directory>'s, and no onsuccess header. httpd
			// answered OPTIONS for the file itself otherwise.
			name: "server-context R=204",
			src: `<VirtualHost *:80>
    DocumentRoot /srv/www
    RewriteEngine On
    RewriteCond %{REQUEST_METHOD} OPTIONS
    RewriteRule ^(.*)$ $1 [R=204,L]
    Header set X-Srv-On 1
    Header always set X-Srv 1
    <Directory /srv/www>
        Header always set X-Dir 1
    </Directory>
    <Location />
        Header always set X-Loc 1
    </Location>
    <If "%{REQUEST_METHOD} == 'OPTIONS'">
        Header always set X-If-Options 1
    </If>
</VirtualHost>
`,
			want: `VirtualHost *:80 from=handler options=200 @1:1
  sent: X-Srv-On="1" X-Srv="1" X-Dir="1" X-Loc="1"
  on error: X-Srv="1" X-Dir="1" X-Loc="1"
VirtualHost *:80 methods=OPTIONS from=server status=204 @5:5
  sent: X-Srv="1" X-Loc="1" X-If-Options="1"
`,
		},
		{
			// Proxied responses: Header set, unset and setifempty act on
			// the table that holds the upstream's headers (one ACAO was
			// sent); Header always set added a second one and Header
			// always unset left the upstream's. A per-directory R=204 in a
			// proxied <Location> answered OPTIONS; a login answered it
			// with 401.
			name: "proxied responses and the onsuccess table",
			src: `<VirtualHost *:80>
    ProxyPass /p/ http://up/
    ProxyPass /q/ http://up/
    ProxyPass /r/ http://up/
    <Location /p/>
        Header set Access-Control-Allow-Origin "https://set.example"
    </Location>
    <Location /q/>
        Header always set Access-Control-Allow-Origin "https://always.example"
        Header always unset Access-Control-Allow-Origin
    </Location>
    <Location /r/>
        Header setifempty Access-Control-Allow-Origin "https://r.example"
        RewriteEngine On
        RewriteCond %{REQUEST_METHOD} OPTIONS
        RewriteRule ^ - [R=204,L]
    </Location>
    <Location /s/>
        AuthType Basic
        AuthName x
        AuthUserFile /dev/null
        Require valid-user
        Header always set X-S 1
    </Location>
</VirtualHost>
`,
			want: `VirtualHost *:80 from=handler options=200 @1:1
  sent:
  on error:
Location /p/ from=upstream upstream=http://up/ replaces=Access-Control-Allow-Origin @2:5
  sent: ACAO="https://set.example"
  on error: ACAO="https://set.example"
Location /q/ from=upstream upstream=http://up/ @3:5
  sent:
  on error:
Location /r/ from=upstream upstream=http://up/ replaces=Access-Control-Allow-Origin @4:5
  sent: ACAO="https://r.example"
  on error: ACAO="https://r.example"
Location /r/ methods=OPTIONS from=server status=204 @16:9
  sent:
Location /s/ from=handler options=401 @18:5
  sent: X-S="1"
  on error: X-S="1"
`,
		},
		{
			// R=200 produced httpd's error page with status 200: only the
			// always table reached it.
			name: "R=200",
			src: `RewriteEngine On
RewriteCond %{REQUEST_METHOD} OPTIONS
RewriteRule ^ - [R=200,L]
Header set X-On 1
Header always set X-Al 1
`,
			want: `server main from=handler options=200 @1:1
  sent: X-On="1" X-Al="1"
  on error: X-Al="1"
server main methods=OPTIONS from=server status=200 @3:1
  sent: X-Al="1"
`,
		},
		{
			// SetEnvIf's $0 is the matched Origin; %{VAR}e sends "(null)"
			// when VAR is unset, unless env=VAR gates the statement. An
			// <If> on the Origin applies its statements to the requests it
			// admits.
			name: "origin allowlists",
			src: `SetEnvIfNoCase Origin "^https://(a|b)\.example$" CORS=$0
Header always set Access-Control-Allow-Origin "%{CORS}e" env=CORS
Header always set X-Plain "%{CORS}e"
<If "%{HTTP:Origin} =~ m#^https://c\.example$#i">
    Header always set Access-Control-Allow-Credentials "true"
</If>
`,
			want: `server main from=handler options=200 @1:1
  sent: ACAO=%{CORS}e{reflect(the Origin header)[^https://(a|b)\.example$]} X-Plain=%{CORS}e{reflect(the Origin header)[^https://(a|b)\.example$]|empty}
  on error: ACAO=%{CORS}e{reflect(the Origin header)[^https://(a|b)\.example$]} X-Plain=%{CORS}e{reflect(the Origin header)[^https://(a|b)\.example$]|empty}
server main in If from=handler options=200 @1:1
  sent: ACAO=%{CORS}e{reflect(the Origin header)[^https://(a|b)\.example$]} X-Plain=%{CORS}e{reflect(the Origin header)[^https://(a|b)\.example$]|empty} ACAC="true"
  on error: ACAO=%{CORS}e{reflect(the Origin header)[^https://(a|b)\.example$]} X-Plain=%{CORS}e{reflect(the Origin header)[^https://(a|b)\.example$]|empty} ACAC="true"
`,
		},
		{
			// mod_headers has no request-header tag: %{Origin}i is %i,
			// sent as "i=98". %{HTTP_ORIGIN}e was the Origin for a CGI
			// script and "(null)" for a static file.
			name: "format tags",
			src: `Header always set Access-Control-Allow-Origin "%{Origin}i"
Header always set X-Env "%{HTTP_ORIGIN}e"
Header always set X-Pct "100%%"
`,
			want: `server main from=handler options=200 @1:1
  sent: ACAO="i=<percentage of idle workers>"(note) X-Env=reflect(%{HTTP_ORIGIN}e)[] X-Pct="100%"
  on error: ACAO="i=<percentage of idle workers>"(note) X-Env=reflect(%{HTTP_ORIGIN}e)[] X-Pct="100%"
`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := Lower(parseString(tt.src))
			if got := dumpResponses(f); got != tt.want {
				t.Errorf("got:\n%s\nwant:\n%s", got, tt.want)
			}
			for _, d := range f.Diagnostics {
				t.Errorf("diagnostic: %s %s", d.Span, d.Message)
			}
		})
	}
}

// TestLowerWithHtaccess: a .htaccess the server reads (AllowOverride
// FileInfo covers it) adds its statements after the <Directory>'s; its own
// R=204 answered with the vhost's, the directory's and its always headers,
// and its always set replaced the vhost's in the same table (httpd 2.4.71
// sent X-Srv: 2 once; the model lists a replaced line last, where httpd
// keeps its place, which no browser minds).
func TestLowerWithHtaccess(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"httpd.conf": `<VirtualHost *:80>
    DocumentRoot www
    Header always set X-Srv 1
    Header always set X-Dup a
    Header set X-Dup b
    <Directory www>
        AllowOverride FileInfo
        Header always set X-Dir 1
    </Directory>
</VirtualHost>
`,
		"www/sub/.htaccess": `RewriteEngine On
RewriteCond %{REQUEST_METHOD} OPTIONS
RewriteRule ^(.*)$ $1 [R=204,L]
Header always set X-Ht 1
Header always set X-Srv 2
`,
		"other/.htaccess": "Header set X-Other 1\n",
	})
	cfg := parseFile(t, filepath.Join(dir, "httpd.conf"), Options{})
	sub := &Htaccess{Config: parseFile(t, filepath.Join(dir, "www/sub/.htaccess"), Options{}), Dir: filepath.Join(dir, "www/sub")}
	other := &Htaccess{Config: parseFile(t, filepath.Join(dir, "other/.htaccess"), Options{}), Dir: filepath.Join(dir, "other")}
	f, used := LowerWith(cfg, []*Htaccess{sub, other})
	if len(used) != 1 || used[0] != sub {
		t.Fatalf("used %v, want only www/sub/.htaccess", used)
	}
	want := `VirtualHost *:80 from=handler options=200 @1:1
  sent: X-Srv="1" X-Dup="a" X-Dir="1" X-Dup="b"
  on error: X-Srv="1" X-Dup="a" X-Dir="1"
.htaccess www/sub from=handler options=200 @1:1
  sent: X-Dup="a" X-Dir="1" X-Ht="1" X-Srv="2" X-Dup="b"
  on error: X-Dup="a" X-Dir="1" X-Ht="1" X-Srv="2"
.htaccess www/sub methods=OPTIONS from=server status=204 @3:1
  sent: X-Dup="a" X-Dir="1" X-Ht="1" X-Srv="2"
`
	if got := rel(dir, dumpResponses(f)); got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
	if _, ok := f.Sources[filepath.Join(dir, "www/sub/.htaccess")]; !ok {
		t.Error("the .htaccess text is not in the combined model")
	}
	if !strings.HasSuffix(f.Path, "httpd.conf") {
		t.Errorf("combined model path %s", f.Path)
	}
}
