package rules

import (
	"fmt"
	"net/url"
	"regexp/syntax"
	"strings"

	"github.com/corslint/corslint/findings"
	"github.com/corslint/corslint/model"
)

var deadOriginAllowlist = &Rule{
	Meta: Meta{
		ID: "CORS107", Slug: "dead-origin-allowlist", Severity: findings.Error,
		SecuritySeverity: "1.0",
		Summary:          "an origin allowlist entry that no Origin header can match",
		Doc: `## Why

A browser's ` + "`Origin`" + ` header is a scheme, a host and maybe a port, never a path or a trailing
"/". A pattern or list entry that requires one (` + "`^https://app\\.example\\.com/`" + `,
` + "`\"https://app.example.com/\"`" + `), or that is anchored at ` + "`^`" + ` without the scheme
(` + "`^app\\.example\\.com$`" + `), matches no request, so the origins it was written for never get
` + "`Access-Control-Allow-Origin`" + ` and the browser blocks them.

## Bad

` + "```nginx" + `
if ($http_origin ~ '^https://app\.example\.com/$') {
    add_header Access-Control-Allow-Origin $http_origin always;
}
` + "```" + `

## Good

` + "```nginx" + `
if ($http_origin ~ '^https://app\.example\.com$') {
    add_header Access-Control-Allow-Origin $http_origin always;
}
` + "```" + `
`,
	},
	Run: func(p *Pass) {
		for _, m := range p.File.Matchers {
			if m.Dynamic || m.Hostnames {
				continue
			}
			if m.Never != "" {
				p.Report(m.Span, "origin pattern \"%s\" never sees an Origin header: %s", m.Pattern, m.Never)
				continue
			}
			switch m.Kind {
			case model.MatchRegex:
				why, ok := deadRegex(m)
				if !ok {
					continue
				}
				fix := "match scheme, host and port only"
				if fixed, ok := repairPattern(m); ok {
					fix = fmt.Sprintf("write \"%s\"", fixed)
				}
				p.Report(m.Span, "origin pattern \"%s\" matches no Origin header: %s, so the origins it was written for are never allowed; %s", m.Pattern, why, fix)
			case model.MatchExact:
				var dead, fixes []string
				for _, e := range m.Exact {
					if e == "" {
						continue // if ($http_origin = '') tests for no Origin at all
					}
					if why, fix := originProblem(e); why != "" && !strings.HasPrefix(why, "lists several") {
						dead = append(dead, fmt.Sprintf("%q %s", e, why))
						fixes = append(fixes, strings.TrimPrefix(fix, "write "))
					}
				}
				if len(dead) > 0 {
					p.Report(m.Span, "origin allowlist entry %s, so it matches no Origin header and that origin is never allowed; write %s", strings.Join(dead, "; "), strings.Join(fixes, ", "))
				}
			}
		}
	},
}

// deadRegex reports why a regex allowlist can match no serialized origin.
// It is dead when it accepts none of the origins its own text names (the
// hosts it spells out, over https and http, with the ports it mentions)
// and every string it was written to match is no origin.
func deadRegex(m *model.Matcher) (string, bool) {
	if !m.Compiles() {
		return "", false
	}
	match := m.Matches
	re, err := syntax.Parse(m.Pattern, syntax.Perl)
	if err != nil {
		return "", false
	}
	samples := expand(re.Simplify(), 16)
	if len(samples) == 0 {
		return "", false
	}
	var why string
	for _, s := range samples {
		if !strings.Contains(s, ".") && !strings.Contains(s, "localhost") {
			return "", false // no host spelled out: nothing to judge by
		}
		u, err := url.Parse(s)
		switch {
		case err == nil && u.Scheme != "" && u.Host != "":
			origin := u.Scheme + "://" + u.Host
			if match(origin) || match(strings.ToLower(origin)) {
				return "", false
			}
			if u.Path == "" && u.RawQuery == "" {
				return "", false // an origin it does not match for other reasons: not this rule's
			}
			why = "it requires a path or a trailing \"/\" after the host"
		case strings.HasPrefix(m.Pattern, "^") && !strings.Contains(s, "://"):
			host := hostOf(s)
			if match("https://"+host) || match("http://"+host) {
				return "", false
			}
			if why == "" {
				why = "it is anchored with ^ at a host name, but every Origin header starts with the scheme"
			}
		default:
			return "", false
		}
	}
	return why, why != ""
}
