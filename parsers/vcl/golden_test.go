// Goldens: testdata/<input> is dumped to testdata/golden/<input>.txt; `go test ./parsers/vcl -run TestGolden -update` rewrites them.

package vcl

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/golden")

// goldenInputs are the hand-written inputs: the valid ones (which varnishd
// compiles) and the ones that exercise errors, templates, varnishtest,
// Fastly, CRLF and a BOM.
func goldenInputs(t *testing.T) []string {
	t.Helper()
	var out []string
	for _, pattern := range []string{"testdata/*.*", "testdata/valid/*.vcl"} {
		m, err := filepath.Glob(pattern)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, m...)
	}
	if len(out) == 0 {
		t.Fatal("no inputs")
	}
	return out
}

// render is the golden form of a file: its tree with spans, diagnostics,
// comments and the lowered model.
func render(c *Config) string {
	var b strings.Builder
	b.WriteString(dumpAST(c))
	b.WriteString("-- diagnostics --\n")
	for _, d := range c.Diagnostics {
		fmt.Fprintf(&b, "%d:%d-%d:%d %s %s\n", d.Span.Line, d.Span.Col, d.Span.EndLine, d.Span.EndCol, d.RuleID, d.Message)
	}
	b.WriteString("-- comments --\n")
	for _, cm := range c.Comments {
		fmt.Fprintf(&b, "%s:%d:%d-%d:%d trailing=%v %q\n", filepath.Base(cm.Span.File), cm.Span.Line, cm.Span.Col, cm.Span.EndLine, cm.Span.EndCol, cm.Trailing, cm.Text)
	}
	b.WriteString("-- model --\n")
	b.WriteString(dumpModel(Lower(c)))
	return b.String()
}

func TestGolden(t *testing.T) {
	for _, path := range goldenInputs(t) {
		t.Run(filepath.Base(path), func(t *testing.T) {
			src, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			c := Parse(path, src, Options{})
			checkSpans(t, c)
			got := render(c)
			golden := filepath.Join("testdata", "golden", filepath.Base(path)+".txt")
			if *update {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test ./parsers/vcl -run TestGolden -update)", err)
			}
			if got != string(want) {
				t.Errorf("%s differs from %s; run with -update and review the diff\n%s", path, golden, firstDiff(string(want), got))
			}
		})
	}
}

func firstDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < len(w) || i < len(g); i++ {
		var a, b string
		if i < len(w) {
			a = w[i]
		}
		if i < len(g) {
			b = g[i]
		}
		if a != b {
			return fmt.Sprintf("line %d:\n want %q\n got  %q", i+1, a, b)
		}
	}
	return ""
}

// checkSpans asserts that every diagnostic and comment points inside the
// file it names, with the end after the start.
func checkSpans(t *testing.T, c *Config) {
	t.Helper()
	lines := map[string][]string{}
	for p, src := range c.Sources {
		lines[p] = strings.Split(string(src), "\n")
	}
	check := func(what string, file string, line, col, eLine, eCol int) {
		ls, ok := lines[file]
		if !ok {
			t.Errorf("%s: %s:%d:%d names a file that was not read", what, file, line, col)
			return
		}
		if line < 1 || line > len(ls) || col < 1 || col > len(ls[line-1])+1 {
			t.Errorf("%s: %s:%d:%d is outside the file", what, file, line, col)
		}
		if eLine < line || eLine == line && eCol < col {
			t.Errorf("%s: %s:%d:%d ends before it starts (%d:%d)", what, file, line, col, eLine, eCol)
		}
		if eLine <= len(ls) && eLine >= 1 && eCol > len(ls[eLine-1])+1 {
			t.Errorf("%s: %s:%d:%d ends outside its line (%d:%d)", what, file, line, col, eLine, eCol)
		}
	}
	for _, d := range c.Diagnostics {
		check("diagnostic "+d.Message, d.Span.File, d.Span.Line, d.Span.Col, d.Span.EndLine, d.Span.EndCol)
		if !utf8.ValidString(d.Message) {
			t.Errorf("diagnostic message is not UTF-8: %q", d.Message)
		}
	}
	for _, cm := range c.Comments {
		check("comment", cm.Span.File, cm.Span.Line, cm.Span.Col, cm.Span.EndLine, cm.Span.EndCol)
	}
	for _, d := range c.Decls {
		s := d.Pos()
		check(fmt.Sprintf("%T", d), s.File, s.Line, s.Col, s.EndLine, s.EndCol)
	}
}
