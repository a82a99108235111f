package rules

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/corslint/corslint/findings"
	"github.com/corslint/corslint/model"
	"github.com/corslint/corslint/serverside"
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
		type hit struct {
			op, creds *model.HeaderOp
			possible  bool
		}
		hits := map[string]*hit{} // by the position of the ACAO statement
		var order []*hit
		note := func(op, creds *model.HeaderOp, possible bool) {
			k := op.Span.String()
			h := hits[k]
			if h == nil {
				h = &hit{op: op, possible: possible}
				hits[k] = h
				order = append(order, h)
			}
			h.possible = h.possible && possible
			if h.creds == nil {
				h.creds = creds
			}
		}
		for _, r := range p.File.Responses {
			var echoes []*model.HeaderOp
			for _, op := range r.Ops(model.ACAO) {
				if adds(op) && unguardedReflection(op.Value) {
					echoes = append(echoes, op)
				}
			}
			if len(echoes) == 0 {
				continue
			}
			if xs, ok := p.ask(r, untrustedAsks(r)); ok && echoesAsWritten(xs, r, echoes) {
				// The evaluator's answers: the unrelated origin's
				// requests that get their own origin back from one of
				// these statements, with or without credentials.
				for _, x := range xs {
					for _, a := range x.Answers() {
						if !a.From(r) {
							continue
						}
						for _, l := range linesOf(a, model.ACAO) {
							if l.Op == nil || l.Value != x.Request.Origin || !sameStatement(echoes, l.Op) {
								continue
							}
							var creds *model.HeaderOp
							if c := lineOf(a, model.ACAC); c != nil && c.Value == "true" {
								creds = c.Op
							}
							note(l.Op, creds, false)
						}
					}
				}
				continue
			} else if ok {
				p.asked(r, false)
			}
			for _, op := range echoes {
				note(op, credentialsOn(r), true)
			}
		}
		for _, h := range order {
			via := reflectedVia(h.op.Value)
			var f *findings.Finding
			if h.creds != nil {
				f = p.Report(h.op.Span, "Access-Control-Allow-Origin echoes %s with Access-Control-Allow-Credentials: true and no allowlist: any site can read this API as the signed-in user; %s", via, adviceFor(p.File).Allowlist())
				f.Related = append(f.Related, findings.Related{Message: "credentials allowed here", Span: h.creds.Span})
			} else {
				f = p.Report(h.op.Span, "Access-Control-Allow-Origin echoes %s with no allowlist: every site may read these responses; %s", via, adviceFor(p.File).Allowlist())
				f.Severity = findings.Warning
			}
			if h.possible {
				possibly(f)
			}
		}
	},
}

// echoesAsWritten reports whether every line the evaluator gives from
// one of the echoing statements is the request's own origin. A line with
// another value (httpd's "(null)" for an environment variable the
// request walk does not fill, which CGI and FastCGI handlers do) means
// the evaluator does not know what the statement sends there.
func echoesAsWritten(xs []serverside.Exchange, r *model.Response, echoes []*model.HeaderOp) bool {
	for _, x := range xs {
		for _, a := range x.Answers() {
			if !a.From(r) {
				continue
			}
			for _, l := range linesOf(a, model.ACAO) {
				if l.Op != nil && sameStatement(echoes, l.Op) && l.Value != x.Request.Origin && !rewritesOrigin(l.Op.Value) {
					return false
				}
			}
		}
	}
	return true
}

// untrustedAsks selects the exchanges the unrelated origin sends to r:
// its simple GETs, and its preflights when r answers OPTIONS (a POST's
// actual request may reach an upstream whose answer to OPTIONS nobody
// knows, which says nothing about what r echoes).
func untrustedAsks(r *model.Response) func(*serverside.Exchange) bool {
	return func(x *serverside.Exchange) bool {
		return x.Request.Origin == serverside.Untrusted && (simpleGET(x) || r.IsPreflightAnswer() && x.Preflight != nil && x.Preflight.From(r))
	}
}

// sameStatement reports whether op is one of ops or at the same place as
// one (a lowering may copy a statement for each path through it).
func sameStatement(ops []*model.HeaderOp, op *model.HeaderOp) bool {
	for _, o := range ops {
		if o == op || o.Span.File == op.Span.File && o.Span.Line == op.Span.Line && o.Span.Col == op.Span.Col {
			return true
		}
	}
	return false
}

func unguardedReflection(v model.Value) bool {
	for p := range v.All() {
		if p.Kind == model.Reflected && len(p.Guards) == 0 {
			return true
		}
	}
	return false
}

