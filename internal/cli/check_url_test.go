package cli

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCheckDefaultURL: without --url, check asks the first virtual server
// on a port it listens on. A lone <VirtualHost *:80> asked on 443 would be
// answered by httpd's main server, which sends none of its headers.
func TestCheckDefaultURL(t *testing.T) {
	tests := []struct {
		addr, origin string
		tls          bool   // SSLEngine on in the <VirtualHost>, in an <IfModule>
		url, note    string // note: a part of url_note, "" for none
		allowed      bool
	}{
		{"*:8443", "https://app.example.com", true, "https://api.example.com:8443/data.json", "listens with TLS", true},
		{"*:8443", "https://app.example.com", false, "http://api.example.com:8443/data.json", "mixed content", true},
		{"*:80", "https://app.example.com", false, "http://api.example.com/data.json", "mixed content", true},
		{"*:80", "http://app.example.com", false, "http://api.example.com/data.json", "on port 80, where the VirtualHost at ", true},
		{"*:8080", "http://app.example.com", false, "http://api.example.com:8080/data.json", "listens", true},
		{"*:443", "https://app.example.com", false, "https://api.example.com/data.json", "", true},
		{"*", "https://app.example.com", false, "https://api.example.com/data.json", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.addr+" "+tt.origin, func(t *testing.T) {
			dir := t.TempDir()
			conf := filepath.Join(dir, "site.conf")
			src := "<VirtualHost " + tt.addr + ">\n" +
				"    ServerName api.example.com\n" +
				tlsLines(tt.tls) +
				"    Header always set Access-Control-Allow-Origin \"" + tt.origin + "\"\n" +
				"</VirtualHost>\n"
			if err := os.WriteFile(conf, []byte(src), 0o644); err != nil {
				t.Fatal(err)
			}
			got, out := runCheckJSON(t, conf, tt.origin)
			if got.URL != tt.url {
				t.Errorf("url %q, want %q", got.URL, tt.url)
			}
			if (tt.note == "") != (got.URLNote == "") || !strings.Contains(got.URLNote, tt.note) {
				t.Errorf("url_note %q, want one containing %q", got.URLNote, tt.note)
			}
			if got.Allowed != tt.allowed || !strings.Contains(got.Actual.Route, "VirtualHost") {
				t.Errorf("allowed %v through %q, want %v through the <VirtualHost>\n%s", got.Allowed, got.Actual.Route, tt.allowed, out)
			}
		})
	}
}

// tlsLines turns TLS on in a <VirtualHost>, as distributions write it.
func tlsLines(on bool) string {
	if !on {
		return ""
	}
	return "    <IfModule mod_ssl.c>\n        SSLEngine on\n    </IfModule>\n"
}

// checkedURL is what check's JSON output says of the URL it asked.
type checkedURL struct {
	URL     string `json:"url"`
	URLNote string `json:"url_note"`
	Allowed bool   `json:"allowed"`
	Actual  struct {
		Route string `json:"route"`
	} `json:"actual"`
}

// runCheckJSON runs check without --url on conf for a GET of /data.json
// from origin, and returns its JSON output read and as written.
func runCheckJSON(t *testing.T, conf, origin string) (checkedURL, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := Main([]string{"check", "--origin", origin, "--path", "/data.json", "-f", "json", conf}, strings.NewReader(""), &out, &errOut)
	var got checkedURL
	if err := json.Unmarshal(out.Bytes(), &got); err != nil {
		t.Fatalf("exit %d, %v\n%s%s", code, err, out.String(), errOut.String())
	}
	return got, out.String()
}

// TestCheckDefaultURLNginx: without --url, an nginx server is asked on
// the port it listens on, over https where that listen speaks TLS. A
// server without listen listens on *:80 (ngx_http_core_module), so it is
// asked over http, not on 443, where nothing of it answers.
func TestCheckDefaultURLNginx(t *testing.T) {
	tests := []struct {
		name, listen, url, note string
	}{
		{"no listen", "", "http://api.example.com/data.json", "on port 80, where the server at "},
		{"listen 8443 ssl", "listen 8443 ssl;", "https://api.example.com:8443/data.json", "/site.conf:1:1 listens with TLS"},
		{"listen 8443", "listen 8443;", "http://api.example.com:8443/data.json", "mixed content"},
		{"listen 80 and 8443 ssl", "listen 80; listen [::]:8443 ssl http2;", "https://api.example.com:8443/data.json", "listens with TLS"},
		{"ssl on", "listen 8443; ssl on;", "https://api.example.com:8443/data.json", "listens with TLS"},
		{"listen 443 ssl", "listen 443 ssl;", "https://api.example.com/data.json", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			conf := filepath.Join(t.TempDir(), "site.conf")
			src := "server {\n    " + tt.listen + "\n    server_name api.example.com;\n" +
				"    location / { add_header Access-Control-Allow-Origin \"https://app.example.com\" always; return 200; }\n}\n"
			if err := os.WriteFile(conf, []byte(src), 0o644); err != nil {
				t.Fatal(err)
			}
			got, out := runCheckJSON(t, conf, "https://app.example.com")
			if got.URL != tt.url {
				t.Errorf("url %q, want %q", got.URL, tt.url)
			}
			if (tt.note == "") != (got.URLNote == "") || !strings.Contains(got.URLNote, tt.note) {
				t.Errorf("url_note %q, want one containing %q", got.URLNote, tt.note)
			}
			if !got.Allowed || !strings.Contains(got.Actual.Route, "location /") {
				t.Errorf("allowed %v through %q, want allowed through location /\n%s", got.Allowed, got.Actual.Route, out)
			}
		})
	}
}
