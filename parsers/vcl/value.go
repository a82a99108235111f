package vcl

import (
	"regexp"
	"strings"

	"github.com/corslint/corslint/internal/pcre"
	"github.com/corslint/corslint/model"
)

// value classifies an expression assigned to a header. guards are the
// origin allowlists that enclose the statement: a reflected origin is
// echoed only when one of them accepted it.
func (l *lowerer) value(e Expr, guards []*model.Matcher) model.Value {
	switch x := e.(type) {
	case *String:
		if isTemplated(x.Value) {
			return model.Value{Kind: model.Unknown, Raw: x.Value, Span: x.Span}
		}
		return model.LiteralValue(x.Value, x.Span)
	case *Number:
		return model.LiteralValue(x.Text, x.Span)
	case *Ident:
		if isOriginName(x.Name) {
			return model.Value{Kind: model.Reflected, Raw: x.Name, Var: x.Name, Guards: guards, Span: x.Span}
		}
		if name, ok := reqHeader(x.Name); ok && len(l.assigns[name]) > 0 && !l.resolving[name] {
			return withGuards(l.variable(name, x), guards)
		}
	case *Concat:
		var b strings.Builder
		for _, p := range x.Parts {
			s, ok := p.(*String)
			if !ok {
				return l.unknown(e)
			}
			b.WriteString(s.Value)
		}
		return model.LiteralValue(b.String(), x.Span)
	case *CallExpr:
		// Fastly's if(cond, a, b) is one of two values.
		if x.Recv == nil && x.Fn.Name == "if" && len(x.Args) == 3 {
			return model.Value{Kind: model.Variable, Raw: exprText(e), Span: x.Span,
				Options: []model.Value{l.value(x.Args[1], guards), l.value(x.Args[2], guards)}}
		}
		// regsub(req.http.Origin, "^https://(a|b)\.example\.com$",
		// "https://\1.example.com") gives back what it matched, and a
		// string it does not match unchanged: the origin itself.
		if x.Recv == nil && identityRegsub(x) {
			return l.value(x.Args[0], guards)
		}
		if v, ok := l.regsub(x, guards); ok {
			return v
		}
	}
	return l.unknown(e)
}

// regsub reads regsub(subject, re, sub) and regsuball: a fixed subject
// is rewritten here, the request's Origin carries the rewrite to the
// request, which applies it (an origin re does not match goes out
// unchanged). false when the subject, the regex or the replacement is
// not known, or the regex does not compile.
func (l *lowerer) regsub(c *CallExpr, guards []*model.Matcher) (model.Value, bool) {
	if c.Recv != nil || len(c.Args) != 3 {
		return model.Value{}, false
	}
	all := strings.EqualFold(c.Fn.Name, "regsuball")
	if !all && !strings.EqualFold(c.Fn.Name, "regsub") {
		return model.Value{}, false
	}
	re, isRE := c.Args[1].(*String)
	sub, isSub := c.Args[2].(*String)
	if !isRE || !isSub || isTemplated(re.Value) || isTemplated(sub.Value) {
		return model.Value{}, false
	}
	if _, err := pcre.Compile(re.Value, false); err != nil {
		return model.Value{}, false
	}
	rw := &model.Rewrite{Pattern: re.Value, Replacement: sub.Value, All: all, Raw: exprText(c)}
	return rewritten(l.value(c.Args[0], guards), rw, c.Span)
}

