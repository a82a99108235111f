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
	for _, p := range v.Possible() {
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
	for _, op := range r.Ops(model.ACAC) {
		if adds(op) && hasLiteral(op.Value, "true") {
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
	for _, p := range v.Possible() {
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

// allowlistFix says, per dialect, how to gate a reflected origin.
func allowlistFix(d model.Dialect) string {
	switch d {
	case model.Nginx:
		return "set it from a map of trusted origins: map $http_origin $cors_origin { default \"\"; \"https://app.example.com\" $http_origin; }"
	case model.Apache:
		return "echo it only when SetEnvIf Origin \"^https://app\\.example\\.com$\" CORS_ORIGIN=$0 matched, with Header always set Access-Control-Allow-Origin %{CORS_ORIGIN}e env=CORS_ORIGIN"
	case model.VCL:
		return "set it only inside if (req.http.Origin ~ \"^https://app\\.example\\.com$\")"
	case model.SAM:
		return "send a fixed trusted origin such as \"'https://app.example.com'\" instead, or use an HTTP API whose CorsConfiguration AllowOrigins lists the trusted origins"
	}
	return "check the origin against a list of trusted origins"
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
