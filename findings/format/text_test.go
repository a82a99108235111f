package format

import (
	"strings"
	"testing"

	"github.com/corslint/corslint/findings"
	"github.com/corslint/corslint/model"
)

func TestTextReport(t *testing.T) {
	r := fxReport()
	r.Findings = r.Findings[:1]
	r.Findings = append(r.Findings, fxFindings()[2:]...)
	got := render(t, "text", r)
	want := `conf/site.conf:3:5: error: the Origin header is reflected [CORS101 reflected-origin]
        add_header Access-Control-Allow-Origin $http_origin;
        ^~~~~~~~~~
    included from nginx.conf:2:5
    in this server: conf/site.conf:1:1
/etc/other.conf:1:1: note: outside the root [CORS301 missing-vary]
    add_header Vary Origin;
    ^

2 findings (1 error, 0 warnings, 1 note) in 3 files
`
	if got != want {
		t.Errorf("text output:\n%s\nwant:\n%s", got, want)
	}
}

// TestTextIncludeChain prints the include chain innermost first, the way a
// compiler prints "included from" lines.
func TestTextIncludeChain(t *testing.T) {
	r := &Report{Root: fxRoot, Findings: []findings.Finding{{
		RuleID: "CORS101", Slug: "reflected-origin", Severity: findings.Error, Message: "m",
		Span: model.Span{File: "/repo/c.conf", Line: 1, Col: 1, Via: []model.Span{
			{File: "/repo/a.conf", Line: 5, Col: 1}, // outermost
			{File: "/repo/b.conf", Line: 7, Col: 3},
		}},
	}}}
	got := render(t, "text", r)
	b := strings.Index(got, "included from b.conf:7:3")
	a := strings.Index(got, "included from a.conf:5:1")
	if a < 0 || b < 0 || b > a {
		t.Errorf("want b.conf's include before a.conf's:\n%s", got)
	}
}

func TestTextColor(t *testing.T) {
	for _, on := range []bool{false, true} {
		r := fxReport()
		r.Color = on
		got := render(t, "text", r)
		if strings.Contains(got, "\x1b[") != on {
			t.Errorf("Color=%v: escape sequences present = %v:\n%q", on, !on, got)
		}
	}
}

func TestTextNothingToReport(t *testing.T) {
	r := fxReport()
	r.Findings = fxFindings()[2:3] // only the suppressed one
	if got := render(t, "text", r); got != "" {
		t.Errorf("want no output for suppressed findings only, got:\n%s", got)
	}
}

func TestTextWithoutSources(t *testing.T) {
	r := fxReport()
	r.Sources = nil
	r.Findings = fxFindings()[:1]
	got := render(t, "text", r)
	if strings.Contains(got, "^") || strings.Contains(got, "add_header") {
		t.Errorf("want no snippet without sources:\n%s", got)
	}
	if !strings.HasPrefix(got, "conf/site.conf:3:5: error: ") {
		t.Errorf("want the position line first:\n%s", got)
	}
}

func TestCaret(t *testing.T) {
	tests := []struct {
		name, text               string
		col, line, endLine, endC int
		want                     string
	}{
		{"one column", "abcdef", 3, 1, 1, 4, "  ^"},
		{"range", "abcdef", 2, 1, 1, 5, " ^~~"},
		{"no end", "abcdef", 2, 1, 0, 0, " ^"},
		{"end before start", "abcdef", 4, 1, 1, 2, "   ^"},
		{"to end of line when the span goes on", "abcdef", 3, 1, 4, 1, "  ^~~~"},
		{"past the end of the line", "abc", 2, 1, 1, 40, " ^~"},
		{"column past the line", "abc", 9, 1, 1, 10, "   ^"},
		{"column zero", "abc", 0, 1, 0, 0, "^"},
		{"tab before the column", "\tx = 1", 2, 1, 1, 3, "    ^"},
		{"two tabs", "\t\tx", 3, 1, 1, 4, "        ^"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := caret(tt.text, tt.col, tt.line, tt.endLine, tt.endC); got != tt.want {
				t.Errorf("caret(%q, col %d) = %q, want %q", tt.text, tt.col, got, tt.want)
			}
		})
	}
}

// TestTextLineBreakInMessage keeps each finding on one path:line:col line
// when its message quotes a value with a line break in it.
func TestTextLineBreakInMessage(t *testing.T) {
	r := &Report{Root: fxRoot, Findings: []findings.Finding{{
		RuleID: "CORS310", Slug: "header-value-line-break", Severity: findings.Error,
		Message: "value \"GET,\r\n POST\" holds a line break",
		Span:    model.Span{File: "/repo/a.conf", Line: 1, Col: 1},
		Related: []findings.Related{{Message: "set\nhere", Span: model.Span{File: "/repo/a.conf", Line: 2, Col: 1}}},
	}}}
	got := render(t, "text", r)
	first, _, _ := strings.Cut(got, "\n")
	if want := `a.conf:1:1: error: value "GET,\r\n POST" holds a line break [CORS310 header-value-line-break]`; first != want {
		t.Errorf("first line:\n%q\nwant:\n%q", first, want)
	}
	if !strings.Contains(got, `    set\nhere: a.conf:2:1`) {
		t.Errorf("related location split across lines:\n%s", got)
	}
}
