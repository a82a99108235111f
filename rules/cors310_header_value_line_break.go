package rules

import (
	"strings"

	"github.com/corslint/corslint/findings"
	"github.com/corslint/corslint/model"
)

var headerValueLineBreak = &Rule{
	Meta: Meta{
		ID: "CORS310", Slug: "header-value-line-break", Severity: findings.Error,
		SecuritySeverity: "1.0",
		Summary:          "a line break inside a CORS header value",
		Doc: `## Why

nginx sends a quoted value that spans lines as it is, line break included. When the next line does
not start with a space or tab, the browser reads it as a header line of its own and drops it:
` + "`\"Content-Type,\\nAuthorization\"`" + ` reaches Chromium as ` + "`Content-Type,`" + ` and the request is blocked with
"Request header field authorization is not allowed by Access-Control-Allow-Headers in preflight
response." (measured with nginx 1.22 and Chromium 156). An indented continuation line is an
obsolete line folding: Chromium joins it, but HTTP/2 forbids line breaks in values, and proxies
may reject the response, so it is reported as a note.

## Bad

` + "```nginx" + `
add_header Access-Control-Allow-Headers "Content-Type,
Authorization" always;
` + "```" + `

## Good

` + "```nginx" + `
add_header Access-Control-Allow-Headers "Content-Type, Authorization" always;
` + "```" + `
`,
	},
	Run: func(p *Pass) {
		for _, op := range p.File.Headers {
			if !model.IsCORSHeader(op.Name) || !adds(op) {
				continue
			}
			for _, t := range literalTexts(op.Value) {
				if !strings.ContainsAny(t, "\r\n") {
					continue
				}
				one := strings.Join(strings.Fields(t), " ")
				if folded(t) {
					f := p.Report(op.Span, "%s spans several lines; Chromium joins the indented line, but HTTP/2 forbids line breaks in header values and proxies may reject the response; write it on one line: %q", op.Name, one)
					f.Severity = findings.Note
				} else {
					p.Report(op.Span, "%s spans several lines and the server sends the line break as it is, so the browser drops everything after it; write it on one line: %q", op.Name, one)
				}
				break
			}
		}
	},
}

// folded reports whether every line after the first starts with a space
// or tab (an obsolete line folding, which browsers join).
func folded(s string) bool {
	lines := strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n")
	for _, l := range lines[1:] {
		if l == "" || (l[0] != ' ' && l[0] != '\t') {
			return false
		}
	}
	return true
}
