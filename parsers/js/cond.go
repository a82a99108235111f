package js

import (
	"regexp"
	"regexp/syntax"
	"strconv"
	"strings"

	"github.com/corslint/corslint/model"
)

// originTest reads an expression that tests the request's origin (isOrigin
// says which expressions hold it) as the allowlist it applies: exact
// lists (includes or indexOf on an array, Set#has, ===), patterns
// (RegExp#test, match) and the string tests that attackers pass
// (endsWith, startsWith, includes or indexOf on the origin itself), each
// as the PCRE pattern that accepts what it accepts. negated is true when
// the expression holds for origins the allowlist refuses.
func (l *lowerer) originTest(n *Node, isOrigin func(*Node) bool) (m *model.Matcher, negated, ok bool) {
	n = l.unparen(n)
	if n == nil {
		return nil, false, false
	}
	switch n.Type {
	case "unary_expression":
		if l.t.Text(n.Child("operator")) == "!" {
			m, neg, ok := l.originTest(n.Child("argument"), isOrigin)
			return m, !neg, ok
		}
	case "binary_expression":
		return l.originComparison(n, isOrigin)
	case "call_expression":
		return l.originCall(n, isOrigin)
	case "identifier":
		// const allowed = list.includes(origin); if (allowed) ...
		if v := l.testOf(n); v != nil {
			if t, ok := l.tests[v]; ok {
				return t.m, t.neg, t.ok
			}
			l.following++
			m, neg, ok := l.originTest(v, isOrigin)
			l.following--
			l.tests[v] = originResult{m, neg, ok}
			return m, neg, ok
		}
	}
	return nil, false, false
}

// originResult is what originTest found in an expression a name stands
// for, kept so that a name tested in several places records its
// allowlist once.
type originResult struct {
	m       *model.Matcher
	neg, ok bool
}

// testOf is the expression a name in a condition stands for: the value
// of a const, or of a let or var assigned once, as the file binds it
// (a name assigned again anywhere is not followed, since which value a
// test sees would depend on the path); nil otherwise.
func (l *lowerer) testOf(n *Node) *Node {
	if l.following >= maxFollowTest {
		return nil
	}
	bs := l.bindings[l.t.Text(n)]
	if len(bs) != 1 {
		return nil
	}
	v := l.unparen(bs[0])
	if v == nil || !v.Is("binary_expression", "call_expression", "unary_expression", "identifier", "parenthesized_expression") {
		return nil
	}
	return v
}

// maxFollowTest bounds how many names a test is followed through (const
// a = b; const b = !a must end).
const maxFollowTest = 8

// originComparison reads ===, !==, ||, and indexOf(...) compared with -1.
func (l *lowerer) originComparison(n *Node, isOrigin func(*Node) bool) (*model.Matcher, bool, bool) {
	op := l.t.Text(n.Child("operator"))
	left, right := l.unparen(n.Child("left")), l.unparen(n.Child("right"))
	switch op {
	case "===", "==", "!==", "!=":
		neg := op == "!==" || op == "!="
		if isOrigin(right) || l.urlPart(right, isOrigin) != "" {
			left, right = right, left
		}
		if part := l.urlPart(left, isOrigin); part != "" {
			if s, ok := l.str(right); ok {
				return l.hostTest(n, part, "===", s), neg, true
			}
			return nil, false, false
		}
		if isOrigin(left) {
			if s, ok := l.str(right); ok {
				return l.matcher(&model.Matcher{Kind: model.MatchExact, Pattern: s, Exact: []string{s}, Span: l.t.Span(n), Raw: l.t.Raw(n)}), neg, true
			}
			return nil, false, false
		}
		// indexOf(...) === -1
		if l.t.Text(right) == "-1" && left.Type == "call_expression" {
			if m, neg2, ok := l.originCall(left, isOrigin); ok {
				return m, neg2 != !neg, true
			}
		}
	case ">", ">=":
		// indexOf(...) > -1, indexOf(...) >= 0
		if r := l.t.Text(right); (op == ">" && r == "-1" || op == ">=" && r == "0") && left.Type == "call_expression" {
			return l.originCall(left, isOrigin)
		}
	case "<":
		if l.t.Text(right) == "0" && left.Type == "call_expression" {
			m, neg, ok := l.originCall(left, isOrigin)
			return m, !neg, ok
		}
	case "&&":
		// a && b holds only where both do: the origins both positive
		// tests accept.
		a, na, oka := l.originTest(left, isOrigin)
		b, nb, okb := l.originTest(right, isOrigin)
		switch {
		case oka && !na && okb && !nb:
			return l.bothOrigins(n, a, b), false, true
		case oka && !na:
			if okb {
				l.dropMatcher(b)
			}
			return a, false, true
		case okb && !nb:
			return b, false, true
		}
	case "||":
		// !origin || test: requests without an Origin are no CORS
		// requests, so for the ones that matter the test decides.
		for i, side := range []*Node{left, right} {
			if side.Type == "unary_expression" && l.t.Text(side.Child("operator")) == "!" && isOrigin(side.Child("argument")) {
				other := right
				if i == 1 {
					other = left
				}
				return l.originTest(other, isOrigin)
			}
		}
		a, na, oka := l.originTest(left, isOrigin)
		b, nb, okb := l.originTest(right, isOrigin)
		if oka && okb && !na && !nb && a.Kind == model.MatchExact && b.Kind == model.MatchExact && !a.Dynamic && !b.Dynamic {
			l.dropMatcher(a)
			l.dropMatcher(b)
			ex := append(append([]string(nil), a.Exact...), b.Exact...)
			return l.matcher(&model.Matcher{Kind: model.MatchExact, Pattern: strings.Join(ex, " "), Exact: ex, Span: l.t.Span(n), Raw: l.t.Raw(n)}), false, true
		}
	}
	return nil, false, false
}

