//go:build oracle

package oracle

import (
	"sync/atomic"
	"testing"
	"time"
)

// TestOracleFacts runs every measured case against the real servers and
// Chromium and fails on any difference from oracle-facts.md.
func TestOracleFacts(t *testing.T) {
	RequireTools(t, "nginx", "apache2", "varnishd", "chromium")
	scenarios := Scenarios()
	start := time.Now()
	var ran atomic.Int32
	// Subtests are parallel, so the parent's cleanup is the first point
	// where all of them have finished.
	t.Cleanup(func() {
		t.Logf("%d of %d scenarios run in %s", ran.Load(), len(scenarios), time.Since(start).Round(time.Millisecond))
	})
	for _, s := range scenarios {
		t.Run(s.Name, func(t *testing.T) {
			// Each scenario has its own ports and temp dir; -parallel (by
			// default GOMAXPROCS) bounds how many browsers run at once.
			t.Parallel()
			ran.Add(1)
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
