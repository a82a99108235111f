package format

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/fatih/color"

	"github.com/corslint/corslint/findings"
)

func writeText(w io.Writer, r *Report) error {
	bw := bufio.NewWriter(w)
	paint := func(c *color.Color, s string) string {
		if !r.Color {
			return s
		}
		c.EnableColor()
		return c.Sprint(s)
	}
	sevColor := map[findings.Severity]*color.Color{
		findings.Error:   color.New(color.FgRed, color.Bold),
		findings.Warning: color.New(color.FgYellow, color.Bold),
		findings.Note:    color.New(color.FgCyan),
	}
	dim := color.New(color.Faint)
	var counts [3]int
	for _, f := range r.Findings {
		if f.Suppressed != nil {
			continue
		}
		counts[f.Severity]++
		fmt.Fprintf(bw, "%s:%d:%d: %s: %s %s\n", r.rel(f.Span.File), f.Span.Line, f.Span.Col,
			paint(sevColor[f.Severity], f.Severity.String()), oneLine(f.Message), paint(dim, "["+f.RuleID+" "+f.Slug+"]"))
		if text := r.lineText(f.Span.File, f.Span.Line); text != "" {
			fmt.Fprintf(bw, "    %s\n    %s\n", expandTabs(text), paint(sevColor[f.Severity], caret(text, f.Span.Col, f.Span.Line, f.Span.EndLine, f.Span.EndCol)))
		}
		for i := len(f.Span.Via) - 1; i >= 0; i-- {
			v := f.Span.Via[i]
			fmt.Fprintf(bw, "    included from %s:%d:%d\n", r.rel(v.File), v.Line, v.Col)
		}
		for _, rel := range f.Related {
			fmt.Fprintf(bw, "    %s %s:%d:%d\n", oneLine(rel.Message)+":", r.rel(rel.Span.File), rel.Span.Line, rel.Span.Col)
		}
	}
	if n := counts[0] + counts[1] + counts[2]; n > 0 {
		fmt.Fprintf(bw, "\n%d %s (%d %s, %d %s, %d %s) in %d %s\n", n, plural(n, "finding"),
			counts[findings.Error], plural(counts[findings.Error], "error"),
			counts[findings.Warning], plural(counts[findings.Warning], "warning"),
			counts[findings.Note], plural(counts[findings.Note], "note"),
			r.Files, plural(r.Files, "file"))
	}
	return bw.Flush()
}

func plural(n int, s string) string {
	if n == 1 {
		return s
	}
	return s + "s"
}

// caret underlines the span on its first line; tabs become spaces so the
// marker lines up with the expanded source line.
func caret(text string, col, line, endLine, endCol int) string {
	if col < 1 {
		col = 1
	}
	prefix := expandTabs(text[:min(col-1, len(text))])
	width := 1
	if endLine == line && endCol > col {
		width = min(endCol-col, len(text)-(col-1))
	} else if endLine > line {
		width = len(text) - (col - 1)
	}
	if width < 1 {
		width = 1
	}
	return strings.Repeat(" ", len(prefix)) + "^" + strings.Repeat("~", width-1)
}

func expandTabs(s string) string { return strings.ReplaceAll(s, "\t", "    ") }

// oneLine keeps a finding on its own line: a message may quote a value
// that holds a line break (CORS310), which would otherwise split the
// path:line:col line that editors and CI parse.
func oneLine(s string) string {
	if !strings.ContainsAny(s, "\r\n") {
		return s
	}
	return strings.NewReplacer("\r", `\r`, "\n", `\n`).Replace(s)
}
