package apache

import (
	"strings"
	"time"

	"github.com/dlclark/regexp2"

	"github.com/corslint/corslint/model"
)

var standardMethods = []string{"GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"}

// test is what one condition of httpd checks, as far as CORS cares: the
// request's Origin, its method, or something else.
type test struct {
	origin *model.Matcher // the Origin must match this (nil: not an origin test)
	// anyOrigin is set for presence tests (-n %{HTTP:Origin}, SetEnvIf
	// Origin ".+"): they hold for every origin and guard nothing.
	anyOrigin bool
	methods   []string // the methods admitted (nil: not a method test)
	negated   bool
	unknown   bool // a condition corslint cannot read
}

// originSubject reports whether an ap_expr or mod_rewrite operand names the
// request's Origin header.
func originSubject(s string) bool {
	s = strings.ToLower(strings.TrimSpace(s))
	switch s {
	case "%{http:origin}", "%{req:origin}", "%{req_novary:origin}", "%{http_origin}",
		"req('origin')", "http('origin')", "req_novary('origin')",
		`req("origin")`, `http("origin")`, `req_novary("origin")`:
		return true
	}
	return false
}

func methodSubject(s string) bool {
	return strings.EqualFold(strings.TrimSpace(s), "%{REQUEST_METHOD}")
}

// regexLiteral reads an ap_expr regex, /re/flags or m#re#flags, returning
// the pattern, whether it is case-insensitive, and its offset in s.
func regexLiteral(s string) (pat string, ci bool, off int, ok bool) {
	t := strings.TrimSpace(s)
	lead := strings.Index(s, t)
	var delim byte
	start := 0
	switch {
	case strings.HasPrefix(t, "/"):
		delim, start = '/', 1
	case len(t) > 2 && t[0] == 'm' && !isAlnum(t[1]) && !isSpace(t[1]):
		delim, start = t[1], 2
	default:
		return "", false, 0, false
	}
	end := -1
	for i := start; i < len(t); i++ {
		if t[i] == '\\' {
			i++
			continue
		}
		if t[i] == delim {
			end = i
			break
		}
	}
	if end < 0 {
		return "", false, 0, false
	}
	flags := t[end+1:]
	return t[start:end], strings.Contains(flags, "i"), lead + start, true
}

func isWord(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isAlnum(s[i]) {
			return false
		}
	}
	return true
}

func isAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// stringLiteral reads a quoted ap_expr string.
func stringLiteral(s string) (string, int, bool) {
	t := strings.TrimSpace(s)
	lead := strings.Index(s, t)
	if len(t) >= 2 && (t[0] == '\'' || t[0] == '"') && t[len(t)-1] == t[0] {
		return t[1 : len(t)-1], lead + 1, true
	}
	return "", 0, false
}

// methodsMatching lists the standard methods a pattern admits.
func methodsMatching(pattern string, ci bool) []string {
	// The common forms, OPTIONS and ^OPTIONS$, without a regex engine.
	if word := strings.TrimSuffix(strings.TrimPrefix(pattern, "^"), "$"); isWord(word) {
		if ci {
			word = strings.ToUpper(word)
		}
		out := []string{}
		for _, m := range standardMethods {
			ok := strings.Contains(m, word)
			if strings.HasPrefix(pattern, "^") {
				ok = ok && strings.HasPrefix(m, word)
			}
			if strings.HasSuffix(pattern, "$") {
				ok = ok && strings.HasSuffix(m, word)
			}
			if ok {
				out = append(out, m)
			}
		}
		return out
	}
	opts := regexp2.None
	if ci {
		opts = regexp2.IgnoreCase
	}
	re, err := regexp2.Compile(pattern, opts)
	if err != nil {
		return nil
	}
	re.MatchTimeout = 100 * time.Millisecond
	out := []string{}
	for _, m := range standardMethods {
		if ok, _ := re.MatchString(m); ok {
			out = append(out, m)
		}
	}
	return out
}

func otherMethods(ms []string) []string {
	out := []string{}
	for _, m := range standardMethods {
		if !hasMethod(ms, m) {
			out = append(out, m)
		}
	}
	return out
}

func hasMethod(ms []string, m string) bool {
	for _, x := range ms {
		if strings.EqualFold(x, m) {
			return true
		}
	}
	return false
}

// admitted returns the methods a test admits, nil when it does not test
// the method.
func (t test) admitted() []string {
	if t.methods == nil {
		return nil
	}
	if t.negated {
		return otherMethods(t.methods)
	}
	return t.methods
}

