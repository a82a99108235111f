package apache

import (
	"fmt"
	"sort"
	"strings"

	"github.com/corslint/corslint/model"
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

// dumpResponses renders a model's responses, one per line, with the
// header lines each sends on success and on an error it generates itself.
func dumpResponses(f *model.File) string {
	var b strings.Builder
	for _, r := range f.Responses {
		fmt.Fprintf(&b, "%s %s", r.Route.Kind, r.Route.Label)
		if r.Scope != r.Route {
			fmt.Fprintf(&b, " in %s", r.Scope.Kind)
		}
		if r.Methods != nil {
			fmt.Fprintf(&b, " methods=%s", strings.Join(r.Methods, ","))
		}
		fmt.Fprintf(&b, " from=%s", r.Source)
		if r.Status != 0 {
			fmt.Fprintf(&b, " status=%d", r.Status)
		}
		if r.OptionsStatus != 0 {
			fmt.Fprintf(&b, " options=%d", r.OptionsStatus)
		}
		if r.Upstream != nil {
			fmt.Fprintf(&b, " upstream=%s", r.Upstream.Target)
			var hs []string
			for h := range r.Upstream.Hidden {
				hs = append(hs, h)
			}
			sort.Strings(hs)
			if len(hs) > 0 {
				fmt.Fprintf(&b, " replaces=%s", strings.Join(hs, ","))
			}
		}
		fmt.Fprintf(&b, " @%d:%d\n", r.Span.Line, r.Span.Col)
		status, from := r.Status, r.Source
		if status == 0 {
			status = 200
		}
		b.WriteString("  sent:")
		for _, in := range r.Instances(status, from) {
			fmt.Fprintf(&b, " %s=%s", short(in.Name), describe(in.Value))
		}
		b.WriteString("\n")
		if r.Status == 0 {
			errFrom := model.FromServer
			if r.Source == model.FromUpstream {
				errFrom = model.FromUpstream
			}
			b.WriteString("  on error:")
			for _, in := range r.Instances(500, errFrom) {
				fmt.Fprintf(&b, " %s=%s", short(in.Name), describe(in.Value))
			}
			b.WriteString("\n")
		}
	}
	return b.String()
}

func short(name string) string {
	switch name {
	case model.ACAO:
		return "ACAO"
	case model.ACAC:
		return "ACAC"
	case model.ACAM:
		return "ACAM"
	case model.ACAH:
		return "ACAH"
	case model.ACMA:
		return "ACMA"
	case model.ACEH:
		return "ACEH"
	}
	return name
}

func describe(v model.Value) string {
	switch v.Kind {
	case model.Literal, model.Wildcard, model.Null:
		if v.Note != "" {
			return fmt.Sprintf("%q(note)", v.Text)
		}
		return fmt.Sprintf("%q", v.Text)
	case model.Reflected:
		var gs []string
		for _, g := range v.Guards {
			gs = append(gs, g.Pattern)
		}
		return fmt.Sprintf("reflect(%s)[%s]", v.Var, strings.Join(gs, " "))
	case model.Variable:
		var os []string
		for _, o := range v.Options {
			os = append(os, describe(o))
		}
		return v.Var + "{" + strings.Join(os, "|") + "}"
	case model.Empty:
		return "empty"
	}
	return v.Kind.String() + "(" + v.Raw + ")"
}
