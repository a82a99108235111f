package apache

import (
	"fmt"
	"strings"
)

// dump renders a tree with positions, one directive per line, for golden
// files and failure messages.
func dump(ds []*Directive) string {
	var b strings.Builder
	var walk func(ds []*Directive, depth int)
	walk = func(ds []*Directive, depth int) {
		for _, d := range ds {
			fmt.Fprintf(&b, "%s%d:%d-%d:%d ", strings.Repeat("  ", depth), d.Span.Line, d.Span.Col, d.Span.EndLine, d.Span.EndCol)
			if d.Section {
				b.WriteString("<")
			}
			b.WriteString(d.Name)
			for _, a := range d.Args {
				fmt.Fprintf(&b, " [%d:%d-%d:%d %s", a.Span.Line, a.Span.Col, a.Span.EndLine, a.Span.EndCol, a.Raw)
				if a.Value != a.Raw {
					fmt.Fprintf(&b, " =%q", a.Value)
				}
				b.WriteString("]")
			}
			if d.Section {
				b.WriteString(">")
				if !d.Close.IsZero() {
					fmt.Fprintf(&b, " close=%d:%d-%d:%d", d.Close.Line, d.Close.Col, d.Close.EndLine, d.Close.EndCol)
				}
			}
			if d.Inactive {
				b.WriteString(" inactive")
			}
			for _, v := range d.Span.Via {
				fmt.Fprintf(&b, " via=%s", v)
			}
			b.WriteString("\n")
			walk(d.Children, depth+1)
		}
	}
	walk(ds, 0)
	return b.String()
}
