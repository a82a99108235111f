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

func TestCacheCompilesOnce(t *testing.T) {
	var c Cache
	a, err := c.Compile(`^https://a\.example$`, false)
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := c.Compile(`^https://a\.example$`, false); b != a {
		t.Error("the same pattern was compiled twice")
	}
	if b, _ := c.Compile(`^https://a\.example$`, true); b == a {
		t.Error("the case-insensitive pattern is the case-sensitive one")
	}
	if _, err := c.Compile(`(`, false); err == nil {
		t.Error("a pattern that does not compile gave no error")
	}
	if _, err := c.Compile(`(`, false); err == nil {
		t.Error("the remembered failure gave no error")
	}
	var none *Cache
	if !none.Match(`^a`, false, "ab") || c.Match(`(`, false, "(") || !c.Match(`^A`, true, "ab") {
		t.Error("Match through a cache differs from Match")
	}
}
