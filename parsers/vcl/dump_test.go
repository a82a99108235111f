package vcl

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/corslint/corslint/model"
)

// dumpAST renders declarations and statements with positions, one per
// line, for golden files and failure messages.
func dumpAST(c *Config) string {
	var b strings.Builder
	pos := func(s model.Span) string {
		out := fmt.Sprintf("%d:%d-%d:%d", s.Line, s.Col, s.EndLine, s.EndCol)
		if s.File != c.Path {
			out = filepath.Base(s.File) + ":" + out
		}
		return out
	}
	var stmts func(ss []Stmt, depth int)
	stmts = func(ss []Stmt, depth int) {
		ind := strings.Repeat("  ", depth)
		for _, s := range ss {
			switch x := s.(type) {
			case *Set:
				fmt.Fprintf(&b, "%s%s set %s %s %s\n", ind, pos(x.Span), x.Target.Name, x.Op, exprText(x.Value))
			case *Unset:
				fmt.Fprintf(&b, "%s%s unset %s\n", ind, pos(x.Span), x.Target.Name)
			case *Return:
				fmt.Fprintf(&b, "%s%s return %s", ind, pos(x.Span), x.Action)
				for _, a := range x.Args {
					fmt.Fprintf(&b, " [%s]", exprText(a))
				}
				b.WriteString("\n")
			case *Call:
				fmt.Fprintf(&b, "%s%s call %s\n", ind, pos(x.Span), x.Name)
			case *CallStmt:
				fmt.Fprintf(&b, "%s%s %s\n", ind, pos(x.Span), exprText(x.Call))
			case *New:
				fmt.Fprintf(&b, "%s%s new %s = %s\n", ind, pos(x.Span), x.Name, exprText(x.Value))
			case *Generic:
				fmt.Fprintf(&b, "%s%s %s ...\n", ind, pos(x.Span), x.Keyword)
			case *Block:
				fmt.Fprintf(&b, "%s%s {\n", ind, pos(x.Span))
				stmts(x.Stmts, depth+1)
			case *If:
				for _, br := range x.Branches {
					fmt.Fprintf(&b, "%s%s %s (%s) [%s]\n", ind, pos(br.Span), br.Keyword, exprText(br.Cond), pos(br.Cond.Pos()))
					stmts(br.Body.Stmts, depth+1)
				}
				if x.Else != nil {
					fmt.Fprintf(&b, "%s%s else\n", ind, pos(x.ElseSpan))
					stmts(x.Else.Stmts, depth+1)
				}
			}
		}
	}
	for _, d := range c.Decls {
		switch x := d.(type) {
		case *Version:
			fmt.Fprintf(&b, "%s vcl %s\n", pos(x.Span), x.Version)
		case *Import:
			fmt.Fprintf(&b, "%s import %s %s\n", pos(x.Span), x.Name, x.From)
		case *Backend:
			fmt.Fprintf(&b, "%s backend %s none=%v\n", pos(x.Span), x.Name, x.None)
			for _, f := range x.Fields {
				fmt.Fprintf(&b, "  %s %s", pos(f.Span), f.Name)
				for _, v := range f.Value {
					fmt.Fprintf(&b, " [%s]", exprText(v))
				}
				fmt.Fprintf(&b, " fields=%d\n", len(f.Fields))
			}
		case *Probe:
			fmt.Fprintf(&b, "%s probe %s fields=%d\n", pos(x.Span), x.Name, len(x.Fields))
		case *ACL:
			fmt.Fprintf(&b, "%s acl %s\n", pos(x.Span), x.Name)
			for _, e := range x.Entries {
				fmt.Fprintf(&b, "  %s neg=%v %q/%s\n", pos(e.Span), e.Negated, e.Addr, e.Mask)
			}
		case *Table:
			fmt.Fprintf(&b, "%s table %s %s\n", pos(x.Span), x.Name, x.Type)
			for _, e := range x.Entries {
				fmt.Fprintf(&b, "  %s %q: %s\n", pos(e.Span), e.Key.Value, exprText(e.Value))
			}
		case *Sub:
			snippet := ""
			if x.Snippet {
				snippet = " snippet"
			}
			fmt.Fprintf(&b, "%s sub %s [%s]%s\n", pos(x.Span), x.Name, pos(x.NameSpan), snippet)
			stmts(x.Body.Stmts, 1)
		case *Other:
			fmt.Fprintf(&b, "%s %s ...\n", pos(x.Span), x.Keyword)
		}
	}
	return b.String()
}
