package model

import "testing"

func TestMatcherMatches(t *testing.T) {
	cases := []struct {
		m      *Matcher
		origin string
		want   bool
	}{
		{&Matcher{Kind: MatchExact, Exact: []string{"https://a.example"}}, "https://a.example", true},
		{&Matcher{Kind: MatchExact, Exact: []string{"https://a.example"}}, "https://A.example", false},
		{&Matcher{Kind: MatchExact, Exact: []string{"https://a.example"}, CaseInsensitive: true}, "https://A.example", true},
		// nginx map hostnames: keys are host names, matched against the
		// origin's host
		{&Matcher{Kind: MatchExact, Exact: []string{"a.example"}, Hostnames: true}, "https://a.example", true},
		{&Matcher{Kind: MatchExact, Exact: []string{"a.example"}}, "https://a.example", false},
		{&Matcher{Kind: MatchWildcard, Exact: []string{"https://*.example.com"}}, "https://x.example.com", true},
		{&Matcher{Kind: MatchWildcard, Exact: []string{"https://*.example.com"}}, "https://x.example.org", false},
		{&Matcher{Kind: MatchRegex, Pattern: `^https://(a|b)\.example$`}, "https://b.example", true},
		{&Matcher{Kind: MatchRegex, Pattern: `^https://(a|b)\.example$`}, "https://c.example", false},
		// a pattern that does not compile accepts nothing
		{&Matcher{Kind: MatchRegex, Pattern: `(`}, "(", false},
	}
	for _, c := range cases {
		for range 2 { // the second call uses the compiled pattern
			if got := c.m.Matches(c.origin); got != c.want {
				t.Errorf("%+v matches %q = %v, want %v", c.m, c.origin, got, c.want)
			}
		}
	}
	if (&Matcher{Kind: MatchRegex, Pattern: `(`}).Compiles() {
		t.Error("an unbalanced pattern compiles")
	}
}

func TestPathMatchMatches(t *testing.T) {
	cases := []struct {
		m    *PathMatch
		path string
		want bool
	}{
		{&PathMatch{Kind: PathPrefix, Pattern: "/api"}, "/apix", true}, // nginx
		{&PathMatch{Kind: PathPrefix, Pattern: "/api", Segment: true}, "/apix", false},
		{&PathMatch{Kind: PathPrefix, Pattern: "/api", Segment: true}, "/api", true},
		{&PathMatch{Kind: PathPrefix, Pattern: "/api", Segment: true}, "/api/x", true},
		{&PathMatch{Kind: PathPrefix, Pattern: "/api/", Segment: true}, "/api", false},
		{&PathMatch{Kind: PathExact, Pattern: "/x"}, "/x", true},
		{&PathMatch{Kind: PathExact, Pattern: "/x"}, "/x/", false},
		{&PathMatch{Kind: PathRegex, Pattern: `\.json$`}, "/a/b.json", true},
		{&PathMatch{Kind: PathRegex, Pattern: `\.JSON$`, CaseInsensitive: true}, "/a/b.json", true},
		{&PathMatch{Kind: PathFileGlob, Pattern: "*.json"}, "/a/b.json", true},
		{&PathMatch{Kind: PathFileGlob, Pattern: "*.json"}, "/a.json/b", false},
		{&PathMatch{Kind: PathFileRegex, Pattern: `^b\.`}, "/a/b.json", true},
		{&PathMatch{Kind: PathFileRegex, Pattern: `^a`}, "/a/b.json", false},
	}
	for _, c := range cases {
		if got := c.m.Matches(c.path); got != c.want {
			t.Errorf("%+v matches %q = %v, want %v", c.m, c.path, got, c.want)
		}
	}
}
