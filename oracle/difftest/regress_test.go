package difftest

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestRegressions replays every shrunk disagreement kept in
// testdata/regress against the prediction: a fixed one must no longer
// disagree (it agrees, or says why it cannot know), and one still marked
// Known must still disagree, so that fixing it shows.
func TestRegressions(t *testing.T) {
	paths, err := filepath.Glob(filepath.Join("testdata", "regress", "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) == 0 {
		t.Fatal("no regression cases in testdata/regress")
	}
	for _, p := range paths {
		t.Run(filepath.Base(p), func(t *testing.T) {
			g, err := LoadRegression(p)
			if err != nil {
				t.Fatal(err)
			}
			o, err := g.Replay()
			if err != nil {
				t.Fatal(err)
			}
			switch {
			case g.Known == "" && o.Kind == Disagree:
				t.Errorf("the prediction disagrees with %s again:\n%s\nprobe %s\n%s", g.Server, strings.Join(o.Diffs, "\n"), g.Probe, g.Config)
			case g.Known != "" && o.Kind != Disagree:
				t.Errorf("known disagreement (%s) is now %s: clear its known field", g.Known, o.Kind)
			}
			if miss := g.LintMiss(); miss != "" {
				t.Errorf("lint miss again: %s\n%s", miss, g.Config)
			}
		})
	}
}
