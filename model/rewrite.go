package model

import (
	"regexp/syntax"
	"strings"
	"unicode"

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
	scanReplacement(r.Replacement, b, func(n int) bool {
		if g := m.GroupByNumber(n); g != nil && len(g.Captures) > 0 {
			b.WriteString(g.String())
		}
		return true
	})
}

// scanReplacement writes a replacement's text to b, a backslash taking
// the next byte as written, and calls group for each reference \0 to \9;
// it stops and reports false when group does.
func scanReplacement(sub string, b *strings.Builder, group func(n int) bool) bool {
	for i := 0; i < len(sub); i++ {
		if sub[i] != '\\' || i+1 == len(sub) {
			b.WriteByte(sub[i])
			continue
		}
		i++
		if d := sub[i]; d >= '0' && d <= '9' {
			if !group(int(d - '0')) {
				return false
			}
			continue
		}
		b.WriteByte(sub[i])
	}
	return true
}

// Constant returns the one value the rewrite gives every header value,
// an absent one included (varnishd reads an unset header as ""), and
// false when two values can come out differently. It is exact, not a
// guess: true only when the pattern, read as a whole, is an optional
// start anchor, one greedy repetition of a class that takes every
// character a header value can hold (all but the newline), and an
// optional end anchor, so that the first match is always the whole
// value; and when the replacement reads no group. regsuball then finds
// nothing after that match (varnishd refuses an empty match where the
// last one ended). varnishd 7.1 gave "X" for regsub and regsuball with
// "^.*$" and ".*" on an origin, on none, and on an empty one.
func (r *Rewrite) Constant() (string, bool) {
	if !matchesWhole(r.Pattern) {
		return "", false
	}
	var b strings.Builder
	// the match or a group is the value itself
	if !scanReplacement(r.Replacement, &b, func(int) bool { return false }) {
		return "", false
	}
	return b.String(), true
}

// matchesWhole reports whether pattern's first match in any string
// without a newline is that whole string (see Constant). A pattern Go's
// parser does not take is not judged.
func matchesWhole(pattern string) bool {
	re, err := syntax.Parse(pattern, syntax.Perl)
	if err != nil {
		return false
	}
	parts := []*syntax.Regexp{re}
	if re.Op == syntax.OpConcat {
		parts = re.Sub
	}
	star := -1
	for i, p := range parts {
		for p.Op == syntax.OpCapture {
			p = p.Sub[0]
		}
		switch p.Op {
		case syntax.OpEmptyMatch:
		case syntax.OpBeginText, syntax.OpBeginLine:
			if star >= 0 {
				return false
			}
		case syntax.OpEndText, syntax.OpEndLine:
			if star < 0 {
				return false
			}
		case syntax.OpStar:
			if star >= 0 || !takesAnyButNewline(p.Sub[0]) {
				return false
			}
			star = i
			if p.Flags&syntax.NonGreedy != 0 && !endsAfter(parts[i+1:]) {
				return false // a lazy repetition stops at the first place it can
			}
		default:
			return false
		}
	}
	return star >= 0
}

// endsAfter reports whether parts holds an end anchor.
func endsAfter(parts []*syntax.Regexp) bool {
	for _, p := range parts {
		if p.Op == syntax.OpEndText || p.Op == syntax.OpEndLine {
			return true
		}
	}
	return false
}

// takesAnyButNewline reports whether re is one character that may be
// any character except perhaps the newline.
func takesAnyButNewline(re *syntax.Regexp) bool {
	switch re.Op {
	case syntax.OpAnyChar, syntax.OpAnyCharNotNL:
		return true
	case syntax.OpCharClass:
		next := rune(0)
		for i := 0; i+1 < len(re.Rune); i += 2 {
			lo, hi := re.Rune[i], re.Rune[i+1]
			if lo > next && !(lo == '\n'+1 && next == '\n') {
				return false
			}
			next = max(next, hi+1)
		}
		return next > unicode.MaxRune
	}
	return false
}
