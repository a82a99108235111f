package nginx

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"testing"

	"github.com/corslint/corslint/source"
)

// parseFile reads the file at path through opts and parses it, as the
// engine does for a file it walked.
func parseFile(path string, opts Options) (*Config, error) {
	o := opts.withDefaults(path)
	src, err := o.FS.ReadFile(path, o.MaxFileSize)
	if err != nil {
		return nil, fmt.Errorf("reading nginx config: %w", err)
	}
	return Parse(path, src, o), nil
}

func writeTree(t *testing.T, files map[string]string) string {
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

// rel makes temporary paths in rendered output stable.
func rel(dir, s string) string {
	return strings.ReplaceAll(s, dir+string(filepath.Separator), "")
}

func TestIncludes(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"nginx.conf": "http {\n" +
			"    include conf.d/*.conf;\n" +
			"    include snippets/x.conf;\n" +
			"    include missing.conf;\n" +
			"    include nothing/*.conf;\n" +
			"    include /etc/nginx/mime.types;\n" +
			"}\n",
		"conf.d/b.conf":       "server { include ../snippets/cors.conf; }\n",
		"conf.d/a.conf":       "add_header A 1; # from a\n",
		"conf.d/.hidden.conf": "hidden;\n",
		"snippets/cors.conf":  "add_header Access-Control-Allow-Origin *;\n",
		// Not found next to x.conf, so found relative to the prefix.
		"snippets/x.conf": "include snippets/y.conf;\n",
		"snippets/y.conf": "y;\n",
	})
	c, err := parseFile(filepath.Join(dir, "nginx.conf"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	checkSpans(t, c)
	wantTree := lines(
		"1:1-7:2 http {",
		"  1:1-1:16 add_header [1:12-1:13 A] [1:14-1:15 1] via=nginx.conf:2:5",
		"  1:1-1:42 server { via=nginx.conf:2:5",
		"    1:1-1:42 add_header [1:12-1:39 Access-Control-Allow-Origin] [1:40-1:41 *] via=nginx.conf:2:5 via=conf.d/b.conf:1:10",
		"  1:1-1:3 y via=nginx.conf:3:5 via=snippets/x.conf:1:1",
	)
	if got := rel(dir, dump(c.Directives)); got != wantTree {
		t.Errorf("tree:\n%s\nwant:\n%s", got, wantTree)
	}
	wantDiags := lines(
		`4:13-4:25 CORS003 include "missing.conf" matches no file`,
		`6:13-6:34 CORS003 (note) include "/etc/nginx/mime.types" is outside the linted root; not read (use --allow-outside-root)`,
	)
	if got := diags(c); got != wantDiags {
		t.Errorf("diagnostics:\n%s\nwant:\n%s", got, wantDiags)
	}
	if len(c.Comments) != 1 || c.Comments[0].Text != " from a" || !strings.HasSuffix(c.Comments[0].Span.File, "a.conf") ||
		len(c.Comments[0].Span.Via) != 1 || !c.Comments[0].Trailing {
		t.Errorf("comments from included files: %+v", c.Comments)
	}
	var sources []string
	for p := range c.Sources {
		sources = append(sources, filepath.ToSlash(rel(dir, p)))
	}
	sort.Strings(sources)
	if got, want := strings.Join(sources, " "), "conf.d/a.conf conf.d/b.conf nginx.conf snippets/cors.conf snippets/x.conf snippets/y.conf"; got != want {
		t.Errorf("sources %s, want %s", got, want)
	}
}

func TestIncludeCycle(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"a.conf": "a1;\ninclude b.conf;\n",
		"b.conf": "b1;\n  include a.conf;\ninclude self.conf;\n",
		// A file including itself.
		"self.conf": "include ./self.conf;\n",
	})
	c, err := parseFile(filepath.Join(dir, "a.conf"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := lines(
		"2:3-2:18 CORS001 include cycle: a.conf -> b.conf -> a.conf",
		"1:1-1:21 CORS001 include cycle: self.conf -> self.conf",
	)
	if got := diags(c); got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
	if got, want := rel(dir, dump(c.Directives)), lines("1:1-1:4 a1", "1:1-1:4 b1 via=a.conf:2:1"); got != want {
		t.Errorf("tree:\n%s\nwant:\n%s", got, want)
	}
	via := c.Diagnostics[0].Span.Via
	if len(via) != 1 || rel(dir, via[0].String()) != "a.conf:2:1" {
		t.Errorf("cycle diagnostic via %v", via)
	}
}

// A directory linking to itself: a file reached through the link is the
// same file, so including it again is a cycle, not a new file to follow.
func TestIncludeSymlinkCycle(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"nginx.conf":   "include loop/*.conf;\n",
		"snippet.conf": "s;\n",
	})
	if err := os.Symlink(".", filepath.Join(dir, "loop")); err != nil {
		t.Skip(err)
	}
	c, err := parseFile(filepath.Join(dir, "nginx.conf"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := lines("1:1-1:21 CORS001 include cycle: nginx.conf -> loop/nginx.conf")
	if got := diags(c); got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
	if got, want := rel(dir, dump(c.Directives)), lines("1:1-1:3 s via=nginx.conf:1:1"); got != want {
		t.Errorf("tree:\n%s\nwant:\n%s", got, want)
	}
}

func TestIncludeErrors(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"nginx.conf": "include conf.d;\ninclude [bad;\ninclude a b;\n",
		"conf.d/x":   "x;\n",
	})
	c, err := parseFile(filepath.Join(dir, "nginx.conf"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := lines(
		`1:9-1:15 CORS001 cannot read include "conf.d": conf.d is a directory`,
		`2:9-2:13 CORS001 include "[bad": syntax error in pattern`,
		`3:1-3:13 CORS001 invalid number of arguments in "include" directive`,
	)
	if got := rel(dir, diags(c)); got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
}

func TestIncludeOutsideRoot(t *testing.T) {
	other := writeTree(t, map[string]string{"cors.conf": "add_header A 1;\n"})
	src := "include " + filepath.Join(other, "cors.conf") + ";\ninclude ../*.conf;\n"
	dir := writeTree(t, map[string]string{"site/nginx.conf": src, "up.conf": "up;\n"})
	top := filepath.Join(dir, "site", "nginx.conf")

	c, err := parseFile(top, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Directives) != 0 || len(c.Diagnostics) != 2 || !c.Diagnostics[0].Note || !c.Diagnostics[1].Note ||
		!strings.Contains(c.Diagnostics[1].Message, `include "../*.conf" is outside the linted root`) {
		t.Errorf("outside root: %s%s", dump(c.Directives), diags(c))
	}

	c, _ = parseFile(top, Options{AllowOutsideRoot: true})
	if got := strings.Join([]string{c.Directives[0].Name, c.Directives[1].Name}, " "); len(c.Diagnostics) != 0 || got != "add_header up" {
		t.Errorf("allow outside root: %s%s", dump(c.Directives), diags(c))
	}

	c, _ = parseFile(top, Options{Root: dir})
	if len(c.Directives) != 1 || c.Directives[0].Name != "up" || len(c.Diagnostics) != 1 {
		t.Errorf("wider root: %s%s", dump(c.Directives), diags(c))
	}
}

// TestIncludeLinkOutOfRoot: the parser itself, not only the CLI, keeps a
// link committed inside the root from reading a file outside it, and never
// opens a FIFO (which would block until a writer came).
func TestIncludeLinkOutOfRoot(t *testing.T) {
	other := writeTree(t, map[string]string{"secret.conf": "secret;\n"})
	dir := writeTree(t, map[string]string{"nginx.conf": "include link.conf;\ninclude fifo.conf;\n"})
	if err := os.Symlink(filepath.Join(other, "secret.conf"), filepath.Join(dir, "link.conf")); err != nil {
		t.Skip(err)
	}
	if err := syscall.Mkfifo(filepath.Join(dir, "fifo.conf"), 0o644); err != nil {
		t.Skip(err)
	}
	c, err := parseFile(filepath.Join(dir, "nginx.conf"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	got := rel(dir, diags(c))
	if len(c.Directives) != 0 || len(c.Diagnostics) != 2 ||
		!strings.Contains(got, `1:9-1:18 CORS001 cannot read include "link.conf": `) || !strings.Contains(got, "leads outside the linted root through a symbolic link") ||
		!strings.Contains(got, `2:9-2:18 CORS001 cannot read include "fifo.conf": fifo.conf is not a regular file`) {
		t.Errorf("got:\n%s%s", dump(c.Directives), got)
	}
}

// TestIncludeCustomFS reads stdin-like input with includes from a map.
func TestIncludeCustomFS(t *testing.T) {
	opts := Options{
		Prefix: "/cfg",
		FS: source.Map{
			"/cfg/snippets/a.conf": []byte("a;"),
			"/cfg/snippets/b.conf": []byte("b;"),
			"/cfg/snippets/c.txt":  []byte("c;"),
		},
	}
	c := Parse("<stdin>", []byte("include snippets/*.conf;\n"), opts)
	if got := dump(c.Directives); got != lines("1:1-1:3 a via=<stdin>:1:1", "1:1-1:3 b via=<stdin>:1:1") || len(c.Diagnostics) != 0 {
		t.Errorf("got:\n%s%s", got, diags(c))
	}
}

func TestIncludedFileErrors(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"nginx.conf": "include a.conf;\ninclude a.conf;\ninclude bin.conf;\n",
		"a.conf":     "\n  }\n",
		"bin.conf":   "\x00",
	})
	c, _ := parseFile(filepath.Join(dir, "nginx.conf"), Options{})
	var got []string
	for _, d := range c.Diagnostics {
		got = append(got, rel(dir, d.Span.String()+" "+d.Message))
		if len(d.Span.Via) != 1 {
			t.Errorf("diagnostic %v has via %v", d.Span, d.Span.Via)
		}
	}
	// The syntax error of a file included twice is reported once.
	if want := `a.conf:2:3 unexpected "}"|bin.conf:1:1 binary file`; strings.Join(got, "|") != want {
		t.Errorf("got %q, want %q", strings.Join(got, "|"), want)
	}
}

// TestIncludeNotes: includes that cannot name a file in the tree as
// written are notes, not warnings: template expressions, and the files
// nginx packages ship beside nginx.conf.
func TestIncludeNotes(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"nginx.conf": "http {\n" +
			"    include mime.types;\n" +
			"    include {{ conf_dir }}/cors.conf;\n" +
			"    include <%= @dir %>/x.conf;\n" +
			"    include missing.conf;\n" +
			"}\n",
	})
	c, err := parseFile(filepath.Join(dir, "nginx.conf"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		`2:13 note include "mime.types", a file nginx ships, is not in the linted tree; not read (pass --include-root nginx=DIR, DIR its directory, to read it)`,
		`3:13 note include "{{ conf_dir }}/cors.conf" is a template expression; not followed`,
		`4:13 note include "<%= @dir %>/x.conf" is a template expression; not followed`,
		`5:13 warning include "missing.conf" matches no file`,
	}
	var got []string
	for _, d := range c.Diagnostics {
		sev := "warning"
		if d.Note {
			sev = "note"
		}
		got = append(got, fmt.Sprintf("%d:%d %s %s", d.Span.Line, d.Span.Col, sev, d.Message))
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
