package rules

import (
	"fmt"
	"strings"

	"github.com/corslint/corslint/findings"
	"github.com/corslint/corslint/model"
)

var samCORSUnquoted = &Rule{
	Meta: Meta{
		ID: "CORS601", Slug: "sam-cors-unquoted", Severity: findings.Error,
		Dialects:         []model.Dialect{model.SAM},
		SecuritySeverity: "1.0",
		Summary:          "a SAM Cors or API Gateway header value without the inner single quotes",
		Doc: `## Why

SAM copies each ` + "`Cors`" + ` value of an ` + "`AWS::Serverless::Api`" + ` unchanged into the response parameters of
the OPTIONS method it generates, and API Gateway reads those as mapping expressions: a fixed value
must be wrapped in single quotes inside the YAML string, ` + "`\"'GET,POST'\"`" + `. Without them, with
a stray quote (` + "`\"'*''\"`" + `), or as a bare number (` + "`MaxAge: 600`" + `), the deployment fails with
"Invalid mapping expression specified". The same holds for ` + "`method.response.header.*`" + ` in
integration responses and for gateway response headers. ` + "`AllowCredentials`" + ` is the opposite: only
the boolean ` + "`true`" + ` adds the header, and a quoted ` + "`'true'`" + ` is silently ignored.

## Bad

` + "```yaml" + `
Cors:
  AllowMethods: GET,POST
  AllowOrigin: "'https://app.example.com''"
  MaxAge: 600
` + "```" + `

## Good

` + "```yaml" + `
Cors:
  AllowMethods: "'GET,POST'"
  AllowOrigin: "'https://app.example.com'"
  MaxAge: "'600'"
` + "```" + `
`,
	},
	Run: func(p *Pass) {
		for _, op := range p.File.Headers {
			s := op.Syntax
			if s == nil {
				continue
			}
			f := p.Report(op.Span, "the %s value %q %s%s; %s", op.Name, s.Written, s.Why, conditionNote(op), quotedFix(op, s.Fix))
			if !s.Deploy && op.Name != model.ACAC {
				f.Severity = findings.Warning
			}
		}
	},
}

// conditionNote names the condition a statement depends on, for messages.
func conditionNote(op *model.HeaderOp) string {
	if op.When == nil || op.When.Text == "" {
		return ""
	}
	return " (when " + op.When.Text + " holds)"
}

// quotedFix keeps the parser's advice unless it would quote an
// Access-Control-Allow-Origin value that CORS105 then reports (no scheme,
// several origins): the value suggested must be one the browser accepts.
func quotedFix(op *model.HeaderOp, fix string) string {
	inner, ok := strings.CutPrefix(fix, "write \"'")
	if op.Name != model.ACAO || !ok {
		return fix
	}
	inner = strings.TrimSuffix(inner, "'\"")
	if strings.ContainsAny(inner, "'\"") || inner == "" {
		return fix
	}
	items := listItems(inner)
	if len(items) == 0 {
		return fix
	}
	first := items[0]
	if !strings.Contains(first, "://") {
		first = "https://" + first
	}
	if why, _ := originProblem(first); why != "" {
		return fix
	}
	if len(items) > 1 {
		return fmt.Sprintf("write one origin, e.g. \"'%s'\" (a REST API sends one fixed value; an HTTP API's AllowOrigins can list several)", first)
	}
	if first != inner {
		return fmt.Sprintf("write \"'%s'\", with the scheme the browser compares", first)
	}
	return fix
}
