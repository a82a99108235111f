// Package sam reads AWS SAM and CloudFormation templates, in YAML and
// JSON, and lowers the resources that shape CORS (API Gateway REST and
// HTTP APIs, gateway responses, S3 buckets, CloudFront response headers
// policies, Lambda function URLs) into the model.
package sam

import (
	"strings"

	"github.com/corslint/corslint/model"
)

// Kind is what a Node holds.
type Kind uint8

// Node kinds.
const (
	Null Kind = iota
	Scalar
	Map
	Seq
)

// Node is one value of a template, with aliases and merge keys resolved
// and short-form intrinsics (!Ref x) turned into their long form
// ({Ref: x}). Nodes made while resolving intrinsics carry the span of the
// place that used them.
type Node struct {
	Kind Kind
	// Str is a scalar's value; Type is its YAML type: "str", "int",
	// "bool", "float", "null".
	Str  string
	Type string
	// Quote is the quote a scalar was written in: '\'', '"' or 0.
	Quote byte
	Keys  []*Node // Map: keys, in order
	Vals  []*Node // Map: values
	Items []*Node // Seq
	Span  model.Span

	// Unknown is set on scalars the template does not determine (a
	// resource attribute, an import, an unresolved ${} in a Sub); Str
	// keeps whatever literal text is known.
	Unknown bool
	// Via says how an evaluated value was obtained, for messages:
	// "parameter Origin's Default".
	Via string
	// Cond names the condition branch an evaluated value belongs to:
	// "IsProd" or "!IsProd".
	Cond string
}

// Get returns the value of key k in a map, or nil.
func (n *Node) Get(k string) *Node {
	if n == nil || n.Kind != Map {
		return nil
	}
	for i := len(n.Keys) - 1; i >= 0; i-- {
		if n.Keys[i].Str == k {
			return n.Vals[i]
		}
	}
	return nil
}

// Key returns the key node of k in a map, or nil.
func (n *Node) Key(k string) *Node {
	if n == nil || n.Kind != Map {
		return nil
	}
	for i := len(n.Keys) - 1; i >= 0; i-- {
		if n.Keys[i].Str == k {
			return n.Keys[i]
		}
	}
	return nil
}

// List returns a sequence's items; nil for anything else.
func (n *Node) List() []*Node {
	if n == nil || n.Kind != Seq {
		return nil
	}
	return n.Items
}

// Has reports whether a map has key k.
func (n *Node) Has(k string) bool { return n.Key(k) != nil }

// Path follows keys through nested maps.
func (n *Node) Path(keys ...string) *Node {
	for _, k := range keys {
		n = n.Get(k)
	}
	return n
}

// IsIntrinsic reports whether n is a one-key map naming an intrinsic
// function, and returns its name.
func (n *Node) IsIntrinsic() (string, bool) {
	if n == nil || n.Kind != Map || len(n.Keys) != 1 {
		return "", false
	}
	k := n.Keys[0].Str
	if k == "Ref" || k == "Condition" || strings.HasPrefix(k, "Fn::") {
		return k, true
	}
	return "", false
}

// Text returns a scalar's string, or "" for anything else.
func (n *Node) Text() string {
	if n == nil || n.Kind != Scalar {
		return ""
	}
	return n.Str
}

// Bool reports whether n is the boolean true (a YAML boolean, or the
// string "true" as CloudFormation converts it), and whether it was
// written as a string.
func (n *Node) Bool() (v, quoted bool) {
	if n == nil || n.Kind != Scalar {
		return false, false
	}
	if n.Type == "bool" {
		return strings.EqualFold(n.Str, "true"), false
	}
	return strings.EqualFold(n.Str, "true"), true
}

// withSpan returns a copy of a scalar placed at s, for values that come
// from elsewhere (a parameter's default) but are reported where used.
func (n *Node) withSpan(s model.Span) *Node {
	c := *n
	c.Span = s
	return &c
}
