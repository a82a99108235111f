package vcl

import (
	"strconv"
	"strings"
	"time"

	"github.com/dlclark/regexp2"
)

// tri is a truth value that may be unknown.
type tri uint8

const (
	unknown tri = iota
	yes
	no
)

func (t tri) not() tri {
	switch t {
	case yes:
		return no
	case no:
		return yes
	}
	return unknown
}

func and(a, b tri) tri {
	switch {
	case a == no || b == no:
		return no
	case a == yes && b == yes:
		return yes
	}
	return unknown
}

func or(a, b tri) tri {
	switch {
	case a == yes || b == yes:
		return yes
	case a == no && b == no:
		return no
	}
	return unknown
}

// evalWith evaluates a condition in three-valued logic; atom decides
// what it can about a sub-expression (ok false: not an atom it knows).
func evalWith(e Expr, atom func(Expr) (tri, bool)) tri {
	if v, ok := atom(e); ok {
		return v
	}
	switch x := e.(type) {
	case *Unary:
		if x.Op == "!" {
			return evalWith(x.X, atom).not()
		}
	case *Binary:
		switch x.Op {
		case "&&":
			return and(evalWith(x.L, atom), evalWith(x.R, atom))
		case "||":
			return or(evalWith(x.L, atom), evalWith(x.R, atom))
		}
	case *Ident:
		switch x.Name {
		case "true":
			return yes
		case "false":
			return no
		}
	}
	return unknown
}

var standardMethods = []string{"GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"}

// methodCompare decides req.method == "X", != , ~ and !~ for a method.
func methodCompare(b *Binary, method string) (tri, bool) {
	id, ok := b.L.(*Ident)
	s, isStr := b.R.(*String)
	if !ok || !isStr || !isMethodVar(id.Name) {
		return unknown, false
	}
	var match bool
	switch b.Op {
	case "==", "!=":
		match = s.Value == method // VCL compares strings exactly
	case "~", "!~":
		re, err := regexp2.Compile(s.Value, regexp2.None)
		if err != nil {
			return unknown, true
		}
		re.MatchTimeout = 100 * time.Millisecond
		match, _ = re.MatchString(method)
	default:
		return unknown, false
	}
	if strings.HasPrefix(b.Op, "!") {
		match = !match
	}
	if match {
		return yes, true
	}
	return no, true
}

// statusCompare decides resp.status == 204 and the like when the status
// is known.
func statusCompare(b *Binary, status int) (tri, bool) {
	id, ok := b.L.(*Ident)
	n, isNum := b.R.(*Number)
	if !ok || !isNum {
		return unknown, false
	}
	switch strings.ToLower(id.Name) {
	case "resp.status", "beresp.status", "obj.status":
	default:
		return unknown, false
	}
	if status == 0 {
		return unknown, true
	}
	return compareInt(b, n, status)
}

// restartsCompare evaluates a comparison of req.restarts with a number:
// the path knows how many restarts led to it.
func restartsCompare(b *Binary, restarts int) (tri, bool) {
	id, ok := b.L.(*Ident)
	n, isNum := b.R.(*Number)
	if !ok || !isNum || !strings.EqualFold(id.Name, "req.restarts") {
		return unknown, false
	}
	return compareInt(b, n, restarts)
}

// compareInt evaluates b, whose left side has the value have, against the
// number n on its right.
func compareInt(b *Binary, n *Number, have int) (tri, bool) {
	want, err := strconv.Atoi(n.Text)
	if err != nil {
		return unknown, true
	}
	var r bool
	switch b.Op {
	case "==":
		r = have == want
	case "!=":
		r = have != want
	case "<":
		r = have < want
	case ">":
		r = have > want
	case "<=":
		r = have <= want
	case ">=":
		r = have >= want
	default:
		return unknown, true
	}
	if r {
		return yes, true
	}
	return no, true
}
