package apache

import (
	"fmt"
	"strings"

	"github.com/corslint/corslint/model"
)

// lowerHeaders reads the conditions of <If> sections and every Header
// directive, in reading order.
func (l *lowerer) lowerHeaders() {
	for _, s := range l.all {
		l.setCondition(s)
	}
	for _, s := range l.all {
		for _, d := range s.body {
			if !d.Is("Header") {
				continue
			}
			if op := l.header(s, d); op != nil {
				s.ops = append(s.ops, op)
				s.scope.Own = append(s.scope.Own, op)
				l.file.Headers = append(l.file.Headers, op)
			}
		}
	}
}

// setCondition reads the expression of an <If> or <ElseIf>; <Else> and
// <ElseIf> also hold when the earlier branches did not.
func (l *lowerer) setCondition(s *sec) {
	if s.kind != "If" && s.kind != "ElseIf" && s.kind != "Else" {
		return
	}
	text, at := "", s.d.Span
	var ts []test
	if s.kind != "Else" && len(s.d.Args) > 0 {
		a := s.d.Args[0]
		text = s.d.ArgsText()
		at = a.Span
		ts = parseExpr(text, a, 0)
	}
	cond, guards, unknown := conjunction(text, at, ts)
	if s.kind != "If" {
		// The branches before this one did not hold: only a chain of
		// method tests says which methods are left.
		var prev []string
		methodsOnly := true
		for _, sib := range l.previousBranches(s) {
			if sib.cond == nil || sib.cond.Methods == nil || sib.cond.Origin != nil || sib.unknown {
				methodsOnly = false
				break
			}
			prev = append(prev, sib.cond.Methods...)
		}
		if methodsOnly {
			left := otherMethods(prev)
			if cond.Methods != nil {
				var both []string
				for _, m := range cond.Methods {
					if hasMethod(left, m) {
						both = append(both, m)
					}
				}
				left = both
			}
			cond.Methods = left
		} else {
			unknown = true
		}
		if s.kind == "Else" {
			cond.Text = "else"
		}
	}
	s.cond, s.guards, s.unknown = cond, guards, unknown
}

// previousBranches returns the <If>/<ElseIf> siblings a branch follows.
func (l *lowerer) previousBranches(s *sec) []*sec {
	var out []*sec
	if s.parent == nil {
		return nil
	}
	for _, k := range s.parent.kids {
		if k == s {
			break
		}
		switch k.kind {
		case "If":
			out = []*sec{k}
		case "ElseIf":
			out = append(out, k)
		default:
			out = nil
		}
	}
	return out
}

var headerActions = map[string]model.Op{
	"set": model.Set, "add": model.Add, "append": model.Append, "merge": model.Merge,
	"unset": model.Unset, "setifempty": model.SetIfEmpty,
}

