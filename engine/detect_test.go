package engine

import (
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/corslint/corslint/rules"
)

// foreignFiles are formats that sit beside server configurations and that
// corslint does not read, each written so that a loose content test
// finds an nginx or Apache statement in it.
var foreignFiles = map[string]string{
	// "map {host} {backend} {" reads like nginx's map block.
	"deploy/Caddyfile": `api.example.com {
	@preflight method OPTIONS
	map {host} {backend} {
		default 127.0.0.1:8080
	}
	header Access-Control-Allow-Origin "https://app.example.com"
	handle @preflight {
		respond 204
	}
	reverse_proxy {backend}
}
`,
	"deploy/conf.d/caddy.conf": `@cors {
	header Origin *
}
map {host} {upstream} {
	default localhost:9000
}
reverse_proxy {upstream}
respond @cors 204
`,
	"deploy/haproxy/haproxy.conf": `global
    log /dev/log local0
defaults
    mode http
    timeout connect 5s
frontend www
    bind *:80
    http-response set-header Access-Control-Allow-Origin "*"
    default_backend app
backend app
    server app1 127.0.0.1:8080 check
listen stats
    bind *:8404
`,
	// In an nginx directory, with a line that starts like a server block.
	// JavaScript that answers no requests; one that does is the
	// JavaScript dialect's.
	"deploy/nginx/util.js": `const path = require('path');
module.exports = function root(p) {
  return path.join(__dirname, p);
};
`,
	"deploy/nginx/cors": `// served by nginx
import { handler } from './handler';
export const cors = { origin: '*' };
server {
`,
	"deploy/traefik/dynamic.yml": `http:
  middlewares:
    cors:
      headers:
        accessControlAllowOriginList:
          - "*"
`,
	"deploy/traefik.toml": `[http.middlewares.cors.headers]
  accessControlAllowOriginList = ["https://app.example.com"]
`,
	"k8s/ingress.yaml": `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  annotations:
    nginx.ingress.kubernetes.io/configuration-snippet: |
      more_set_headers "Access-Control-Allow-Origin: $http_origin";
      add_header Access-Control-Allow-Credentials true;
spec:
  rules: []
`,
	"infra/main.tf": `resource "aws_apigatewayv2_api" "api" {
  name = "api"
  cors_configuration {
    allow_origins = ["*"]
  }
}
`,
	"deploy/sites-enabled/nginx.tf": `resource "local_file" "nginx" {
  content = <<EOT
server {
    listen 80;
    add_header Access-Control-Allow-Origin *;
}
EOT
}
`,
}

// nginxSite is a real nginx file beside them, with a finding.
const nginxSite = `server {
    location / {
        add_header Access-Control-Allow-Origin * always;
        add_header Access-Control-Allow-Credentials true always;
        root /srv;
    }
}
`

func writeTree(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, src := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestWalkSkipsOtherFormats(t *testing.T) {
	files := map[string]string{"deploy/nginx/site.conf": nginxSite}
	for k, v := range foreignFiles {
		files[k] = v
	}
	dir := writeTree(t, files)
	skipped := map[string]string{}
	var mu sync.Mutex // files are parsed, and skipped, in parallel
	res := Lint([]string{dir}, nil, &Options{Rules: rules.All(), Skipped: func(p, why string) {
		mu.Lock()
		defer mu.Unlock()
		skipped[p] = why
	}})
	if len(res.Errs)+len(res.Internal) > 0 {
		t.Fatal(res.Errs, res.Internal)
	}
	site := false
	for _, f := range res.Findings {
		rel, _ := filepath.Rel(dir, f.Span.File)
		if _, foreign := foreignFiles[filepath.ToSlash(rel)]; foreign {
			t.Errorf("%s: %s %s", rel, f.RuleID, f.Message)
		}
		site = site || filepath.Base(rel) == "site.conf" && f.RuleID == "CORS201"
	}
	if !site {
		t.Errorf("the nginx file beside them was not linted: %v", res.Findings)
	}
	for name := range foreignFiles {
		if why := skipped[filepath.Join(dir, name)]; why == "" {
			t.Errorf("%s: no reason given for skipping it", name)
		}
	}
	if why := skipped[filepath.Join(dir, "deploy/haproxy/haproxy.conf")]; !strings.Contains(why, "HAProxy") {
		t.Errorf("haproxy.conf skipped because %q, want it named as HAProxy", why)
	}
}

func TestNamedUnknownFileIsOneFinding(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"haproxy.conf": foreignFiles["deploy/haproxy/haproxy.conf"],
		"Caddyfile":    foreignFiles["deploy/Caddyfile"],
		// A named .conf of nginx statements that detection has no word
		// for is still read as nginx.
		"snippet.conf": "root /srv/www;\nindex index.html;\ninclude mime.types;\n",
	})
	for _, name := range []string{"haproxy.conf", "Caddyfile"} {
		res := Lint([]string{filepath.Join(dir, name)}, nil, &Options{Rules: rules.All()})
		if len(res.Findings) != 1 || res.Findings[0].RuleID != "CORS001" || !strings.Contains(res.Findings[0].Message, "not recognised") {
			t.Errorf("%s: want one CORS001 saying it is not recognised, got %v", name, res.Findings)
		}
		res = Lint([]string{filepath.Join(dir, name)}, nil, &Options{Rules: rules.All(), SkipUnknown: true})
		if len(res.Findings) != 0 {
			t.Errorf("%s with SkipUnknown: want nothing, got %v", name, res.Findings)
		}
	}
	res := Lint([]string{filepath.Join(dir, "snippet.conf")}, nil, &Options{Rules: rules.All()})
	for _, f := range res.Findings {
		if f.RuleID == "CORS001" {
			t.Errorf("snippet.conf: %s", f.Message)
		}
	}
	if res.Files != 1 {
		t.Errorf("snippet.conf was not read as nginx (%d files)", res.Files)
	}
}

// TestCorpusOtherFormats walks the shared corpus of real configurations:
// none of the files of formats corslint does not read may be reported.
func TestCorpusOtherFormats(t *testing.T) {
	root := filepath.Join("..", "..", "..", "shared", "corpus")
	if _, err := os.Stat(root); err != nil {
		t.Skip("no corpus at", root)
	}
	var dirs []string
	for _, d := range []string{"haproxy", "traefik", "js", "k8s", "terraform"} {
		if _, err := os.Stat(filepath.Join(root, d)); err == nil {
			dirs = append(dirs, filepath.Join(root, d))
		}
	}
	if len(dirs) == 0 {
		t.Skip("no other formats in the corpus")
	}
	res := Lint(dirs, nil, &Options{Rules: rules.All()})
	for _, f := range res.Findings {
		if f.RuleID == "CORS001" {
			t.Errorf("%s: %s", f.Span, f.Message)
		}
	}
}
