package rules

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/corslint/corslint/findings"
	"github.com/corslint/corslint/model"
)

var reflectedOrigin = &Rule{
	Meta: Meta{
		ID: "CORS101", Slug: "reflected-origin", Severity: findings.Error,
		SecuritySeverity: "8.8",
		Summary:          "Access-Control-Allow-Origin echoes the request's Origin with no allowlist",
		Doc: `## Why

Echoing the request's ` + "`Origin`" + ` into ` + "`Access-Control-Allow-Origin`" + ` trusts every site on the
internet. With ` + "`Access-Control-Allow-Credentials: true`" + ` any page a signed-in user visits can call the
API with the user's cookies and read the answer. Without credentials it is a warning: public data
is readable anyway, but the echo usually means an allowlist was intended.

## Bad

` + "```nginx" + `
add_header Access-Control-Allow-Origin $http_origin always;
add_header Access-Control-Allow-Credentials true always;
` + "```" + `

## Good

` + "```nginx" + `
map $http_origin $cors_origin {
    default "";
    "https://app.example.com" $http_origin;
}
add_header Access-Control-Allow-Origin $cors_origin always;
add_header Access-Control-Allow-Credentials true always;
add_header Vary Origin always;
` + "```" + `
`,
	},
	Run: func(p *Pass) {
		worst := map[*model.HeaderOp]*model.HeaderOp{} // ACAO op -> ACAC op seen with it
		var order []*model.HeaderOp
		for _, r := range p.File.Responses {
			for _, op := range r.Ops(model.ACAO) {
				if !adds(op) || !unguardedReflection(op.Value) {
					continue
				}
				if _, seen := worst[op]; !seen {
					order = append(order, op)
					worst[op] = nil
				}
				if c := credentialsOn(r); c != nil && worst[op] == nil {
					worst[op] = c
				}
			}
		}
		for _, op := range order {
			via := reflectedVia(op.Value)
			if c := worst[op]; c != nil {
				f := p.Report(op.Span, "Access-Control-Allow-Origin echoes %s with Access-Control-Allow-Credentials: true and no allowlist: any site can read this API as the signed-in user; %s", via, adviceFor(p.File).Allowlist())
				f.Related = append(f.Related, findings.Related{Message: "credentials allowed here", Span: c.Span})
				continue
			}
			f := p.Report(op.Span, "Access-Control-Allow-Origin echoes %s with no allowlist: every site may read these responses; %s", via, adviceFor(p.File).Allowlist())
			f.Severity = findings.Warning
		}
	},
}

func unguardedReflection(v model.Value) bool {
	for _, p := range v.Possible() {
		if p.Kind == model.Reflected && len(p.Guards) == 0 {
			return true
		}
	}
	return false
}

// reflectedVia names how the origin reaches the header, for messages.
func reflectedVia(v model.Value) string {
	for _, p := range v.Possible() {
		if p.Kind != model.Reflected || len(p.Guards) > 0 {
			continue
		}
		if v.Kind == model.Variable && v.Var != "" && v.Var != p.Var {
			return fmt.Sprintf("%s (through %s)", p.Var, v.Var)
		}
		if p.Var != "" {
			return p.Var
		}
	}
	return "the request's Origin"
}

var permissiveOriginPattern = &Rule{
	Meta: Meta{
		ID: "CORS102", Slug: "permissive-origin-pattern", Severity: findings.Error,
		SecuritySeverity: "8.1",
		Summary:          "an origin allowlist pattern accepts origins that attackers control",
		Doc: `## Why

An allowlist regex is only as strict as its anchors and escapes. ` + "`example\\.com$`" + ` also accepts
` + "`https://attackerexample.com`" + `; ` + "`^https://example\\.com`" + ` accepts
` + "`https://example.com.attacker.invalid`" + `; an unescaped ` + "`.`" + ` matches any character; ` + "`https?`" + `
lets a network attacker's plain-http page in. corslint runs each pattern with a PCRE-compatible
engine against origins an attacker can register and reports the one that gets through.

## Bad

` + "```nginx" + `
if ($http_origin ~* "example.com") {
    add_header Access-Control-Allow-Origin $http_origin;
}
` + "```" + `

## Good

` + "```nginx" + `
if ($http_origin ~* "^https://(app|admin)\.example\.com$") {
    add_header Access-Control-Allow-Origin $http_origin;
}
` + "```" + `
`,
	},
	Run: func(p *Pass) {
		for _, m := range p.File.Matchers {
			if m.Kind == model.MatchExact || m.Dynamic {
				continue
			}
			b, ok := probe(m)
			if !ok || b == nil {
				continue
			}
			p.Report(m.Span, "origin pattern \"%s\" accepts %q: %s; %s", m.Pattern, b.Origin, b.Why, b.Fix)
		}
	},
}

