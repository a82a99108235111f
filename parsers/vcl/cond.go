package vcl

import (
	"strings"

	"github.com/corslint/corslint/model"
)

// originSubject reports whether e reads the request's Origin: the header
// itself, a request header the VCL only ever sets to it, or either
// lowered (std.tolower, .lower()), which makes a match case-insensitive.
func (l *lowerer) originSubject(e Expr) (ok, caseInsensitive bool) {
	switch x := e.(type) {
	case *Ident:
		if isOriginName(x.Name) {
			return true, false
		}
		name, isReq := reqHeader(x.Name)
		if !isReq || len(l.assigns[name]) == 0 || l.resolving[name] {
			return false, false
		}
		v := l.variable(name, x)
		seen := false
		for _, o := range v.Possible() {
			switch o.Kind {
			case model.Empty:
			case model.Reflected:
				if o.Rewrite != nil {
					return false, false // a rewritten origin is not the origin
				}
				seen = true
			default:
				return false, false
			}
		}
		return seen, false
	case *CallExpr:
		fn := strings.ToLower(x.Fn.Name)
		switch {
		case x.Recv != nil && (fn == ".lower" || fn == ".upper") && len(x.Args) == 0:
			ok, _ := l.originSubject(x.Recv)
			return ok, true
		case x.Recv == nil && (strings.HasSuffix(fn, ".lower") || strings.HasSuffix(fn, ".upper")) && len(x.Args) == 0:
			// req.http.Origin.lower() reads as one dotted name
			ok, _ := l.originSubject(&Ident{Name: x.Fn.Name[:len(x.Fn.Name)-len(".lower")], Span: x.Fn.Span})
			return ok, true
		case (fn == "std.tolower" || fn == "std.toupper") && len(x.Args) == 1:
			ok, _ := l.originSubject(x.Args[0])
			return ok, true
		}
	}
	return false, false
}

// matcher returns the allowlist a comparison of the origin with a
// literal registers, once per comparison, or nil.
func (l *lowerer) matcher(b *Binary) *model.Matcher {
	if m, ok := l.matchers[b]; ok {
		return m
	}
	var m *model.Matcher
	subj, lit := b.L, b.R
	if _, isStr := subj.(*String); isStr && (b.Op == "==" || b.Op == "!=") {
		subj, lit = lit, subj
	}
	s, isStr := lit.(*String)
	if ok, ci := l.originSubject(subj); ok && isStr {
		switch b.Op {
		case "~", "!~":
			// Varnish regexes are PCRE2, case-sensitive unless (?i).
			m = &model.Matcher{Kind: model.MatchRegex, Pattern: s.Value, CaseInsensitive: ci, Span: s.Span, Raw: s.Raw}
		case "==", "!=":
			m = &model.Matcher{Kind: model.MatchExact, Pattern: s.Value, Exact: []string{s.Value}, CaseInsensitive: ci, Span: s.Span, Raw: s.Raw}
		}
	}
	if m != nil && isTemplated(s.Value) {
		m.Dynamic = true // a pattern the template engine fills in
	}
	l.matchers[b] = m
	if m != nil {
		l.file.Matchers = append(l.file.Matchers, m)
	}
	return m
}

// registerMatchers registers every origin comparison in a condition, in
// source order.
func (l *lowerer) registerMatchers(e Expr) {
	compared := map[Expr]bool{} // table lookups whose comparison registered them
	walkExpr(e, func(x Expr) {
		switch y := x.(type) {
		case *Binary:
			if y.Op == "~" || y.Op == "!~" || y.Op == "==" || y.Op == "!=" {
				l.matcher(y)
				if l.tableCompare(y, true) != nil || l.tableCompare(y, false) != nil {
					compared[y.L] = true
				}
			}
		case *CallExpr:
			if !compared[y] {
				l.tableMatcher(y, nil)
			}
		}
	})
}

