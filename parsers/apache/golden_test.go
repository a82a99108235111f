package apache

import (
	"testing"

	"github.com/corslint/corslint/internal/golden"
)

// TestGolden parses and lowers each hand-written input of testdata/
// (files in subdirectories are reached through includes) and compares
// its tree, diagnostics, comments and the header lines each response
// sends with testdata/golden/<input>.txt (-update rewrites).
func TestGolden(t *testing.T) {
	golden.Run(t, golden.Inputs(t, "testdata/*"), func(t *testing.T, path string) string {
		c := parseFile(t, path, Options{})
		checkSpans(t, c)
		f := Lower(c)
		return golden.Doc{
			Path: path, Tree: dump(c.Directives), Diagnostics: f.Diagnostics, Comments: c.Comments,
			Extra: []golden.Section{{Name: "responses", Body: dumpResponses(f)}},
		}.String()
	})
}
