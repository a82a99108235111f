package rules

import (
	"fmt"
	"strings"

	"github.com/corslint/corslint/browser"
	"github.com/corslint/corslint/findings"
	"github.com/corslint/corslint/model"
	"github.com/corslint/corslint/serverside"
)

// Client is a request a frontend makes, declared under clients: in
// .corslint.yaml.
type Client struct {
	Origin      string
	Methods     []string
	Headers     []string // "Name" or "Name: value"
	Credentials bool
	Paths       []string
}

var clientRequestBlocked = &Rule{
	Meta: Meta{
		ID: "CORS701", Slug: "client-request-blocked", Severity: findings.Error,
		SecuritySeverity: "1.0",
		Summary:          "a request the frontend makes (clients: in .corslint.yaml) would be blocked by the browser",
		Doc: `## Why

The other rules judge a configuration on its own. When ` + "`.corslint.yaml`" + ` lists the requests the
frontend makes, corslint predicts each one through the configuration, preflight and actual
response, and reports every one Chromium would block, with Chromium's console message, at the
statement that answers it; in application code, at the CORS settings that refuse it instead (the
option of ` + "`cors({...})`" + ` or ` + "`@fastify/cors`" + ` whose header the browser refused, the origin list that
leaves the origin out, or the middleware call for a default), since that is what to change. A pull request that breaks the frontend's PUT then fails review, not
production.

## Bad

` + "```yaml" + `
# .corslint.yaml
clients:
  - origin: https://app.example.com
    methods: [PUT]
    headers: [Authorization]
    credentials: true
    paths: [/api/items]
` + "```" + `
` + "```nginx" + `
location /api/ {
    if ($request_method = OPTIONS) {
        add_header Access-Control-Allow-Origin https://app.example.com always;
        add_header Access-Control-Allow-Methods "GET, PUT" always;
        add_header Access-Control-Allow-Credentials true always;
        return 204;   # no Access-Control-Allow-Headers: Authorization is refused
    }
    proxy_pass http://backend;
}
` + "```" + `

## Good

` + "```nginx" + `
location /api/ {
    if ($request_method = OPTIONS) {
        add_header Access-Control-Allow-Origin https://app.example.com always;
        add_header Access-Control-Allow-Methods "GET, PUT" always;
        add_header Access-Control-Allow-Headers "Authorization" always;
        add_header Access-Control-Allow-Credentials true always;
        return 204;
    }
    add_header Access-Control-Allow-Origin https://app.example.com always;
    add_header Access-Control-Allow-Credentials true always;
    proxy_pass http://backend;
}
` + "```" + `
`,
	},
	Run: func(p *Pass) {
		if p.Options == nil || len(p.Options.Clients) == 0 || len(p.File.Responses) == 0 {
			return
		}
		stack := p.Stack
		if len(stack) == 0 {
			stack = []*model.File{p.File}
		}
		if stack[0] != p.File {
			return // a stack is predicted once, from its outermost file
		}
		// One finding per answering statement, naming every blocked
		// request it answers, grouped by the browser's reason.
		type blocked struct{ what, reason string }
		byStmt := map[string][]blocked{}
		var order []model.Span
		for _, c := range p.Options.Clients {
			methods := c.Methods
			if len(methods) == 0 {
				methods = []string{"GET"}
			}
			paths := c.Paths
			if len(paths) == 0 {
				paths = []string{"/"}
			}
			for _, path := range paths {
				for _, m := range methods {
					req := serverside.Request{Request: browser.Request{
						URL: "https://" + hostFor(p.File) + path, Origin: c.Origin, Method: m, Credentials: c.Credentials,
					}}
					for _, h := range c.Headers {
						name, value, _ := strings.Cut(h, ":")
						req.Headers = append(req.Headers, browser.Header{Name: strings.TrimSpace(name), Value: strings.TrimSpace(value)})
					}
					pr := serverside.Predict(stack, req)
					if pr.Unknown != "" || pr.Verdict.Allowed || pr.Verdict.Message == "" {
						continue
					}
					a := pr.Actual
					if pr.Verdict.Stage == browser.Preflight || a == nil {
						a = pr.Preflight
					}
					if a == nil || a.By.IsZero() {
						continue // no route of this file answers the path
					}
					creds := ""
					if c.Credentials {
						creds = " with credentials"
					}
					by := blockedAt(p.File, a, pr.Verdict.Reason)
					at := by.String()
					if _, ok := byStmt[at]; !ok {
						order = append(order, by)
					}
					byStmt[at] = append(byStmt[at], blocked{fmt.Sprintf("%s %s from %s%s", m, path, c.Origin, creds), chromiumReason(pr.Verdict.Message)})
				}
			}
		}
		for _, by := range order {
			at := by.String()
			var parts []string
			var reasons []string
			what := map[string][]string{}
			for _, b := range byStmt[at] {
				if _, ok := what[b.reason]; !ok {
					reasons = append(reasons, b.reason)
				}
				what[b.reason] = append(what[b.reason], b.what)
			}
			for _, r := range reasons {
				verb := "is"
				if len(what[r]) > 1 {
					verb = "are"
				}
				parts = append(parts, fmt.Sprintf("%s %s blocked: %s", joinAnd(what[r]), verb, r))
			}
			p.Report(by, "%s", strings.Join(parts, "; "))
		}
	},
}

