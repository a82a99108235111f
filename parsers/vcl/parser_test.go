package vcl

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	srcread "github.com/corslint/corslint/source"
)

// firstError is "line:col message" of the first CORS001, or "".
func firstError(c *Config) string {
	for _, d := range c.Diagnostics {
		if d.RuleID == "CORS001" {
			return fmt.Sprintf("%d:%d %s", d.Span.Line, d.Span.Col, d.Message)
		}
	}
	return ""
}

// syntaxErrors are inputs with one mistake and where it is. varnishd,
// when installed, must report its first error at the same place.
var syntaxErrors = []struct {
	name, src, want string
}{
	{"missing semicolon in backend", "vcl 4.1;\nbackend default {\n    .host = \"127.0.0.1\"\n    .port = \"8080\";\n}\n", `4:5 expected ";", found ".port"`},
	{"missing semicolon after set", "vcl 4.1;\nbackend default { .host = \"127.0.0.1\"; }\nsub vcl_recv {\n    set req.http.A = \"a\"\n    set req.http.B = \"b\";\n}\n", `5:5 expected ";", found "set"`},
	{"stray character", "vcl 4.1;\nbackend default { .host = \"127.0.0.1\"; }\nsub vcl_recv {\n    set req.http.A = \"a\" @;\n}\n", `4:26 syntax error: unexpected "@"`},
	{"unterminated string", "vcl 4.1;\nbackend default { .host = \"127.0.0.1\"; }\nsub vcl_recv {\n    set req.http.A = \"a;\n}\n", `4:22 unterminated string`},
	{"unterminated long string", "vcl 4.1;\nbackend default { .host = \"127.0.0.1\"; }\nsub vcl_synth {\n    synthetic({\"never closed);\n}\n", `4:15 unterminated long string {"..."}`},
	{"unterminated comment", "vcl 4.1;\nbackend default { .host = \"127.0.0.1\"; }\n/* open\nsub vcl_recv {}\n", `3:1 unterminated /* ... */ comment`},
	{"nested comment", "vcl 4.1;\nbackend default { .host = \"127.0.0.1\"; }\n/* a /* b */\n", `3:6 /* ... */ comment contains /* (the comment opened at 3:1)`},
	{"unterminated inline C", "vcl 4.1;\nbackend default { .host = \"127.0.0.1\"; }\nC{ int x;\n", `3:1 unterminated inline C source (C{ without }C)`},
	{"unknown action", "vcl 4.1;\nbackend default { .host = \"127.0.0.1\"; }\nsub vcl_recv {\n    sett req.http.A = \"a\";\n}\n", `4:5 expected an action, 'if', '{' or '}', found "sett"`},
	{"unclosed condition", "vcl 4.1;\nbackend default { .host = \"127.0.0.1\"; }\nsub vcl_recv {\n    if (req.method == \"GET\" {\n        return (pass);\n    }\n}\n", `4:29 expected ")", found "{"`},
	{"unclosed return", "vcl 4.1;\nbackend default { .host = \"127.0.0.1\"; }\nsub vcl_recv {\n    return (synth(200);\n}\n", `4:23 expected ")", found ";"`},
	{"else without if or block", "vcl 4.1;\nbackend default { .host = \"127.0.0.1\"; }\nsub vcl_recv {\n    if (req.url) { return (pass); } else return (hash);\n}\n", `4:42 'else' must be followed by 'if' or '{', found "return"`},
	{"bad top level", "vcl 4.1;\nbackend default { .host = \"127.0.0.1\"; }\nfrobnicate;\n", `3:1 expected one of 'vcl', 'import', 'include', 'backend', 'probe', 'acl' or 'sub', found "frobnicate"`},
	{"end of file in sub", "vcl 4.1;\nbackend default { .host = \"127.0.0.1\"; }\nsub vcl_recv {\n    set req.http.A = \"a\";\n", `5:1 unexpected end of file, expecting '}' (block opened at 3:14)`},
	{"version", "vcl 5.0;\nbackend default { .host = \"127.0.0.1\"; }\n", `1:5 VCL version 5.0 is not supported (Varnish reads 4.0 and 4.1)`},
	{"include without string", "vcl 4.1;\nbackend default { .host = \"127.0.0.1\"; }\ninclude foo;\n", `3:9 include must be followed by a string and ';', found "foo"`},
}

