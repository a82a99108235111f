package apache

import (
	"errors"
	"fmt"
	"strings"

	"github.com/corslint/corslint/internal/pcre"
)

// exprEnv is what an ap_expr sees of a request: its method, path and
// headers, the environment, and the request headers it has read, which
// httpd adds to Vary.
type exprEnv struct {
	req  *Request
	env  map[string]string
	vary []string
}

// errExpr marks an expression the evaluator does not model; the caller
// then falls back to the static model.
var errExpr = errors.New("expression not modelled")

// reqHeader returns a request header, case-insensitively, and whether the
// request has it.
func reqHeader(r *Request, name string) (string, bool) {
	for _, h := range r.Headers {
		if strings.EqualFold(h[0], name) {
			return h[1], true
		}
	}
	return "", false
}

// evalBool evaluates a boolean ap_expr (an <If> condition, Header
// expr=...). Request headers it reads through req:, http: or HTTP: are
// added to x.vary, as httpd's expression evaluator does.
func (x *exprEnv) evalBool(s string) (bool, error) {
	p := &exprParser{s: s, x: x}
	v, err := p.or()
	if err != nil {
		return false, err
	}
	p.space()
	if p.i != len(p.s) {
		return false, fmt.Errorf("%w: trailing %q", errExpr, p.s[p.i:])
	}
	return v, nil
}

// evalString evaluates an ap_expr string (a Header value expr=...).
func (x *exprEnv) evalString(s string) (string, error) {
	p := &exprParser{s: s, x: x}
	return p.interpolate(s)
}

type exprParser struct {
	s string
	i int
	x *exprEnv
	// skip is set while reading an operand that && or || does not
	// evaluate, which then reads no header (and adds nothing to Vary).
	skip bool
}

// lazy reads the next operand, evaluating it only when eval is set.
func (p *exprParser) lazy(eval bool, next func() (bool, error)) (bool, error) {
	was := p.skip
	p.skip = was || !eval
	v, err := next()
	p.skip = was
	return v, err
}

func (p *exprParser) space() {
	for p.i < len(p.s) && (p.s[p.i] == ' ' || p.s[p.i] == '\t') {
		p.i++
	}
}

func (p *exprParser) eat(tok string) bool {
	p.space()
	if strings.HasPrefix(p.s[p.i:], tok) {
		p.i += len(tok)
		return true
	}
	return false
}

func (p *exprParser) or() (bool, error) {
	v, err := p.and()
	if err != nil {
		return false, err
	}
	for p.eat("||") {
		w, err := p.lazy(!v, p.and)
		if err != nil {
			return false, err
		}
		v = v || w
	}
	return v, nil
}

func (p *exprParser) and() (bool, error) {
	v, err := p.unary()
	if err != nil {
		return false, err
	}
	for p.eat("&&") {
		w, err := p.lazy(v, p.unary)
		if err != nil {
			return false, err
		}
		v = v && w
	}
	return v, nil
}

func (p *exprParser) unary() (bool, error) {
	switch {
	case p.eat("!"):
		v, err := p.unary()
		return !v, err
	case p.eat("("):
		v, err := p.or()
		if err != nil {
			return false, err
		}
		if !p.eat(")") {
			return false, fmt.Errorf("%w: missing )", errExpr)
		}
		return v, nil
	case p.eat("true"):
		return true, nil
	case p.eat("false"):
		return false, nil
	case p.eat("-n "):
		w, err := p.word()
		return w != "", err
	case p.eat("-z "):
		w, err := p.word()
		return w == "", err
	}
	left, err := p.word()
	if err != nil {
		return false, err
	}
	p.space()
	for _, op := range []string{"==", "!=", "=~", "!~"} {
		if !p.eat(op) {
			continue
		}
		if op == "=~" || op == "!~" {
			re, ci, err := p.regex()
			if err != nil {
				return false, err
			}
			m, err := pcre.Compile(re, ci)
			if err != nil {
				return false, fmt.Errorf("%w: %w", errExpr, err)
			}
			ok, err := m.MatchString(left)
			if err != nil {
				return false, fmt.Errorf("%w: %w", errExpr, err)
			}
			return ok == (op == "=~"), nil
		}
		right, err := p.word()
		if err != nil {
			return false, err
		}
		return (left == right) == (op == "=="), nil
	}
	return false, fmt.Errorf("%w: no operator after %q", errExpr, left)
}

