package difftest

import (
	"fmt"
	"io"
	"regexp"
	"sort"
	"strings"
)

// pathRE finds file paths and request paths in reasons.
var pathRE = regexp.MustCompile(`/\S*`)

// Tally counts comparisons by outcome.
type Tally [3]int

// Total is the number of comparisons.
func (t Tally) Total() int { return t[0] + t[1] + t[2] }

func (t Tally) String() string {
	n := t.Total()
	if n == 0 {
		return "0"
	}
	pct := func(k Kind) float64 { return 100 * float64(t[k]) / float64(n) }
	return fmt.Sprintf("%5d probes  agree %6.2f%%  undecidable %5.2f%%  disagree %5.2f%%", n, pct(Agree), pct(Undecidable), pct(Disagree))
}

// Stats are the tallies of a run per server and per server and family.
type Stats struct {
	Server map[string]*Tally
	Family map[string]map[string]*Tally
	// Reasons counts the undecidable answers by server and reason.
	Reasons map[string]map[string]int
}

// NewStats returns empty stats.
func NewStats() *Stats {
	return &Stats{Server: map[string]*Tally{}, Family: map[string]map[string]*Tally{}, Reasons: map[string]map[string]int{}}
}

// Add counts one comparison of a probe of c.
func (s *Stats) Add(c *Case, p Probe, o Outcome) {
	tally := func(m map[string]*Tally, k string) *Tally {
		if m[k] == nil {
			m[k] = &Tally{}
		}
		return m[k]
	}
	tally(s.Server, c.Server)[o.Kind]++
	if s.Family[c.Server] == nil {
		s.Family[c.Server] = map[string]*Tally{}
	}
	for _, f := range c.Families(p) {
		tally(s.Family[c.Server], f)[o.Kind]++
	}
	if o.Kind == Undecidable {
		if s.Reasons[c.Server] == nil {
			s.Reasons[c.Server] = map[string]int{}
		}
		s.Reasons[c.Server][reasonKey(o.Reason)]++
	}
}

// reasonKey shortens a reason to its kind, without the values in it.
func reasonKey(r string) string {
	r = pathRE.ReplaceAllString(r, "…")
	if rs := []rune(r); len(rs) > 90 {
		r = string(rs[:90])
	}
	return r
}

// Total sums every server.
func (s *Stats) Total() Tally {
	var t Tally
	for _, x := range s.Server {
		for k := range t {
			t[k] += x[k]
		}
	}
	return t
}

// Print writes the tallies: per server, then the request-side families
// over every server, then per server and family; each line says how many
// probes exercise it.
func (s *Stats) Print(w io.Writer) {
	fmt.Fprintf(w, "%-44s %s\n", "all", s.Total())
	for _, srv := range sortedKeys(s.Server) {
		fmt.Fprintf(w, "%-44s %s\n", srv, s.Server[srv])
	}
	shared := map[string]*Tally{}
	for srv, fams := range s.Family {
		for f, t := range fams {
			if strings.HasPrefix(f, srv+":") {
				continue
			}
			if shared[f] == nil {
				shared[f] = &Tally{}
			}
			for k := range t {
				shared[f][k] += t[k]
			}
		}
	}
	for _, f := range sortedKeys(shared) {
		fmt.Fprintf(w, "  %-42s %s\n", "all "+f, shared[f])
	}
	for _, srv := range sortedKeys(s.Server) {
		fams := s.Family[srv]
		for _, f := range sortedKeys(fams) {
			fmt.Fprintf(w, "  %-42s %s\n", srv+" "+f, fams[f])
		}
		for _, r := range sortedKeys(s.Reasons[srv]) {
			fmt.Fprintf(w, "  %s undecidable x%d: %s\n", srv, s.Reasons[srv][r], r)
		}
	}
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
