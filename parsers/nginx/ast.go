// Package nginx reads nginx configuration files into a tree of directives
// with exact positions, comments and resolved includes. It is our own
// parser rather than a library because linting needs byte columns, the
// line of a block's name, comments, tolerant recovery and Lua-aware raw
// blocks (see design.md §2).
package nginx

import "github.com/corslint/corslint/model"

// Directive is one nginx statement. Block directives carry the position of
// their name.
type Directive struct {
	Name string
	// NameRaw is the name as written, with quotes; NameQuote is 0, '"' or
	// '\''. Names are quoted in map, geo and similar blocks, where the first
	// token of an entry is a key rather than a directive name.
	NameRaw   string
	NameQuote byte
	Args      []Arg
	IsBlock   bool
	Block     []*Directive // children of a block directive; includes are already spliced in
	Body      string       // raw body text of *_by_lua_block (and similar raw blocks); Block is then empty
	// Span: Line/Col of the name; EndLine/EndCol after the ';' or closing
	// '}'; Via = include chain (spans of the include directives, outermost
	// first).
	Span model.Span
}

// Arg is one argument of a directive.
type Arg struct {
	// Value is unquoted, with escapes resolved the way nginx does in every
	// word, quoted or not: \" \' \\ \t \r \n; other backslashes stay, so a
	// regex's "\." is still "\.".
	Value string
	Raw   string     // as written, with quotes
	Quote byte       // 0, '"' or '\''
	Span  model.Span // of the argument as written
}

// Config is a parsed file with its includes resolved.
type Config struct {
	Path string
	// Directives are the top level, with includes spliced in place of the
	// include directive.
	Directives []*Directive
	// Comments holds every comment in every file read, Text without the
	// '#'; Trailing is set when code precedes it on the line.
	Comments []model.Comment
	// Sources holds the text of every file read, by the path used in spans.
	Sources map[string][]byte
	// Diagnostics: RuleID "CORS001" for syntax errors, "CORS003" for
	// includes matching nothing.
	Diagnostics []model.Diagnostic
}

// Arg returns the value of the i-th argument, or "" when there is none.
func (d *Directive) Arg(i int) string {
	if i < 0 || i >= len(d.Args) {
		return ""
	}
	return d.Args[i].Value
}

// walk visits ds and their children in pre-order. parents lists the
// enclosing directives, outermost first; the slice is reused between calls,
// so copy it to keep it. When fn returns false, d's children are skipped.
func walk(ds []*Directive, fn func(d *Directive, parents []*Directive) bool) {
	var parents []*Directive
	var walk func([]*Directive)
	walk = func(ds []*Directive) {
		for _, d := range ds {
			if !fn(d, parents) || len(d.Block) == 0 {
				continue
			}
			parents = append(parents, d)
			walk(d.Block)
			parents = parents[:len(parents)-1]
		}
	}
	walk(ds)
}
