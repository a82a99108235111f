package format

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/corslint/corslint/findings"
)

// markdownRows caps the table so that the summary fits in one pull-request
// comment (GitHub allows 65536 characters).
const markdownRows = 100

// writeMarkdown prints a summary fit for a pull-request comment: a heading
// with the counts, then one table row per finding, most severe first.
func writeMarkdown(w io.Writer, r *Report) error {
	bw := bufio.NewWriter(w)
	var shown []findings.Finding
	var counts [3]int
	suppressed := 0
	for _, f := range r.Findings {
		if f.Suppressed != nil {
			suppressed++
			continue
		}
		counts[f.Severity]++
		shown = append(shown, f)
	}
	files := fmt.Sprintf("%d %s", r.Files, plural(r.Files, "file"))
	if len(shown) == 0 {
		fmt.Fprintf(bw, "### corslint: no findings\n\nChecked %s.\n", files)
	} else {
		var parts []string
		for _, sev := range []findings.Severity{findings.Error, findings.Warning, findings.Note} {
			if n := counts[sev]; n > 0 {
				parts = append(parts, fmt.Sprintf("%d %s", n, plural(n, sev.String())))
			}
		}
		fmt.Fprintf(bw, "### corslint: %s\n\nChecked %s.\n\n", strings.Join(parts, ", "), files)
		fmt.Fprintf(bw, "| Severity | Location | Rule | Finding |\n|---|---|---|---|\n")
		// Most severe first; within a severity, the report's order.
		n := 0
		for _, sev := range []findings.Severity{findings.Error, findings.Warning, findings.Note} {
			for _, f := range shown {
				if f.Severity != sev {
					continue
				}
				if n++; n > markdownRows {
					continue
				}
				fmt.Fprintf(bw, "| %s %s | `%s:%d:%d` | [%s](%s) %s | %s |\n",
					mdIcon(f.Severity), f.Severity, mdCode(r.rel(f.Span.File)), f.Span.Line, f.Span.Col,
					f.RuleID, ruleHelpURI(f.RuleID), f.Slug, mdCell(f.Message))
			}
		}
		if n > markdownRows {
			fmt.Fprintf(bw, "\n…and %d more; run corslint locally for the full list.\n", n-markdownRows)
		}
	}
	if suppressed > 0 {
		fmt.Fprintf(bw, "\n%d %s suppressed by corslint:ignore comments.\n", suppressed, plural(suppressed, "finding"))
	}
	return bw.Flush()
}

func mdIcon(s findings.Severity) string {
	return map[findings.Severity]string{findings.Error: ":x:", findings.Warning: ":warning:", findings.Note: ":information_source:"}[s]
}

// mdCell keeps a message on one table row and stops it from closing the
// cell or opening HTML.
func mdCell(s string) string {
	return strings.NewReplacer("|", `\|`, "\r", " ", "\n", " ", "<", "&lt;", ">", "&gt;").Replace(s)
}

func mdCode(s string) string {
	return strings.NewReplacer("`", "'", "|", `\|`, "\n", " ").Replace(s)
}