func TestSyntaxErrors(t *testing.T) {
	varnishd, _ := exec.LookPath("varnishd")
	for _, tc := range syntaxErrors {
		t.Run(tc.name, func(t *testing.T) {
			c := Parse("/x/e.vcl", []byte(tc.src), Options{FS: noFiles()})
			checkSpans(t, c)
			if got := firstError(c); got != tc.want {
				t.Errorf("first error\n got  %s\n want %s", got, tc.want)
			}
			if varnishd == "" || strings.Contains(tc.name, "version") || strings.Contains(tc.name, "nested comment") {
				return // varnishd's message differs there, not its place
			}
			line, col, ok := varnishdError(t, varnishd, tc.src)
			if !ok {
				return
			}
			if want := fmt.Sprintf("%d:%d ", line, col); !strings.HasPrefix(tc.want, want) {
				t.Errorf("varnishd reports the error at %d:%d, corslint at %s", line, col, tc.want)
			}
		})
	}
}

var vccAt = regexp.MustCompile(`\('([^']*)' Line (\d+) Pos (\d+)\)`)

// varnishdError compiles src with varnishd -C and returns where its first
// error is, as a byte column (varnishd expands tabs to 8).
func varnishdError(t *testing.T, varnishd, src string) (line, col int, ok bool) {
	t.Helper()
	dir := worldReadableDir(t)
	path := filepath.Join(dir, "e.vcl")
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(varnishd, "-C", "-f", path, "-n", filepath.Join(dir, "n"))
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err == nil {
		t.Fatalf("varnishd compiled %q", src)
	}
	m := vccAt.FindStringSubmatch(string(out))
	if m == nil {
		t.Fatalf("no position in varnishd's output:\n%s", out)
	}
	if m[1] != path {
		// at the end of the file varnishd reads on into its built-in VCL
		t.Logf("varnishd reports the error in %s", m[1])
		return 0, 0, false
	}
	line, _ = strconv.Atoi(m[2])
	pos, _ := strconv.Atoi(m[3])
	text := strings.Split(src, "\n")[line-1]
	vis := 0
	for i := 0; i < len(text); i++ {
		if vis+1 >= pos {
			return line, i + 1, true
		}
		if text[i] == '\t' {
			vis = (vis/8 + 1) * 8
		} else {
			vis++
		}
	}
	return line, len(text) + 1, true
}

func TestBadInput(t *testing.T) {
	deep := strings.Repeat("if (true) {", 400) + strings.Repeat("}", 400)
	for _, tc := range []struct {
		name string
		src  string
		want string // first error, "" for none
	}{
		{"binary", "vcl 4.1;\x00\x01", "1:1 binary file"},
		{"bom and crlf", "\xef\xbb\xbfvcl 4.1;\r\nbackend default {\r\n .host = \"127.0.0.1\";\r\n}\r\n", ""},
		{"non-utf8 in string", "vcl 4.1;\nsub vcl_deliver { set resp.http.X = \"caf\xe9\"; }\n", ""},
		{"non-utf8 outside string", "vcl 4.1;\nsub vcl_deliver { set resp.http.X = \xe9; }\n", `2:37 syntax error: unexpected "\\xe9"`},
		{"deep blocks", "vcl 4.1;\nsub vcl_recv {" + deep + "}\n", "2:2830 blocks nested too deeply (limit 256)"},
		{"deep parens", "vcl 4.1;\nsub vcl_recv { if (" + strings.Repeat("(", 1000) + "true" + strings.Repeat(")", 1000) + ") {} }\n", "2:276 expression nested too deeply (limit 256)"},
		{"deep negation", "vcl 4.1;\nsub vcl_recv { if (" + strings.Repeat("!", 5000) + "true) {} }\n", "2:275 expression nested too deeply (limit 256)"},
		{"only a comment", "# nothing\n", ""},
		{"empty", "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := Parse("/x/in.vcl", []byte(tc.src), Options{FS: noFiles()})
			checkSpans(t, c)
			if got := firstError(c); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
			Lower(c) // must not panic either
		})
	}
	big := Parse("/x/big.vcl", make([]byte, 100), Options{MaxFileSize: 10})
	if got := firstError(big); got != "1:1 file too large: more than 10 bytes" {
		t.Errorf("too large: %q", got)
	}
}

