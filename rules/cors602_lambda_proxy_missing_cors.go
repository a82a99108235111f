package rules

import (
	"fmt"
	"slices"

	"github.com/corslint/corslint/findings"
	"github.com/corslint/corslint/model"
)

var lambdaProxyMissingCORS = &Rule{
	Meta: Meta{
		ID: "CORS602", Slug: "lambda-proxy-missing-cors", Severity: findings.Note,
		SecuritySeverity: "0.0",
		// Only SAM templates have Lambda proxy integrations.
		Dialects: []model.Dialect{model.SAM},
		Summary:  "a REST API answers preflights, but its Lambda proxy integration must return Access-Control-Allow-Origin itself",
		Doc: `## Why

SAM's ` + "`Cors`" + ` on an ` + "`AWS::Serverless::Api`" + ` only adds an OPTIONS method that answers preflights. The
actual GET or POST goes to the function through the Lambda proxy integration, and API Gateway
passes the function's response through untouched: unless the function returns
` + "`Access-Control-Allow-Origin`" + ` (and ` + "`Access-Control-Allow-Credentials`" + ` when credentials are allowed)
in its ` + "`headers`" + `, the preflight passes and the browser then blocks the response with "No
'Access-Control-Allow-Origin' header is present on the requested resource." A Node.js handler under a local
` + "`CodeUri`" + ` is found from ` + "`Handler`" + ` as the runtime finds it (` + "`src/index.lambdaHandler`" + ` is ` + "`lambdaHandler`" + `
exported by ` + "`src/index.js`" + `, ` + "`.mjs`" + `, ` + "`.cjs`" + `, or the ` + "`.ts`" + ` that ` + "`sam build`" + ` compiles) and read path by
path: each return or callback that answers without the header is reported where it is written (but
not one in a branch only OPTIONS takes, when the API answers preflights before the function), and
so is each throw, which API Gateway turns into its own 502 unless ` + "`GatewayResponses`" + ` ` + "`DEFAULT_5XX`" + `
carries the header. A path whose headers come from code outside the file (a wrapper such as middy,
an imported helper) is undecidable and not reported. Other code (` + "`InlineCode`" + `, Python, Ruby) is
searched for the header's name, and nothing is reported when it is there.

## Bad

` + "```js" + `
exports.handler = async () => ({ statusCode: 200, body: "{}" });
` + "```" + `

## Good

` + "```js" + `
exports.handler = async () => ({
  statusCode: 200,
  headers: { "Access-Control-Allow-Origin": "https://app.example.com" },
  body: "{}",
});
` + "```" + `
`,
	},
	Run: func(p *Pass) {
		// One finding per API, at its CORS setting, naming every function
		// to check: the fix is in each function's code, and a reviewer
		// checks them together.
		type group struct {
			at     model.Span
			allow  *model.HeaderOp
			fns    []string
			routes []findings.Related
		}
		byAPI := map[*model.Scope]*group{}
		var order []*model.Scope
		seenPath := map[string]bool{}
		for _, r := range p.File.Responses {
			u := r.Upstream
			if r.Source != model.FromUpstream || u == nil || !u.Function || carried(r, model.ACAO) != nil {
				continue
			}
			if u.Returns != nil {
				if allow := preflightOrigin(p.File, r); allow != nil {
					reportPaths(p, r, allow, seenPath)
				}
				continue
			}
			if _, ok := u.Adds[model.ACAO]; ok {
				continue
			}
			allow := preflightOrigin(p.File, r)
			if allow == nil {
				continue
			}
			api := topScope(r.Route)
			g := byAPI[api]
			if g == nil {
				g = &group{at: r.Span, allow: allow}
				if allow.Name != "" && allow.Span.Line != 0 && allow.Span.File == r.Span.File {
					g.at = allow.Span
				}
				byAPI[api] = g
				order = append(order, api)
			}
			if slices.Contains(g.fns, u.Target) {
				continue
			}
			g.fns = append(g.fns, u.Target)
			g.routes = append(g.routes, findings.Related{Message: "proxied to " + u.Target + " here", Span: r.Span})
		}
		for _, api := range order {
			g := byAPI[api]
			names := g.fns
			if len(names) > 4 {
				names = append(slices.Clone(names[:3]), fmt.Sprintf("%d more", len(g.fns)-3))
			}
			var f *findings.Finding
			if len(g.fns) == 1 {
				f = p.Report(g.at, "requests go to Lambda function %s through the proxy integration, and API Gateway passes its response through unchanged: unless %s returns Access-Control-Allow-Origin in its headers, the browser blocks the response (\"No 'Access-Control-Allow-Origin' header is present\"); return it from the function (with Access-Control-Allow-Credentials when credentials are allowed)", g.fns[0], g.fns[0])
			} else {
				f = p.Report(g.at, "requests go to Lambda functions %s through proxy integrations, and API Gateway passes their responses through unchanged: unless each returns Access-Control-Allow-Origin in its headers, the browser blocks the response (\"No 'Access-Control-Allow-Origin' header is present\"); return it from every function (with Access-Control-Allow-Credentials when credentials are allowed)", joinAnd(names))
			}
			if g.allow.Span.Line != 0 && g.at.String() != g.allow.Span.String() {
				f.Related = append(f.Related, findings.Related{Message: "CORS configured here", Span: g.allow.Span})
			}
			f.Related = append(f.Related, g.routes...)
		}
	},
}

