// Goldens: testdata/<input> is dumped to testdata/golden/<input>.txt; `go test ./parsers/apache -run TestGolden -update` rewrites them.

package apache

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/golden")

// TestGolden parses and lowers each hand-written input of
// testdata/ (files in subdirectories are reached through includes) and
// compares the tree, diagnostics, comments and responses with its golden.
func TestGolden(t *testing.T) {
	entries, err := os.ReadDir("testdata")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if !e.Type().IsRegular() {
			continue
		}
		path := filepath.Join("testdata", e.Name())
		t.Run(e.Name(), func(t *testing.T) {
			c := parseFile(t, path, Options{})
			checkSpans(t, c)
			var b strings.Builder
			b.WriteString(dump(c.Directives))
			b.WriteString("-- diagnostics --\n")
			b.WriteString(diags(c))
			b.WriteString("-- comments --\n")
			for _, cm := range c.Comments {
				fmt.Fprintf(&b, "%s-%d:%d %q\n", cm.Span, cm.Span.EndLine, cm.Span.EndCol, cm.Text)
			}
			f := Lower(c)
			b.WriteString("-- responses --\n")
			b.WriteString(dumpResponses(f))
			for _, d := range f.Diagnostics[len(c.Diagnostics):] {
				fmt.Fprintf(&b, "lowering: %s %s %s\n", d.Span, d.RuleID, d.Message)
			}
			got := strings.ReplaceAll(b.String(), "testdata/", "")
			golden := filepath.Join("testdata", "golden", e.Name()+".txt")
			if *update {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test ./parsers/apache -run TestGolden -update)", err)
			}
			if got != string(want) {
				t.Errorf("%s differs from the parse:\n%s", golden, got)
			}
		})
	}
}