// rewritten applies rw to every value v can take.
func rewritten(v model.Value, rw *model.Rewrite, at model.Span) (model.Value, bool) {
	switch v.Kind {
	case model.Literal, model.Wildcard, model.Null, model.Empty:
		out, ok := rw.Apply(v.Text)
		if !ok {
			return model.Value{}, false
		}
		if out == v.Text {
			return v, true
		}
		w := model.LiteralValue(out, at)
		w.Raw, w.Guards = rw.Raw, v.Guards
		return w, true
	case model.Reflected:
		if v.Rewrite != nil {
			return model.Value{}, false // one rewrite of another is not followed
		}
		// A rewrite that turns every origin, and none, into one value
		// sends that value: the origin does not show through.
		if c, ok := rw.Constant(); ok {
			w := model.LiteralValue(c, at)
			w.Raw, w.Guards = rw.Raw, v.Guards
			return w, true
		}
		v.Rewrite, v.Raw, v.Span = rw, rw.Raw, at
		return v, true
	case model.Variable:
		opts := make([]model.Value, len(v.Options))
		for i, o := range v.Options {
			w, ok := rewritten(o, rw, at)
			if !ok {
				return model.Value{}, false
			}
			opts[i] = w
		}
		v.Options, v.Raw, v.Span = opts, rw.Raw, at
		return v, true
	}
	return model.Value{}, false
}

