package rules

import (
	"regexp/syntax"
	"strings"

	"github.com/corslint/corslint/internal/pcre"
	"github.com/corslint/corslint/model"
)

// repairPattern rewrites an origin allowlist regex the way its author
// meant it, keeping what they wrote (the alternation of subdomains, the
// port, the case flag): anchored at both ends, with the scheme, https
// only, every dot that separates host labels escaped, and a "match any
// subdomain" written as labels rather than ".*". ok is false when the
// result would still let an attacker in, or does not compile; then the
// caller falls back to a generic example.
func repairPattern(m *model.Matcher) (string, bool) {
	if m.Kind != model.MatchRegex || m.Dynamic {
		return "", false
	}
	s := strings.TrimPrefix(m.Pattern, "^")
	s = strings.TrimSuffix(s, "$")
	// What may follow the host: a path or anything at all is no part of an
	// origin.
	for _, tail := range []string{"(/.*)?", "/.*", "(/)?", "/?", "/", ".*"} {
		s = strings.TrimSuffix(s, tail)
	}
	for _, any := range []string{"https?://", "http(s)?://", "(https?)://", "(http|https)://", "(https|http)://", "https{0,1}://"} {
		s = strings.ReplaceAll(s, any, "https://")
	}
	if !strings.Contains(s, "://") {
		s = strings.TrimPrefix(s, "//")
		for _, any := range []string{".*", ".+", "(.*)", "(.+)", "[^/]*", "[^/]+"} {
			if rest, ok := strings.CutPrefix(s, any); ok {
				s = rest
				break
			}
		}
		// A dot before the domain (\.example\.com$, .*\.example\.com$)
		// asks for a subdomain: the bare domain never matched, so the
		// repair takes one label or more, not none.
		if rest, ok := strings.CutPrefix(s, `\.`); ok {
			s = `([a-z0-9-]+\.)+` + rest
		} else if rest, ok := strings.CutPrefix(s, "."); ok {
			s = `([a-z0-9-]+\.)+` + rest
		}
		s = "https://" + s
	}
	// https://.*\.example\.com needs a dot after the scheme, so no bare
	// domain either; an optional group ((.*\.)?) takes it.
	s = strings.ReplaceAll(s, `://.*\.`, `://([a-z0-9-]+\.)+`)
	s = strings.ReplaceAll(s, `://.+\.`, `://([a-z0-9-]+\.)+`)
	s = strings.ReplaceAll(s, `(.*\.)?`, `([a-z0-9-]+\.)*`)
	s = strings.ReplaceAll(s, `(.+\.)?`, `([a-z0-9-]+\.)*`)
	s = "^" + escapeDots(s) + "$"
	if _, err := pcre.Compile(s, m.CaseInsensitive); err != nil {
		return "", false
	}
	if _, err := syntax.Parse(s, syntax.Perl); err != nil {
		return "", false
	}
	fixed := &model.Matcher{Kind: model.MatchRegex, Pattern: s, CaseInsensitive: m.CaseInsensitive}
	if len(trustedHosts(fixed)) == 0 {
		return "", false // it names no host: nothing of the author's to keep
	}
	if b, ok := probe(fixed); !ok || b != nil {
		return "", false
	}
	if !fixed.Compiles() || fixed.Matches("null") {
		return "", false
	}
	return s, true
}

// escapeDots escapes the dots of a regex that stand alone (not in a
// class, not already escaped, not before a quantifier), which in an
// origin pattern separate host labels. A bare dot beside an escaped one
// ("eksis.\.one") is a slip and is dropped.
func escapeDots(s string) string {
	var b strings.Builder
	inClass := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\\' && i+1 < len(s):
			b.WriteByte(c)
			b.WriteByte(s[i+1])
			i++
			continue
		case inClass:
			inClass = c != ']'
		case c == '[':
			inClass = true
		case c == '.':
			next := byte(0)
			if i+1 < len(s) {
				next = s[i+1]
			}
			if strings.IndexByte("*+?{", next) >= 0 {
				break
			}
			if strings.HasSuffix(b.String(), `\.`) || strings.HasPrefix(s[i+1:], `\.`) {
				continue
			}
			b.WriteString(`\.`)
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}