// exprSpan locates offset off of an argument's value in the source, when
// the argument sits on one line and has no escapes; else the whole arg.
func exprSpan(a Arg, off, n int) model.Span {
	sp := a.Span
	rawOff := off
	if a.Quote != 0 {
		rawOff++
	}
	if sp.Line != sp.EndLine || rawOff+n > len(a.Raw) || a.Raw[rawOff:rawOff+n] != a.Value[off:off+n] {
		return sp
	}
	sp.Col += rawOff
	sp.EndCol = sp.Col + n
	return sp
}

// splitTop splits an ap_expr at top-level occurrences of op (&& or ||),
// outside quotes, regexes and parentheses.
func splitTop(s, op string) []string {
	var out []string
	depth, start := 0, 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '\'' || c == '"':
			if j := strings.IndexByte(s[i+1:], c); j >= 0 {
				i += j + 1
			}
		case c == '/' && prevIsOperator(s, i):
			if j := strings.IndexByte(s[i+1:], '/'); j >= 0 {
				i += j + 1
			}
		case c == 'm' && i+1 < len(s) && (s[i+1] == '#' || s[i+1] == '|' || s[i+1] == '!' || s[i+1] == '{') && prevIsOperator(s, i):
			d := s[i+1]
			if d == '{' {
				d = '}'
			}
			if j := strings.IndexByte(s[i+2:], d); j >= 0 {
				i += j + 2
			}
		case c == '(':
			depth++
		case c == ')':
			depth--
		case depth == 0 && strings.HasPrefix(s[i:], op):
			out = append(out, s[start:i])
			start = i + len(op)
			i += len(op) - 1
		}
	}
	return append(out, s[start:])
}

// prevIsOperator reports whether the token before i is =~ or !~, where a
// regex literal may start.
func prevIsOperator(s string, i int) bool {
	t := strings.TrimRight(s[:i], " \t")
	return strings.HasSuffix(t, "=~") || strings.HasSuffix(t, "!~")
}

// parseExpr reads the parts of an ap_expr boolean expression that matter
// for CORS: tests of the Origin and of the method, joined by &&. at is the
// argument holding the expression and base the expression's offset in it.
func parseExpr(e string, a Arg, base int) []test {
	var out []test
	off := base
	for _, part := range splitTop(e, "&&") {
		out = append(out, parseComparison(part, a, off))
		off += len(part) + 2
	}
	return out
}

// parseComparison reads one comparison, or a disjunction of equality tests
// on the same subject.
func parseComparison(s string, a Arg, off int) test {
	t := strings.TrimSpace(s)
	off += strings.Index(s, t)
	neg := false
	for strings.HasPrefix(t, "!") && !strings.HasPrefix(t, "!~") {
		neg = !neg
		t = strings.TrimSpace(t[1:])
		off++
	}
	if strings.HasPrefix(t, "(") && strings.HasSuffix(t, ")") {
		inner := t[1 : len(t)-1]
		parts := splitTop(inner, "||")
		if len(parts) == 1 {
			r := parseComparison(inner, a, off+1)
			r.negated = r.negated != neg
			return r
		}
		t2 := union(parts, a, off+1)
		t2.negated = t2.negated != neg
		return t2
	}
	if parts := splitTop(t, "||"); len(parts) > 1 {
		r := union(parts, a, off)
		r.negated = r.negated != neg
		return r
	}
	switch strings.ToLower(t) {
	case "true":
		return test{negated: neg}
	case "false":
		return test{unknown: true}
	}
	if strings.HasPrefix(t, "-n ") || strings.HasPrefix(t, "-z ") {
		if originSubject(t[3:]) {
			return test{anyOrigin: true, negated: neg != strings.HasPrefix(t, "-z")}
		}
		return test{unknown: true}
	}
	for _, op := range []string{"=~", "!~", "==", "!=", " -strmatch ", " -strcmatch ", " -fnmatch ", " in ", " -in ", "="} {
		i := strings.Index(t, op)
		if i <= 0 {
			continue
		}
		subj, rest := t[:i], t[i+len(op):]
		restOff := off + i + len(op)
		r := comparison(subj, strings.TrimSpace(op), rest, a, restOff)
		r.negated = r.negated != neg
		return r
	}
	return test{unknown: true}
}