// schemesWhen returns the scheme tests (std.prefixof(origin, "https://"))
// that hold wherever e evaluates to truth.
func (l *lowerer) schemesWhen(e Expr, truth bool) []*model.Matcher {
	switch x := e.(type) {
	case *Unary:
		if x.Op == "!" {
			return l.schemesWhen(x.X, !truth)
		}
	case *CallExpr:
		if m := l.schemeMatcher(x); m != nil && truth {
			return []*model.Matcher{m}
		}
	case *Binary:
		if (x.Op == "&&") == truth && (x.Op == "&&" || x.Op == "||") {
			return append(l.schemesWhen(x.L, truth), l.schemesWhen(x.R, truth)...)
		}
	}
	return nil
}

// guardsWhen returns the allowlists the origin is known to pass when e
// evaluates to truth; nil when nothing is known.
func (l *lowerer) guardsWhen(e Expr, truth bool) []*model.Matcher {
	switch x := e.(type) {
	case *Unary:
		if x.Op == "!" {
			return l.guardsWhen(x.X, !truth)
		}
	case *Ident:
		if truth {
			return l.flagGuards(x, nil)
		}
	case *CallExpr:
		if m := l.tableMatcher(x, nil); m != nil && truth {
			return []*model.Matcher{m}
		}
	case *Binary:
		if m := l.tableCompare(x, truth); m != nil {
			return []*model.Matcher{m}
		}
		switch x.Op {
		case "&&", "||":
			a, b := l.guardsWhen(x.L, truth), l.guardsWhen(x.R, truth)
			if x.Op == "&&" == truth {
				// both hold: either side's allowlists gate the origin
				return append(a[:len(a):len(a)], b...)
			}
			// one of them holds: only allowlists on both sides are known
			if len(a) == 0 || len(b) == 0 {
				return nil
			}
			return append(a[:len(a):len(a)], b...)
		case "~", "==":
			if m := l.matcher(x); m != nil && truth {
				return []*model.Matcher{m}
			}
			if s, ok := x.R.(*String); ok && x.Op == "==" && truth {
				if id, ok := x.L.(*Ident); ok {
					return l.flagGuards(id, &s.Value)
				}
			}
		case "!~", "!=":
			if m := l.matcher(x); m != nil && !truth {
				return []*model.Matcher{m}
			}
		}
	}
	return nil
}

// flagGuards returns the allowlists that gate every assignment of a
// request header the VCL sets (to value, when given): testing the flag
// tests the origin. nil when any assignment is ungated.
func (l *lowerer) flagGuards(id *Ident, value *string) []*model.Matcher {
	name, ok := reqHeader(id.Name)
	if !ok || len(l.assigns[name]) == 0 || l.flagging[name] {
		return nil
	}
	l.flagging[name] = true
	defer delete(l.flagging, name)
	var out []*model.Matcher
	for _, a := range l.assigns[name] {
		if a.set == nil {
			continue
		}
		if s, isStr := a.set.Value.(*String); isStr && (s.Value == "" || value != nil && s.Value != *value) {
			continue
		}
		g := l.guardsOf(a.conds)
		if len(g) == 0 {
			v := l.value(a.set.Value, nil)
			if v.Kind == model.Reflected && len(v.Guards) > 0 {
				g = v.Guards
			} else if v.Kind == model.Variable {
				for _, o := range v.Possible() {
					if o.Kind == model.Reflected && len(o.Guards) > 0 {
						g = append(g, o.Guards...)
					}
				}
			}
		}
		if len(g) == 0 {
			return nil
		}
		out = append(out, g...)
	}
	return out
}

// guardsOf is what a set of enclosing conditions says about the origin.
func (l *lowerer) guardsOf(conds []condRef) []*model.Matcher {
	var out []*model.Matcher
	for _, c := range conds {
		out = append(out, l.guardsWhen(c.e, c.truth)...)
	}
	return out
}

