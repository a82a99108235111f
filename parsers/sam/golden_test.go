package sam

import (
	"os"
	"testing"

	"github.com/corslint/corslint/internal/golden"
)

// TestGolden lowers each template of testdata/ and compares its
// diagnostics, comments and model with testdata/golden/<input>.txt
// (-update rewrites).
func TestGolden(t *testing.T) {
	golden.Run(t, golden.Inputs(t, "testdata/*"), func(t *testing.T, path string) string {
		src, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		tpl := Parse(path, src, Options{Root: "testdata"})
		if tpl == nil {
			t.Fatal("not recognised as a template")
		}
		f := Lower(tpl)
		golden.CheckSpans(t, f, src)
		return golden.Doc{Path: path, Diagnostics: f.Diagnostics, Comments: f.Comments, Model: f}.String()
	})
}