// rewritesOrigin reports whether v sends the origin through a rewrite
// (VCL's regsub), whose value for each request the evaluator gives: one
// that differs from the origin is the rewrite's, not an unknown.
func rewritesOrigin(v model.Value) bool {
	for p := range v.All() {
		if p.Kind == model.Reflected && p.Rewrite != nil {
			return true
		}
	}
	return false
}

// reflectedVia names how the origin reaches the header, for messages.
func reflectedVia(v model.Value) string {
	for p := range v.All() {
		if p.Kind != model.Reflected || len(p.Guards) > 0 {
			continue
		}
		if p.Rewrite != nil {
			return fmt.Sprintf("%s (through %s, which sends back unchanged every origin it does not match)", p.Var, p.Rewrite.Raw)
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
		var guarded map[*model.Matcher][]*model.Response
		for _, m := range p.File.Matchers {
			if m.Kind == model.MatchExact || m.Dynamic || m.Never != "" {
				continue // a pattern that never sees an Origin guards nothing (CORS107)
			}
			b, ok := probe(m)
			if !ok || b == nil {
				continue
			}
			if guarded == nil {
				guarded = guardedResponses(p.File)
			}
			leaks, decided := p.admits(guarded[m], b.Origin, b.Shown)
			if decided && !leaks || b.Shown && !leaks {
				continue // no answer the pattern guards lets that origin read
			}
			fix := b.Fix
			if fixed, ok := repairPattern(m); ok {
				verb, _, _ := strings.Cut(fix, ":")
				if strings.Contains(verb, "e.g.") {
					verb = "write"
				}
				fix = fmt.Sprintf("%s: \"%s\"", verb, fixed)
				if _, alt, ok := strings.Cut(b.Fix, "\", or "); ok {
					fix += ", or " + alt // the subdomain form
				}
			}
			f := p.Report(m.Span, "origin pattern \"%s\" accepts %q: %s; %s", m.Pattern, b.Origin, b.Why, fix)
			if !decided {
				possibly(f)
			}
		}
	},
}

// admits asks the evaluator whether a simple GET from origin gets its
// origin back in Access-Control-Allow-Origin from one of the responses
// an allowlist guards, with Access-Control-Allow-Credentials: true too
// when creds is set. decided is false when there is none, or the answers
// of one are not decided.
func (p *Pass) admits(guarded []*model.Response, origin string, creds bool) (leaks, decided bool) {
	q := p.exchanges()
	decided = len(guarded) > 0
	for _, r := range guarded {
		asked := false
		for _, x := range q.From(r, origin) {
			if !simpleGET(&x) || x.Request.UpstreamStatus != 0 || x.Actual == nil {
				continue
			}
			asked = true
			if !x.Decided() {
				decided = false
				continue
			}
			if creds && !credentialed(x.Actual) {
				continue
			}
			for _, l := range linesOf(x.Actual, model.ACAO) {
				if l.Value == origin {
					p.asked(r, true)
					return true, true
				}
			}
		}
		decided = decided && asked
		p.asked(r, decided)
	}
	return false, decided
}

// guardedResponses indexes the responses of f by the allowlists that
// decide something of them: a condition of the response or of one of its
// statements, or the allowlist of a value its Access-Control-Allow-Origin
// can take.
func guardedResponses(f *model.File) map[*model.Matcher][]*model.Response {
	out := map[*model.Matcher][]*model.Response{}
	for _, r := range f.Responses {
		seen := map[*model.Matcher]bool{}
		add := func(m *model.Matcher) {
			if m != nil && !seen[m] {
				seen[m] = true
				out[m] = append(out[m], r)
			}
		}
		for _, c := range r.Conds {
			if c != nil {
				add(c.Origin)
			}
		}
		for _, op := range r.Headers {
			if op.When != nil {
				add(op.When.Origin)
			}
			if op.Name != model.ACAO {
				continue
			}
			for _, g := range op.Value.Guards {
				add(g)
			}
			for v := range op.Value.All() {
				for _, g := range v.Guards {
					add(g)
				}
			}
		}
	}
	return out
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
			for v := range op.Value.All() {
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
			for v := range op.Value.All() {
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
	for p := range v.All() {
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
			if why, _ := originProblem(o); why != "" {
				// No Origin header matches it, so it allows nothing
				// (CORS105 and CORS107 report it).
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

// credentialed reports whether a lets the page read with credentials.
func credentialed(a *serverside.Answer) bool {
	for _, l := range linesOf(a, model.ACAC) {
		if l.Value == "true" {
			return true
		}
	}
	return false
}
