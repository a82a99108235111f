package cli

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/corslint/corslint/engine"
	"github.com/corslint/corslint/findings"
	"github.com/corslint/corslint/oracle"
	"github.com/corslint/corslint/rules"
)

// explains maps each measured scenario (oracle-facts.md, replayed against
// real servers and Chromium by the oracle package) to the rules whose
// findings explain what Chromium did. "clean" scenarios must get nothing
// at warning or above; "!ID" must not be reported.
var explains = map[string][]string{
	"nginx/wildcard-with-credentials":                 {"CORS201"},
	"nginx/wildcard-with-credentials-put":             {"CORS201"},
	"nginx/reflect-origin-with-credentials":           {"CORS101"},
	"nginx/reflect-origin-with-credentials-untrusted": {"CORS101"},
	"nginx/preflight-without-allow-headers":           {"CORS302"},
	"nginx/add-header-without-always-500":             {"CORS304"},
	"nginx/add-header-without-always-404":             {"CORS304"},
	"nginx/add-header-always-500":                     {"clean"},
	"nginx/server-add-header-lost-in-location":        {"CORS305"},
	"nginx/server-add-header-inherited":               {"CORS305"}, // same config; this location is fine
	"nginx/upstream-also-sends-acao":                  {"CORS502"},
	"nginx/options-proxied-405":                       {"CORS303"},
	"nginx/static-options-405":                        {"CORS303"},
	"nginx/allow-headers-wildcard-authorization":      {"CORS302"},
	"nginx/allow-headers-wildcard-with-credentials":   {"CORS203"},
	"nginx/allowlist-map":                             {"clean"},
	"nginx/allowlist-map-untrusted":                   {"clean"},

	"apache/wildcard-with-credentials":                 {"CORS201"},
	"apache/reflect-origin-with-credentials":           {"CORS101"},
	"apache/reflect-origin-with-credentials-untrusted": {"CORS101"},
	"apache/rewrite-204-without-allow-headers":         {"CORS302"},
	"apache/rewrite-204-header-set-without-always":     {"CORS304"},
	"apache/header-set-httpd-404":                      {"CORS304"},
	"apache/header-set-proxied-500":                    {"clean"},
	"apache/location-header-merges":                    {"clean"},
	"apache/htaccess-duplicates-acao":                  {"CORS501"},
	"apache/header-set-and-always-set":                 {"CORS501"},
	"apache/options-proxied-405":                       {"CORS303"},
	"apache/static-options-200":                        {"clean"},
	"apache/setenvif-allowlist":                        {"clean"},
	"apache/setenvif-allowlist-untrusted":              {"clean"},

	"varnish/default-vcl-no-vary":          {"CORS403"},
	"varnish/backend-vary-origin":          {"clean"},
	"varnish/vary-in-vcl-deliver":          {"CORS403"},
	"varnish/vary-in-vcl-backend-response": {"CORS402", "!CORS403"}, // set replaces the backend's Vary
	"varnish/hash-origin":                  {"clean"},
}

// TestOracleFindings lints each scenario's configuration and checks that
// the findings explain Chromium's measured verdict.
func TestOracleFindings(t *testing.T) {
	v := oracle.Vars{
		Port: 9001, Upstream: "127.0.0.1:9100", UpstreamHost: "127.0.0.1", UpstreamPort: 9100,
		PageOrigin: "http://127.0.0.1:8001", PageOriginRE: `http://127\.0\.0\.1:8001`,
	}
	for _, s := range oracle.Scenarios() {
		want, ok := explains[s.Name]
		if !ok {
			continue
		}
		t.Run(s.Name, func(t *testing.T) {
			dir := t.TempDir()
			v := v
			v.Dir = dir
			text, err := oracle.Expand(s.Config, v)
			if err != nil {
				t.Fatal(err)
			}
			name := map[string]string{"nginx": "nginx.conf", "apache": "httpd.conf", "varnish": "default.vcl"}[s.Server]
			for fn, body := range s.Files {
				body, _ = oracle.Expand(body, v)
				p := filepath.Join(dir, fn)
				if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
				t.Fatal(err)
			}
			if s.Server == "varnish" && s.Upstream.ReflectOrigin {
				// The oracle's backend is a small Go server that echoes the
				// origin; beside the VCL, an nginx config that does the same
				// tells corslint so (the directory is one stack).
				vary := ""
				if s.Upstream.Vary != "" {
					vary = "        add_header Vary " + s.Upstream.Vary + ";\n"
				}
				backend := "server {\n    listen 9100;\n    location / {\n        add_header Access-Control-Allow-Origin $http_origin;\n" + vary + "        root /srv/www;\n    }\n}\n"
				if err := os.WriteFile(filepath.Join(dir, "backend.conf"), []byte(backend), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			res := engine.Lint([]string{dir}, nil, &engine.Options{Jobs: 1, Rules: rules.All()})
			fs := res.Findings
			if len(res.Internal) > 0 {
				t.Fatal(res.Internal)
			}
			var got []string
			serious := false
			for _, f := range fs {
				if filepath.Base(f.Span.File) == "backend.conf" {
					continue // the stand-in backend's own findings are not the scenario's
				}
				got = append(got, f.RuleID+" "+f.Severity.String())
				serious = serious || f.Severity >= findings.Warning
			}
			sort.Strings(got)
			if want[0] == "clean" {
				if serious {
					t.Errorf("want nothing at warning or above, got %v", got)
				}
				return
			}
			for _, id := range want {
				if no, ok := strings.CutPrefix(id, "!"); ok {
					if strings.Contains(strings.Join(got, ","), no) {
						t.Errorf("want no %s, got %v", no, got)
					}
					continue
				}
				if !strings.Contains(strings.Join(got, ","), id) {
					t.Errorf("want %s, got %v", id, got)
				}
			}
		})
	}
}
