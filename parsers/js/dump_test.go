package js

import (
	"fmt"
	"strings"

	"github.com/corslint/corslint/model"
)

// dumpModel renders what lowering produced: scopes, header statements,
// matchers, responses and upstreams, each with the position it points at.
func dumpModel(f *model.File) string {
	var b strings.Builder
	at := func(s model.Span) string {
		if s.File != f.Path {
			return fmt.Sprintf("%s:%d:%d-%d:%d", s.File, s.Line, s.Col, s.EndLine, s.EndCol)
		}
		return fmt.Sprintf("%d:%d-%d:%d", s.Line, s.Col, s.EndLine, s.EndCol)
	}
	scopes := map[*model.Scope]string{}
	for i, s := range f.Scopes {
		scopes[s] = fmt.Sprintf("s%d", i+1)
		parent := "-"
		if s.Parent != nil {
			parent = scopes[s.Parent]
		}
		fmt.Fprintf(&b, "s%d %s %s %q role=%s layer=%s parent=%s\n", i+1, at(s.Span), s.Kind, s.Label, s.Role, s.Layer, parent)
	}
	ids := map[*model.HeaderOp]string{}
	for i, op := range f.Headers {
		ids[op] = fmt.Sprintf("h%d", i+1)
		fmt.Fprintf(&b, "h%d %s %s %s %s delivery=%d scope=%s%s raw=%q\n", i+1, at(op.Span), op.Op, op.Name, value(op.Value), op.Delivery, scopes[op.Scope], when(op.When), op.Raw)
	}
	for _, m := range f.Matchers {
		fmt.Fprintf(&b, "matcher %s kind=%d %q exact=%q ci=%v hostnames=%v dynamic=%v\n", at(m.Span), m.Kind, m.Pattern, m.Exact, m.CaseInsensitive, m.Hostnames, m.Dynamic)
	}
	for _, r := range f.Responses {
		fmt.Fprintf(&b, "response %s source=%s status=%d options=%d methods=%v scope=%s\n", at(r.Span), r.Source, r.Status, r.OptionsStatus, r.Methods, scopes[r.Scope])
		for _, c := range r.Conds {
			fmt.Fprintf(&b, "  cond %q\n", c.Text)
		}
		for _, op := range r.Headers {
			id := ids[op]
			if id == "" {
				id = "variant of " + at(op.Span)
			}
			fmt.Fprintf(&b, "  %s %s %s %s\n", id, op.Op, op.Name, value(op.Value))
		}
		if u := r.Upstream; u != nil {
			fmt.Fprintf(&b, "  upstream %q function=%v adds=%d hidden=%d\n", u.Target, u.Function, len(u.Adds), len(u.Hidden))
		}
	}
	return b.String()
}

func when(c *model.Condition) string {
	if c == nil {
		return ""
	}
	return fmt.Sprintf(" when=%q", c.Text)
}

func value(v model.Value) string {
	switch v.Kind {
	case model.Variable:
		var parts []string
		for _, o := range v.Options {
			parts = append(parts, value(o))
		}
		return "var(" + strings.Join(parts, " | ") + ")"
	case model.Reflected:
		return fmt.Sprintf("reflect(%s guards=%d)", v.Var, len(v.Guards))
	case model.Empty:
		return "empty"
	case model.RequestHeader:
		return fmt.Sprintf("request-header(%s)", v.Var)
	case model.Unknown:
		return fmt.Sprintf("unknown(%q)", v.Raw)
	}
	g := ""
	if len(v.Guards) > 0 {
		g = fmt.Sprintf(" guards=%d", len(v.Guards))
	}
	return fmt.Sprintf("%s(%q)%s", v.Kind, v.Text, g)
}