// bothOrigins is the allowlist of a && b, two positive origin tests:
// the entries of an exact list the other test accepts, or one pattern
// that requires both. An allowlist known only at run time bounds
// nothing known, so a fixed list beside it is kept as the bound, else
// the run-time one (undecidable).
func (l *lowerer) bothOrigins(n *Node, a, b *model.Matcher) *model.Matcher {
	if b.Kind == model.MatchExact && !b.Dynamic && (a.Kind != model.MatchExact || a.Dynamic) {
		a, b = b, a
	}
	keep := func(m *model.Matcher) *model.Matcher {
		if m == a {
			l.dropMatcher(b)
		} else {
			l.dropMatcher(a)
		}
		return m
	}
	switch {
	case a.Kind == model.MatchExact && !a.Dynamic && b.Dynamic:
		return keep(a)
	case a.Dynamic:
		return keep(a)
	case b.Dynamic:
		return keep(b)
	}
	l.dropMatcher(a)
	l.dropMatcher(b)
	at, raw := l.t.Span(n), l.t.Raw(n)
	if a.Kind == model.MatchExact {
		ex := []string{}
		for _, e := range a.Exact {
			if b.Matches(e) {
				ex = append(ex, e)
			}
		}
		return l.matcher(&model.Matcher{Kind: model.MatchExact, Pattern: strings.Join(ex, " "), Exact: ex, Span: at, Raw: raw})
	}
	if p, ok := affix(a, "^"); ok {
		if sfx, ok := affix(b, "$"); ok {
			return l.matcher(&model.Matcher{Kind: model.MatchRegex, Pattern: prefixSuffix(p, sfx), Span: at, Raw: raw})
		}
	}
	if p, ok := affix(b, "^"); ok {
		if sfx, ok := affix(a, "$"); ok {
			return l.matcher(&model.Matcher{Kind: model.MatchRegex, Pattern: prefixSuffix(p, sfx), Span: at, Raw: raw})
		}
	}
	re := func(m *model.Matcher) string {
		if m.CaseInsensitive {
			return "(?i:" + m.Pattern + ")"
		}
		return "(?:" + m.Pattern + ")"
	}
	// Each test searches the whole origin, as the lookahead does.
	return l.matcher(&model.Matcher{Kind: model.MatchRegex, Pattern: `^(?=[\s\S]*?` + re(a) + `)[\s\S]*?` + re(b), Span: at, Raw: raw})
}

// affix returns the literal of a startsWith test (anchor "^": the
// pattern ^literal) or an endsWith test (anchor "$": literal$).
func affix(m *model.Matcher, anchor string) (string, bool) {
	if m.Kind != model.MatchRegex || m.CaseInsensitive {
		return "", false
	}
	var rest string
	var ok bool
	if anchor == "^" {
		rest, ok = strings.CutPrefix(m.Pattern, "^")
	} else {
		rest, ok = strings.CutSuffix(m.Pattern, "$")
	}
	if !ok {
		return "", false
	}
	re, err := syntax.Parse(rest, syntax.Perl)
	if err != nil || re.Op != syntax.OpLiteral || re.Flags&syntax.FoldCase != 0 {
		return "", false
	}
	return string(re.Rune), true
}

