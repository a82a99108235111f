//go:build oracle

package difftest

import (
	"fmt"
	"os"
	"slices"
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
// mode of scripts/difftest-long; DIFFTEST_SERVERS (comma-separated) runs
// only the servers it names. A lint property miss fails the test unless
// DIFFTEST_STRICT=0; DIFFTEST_LINTSHRINK=N shrinks N misses per server
// and property, DIFFTEST_LINTEXAMPLES=N prints N unconfirmed findings.
func TestDifferential(t *testing.T) {
	seed := envInt("DIFFTEST_SEED", 20261205)
	scale := envInt("DIFFTEST_SCALE", 1)
	r := NewRunner(t)
	r.BrowserPerBatch = int(envInt("DIFFTEST_BROWSER", 4))
	plan := []struct {
		server       string
		cases, batch int
	}{
		{Nginx, 100, 50},
		{Apache, 80, 40},
		{Varnish, 90, 30},
	}
	stats := NewStats()
	lint := newLintTally()
	var disagreements []Result
	start := time.Now()
	only := os.Getenv("DIFFTEST_SERVERS") // e.g. "nginx,varnish"; empty means all
	ran := 0
	for _, p := range plan {
		if only != "" && !strings.Contains(","+only+",", ","+p.server+",") {
			continue
		}
		ran++
		cases := Generate(p.server, seed, int(int64(p.cases)*scale))
		for _, c := range cases {
			lint.targeted += TargetFindings(c)
		}
		for lo := 0; lo < len(cases); lo += p.batch {
			hi := min(lo+p.batch, len(cases))
			results := r.Batch(p.server, cases[lo:hi])
			lint.add(results)
			for _, res := range results {
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
	t.Logf("lint against reality:\n%s", lint)
	t.Log(browserTally(r.BrowserChecks))
	for _, b := range r.BrowserChecks {
		if !b.Agrees() {
			t.Errorf("chromium disagrees with the predicted verdict: %s", b)
		} else if testing.Verbose() {
			t.Logf("  %s", b)
		}
	}
	// Every property the servers showed has its finding or a reason no
	// rule can see it, and no finding claims what check predicted and the
	// server did not show; DIFFTEST_STRICT=0 only reports them (the long
	// mode on a new seed, to collect them all).
	if os.Getenv("DIFFTEST_STRICT") != "0" {
		known := map[string]string{}
		if seed == 20261205 && scale == 1 {
			known = knownLintMisses
		}
		unknown := 0
		for _, k := range lint.missKeys {
			if _, ok := known[k]; ok {
				t.Logf("known lint miss %s (%s)", k, known[k])
				continue
			}
			unknown++
		}
		if unknown > 0 {
			t.Errorf("%d properties the servers showed have no finding", unknown)
		}
		if ran == len(plan) {
			for k, why := range known {
				if !slices.Contains(lint.missKeys, k) {
					t.Errorf("the finding is there now; remove %q from knownLintMisses (%s)", k, why)
				}
			}
		}
		if lint.contradicted > 0 {
			t.Errorf("%d findings check predicts for a probe, which the server did not show", lint.contradicted)
		}
	}
	total := stats.Total()
	if ran == len(plan) && total.Total() < 3000*int(scale) {
		t.Errorf("only %d probes ran", total.Total())
	}
	if seed == 20261205 && scale == 1 {
		for srv, tally := range stats.Server {
			ratchet(t, srv, *tally)
		}
	}
	shrinkSome(t, r, disagreements)
	shrinkLint(t, r, lint.missAt)
}

// shrinkLint shrinks a few lint misses per server and property
// (DIFFTEST_LINTSHRINK, none unless set) and logs them.
func shrinkLint(t *testing.T, r *Runner, ms []lintMiss) {
	limit := int(envInt("DIFFTEST_LINTSHRINK", 0))
	done := map[string]int{}
	for _, m := range ms {
		k := m.c.Server + " " + m.prop.Name
		if done[k] >= limit {
			continue
		}
		done[k]++
		min, ok := r.ShrinkLint(m.c, m.pi, m.prop)
		if !ok {
			t.Logf("lint miss %s %s probe %d (%s) does not hold on the probe alone", m.c.Server, m.c.Name, m.pi, m.prop.Name)
			continue
		}
		t.Logf("lint miss %s %s probe %d shrunk to %d nodes: %s\n%s\npreflight %s\nactual %s\n%s", m.c.Server, m.c.Name, m.pi, count(min.Case.Top), m.prop.Name,
			min.Case.Probes[0], min.Obs.Preflight, min.Obs.Actual, min.Case.Text())
		if dir := os.Getenv("DIFFTEST_SAVE"); dir != "" {
			g := NewRegression(min)
			g.Lint = m.prop.Name
			path, err := g.Save(dir)
			if err != nil {
				t.Error(err)
			}
			t.Logf("saved %s", path)
		}
	}
}

// ratchets are the most disagreement and undecidable answers each server
// may show on the CI batch (seed 20261205): just above the latest figures,
// not the goal (at least 99.5% agreement, at most 3% undecidable). They
// catch a change that makes predictions wrong or gives up on them; lower
// them as fixes land.
var ratchets = map[string]struct{ disagree, undecidable float64 }{
	Nginx:   {0.005, 0.01}, // 0% and 0%
	Apache:  {0.005, 0.01}, // 0% and 0%
	Varnish: {0.005, 0.01}, // 0% and 0%
}

func ratchet(t *testing.T, server string, tally Tally) {
	t.Helper()
	lim, ok := ratchets[server]
	if !ok || tally.Total() == 0 {
		return
	}
	n := float64(tally.Total())
	if rate := float64(tally[Disagree]) / n; rate > lim.disagree {
		t.Errorf("%s: %.2f%% of the predictions disagree with the server, more than %.1f%%", server, 100*rate, 100*lim.disagree)
	}
	if rate := float64(tally[Undecidable]) / n; rate > lim.undecidable {
		t.Errorf("%s: %.2f%% of the predictions are undecidable, more than %.1f%%", server, 100*rate, 100*lim.undecidable)
	}
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

// lintTally counts, over a run, the properties the servers showed, those
// no finding claims, those no rule can see (and why), and findings no
// probe confirmed: counted when check predicted the property for a probe
// and the server did not show it, listed apart when no probe gets the
// answer the finding describes.
type lintTally struct {
	shown, misses map[string]int
	unseen        map[string]int // "server property: why"
	unconfirmed   map[string]int
	unprobed      map[string]int
	disagreed     map[string]int
	missed        int
	contradicted  int
	targeted      int // probes added to reach a finding (TargetFindings)
	examples      []string
	// missAt are the probes that showed a property no finding claims,
	// for ShrinkLint.
	missAt []lintMiss
	// missKeys name each miss as "server case: property".
	missKeys []string
}

// knownLintMisses are the CI batch's properties that no finding claims
// yet, with what the rules lack. A listed miss whose finding appears fails
// the batch, so the list only shrinks; an unlisted miss fails it too.
var knownLintMisses = map[string]string{}

type lintMiss struct {
	c    *Case
	pi   int
	prop Property
}

func newLintTally() *lintTally {
	return &lintTally{shown: map[string]int{}, misses: map[string]int{}, unseen: map[string]int{}, unconfirmed: map[string]int{}, unprobed: map[string]int{}, disagreed: map[string]int{}}
}

func (l *lintTally) add(results []Result) {
	byCase := map[*Case][]Result{}
	var order []*Case
	for _, r := range results {
		if byCase[r.Case] == nil {
			order = append(order, r.Case)
		}
		byCase[r.Case] = append(byCase[r.Case], r)
	}
	for _, c := range order {
		shown := ShownProperties(c, byCase[c])
		found := Findings(c.Model(replayEnv))
		ids := IDs(found)
		for _, s := range shown {
			l.shown[c.Server+" "+s.Prop.Name]++
			if s.Unseen != "" && !claimed(s.Prop, ids) {
				why, _, _ := strings.Cut(s.Unseen, ":")
				l.unseen[c.Server+" "+s.Prop.Name+": "+why]++
			}
		}
		for _, s := range LintMisses(shown, ids) {
			l.misses[c.Server+" "+s.Prop.Name]++
			l.missed++
			l.missKeys = append(l.missKeys, c.Server+" "+c.Name+": "+s.Prop.Name)
			for pi, p := range c.Probes {
				if p.String() == s.Probe {
					l.missAt = append(l.missAt, lintMiss{c, pi, s.Prop})
					break
				}
			}
			if l.misses[c.Server+" "+s.Prop.Name] <= 3 {
				// The first cases of each kind, with their configuration.
				l.examples = append(l.examples, fmt.Sprintf("%s %s: %s, shown by %s, no %v finding\n%s", c.Server, c.Name, s.Prop.Name, s.Probe, s.Prop.Rules, c.Text()))
			}
		}
		seen := map[string]bool{}
		for _, u := range LintUnshown(c, byCase[c], shown, found) {
			k := c.Server + " " + u.RuleID
			kind := "unprobed"
			switch {
			case u.Probed:
				kind = "probed"
			case u.Disagreed:
				kind = "disagreed"
			}
			if seen[k+kind] {
				continue
			}
			seen[k+kind] = true
			switch kind {
			case "probed":
				l.unconfirmed[k]++
				l.contradicted++
			case "disagreed":
				l.disagreed[k]++
			default:
				l.unprobed[k]++
			}
			if l.unprobed[k]+l.unconfirmed[k] <= int(envInt("DIFFTEST_LINTEXAMPLES", 0)) && kind != "disagreed" {
				l.examples = append(l.examples, fmt.Sprintf("%s %s: %s %s finding %s: %s\n%s", c.Server, c.Name, kind, u.RuleID, u.Finding.Span, u.Finding.Message, c.Text()))
			}
		}
	}
}

// claimed reports whether a finding among ids claims property p.
func claimed(p Property, ids map[string]bool) bool {
	for _, r := range p.Rules {
		if ids[r] {
			return true
		}
	}
	return false
}

func (l *lintTally) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "  %d probes added to reach CORS201 and CORS501 findings\n", l.targeted)
	for _, k := range sortedKeys(l.shown) {
		fmt.Fprintf(&b, "  %-80s shown in %4d cases, no finding in %4d\n", k, l.shown[k], l.misses[k])
	}
	for _, k := range sortedKeys(l.unseen) {
		fmt.Fprintf(&b, "  %-80s no rule can see it in %4d cases\n", k, l.unseen[k])
	}
	for _, k := range sortedKeys(l.unconfirmed) {
		fmt.Fprintf(&b, "  %-80s finding check predicts for a probe the server contradicted: %d cases\n", k, l.unconfirmed[k])
	}
	for _, k := range sortedKeys(l.disagreed) {
		fmt.Fprintf(&b, "  %-80s finding check predicts only for probes it disagrees on (counted as disagreements): %d cases\n", k, l.disagreed[k])
	}
	for _, k := range sortedKeys(l.unprobed) {
		fmt.Fprintf(&b, "  %-80s finding no probe could confirm (no probe gets the answer it describes): %d cases\n", k, l.unprobed[k])
	}
	for _, e := range l.examples {
		fmt.Fprintf(&b, "  e.g. %s\n", e)
	}
	return b.String()
}
