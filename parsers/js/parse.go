package js

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/corslint/corslint/model"
)

// maxSource is the largest file parsed: tree-sitter's tree takes about
// 70 bytes of memory per byte of source (564 MB for TypeScript's own
// 8.7 MB typescript.js), and hand-written application code is far
// smaller than this.
const maxSource = 4 << 20

// maxSyntaxErrors bounds the CORS001 diagnostics of one file: past the
// first few, more say nothing new.
const maxSyntaxErrors = 5

// Parse reads one file. It never fails: a file that cannot be read has
// a nil Root and a diagnostic saying why, and syntax errors are
// diagnostics beside the parts tree-sitter could read.
func Parse(path string, src []byte) *Tree {
	t := &Tree{Path: path, Src: src}
	if bytes.IndexByte(src, 0) >= 0 {
		t.diag(model.Span{File: path, Line: 1, Col: 1}, "a NUL byte: this is a binary file, not JavaScript or TypeScript")
		return t
	}
	if len(src) > maxSource {
		t.Diagnostics = append(t.Diagnostics, model.Diagnostic{RuleID: "CORS001", Note: true, Span: model.Span{File: path, Line: 1, Col: 1},
			Message: fmt.Sprintf("not read: %.1f MiB is more than the %d MiB the JavaScript parser takes (it needs about 70 bytes of memory per byte); code this large is generated, not written", float64(len(src))/(1<<20), maxSource>>20)})
		return t
	}
	root, ts, err := parseSyntax(path, src)
	t.TypeScript = ts
	if err != nil {
		t.diag(model.Span{File: path, Line: 1, Col: 1}, err.Error())
		return t
	}
	t.Root = root
	t.collect()
	return t
}

func (t *Tree) diag(at model.Span, msg string) {
	t.Diagnostics = append(t.Diagnostics, model.Diagnostic{RuleID: "CORS001", Message: msg, Span: at})
}

// collect gathers comments and syntax errors, without recursion.
func (t *Tree) collect() {
	errs := 0
	stack := []*Node{t.Root}
	for len(stack) > 0 {
		n := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		switch {
		case n.Type == "comment":
			t.Comments = append(t.Comments, t.comment(n))
			continue
		case n.Error:
			if errs < maxSyntaxErrors {
				t.diag(t.Span(n), t.syntaxError(n))
			}
			errs++
		}
		for i := len(n.Kids) - 1; i >= 0; i-- {
			stack = append(stack, n.Kids[i])
		}
	}
	if errs > maxSyntaxErrors {
		t.diag(model.Span{File: t.Path, Line: 1, Col: 1}, fmt.Sprintf("%d more syntax errors", errs-maxSyntaxErrors))
	}
}

func (t *Tree) syntaxError(n *Node) string {
	if n.Type != "ERROR" {
		return fmt.Sprintf("syntax error: %s expected here", strings.ReplaceAll(n.Type, "_", " "))
	}
	near := t.Raw(n)
	if len(near) > 40 {
		near = near[:40] + "..."
	}
	lang := "JavaScript"
	if t.TypeScript {
		lang = "TypeScript"
	}
	return fmt.Sprintf("syntax error: %s cannot read %q", lang, near)
}

func (t *Tree) comment(n *Node) model.Comment {
	text := t.Text(n)
	switch {
	case strings.HasPrefix(text, "//"):
		text = text[2:]
	case strings.HasPrefix(text, "/*"):
		text = strings.TrimSuffix(text[2:], "*/")
	}
	trailing := false
	for i := n.Start - 1; i >= 0 && t.Src[i] != '\n'; i-- {
		if t.Src[i] != ' ' && t.Src[i] != '\t' {
			trailing = true
			break
		}
	}
	return model.Comment{Text: text, Span: t.Span(n), Trailing: trailing}
}
