//go:build oracle

package oracle

import (
	"strings"
	"testing"
)

// TestAppFacts runs every application scenario (Express with cors, Workers
// in workerd) against the real runtime and Chromium and fails on any
// difference from the recorded facts.
func TestAppFacts(t *testing.T) {
	RequireTools(t, "node", "chromium")
	RequireNodeModules(t)
	for _, s := range AppScenarios() {
		t.Run(s.Name, func(t *testing.T) {
			t.Parallel()
			obs, v := run(t, s)
			if diffs := s.Check(obs, v); len(diffs) > 0 {
				t.Errorf("%s (%s)", s.Name, s.Source)
				for _, d := range diffs {
					t.Errorf("  %s", d)
				}
				t.Errorf("expected: %s", s.Expect.Describe(v))
				t.Errorf("observed: %s", obs.Describe())
			}
		})
	}
}

// TestAppProbes sends each plain-HTTP probe to its application and fails
// on any difference from the recorded answer.
func TestAppProbes(t *testing.T) {
	RequireTools(t, "node")
	RequireNodeModules(t)
	for _, p := range AppProbes() {
		t.Run(p.Name, func(t *testing.T) {
			t.Parallel()
			got := RunProbe(t, p)
			if diffs := CheckProbe(p, got); len(diffs) > 0 {
				t.Errorf("%s (%s)\n%s\ngot: %s", p.Name, p.Source, strings.Join(diffs, "\n"), got.String())
			}
		})
	}
}
