package model

import (
	"strings"

	"github.com/dlclark/regexp2"

	"github.com/corslint/corslint/internal/pcre"
)

// Rewrite is a regex substitution a server applies to a value before it
// sends it: Varnish's regsub (the first match) and regsuball (every
// match), whose replacement reads \0 to \9 as the match and its groups.
type Rewrite struct {
	Pattern     string
	Replacement string // as written
	All         bool
	Raw         string // the call as written, for messages
}

// Apply rewrites s the way Varnish's VRE_sub does: a string the pattern
// does not match comes back unchanged; in the replacement a backslash
// and a digit is that group (empty when it did not take part), a
// backslash and any other character is that character, and a trailing
// backslash is itself. regsuball looks for the next match where the last
// one ended, refusing an empty match there (PCRE2_NOTEMPTY). ok is false
// when the pattern does not compile or the engine cannot follow PCRE2
// (an empty match after the first, which PCRE2 would try to extend).
func (r *Rewrite) Apply(s string) (string, bool) {
	re, err := pcre.Compile(r.Pattern, false)
	if err != nil {
		return "", false
	}
	subject := []rune(s)
	m, err := re.FindRunesMatch(subject)
	if err != nil {
		return "", false
	}
	if m == nil {
		return s, true
	}
	var b strings.Builder
	offset := 0
	for first := true; m != nil; first = false {
		if !first && m.Length == 0 {
			return "", false
		}
		b.WriteString(string(subject[offset:m.Index]))
		r.expand(&b, m)
		offset = m.Index + m.Length
		if !r.All {
			break
		}
		if m, err = re.FindRunesMatchStartingAt(subject, offset); err != nil {
			return "", false
		}
	}
	b.WriteString(string(subject[offset:]))
	return b.String(), true
}

// expand writes the replacement for one match.
func (r *Rewrite) expand(b *strings.Builder, m *regexp2.Match) {
	sub := r.Replacement
	for i := 0; i < len(sub); i++ {
		if sub[i] != '\\' || i+1 == len(sub) {
			b.WriteByte(sub[i])
			continue
		}
		i++
		if d := sub[i]; d >= '0' && d <= '9' {
			if g := m.GroupByNumber(int(d - '0')); g != nil && len(g.Captures) > 0 {
				b.WriteString(g.String())
			}
			continue
		}
		b.WriteByte(sub[i])
	}
}