// preflightOrigin returns the statement that allows an origin on the
// preflight answer for r's route, or r's own when r is a preflight answer
// (then CORS is evidently meant); nil when nothing says CORS is meant.
func preflightOrigin(f *model.File, r *model.Response) *model.HeaderOp {
	if r.IsPreflightAnswer() {
		return &model.HeaderOp{Span: r.Span}
	}
	for _, o := range f.Responses {
		if o.Route == r.Route && o.IsPreflightAnswer() {
			if op := carried(o, model.ACAO); op != nil {
				return op
			}
			if u := o.Upstream; u != nil {
				if at, ok := u.Adds[model.ACAO]; ok {
					return &model.HeaderOp{Span: at}
				}
			}
		}
	}
	return nil
}

func topScope(s *model.Scope) *model.Scope {
	for s != nil && s.Parent != nil {
		s = s.Parent
	}
	return s
}

// reportPaths reports each path of r's function that answers without
// Access-Control-Allow-Origin: a returned object without it in its
// headers, or a throw that API Gateway turns into its own 502 when no
// gateway response for 5XX carries the header. Paths whose headers are
// undecidable are left alone.
func reportPaths(p *Pass, r *model.Response, allow *model.HeaderOp, seen map[string]bool) {
	u := r.Upstream
	want := "'Access-Control-Allow-Origin': '<the allowed origin>'"
	if lits := literalTexts(allow.Value); allow.Name == model.ACAO && len(lits) == 1 {
		want = fmt.Sprintf("'Access-Control-Allow-Origin': '%s'", lits[0])
	}
	related := func(f *findings.Finding) {
		if allow.Span.Line != 0 {
			f.Related = append(f.Related, findings.Related{Message: "CORS configured here", Span: allow.Span})
		}
		f.Related = append(f.Related, findings.Related{Message: "proxied to " + u.Target + " here", Span: r.Span})
	}
	for _, path := range u.Returns {
		if path.Undecidable != "" || seen[path.Span.String()] {
			continue
		}
		if _, ok := path.Headers[model.ACAO]; ok {
			continue
		}
		if len(path.Methods) == 1 && path.Methods[0] == "OPTIONS" && !r.IsPreflightAnswer() {
			continue // the API answers preflights itself; they never reach this path
		}
		seen[path.Span.String()] = true
		if path.Throws {
			if gw := gatewayErrorOrigin(p.File, r); gw != nil {
				continue
			}
			related(p.Report(path.Span, "an error thrown here reaches API Gateway, which answers 502 itself without Access-Control-Allow-Origin, so the browser reports a CORS error instead of the 502; catch it and return { statusCode: 500, headers: { %s } }, or set Access-Control-Allow-Origin in the API's GatewayResponses DEFAULT_5XX", want))
			continue
		}
		status := ""
		if path.Status != 0 {
			status = fmt.Sprintf(" (statusCode %d)", path.Status)
		}
		related(p.Report(path.Span, "%s returns this response%s without Access-Control-Allow-Origin, and API Gateway's proxy integration passes it through unchanged, so the browser blocks it (\"No 'Access-Control-Allow-Origin' header is present\"); add to its headers: { %s }", u.Target, status, want))
	}
}

// gatewayErrorOrigin returns the statement that puts
// Access-Control-Allow-Origin on the 5XX answers API Gateway gives itself
// for r's API (GatewayResponses DEFAULT_5XX), or nil.
func gatewayErrorOrigin(f *model.File, r *model.Response) *model.HeaderOp {
	api := topScope(r.Route)
	for _, o := range f.Responses {
		if o.Source == model.FromServer && o.Status >= 500 && topScope(o.Route) == api {
			if op := carried(o, model.ACAO); op != nil {
				return op
			}
		}
	}
	return nil
}