// memFS serves files from a map for include tests.
type memFS map[string]string

func (m memFS) fs() srcread.Map {
	out := srcread.Map{}
	for p, s := range m {
		out[filepath.FromSlash(p)] = []byte(s)
	}
	return out
}

func TestIncludes(t *testing.T) {
	files := memFS{
		"/etc/varnish/default.vcl":       "vcl 4.1;\ninclude \"./conf/cors.vcl\";\ninclude \"conf/backends.vcl\";\ninclude +glob \"./sites/*.vcl\";\ninclude \"missing.vcl\";\ninclude \"/usr/share/varnish/vcl/devicedetect.vcl\";\ninclude \"<%= @extra %>.vcl\";\nsub vcl_deliver {\n    include \"./conf/deliver.vcl\";\n}\n",
		"/etc/varnish/conf/cors.vcl":     "sub cors {\n    set resp.http.Access-Control-Allow-Origin = \"*\";\n}\n",
		"/etc/varnish/conf/backends.vcl": "backend default { .host = \"127.0.0.1\"; }\ninclude \"./loop.vcl\";\n",
		"/etc/varnish/conf/loop.vcl":     "include \"./backends.vcl\";\n",
		"/etc/varnish/conf/deliver.vcl":  "call cors;\n",
		"/etc/varnish/sites/a.vcl":       "sub site_a {}\n",
		"/etc/varnish/sites/b.vcl":       "sub site_b {}\n",
	}
	c := Parse("/etc/varnish/default.vcl", []byte(files["/etc/varnish/default.vcl"]), Options{
		Root: "/etc/varnish", FS: files.fs(),
	})
	checkSpans(t, c)
	var diags []string
	for _, d := range c.Diagnostics {
		diags = append(diags, fmt.Sprintf("%s:%d:%d %s %s note=%v", filepath.Base(d.Span.File), d.Span.Line, d.Span.Col, d.RuleID, d.Message, d.Note))
	}
	want := []string{
		"loop.vcl:1:1 CORS001 include cycle: conf/backends.vcl -> conf/loop.vcl -> conf/backends.vcl note=false",
		`default.vcl:5:9 CORS003 include "missing.vcl" matches no file note=false`,
		`default.vcl:6:9 CORS003 include "/usr/share/varnish/vcl/devicedetect.vcl" is outside the linted root; not read (use --allow-outside-root) note=true`,
	}
	if strings.Join(diags, "\n") != strings.Join(want, "\n") {
		t.Errorf("diagnostics\n got:\n%s\n want:\n%s", strings.Join(diags, "\n"), strings.Join(want, "\n"))
	}
	var subs []string
	for _, d := range c.Decls {
		if s, ok := d.(*Sub); ok {
			subs = append(subs, s.Name)
		}
	}
	if got := strings.Join(subs, " "); got != "cors site_a site_b vcl_deliver" {
		t.Errorf("subs: %s", got)
	}
	// The cycle's error sits on the include of the first file, reached
	// through the include chain.
	for _, d := range c.Diagnostics {
		if strings.Contains(d.Message, "cycle") && (d.Span.File != "/etc/varnish/conf/loop.vcl" || len(d.Span.Via) != 2) {
			t.Errorf("cycle reported at %s via %v", d.Span, d.Span.Via)
		}
	}
	// An include inside a subroutine splices its statements there.
	deliver := c.subs("vcl_deliver")[0]
	if len(deliver.Body.Stmts) != 1 {
		t.Fatalf("vcl_deliver has %d statements", len(deliver.Body.Stmts))
	}
	call := deliver.Body.Stmts[0].(*Call)
	if call.Span.File != "/etc/varnish/conf/deliver.vcl" || len(call.Span.Via) != 1 || call.Span.Via[0].Line != 9 {
		t.Errorf("spliced call at %s via %v", call.Span, call.Span.Via)
	}
	f := Lower(c)
	if len(f.Headers) != 1 || f.Headers[0].Span.File != "/etc/varnish/conf/cors.vcl" {
		t.Errorf("header statements: %v", f.Headers)
	}
	if _, ok := c.Sources["/etc/varnish/sites/b.vcl"]; !ok {
		t.Error("the glob's files are not among the sources")
	}
	// With --allow-outside-root the absolute include is looked up.
	c = Parse("/etc/varnish/default.vcl", []byte(files["/etc/varnish/default.vcl"]), Options{
		Root: "/etc/varnish", AllowOutsideRoot: true, FS: files.fs(),
	})
	for _, d := range c.Diagnostics {
		if strings.Contains(d.Message, "devicedetect") && (d.Note || !strings.Contains(d.Message, "matches no file")) {
			t.Errorf("outside root allowed: %s", d.Message)
		}
	}
}

