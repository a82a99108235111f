package pcre

import "testing"

func TestMatch(t *testing.T) {
	for _, c := range []struct {
		pattern string
		ci      bool
		s       string
		want    bool
	}{
		{`^https://a\.example$`, false, "https://a.example", true},
		{`^https://a\.example$`, false, "https://A.example", false},
		{`^https://a\.example$`, true, "https://A.example", true},
		{`(?<=x)y`, false, "xy", true}, // lookbehind: PCRE, not RE2
		{`(`, false, "(", false},
	} {
		if got := Match(c.pattern, c.ci, c.s); got != c.want {
			t.Errorf("Match(%q, %v, %q) = %v", c.pattern, c.ci, c.s, got)
		}
	}
}
