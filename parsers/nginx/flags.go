package nginx

import (
	"slices"
	"strings"

	"github.com/dlclark/regexp2"

	"github.com/corslint/corslint/model"
)

// maxFlagTests bounds the tests a flag may depend on: every combination
// of them is tried.
const maxFlagTests = 4

// flagStep is one set of a flag variable in a location's rewrite phase,
// under the if that guards it (nil: unconditional).
type flagStep struct {
	cond  *model.Condition
	value string
}

// flagCondition decides if ($flag = "value") where the flag is built by
// the sets before it in the same location, each unconditional or inside
// an if on the Origin or the method:
//
//	set $cors "";
//	if ($http_origin ~* ^https://app\.) { set $cors "o"; }
//	if ($request_method = OPTIONS) { set $cors "${cors}p"; }
//	if ($cors = "op") { ... }
//
// The rewrite phase runs them in order, so the test holds exactly for the
// combinations of those tests that build the value; when that set is one
// conjunction of them, it becomes c's tests, chained by And. It reports
// whether it decided c.
func (l *lowerer) flagCondition(c *model.Condition, d *Directive, name, op, operand string) bool {
	parents := l.ifParents[d]
	if len(parents) == 0 || parents[len(parents)-1].Name != "location" {
		return false
	}
	loc := parents[len(parents)-1]
	steps, ok := l.flagSteps(loc, d, name)
	if !ok || len(steps) == 0 {
		return false
	}
	var tests []*model.Condition
	index := map[*model.Condition]int{}
	for _, s := range steps {
		if s.cond == nil {
			continue
		}
		if _, seen := index[s.cond]; !seen {
			index[s.cond] = len(tests)
			tests = append(tests, s.cond)
		}
	}
	if len(tests) == 0 || len(tests) > maxFlagTests {
		return false
	}
	// which combinations of the tests (bit i: test i holds) pass d's test
	var passing []int
	for combo := 0; combo < 1<<len(tests); combo++ {
		v := ""
		for _, s := range steps {
			if s.cond != nil && combo&(1<<index[s.cond]) == 0 {
				continue
			}
			v = expandSelf(s.value, name, v)
		}
		if flagTest(op, v, operand) {
			passing = append(passing, combo)
		}
	}
	lits, ok := conjunction(passing, len(tests))
	if !ok {
		return false
	}
	var chain *model.Condition
	for i := len(tests) - 1; i >= 0; i-- {
		if lits[i] == 0 {
			continue
		}
		t := *tests[i]
		t.Negated = t.Negated != (lits[i] < 0)
		t.And = chain
		chain = &t
	}
	if chain == nil {
		return false
	}
	c.Origin, c.Methods, c.Negated, c.And = chain.Origin, chain.Methods, chain.Negated, chain.And
	if c.Origin != nil && !c.Negated {
		l.condGuards[c] = []*model.Matcher{c.Origin}
	}
	return true
}

// flagSteps lists the sets of $name in loc's rewrite phase before d, in
// order; false when one is anywhere else, reads another variable, or sits
// under a test the model cannot decide.
func (l *lowerer) flagSteps(loc, d *Directive, name string) ([]flagStep, bool) {
	var steps []flagStep
	isSet := func(x *Directive) bool {
		return x.Name == "set" && len(x.Args) >= 2 && strings.TrimPrefix(x.Args[0].Value, "$") == name
	}
	mine := map[*Directive]bool{}
	for _, x := range loc.Block {
		if x == d {
			break
		}
		switch {
		case isSet(x):
			steps = append(steps, flagStep{value: x.Arg(1)})
			mine[x] = true
		case x.Name == "if" && x.IsBlock:
			for _, y := range x.Block {
				if !isSet(y) {
					continue
				}
				if name, ok := soleVariable(x.Arg(0)); ok && l.mapAlways(name, x.Arg(1), x.Arg(2)) {
					steps = append(steps, flagStep{value: y.Arg(1)}) // if ($cors != "") on a map with a default
					mine[y] = true
					continue
				}
				c := l.conditionOf(x)
				if c.And != nil || c.Methods == nil && (c.Origin == nil || c.Origin.Dynamic) {
					return nil, false
				}
				steps = append(steps, flagStep{cond: c, value: y.Arg(1)})
				mine[y] = true
			}
		}
	}
	// A set elsewhere must be in another location, whose rewrite phase
	// does not run for this one; in the server, an enclosing location or
	// after d it could give the flag another value here.
	for _, sd := range l.sets[name] {
		if !mine[sd.d] && !l.elsewhere(sd, d) {
			return nil, false
		}
	}
	for _, s := range steps {
		if hasVariable(strings.NewReplacer("${"+name+"}", "", "$"+name, "").Replace(s.value)) {
			return nil, false
		}
	}
	return steps, true
}

// expandSelf is value with $name and ${name} replaced by cur.
func expandSelf(value, name, cur string) string {
	return strings.NewReplacer("${"+name+"}", cur, "$"+name, cur).Replace(value)
}

