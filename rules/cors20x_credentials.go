package rules

import (
	"regexp"
	"slices"
	"strings"

	"github.com/corslint/corslint/findings"
	"github.com/corslint/corslint/model"
	"github.com/corslint/corslint/serverside"
)

var wildcardWithCredentials = &Rule{
	Meta: Meta{
		ID: "CORS201", Slug: "wildcard-with-credentials", Severity: findings.Error,
		SecuritySeverity: "4.0",
		Summary:          "Access-Control-Allow-Origin: * together with Access-Control-Allow-Credentials: true",
		Doc: `## Why

The browser refuses ` + "`*`" + ` for any request made with credentials, so every cookie-carrying
request fails with "The value of the 'Access-Control-Allow-Origin' header in the response must
not be the wildcard '*' when the request's credentials mode is 'include'." Either the API is public
(drop credentials) or it is not (name the trusted origins).

## Bad

` + "```nginx" + `
add_header Access-Control-Allow-Origin * always;
add_header Access-Control-Allow-Credentials true always;
` + "```" + `

## Good

` + "```nginx" + `
add_header Access-Control-Allow-Origin $cors_origin always;   # from a map of trusted origins
add_header Access-Control-Allow-Credentials true always;
add_header Vary Origin always;
` + "```" + `
`,
	},
	Run: func(p *Pass) {
		reported := map[*model.HeaderOp]bool{}
		q := p.exchanges()
		// the virtual servers with credentials, and those with a "*",
		// sent by a section below them, which the server may merge into
		// another section's answers (a <DirectoryMatch> into a <Files>,
		// where the query asks the <Files> there: Merges), and those sent
		// under a condition (an httpd <If> or <Else>, merged into every
		// section's answers)
		type from struct{ section, condition bool }
		creds, wilds := map[*model.Scope]from{}, map[*model.Scope]from{}
		mark := func(m map[*model.Scope]from, r *model.Response, op *model.HeaderOp) {
			if op.Scope == nil || op.Scope.Role == model.RoleServer || op.Scope.Role == model.RoleFile {
				return
			}
			f := m[r.VirtualServer()]
			f.section = true
			f.condition = f.condition || op.Scope.Role == model.RoleCondition
			m[r.VirtualServer()] = f
		}
		for _, r := range p.File.Responses {
			if c := credentialsOn(r); c != nil {
				mark(creds, r, c)
			}
			for _, op := range r.Ops(model.ACAO) {
				if adds(op) && op.Value.Is(model.Wildcard) {
					mark(wilds, r, op)
				}
			}
		}
		// elsewhere reports whether r's answers may carry what m marks
		// though r's statements do not send it
		elsewhere := func(m map[*model.Scope]from, r *model.Response) bool {
			f := m[r.VirtualServer()]
			return r.Route != nil && (f.condition || f.section && q.Merges(r))
		}
		for _, r := range p.File.Responses {
			c := credentialsOn(r)
			if c == nil && !elsewhere(creds, r) {
				continue
			}
			var stars []*model.HeaderOp
			acao := r.Ops(model.ACAO)
			for i, op := range acao {
				if adds(op) && op.Value.Is(model.Wildcard) && !reported[op] && !replacedLater(op, acao[i+1:]) && (c == nil || sentWithCredentials(r, op)) {
					stars = append(stars, op)
				}
			}
			if len(stars) == 0 && (c == nil || !elsewhere(wilds, r)) {
				continue
			}
			switch {
			case c == nil || len(stars) == 0:
				// The "*" or the credentials come from a section r's
				// statements do not hold, which httpd merges into r's
				// answers on some URLs or requests (a <DirectoryMatch>
				// into a <Files> on the files under both, either way
				// round; a server's <Else> into a <FilesMatch>'s <If>):
				// only the evaluator's answers show them together.
				if !q.Decides(r) {
					continue
				}
				p.asked(r, true)
				stars, c = wildcardWithCredentialsSent(q.For(r), r)
				stars = slices.DeleteFunc(stars, func(op *model.HeaderOp) bool { return reported[op] })
			case p.decides(r):
				// The evaluator's answers: only a statement whose "*"
				// goes out together with credentials on some response
				// (a "*" sent on successes only, credentials on errors
				// only, never meet).
				stars, c = wildcardWithCredentialsSent(q.For(r), r)
			case preflightsTakenBefore(q, p.File, r):
				stars = nil
			}
			for _, op := range stars {
				reported[op] = true
				f := p.Report(op.Span, "Access-Control-Allow-Origin is \"*\" while Access-Control-Allow-Credentials is true%s: the browser blocks every credentialed request%s; send a trusted origin instead of \"*\", or drop credentials", conditionNote(op), refusedAtDeploy(op.Scope))
				f.Related = append(f.Related, findings.Related{Message: "credentials allowed here", Span: c.Span})
			}
		}
		for _, h := range hitWildcards(p.File) {
			f := p.Report(h.op.Span, "Access-Control-Allow-Origin is \"*\" on answers from the cache (when %s holds) while Access-Control-Allow-Credentials is true: the browser blocks every credentialed request the cache answers; send a trusted origin instead of \"*\", or drop credentials", h.op.When.Text)
			f.Related = append(f.Related, findings.Related{Message: "credentials allowed here", Span: h.creds.Span})
		}
	},
}

