package rules

import (
	"fmt"
	"strings"
)

// Markdown renders a rule's documentation page: the same text serves
// docs/rules/, `corslint explain` and SARIF help.
func Markdown(r *Rule) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# %s %s\n\n", r.ID, r.Slug)
	fmt.Fprintf(&b, "%s.\n\n", strings.ToUpper(r.Summary[:1])+r.Summary[1:])
	fmt.Fprintf(&b, "Default severity: **%s**", r.Severity)
	if r.SecuritySeverity != "" {
		fmt.Fprintf(&b, "; security severity %s", r.SecuritySeverity)
	}
	b.WriteString(".\n\n")
	b.WriteString(strings.TrimSpace(r.Doc))
	b.WriteString("\n")
	for _, ex := range examples(r.ID) {
		fmt.Fprintf(&b, "\n## %s\n\nBad:\n\n```%s\n%s\n```\n\nGood:\n\n```%s\n%s\n```\n",
			ex.Title, ex.Lang, strings.TrimSpace(ex.Bad), ex.Lang, strings.TrimSpace(ex.Good))
		if ex.Note != "" {
			fmt.Fprintf(&b, "\n%s\n", strings.TrimSpace(ex.Note))
		}
	}
	return b.String()
}

// docExample is a rule's bad and good configuration in one dialect.
type docExample struct {
	Title string // "Apache httpd"
	Lang  string // code fence language: "apache", "yaml", "vcl"
	Bad   string
	Good  string
	Note  string // optional Markdown after the examples
}

// examples returns the per-dialect examples of a rule, in a fixed order.
func examples(id string) []docExample {
	var out []docExample
	for _, m := range []map[string]docExample{apacheExamples, samExamples, vclExamples} {
		if ex, ok := m[id]; ok {
			out = append(out, ex)
		}
	}
	return out
}