// prefixSuffix is the pattern of the strings that start with p and end
// with s: p, anything, s, or one of the shorter strings where the two
// overlap. Written without lookahead, so that what it was meant to
// accept can be read from it.
func prefixSuffix(p, s string) string {
	alts := []string{regexp.QuoteMeta(p) + `[\s\S]*` + regexp.QuoteMeta(s)}
	for k := max(len(p), len(s)); k < len(p)+len(s); k++ {
		// a string of length k: p, then the end of s
		if w := p + s[len(p)+len(s)-k:]; strings.HasSuffix(w, s) && len(w) == k {
			alts = append(alts, regexp.QuoteMeta(w))
		}
	}
	return "^(?:" + strings.Join(alts, "|") + ")$"
}

// dropMatcher removes a matcher recorded for a part of a larger test.
func (l *lowerer) dropMatcher(m *model.Matcher) {
	ms := l.file.Matchers
	for i := len(ms) - 1; i >= 0; i-- {
		if ms[i] == m {
			l.file.Matchers = append(ms[:i], ms[i+1:]...)
			return
		}
	}
}

// originCall reads list.includes(origin), list.indexOf(origin),
// set.has(origin), re.test(origin), origin.match(re), and the string
// tests on the origin. For indexOf the result is the found case.
func (l *lowerer) originCall(n *Node, isOrigin func(*Node) bool) (*model.Matcher, bool, bool) {
	obj, name := l.method(n)
	if obj == nil {
		return nil, false, false
	}
	as := args(n)
	at, raw := l.t.Span(n), l.t.Raw(n)
	if len(as) == 0 {
		return nil, false, false
	}
	if part := l.urlPart(obj, isOrigin); part != "" {
		if s, ok := l.str(as[0]); ok {
			if m := l.hostTest(n, part, name, s); m != nil {
				return m, false, true
			}
		}
		return nil, false, false
	}
	if isOrigin(obj) {
		switch name {
		case "endsWith", "startsWith", "includes", "indexOf":
			s, ok := l.str(as[0])
			if !ok {
				return l.matcher(&model.Matcher{Kind: model.MatchRegex, Pattern: raw, Dynamic: true, Span: at, Raw: raw}), false, true
			}
			p := regexp.QuoteMeta(s)
			switch name {
			case "endsWith":
				p += "$"
			case "startsWith":
				p = "^" + p
			}
			return l.matcher(&model.Matcher{Kind: model.MatchRegex, Pattern: p, Span: at, Raw: raw}), false, true
		case "match", "search":
			if re := l.resolve(as[0]); re != nil && re.Is("regex", "new_expression") {
				m, ok := l.regexMatcher(re)
				return m, false, ok
			}
		}
		return nil, false, false
	}
	if !isOrigin(as[0]) {
		return nil, false, false
	}
	switch name {
	case "test":
		if re := l.resolve(obj); re != nil && re.Is("regex", "new_expression") {
			m, ok := l.regexMatcher(re)
			return m, false, ok
		}
	case "includes", "indexOf", "has":
		list := l.resolve(obj)
		if list != nil && list.Type == "new_expression" && l.t.Text(list.Child("constructor")) == "Set" {
			if a := list.Child("arguments").Named(); len(a) > 0 {
				list = l.resolve(a[0])
			}
		}
		if list != nil && list.Type == "array" {
			if ms, ok := l.originList(list); ok && len(ms) == 1 && ms[0].Kind == model.MatchExact {
				return ms[0], false, true
			}
		}
	}
	// An allowlist from elsewhere (the environment, a database): it
	// guards, but what it accepts is undecidable here.
	return l.matcher(&model.Matcher{Kind: model.MatchExact, Pattern: l.t.Raw(obj), Dynamic: true, Span: at, Raw: raw}), false, true
}

