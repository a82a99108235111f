package nginx

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/corslint/corslint/model"
)

// parsed is one file read into directives, before includes are spliced.
type parsed struct {
	ds       []*Directive
	comments []model.Comment
	diags    []model.Diagnostic
	includes bool // the tree holds include directives to resolve
}

type parser struct {
	lx       lexer
	maxDepth int
	eofDone  bool // an end-of-file error was reported; enclosing blocks stay quiet

	pending    token
	hasPending bool

	// Scratch: children collect here and are copied out at their exact
	// size when their block ends; cond holds an if's condition words.
	kids []*Directive
	cond []Arg

	// Directives, arguments and child lists are carved from chunks, so a
	// file costs a few hundred allocations rather than several per line.
	// A statement's arguments are appended straight into argSlab.
	dirSlab  []Directive
	argSlab  []Arg
	kidsSlab []*Directive

	includes bool
}

// parseSource parses one file's text.
func parseSource(file string, src []byte, maxDepth int, maxSize int64) parsed {
	fileDiag := func(msg string) parsed {
		return parsed{diags: []model.Diagnostic{{
			RuleID: "CORS001", Message: msg,
			Span: model.Span{File: file, Line: 1, Col: 1, EndLine: 1, EndCol: 1},
		}}}
	}
	if int64(len(src)) > maxSize {
		return fileDiag(fmt.Sprintf("file too large: more than %d bytes", maxSize))
	}
	if bytes.IndexByte(src, 0) >= 0 {
		return fileDiag("binary file")
	}
	p := &parser{lx: newLexer(file, string(src)), maxDepth: maxDepth}
	// The first slabs are sized to the statements the text can hold, so
	// that a small file does not pay for a large one's.
	stmts := bytes.Count(src, []byte{';'}) + bytes.Count(src, []byte{'{'}) + 1
	p.dirSlab = make([]Directive, 0, min(dirSlabSize, stmts))
	p.argSlab = make([]Arg, 0, min(argSlabSize, 3*stmts))
	ds, _ := p.block(0, token{})
	return parsed{ds: ds, comments: p.lx.comments, diags: p.lx.diags, includes: p.includes}
}

// Directives and arguments are allocated in chunks of these sizes.
const (
	dirSlabSize = 256
	argSlabSize = 512
)

// next returns the next token; it stays valid until the next call.
func (p *parser) next() *token {
	if p.hasPending {
		p.hasPending = false
		return &p.pending
	}
	return p.lx.next()
}

func (p *parser) unread(t *token) {
	p.pending, p.hasPending = *t, true
}

// block reads statements up to the '}' closing a block at depth (0: the
// file), returning that '}' (or the end of file).
func (p *parser) block(depth int, open token) ([]*Directive, token) {
	mark := len(p.kids)
	for {
		t := p.next()
		switch t.kind {
		case tEOF:
			if depth > 0 {
				p.eofError(fmt.Sprintf(`unexpected end of file, expecting "}" (block opened at %d:%d)`, open.line, open.col), t)
			}
			return p.collect(mark), *t
		case tClose:
			if depth == 0 {
				p.unexpected(t)
				continue
			}
			return p.collect(mark), *t
		case tSemi:
			p.unexpected(t)
		case tOpen:
			// A block without a name: read it to keep braces balanced, and
			// drop it.
			p.unexpected(t)
			p.child(depth, *t, nil)
		case tWord:
			p.kids = append(p.kids, p.directive(t, depth))
		}
	}
}

func (p *parser) collect(mark int) []*Directive {
	if len(p.kids) == mark {
		return nil
	}
	out := carve(&p.kidsSlab, p.kids[mark:], 1024)
	clear(p.kids[mark:])
	p.kids = p.kids[:mark]
	return out
}

func (p *parser) unexpected(t *token) {
	p.lx.errorf(t.line, t.col, t.endLine, t.endCol, "unexpected %q", t.raw)
}

// eofError reports a premature end of file once: the first such error is
// the one nginx gives, and after an unterminated string it says nothing new.
func (p *parser) eofError(msg string, at *token) {
	if p.eofDone || p.lx.fatal {
		return
	}
	p.eofDone = true
	p.lx.errorf(at.line, at.col, at.endLine, at.endCol, "%s", msg)
}

