//go:build cgo

package js

import (
	"context"
	"fmt"

	sitter "github.com/smacker/go-tree-sitter"
	"github.com/smacker/go-tree-sitter/javascript"
	"github.com/smacker/go-tree-sitter/typescript/tsx"
	"github.com/smacker/go-tree-sitter/typescript/typescript"
)

// available is empty: this build reads JavaScript and TypeScript.
const available = ""

// parseSyntax parses src with the grammar its file name calls for and
// copies the tree into Nodes. The tree-sitter tree is freed before it
// returns.
func parseSyntax(path string, src []byte) (*Node, bool, error) {
	lang, ts := javascript.GetLanguage(), false
	switch grammarOf(path) {
	case grammarTS:
		lang, ts = typescript.GetLanguage(), true
	case grammarTSX:
		lang, ts = tsx.GetLanguage(), true
	}
	p := sitter.NewParser()
	defer p.Close()
	p.SetLanguage(lang)
	tree, err := p.ParseCtx(context.Background(), nil, src)
	if err != nil {
		return nil, ts, fmt.Errorf("parsing %s: %w", path, err)
	}
	defer tree.Close()
	return copyTree(tree.RootNode()), ts, nil
}

// copyTree copies the named nodes (and anonymous ones with a field name)
// with an explicit stack, so that nesting depth costs no Go stack.
func copyTree(root *sitter.Node) *Node {
	c := sitter.NewTreeCursor(root)
	defer c.Close()
	conv := func(n *sitter.Node, field string) *Node {
		sp, ep := n.StartPoint(), n.EndPoint()
		return &Node{
			Type: n.Type(), Field: field,
			Start: int(n.StartByte()), End: int(n.EndByte()),
			Line: int(sp.Row) + 1, Col: int(sp.Column) + 1,
			EndLine: int(ep.Row) + 1, EndCol: int(ep.Column) + 1,
			Error: n.IsError() || n.IsMissing(),
		}
	}
	top := conv(root, "")
	stack := []*Node{top}
	if !c.GoToFirstChild() {
		return top
	}
	for {
		n := c.CurrentNode()
		field := c.CurrentFieldName()
		var kept *Node
		if n.IsNamed() || field != "" || n.IsMissing() {
			kept = conv(n, field)
			parent := stack[len(stack)-1]
			parent.Kids = append(parent.Kids, kept)
		}
		if kept != nil && c.GoToFirstChild() {
			stack = append(stack, kept)
			continue
		}
		for !c.GoToNextSibling() {
			if !c.GoToParent() || len(stack) == 1 {
				return top
			}
			stack = stack[:len(stack)-1]
		}
	}
}
