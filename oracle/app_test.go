//go:build oracle

package oracle

import (
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