// blockedAt is where a blocked request is reported. Where the CORS
// headers come from shared settings (application code's middleware
// options) that is the settings rather than the route that answers: the
// statement that set the header the browser refused (the option, or the
// middleware call for a default), or for a missing header the statement
// that would set it and did not for this request (an origin list that
// leaves the origin out), or else the one that set the answer's
// Access-Control-Allow-Origin. Elsewhere it is the answering statement.
func blockedAt(f *model.File, a *serverside.Answer, reason browser.Reason) model.Span {
	if !f.Serving.CORSFromSettings {
		return a.By
	}
	name := reasonHeader(reason)
	if name == "" {
		return a.By
	}
	for _, want := range []string{name, model.ACAO} {
		for _, l := range a.Headers {
			if strings.EqualFold(l.Name, want) && !l.From.IsZero() {
				return l.From
			}
		}
		if a.Response == nil {
			continue
		}
		for _, o := range a.Response.Headers {
			if strings.EqualFold(o.Name, want) && !o.Span.IsZero() {
				return o.Span
			}
		}
	}
	return a.By
}

// reasonHeader is the response header a blocking reason is about, or ""
// (a preflight's status, a redirect).
func reasonHeader(r browser.Reason) string {
	switch r {
	case browser.MissingACAO, browser.MultipleACAO, browser.InvalidACAO, browser.ACAOMismatch, browser.WildcardWithCredentials:
		return model.ACAO
	case browser.CredentialsNotTrue:
		return model.ACAC
	case browser.InvalidAllowMethods, browser.MethodNotAllowed:
		return model.ACAM
	case browser.InvalidAllowHeaders, browser.HeaderNotAllowed:
		return model.ACAH
	}
	return ""
}

// chromiumReason drops the "Access to fetch at ... has been blocked by
// CORS policy: " preamble, which repeats what the finding already says.
func chromiumReason(msg string) string {
	if _, after, ok := strings.Cut(msg, "has been blocked by CORS policy: "); ok {
		return fmt.Sprintf("%q", after)
	}
	return fmt.Sprintf("%q", msg)
}

// hostFor is the first named virtual server of f, for the request URL.
func hostFor(f *model.File) string {
	for _, s := range f.Scopes {
		if len(s.Hosts) > 0 && s.Hosts[0] != "_" && !strings.ContainsAny(s.Hosts[0], "*~") {
			return strings.TrimPrefix(s.Hosts[0], ".")
		}
	}
	return "localhost"
}