// flagTest is an if's test of a variable against a string: =, != or, with
// no operator, true unless empty or "0".
func flagTest(op, v, operand string) bool {
	switch op {
	case "=":
		return v == operand
	case "!=":
		return v != operand
	}
	return v != "" && v != "0"
}

// conjunction reports whether the combinations passing (bit i: test i
// holds) are exactly those of one conjunction of n tests, and which: +1
// the test must hold, -1 it must not, 0 either.
func conjunction(passing []int, n int) ([]int, bool) {
	if len(passing) == 0 || len(passing) == 1<<n {
		return nil, false // never or always: nothing to chain
	}
	lits := make([]int, n)
	free := 0
	for i := 0; i < n; i++ {
		on, off := false, false
		for _, p := range passing {
			if p&(1<<i) != 0 {
				on = true
			} else {
				off = true
			}
		}
		switch {
		case on && off:
			free++
		case on:
			lits[i] = 1
		default:
			lits[i] = -1
		}
	}
	return lits, len(passing) == 1<<free
}

// mapTest decides if ($cors), if ($cors != "") and if ($cors = "") on a
// map of $http_origin whose default is empty and whose every entry gives
// a value: the test is then whether the Origin matches a key, one
// regex made of the keys (exact keys compare without case, like the map's
// hash). It reports whether it decided c.
func (l *lowerer) mapTest(c *model.Condition, name, op, operand string) bool {
	d := l.maps[name]
	if d == nil || (op != "" && operand != "") || (d.Arg(0) != "$http_origin" && d.Arg(0) != "${http_origin}") {
		return false
	}
	var guards []*model.Matcher
	for _, e := range d.Block {
		if e.Name == "hostnames" || e.Name == "include" {
			return false
		}
		if len(e.Args) == 0 {
			continue // volatile
		}
		val := e.Args[0].Value
		empty := val == "" || op == "" && val == "0"
		if e.Name == "default" && e.NameQuote == 0 {
			if !empty {
				return false
			}
			continue
		}
		if empty {
			return false
		}
		// a value that is one other variable may be empty
		if _, sole := soleVariable(val); sole && val != "$http_origin" && !isCapture(val) {
			return false
		}
		guards = append(guards, l.mapMatcher(e, false))
	}
	m := anyOf(guards, c)
	if m == nil {
		return false
	}
	c.Origin = m
	c.Negated = op == "="
	if !c.Negated {
		l.condGuards[c] = guards
	}
	return true
}

// mapAlways reports whether if ($cors) or if ($cors != "") always holds:
// the map of $cors gives a value to every origin, its default included.
func (l *lowerer) mapAlways(name, op, operand string) bool {
	d := l.maps[name]
	if d == nil || op == "=" || op != "" && operand != "" {
		return false
	}
	hasDefault := false
	for _, e := range d.Block {
		if e.Name == "include" {
			return false
		}
		if len(e.Args) == 0 {
			continue // hostnames, volatile
		}
		val := e.Args[0].Value
		if val == "" || op == "" && val == "0" {
			return false
		}
		if _, sole := soleVariable(val); sole && val != "$http_origin" && !isCapture(val) {
			return false
		}
		if val == "$http_origin" || isCapture(val) {
			continue // the key matched a non-empty origin, or $1 of it
		}
		hasDefault = hasDefault || e.Name == "default" && e.NameQuote == 0
	}
	return hasDefault
}

// anyOf is one matcher that accepts what any of ms accepts, for the
// condition c; nil when one of them is not a plain regex or exact list.
func anyOf(ms []*model.Matcher, c *model.Condition) *model.Matcher {
	if len(ms) == 1 {
		return ms[0]
	}
	var alts []string
	for _, m := range ms {
		flags := "?:"
		if m.CaseInsensitive {
			flags = "?i:"
		}
		switch {
		case m.Dynamic || m.Hostnames || m.Subject != "":
			return nil
		case m.Kind == model.MatchRegex:
			alts = append(alts, "("+flags+m.Pattern+")")
		case m.Kind == model.MatchExact:
			for _, e := range m.Exact {
				alts = append(alts, "("+flags+"^"+regexp2.Escape(e)+"$)")
			}
		default:
			return nil
		}
	}
	if len(alts) == 0 {
		return nil
	}
	return &model.Matcher{Kind: model.MatchRegex, Pattern: strings.Join(alts, "|"), Span: c.Span, Raw: c.Text}
}

// elsewhere reports whether set sd is in a location other than those
// around if d (or in another server), whose rewrite phase does not run
// for a request that reaches d.
func (l *lowerer) elsewhere(sd setDef, d *Directive) bool {
	around := l.ifParents[d]
	for _, p := range sd.parents {
		if (p.Name == "location" || p.Name == "server") && !slices.Contains(around, p) {
			return true
		}
	}
	return false
}
