package vcl

import (
	"fmt"
	"os"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/corslint/corslint/internal/golden"
)

// TestGolden parses and lowers each hand-written input (the valid ones,
// which varnishd compiles, and those exercising errors, templates,
// varnishtest, Fastly, CRLF and a BOM) and compares its tree,
// diagnostics, comments and model with testdata/golden/<input>.txt
// (-update rewrites).
func TestGolden(t *testing.T) {
	golden.Run(t, golden.Inputs(t, "testdata/*", "testdata/valid/*.vcl"), func(t *testing.T, path string) string {
		src, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		c := Parse(path, src, Options{})
		checkSpans(t, c)
		f := Lower(c)
		return golden.Doc{Path: path, Tree: dumpAST(c), Diagnostics: f.Diagnostics, Comments: f.Comments, Model: f}.String()
	})
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