// hitWildcard is a "*" that VCL sets only on a cache hit, and the
// credentials of a stored response it goes out with.
type hitWildcard struct {
	op, creds *model.HeaderOp
}

// hitWildcards finds the "*" statements of vcl_deliver that run only on
// an answer from the cache (if (obj.hits > 0) at the top of the sub). The
// responses are fresh answers, for which obj.hits is 0, so no response
// holds them; a response the cache stores is delivered with them on
// every later request for its key, together with the credentials it
// carries, unless a later statement replaces the "*" or the same test
// drops the credentials.
func hitWildcards(f *model.File) []hitWildcard {
	tested := false
	for _, c := range f.Caches {
		tested = tested || len(c.HitTests) > 0
	}
	if !tested {
		return nil
	}
	var out []hitWildcard
	for _, op := range f.Headers {
		if op.Name != model.ACAO || !adds(op) || !op.Value.Is(model.Wildcard) || !onHitOnly(op) || credentialsDroppedWith(f, op) {
			continue
		}
		for _, r := range f.Responses {
			c := credentialsOn(r)
			if c == nil || r.Source != model.FromUpstream || r.Uncached || !sentWithCredentials(r, op) || replacedAfter(op, r.Ops(model.ACAO)) {
				continue
			}
			out = append(out, hitWildcard{op, c})
			break
		}
	}
	return out
}

// hitTest matches a test of obj.hits alone that a hit passes.
var hitTest = regexp.MustCompile(`^obj\.hits (>|>=|!=) [0-9]+$`)

// onHitOnly reports whether op runs under a test of obj.hits alone, one
// level below its sub.
func onHitOnly(op *model.HeaderOp) bool {
	return op.When != nil && op.When.And == nil && hitTest.MatchString(op.When.Text) && op.Scope != nil && op.Scope.Parent != nil && op.Scope.Parent.Kind == "sub"
}

// credentialsDroppedWith reports whether a statement under op's test
// removes Access-Control-Allow-Credentials or sets it to anything else.
func credentialsDroppedWith(f *model.File, op *model.HeaderOp) bool {
	for _, o := range f.Headers {
		if o.Name == model.ACAC && o.When == op.When && (o.Op == model.Unset || o.Op == model.Set && !hasLiteral(o.Value, "true")) {
			return true
		}
	}
	return false
}

// replacedAfter reports whether one of ops, written after op in the same
// file and run on the same answers, replaces or removes the header
// whatever the request.
func replacedAfter(op *model.HeaderOp, ops []*model.HeaderOp) bool {
	for _, l := range ops {
		after := l.Span.File == op.Span.File && (l.Span.Line > op.Span.Line || l.Span.Line == op.Span.Line && l.Span.Col > op.Span.Col)
		if after && (l.Op == model.Set || l.Op == model.Unset) && l.When == nil && l.Table == op.Table && l.Delivery == op.Delivery {
			return true
		}
	}
	return false
}

