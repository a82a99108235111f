package rules

import (
	"net/url"
	"strings"

	"github.com/corslint/corslint/model"
)

// adds reports whether op puts a header value on the response (as opposed
// to removing one).
func adds(op *model.HeaderOp) bool {
	return op.Op != model.Unset && op.Op != model.Hide
}

// hasLiteral reports whether v can be exactly s.
func hasLiteral(v model.Value, s string) bool {
	for p := range v.All() {
		switch p.Kind {
		case model.Literal, model.Wildcard, model.Null:
			if p.Text == s {
				return true
			}
		}
	}
	return false
}

// credentialsOn returns the statement that sends
// Access-Control-Allow-Credentials: true on r, or nil.
func credentialsOn(r *model.Response) *model.HeaderOp {
	ops := r.Ops(model.ACAC)
	for i, op := range ops {
		// one a later statement replaces or removes on every answer (an
		// <If>'s unset) sends nothing
		if adds(op) && hasLiteral(op.Value, "true") && !replacedLater(op, ops[i+1:]) {
			return op
		}
	}
	return nil
}

// addsHeader returns the first statement that puts header name on r.
func addsHeader(r *model.Response, name string) *model.HeaderOp {
	for _, op := range r.Ops(name) {
		if adds(op) && op.Value.Kind != model.Empty {
			return op
		}
	}
	return nil
}

// listItems splits a comma-separated header value.
func listItems(s string) []string {
	var out []string
	for _, it := range strings.Split(s, ",") {
		if it = strings.TrimSpace(it); it != "" {
			out = append(out, it)
		}
	}
	return out
}

// literalTexts returns the literal texts v can take.
func literalTexts(v model.Value) []string {
	var out []string
	for p := range v.All() {
		switch p.Kind {
		case model.Literal, model.Wildcard, model.Null:
			out = append(out, p.Text)
		}
	}
	return out
}

// isLoopback reports whether an origin names the local machine, which no
// network attacker can serve a page from.
func isLoopback(origin string) bool {
	u, err := url.Parse(origin)
	if err != nil {
		return false
	}
	h := u.Hostname()
	return h == "localhost" || strings.HasSuffix(h, ".localhost") || h == "127.0.0.1" || h == "::1"
}

// effectiveOwner returns the scope whose own statements make up s's
// effective headers: s itself or the nearest ancestor that has any.
func effectiveOwner(s *model.Scope) *model.Scope {
	for c := s; c != nil; c = c.Parent {
		if len(c.Own) > 0 || len(c.Dropped) > 0 {
			return c
		}
	}
	return s
}

// adviceFor returns the fix advice of f's dialect. A file that no dialect
// lowered (built by hand) gets advice that names no syntax.
func adviceFor(f *model.File) model.Advice {
	if f.Advice != nil {
		return f.Advice
	}
	return plainAdvice{}
}

// plainAdvice is advice in words rather than in a dialect's syntax.
type plainAdvice struct{}

func (plainAdvice) Allowlist() string { return "check the origin against a list of trusted origins" }

func (plainAdvice) VaryOrigin(*model.HeaderOp) string {
	return "add Vary: Origin to the responses that carry it"
}

func (plainAdvice) VaryAppend(*model.HeaderOp) string {
	return "add Origin to the Vary header instead of replacing it"
}

func (plainAdvice) CacheKey() string {
	return "add the request's Origin to the cache key, or have the upstream send Vary: Origin"
}

func (plainAdvice) HideUpstream(*model.Upstream) string {
	return "remove the upstream's Access-Control-Allow-Origin before adding this one"
}

func (plainAdvice) AnswerOptions(generic string) string { return generic }

func (plainAdvice) Always() string { return "send it on error responses too" }

func (plainAdvice) AllowHeaders(*model.Scope) string {
	return "list Content-Type and Authorization in the allowed headers"
}
