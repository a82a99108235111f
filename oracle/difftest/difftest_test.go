//go:build oracle

package difftest

import (
	"os"
	"strconv"
	"strings"
	"testing"
	"time"
)

// envInt reads a number from the environment, for the long mode.
func envInt(name string, def int64) int64 {
	if v, err := strconv.ParseInt(os.Getenv(name), 10, 64); err == nil {
		return v
	}
	return def
}

// TestDifferential is the CI batch: a fixed seed, at least 3,000 probes
// across nginx, Apache httpd and Varnish. DIFFTEST_SEED and
// DIFFTEST_SCALE (a multiplier on the number of cases) make it the long
// mode of scripts/difftest-long.
func TestDifferential(t *testing.T) {
	seed := envInt("DIFFTEST_SEED", 20261205)
	scale := envInt("DIFFTEST_SCALE", 1)
	r := NewRunner(t)
	plan := []struct {
		server       string
		cases, batch int
	}{
		{Nginx, 100, 50},
		{Apache, 80, 40},
		{Varnish, 90, 30},
	}
	stats := NewStats()
	var disagreements []Result
	start := time.Now()
	for _, p := range plan {
		cases := Generate(p.server, seed, int(int64(p.cases)*scale))
		for lo := 0; lo < len(cases); lo += p.batch {
			hi := min(lo+p.batch, len(cases))
			for _, res := range r.Batch(p.server, cases[lo:hi]) {
				if res.Err != nil {
					t.Errorf("%s %s probe %d: %v", p.server, res.Case.Name, res.Probe, res.Err)
					continue
				}
				pr := res.Case.Probes[res.Probe]
				stats.Add(res.Case, pr, res.Outcome)
				if res.Outcome.Kind == Disagree {
					disagreements = append(disagreements, res)
				}
			}
		}
	}
	var b strings.Builder
	stats.Print(&b)
	t.Logf("seed %d, %s\n%s", seed, time.Since(start).Round(time.Second), b.String())
	total := stats.Total()
	if total.Total() < 3000*int(scale) {
		t.Errorf("only %d probes ran", total.Total())
	}
	shrinkSome(t, r, disagreements)
}

// shrinkSome shrinks a few disagreements per server and logs them; with
// DIFFTEST_SAVE set it saves them there as regression cases.
func shrinkSome(t *testing.T, r *Runner, ds []Result) {
	limit := int(envInt("DIFFTEST_SHRINK", 3))
	done := map[string]int{}
	seen := map[string]bool{}
	for _, d := range ds {
		if done[d.Case.Server] >= limit {
			continue
		}
		done[d.Case.Server]++
		min := r.Shrink(d.Case, d.Probe)
		key := min.Case.Text() + min.Case.Probes[0].String()
		if seen[key] {
			continue
		}
		seen[key] = true
		t.Logf("shrunk %s %s probe %d to %d nodes: %s\n%s\n%s", d.Case.Server, d.Case.Name, d.Probe, count(min.Case.Top),
			min.Case.Probes[0], strings.Join(min.Outcome.Diffs, "\n"), min.Case.Text())
		if dir := os.Getenv("DIFFTEST_SAVE"); dir != "" {
			path, err := NewRegression(min).Save(dir)
			if err != nil {
				t.Error(err)
			}
			t.Logf("saved %s", path)
		}
	}
}
