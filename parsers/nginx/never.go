package nginx

import (
	"fmt"
	"strings"

	"github.com/corslint/corslint/internal/pcre"
	"github.com/corslint/corslint/model"
)

// markUnreachable sets NeverMatches on the locations no request reaches:
// a prefix that does not start with "/" (request paths always do), and a
// prefix location that a regex location beside it always shadows. nginx
// finds the longest matching prefix, then tries the regex locations in
// order and takes the first that matches, unless the prefix was written
// with ^~. So when a regex matches the prefix itself without looking past
// its end, it matches every path that starts with the prefix, and the
// prefix location never serves a request.
func markUnreachable(scopes []*model.Scope) {
	children := map[*model.Scope][]*model.Scope{}
	for _, s := range scopes {
		if s.Kind == "location" && s.Parent != nil {
			children[s.Parent] = append(children[s.Parent], s)
		}
	}
	// each regex is compiled once, though it is tried against every
	// prefix location beside it
	var res pcre.Cache
	for _, locs := range children {
		for _, s := range locs {
			m := s.Match
			if m == nil || m.Kind != model.PathPrefix || m.Named || m.Preferred || templated(m.Pattern) {
				continue
			}
			if !strings.HasPrefix(m.Pattern, "/") {
				if m.Pattern != "" && isWordStart(m.Pattern[0]) {
					s.NeverMatches = fmt.Sprintf("request paths always start with \"/\", so the prefix %q matches none; write location /%s", m.Pattern, m.Pattern)
				}
				continue
			}
			if len(children[s]) > 0 {
				continue // nested locations take part in the search; not decided here
			}
		regexes:
			for _, r := range locs {
				rm := r.Match
				if rm == nil || rm.Kind != model.PathRegex || templated(rm.Pattern) || !res.Match(rm.Pattern, rm.CaseInsensitive, m.Pattern) {
					continue
				}
				switch {
				case !looksPastEnd(rm.Pattern):
					s.NeverMatches = fmt.Sprintf("the regex location %s at line %d matches every path that starts with %q, and nginx prefers a matching regex location over a prefix one; write location ^~ %s to make this one win", r.Label, r.Span.Line, m.Pattern, m.Pattern)
				case !strings.HasSuffix(m.Pattern, "/"):
					// A file's path ("/static/app.js"): the regex takes the
					// path itself, leaving only paths that nobody requests
					// ("/static/app.jsx/...") to this location.
					s.NeverMatches = fmt.Sprintf("the regex location %s at line %d matches %q itself, and nginx prefers a matching regex location over a prefix one; write location = %s or location ^~ %s to make this one win", r.Label, r.Span.Line, m.Pattern, m.Pattern, m.Pattern)
				default:
					continue
				}
				break regexes
			}
		}
	}
}

// looksPastEnd reports whether a regex may depend on what follows the text
// it matched ($, \b, lookahead, ...): only a regex that does not can be
// trusted to match every extension of a string it matches.
func looksPastEnd(re string) bool {
	for _, t := range []string{"$", `\b`, `\B`, `\Z`, `\z`, "(?=", "(?!"} {
		if strings.Contains(re, t) {
			return true
		}
	}
	return false
}

// templated reports whether a pattern is a template expression (Jinja,
// ERB, Go templates, envsubst) rather than what nginx will see.
func templated(p string) bool {
	return strings.Contains(p, "{{") || strings.Contains(p, "<%") || strings.Contains(p, "${")
}

func isWordStart(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-'
}
