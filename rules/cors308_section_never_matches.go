package rules

import (
	"fmt"
	"strings"

	"github.com/corslint/corslint/findings"
	"github.com/corslint/corslint/model"
)

var sectionNeverMatches = &Rule{
	Meta: Meta{
		ID: "CORS308", Slug: "section-never-matches", Severity: findings.Error,
		SecuritySeverity: "1.0",
		Summary:          "CORS headers inside a section that no request can ever reach",
		Doc: `## Why

Apache matches ` + "`<Files>`" + ` and ` + "`<FilesMatch>`" + ` against the file name alone, the last part of the
path, never the URL or the directory. A pattern that needs a "/" (` + "`^/api/`" + `, ` + "`api/data\\.json$`" + `)
matches nothing, so the CORS headers inside are never sent and the browser reports "No
'Access-Control-Allow-Origin' header is present on the requested resource". httpd starts without
a word. Match the URL path with ` + "`<Location>`" + ` or ` + "`<LocationMatch>`" + `, or the directory with
` + "`<Directory>`" + `.

In nginx, a prefix location that a regex location beside it always matches too never serves a
request (nginx prefers the first matching regex over any prefix not written with ` + "`^~`" + `), and a
prefix that does not start with "/" matches no request path.

## Bad

` + "```apache" + `
<FilesMatch "^/api/.*\.json$">
    Header always set Access-Control-Allow-Origin "https://app.example.com"
</FilesMatch>
` + "```" + `

## Good

` + "```apache" + `
<LocationMatch "^/api/.*\.json$">
    Header always set Access-Control-Allow-Origin "https://app.example.com"
</LocationMatch>
` + "```" + `
`,
	},
	Run: func(p *Pass) {
		for _, s := range p.File.Scopes {
			if s.NeverMatches == "" {
				continue
			}
			var names []string
			var first *model.HeaderOp
			for _, op := range p.File.Headers {
				if !model.IsCORSHeader(op.Name) || !adds(op) || !within(op.Scope, s) {
					continue
				}
				if first == nil {
					first = op
				}
				if !containsItem(strings.Join(names, ","), op.Name) {
					names = append(names, op.Name)
				}
			}
			if first == nil {
				continue
			}
			section := strings.TrimSpace(s.Kind + " " + s.Label)
			if p.File.Serving.TagSections {
				section = fmt.Sprintf("<%s %q>", s.Kind, s.Label)
			}
			f := p.Report(s.Span, "%s never applies, so its %s is never sent: %s", section, strings.Join(names, ", "), s.NeverMatches)
			f.Related = append(f.Related, findings.Related{Message: "header set here", Span: first.Span})
		}
	},
}

// within reports whether scope s is outer or lies inside it.
func within(s, outer *model.Scope) bool {
	for c := s; c != nil; c = c.Parent {
		if c == outer {
			return true
		}
	}
	return false
}
