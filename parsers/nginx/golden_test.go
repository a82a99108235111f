package nginx

import (
	"testing"

	"github.com/corslint/corslint/internal/golden"
)

// testdataFiles lists the hand-written inputs; files in subdirectories are
// only reached through includes.
func testdataFiles(t *testing.T) []string {
	t.Helper()
	return golden.Inputs(t, "testdata/*")
}

// TestGolden parses each hand-written input and compares its tree,
// diagnostics and comments with testdata/golden/<input>.txt (-update
// rewrites).
func TestGolden(t *testing.T) {
	golden.Run(t, testdataFiles(t), func(t *testing.T, path string) string {
		c, err := parseFile(path, Options{})
		if err != nil {
			t.Fatal(err)
		}
		checkSpans(t, c)
		return golden.Doc{Path: path, Tree: dump(c.Directives), Diagnostics: c.Diagnostics, Comments: c.Comments}.String()
	})
}
