package js

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestBuildWithoutCgo builds corslint with CGO_ENABLED=0 and runs it on
// JavaScript files: the build must work, say once that the dialect is
// unavailable, list each file as skipped with the reason under
// --verbose, and still lint the nginx file beside them.
func TestBuildWithoutCgo(t *testing.T) {
	if testing.Short() {
		t.Skip("builds corslint without cgo")
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "corslint")
	build := exec.Command(goTool, "build", "-o", bin, "github.com/corslint/corslint/cmd/corslint")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("CGO_ENABLED=0 go build: %v\n%s", err, out)
	}
	src := filepath.Join(dir, "src")
	app := "const express = require('express');\nconst app = express();\napp.use((req, res, next) => { res.setHeader('Access-Control-Allow-Origin', req.headers.origin); next(); });\n"
	files := map[string]string{
		"a.js":       app,
		"b.ts":       app,
		"nginx.conf": "server {\n    location / {\n        add_header Access-Control-Allow-Origin * always;\n        add_header Access-Control-Allow-Credentials true always;\n    }\n}\n",
	}
	for name, text := range files {
		if err := os.MkdirAll(src, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(src, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var stdout, stderr bytes.Buffer
	run := exec.Command(bin, "--verbose", src)
	run.Stdout, run.Stderr = &stdout, &stderr
	err = run.Run()
	var ee *exec.ExitError
	if err != nil && (!errors.As(err, &ee) || ee.ExitCode() != 1) {
		t.Fatalf("corslint without cgo: %v\n%s", err, stderr.String())
	}
	if n := strings.Count(stderr.String(), "note: javascript files were skipped"); n != 1 {
		t.Errorf("the unavailable dialect was noted %d times, want once:\n%s", n, stderr.String())
	}
	for _, name := range []string{"a.js", "b.ts"} {
		if !strings.Contains(stderr.String(), "skipped "+filepath.Join(src, name)+": read as javascript, which is unavailable: this corslint was built without cgo") {
			t.Errorf("%s is not listed as skipped with the reason:\n%s", name, stderr.String())
		}
	}
	if !strings.Contains(stdout.String(), "CORS201") || strings.Contains(stdout.String(), ".js:") {
		t.Errorf("want the nginx finding and none in JavaScript:\n%s", stdout.String())
	}
}