// regex reads /re/ or m#re# with an optional i flag.
func (p *exprParser) regex() (string, bool, error) {
	p.space()
	rest := p.s[p.i:]
	delim := byte('/')
	switch {
	case strings.HasPrefix(rest, "m") && len(rest) > 1:
		delim = rest[1]
		rest = rest[2:]
		p.i += 2
	case strings.HasPrefix(rest, "/"):
		rest = rest[1:]
		p.i++
	default:
		return "", false, fmt.Errorf("%w: regex expected", errExpr)
	}
	end := strings.IndexByte(rest, delim)
	if end < 0 {
		return "", false, fmt.Errorf("%w: unterminated regex", errExpr)
	}
	p.i += end + 1
	ci := false
	if p.i < len(p.s) && p.s[p.i] == 'i' {
		ci = true
		p.i++
	}
	return rest[:end], ci, nil
}

// word reads a string literal (with %{...} inside), a variable or a
// function call.
func (p *exprParser) word() (string, error) {
	p.space()
	if p.i >= len(p.s) {
		return "", fmt.Errorf("%w: operand expected", errExpr)
	}
	switch c := p.s[p.i]; c {
	case '\'', '"':
		end := strings.IndexByte(p.s[p.i+1:], c)
		if end < 0 {
			return "", fmt.Errorf("%w: unterminated string", errExpr)
		}
		lit := p.s[p.i+1 : p.i+1+end]
		p.i += end + 2
		return p.interpolate(lit)
	case '%':
		if !strings.HasPrefix(p.s[p.i:], "%{") {
			break
		}
		end := strings.IndexByte(p.s[p.i:], '}')
		if end < 0 {
			return "", fmt.Errorf("%w: unterminated variable", errExpr)
		}
		v, err := p.variable(p.s[p.i+2 : p.i+end])
		p.i += end + 1
		return v, err
	}
	return "", fmt.Errorf("%w: operand at %q", errExpr, p.s[p.i:])
}

// interpolate expands %{...} in a string.
func (p *exprParser) interpolate(s string) (string, error) {
	var b strings.Builder
	for {
		i := strings.Index(s, "%{")
		if i < 0 {
			b.WriteString(s)
			return b.String(), nil
		}
		end := strings.IndexByte(s[i:], '}')
		if end < 0 {
			return "", fmt.Errorf("%w: unterminated variable", errExpr)
		}
		v, err := p.variable(s[i+2 : i+end])
		if err != nil {
			return "", err
		}
		b.WriteString(s[:i])
		b.WriteString(v)
		s = s[i+end+1:]
	}
}

// variable is the value of %{name} or %{func:arg}.
func (p *exprParser) variable(name string) (string, error) {
	r := p.x.req
	if fn, arg, ok := strings.Cut(name, ":"); ok {
		switch strings.ToLower(fn) {
		case "http", "req":
			if !p.skip && !containsFold(p.x.vary, arg) {
				p.x.vary = append(p.x.vary, arg)
			}
			v, _ := reqHeader(r, arg)
			return v, nil
		case "req_novary":
			v, _ := reqHeader(r, arg)
			return v, nil
		case "env", "reqenv":
			return p.x.env[arg], nil
		}
		return "", fmt.Errorf("%w: function %s", errExpr, fn)
	}
	switch strings.ToUpper(name) {
	case "REQUEST_METHOD":
		return r.Method, nil
	case "REQUEST_URI", "DOCUMENT_URI":
		return r.Path, nil
	case "HTTP_HOST":
		v, _ := reqHeader(r, "Host")
		return v, nil
	}
	return "", fmt.Errorf("%w: variable %s", errExpr, name)
}

func containsFold(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}
