// Goldens: testdata/<input> is dumped to testdata/golden/<input>.txt; `go test ./parsers/js -run TestGolden -update` rewrites them.

package js

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/corslint/corslint/model"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/golden")

// render is the golden form of a file: diagnostics, comments and the
// lowered model.
func render(f *model.File) string {
	var b strings.Builder
	b.WriteString("-- diagnostics --\n")
	for _, d := range f.Diagnostics {
		fmt.Fprintf(&b, "%d:%d-%d:%d %s note=%v %s\n", d.Span.Line, d.Span.Col, d.Span.EndLine, d.Span.EndCol, d.RuleID, d.Note, d.Message)
	}
	b.WriteString("-- comments --\n")
	for _, cm := range f.Comments {
		fmt.Fprintf(&b, "%d:%d-%d:%d trailing=%v %q\n", cm.Span.Line, cm.Span.Col, cm.Span.EndLine, cm.Span.EndCol, cm.Trailing, cm.Text)
	}
	b.WriteString("-- model --\n")
	b.WriteString(dumpModel(f))
	return b.String()
}

func TestGolden(t *testing.T) {
	if available != "" {
		t.Skip(available)
	}
	paths, err := filepath.Glob(filepath.Join("testdata", "*.*"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no inputs: %v", err)
	}
	for _, path := range paths {
		t.Run(filepath.Base(path), func(t *testing.T) {
			src, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			f := Lower(Parse(path, src))
			checkSpans(t, f, src)
			got := render(f)
			golden := filepath.Join("testdata", "golden", filepath.Base(path)+".txt")
			if *update {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test ./parsers/js -run TestGolden -update)", err)
			}
			if got != string(want) {
				t.Errorf("%s differs from %s; run with -update and review the diff:\n%s", path, golden, got)
			}
		})
	}
}

// checkSpans asserts that everything the model points at lies inside the
// file, with the end after the start.
func checkSpans(t *testing.T, f *model.File, src []byte) {
	t.Helper()
	lines := strings.Split(string(src), "\n")
	check := func(what string, s model.Span) {
		if s.File != f.Path {
			t.Errorf("%s: names %q, not the file", what, s.File)
			return
		}
		if s.Line < 1 || s.Line > len(lines) || s.Col < 1 || s.Col > len(lines[s.Line-1])+1 {
			t.Errorf("%s: %d:%d is outside the file", what, s.Line, s.Col)
		}
		if s.EndLine < s.Line || s.EndLine == s.Line && s.EndCol < s.Col {
			t.Errorf("%s: %d:%d ends before it starts (%d:%d)", what, s.Line, s.Col, s.EndLine, s.EndCol)
		}
	}
	for _, s := range f.Scopes {
		check("scope "+s.Kind, s.Span)
	}
	for _, op := range f.Headers {
		check("header "+op.Name, op.Span)
	}
	for _, m := range f.Matchers {
		check("matcher "+m.Pattern, m.Span)
	}
	for _, d := range f.Diagnostics {
		check("diagnostic "+d.Message, d.Span)
	}
}