// header lowers Header [always|onsuccess] action name [value] [cond], with
// mod_headers' argument rules; a malformed one is what httpd refuses to
// start with, a CORS001.
func (l *lowerer) header(s *sec, d *Directive) *model.HeaderOp {
	args := d.Args
	table := "onsuccess"
	if len(args) > 0 && (strings.EqualFold(args[0].Value, "always") || strings.EqualFold(args[0].Value, "onsuccess")) {
		table = strings.ToLower(args[0].Value)
		args = args[1:]
	}
	if len(args) == 0 {
		l.syntax(d.Span, "Header needs an action: set, append, add, merge, unset, setifempty, edit, edit*, echo or note")
		return nil
	}
	action := strings.ToLower(args[0].Value)
	op, known := headerActions[action]
	var nameArg, valueArg, condArg *Arg
	switch {
	case known && op == model.Unset, action == "echo":
		if len(args) < 2 {
			l.syntax(d.Span, "Header %s needs a header name", action)
			return nil
		}
		nameArg = &args[1]
		if len(args) > 2 {
			condArg = &args[2]
		}
		if len(args) > 3 {
			l.syntax(args[3].Span, "Header has too many arguments")
		}
	case known, action == "note":
		if len(args) < 3 {
			l.syntax(d.Span, "Header %s needs a header name and a value", action)
			return nil
		}
		nameArg, valueArg = &args[1], &args[2]
		if len(args) > 3 {
			condArg = &args[3]
		}
		if len(args) > 4 {
			l.syntax(args[4].Span, "Header has too many arguments")
		}
	case action == "edit" || action == "edit*":
		if len(args) < 4 {
			l.syntax(d.Span, "Header %s needs a header name, a regex and a replacement", action)
			return nil
		}
		if len(args) > 4 {
			condArg = &args[4]
		}
	default:
		l.syntax(args[0].Span, "Header action %q is not one of set, append, add, merge, unset, setifempty, edit, edit*, echo or note", args[0].Value)
		return nil
	}
	when, guards, ok := l.headerCondition(s, condArg)
	if !ok || !known {
		return nil // echo, edit and note change no header corslint follows
	}
	h := &model.HeaderOp{
		Name:     model.CanonicalName(strings.TrimSuffix(nameArg.Value, ":")),
		Op:       op,
		Delivery: model.OnSuccessTable,
		Table:    table,
		When:     when,
		Scope:    s.scope,
		Layer:    l.layer,
		Span:     d.Span,
		Raw:      l.raw(d),
	}
	if table == "always" {
		h.Delivery = model.Always
		h.OwnTable = true
	}
	if valueArg != nil {
		gated := when != nil && strings.HasPrefix(when.Text, "env=") && !when.Negated
		envName := ""
		if gated {
			envName = strings.TrimPrefix(when.Text, "env=")
		}
		h.Value = l.value(s, valueArg, envName)
		h.Value = withGuards(h.Value, append(append([]*model.Matcher(nil), ifGuards(s)...), guards...))
		l.register(reflectedGuards(h.Value))
	}
	return h
}

func (l *lowerer) syntax(at model.Span, format string, args ...any) {
	l.file.Diagnostics = append(l.file.Diagnostics, model.Diagnostic{RuleID: "CORS001", Message: fmt.Sprintf(format, args...), Span: at})
}

// headerCondition reads early, env=[!]VAR or expr=EXPR.
func (l *lowerer) headerCondition(s *sec, a *Arg) (*model.Condition, []*model.Matcher, bool) {
	if a == nil {
		return nil, nil, true
	}
	v := a.Value
	switch {
	case strings.EqualFold(v, "early"):
		return nil, nil, true
	case strings.HasPrefix(strings.ToLower(v), "env="):
		name := v[4:]
		c := &model.Condition{Text: "env=" + strings.TrimPrefix(name, "!"), Span: a.Span}
		if strings.HasPrefix(name, "!") {
			c.Negated = true
			return c, nil, true
		}
		guards := l.envGuards(name, s)
		if len(guards) > 0 {
			c.Origin = guards[0]
		}
		return c, guards, true
	case strings.HasPrefix(strings.ToLower(v), "expr="):
		ts := parseExpr(v[5:], *a, 5)
		c, guards, _ := conjunction(v, a.Span, ts)
		return c, guards, true
	}
	// httpd 2.4.71: "Unknown parameter: c".
	l.syntax(a.Span, "Header: unknown parameter %q (expected early, env=VAR or expr=...)", v)
	return nil, nil, false
}

// raw returns the statement as written.
func (l *lowerer) raw(d *Directive) string {
	src := l.file.Sources[d.Span.File]
	if d.Span.Line == d.Span.EndLine && src != nil {
		if start := l.lineStart(d.Span.File, src, d.Span.Line); start >= 0 {
			from, to := start+d.Span.Col-1, start+d.Span.EndCol-1
			if from >= 0 && to <= len(src) && from < to {
				return string(src[from:to])
			}
		}
	}
	parts := []string{d.Name}
	for _, a := range d.Args {
		parts = append(parts, a.Raw)
	}
	return strings.Join(parts, " ")
}

