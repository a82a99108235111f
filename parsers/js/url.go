package js

import (
	"regexp"

	"github.com/corslint/corslint/model"
)

// originScheme and originPort are what surrounds the host in an origin
// (scheme://host[:port]); a test on new URL(origin).hostname says nothing
// about them.
const (
	originScheme = `^[a-z][a-z0-9+.-]*://`
	originPort   = `(:[0-9]+)?$`
)

// urlPart names the part of the request's origin an expression holds
// when it is new URL(origin).hostname or .host (directly, or through a
// name bound once to the URL or to the part); "" otherwise.
func (l *lowerer) urlPart(n *Node, isOrigin func(*Node) bool) string {
	n = l.resolve(n)
	if n == nil || n.Type != "member_expression" {
		return ""
	}
	part := l.t.Text(n.Child("property"))
	if part != "hostname" && part != "host" {
		return ""
	}
	u := l.resolve(n.Child("object"))
	if u == nil || u.Type != "new_expression" || l.t.Text(u.Child("constructor")) != "URL" {
		return ""
	}
	as := u.Child("arguments").Named()
	if len(as) != 1 || !isOrigin(as[0]) {
		return ""
	}
	return part
}

// hostTest is a string test (endsWith, startsWith, includes, indexOf,
// ===) on the origin's hostname or host as the pattern on the whole
// origin that accepts the same origins. URL lowercases the host, so the
// pattern ignores case.
func (l *lowerer) hostTest(n *Node, part, test, s string) *model.Matcher {
	host, port := `[^/:]*`, originPort
	if part == "host" {
		host, port = `[^/]*`, `$`
	}
	q := regexp.QuoteMeta(s)
	var p string
	switch test {
	case "endsWith":
		p = host + q
	case "startsWith":
		p = q + host
	case "includes", "indexOf":
		p = host + q + host
	case "===":
		p = q
	default:
		return nil
	}
	return l.matcher(&model.Matcher{Kind: model.MatchRegex, Pattern: originScheme + p + port, CaseInsensitive: true,
		Span: l.t.Span(n), Raw: l.t.Raw(n)})
}