// matchesOrigin reports whether a condition compares the request's
// Origin with something (directly, through a request header set from it,
// or through a flag set only when it matched). A bare presence test,
// if (req.http.Origin), does not count: it tells CORS requests from
// others, not one origin from another.
func (l *lowerer) matchesOrigin(e Expr) bool {
	found := false
	walkExpr(e, func(x Expr) {
		if found {
			return
		}
		switch y := x.(type) {
		case *Binary:
			switch y.Op {
			case "~", "!~", "==", "!=":
				a, _ := l.originSubject(y.L)
				b, _ := l.originSubject(y.R)
				found = a || b
			}
		case *Ident:
			found = !isOriginName(y.Name) && len(l.flagGuards(y, nil)) > 0
		case *CallExpr:
			tb, _ := l.originTable(y)
			found = tb != nil || l.affixMatcher(y) != nil
		}
	})
	return found
}

// originDependent reports whether any enclosing condition matches the
// origin, so what it guards differs between origins.
func (l *lowerer) originDependent(conds []condRef) bool {
	for _, c := range conds {
		if l.matchesOrigin(c.e) {
			return true
		}
	}
	return false
}

// originFact is what a condition evaluating to truth says about whether
// the request carries an Origin.
func (l *lowerer) originFact(e Expr, truth bool) tri {
	switch x := e.(type) {
	case *Ident:
		if isOriginName(x.Name) {
			if truth {
				return yes
			}
			return no
		}
	case *Unary:
		if x.Op == "!" {
			return l.originFact(x.X, !truth)
		}
	case *Binary:
		switch x.Op {
		case "&&", "||":
			if x.Op == "&&" != truth {
				return unknown // either side may be the one that decided
			}
			a, b := l.originFact(x.L, truth), l.originFact(x.R, truth)
			switch {
			case a == no || b == no:
				return no
			case a == yes || b == yes:
				return yes
			}
		case "~", "==":
			if ok, _ := l.originSubject(x.L); ok && truth {
				return yes // a match implies a value
			}
		case "!~", "!=":
			if ok, _ := l.originSubject(x.L); ok && !truth {
				return yes
			}
		}
	}
	return unknown
}

type condKey struct {
	node  Node
	truth bool
}

// condFacts is what a condition evaluating to truth tells about the
// origin; computed once per condition, as paths meet it many times.
type condFacts struct {
	guards  []*model.Matcher
	origin  tri
	matches bool
}

func (l *lowerer) factsOf(e Expr, truth bool) condFacts {
	k := condKey{e, truth}
	if f, ok := l.facts[k]; ok {
		return f
	}
	f := condFacts{guards: l.guardsWhen(e, truth), origin: l.originFact(e, truth), matches: l.matchesOrigin(e)}
	l.facts[k] = f
	return f
}

// branchCond is the model condition of a branch, as it holds inside it
// (truth) or after it was not taken.
func (l *lowerer) branchCond(br *Branch, truth bool) *model.Condition {
	k := condKey{br, truth}
	if c, ok := l.conds[k]; ok {
		return c
	}
	text := exprText(br.Cond)
	if !truth {
		text = "!(" + text + ")"
	}
	c := l.condition(text, []condRef{{br.Cond, truth}}, br.Span)
	l.conds[k] = c
	return c
}

// withoutHits is c as a restarted request's path takes it: its test of
// obj.hits compares a count the model does not know.
func (l *lowerer) withoutHits(c *model.Condition) *model.Condition {
	if o, ok := l.unhit[c]; ok {
		return o
	}
	o := *c
	o.Hits = nil
	if l.unhit == nil {
		l.unhit = map[*model.Condition]*model.Condition{}
	}
	l.unhit[c] = &o
	return &o
}

// opposite reports whether conditions a and b are one branch's test
// found true and false, or an else and a test of its if found true.
func (l *lowerer) opposite(a, b *model.Condition) bool {
	if a == b || a == nil || b == nil {
		return false
	}
	if l.condOf == nil {
		l.condOf = make(map[*model.Condition]condKey, len(l.conds))
		for k, c := range l.conds {
			l.condOf[c] = k
		}
	}
	ka, okA := l.condOf[a]
	kb, okB := l.condOf[b]
	if !okA || !okB {
		return false
	}
	if ka.node == kb.node {
		return ka.truth != kb.truth
	}
	return l.elseOf(ka, kb) || l.elseOf(kb, ka)
}

