package serverside_test

import (
	"testing"

	"github.com/corslint/corslint/browser"
	"github.com/corslint/corslint/model"
	"github.com/corslint/corslint/parsers/apache"
	"github.com/corslint/corslint/parsers/nginx"
	"github.com/corslint/corslint/parsers/sam"
	"github.com/corslint/corslint/parsers/vcl"
	"github.com/corslint/corslint/serverside"
)

// TestNginxServerSelection follows nginx's order: exact name, longest
// leading wildcard, longest trailing wildcard, first regex, then the
// default_server of the port, else its first server.
func TestNginxServerSelection(t *testing.T) {
	conf := `
server { listen 443; server_name first.example; add_header Access-Control-Allow-Origin "https://first"; return 200; }
server { listen 443; server_name *.example.com; add_header Access-Control-Allow-Origin "https://lead"; return 200; }
server { listen 443; server_name *.api.example.com; add_header Access-Control-Allow-Origin "https://longer-lead"; return 200; }
server { listen 443; server_name www.example.*; add_header Access-Control-Allow-Origin "https://trail"; return 200; }
server { listen 443; server_name ~^(?<sub>[a-z]+)\.regex\.test$; add_header Access-Control-Allow-Origin "https://regex"; return 200; }
server { listen 443 default_server; server_name exact.example.com; add_header Access-Control-Allow-Origin "https://default"; return 200; }
server { listen 80; server_name plain.example; add_header Access-Control-Allow-Origin "https://port80"; return 200; }
`
	f := nginx.Lower(nginx.Parse("nginx.conf", []byte(conf), nginx.Options{}))
	for url, want := range map[string]string{
		"https://exact.example.com/":  "https://default",
		"https://a.example.com/":      "https://lead",
		"https://v1.api.example.com/": "https://longer-lead",
		"https://www.example.org/":    "https://trail",
		"https://x.regex.test/":       "https://regex",
		"https://unknown.test/":       "https://default",
		"http://unknown.test/":        "https://port80",
	} {
		if got := acao(t, []*model.File{f}, url, "https://app.example"); got != want {
			t.Errorf("%s: answered by the server sending %q, want %q", url, got, want)
		}
	}
}

// TestConditionalStatementsDoNotReplace: a statement whose condition fails
// does nothing, so it does not replace an earlier line (S3 lists one
// Access-Control-Allow-Origin statement per allowed origin).
func TestConditionalStatementsDoNotReplace(t *testing.T) {
	tpl := `Resources:
  Uploads:
    Type: AWS::S3::Bucket
    Properties:
      CorsConfiguration:
        CorsRules:
          - AllowedOrigins: [https://app.example.com, https://admin.example.com]
            AllowedMethods: [GET]
`
	f := sam.Lower(sam.Parse("template.yaml", []byte(tpl), sam.Options{}))
	for _, origin := range []string{"https://app.example.com", "https://admin.example.com"} {
		if got := acao(t, []*model.File{f}, "https://uploads.s3.amazonaws.com/x", origin); got != origin {
			t.Errorf("%s: Access-Control-Allow-Origin %q, want the origin", origin, got)
		}
	}
	if got := acao(t, []*model.File{f}, "https://uploads.s3.amazonaws.com/x", "https://evil.example"); got != "" {
		t.Errorf("an unlisted origin gets Access-Control-Allow-Origin %q", got)
	}
}

// acao predicts a GET and returns its Access-Control-Allow-Origin values.
func acao(t *testing.T, stack []*model.File, url, origin string) string {
	t.Helper()
	p := serverside.Predict(stack, serverside.Request{Request: browser.Request{URL: url, Origin: origin, Method: "GET"}})
	if p.Actual == nil {
		t.Fatalf("%s: no actual response (%s)", url, p.Unknown)
	}
	out := ""
	for _, l := range p.Actual.Headers {
		if l.Name == model.ACAO {
			out += l.Value
		}
	}
	return out
}

// TestEveryDialectSetsRoles: each dialect's lowering gives its scopes the
// roles host selection and route precedence rely on.
func TestEveryDialectSetsRoles(t *testing.T) {
	files := map[string]*model.File{
		"nginx": nginx.Lower(nginx.Parse("nginx.conf", []byte(`http { server { server_name a; location /x/ { if ($http_origin) { return 204; } } } }`), nginx.Options{})),
		"apache": apache.Lower(apache.Parse("httpd.conf", []byte(`<VirtualHost *:443>
ServerName a
<Location /x/>
<If "%{HTTP:Origin} == 'https://a'">
Header set X 1
</If>
</Location>
<Directory /srv>
<Files x.json>
</Files>
</Directory>
</VirtualHost>
`), apache.Options{})),
		"vcl": vcl.Lower(vcl.Parse("default.vcl", []byte("vcl 4.1;\nbackend b { .host = \"127.0.0.1\"; }\nsub vcl_recv { if (req.http.Origin) { return (pass); } }\n"), vcl.Options{})),
		"sam": sam.Lower(sam.Parse("template.yaml", []byte("Resources:\n  B:\n    Type: AWS::S3::Bucket\n    Properties:\n      CorsConfiguration:\n        CorsRules:\n          - AllowedOrigins: [https://a]\n            AllowedMethods: [GET]\n"), sam.Options{})),
	}
	want := map[string]map[string]model.Role{
		"nginx":  {"main": model.RoleFile, "http": model.RoleFile, "server": model.RoleServer, "location": model.RoleRoute, "if": model.RoleCondition},
		"apache": {"server": model.RoleFile, "VirtualHost": model.RoleServer, "Location": model.RoleRoute, "If": model.RoleCondition, "Directory": model.RoleSection, "Files": model.RoleSection},
		"vcl":    {"vcl": model.RoleFile, "sub": model.RoleOther, "if": model.RoleCondition},
		"sam":    {"AWS::S3::Bucket": model.RoleEndpoint, "CorsRule": model.RoleOther},
	}
	for dialect, f := range files {
		seen := map[string]bool{}
		for _, s := range f.Scopes {
			r, ok := want[dialect][s.Kind]
			if !ok {
				continue
			}
			seen[s.Kind] = true
			if s.Role != r {
				t.Errorf("%s %s %q: role %s, want %s", dialect, s.Kind, s.Label, s.Role, r)
			}
		}
		for kind := range want[dialect] {
			if !seen[kind] {
				t.Errorf("%s: no %s scope lowered", dialect, kind)
			}
		}
	}
}
