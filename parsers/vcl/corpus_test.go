package vcl

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

const corpusDir = "../../../shared/corpus/varnish"

// corpusErrors is every syntax error the shared corpus holds: the
// Wikimedia template has a stray ")" in a branch its configuration
// disables. Everything else, Fastly's VCL and templates included, reads
// cleanly.
var corpusErrors = map[string]string{
	"wikimedia__operations-puppet__modules__varnish__templates__wikimedia-frontend.vcl.erb": `151:33 expected "{", found ")"`,
}

// TestCorpus reads every file of the shared corpus: no panic, spans in
// range, exactly the known syntax errors, and lowering without panic.
func TestCorpus(t *testing.T) {
	entries, err := os.ReadDir(corpusDir)
	if err != nil {
		t.Skipf("no corpus: %v", err)
	}
	n := 0
	for _, e := range entries {
		if !e.Type().IsRegular() {
			continue
		}
		n++
		path := filepath.Join(corpusDir, e.Name())
		t.Run(e.Name(), func(t *testing.T) {
			src, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			c := Parse(path, src, Options{})
			checkSpans(t, c)
			got := ""
			for _, d := range c.Diagnostics {
				if d.RuleID == "CORS001" {
					got = fmt.Sprintf("%d:%d %s", d.Span.Line, d.Span.Col, d.Message)
					break
				}
			}
			if got != corpusErrors[e.Name()] {
				t.Errorf("first syntax error %q, want %q", got, corpusErrors[e.Name()])
			}
			Lower(c)
		})
	}
	if n == 0 {
		t.Skip("empty corpus")
	}
}