func TestVTC(t *testing.T) {
	src, err := os.ReadFile(filepath.Join("testdata", "embedded.vtc"))
	if err != nil {
		t.Fatal(err)
	}
	c := Parse("embedded.vtc", src, Options{FS: noFiles()})
	if !c.Embedded || len(c.Diagnostics) != 0 {
		t.Fatalf("embedded=%v diagnostics=%v", c.Embedded, c.Diagnostics)
	}
	subs := c.subs("vcl_deliver")
	if len(subs) != 1 || subs[0].Span.Line != 9 || subs[0].Span.Col != 5 {
		t.Fatalf("the -vcl+backend body's sub, at its place in the .vtc: %v", subs)
	}
	// The -errvcl body is meant not to compile and is not read.
	if strings.Contains(dumpAST(c), "nonsense") {
		t.Error("-errvcl body was read")
	}
	none := Parse("plain.vtc", []byte("varnishtest \"x\"\nserver s1 { rxreq\n txresp } -start\n"), Options{})
	if none.Embedded || len(none.Decls) != 0 || len(none.Diagnostics) != 0 {
		t.Errorf("a .vtc without VCL: %+v", none)
	}
	if !IsVTC("tests/a.vtc.erb") || IsVTC("a.vcl") {
		t.Error("IsVTC")
	}
}

// worldReadableDir is a temporary directory varnishd can read after it
// drops root.
func worldReadableDir(t *testing.T) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "corslint-vcl-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestTooManyErrors(t *testing.T) {
	src := strings.Repeat("@", 1<<20)
	c := Parse("/x/noise.vcl", []byte(src), Options{FS: noFiles()})
	if n := len(c.Diagnostics); n != maxErrors+1 {
		t.Fatalf("%d diagnostics", n)
	}
	if last := c.Diagnostics[maxErrors]; last.Message != "too many syntax errors; the rest of the file is not read" || last.Span.Col != maxErrors+1 {
		t.Errorf("last: %s %s", last.Span, last.Message)
	}
}

// subs returns the subroutine definitions named name, in source order.
func (c *Config) subs(name string) []*Sub {
	var out []*Sub
	for _, d := range c.Decls {
		if s, ok := d.(*Sub); ok && s.Name == name {
			out = append(out, s)
		}
	}
	return out
}