// preflightsTakenBefore reports whether r answers only OPTIONS, for any
// origin, yet the evaluator answers every preflight sent to r's route
// from another response, deciding each: one of the route (nginx's
// limit_except refuses OPTIONS before the if that would answer it) or,
// in nginx, one of an enclosing scope that does not test the path (a
// server-level if that returns runs before nginx looks for a location;
// httpd's sections merge their headers into one answer instead). r's
// statements then never go out.
func preflightsTakenBefore(q *serverside.Query, f *model.File, r *model.Response) bool {
	if !r.IsPreflightAnswer() || len(q.For(r)) > 0 {
		return false
	}
	for _, m := range r.Methods {
		if !strings.EqualFold(m, "OPTIONS") {
			return false // a GET it also answers may well get through
		}
	}
	for _, c := range r.Conds {
		if c != nil && c.Origin != nil {
			return false // the sampled origins may miss the ones r answers
		}
	}
	return answeredElsewhere(q, f, r, false)
}

// answeredElsewhere reports whether every preflight the query sends to
// r's route is decided and answered by a response other than r: one of
// the route, or, where a rewrite phase runs first (nginx), one of an
// enclosing scope that does not test the path (a server-level if that
// returns). A preflight no response of
// the file answers (the upstream's) counts against that when
// unansweredCounts, and is passed over otherwise.
func answeredElsewhere(q *serverside.Query, f *model.File, r *model.Response, unansweredCounts bool) bool {
	seen := false
	for _, x := range q.Route(r) {
		o := x.Preflight
		if o == nil || o.Response == nil && !unansweredCounts {
			continue
		}
		if !x.Decided() || o.Response == nil || o.Response == r || o.Response.Route != r.Route && (!f.Serving.RewritePhase || !pathBlind(o.Response)) || testsURL(o.Response) || f.Walker != nil && wentThrough(o, r.Scope) {
			return false
		}
		seen = true
	}
	return seen
}

// wentThrough reports whether the dialect's own walk that gave answer a
// went through scope s (httpd's: "VirtualHost a.test > Files f.txt >
// Else"), whose statements then made it, whichever response of the route
// it is tied to (the <Else> of an <If> on the method answered OPTIONS,
// tied to its <Files>).
func wentThrough(a *serverside.Answer, s *model.Scope) bool {
	if s == nil || s.Role == model.RoleServer {
		return false
	}
	return strings.Contains(" > "+a.Route+" > ", " > "+s.Kind+" "+s.Label+" > ")
}

// testsURL reports whether one of r's conditions tests the URL (an
// httpd RewriteRule whose pattern takes some paths): the sampled URL then
// does not speak for the other paths of the route, which r leaves to
// another answer.
func testsURL(r *model.Response) bool {
	for _, c := range r.Conds {
		for ; c != nil; c = c.And {
			if c.URL != nil {
				return true
			}
		}
	}
	return false
}

// pathBlind reports whether r's conditions do not test the request's
// path, so that the sampled URL speaks for every path of a route inside
// r's.
func pathBlind(r *model.Response) bool {
	for _, c := range r.Conds {
		for ; c != nil; c = c.And {
			if c.Methods == nil && c.Origin == nil {
				return false
			}
		}
	}
	return true
}

// sentWithCredentials reports whether op reaches some status r answers
// with together with a statement of r that sends credentials: an
// add_header without always on a response that is always a 502 is never
// sent.
func sentWithCredentials(r *model.Response, op *model.HeaderOp) bool {
	for _, st := range statusesOf(r) {
		if !op.Delivery.Reaches(st.status, st.from) {
			continue
		}
		for _, c := range r.Ops(model.ACAC) {
			if adds(c) && hasLiteral(c.Value, "true") && c.Delivery.Reaches(st.status, st.from) {
				return true
			}
		}
	}
	return false
}

// replacedLater reports whether one of the statements after op (later,
// in the order they run) replaces or removes its header on every
// response: op's value then never goes out (VCL's set after an if that
// set "*").
func replacedLater(op *model.HeaderOp, later []*model.HeaderOp) bool {
	for _, l := range later {
		if (l.Op == model.Set || l.Op == model.Unset) && l.When == nil && l.Table == op.Table && l.Delivery == op.Delivery && (l.Stored == op.Stored || !l.Stored) {
			return true
		}
	}
	return false
}

