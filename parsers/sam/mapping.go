package sam

import (
	"fmt"
	"strings"

	"github.com/corslint/corslint/model"
)

// mappingValue classifies an API Gateway response parameter value, which
// is a mapping expression: a static value in single quotes inside the
// string ("'*'"), or a reference such as method.request.header.Origin or
// integration.response.header.X. SAM's Cors values are used as such
// expressions unchanged. A value that is no valid expression is returned
// with a problem; its Value is what the author evidently meant.
func mappingValue(n *Node) (model.Value, *model.SyntaxProblem) {
	at := n.Span
	if n.Unknown && n.Str == "" {
		return model.Value{Kind: model.Unknown, Raw: "${" + n.Via + "}", Span: at}, nil
	}
	text := n.Str
	if n.Kind == Scalar && n.Type != "str" && !n.Unknown {
		return model.LiteralValue(text, at), &model.SyntaxProblem{
			Written: text,
			Why:     fmt.Sprintf("is the %s %s, not a string with a static value in single quotes, which API Gateway refuses at deploy (Invalid mapping expression)", typeName(n.Type), text),
			Fix:     fmt.Sprintf("write \"'%s'\"", text),
			Deploy:  true,
		}
	}
	trimmed := strings.TrimSpace(text)
	if trimmed == "" {
		return model.Value{Kind: model.Empty, Span: at}, &model.SyntaxProblem{
			Written: text, Why: "is empty, which API Gateway refuses at deploy", Fix: "write the value in single quotes, e.g. \"'https://app.example.com'\"", Deploy: true,
		}
	}
	if dynamic(trimmed) {
		if strings.EqualFold(trimmed, "method.request.header.Origin") {
			return model.Value{Kind: model.Reflected, Raw: trimmed, Var: "method.request.header.Origin", Span: at}, nil
		}
		return model.Value{Kind: model.Unknown, Raw: trimmed, Var: trimmed, Span: at}, nil
	}
	inner, ok := staticInner(trimmed)
	if ok {
		return staticValue(inner, n), nil
	}
	meant := strings.Trim(trimmed, "'\"")
	v := staticValue(meant, n)
	p := &model.SyntaxProblem{Written: text, Deploy: true, Fix: fmt.Sprintf("write \"'%s'\"", meant)}
	switch {
	case strings.HasPrefix(trimmed, "'") || strings.HasSuffix(trimmed, "'"):
		p.Why = "has unbalanced single quotes, which API Gateway refuses at deploy (Invalid mapping expression)"
	case strings.HasPrefix(trimmed, "\""):
		p.Why = "is in double quotes inside the string; API Gateway needs single quotes around a static value and refuses it at deploy"
	default:
		p.Why = "is missing the inner single quotes API Gateway needs around a static value, so it refuses the template at deploy (Invalid mapping expression)"
	}
	return v, p
}

func typeName(t string) string {
	switch t {
	case "int", "float":
		return "number"
	case "bool":
		return "boolean"
	}
	return t
}

// staticInner returns the text of a well-formed static value: one pair of
// single quotes, with none inside.
func staticInner(s string) (string, bool) {
	if len(s) < 2 || s[0] != '\'' || s[len(s)-1] != '\'' {
		return "", false
	}
	inner := s[1 : len(s)-1]
	if strings.Contains(inner, "'") {
		return "", false
	}
	return inner, true
}

// dynamic reports whether s is a mapping expression that takes its value
// from the request, the integration or the stage.
func dynamic(s string) bool {
	for _, p := range []string{"method.request.", "integration.response.", "context.", "stageVariables."} {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

// staticValue is a literal header value, Unknown where an unresolved part
// of a Sub remains.
func staticValue(s string, n *Node) model.Value {
	if n.Unknown {
		return model.Value{Kind: model.Unknown, Raw: s, Span: n.Span}
	}
	return model.LiteralValue(s, n.Span)
}

// plainValue classifies a value that is sent as written (HTTP API,
// Lambda URL, S3, CloudFront lists).
func plainValue(n *Node) model.Value {
	if n.Unknown {
		raw := n.Str
		if raw == "" {
			raw = "${" + n.Via + "}"
		}
		return model.Value{Kind: model.Unknown, Raw: raw, Span: n.Span}
	}
	return model.LiteralValue(n.Str, n.Span)
}
