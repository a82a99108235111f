package config

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func lookup(name string) (string, error) {
	switch strings.ToLower(name) {
	case "cors001", "parse-error":
		return "CORS001", nil
	case "cors101", "reflected-origin":
		return "CORS101", nil
	case "cors306", "max-age-excessive":
		return "CORS306", nil
	case "cors304", "missing-always":
		return "CORS304", nil
	}
	return "", fmt.Errorf("unknown rule %q (see corslint rules)", name)
}

func TestParseFull(t *testing.T) {
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, "conf"), 0o755); err != nil {
		t.Fatal(err)
	}
	src := `# comment
trusted-origins:
  - https://app.example.com
  - http://localhost:3000
rules:
  reflected-origin: warning
  CORS306: off
exclude: [vendor/**, "*.tmpl"]
fail-on: error
nginx-prefix: conf
apache-root: /
clients:
  - origin: https://app.example.com
    methods: [GET, PUT]
    headers: [Authorization, "Content-Type: application/json"]
    credentials: true
    paths: [/api/items]
  - origin: https://admin.example.com
stack: [edge/*.vcl, nginx/**]
`
	cfg, err := Parse(filepath.Join(dir, ".corslint.yaml"), []byte(src), lookup)
	if err != nil {
		t.Fatal(err)
	}
	want := &Config{
		Path:           filepath.Join(dir, ".corslint.yaml"),
		Dir:            dir,
		TrustedOrigins: []string{"https://app.example.com", "http://localhost:3000"},
		Rules:          map[string]Level{"CORS101": LevelWarning, "CORS306": LevelOff},
		Exclude:        []string{"vendor/**", "*.tmpl"},
		FailOn:         "error",
		NginxPrefix:    filepath.Join(dir, "conf"),
		ApacheRoot:     "/",
		Clients: []Client{
			{Origin: "https://app.example.com", Methods: []string{"GET", "PUT"}, Headers: []string{"Authorization", "Content-Type: application/json"}, Credentials: true, Paths: []string{"/api/items"}, Line: 13, Col: 5},
			{Origin: "https://admin.example.com", Methods: []string{"GET"}, Paths: []string{"/"}, Line: 18, Col: 5},
		},
		Stack: []string{"edge/*.vcl", "nginx/**"},
	}
	if !reflect.DeepEqual(cfg, want) {
		t.Errorf("got  %+v\nwant %+v", cfg, want)
	}
}

func TestParseEmpty(t *testing.T) {
	for _, src := range []string{"", "# only a comment\n", "---\n", "~\n"} {
		cfg, err := Parse("c.yaml", []byte(src), lookup)
		if err != nil {
			t.Errorf("%q: %v", src, err)
			continue
		}
		if cfg.TrustedOrigins != nil || cfg.Rules != nil || cfg.FailOn != "" {
			t.Errorf("%q: not empty: %+v", src, cfg)
		}
	}
}