// methodTest reads req.method === 'OPTIONS' (and !==, ||) as the methods
// it admits; isMethod says which expressions hold the method.
func (l *lowerer) methodTest(n *Node, isMethod func(*Node) bool) (ms []string, negated, ok bool) {
	n = l.unparen(n)
	if n == nil {
		return nil, false, false
	}
	switch n.Type {
	case "unary_expression":
		if l.t.Text(n.Child("operator")) == "!" {
			ms, neg, ok := l.methodTest(n.Child("argument"), isMethod)
			return ms, !neg, ok
		}
	case "identifier":
		// const isPreflight = req.method === 'OPTIONS'
		if v := l.testOf(n); v != nil {
			l.following++
			defer func() { l.following-- }()
			return l.methodTest(v, isMethod)
		}
	case "binary_expression":
		op := l.t.Text(n.Child("operator"))
		left, right := l.unparen(n.Child("left")), l.unparen(n.Child("right"))
		switch op {
		case "===", "==", "!==", "!=":
			if isMethod(right) {
				left, right = right, left
			}
			if s, ok := l.str(right); ok && isMethod(left) {
				return []string{strings.ToUpper(s)}, op == "!==" || op == "!=", true
			}
			// ['GET', 'POST'].indexOf(req.method) === -1
			if r := l.t.Text(right); r == "-1" && left.Type == "call_expression" {
				if ms, neg, ok := l.methodList(left, isMethod); ok {
					return ms, neg != (op == "===" || op == "=="), true
				}
			}
		case "||":
			a, na, oka := l.methodTest(left, isMethod)
			b, nb, okb := l.methodTest(right, isMethod)
			if oka && okb && !na && !nb {
				return append(a, b...), false, true
			}
		case "&&":
			// m !== 'GET' && m !== 'POST' admits every method but those.
			a, na, oka := l.methodTest(left, isMethod)
			b, nb, okb := l.methodTest(right, isMethod)
			if oka && okb && na && nb {
				return append(append([]string(nil), a...), b...), true, true
			}
		}
	case "call_expression":
		return l.methodList(n, isMethod)
	}
	return nil, false, false
}

// methodList reads ['GET', 'POST'].includes(req.method) (and indexOf,
// and Set#has) as the methods it admits; for indexOf the result is the
// found case.
func (l *lowerer) methodList(n *Node, isMethod func(*Node) bool) ([]string, bool, bool) {
	obj, name := l.method(n)
	as := args(n)
	if obj == nil || len(as) == 0 || !isMethod(l.unparen(as[0])) {
		return nil, false, false
	}
	if name != "includes" && name != "indexOf" && name != "has" {
		return nil, false, false
	}
	list := l.resolve(obj)
	if list != nil && list.Type == "new_expression" && l.t.Text(list.Child("constructor")) == "Set" {
		if a := list.Child("arguments").Named(); len(a) > 0 {
			list = l.resolve(a[0])
		}
	}
	if list == nil || list.Type != "array" {
		return nil, false, false
	}
	var ms []string
	for _, e := range list.Named() {
		s, ok := l.str(e)
		if !ok {
			return nil, false, false
		}
		ms = append(ms, strings.ToUpper(s))
	}
	if len(ms) == 0 {
		return nil, false, false
	}
	return ms, false, true
}

// requestHeader returns the request header an expression reads, as
// written in code (req.headers['access-control-request-headers'],
// req.get('Access-Control-Request-Headers'), req.header(...), a
// Worker's request.headers.get(...), or a name bound once to one of
// them), canonical; "" for anything else.
func (h *handler) requestHeader(n *Node) string {
	l := h.l
	if h.req == "" {
		return ""
	}
	for i := 0; n != nil && i < 4; i++ {
		n = l.unparen(n)
		switch {
		case n == nil:
			return ""
		case n.Is("member_expression", "subscript_expression"):
			p := l.path(n)
			for _, pre := range []string{h.req + ".headers.", h.req + ".header."} {
				if strings.HasPrefix(p, pre) && !strings.Contains(p[len(pre):], ".") {
					return model.CanonicalName(p[len(pre):])
				}
			}
			return ""
		case n.Is("call_expression"):
			obj, m := l.method(n)
			if obj == nil || m != "get" && m != "header" {
				return ""
			}
			switch p := l.path(obj); {
			case h.fw == fwHono && p == h.req:
				return "" // c.get reads a context variable
			case p != h.req && p != h.req+".headers" && !(h.fw == fwHono && p == h.req+".req"):
				return ""
			}
			if as := args(n); len(as) == 1 {
				if s, ok := l.str(as[0]); ok {
					return model.CanonicalName(s)
				}
			}
			return ""
		case n.Is("identifier"):
			bs := l.bindings[l.t.Text(n)]
			if len(bs) != 1 {
				return ""
			}
			n = bs[0]
		default:
			return ""
		}
	}
	return ""
}

