package rules

import (
	"net"
	"regexp/syntax"
	"strings"

	"github.com/corslint/corslint/model"
)

// hostOf returns the host of an origin, or the string itself when it has no
// scheme (nginx map hostnames keys).
func hostOf(o string) string {
	if i := strings.Index(o, "://"); i >= 0 {
		o = o[i+3:]
	}
	if i := strings.IndexAny(o, ":/"); i >= 0 {
		o = o[:i]
	}
	return o
}

// trustedHosts guesses the host names a matcher is meant to accept: the
// host parts of the strings it was written to match. For a regex they are
// read from its syntax tree, taking the shortest path through optional
// parts and every branch of an alternation.
func trustedHosts(m *model.Matcher) []string {
	var samples []string
	switch m.Kind {
	case model.MatchExact:
		samples = m.Exact
	case model.MatchWildcard:
		for _, e := range m.Exact {
			samples = append(samples, strings.ReplaceAll(e, "*", ""))
		}
	default:
		re, err := syntax.Parse(m.Pattern, syntax.Perl)
		if err != nil {
			samples = []string{crudeLiteral(m.Pattern)}
		} else {
			samples = expand(re.Simplify(), 16)
		}
	}
	seen := map[string]bool{}
	var hosts []string
	for _, s := range samples {
		h := strings.Trim(hostOf(s), ".-")
		if !strings.Contains(h, ".") || seen[h] {
			continue
		}
		seen[h] = true
		hosts = append(hosts, h)
	}
	return hosts
}

// crudeLiteral strips regex syntax for patterns Go cannot parse (PCRE-only
// constructs), keeping the escaped literals.
func crudeLiteral(p string) string {
	var b strings.Builder
	for i := 0; i < len(p); i++ {
		c := p[i]
		switch {
		case c == '\\' && i+1 < len(p):
			i++
			b.WriteByte(p[i])
		case strings.IndexByte("^$()?*+[]{}|", c) >= 0:
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// expand lists up to limit strings the regex accepts, preferring short
// ones; "." samples as a dot, most often an unescaped dot meant literally.
func expand(re *syntax.Regexp, limit int) []string {
	return model.RegexSamples(re, limit, ".")
}

// bypass is an origin an allowlist accepts that the trusted sites do not
// control.
type bypass struct {
	Origin string
	Why    string
	Fix    string
	// Shown is set where the pattern alone does not make the case: it is
	// reported only when an answer is seen to let Origin read.
	Shown bool
}

// probe tries origins an attacker can serve a page from against the
// matcher, and returns the first one it accepts. Subdomains of a trusted
// host are not attacks: whoever controls the domain controls them.
func probe(m *model.Matcher) (*bypass, bool) {
	if !m.Compiles() {
		return nil, false
	}
	match := m.Matches
	if match("https://attacker.invalid") {
		return &bypass{Origin: "https://attacker.invalid", Why: "it accepts an unrelated origin", Fix: "list the trusted origins, e.g. \"^https://app\\.example\\.com$\""}, true
	}
	hosts := trustedHosts(m)
	for _, h := range hosts {
		anchored := "^https://" + strings.ReplaceAll(h, ".", "\\.") + "$"
		cands := []bypass{
			{Origin: "https://" + h + ".attacker.invalid", Why: "the end of the pattern is not anchored with $", Fix: "anchor it: \"" + anchored + "\""},
			{Origin: "https://" + h + "-attacker.invalid", Why: "the end of the pattern is not anchored with $", Fix: "anchor it: \"" + anchored + "\""},
			// a pattern for subdomains only (https://.*\.example\.com) needs a
			// label before the host
			{Origin: "https://a." + h + ".attacker.invalid", Why: "the end of the pattern is not anchored with $", Fix: "anchor it: \"^https://([a-z0-9-]+\\.)+" + strings.ReplaceAll(h, ".", "\\.") + "$\""},
			{Origin: "https://attacker" + h, Why: "nothing requires the scheme or a dot right before the domain", Fix: "anchor it: \"" + anchored + "\", or \"^https://([a-z0-9-]+\\.)*" + strings.ReplaceAll(h, ".", "\\.") + "$\" to take its subdomains too"},
		}
		for i := 0; i < len(h) && net.ParseIP(h) == nil; i++ {
			// An IP address with a dot replaced ("127x0.0.1") ends in a
			// numeric label, which no one can register.
			if h[i] != '.' || !strings.Contains(h[i+1:], ".") {
				continue
			}
			// an unescaped dot matches any character: "api.example.com"
			// also accepts "apixexample.com", a domain anyone can register.
			cands = append(cands, bypass{Origin: "https://" + h[:i] + "x" + h[i+1:], Why: "a dot is not escaped, so it matches any character", Fix: "escape every dot: \"" + anchored + "\""})
		}
		// A pattern that accepts any subdomain of the host's parent
		// (^https://([a-z0-9-]+\.)+example\.com$, sampled as
		// 0.example.com) accepts attacker0.example.com as one more of them.
		_, parent, _ := strings.Cut(h, ".")
		anySibling := strings.Contains(parent, ".") && match("https://attacker."+parent)
		for _, c := range cands {
			if anySibling && c.Origin == "https://attacker"+h {
				continue
			}
			if match(c.Origin) {
				return &c, true
			}
		}
		if isLoopback("http://" + h) {
			continue // no network attacker serves a page from a loopback host
		}
		if match("http://"+h) && match("https://"+h) {
			return &bypass{Origin: "http://" + h, Why: "it accepts http:// as well as https://, so a network attacker's page passes", Fix: "accept https only: \"" + anchored + "\""}, true
		}
		// A pattern for subdomains only (\.example\.com$) is tried on one.
		// Other code may test the scheme beside it, so only an answer seen
		// to let the http:// page read with credentials reports it.
		if sub := "a." + h; match("http://"+sub) && match("https://"+sub) {
			return &bypass{Origin: "http://" + sub, Why: "it accepts subdomains over http:// as well as https://, so a network attacker's page passes and reads with credentials", Fix: "accept https only: \"^https://([a-z0-9-]+\\.)+" + strings.ReplaceAll(h, ".", "\\.") + "$\"", Shown: true}, true
		}
	}
	return nil, true
}
