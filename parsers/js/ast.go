// Package js reads JavaScript and TypeScript application code (Express
// with the cors package or hand-written middleware, and the frameworks
// users pick instead: NestJS, Fastify, Koa, Hono, Next.js) into the model:
// the app is a server, its mount paths and routes are routes, if
// statements on the request are conditions, and every call or property
// that puts a CORS header on a response is a header statement at its
// exact position.
//
// Parsing uses tree-sitter's JavaScript, TypeScript and TSX grammars
// through cgo; the syntax tree is copied into this package's own Node
// type at once, so lowering is plain Go and a build without cgo still
// compiles everything but the parser (the dialect then reports itself
// unavailable).
package js

import (
	"strings"

	"github.com/corslint/corslint/model"
)

// Node is one node of the syntax tree: tree-sitter's named nodes, and
// the anonymous ones that carry a field name (a binary expression's
// operator).
type Node struct {
	Type  string // tree-sitter's node type: "call_expression", "identifier", ...
	Field string // the field name in the parent ("function", "arguments"), or ""
	// Start and End are byte offsets into the source; Line and Col are
	// 1-based, Col counting bytes, like model.Span.
	Start, End      int
	Line, Col       int
	EndLine, EndCol int
	Kids            []*Node
	// Error marks a node tree-sitter could not parse (ERROR) or had to
	// invent (MISSING).
	Error bool
}

// Child returns the first child with field name f, or nil.
func (n *Node) Child(f string) *Node {
	if n == nil {
		return nil
	}
	for _, k := range n.Kids {
		if k.Field == f {
			return k
		}
	}
	return nil
}

// Named returns the children that are not punctuation or comments.
func (n *Node) Named() []*Node {
	if n == nil {
		return nil
	}
	out := make([]*Node, 0, len(n.Kids))
	for _, k := range n.Kids {
		if k.Type != "comment" && k.Field != "operator" {
			out = append(out, k)
		}
	}
	return out
}

// Is reports whether n has one of the types.
func (n *Node) Is(types ...string) bool {
	if n == nil {
		return false
	}
	for _, t := range types {
		if n.Type == t {
			return true
		}
	}
	return false
}

// Tree is one parsed file.
type Tree struct {
	Path string
	Src  []byte
	Root *Node
	// TypeScript is set when the file was read with the TypeScript or
	// TSX grammar.
	TypeScript  bool
	Comments    []model.Comment
	Diagnostics []model.Diagnostic
}

// Text returns the source text of n.
func (t *Tree) Text(n *Node) string {
	if n == nil || n.Start < 0 || n.End > len(t.Src) || n.Start > n.End {
		return ""
	}
	return string(t.Src[n.Start:n.End])
}

// Span returns n's position.
func (t *Tree) Span(n *Node) model.Span {
	if n == nil {
		return model.Span{File: t.Path}
	}
	return model.Span{File: t.Path, Line: n.Line, Col: n.Col, EndLine: n.EndLine, EndCol: n.EndCol}
}

// Raw returns n's text on one line, shortened, for HeaderOp.Raw and
// messages.
func (t *Tree) Raw(n *Node) string {
	s := strings.Join(strings.Fields(t.Text(n)), " ")
	if len(s) > 160 {
		s = s[:157] + "..."
	}
	return s
}