// lineStart returns the offset of a line in a file, from a table built
// once per file.
func (l *lowerer) lineStart(file string, src []byte, line int) int {
	offs, ok := l.lineOffsets[file]
	if !ok {
		offs = []int{0}
		for i, c := range src {
			if c == '\n' {
				offs = append(offs, i+1)
			}
		}
		l.lineOffsets[file] = offs
	}
	if line < 1 || line > len(offs) {
		return -1
	}
	return offs[line-1]
}

// formatTags are mod_headers' format specifiers and what each sends
// (httpd 2.4 registers exactly D, t, e, s, l, i and b).
var formatTags = map[byte]string{
	'D': "D=<microseconds>", 't': "t=<request time>", 'l': "l=<load average>",
	'i': "i=<percentage of idle workers>", 'b': "b=<percentage of busy workers>",
}

var tagMeaning = map[byte]string{
	'D': "the time taken", 't': "the request time", 'l': "the load average",
	'i': "the percentage of idle workers", 'b': "the percentage of busy workers",
}

// value classifies a Header value: expr=... is an ap_expr string; anything
// else is a mod_headers format string. gatedBy names the variable of an
// env= condition, which is then always set.
func (l *lowerer) value(s *sec, a *Arg, gatedBy string) model.Value {
	raw := a.Value
	if strings.HasPrefix(strings.ToLower(raw), "expr=") {
		e := strings.TrimSpace(raw[5:])
		if originSubject(e) {
			return model.Value{Kind: model.Reflected, Raw: raw, Var: e, Span: a.Span}
		}
		v := model.Value{Kind: model.Unknown, Raw: raw, Span: a.Span}
		if strings.Contains(strings.ToLower(e), "origin") {
			v.Var = e
		}
		return v
	}
	if !strings.Contains(raw, "%") {
		return model.LiteralValue(raw, a.Span)
	}
	// A sole %{VAR}e is the variable's value.
	if strings.HasPrefix(raw, "%{") && strings.HasSuffix(raw, "}e") && strings.Count(raw, "%") == 1 {
		return l.envValue(raw[2:len(raw)-2], s, a.Span, raw[2:len(raw)-2] == gatedBy)
	}
	var text strings.Builder
	var notes []string
	dynamic := false
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		if c != '%' || i+1 >= len(raw) {
			text.WriteByte(c)
			continue
		}
		i++
		arg := ""
		if raw[i] == '{' {
			j := strings.IndexByte(raw[i:], '}')
			if j < 0 || i+j+1 >= len(raw) {
				text.WriteString(raw[i-1:])
				break
			}
			arg = raw[i+1 : i+j]
			i += j + 1
		}
		tag := raw[i]
		switch {
		case tag == '%':
			text.WriteByte('%')
		case tag == 'e' || tag == 's':
			dynamic = true
		case formatTags[tag] != "":
			text.WriteString(formatTags[tag])
			if arg != "" {
				notes = append(notes, fmt.Sprintf("mod_headers sends %q for %%{%s}%c: its format tags are %%D %%t %%l %%i %%b %%{VAR}e and %%{VAR}s, so {%s} is ignored and %%%c is %s (httpd 2.4.71 sent \"i=98\"); to echo a request header use expr=%%{req:%s}, behind an allowlist", formatTags[tag], arg, tag, arg, tag, tagMeaning[tag], arg))
			}
		default:
			dynamic = true
		}
	}
	if dynamic {
		v := model.Value{Kind: model.Unknown, Raw: raw, Span: a.Span}
		if strings.Contains(strings.ToUpper(raw), "HTTP_ORIGIN") {
			v.Var = "%{HTTP_ORIGIN}e"
		}
		return v
	}
	v := model.LiteralValue(text.String(), a.Span)
	v.Raw = raw
	v.Note = strings.Join(notes, "; ")
	return v
}