var nullOriginAllowed = &Rule{
	Meta: Meta{
		ID: "CORS103", Slug: "null-origin-allowed", Severity: findings.Error,
		SecuritySeverity: "7.5",
		Summary:          "the origin \"null\" is accepted or sent",
		Doc: `## Why

Browsers send ` + "`Origin: null`" + ` from sandboxed iframes, ` + "`data:`" + ` URLs and local files, all of
which any attacker can create. Trusting ` + "`null`" + ` trusts them.

## Bad

` + "```nginx" + `
add_header Access-Control-Allow-Origin null;
` + "```" + `

## Good

` + "```nginx" + `
add_header Access-Control-Allow-Origin https://app.example.com;
` + "```" + `
`,
	},
	Run: func(p *Pass) {
		for _, op := range p.File.Headers {
			if op.Name == model.ACAO && adds(op) && hasLiteral(op.Value, "null") {
				p.Report(op.Span, "Access-Control-Allow-Origin is \"null\", which sandboxed iframes and data: URLs of any site send; name the trusted origin instead")
			}
		}
		for _, m := range p.File.Matchers {
			if m.Dynamic {
				continue
			}
			if !m.Hostnames && m.Matches("null") {
				p.Report(m.Span, "origin allowlist \"%s\" accepts \"null\", which sandboxed iframes and data: URLs of any site send; remove it", m.Pattern)
			}
		}
	},
}

var insecureOrigin = &Rule{
	Meta: Meta{
		ID: "CORS104", Slug: "insecure-origin", Severity: findings.Warning,
		SecuritySeverity: "5.9",
		Summary:          "an http:// origin is trusted",
		Doc: `## Why

A page served over plain http can be replaced by anyone on the network path (public Wi-Fi, a
compromised router). Trusting an ` + "`http://`" + ` origin hands them the API. Loopback origins
(` + "`http://localhost`" + `) are exempt: no network attacker can serve them.

## Bad

` + "```nginx" + `
add_header Access-Control-Allow-Origin http://app.example.com;
` + "```" + `

## Good

` + "```nginx" + `
add_header Access-Control-Allow-Origin https://app.example.com;
` + "```" + `
`,
	},
	Run: func(p *Pass) {
		for _, op := range p.File.Headers {
			if op.Name != model.ACAO || !adds(op) {
				continue
			}
			for _, t := range literalTexts(op.Value) {
				if strings.HasPrefix(strings.ToLower(t), "http://") && !isLoopback(t) {
					p.Report(op.Span, "Access-Control-Allow-Origin trusts %q over plain http, which anyone on the network can impersonate; use https://%s", t, t[len("http://"):])
				}
			}
			// A value only partly known (a SAM !Sub with an unresolved
			// part) is still plain http when it starts so.
			for _, v := range op.Value.Possible() {
				if v.Kind == model.Unknown && strings.HasPrefix(strings.ToLower(v.Raw), "http://") && !isLoopback(v.Raw) {
					p.Report(op.Span, "Access-Control-Allow-Origin trusts %q over plain http, whatever the rest resolves to, which anyone on the network can impersonate; use https://%s", v.Raw, v.Raw[len("http://"):])
				}
			}
		}
		for _, m := range p.File.Matchers {
			if m.Kind != model.MatchExact || m.Dynamic {
				continue // patterns: CORS102 reports http:// where https:// was meant
			}
			for _, e := range m.Exact {
				if strings.HasPrefix(strings.ToLower(e), "http://") && !isLoopback(e) {
					p.Report(m.Span, "origin allowlist trusts %q over plain http, which anyone on the network can impersonate; use https://%s", e, e[len("http://"):])
				}
			}
		}
	},
}

