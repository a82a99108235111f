package engine_test

import (
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/corslint/corslint/dialect"
	"github.com/corslint/corslint/engine"
	"github.com/corslint/corslint/parsers/nginx"
	"github.com/corslint/corslint/rules"
)

// countingNginx is nginx, counting the files it parses on their own.
type countingNginx struct {
	nginx.Dialect
	mu     *sync.Mutex
	parsed map[string]int
}

func (d countingNginx) Parse(path string, src []byte, o *dialect.Options) (dialect.Parsed, bool) {
	d.mu.Lock()
	d.parsed[filepath.Base(path)]++
	d.mu.Unlock()
	return d.Dialect.Parse(path, src, o)
}

// A walked file that the top file parsed first includes is checked in
// the top file's context, and not parsed again on its own; its findings
// are those the top file's parse gives.
func TestIncludedFileNotParsedAlone(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"nginx.conf":    "events {}\nhttp {\n  include conf.d/*.conf;\n}\n",
		"conf.d/a.conf": "server {\n  listen 80;\n  location / {\n    add_header Access-Control-Allow-Origin $http_origin;\n    add_header Access-Control-Allow-Credentials true;\n  }\n}\n",
	}
	for name, text := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	d := countingNginx{mu: &sync.Mutex{}, parsed: map[string]int{}}
	res := engine.Lint([]string{dir}, nil, &engine.Options{Dialects: []dialect.Dialect{d}, Rules: rules.All(), Jobs: 1, Root: dir})
	if n := d.parsed["a.conf"]; n != 0 {
		t.Errorf("the included file was parsed %d times on its own", n)
	}
	if n := d.parsed["nginx.conf"]; n != 1 {
		t.Errorf("the top file was parsed %d times", n)
	}
	found := false
	for _, f := range res.Findings {
		found = found || f.RuleID == "CORS101" && filepath.Base(f.Span.File) == "a.conf"
	}
	if !found {
		t.Errorf("the reflected origin in the included file was not reported through the top file: %+v", res.Findings)
	}
	if res.Files != 1 {
		t.Errorf("%d files linted, want the top file alone", res.Files)
	}
}