// TestParseErrors checks that each mistake is reported at its position.
func TestParseErrors(t *testing.T) {
	for _, c := range []struct{ src, want string }{
		{"trusted_origins: [https://a.example]\n", `c.yaml:1:1: unknown key "trusted_origins"; did you mean "trusted-origins"?`},
		{"rule:\n  CORS101: off\n", `c.yaml:1:1: unknown key "rule"; did you mean "rules"?`},
		{"fail-on: warning\nfail-on: error\n", `c.yaml:2:1: duplicate key "fail-on"`},
		{"fail-on: critical\n", `c.yaml:1:10: fail-on is "critical"; want error, warning, note or none`},
		{"fail-on: [error]\n", `c.yaml:1:10: want error, warning, note or none as a string`},
		{"rules:\n  CORS999: off\n", `c.yaml:2:3: unknown rule "CORS999"`},
		{"rules:\n  CORS101: disabled\n", `c.yaml:2:12: CORS101: level "disabled"; want off, error, warning or note`},
		{"rules:\n  CORS101: off\n  reflected-origin: note\n", `c.yaml:3:3: CORS101 is already configured at line 2`},
		{"rules:\n  parse-error: off\n", `c.yaml:2:16: CORS001 parse-error cannot be turned off`},
		{"rules: [CORS101]\n", `c.yaml:1:8: rules: want a mapping`},
		{"trusted-origins: https://a.example\n", `c.yaml:1:18: want a list of origins`},
		{"trusted-origins:\n  - https://a.example/\n", `c.yaml:2:5: "https://a.example/" is not an origin: it has a path`},
		{"trusted-origins:\n  - a.example\n", `c.yaml:2:5: "a.example" is not an origin: no scheme://host`},
		{"trusted-origins:\n  - https://A.example\n", `is not an origin: browsers send origins in lower case`},
		{"trusted-origins:\n  - https://a.example:x\n", `c.yaml:2:5: "https://a.example:x" is not an origin`},
		{"trusted-origins:\n  - 42\n", `c.yaml:2:5: want an origin as a string`},
		{"exclude: ['[']\n", `c.yaml:1:11: bad glob "["`},
		{"nginx-prefix: does/not/exist\n", `c.yaml:1:15: "does/not/exist" is not a directory`},
		{"clients:\n  - origin: https://a.example\n    method: PUT\n", `c.yaml:3:5: unknown key "method"; did you mean "methods"?`},
		{"clients:\n  - methods: [PUT]\n", `c.yaml:2:5: a client needs an origin`},
		{"clients:\n  - origin: https://a.example\n    credentials: yes\n", `c.yaml:3:18: credentials: want true or false`},
		{"clients:\n  - origin: https://a.example\n    methods: [\"P UT\"]\n", `c.yaml:3:15: method "P UT" is not an HTTP token`},
		{"clients:\n  - origin: https://a.example\n    headers: [\"X Y: 1\"]\n", `c.yaml:3:15: header "X Y: 1": the name is not an HTTP token`},
		{"clients:\n  - origin: https://a.example\n    paths: [api]\n", `c.yaml:3:13: path "api" must start with /`},
		{"clients:\n  - https://a.example\n", `c.yaml:2:5: want a mapping with keys origin`},
		{"stack: edge.vcl\n", `c.yaml:1:8: want a list of path globs`},
		{"- a\n", `c.yaml:1:1: the configuration must be a mapping`},
		{"rules:\n  CORS101: [off\n", `c.yaml:3:1: invalid YAML: did not find expected ',' or ']'`},
		{"a: &x 1\nb: *y\n", `c.yaml:2:4: invalid YAML: unknown anchor 'y' referenced`},
	} {
		_, err := Parse("c.yaml", []byte(c.src), lookup)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q:\n got %v\nwant %s", c.src, err, c.want)
		}
	}
}

func TestParseAllErrorsReported(t *testing.T) {
	_, err := Parse("c.yaml", []byte("fail-on: x\nexclude: 1\nbogus: 2\n"), lookup)
	if err == nil {
		t.Fatal("no error")
	}
	if n := strings.Count(err.Error(), "c.yaml:"); n != 3 {
		t.Errorf("want 3 errors, got %d: %v", n, err)
	}
}

func TestAliases(t *testing.T) {
	src := "x-origins: &o [https://a.example]\n"
	if _, err := Parse("c.yaml", []byte(src), lookup); err == nil {
		t.Error("an unknown key holding anchors must still be an error")
	}
	cfg, err := Parse("c.yaml", []byte("trusted-origins: &o [https://a.example]\nclients:\n  - origin: https://a.example\n"), lookup)
	if err != nil || len(cfg.TrustedOrigins) != 1 {
		t.Fatalf("%v %+v", err, cfg)
	}
}

