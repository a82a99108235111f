package vcl

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func diagLines(c *Config) string {
	var b strings.Builder
	for _, d := range c.Diagnostics {
		fmt.Fprintf(&b, "%s:%d:%d %s %s\n", filepath.Base(d.Span.File), d.Span.Line, d.Span.Col, d.RuleID, d.Message)
	}
	return b.String()
}

func writeFiles(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, text := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// TestIncludeLinkCycle: a file included again through a symbolic link is a
// cycle at once, not one more splice of the file before the loop is seen.
func TestIncludeLinkCycle(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"default.vcl": "vcl 4.1;\nbackend b { .host = \"127.0.0.1\"; }\ninclude \"conf/deliver.vcl\";\n",
		"conf/deliver.vcl": "sub vcl_deliver { set resp.http.Access-Control-Allow-Origin = \"*\"; }\n" +
			"include \"./again.vcl\";\n",
	})
	if err := os.Symlink(filepath.Join(dir, "conf", "deliver.vcl"), filepath.Join(dir, "conf", "again.vcl")); err != nil {
		t.Skipf("no symbolic links here: %v", err)
	}
	top := filepath.Join(dir, "default.vcl")
	src, err := os.ReadFile(top)
	if err != nil {
		t.Fatal(err)
	}
	c := Parse(top, src, Options{})
	if got, want := diagLines(c), "deliver.vcl:2:1 CORS001 include cycle: conf/deliver.vcl -> conf/again.vcl\n"; got != want {
		t.Errorf("diagnostics:\n%s\nwant:\n%s", got, want)
	}
	if n := len(c.subs("vcl_deliver")); n != 1 {
		t.Errorf("vcl_deliver spliced %d times", n)
	}
}

// TestIncludeGlobSkipsHidden: varnishd 7.1 does not read inc/.hidden.vcl
// for include +glob "inc/*.vcl" (glob(3) without GLOB_PERIOD).
func TestIncludeGlobSkipsHidden(t *testing.T) {
	files := memFS{
		"/v/default.vcl":     "vcl 4.1;\nbackend b { .host = \"127.0.0.1\"; }\ninclude +glob \"./inc/*.vcl\";\n",
		"/v/inc/a.vcl":       "sub a {}\n",
		"/v/inc/.hidden.vcl": "not vcl at all\n",
	}
	c := Parse("/v/default.vcl", []byte(files["/v/default.vcl"]), Options{FS: files.fs()})
	if len(c.Diagnostics) != 0 || len(c.Includes) != 1 || strings.Join(c.Includes[0].Files, " ") != "/v/inc/a.vcl" {
		t.Errorf("includes %+v, diagnostics:\n%s", c.Includes, diagLines(c))
	}
}

// TestIncludeProblemOnce: a file included twice reports its own problems
// once, not once per inclusion.
func TestIncludeProblemOnce(t *testing.T) {
	files := memFS{
		"/v/default.vcl": "vcl 4.1;\nbackend b { .host = \"127.0.0.1\"; }\ninclude \"shared.vcl\";\ninclude \"shared.vcl\";\n",
		"/v/shared.vcl":  "include \"missing.vcl\";\nsub s { }\n",
	}
	c := Parse("/v/default.vcl", []byte(files["/v/default.vcl"]), Options{FS: files.fs()})
	got := diagLines(c)
	if got != "shared.vcl:1:9 CORS003 include \"missing.vcl\" matches no file\n" {
		t.Errorf("diagnostics:\n%s", got)
	}
}