var invalidOriginValue = &Rule{
	Meta: Meta{
		ID: "CORS105", Slug: "invalid-origin-value", Severity: findings.Error,
		SecuritySeverity: "3.0",
		Summary:          "an Access-Control-Allow-Origin value no browser can match",
		Doc: `## Why

The browser compares ` + "`Access-Control-Allow-Origin`" + ` with the page's origin character by character:
scheme, lower-case host and port, nothing else. A list of origins, a path or trailing slash, a
missing scheme or upper case never match, so every request is blocked.

## Bad

` + "```nginx" + `
add_header Access-Control-Allow-Origin "https://a.example.com, https://b.example.com";
add_header Access-Control-Allow-Origin https://app.example.com/;
` + "```" + `

## Good

` + "```nginx" + `
add_header Access-Control-Allow-Origin https://app.example.com;
` + "```" + `
`,
	},
	Run: func(p *Pass) {
		for _, op := range p.File.Headers {
			if op.Name != model.ACAO || !adds(op) {
				continue
			}
			for _, v := range op.Value.Possible() {
				if v.Kind != model.Literal || v.Note == "" {
					continue
				}
				// The server reads the value differently from how it looks.
				p.Report(op.Span, "Access-Control-Allow-Origin %q is never an origin, so the browser blocks every request: %s", v.Raw, v.Note)
			}
			for _, t := range literalTexts(withoutNotes(op.Value)) {
				if why, fix := originProblem(t); why != "" {
					p.Report(op.Span, "Access-Control-Allow-Origin %q %s, so the browser blocks every request; %s", t, why, fix)
				}
			}
		}
	},
}

// withoutNotes drops the possible values that carry a Note, which are
// reported with it.
func withoutNotes(v model.Value) model.Value {
	out := model.Value{Kind: model.Variable}
	for _, p := range v.Possible() {
		if p.Note == "" {
			out.Options = append(out.Options, p)
		}
	}
	return out
}

// originProblem explains why s is not a serialized origin the browser can
// match, and what to write instead.
func originProblem(s string) (why, fix string) {
	if s == "*" || s == "null" {
		return "", ""
	}
	if strings.ContainsAny(s, ", ") {
		return "lists several origins (only one is allowed)", "echo the request's origin after checking it against an allowlist"
	}
	u, err := url.Parse(s)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return "has no scheme", fmt.Sprintf("write https://%s", strings.TrimPrefix(s, "//"))
	}
	origin := strings.ToLower(u.Scheme) + "://" + strings.ToLower(u.Host)
	if u.Path != "" || u.RawQuery != "" || u.Fragment != "" {
		return "has a path (an origin is scheme, host and port only)", "write " + origin
	}
	if origin != s {
		return "is not lower case (browsers send the origin in lower case)", "write " + origin
	}
	return "", ""
}

var untrustedOrigin = &Rule{
	Meta: Meta{
		ID: "CORS106", Slug: "untrusted-origin", Severity: findings.Warning,
		SecuritySeverity: "5.0",
		Summary:          "an origin outside the configured trusted-origins is allowed",
		Doc: `## Why

When ` + "`trusted-origins`" + ` is set in ` + "`.corslint.yaml`" + `, every origin a configuration allows must be
on it: a pull request that adds a new one gets a second look. Off unless configured.

## Bad

` + "```yaml" + `
# .corslint.yaml
trusted-origins: [https://app.example.com]
` + "```" + `
` + "```nginx" + `
add_header Access-Control-Allow-Origin https://partner.example.net;
` + "```" + `

## Good

` + "```nginx" + `
add_header Access-Control-Allow-Origin https://app.example.com;
` + "```" + `
`,
	},
	Run: func(p *Pass) {
		if p.Options == nil || len(p.Options.TrustedOrigins) == 0 {
			return
		}
		trusted := map[string]bool{}
		for _, o := range p.Options.TrustedOrigins {
			trusted[strings.TrimSuffix(o, "/")] = true
		}
		check := func(o string, at model.Span) {
			if o == "" || o == "*" || trusted[o] {
				return
			}
			p.Report(at, "origin %q is not in trusted-origins; add it there if it is meant to be trusted", o)
		}
		for _, op := range p.File.Headers {
			if op.Name == model.ACAO && adds(op) {
				for _, t := range literalTexts(op.Value) {
					check(t, op.Span)
				}
			}
		}
		for _, m := range p.File.Matchers {
			if m.Kind == model.MatchExact && !m.Hostnames && !m.Dynamic {
				for _, e := range m.Exact {
					check(e, m.Span)
				}
			}
		}
	},
}
