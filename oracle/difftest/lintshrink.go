//go:build oracle

package difftest

// ShrinkLint reduces probe pi of c to a minimal case on which the real
// server still shows property prop and no finding claims it, as Shrink
// does for a disagreement. ok is false when the probe alone does not
// keep the miss (a property shown by several probes together).
func (r *Runner) ShrinkLint(c *Case, pi int, prop Property) (min Result, ok bool) {
	misses := func(res Result) bool {
		if res.Err != nil {
			return false
		}
		shown := ShownProperties(res.Case, []Result{res})
		for _, s := range LintMisses(shown, IDs(Findings(res.Case.Model(replayEnv)))) {
			if s.Prop.Name == prop.Name {
				return true
			}
		}
		return false
	}
	cur := c.Single(pi)
	for _, res := range r.batch(cur.Server, []*Case{cur}, 0) {
		min, ok = res, misses(res)
	}
	if !ok {
		return min, false
	}
	next := namer(c.Name)
	for round := 0; round < maxShrinkRounds; round++ {
		var found *Result
		for _, res := range r.batch(cur.Server, Candidates(cur, next), 0) {
			if !misses(res) {
				continue
			}
			if found == nil || res.Case.Size() < found.Case.Size() {
				res := res
				found = &res
			}
		}
		if found == nil {
			break
		}
		cur, min = found.Case, *found
	}
	return min, true
}
