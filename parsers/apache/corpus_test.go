package apache

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/corslint/corslint/model"
	"github.com/corslint/corslint/rules"
)

// corpusDir holds real-world Apache configurations (httpd.conf, vhosts,
// .htaccess, ERB templates), shared by the project.
const corpusDir = "../../../shared/corpus/apache"

// TestCorpus reads every corpus file through the parser, the lowering and
// every rule: none may panic, and none is a parse error (they all run on
// real servers; templates are read as text).
func TestCorpus(t *testing.T) {
	entries, err := os.ReadDir(corpusDir)
	if err != nil {
		t.Skipf("no corpus: %v", err)
	}
	for _, e := range entries {
		if !e.Type().IsRegular() {
			continue
		}
		path := filepath.Join(corpusDir, e.Name())
		t.Run(e.Name(), func(t *testing.T) {
			c := parseFile(t, path, Options{Root: corpusDir})
			checkSpans(t, c)
			f := Lower(c)
			for _, d := range f.Diagnostics {
				if d.RuleID == "CORS001" {
					t.Errorf("%s: %s", d.Span, d.Message)
				}
			}
			fs := rules.Run(f, []*model.File{f}, rules.All(), &rules.Options{})
			t.Logf("%d responses, %d findings", len(f.Responses), len(fs))
		})
	}
}