// union joins equality tests of one subject: a == 'x' || a == 'y'.
func union(parts []string, a Arg, off int) test {
	var acc test
	for i, p := range parts {
		r := parseComparison(p, a, off)
		off += len(p) + 2
		if r.unknown || r.negated || r.anyOrigin {
			return test{unknown: true}
		}
		if i == 0 {
			acc = r
			continue
		}
		switch {
		case acc.methods != nil && r.methods != nil:
			for _, m := range r.methods {
				if !hasMethod(acc.methods, m) {
					acc.methods = append(acc.methods, m)
				}
			}
		case acc.origin != nil && r.origin != nil && acc.origin.Kind == model.MatchExact && r.origin.Kind == model.MatchExact:
			o := acc.origin
			m := &model.Matcher{Kind: o.Kind, CaseInsensitive: o.CaseInsensitive, Hostnames: o.Hostnames, Dynamic: o.Dynamic, Span: o.Span, Raw: o.Raw}
			m.Exact = append(append([]string(nil), o.Exact...), r.origin.Exact...)
			m.Pattern = strings.Join(m.Exact, " ")
			m.Span.EndLine, m.Span.EndCol = r.origin.Span.EndLine, r.origin.Span.EndCol
			acc.origin = m
		default:
			return test{unknown: true}
		}
	}
	return acc
}

func comparison(subj, op, rest string, a Arg, off int) test {
	isOrigin, isMethod := originSubject(subj), methodSubject(subj)
	if !isOrigin && !isMethod {
		return test{unknown: true}
	}
	neg := op == "!~" || op == "!="
	raw := strings.TrimSpace(a.Raw)
	var values []string
	var at model.Span
	var m *model.Matcher
	switch op {
	case "=~", "!~":
		pat, ci, po, ok := regexLiteral(rest)
		if !ok {
			return test{unknown: true}
		}
		if isMethod {
			return test{methods: methodsMatching(pat, ci), negated: neg}
		}
		at = exprSpan(a, off+po, len(pat))
		m = &model.Matcher{Kind: model.MatchRegex, Pattern: pat, CaseInsensitive: ci, Span: at, Raw: raw}
	case "==", "!=", "=", "-strmatch", "-strcmatch", "-fnmatch":
		v, vo, ok := stringLiteral(rest)
		if !ok {
			return test{unknown: true}
		}
		values = []string{v}
		at = exprSpan(a, off+vo, len(v))
		if isMethod {
			if strings.HasSuffix(op, "match") {
				return test{methods: wildcardMethods(v, op == "-strcmatch"), negated: neg}
			}
			return test{methods: []string{strings.ToUpper(v)}, negated: neg}
		}
		kind := model.MatchExact
		if strings.HasSuffix(op, "match") {
			kind = model.MatchWildcard
		}
		m = &model.Matcher{Kind: kind, Pattern: v, Exact: values, CaseInsensitive: op == "-strcmatch", Span: at, Raw: raw}
	case "in", "-in":
		body := strings.TrimSpace(rest)
		if !strings.HasPrefix(body, "{") || !strings.HasSuffix(body, "}") {
			return test{unknown: true}
		}
		for _, it := range strings.Split(body[1:len(body)-1], ",") {
			v, _, ok := stringLiteral(it)
			if !ok {
				return test{unknown: true}
			}
			values = append(values, v)
		}
		if isMethod {
			up := make([]string, len(values))
			for i, v := range values {
				up[i] = strings.ToUpper(v)
			}
			return test{methods: up}
		}
		at = exprSpan(a, off+strings.Index(rest, "{"), len(body))
		m = &model.Matcher{Kind: model.MatchExact, Pattern: strings.Join(values, " "), Exact: values, Span: at, Raw: raw}
	default:
		return test{unknown: true}
	}
	return test{origin: m, negated: neg}
}

func wildcardMethods(pat string, ci bool) []string {
	parts := strings.Split(pat, "*")
	for i := range parts {
		parts[i] = regexp2.Escape(parts[i])
	}
	return methodsMatching("^"+strings.Join(parts, ".*")+"$", ci)
}

// conjunction folds the tests of an expression into one condition.
func conjunction(text string, at model.Span, ts []test) (*model.Condition, []*model.Matcher, bool) {
	c := &model.Condition{Text: text, Span: at}
	var guards []*model.Matcher
	unknown := false
	for _, t := range ts {
		switch {
		case t.unknown:
			unknown = true
		case t.origin != nil && !t.negated:
			guards = append(guards, t.origin)
			if c.Origin == nil {
				c.Origin = t.origin
			}
		case t.origin != nil:
			unknown = true // "not this origin" admits every other one
			if len(ts) == 1 {
				// the whole test: it holds where the origin does not
				// match, which the model's condition can say
				c.Origin, c.Negated = t.origin, true
			}
		case t.methods != nil:
			ms := t.admitted()
			if c.Methods != nil {
				var both []string
				for _, m := range c.Methods {
					if hasMethod(ms, m) {
						both = append(both, m)
					}
				}
				ms = both
			}
			c.Methods = ms
		}
	}
	return c, guards, unknown
}
