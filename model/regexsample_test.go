package model

import (
	"regexp/syntax"
	"slices"
	"testing"
)

// TestRegexSamples holds the strings the sampler reads from an origin
// pattern. CORS102 takes the trusted hosts from them (with "." for any
// character, so an unescaped dot reads as the dot meant) and derives its
// look-alike origins from those hosts; the evaluator sends them as
// requests (with a letter, so they are origins the pattern accepts).
func TestRegexSamples(t *testing.T) {
	for _, c := range []struct {
		pattern string
		limit   int
		anyChar string
		want    []string
	}{
		// every branch of a subdomain alternation is a trusted host
		{`^https://(api|dev|www)\.example\.com$`, 16, ".", []string{"https://api.example.com", "https://dev.example.com", "https://www.example.com"}},
		// limit cuts the list, first branches first
		{`^https://(api|dev|www)\.example\.com$`, 2, ".", []string{"https://api.example.com", "https://dev.example.com"}},
		// an unescaped dot: the host as written for the rules, an origin it accepts for requests
		{`^https://app.example.com$`, 16, ".", []string{"https://app.example.com"}},
		{`^https://app.example.com$`, 16, "x", []string{"https://appxexamplexcom"}},
		// optional parts take the shortest way: no s, no subdomain labels
		{`^https?://(app|admin)\.example\.com$`, 16, ".", []string{"http://app.example.com", "http://admin.example.com"}},
		{`^https://([a-z0-9-]+\.)*example\.com$`, 16, ".", []string{"https://example.com"}},
		// a pattern for subdomains only needs one label: a class gives its first member
		{`^https://([a-z0-9-]+\.)+example\.com$`, 16, ".", []string{"https://0.example.com"}},
		{`^https://.*\.example\.com`, 16, ".", []string{"https://.example.com"}},
		// a counted repeat takes its minimum
		{`^https://a{2,3}\.example\.com$`, 16, ".", []string{"https://aa.example.com"}},
		// no anchors: the pattern's own text
		{`example\.(com|org)`, 16, ".", []string{"example.com", "example.org"}},
	} {
		re, err := syntax.Parse(c.pattern, syntax.Perl)
		if err != nil {
			t.Fatal(err)
		}
		if got := RegexSamples(re.Simplify(), c.limit, c.anyChar); !slices.Equal(got, c.want) {
			t.Errorf("RegexSamples(%q, %d, %q) = %q, want %q", c.pattern, c.limit, c.anyChar, got, c.want)
		}
	}
}
