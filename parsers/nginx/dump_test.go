package nginx

import (
	"fmt"
	"strings"
)

// dump renders a tree with positions, one directive per line, for golden
// files and failure messages.
func dump(ds []*Directive) string {
	var b strings.Builder
	walk(ds, func(d *Directive, parents []*Directive) bool {
		fmt.Fprintf(&b, "%s%d:%d-%d:%d %s", strings.Repeat("  ", len(parents)), d.Span.Line, d.Span.Col, d.Span.EndLine, d.Span.EndCol, d.NameRaw)
		for _, a := range d.Args {
			fmt.Fprintf(&b, " [%d:%d-%d:%d %s]", a.Span.Line, a.Span.Col, a.Span.EndLine, a.Span.EndCol, a.Raw)
		}
		if d.IsBlock {
			b.WriteString(" {")
		}
		if d.Body != "" {
			fmt.Fprintf(&b, " body=%q", d.Body)
		}
		for _, v := range d.Span.Via {
			fmt.Fprintf(&b, " via=%s", v)
		}
		b.WriteString("\n")
		return true
	})
	return b.String()
}
