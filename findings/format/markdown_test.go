package format

import (
	"fmt"
	"strings"
	"testing"

	"github.com/corslint/corslint/findings"
	"github.com/corslint/corslint/model"
)

func TestMarkdownReport(t *testing.T) {
	got := render(t, "markdown", fxReport())
	want := "### corslint: 1 error, 1 warning, 1 note\n\nChecked 3 files.\n\n" +
		"| Severity | Location | Rule | Finding |\n|---|---|---|---|\n" +
		"| :x: error | `conf/site.conf:3:5` | [CORS101](https://github.com/corslint/corslint/blob/main/docs/rules/CORS101.md) reflected-origin | the Origin header is reflected |\n" +
		"| :warning: warning | `a,b:c%d e.conf:1:1` | [CORS401](https://github.com/corslint/corslint/blob/main/docs/rules/CORS401.md) wildcard-origin | value \\| \"100%\" &lt;b&gt;  next, line: x |\n" +
		"| :information_source: note | `/etc/other.conf:1:1` | [CORS301](https://github.com/corslint/corslint/blob/main/docs/rules/CORS301.md) missing-vary | outside the root |\n" +
		"\n1 finding suppressed by corslint:ignore comments.\n"
	if got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
}

// TestMarkdownRowsStayRows checks that every table row keeps exactly four
// cells whatever the message and path hold.
func TestMarkdownRowsStayRows(t *testing.T) {
	r := fxReport()
	r.Findings[0].Message = "a|b\n| x | y |\r\nc"
	r.Findings[0].Span.File = "/repo/we|ird`name\n.conf"
	got := render(t, "markdown", r)
	for _, l := range strings.Split(got, "\n") {
		if !strings.HasPrefix(l, "| ") || strings.HasPrefix(l, "| Severity") {
			continue
		}
		unescaped := strings.Count(l, "|") - strings.Count(l, `\|`)
		if unescaped != 5 {
			t.Errorf("row has %d cell borders, want 5: %q", unescaped, l)
		}
		if strings.Count(l, "`") != 2 {
			t.Errorf("row's code span is broken: %q", l)
		}
	}
}

func TestMarkdownSeverityOrder(t *testing.T) {
	r := fxReport()
	r.Findings = []findings.Finding{
		mdFinding(findings.Note, "n1"), mdFinding(findings.Error, "e1"),
		mdFinding(findings.Warning, "w1"), mdFinding(findings.Error, "e2"),
	}
	got := render(t, "markdown", r)
	last := -1
	for _, m := range []string{"| e1 |", "| e2 |", "| w1 |", "| n1 |"} {
		i := strings.Index(got, m)
		if i <= last {
			t.Fatalf("want errors, then warnings, then notes, each in report order:\n%s", got)
		}
		last = i
	}
	if !strings.HasPrefix(got, "### corslint: 2 errors, 1 warning, 1 note\n") {
		t.Errorf("heading: %s", got)
	}
}

func TestMarkdownNoFindings(t *testing.T) {
	r := fxReport()
	r.Findings = fxFindings()[2:3]
	r.Files = 1
	got := render(t, "markdown", r)
	want := "### corslint: no findings\n\nChecked 1 file.\n\n1 finding suppressed by corslint:ignore comments.\n"
	if got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
}

func TestMarkdownCapsRows(t *testing.T) {
	r := fxReport()
	r.Findings = nil
	for i := range markdownRows + 7 {
		r.Findings = append(r.Findings, mdFinding(findings.Warning, fmt.Sprintf("w%d", i)))
	}
	got := render(t, "markdown", r)
	if n := strings.Count(got, "| :warning: warning |"); n != markdownRows {
		t.Errorf("want %d rows, got %d", markdownRows, n)
	}
	if !strings.Contains(got, "\n…and 7 more; run corslint locally for the full list.\n") {
		t.Errorf("want the overflow line:\n%s", got[len(got)-200:])
	}
	if !strings.HasPrefix(got, fmt.Sprintf("### corslint: %d warnings\n", markdownRows+7)) {
		t.Errorf("the heading counts every finding: %s", got[:60])
	}
}

func mdFinding(sev findings.Severity, msg string) findings.Finding {
	return findings.Finding{RuleID: "CORS401", Slug: "wildcard-origin", Severity: sev, Message: msg,
		Span: model.Span{File: "/repo/x.conf", Line: 1, Col: 1}}
}
