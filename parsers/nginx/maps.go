package nginx

import (
	"sort"
	"strings"

	"github.com/corslint/corslint/model"
)

// rankedOption is a map entry's value with its place in nginx's order of
// precedence.
type rankedOption struct {
	opt   model.Value
	rank  int
	index int
}

// mapRank orders a map key the way ngx_http_map_find tries them: regexes
// (the first one that matches) below wildcards (the longest trailing, then
// the longest leading) below exact strings. Higher wins.
func mapRank(key string, hostnames bool) int {
	switch {
	case strings.HasPrefix(key, "~"):
		return 0
	case hostnames && strings.HasSuffix(key, ".*"):
		return 1<<10 + len(key)
	case hostnames && (strings.HasPrefix(key, "*.") || strings.HasPrefix(key, ".")):
		return 1<<20 + len(strings.TrimPrefix(key, "*"))
	}
	return 1 << 30
}

// byMapPrecedence sorts options so that the last one whose guard accepts
// the request is the one nginx picks: ascending rank, and among regexes
// the first written last.
func byMapPrecedence(ranked []rankedOption) []model.Value {
	sort.SliceStable(ranked, func(i, j int) bool {
		if ranked[i].rank != ranked[j].rank {
			return ranked[i].rank < ranked[j].rank
		}
		if ranked[i].rank == 0 {
			return ranked[i].index > ranked[j].index
		}
		return false
	})
	out := make([]model.Value, len(ranked))
	for i, r := range ranked {
		out[i] = r.opt
	}
	return out
}

// hostMatcher is a map key that tests the request's host name: with
// hostnames, ".b.test" takes b.test and its subdomains, "*.b.test" the
// subdomains, "www.*" any ending; strings compare without case.
func hostMatcher(e *Directive, hostnames bool) *model.Matcher {
	key := e.Name
	m := &model.Matcher{Kind: model.MatchExact, Pattern: key, Exact: []string{key}, CaseInsensitive: true, Subject: "$host", Span: e.Span, Raw: e.NameRaw}
	switch {
	case strings.HasPrefix(key, "~*"):
		m.Kind, m.Pattern, m.Exact = model.MatchRegex, key[2:], nil
	case strings.HasPrefix(key, "~"):
		m.Kind, m.Pattern, m.Exact, m.CaseInsensitive = model.MatchRegex, key[1:], nil, false
	case strings.HasPrefix(key, "\\"):
		m.Pattern, m.Exact = key[1:], []string{key[1:]}
	case hostnames && strings.HasPrefix(key, "."):
		m.Kind, m.Exact = model.MatchWildcard, []string{key[1:], "*" + key}
	case hostnames && (strings.HasPrefix(key, "*.") || strings.HasSuffix(key, ".*")):
		m.Kind = model.MatchWildcard
	}
	return m
}

// guardEntry makes a map entry's value apply only when its key matches:
// a fixed value carries the key itself, a variable's options do.
func guardEntry(v model.Value, m *model.Matcher) model.Value {
	switch v.Kind {
	case model.Reflected, model.Variable:
		return withGuards(v, []*model.Matcher{m})
	}
	v.Guards = append(append([]*model.Matcher(nil), v.Guards...), m)
	return v
}

// wholeCapture reports whether capture ref ($1) of the regex map key is
// the whole subject, ~^(...)$, so that it echoes the origin unchanged; a
// part of it is a value the model does not know.
func wholeCapture(key, ref string) bool {
	re := strings.TrimPrefix(strings.TrimPrefix(key, "~"), "*")
	if !strings.HasPrefix(key, "~") || strings.Trim(ref, "${}") != "1" ||
		!strings.HasPrefix(re, "^(") || !strings.HasSuffix(re, ")$") || strings.HasPrefix(re, "^(?") {
		return false
	}
	// the group opened at re[1] must close at the end
	depth := 0
	for i := 1; i < len(re)-1; i++ {
		switch re[i] {
		case '\\':
			i++
		case '(':
			depth++
		case ')':
			depth--
			if depth == 0 && i != len(re)-2 {
				return false
			}
		}
	}
	return depth == 0
}