// headerTest reads a test of whether the request carries a header:
// !req.headers.authorization, req.get('Authorization') === undefined,
// and their opposites. negated is true when the test holds for requests
// without it. The Origin is read as an allowlist elsewhere.
func (h *handler) headerTest(n *Node) (name string, negated, ok bool) {
	l := h.l
	n = l.unparen(n)
	switch {
	case n == nil:
		return "", false, false
	case n.Is("unary_expression") && l.t.Text(n.Child("operator")) == "!":
		name, neg, ok := h.headerTest(n.Child("argument"))
		return name, !neg, ok
	case n.Is("binary_expression"):
		op := l.t.Text(n.Child("operator"))
		left, right := l.unparen(n.Child("left")), l.unparen(n.Child("right"))
		if left.Is("undefined", "null") {
			left, right = right, left
		}
		if !right.Is("undefined", "null") {
			return "", false, false
		}
		switch op {
		case "===", "==":
			name, neg, ok := h.headerTest(left)
			return name, !neg, ok
		case "!==", "!=":
			return h.headerTest(left)
		}
		return "", false, false
	}
	name = h.requestHeader(n)
	if name == "" || name == "Origin" {
		return "", false, false
	}
	return name, false, true
}

// headerRefusal is the answer a handler gives to requests without a
// header (an auth middleware's 401 when Authorization is missing), as
// the answer to preflights: a preflight carries none of the page's
// headers, only their names in Access-Control-Request-Headers, so every
// preflight gets it. pass are the headers set before it.
func (l *lowerer) headerRefusal(c *model.Condition, an *answer, pass []*model.HeaderOp, origins *model.Condition) *answer {
	an.ops = append(append([]*model.HeaderOp(nil), pass...), an.ops...)
	an.when = &model.Condition{Text: c.Text, Header: c.Header, Negated: true, Span: c.Span, And: origins}
	an.why = "the code answers " + strconv.Itoa(an.status) + " to requests without " + c.Header + " (" + c.Text + " at " + c.Span.String() +
		"), and a preflight never carries it (the browser names it in Access-Control-Request-Headers instead); let OPTIONS requests pass before the check, e.g. if (req.method === 'OPTIONS') return next()"
	return an
}

// optionsExcluded reports whether an active method test keeps OPTIONS
// requests away from here (past if (req.method === 'OPTIONS') return
// next()).
func (h *handler) optionsExcluded() bool {
	for _, c := range h.conds {
		if c.c.Methods != nil && hasMethod(c.c.Methods, "OPTIONS") == c.c.Negated {
			return true
		}
	}
	return false
}

// failure reports whether an answer given in the branch of c is one
// given only when something fails: a 5xx under a test that is none of
// the request's origin, method or headers (if (err) return
// res.status(500).json(...)), in an Express handler. It then marks c
// and keeps the headers set before on the answer.
func (h *handler) failure(c *cond, an *answer) bool {
	if h.fw != "" || an.status < 500 || c.c.Origin != nil || c.c.Methods != nil || c.c.Header != "" || c.c.Negated {
		return false
	}
	c.c.Failure = true
	an.ops = append(append([]*model.HeaderOp(nil), h.pass...), an.ops...)
	an.when = c.c
	return true
}

// firstThrowing returns the index of the first statement that can throw:
// one that awaits, or calls anything but the request's and response's
// own methods (db.query, JSON.parse); len(stmts) when none can.
func (l *lowerer) firstThrowing(stmts []*Node, req, res string) int {
	for i, st := range stmts {
		risky := false
		walk(st, func(n *Node) bool {
			switch {
			case risky || isFunction(n):
				return false
			case n.Is("await_expression"):
				risky = true
			case n.Is("call_expression"):
				root := l.unparen(n.Child("function"))
				for root.Is("member_expression", "call_expression") {
					if root.Is("call_expression") {
						root = l.unparen(root.Child("function"))
						continue
					}
					root = l.unparen(root.Child("object"))
				}
				if t := l.t.Text(root); t != req && t != res || t == "" {
					risky = true
				}
			}
			return !risky
		})
		if risky {
			return i
		}
	}
	return len(stmts)
}
