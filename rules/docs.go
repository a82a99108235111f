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
	return b.String()
}

// Index renders the rule table for docs/rules/README.md and the README.
func Index(rs []*Rule) string {
	var b strings.Builder
	b.WriteString("| ID | Slug | Severity | Finds |\n|---|---|---|---|\n")
	for _, r := range rs {
		fmt.Fprintf(&b, "| [%s](%s.md) | %s | %s | %s |\n", r.ID, r.ID, r.Slug, r.Severity, r.Summary)
	}
	return b.String()
}
