// Goldens: testdata/<input> is dumped to testdata/golden/<input>.txt; `go test ./parsers/nginx -run TestGolden -update` rewrites them.

package nginx

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/golden")

const testdataDir = "testdata"

// testdataFiles lists the hand-written inputs; files in subdirectories are
// only reached through includes.
func testdataFiles(t *testing.T) []string {
	t.Helper()
	entries, err := os.ReadDir(testdataDir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		if e.Type().IsRegular() {
			out = append(out, filepath.Join(testdataDir, e.Name()))
		}
	}
	return out
}

// render is the golden form of a parse: tree with spans, diagnostics and
// comments.
func render(c *Config) string {
	var b strings.Builder
	b.WriteString(dump(c.Directives))
	b.WriteString("-- diagnostics --\n")
	b.WriteString(diags(c))
	b.WriteString("-- comments --\n")
	for _, cm := range c.Comments {
		fmt.Fprintf(&b, "%s-%d:%d trailing=%v %q\n", cm.Span, cm.Span.EndLine, cm.Span.EndCol, cm.Trailing, cm.Text)
	}
	return strings.ReplaceAll(b.String(), filepath.ToSlash(testdataDir)+"/", "")
}

func TestGolden(t *testing.T) {
	for _, path := range testdataFiles(t) {
		t.Run(filepath.Base(path), func(t *testing.T) {
			c, err := ParseFile(path, Options{})
			if err != nil {
				t.Fatal(err)
			}
			checkSpans(t, c)
			got := render(c)
			golden := filepath.Join(testdataDir, "golden", filepath.Base(path)+".txt")
			if *update {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test ./parsers/nginx -run TestGolden -update)", err)
			}
			if got != string(want) {
				t.Errorf("%s differs from the parse:\n%s", golden, got)
			}
		})
	}
}