// elseOf reports whether e is the else of the if whose branch b was taken.
func (l *lowerer) elseOf(e, b condKey) bool {
	x, ok := e.node.(*If)
	if !ok || e.truth || !b.truth {
		return false
	}
	for _, br := range x.Branches {
		if Node(br) == b.node {
			return true
		}
	}
	return false
}

// elseCond is the condition of an else: no branch was taken.
func (l *lowerer) elseCond(x *If) *model.Condition {
	k := condKey{x, false}
	if c, ok := l.conds[k]; ok {
		return c
	}
	var parts []string
	var refs []condRef
	for _, br := range x.Branches {
		parts = append(parts, "!("+exprText(br.Cond)+")")
		refs = append(refs, condRef{br.Cond, false})
	}
	c := l.condition(strings.Join(parts, " && "), refs, x.ElseSpan)
	l.conds[k] = c
	return c
}

func (l *lowerer) condition(text string, refs []condRef, at model.Span) *model.Condition {
	c := &model.Condition{Text: text, Span: at}
	if g := l.guardsOf(refs); len(g) > 0 {
		c.Origin = g[0]
	} else {
		// a test that the origin does NOT match: the matcher, negated;
		// taken as false (the else of `if (origin !~ re)`), a negative
		// test holds when the origin matches
		for _, r := range refs {
			walkExpr(r.e, func(x Expr) {
				if b, ok := x.(*Binary); ok && c.Origin == nil {
					if m := l.matcher(b); m != nil {
						negative := b.Op == "!~" || b.Op == "!="
						c.Origin, c.Negated = m, negative == r.truth
					}
				}
			})
		}
	}
	if c.Origin == nil && len(refs) == 1 {
		c.URL, c.Negated = urlTest(refs[0])
		c.Hits = hitsTest(refs[0])
	}
	if c.Origin != nil && !c.Negated {
		// a scheme test beside the allowlist must hold too
		for _, r := range refs {
			for _, m := range l.schemesWhen(r.e, r.truth) {
				c.And = &model.Condition{Text: m.Raw, Origin: m, Span: m.Span, And: c.And}
			}
		}
	}
	if methodTested(refs) && c.URL == nil {
		for _, m := range standardMethods {
			p := &path{method: m}
			holds := true
			for _, r := range refs {
				v := l.evalMethodOnly(r.e, p)
				if !r.truth {
					v = v.not()
				}
				holds = holds && v != no
			}
			if holds {
				c.Methods = append(c.Methods, m)
			}
		}
	}
	return c
}

// urlTest reads a condition that only matches the URL against a regex
// (req.url ~ "^/api/", bereq.url !~ "..."): Varnish matches the path with
// its query string, case-sensitively.
func urlTest(r condRef) (*model.PathMatch, bool) {
	b, ok := r.e.(*Binary)
	if !ok || b.Op != "~" && b.Op != "!~" {
		return nil, false
	}
	id, ok := b.L.(*Ident)
	if !ok || !strings.EqualFold(id.Name, "req.url") && !strings.EqualFold(id.Name, "bereq.url") {
		return nil, false
	}
	s, ok := b.R.(*String)
	if !ok {
		return nil, false
	}
	return &model.PathMatch{Kind: model.PathRegex, Pattern: s.Value}, (b.Op == "!~") == r.truth
}

func methodTested(refs []condRef) bool {
	found := false
	for _, r := range refs {
		walkExpr(r.e, func(x Expr) {
			if id, ok := x.(*Ident); ok && isMethodVar(id.Name) {
				found = true
			}
		})
	}
	return found
}

func isMethodVar(name string) bool {
	switch strings.ToLower(name) {
	case "req.method", "bereq.method", "req.request", "bereq.request":
		return true
	}
	return false
}

// evalMethodOnly evaluates a condition knowing only the method.
func (l *lowerer) evalMethodOnly(e Expr, p *path) tri {
	return evalWith(e, func(x Expr) (tri, bool) {
		if b, ok := x.(*Binary); ok {
			if v, ok := methodCompare(b, p.method); ok {
				return v, true
			}
		}
		return unknown, false
	})
}