func TestFind(t *testing.T) {
	repo := t.TempDir()
	sub := filepath.Join(repo, "a", "b")
	if err := os.MkdirAll(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	write := func(p string) {
		t.Helper()
		if err := os.WriteFile(p, []byte("{}\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// Outside a repository only the start directory counts.
	write(filepath.Join(repo, ".corslint.yaml"))
	if got, err := Find(sub); err != nil || got != "" {
		t.Errorf("outside a repository: got %q, %v", got, err)
	}
	if err := os.Mkdir(filepath.Join(repo, ".git"), 0o755); err != nil {
		t.Fatal(err)
	}
	if got, err := Find(sub); err != nil || got != filepath.Join(repo, ".corslint.yaml") {
		t.Errorf("in a repository: got %q, %v", got, err)
	}
	write(filepath.Join(repo, "a", ".corslint.yml"))
	if got, _ := Find(sub); got != filepath.Join(repo, "a", ".corslint.yml") {
		t.Errorf("nearest: got %q", got)
	}
	write(filepath.Join(repo, "a", ".corslint.yaml"))
	if _, err := Find(sub); err == nil || !strings.Contains(err.Error(), "keep one") {
		t.Errorf("both names: %v", err)
	}
}

func TestGlobs(t *testing.T) {
	for _, c := range []struct {
		pat, path string
		prefix    bool
	}{
		{"vendor/**", "vendor/a/b.conf", true},
		{"vendor", "vendor/a/b.conf", true},
		{"vendor", "src/vendor/b.conf", true},
		{"/vendor", "src/vendor/b.conf", false},
		{"/vendor", "vendor/b.conf", true},
		{"*.tmpl", "a/b/c.tmpl", true},
		{"*.tmpl", "a/b/c.conf", false},
		{"conf/*.conf", "conf/a.conf", true},
		{"conf/*.conf", "conf/x/a.conf", false},
		{"conf/**/*.conf", "conf/x/y/a.conf", true},
		{"conf/**/*.conf", "conf/a.conf", true},
		{"./testdata/", "testdata/x.conf", true},
	} {
		if got := matchPrefix(c.pat, c.path); got != c.prefix {
			t.Errorf("matchPrefix(%q, %q) = %v", c.pat, c.path, got)
		}
	}
	if match("vendor", "vendor/a.conf") {
		t.Error("Match must be exact")
	}
	if !match("edge/*.vcl", "edge/a.vcl") {
		t.Error("Match edge/*.vcl")
	}
}

func TestExcluded(t *testing.T) {
	dir := t.TempDir()
	cfg := &Config{Dir: dir, Exclude: []string{"vendor/**"}}
	if !cfg.Excluded(filepath.Join(dir, "vendor", "x.conf")) {
		t.Error("absolute path under vendor")
	}
	if cfg.Excluded(filepath.Join(filepath.Dir(dir), "vendor", "x.conf")) {
		t.Error("a path outside the configuration's directory")
	}
	var none *Config
	if none.Excluded("x") {
		t.Error("nil config")
	}
}

func TestValidOrigin(t *testing.T) {
	for _, ok := range []string{"https://a.example", "http://localhost:8080", "https://[::1]:8443", "chrome-extension://abcdef"} {
		if err := validOrigin(ok); err != nil {
			t.Errorf("%s: %v", ok, err)
		}
	}
	for _, bad := range []string{"", "null", "*", "https://", "https://a.example/", "https://a.example/x", "https://u@a.example", "https://a.example?", "https://a.example:", "HTTPS://a.example", "https://*.example.com"} {
		if err := validOrigin(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestStarterDecodes(t *testing.T) {
	cfg, err := Parse("starter.yaml", []byte(Starter), lookup)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.FailOn != "warning" || len(cfg.TrustedOrigins) != 0 || len(cfg.Rules) != 0 {
		t.Errorf("starter is not neutral: %+v", cfg)
	}
	// Uncommenting every example must still decode.
	var b strings.Builder
	for _, l := range strings.Split(Starter, "\n") {
		switch {
		case strings.HasPrefix(l, "#  "), strings.HasPrefix(l, "#   "):
			l = l[1:]
		case strings.HasPrefix(l, "# clients:"), strings.HasPrefix(l, "# stack:"):
			l = l[2:]
		case strings.HasSuffix(l, ": []"), strings.HasSuffix(l, ": {}"):
			l = strings.TrimSuffix(strings.TrimSuffix(l, " []"), " {}")
		}
		b.WriteString(l + "\n")
	}
	cfg, err = Parse("starter.yaml", []byte(b.String()), lookup)
	if err != nil {
		t.Fatalf("%v\n%s", err, b.String())
	}
	if len(cfg.TrustedOrigins) != 1 || len(cfg.Rules) != 2 || len(cfg.Exclude) != 2 || len(cfg.Clients) != 1 || len(cfg.Stack) != 2 {
		t.Errorf("uncommented starter: %+v\n%s", cfg, b.String())
	}
}
