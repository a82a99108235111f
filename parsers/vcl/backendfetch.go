package vcl

import (
	"strings"

	"github.com/corslint/corslint/model"
)

// originToBackend finds what the VCL does to the Origin of the backend
// request in vcl_backend_fetch: an unset (or a set) of bereq.http.Origin
// at the top of the subroutine reaches every fetch, one under an if only
// some. The backend then has no Origin (or another one) to echo.
func (l *lowerer) originToBackend() (always, sometimes model.Span) {
	return l.originIn("vcl_backend_fetch")
}

// originToPipe is originToBackend for a piped request, whose backend
// request vcl_pipe prepares: vcl_backend_fetch never runs for it
// (varnishd 7.1 passed the Origin that vcl_backend_fetch unsets to the
// backend of a return (pipe), difftest seed 99, v87).
func (l *lowerer) originToPipe() (always, sometimes model.Span) {
	return l.originIn("vcl_pipe")
}

// originIn finds the statements changing bereq.http.Origin in the user's
// subroutine sub.
func (l *lowerer) originIn(sub string) (always, sometimes model.Span) {
	for _, s := range l.userSubs(sub) {
		if s.Body == nil {
			continue
		}
		a, b := originStmts(s.Body.Stmts, false)
		if always.IsZero() {
			always = a
		}
		if sometimes.IsZero() {
			sometimes = b
		}
	}
	return always, sometimes
}

// originStmts walks ss for statements changing bereq.http.Origin; nested
// tells whether ss is under a condition. A set counts as conditional
// since the value the backend then echoes is not followed.
func originStmts(ss []Stmt, nested bool) (always, sometimes model.Span) {
	note := func(sp model.Span, cond bool) {
		switch {
		case cond && sometimes.IsZero():
			sometimes = sp
		case !cond && always.IsZero():
			always = sp
		}
	}
	for _, s := range ss {
		switch x := s.(type) {
		case *Unset:
			if isBereqOrigin(x.Target) {
				note(x.Span, nested)
			}
		case *Set:
			if isBereqOrigin(x.Target) {
				note(x.Span, true)
			}
		case *Block:
			a, b := originStmts(x.Stmts, nested)
			if !a.IsZero() {
				note(a, nested)
			}
			if !b.IsZero() {
				note(b, true)
			}
		case *If:
			blocks := make([]*Block, 0, len(x.Branches)+1)
			for _, br := range x.Branches {
				blocks = append(blocks, br.Body)
			}
			if x.Else != nil {
				blocks = append(blocks, x.Else)
			}
			for _, blk := range blocks {
				if blk == nil {
					continue
				}
				a, b := originStmts(blk.Stmts, true)
				if !a.IsZero() {
					note(a, true)
				}
				if !b.IsZero() {
					note(b, true)
				}
			}
		case *Return:
			// What follows a return at this level does not run.
			if !nested {
				return always, sometimes
			}
		}
	}
	return always, sometimes
}

func isBereqOrigin(id *Ident) bool {
	return id != nil && strings.EqualFold(id.Name, "bereq.http.origin")
}

// readsRemovedOrigin reports whether e reads bereq.http.Origin while
// vcl_backend_fetch unsets it for every fetch.
func (l *lowerer) readsRemovedOrigin(e Expr) bool {
	found := false
	walkExpr(e, func(x Expr) {
		if id, ok := x.(*Ident); ok && isBereqOrigin(id) {
			found = true
		}
	})
	if !found {
		return false
	}
	always, _ := l.originToBackend()
	return !always.IsZero()
}

// fetchKeepsBody reports whether the user's vcl_backend_fetch returns
// before the built-in one, whose `unset bereq.body` for a GET then never
// runs: a POST that vcl_recv hashes is fetched on a miss as a GET that
// still carries its body, which a retry cannot send again (varnishd 7.1
// answered 503 under `return (fetch);` there, difftest seed 123).
func (l *lowerer) fetchKeepsBody() bool {
	for _, s := range l.userSubs("vcl_backend_fetch") {
		if s.Body == nil {
			continue
		}
		for _, st := range s.Body.Stmts {
			switch x := st.(type) {
			case *Unset:
				if strings.EqualFold(x.Target.Name, "bereq.body") {
					return false
				}
			case *Return:
				return true
			}
		}
	}
	return false
}
