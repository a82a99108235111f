package rules

import (
	"github.com/corslint/corslint/findings"
	"github.com/corslint/corslint/model"
	"strings"
)

var preflightMissingAllowOrigin = &Rule{
	Meta: Meta{
		ID: "CORS309", Slug: "preflight-missing-allow-origin", Severity: findings.Error,
		SecuritySeverity: "1.0",
		Summary:          "a preflight answer without Access-Control-Allow-Origin",
		Doc: `## Why

A preflight passes only if its answer carries ` + "`Access-Control-Allow-Origin`" + ` itself; the browser
blocks the request with "Response to preflight request doesn't pass access control check: No
'Access-Control-Allow-Origin' header is present on the requested resource." In nginx the common
cause is several ` + "`if`" + ` blocks in one location: each matching ` + "`if`" + ` replaces the location's
configuration, so when the origin check and the ` + "`OPTIONS`" + ` check both match, only the headers of
the one that returns (or of the last one) are sent (measured with nginx 1.22 and Chromium 156).
In application code the common cause is CORS on one route only: ` + "`app.put('/api/data', cors(), ...)`" + `
leaves the preflight, an OPTIONS request, to Express's own answer (200 with ` + "`Allow`" + ` and no CORS
headers); ` + "`app.options('/api/data', cors())`" + ` or ` + "`app.use(cors())`" + ` answers it.

## Bad

` + "```nginx" + `
location /api/ {
    if ($http_origin ~ '^https://app\.example\.com$') {
        add_header Access-Control-Allow-Origin $http_origin always;
    }
    if ($request_method = OPTIONS) {
        add_header Access-Control-Allow-Methods "GET, PUT" always;
        return 204;
    }
    proxy_pass http://backend;
}
` + "```" + `

## Good

` + "```nginx" + `
map $http_origin $cors_origin {
    default "";
    "https://app.example.com" $http_origin;
}
server {
    location /api/ {
        add_header Access-Control-Allow-Origin $cors_origin always;
        add_header Vary Origin always;
        if ($request_method = OPTIONS) {
            add_header Access-Control-Allow-Origin $cors_origin always;
            add_header Access-Control-Allow-Methods "GET, PUT" always;
            add_header Vary Origin always;
            return 204;
        }
        proxy_pass http://backend;
    }
}
` + "```" + `
`,
	},
	Run: func(p *Pass) {
		seen := map[*model.Response]bool{}
		for _, r := range p.File.Responses {
			// Only answers the configuration writes itself: what an
			// upstream sends to OPTIONS is not known.
			if !r.IsPreflightAnswer() || r.Source != model.FromServer || r.Status/100 != 2 || seen[r] {
				continue
			}
			if len(r.Ops(model.ACAO)) > 0 {
				continue // sent, or lost on this status: CORS304
			}
			if owner := effectiveOwner(r.Scope); droppedACAO(owner) {
				continue // lost to add_header inheritance: CORS305
			}
			intent := addsHeader(r, model.ACAM)
			if intent == nil {
				intent = addsHeader(r, model.ACAH)
			}
			if intent == nil {
				// An OPTIONS answer with no CORS in it is not meant as a
				// preflight answer, unless the server gives it on its own
				// (Express's automatic OPTIONS) where the route's own
				// answer to a method only a preflight admits sends CORS.
				if m, acao := preflightedRoute(p.File, r); acao != nil {
					seen[r] = true
					f := p.Report(r.Route.Span, "nothing answers OPTIONS here, so the server answers the preflight of %s itself with %d and no Access-Control-Allow-Origin, and the browser blocks the request (\"No 'Access-Control-Allow-Origin' header is present on the requested resource\"); %s", m, r.Status, adviceFor(p.File).AnswerOptions("answer OPTIONS with 204 and the CORS headers"))
					f.Related = append(f.Related, findings.Related{Message: "the " + m + " answer's CORS header set here", Span: acao.Span})
				}
				continue
			}
			seen[r] = true
			f := p.Report(r.Span, "this preflight answer sends %s but no Access-Control-Allow-Origin, so the browser blocks every preflight (\"No 'Access-Control-Allow-Origin' header is present on the requested resource\"); %s", intent.Name, preflightOriginFix(p.File, r))
			f.Related = append(f.Related, findings.Related{Message: "preflight headers set here", Span: intent.Span})
		}
	},
}

// droppedACAO reports whether scope s's own add_header lines drop an
// inherited Access-Control-Allow-Origin.
func droppedACAO(s *model.Scope) bool {
	for _, op := range s.Dropped {
		if op.Name == model.ACAO && adds(op) {
			return true
		}
	}
	return false
}

func preflightOriginFix(f *model.File, r *model.Response) string {
	if f.Serving.OwnHeadersDropInherited && r.Scope != nil && r.Scope.Role == model.RoleCondition {
		return "each matching if replaces the location's headers, so set Access-Control-Allow-Origin inside this if block too (from a map of trusted origins rather than another if)"
	}
	return "send Access-Control-Allow-Origin on this answer too"
}

// preflightedRoute returns, for r the server's own answer to OPTIONS (one
// it gives with a reason, no statement of the configuration), a method
// on r's route that only a preflight admits and the statement that adds
// Access-Control-Allow-Origin to that method's answer; "" and nil when no
// answer of the route is meant for a preflighted method.
func preflightedRoute(f *model.File, r *model.Response) (string, *model.HeaderOp) {
	if r.Why == "" {
		return "", nil
	}
	for _, o := range f.Responses {
		if o == r || o.Route != r.Route || o.Status/100 > 2 {
			continue
		}
		acao := addsHeader(o, model.ACAO)
		if acao == nil {
			continue
		}
		for _, m := range o.Methods {
			switch strings.ToUpper(m) {
			case "GET", "HEAD", "POST", "OPTIONS":
				continue
			}
			return strings.ToUpper(m), acao
		}
	}
	return "", nil
}