// identityRegsub reports whether a regsub or regsuball call returns its
// subject unchanged whatever it is: the regex is anchored at both ends
// and the replacement spells it out again, each group by its number.
func identityRegsub(c *CallExpr) bool {
	if len(c.Args) != 3 || !strings.EqualFold(c.Fn.Name, "regsub") && !strings.EqualFold(c.Fn.Name, "regsuball") {
		return false
	}
	re, isRE := c.Args[1].(*String)
	sub, isSub := c.Args[2].(*String)
	if !isRE || !isSub {
		return false
	}
	body, anchored := strings.CutPrefix(re.Value, "^")
	body, ends := strings.CutSuffix(body, "$")
	if !anchored || !ends || strings.HasSuffix(body, `\`) {
		return false
	}
	groups := topGroups(body)
	var b strings.Builder
	for i := 0; i < len(sub.Value); i++ {
		ch := sub.Value[i]
		if ch == '\\' && i+1 < len(sub.Value) && sub.Value[i+1] >= '1' && sub.Value[i+1] <= '9' {
			n := int(sub.Value[i+1] - '1')
			if n >= len(groups) {
				return false
			}
			b.WriteString(groups[n])
			i++
			continue
		}
		if ch == '\\' || ch == '&' && i > 0 && sub.Value[i-1] == '\\' {
			return false // \0, \& and other escapes
		}
		b.WriteString(regexp.QuoteMeta(string(ch)))
	}
	return b.String() == body
}

// topGroups lists the capturing groups of a regex that are not inside
// another, as written with their parentheses, in order; nil when the
// regex has nested or non-capturing groups, whose numbering this does
// not follow.
func topGroups(re string) []string {
	var out []string
	depth, start := 0, 0
	for i := 0; i < len(re); i++ {
		switch re[i] {
		case '\\':
			i++
		case '(':
			if depth > 0 || strings.HasPrefix(re[i:], "(?") {
				return nil
			}
			depth, start = 1, i
		case ')':
			if depth == 0 {
				return nil
			}
			depth = 0
			out = append(out, re[start:i+1])
		}
	}
	return out
}

// unknown is a value the configuration does not fix, naming the origin
// when it is read.
func (l *lowerer) unknown(e Expr) model.Value {
	v := model.Value{Kind: model.Unknown, Raw: exprText(e), Span: e.Pos()}
	walkExpr(e, func(x Expr) {
		if id, ok := x.(*Ident); ok && isOriginName(id.Name) && v.Var == "" {
			v.Var = id.Name
		}
	})
	return v
}

// variable resolves a request header the VCL assigns: one option per
// assignment, each with the allowlists that gate it, and no header where
// none applies.
func (l *lowerer) variable(name string, at *Ident) model.Value {
	l.resolving[name] = true
	defer delete(l.resolving, name)
	v := model.Value{Kind: model.Variable, Raw: at.Name, Var: at.Name, Span: at.Span}
	unconditional := false
	for _, a := range l.assigns[name] {
		unconditional = unconditional || len(a.conds) == 0
		if a.set == nil {
			v.Options = append(v.Options, model.Value{Kind: model.Empty, Span: at.Span})
			continue
		}
		guards := l.guardsOf(a.conds)
		opt := l.value(a.set.Value, guards)
		if opt.Kind != model.Reflected && opt.Kind != model.Variable && len(opt.Guards) == 0 {
			opt.Guards = guards
		}
		v.Options = append(v.Options, opt)
	}
	if !unconditional {
		v.Options = append([]model.Value{{Kind: model.Empty, Span: at.Span}}, v.Options...)
	}
	return v
}

// withGuards adds allowlists to every reflected option that has none.
func withGuards(v model.Value, guards []*model.Matcher) model.Value {
	if len(guards) == 0 {
		return v
	}
	switch v.Kind {
	case model.Reflected:
		if len(v.Guards) == 0 {
			v.Guards = guards
		}
	case model.Variable:
		opts := make([]model.Value, len(v.Options))
		for i, o := range v.Options {
			opts[i] = withGuards(o, guards)
		}
		v.Options = opts
	}
	return v
}

// unguardedReflection reports whether v can echo any origin.
func unguardedReflection(v model.Value) bool {
	for _, p := range v.Possible() {
		if p.Kind == model.Reflected && len(p.Guards) == 0 {
			return true
		}
	}
	return false
}

func walkExpr(e Expr, fn func(Expr)) {
	if e == nil {
		return
	}
	fn(e)
	switch x := e.(type) {
	case *Binary:
		walkExpr(x.L, fn)
		walkExpr(x.R, fn)
	case *Unary:
		walkExpr(x.X, fn)
	case *CallExpr:
		walkExpr(x.Recv, fn)
		for _, a := range x.Args {
			walkExpr(a, fn)
		}
	case *Concat:
		for _, p := range x.Parts {
			walkExpr(p, fn)
		}
	}
}

// exprText writes an expression back as VCL, for conditions and values in
// messages.
func exprText(e Expr) string {
	var b strings.Builder
	writeExpr(&b, e, 0)
	return b.String()
}

var precedence = map[string]int{"||": 1, "&&": 2, "==": 4, "!=": 4, "~": 4, "!~": 4, "<": 4, ">": 4, "<=": 4, ">=": 4, "+": 5, "-": 5, "*": 6, "/": 6, "%": 6}

func writeExpr(b *strings.Builder, e Expr, outer int) {
	switch x := e.(type) {
	case *Ident:
		b.WriteString(x.Name)
	case *String:
		b.WriteString(x.Raw)
	case *Number:
		b.WriteString(x.Text)
	case *Template:
		b.WriteString(x.Raw)
	case *Unary:
		b.WriteString(x.Op)
		writeExpr(b, x.X, 7)
	case *Binary:
		p := precedence[x.Op]
		if p < outer {
			b.WriteByte('(')
		}
		writeExpr(b, x.L, p)
		b.WriteString(" " + x.Op + " ")
		writeExpr(b, x.R, p+1)
		if p < outer {
			b.WriteByte(')')
		}
	case *CallExpr:
		if x.Recv != nil {
			writeExpr(b, x.Recv, 8)
		}
		b.WriteString(x.Fn.Name)
		b.WriteByte('(')
		for i, a := range x.Args {
			if i > 0 {
				b.WriteString(", ")
			}
			if x.Names[i] != "" {
				b.WriteString(x.Names[i] + " = ")
			}
			writeExpr(b, a, 0)
		}
		b.WriteByte(')')
	case *Concat:
		for i, p := range x.Parts {
			if i > 0 {
				b.WriteByte(' ')
			}
			writeExpr(b, p, 5)
		}
	}
}

// stmtText writes a statement back as VCL when its source spans lines.
func stmtText(s Stmt) string {
	switch x := s.(type) {
	case *Set:
		op := x.Op
		kw := "set"
		if op == "add" {
			kw, op = "add", "="
		}
		return kw + " " + x.Target.Name + " " + op + " " + exprText(x.Value) + ";"
	case *Unset:
		return "unset " + x.Target.Name + ";"
	case *CallStmt:
		return exprText(x.Call) + ";"
	}
	return ""
}