// wildcardWithCredentialsSent returns the statements that put "*" on an
// answer from r that also carries Access-Control-Allow-Credentials: true,
// and the statement of the latter.
func wildcardWithCredentialsSent(xs []serverside.Exchange, r *model.Response) (stars []*model.HeaderOp, creds *model.HeaderOp) {
	for _, x := range xs {
		for _, a := range x.Answers() {
			if !a.From(r) {
				continue
			}
			c := lineOf(a, model.ACAC)
			if c == nil || c.Value != "true" {
				continue
			}
			for _, l := range linesOf(a, model.ACAO) {
				if l.Value == "*" && l.Op != nil && !slices.Contains(stars, l.Op) {
					stars = append(stars, l.Op)
					creds = c.Op
				}
			}
		}
	}
	return stars, creds
}

var invalidCredentialsValue = &Rule{
	Meta: Meta{
		ID: "CORS202", Slug: "invalid-credentials-value", Severity: findings.Error,
		SecuritySeverity: "2.0",
		Summary:          "Access-Control-Allow-Credentials is anything but the exact value true",
		Doc: `## Why

Only the exact, lower-case value ` + "`true`" + ` allows credentials. ` + "`True`" + `, ` + "`1`" + ` or ` + "`yes`" + ` make the browser block
every credentialed request. ` + "`false`" + ` is the same as leaving the header out, which is what it asks
for, and is not reported.

## Bad

` + "```nginx" + `
add_header Access-Control-Allow-Credentials True;
` + "```" + `

## Good

` + "```nginx" + `
add_header Access-Control-Allow-Credentials true;
` + "```" + `
`,
	},
	Run: func(p *Pass) {
		for _, op := range p.File.Headers {
			if op.Name != model.ACAC || !adds(op) {
				continue
			}
			for _, t := range literalTexts(op.Value) {
				if t == "true" || t == "" {
					continue
				}
				if strings.EqualFold(strings.TrimSpace(t), "false") {
					// Not "true" means no credentials, which is what
					// "false" asks for: harmless, not worth a finding.
					continue
				}
				p.Report(op.Span, "Access-Control-Allow-Credentials is %q, but browsers accept only the exact value \"true\": every credentialed request is blocked; write true", t)
			}
		}
	},
}

var wildcardIgnoredWithCredentials = &Rule{
	Meta: Meta{
		ID: "CORS203", Slug: "wildcard-ignored-with-credentials", Severity: findings.Error,
		SecuritySeverity: "2.0",
		Summary:          "* in Allow-Headers, Allow-Methods or Expose-Headers where credentials are on",
		Doc: `## Why

With credentials, the browser reads ` + "`*`" + ` in ` + "`Access-Control-Allow-Headers`" + `,
` + "`Access-Control-Allow-Methods`" + ` and ` + "`Access-Control-Expose-Headers`" + ` as a literal name, not a wildcard.
A credentialed request that sends ` + "`Content-Type: application/json`" + ` or uses PUT is then blocked, and
no response header is exposed.

## Bad

` + "```nginx" + `
add_header Access-Control-Allow-Credentials true always;
add_header Access-Control-Allow-Headers * always;
` + "```" + `

## Good

` + "```nginx" + `
add_header Access-Control-Allow-Credentials true always;
add_header Access-Control-Allow-Headers "Content-Type, Authorization" always;
` + "```" + `
`,
	},
	Run: func(p *Pass) {
		for _, r := range p.File.Responses {
			c := credentialsOn(r)
			if c == nil {
				continue
			}
			for _, name := range []string{model.ACAH, model.ACAM, model.ACEH} {
				for _, op := range r.Ops(name) {
					if !adds(op) {
						continue
					}
					for _, t := range literalTexts(op.Value) {
						if !containsItem(t, "*") {
							continue
						}
						f := p.Report(op.Span, "%s lists \"*\" while Access-Control-Allow-Credentials is true: the browser takes it as a literal name, not a wildcard; list the names instead", name)
						if name == model.ACEH {
							f.Severity = findings.Warning
						}
						f.Related = append(f.Related, findings.Related{Message: "credentials allowed here", Span: c.Span})
					}
				}
			}
		}
	},
}

func containsItem(list, item string) bool {
	for _, it := range listItems(list) {
		if strings.EqualFold(it, item) {
			return true
		}
	}
	return false
}
