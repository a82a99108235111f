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
		url, note    string // note: a part of url_note, "" for none
		allowed      bool
	}{
		{"*:80", "https://app.example.com", "http://api.example.com/data.json", "mixed content", true},
		{"*:80", "http://app.example.com", "http://api.example.com/data.json", "on port 80, where the VirtualHost at ", true},
		{"*:8080", "http://app.example.com", "http://api.example.com:8080/data.json", "listens", true},
		{"*:443", "https://app.example.com", "https://api.example.com/data.json", "", true},
		{"*", "https://app.example.com", "https://api.example.com/data.json", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.addr+" "+tt.origin, func(t *testing.T) {
			dir := t.TempDir()
			conf := filepath.Join(dir, "site.conf")
			src := "<VirtualHost " + tt.addr + ">\n" +
				"    ServerName api.example.com\n" +
				"    Header always set Access-Control-Allow-Origin \"" + tt.origin + "\"\n" +
				"</VirtualHost>\n"
			if err := os.WriteFile(conf, []byte(src), 0o644); err != nil {
				t.Fatal(err)
			}
			var out, errOut bytes.Buffer
			code := Main([]string{"check", "--origin", tt.origin, "--path", "/data.json", "-f", "json", conf}, strings.NewReader(""), &out, &errOut)
			var got struct {
				URL     string `json:"url"`
				URLNote string `json:"url_note"`
				Allowed bool   `json:"allowed"`
				Actual  struct {
					Route string `json:"route"`
				} `json:"actual"`
			}
			if err := json.Unmarshal(out.Bytes(), &got); err != nil {
				t.Fatalf("exit %d, %v\n%s%s", code, err, out.String(), errOut.String())
			}
			if got.URL != tt.url {
				t.Errorf("url %q, want %q", got.URL, tt.url)
			}
			if (tt.note == "") != (got.URLNote == "") || !strings.Contains(got.URLNote, tt.note) {
				t.Errorf("url_note %q, want one containing %q", got.URLNote, tt.note)
			}
			if got.Allowed != tt.allowed || !strings.Contains(got.Actual.Route, "VirtualHost") {
				t.Errorf("allowed %v through %q, want %v through the <VirtualHost>\n%s", got.Allowed, got.Actual.Route, tt.allowed, out.String())
			}
		})
	}
}