// directive reads a statement whose name is t, up to its ';' or block.
func (p *parser) directive(t *token, depth int) *Directive {
	if len(p.dirSlab) == cap(p.dirSlab) {
		p.dirSlab = make([]Directive, 0, dirSlabSize)
	}
	p.dirSlab = p.dirSlab[:len(p.dirSlab)+1]
	d := &p.dirSlab[len(p.dirSlab)-1]
	*d = Directive{Name: t.value, NameRaw: t.raw, NameQuote: t.quote, Span: p.lx.span(t)}
	if d.Name == "include" && t.quote == 0 {
		p.includes = true
	}
	mark := len(p.argSlab)
	isIf := t.quote == 0 && t.value == "if"
	opened, closed := false, false
	if isIf {
		p.cond, opened, closed = p.lx.condition(p.cond[:0])
		for _, a := range p.cond {
			p.addArg(a, &mark)
		}
	}
	// Where the statement ends when it has no ';' (error recovery).
	endLine, endCol := t.endLine, t.endCol
	finish := func() {
		d.Args = p.takeArgs(mark)
		if isIf && !closed {
			d.Args = stripParens(d.Args, !opened)
		}
	}
	for {
		a := p.next()
		switch a.kind {
		case tWord:
			p.addArg(p.lx.arg(a), &mark)
			endLine, endCol = a.endLine, a.endCol
		case tSemi:
			finish()
			d.Span.EndLine, d.Span.EndCol = a.endLine, a.endCol
			return d
		case tOpen:
			finish()
			d.IsBlock = true
			p.child(depth, *a, d)
			return d
		case tClose:
			// nginx: unexpected "}". End the statement here and let the '}'
			// close the enclosing block.
			p.unexpected(a)
			if depth > 0 {
				p.unread(a)
			}
			finish()
			d.Span.EndLine, d.Span.EndCol = endLine, endCol
			return d
		case tEOF:
			p.eofError(`unexpected end of file, expecting ";" or "}"`, a)
			p.unread(a)
			finish()
			d.Span.EndLine, d.Span.EndCol = endLine, endCol
			return d
		}
	}
}

// addArg appends a to the statement's arguments, which start at *mark in
// argSlab; when the chunk is full they move to a new one.
func (p *parser) addArg(a Arg, mark *int) {
	if len(p.argSlab) == cap(p.argSlab) {
		n := len(p.argSlab) - *mark
		chunk := make([]Arg, n, max(argSlabSize, 2*n))
		copy(chunk, p.argSlab[*mark:])
		p.argSlab, *mark = chunk, 0
	}
	p.argSlab = append(p.argSlab, a)
}

func (p *parser) takeArgs(mark int) []Arg {
	if len(p.argSlab) == mark {
		return nil
	}
	return p.argSlab[mark:len(p.argSlab):len(p.argSlab)]
}

// carve copies src into the chunk *slab, starting a new chunk of size n
// when it is full. The result's capacity is its length, so appending to it
// never writes into a neighbour.
func carve[T any](slab *[]T, src []T, n int) []T {
	if len(src) > n/8 {
		out := make([]T, len(src))
		copy(out, src)
		return out
	}
	if cap(*slab)-len(*slab) < len(src) {
		*slab = make([]T, 0, n)
	}
	start := len(*slab)
	*slab = append(*slab, src...)
	return (*slab)[start:len(*slab):len(*slab)]
}

// child reads the block opened by open for d (nil: a nameless block that is
// dropped) and sets d's children or body and end.
func (p *parser) child(depth int, open token, d *Directive) {
	name := ""
	if d != nil {
		name = d.Name
	}
	switch {
	case strings.HasSuffix(name, "lua_block"):
		body, closed := p.lx.rawBlock()
		d.Body = body
		if !closed {
			p.eofError(fmt.Sprintf(`unexpected end of file, expecting "}" (block opened at %d:%d)`, open.line, open.col), p.lx.next())
		}
		d.Span.EndLine, d.Span.EndCol = p.lx.line, p.lx.colAt(p.lx.pos)
	case depth+1 > p.maxDepth:
		at := open
		if d != nil {
			// d's span still ends with its name here.
			at = token{line: d.Span.Line, col: d.Span.Col, endLine: d.Span.EndLine, endCol: d.Span.EndCol}
		}
		p.lx.errorf(at.line, at.col, at.endLine, at.endCol, "blocks nested too deeply (limit %d)", p.maxDepth)
		end := p.skip(open)
		if d != nil {
			d.Span.EndLine, d.Span.EndCol = end.endLine, end.endCol
		}
	default:
		kids, end := p.block(depth+1, open)
		if d != nil {
			d.Block = kids
			d.Span.EndLine, d.Span.EndCol = end.endLine, end.endCol
		}
	}
}

// skip passes over a block too deep to keep, without recursion.
func (p *parser) skip(open token) *token {
	n := 1
	for {
		t := p.next()
		switch t.kind {
		case tOpen:
			n++
		case tClose:
			if n--; n == 0 {
				return t
			}
		case tEOF:
			p.eofError(fmt.Sprintf(`unexpected end of file, expecting "}" (block opened at %d:%d)`, open.line, open.col), t)
			return t
		}
	}
}

// stripParens removes the parentheses of an if condition that was read as
// ordinary words: the leading '(' (when leading) and the trailing ')'.
func stripParens(args []Arg, leading bool) []Arg {
	if leading && len(args) > 0 && args[0].Quote == 0 && strings.HasPrefix(args[0].Raw, "(") {
		a := &args[0]
		a.Raw, a.Value = a.Raw[1:], strings.TrimPrefix(a.Value, "(")
		a.Span.Col++
		if a.Raw == "" {
			args = args[1:]
		}
	}
	if n := len(args); n > 0 && args[n-1].Quote == 0 && strings.HasSuffix(args[n-1].Raw, ")") {
		a := &args[n-1]
		a.Raw, a.Value = a.Raw[:len(a.Raw)-1], strings.TrimSuffix(a.Value, ")")
		a.Span.EndCol--
		if a.Raw == "" {
			args = args[:n-1]
		}
	}
	if len(args) == 0 {
		return nil
	}
	return args
}
