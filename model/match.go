package model

import (
	"path"
	"strings"

	"github.com/dlclark/regexp2"

	"github.com/corslint/corslint/internal/pcre"
)

// compiled holds the regexes of a Matcher or a PathMatch, compiled on first
// use; ok is false when a pattern does not compile.
type compiled struct {
	res []*regexp2.Regexp
	ok  bool
}

// Matches reports whether the allowlist accepts origin, the way its server
// runs it: PCRE for regexes (nginx, Apache and Varnish all use PCRE), exact
// comparison for lists (by host name alone for nginx map hostnames), S3's
// * for wildcard patterns. A pattern that does not compile accepts nothing.
func (m *Matcher) Matches(origin string) bool {
	if m.Kind == MatchExact {
		for _, e := range m.Exact {
			if e == origin || m.CaseInsensitive && strings.EqualFold(e, origin) || m.Hostnames && hostOf(origin) == e {
				return true
			}
		}
		return false
	}
	return m.program().match(origin)
}

// Compiles reports whether the matcher's patterns compile.
func (m *Matcher) Compiles() bool {
	return m.Kind == MatchExact || m.program().ok
}

func (m *Matcher) program() *compiled {
	if c := m.prog.Load(); c != nil {
		return c
	}
	c := &compiled{ok: true}
	add := func(pattern string, ci bool) {
		re, err := pcre.Compile(pattern, ci)
		if err != nil {
			c.ok = false
			return
		}
		c.res = append(c.res, re)
	}
	if m.Kind == MatchWildcard {
		for _, e := range m.Exact {
			parts := strings.Split(e, "*")
			for i := range parts {
				parts[i] = regexp2.Escape(parts[i])
			}
			add("^"+strings.Join(parts, ".*")+"$", true)
		}
	} else {
		add(m.Pattern, m.CaseInsensitive)
	}
	if !c.ok {
		c.res = nil
	}
	m.prog.Store(c)
	return c
}

func (c *compiled) match(s string) bool {
	for _, re := range c.res {
		if ok, _ := re.MatchString(s); ok {
			return true
		}
	}
	return false
}

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

// Matches reports whether a request path (escaped, as sent) passes the
// route's test.
func (m *PathMatch) Matches(p string) bool {
	switch m.Kind {
	case PathExact:
		return p == m.Pattern
	case PathPrefix:
		if !strings.HasPrefix(p, m.Pattern) {
			return false
		}
		n := len(m.Pattern)
		return !m.Segment || n == 0 || m.Pattern[n-1] == '/' || len(p) == n || p[n] == '/'
	case PathFileGlob:
		ok, err := path.Match(m.Pattern, lastSegment(p))
		return err == nil && ok
	case PathFileRegex:
		return m.program().match(lastSegment(p))
	}
	return m.program().match(p)
}

func lastSegment(p string) string {
	return p[strings.LastIndexByte(p, '/')+1:]
}

func (m *PathMatch) program() *compiled {
	if c := m.prog.Load(); c != nil {
		return c
	}
	c := &compiled{ok: true}
	if re, err := pcre.Compile(m.Pattern, m.CaseInsensitive); err == nil {
		c.res = []*regexp2.Regexp{re}
	} else {
		c.ok = false
	}
	m.prog.Store(c)
	return c
}
