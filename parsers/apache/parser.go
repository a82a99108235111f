package apache

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
}

type openSection struct {
	d    *Directive
	mark int // where its children start in the parser's kids stack
}

type parser struct {
	file     string
	maxDepth int
	stack    []openSection
	kids     []*Directive // children of the open sections, innermost last
	top      []*Directive
	comments []model.Comment
	diags    []model.Diagnostic
	// skip counts the sections still open inside one that was nested too
	// deeply; their lines are read only to find its end.
	skip    int
	skipped *Directive
	// Scratch tokens and slabs that directives and arguments are carved
	// from, so a large file costs few allocations.
	toks []token
	// slab is the size of the next slabs, in directives: small for a
	// small file, whose slabs a .htaccess waiting to be linked keeps.
	slab  int
	dslab []Directive
	aslab []Arg
}

// newDirective returns a zeroed directive from the slab.
func (p *parser) newDirective() *Directive {
	if len(p.dslab) == cap(p.dslab) {
		p.dslab = make([]Directive, 0, p.slab)
	}
	p.dslab = p.dslab[:len(p.dslab)+1]
	return &p.dslab[len(p.dslab)-1]
}

// args turns tokens into arguments carved from the slab.
func (p *parser) args(l *logical, toks []token) []Arg {
	n := len(toks)
	if n == 0 {
		return nil
	}
	if cap(p.aslab)-len(p.aslab) < n {
		p.aslab = make([]Arg, 0, max(4*p.slab, n))
	}
	start := len(p.aslab)
	p.aslab = p.aslab[:start+n]
	out := p.aslab[start : start+n : start+n]
	for k, t := range toks {
		out[k] = Arg{Value: t.value, Raw: t.raw, Quote: t.quote, Span: l.span(t.from, t.to)}
	}
	return out
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
	// About one directive per 32 bytes; the slabs grow to 512 directives.
	p := &parser{file: file, maxDepth: maxDepth, slab: min(max(len(src)/32, 8), 512)}
	r := newLineReader(file, string(src))
	for {
		l, ok := r.next()
		if !ok {
			break
		}
		p.line(&l)
	}
	line, col := r.endPos()
	eof := model.Span{File: file, Line: line, Col: col, EndLine: line, EndCol: col}
	// Like httpd, name the innermost section left open; the ones around it
	// end at the end of the file too.
	switch {
	case p.skip > 0:
		p.errorf(eof, "<%s> was not closed (opened at %d:%d)", p.skipped.Name, p.skipped.Span.Line, p.skipped.Span.Col)
	case len(p.stack) > 0:
		o := p.stack[len(p.stack)-1].d
		p.errorf(eof, "<%s> was not closed (opened at %d:%d)", o.Name, o.Span.Line, o.Span.Col)
	}
	for len(p.stack) > 0 {
		o := p.stack[len(p.stack)-1]
		o.d.Span.EndLine, o.d.Span.EndCol = line, col
		p.finish()
	}
	return parsed{ds: p.top, comments: p.comments, diags: p.diags}
}

func (p *parser) errorf(at model.Span, format string, args ...any) {
	p.diags = append(p.diags, model.Diagnostic{RuleID: "CORS001", Message: fmt.Sprintf(format, args...), Span: at})
}

// add appends d to the innermost open section, or the top level.
func (p *parser) add(d *Directive) {
	if len(p.stack) > 0 {
		p.kids = append(p.kids, d)
		return
	}
	p.top = append(p.top, d)
}

// finish pops the innermost section and gives it its children, copied
// out at their exact size.
func (p *parser) finish() {
	o := p.stack[len(p.stack)-1]
	if n := len(p.kids) - o.mark; n > 0 {
		o.d.Children = make([]*Directive, n)
		copy(o.d.Children, p.kids[o.mark:])
		clear(p.kids[o.mark:])
		p.kids = p.kids[:o.mark]
	}
	p.stack = p.stack[:len(p.stack)-1]
}

// line handles one logical line.
func (p *parser) line(l *logical) {
	s := l.text
	i := 0
	for i < len(s) && isSpace(s[i]) {
		i++
	}
	if i >= len(s) {
		return
	}
	end := len(strings.TrimRight(s, " \t\r\n\v\f"))
	if s[i] == '#' {
		p.comments = append(p.comments, model.Comment{Text: s[i+1 : end], Span: l.span(i, end)})
		return
	}
	if templateOnly(s, i) {
		return
	}
	if s[i] == '<' && tmplEnd(s, i, end) < 0 {
		if i+1 < end && s[i+1] == '/' {
			p.closeSection(l, i, end)
			return
		}
		p.openSection(l, i, end)
		return
	}
	if p.skip > 0 {
		return
	}
	p.toks = words(p.toks[:0], s, i, end)
	d := p.newDirective()
	d.Name, d.Span = p.toks[0].value, l.span(i, end)
	d.Args = p.args(l, p.toks[1:])
	p.add(d)
}

// openSection reads "<Name args>". httpd cuts the arguments at the last
// '>' of the line.
func (p *parser) openSection(l *logical, i, end int) {
	s := l.text
	j := i + 1
	for j < end && !isSpace(s[j]) && s[j] != '>' {
		j++
	}
	name := s[i+1 : j]
	d := p.newDirective()
	d.Name, d.Section, d.Span = name, true, l.span(i, end)
	if p.skip > 0 {
		p.skip++
		return
	}
	if name == "" {
		// httpd: Invalid command '<'.
		p.errorf(l.span(i, i+1), "a section needs a name right after '<'")
		return
	}
	gt := strings.LastIndexByte(s[i:end], '>')
	if gt < 0 {
		p.errorf(l.span(i, end), "<%s directive missing closing '>'", name)
		gt = end
	} else {
		gt += i
	}
	if j < gt {
		p.toks = words(p.toks[:0], s, j, gt)
		d.Args = p.args(l, p.toks)
	}
	if len(p.stack) >= p.maxDepth {
		p.errorf(d.Span, "sections nested too deeply (limit %d)", p.maxDepth)
		p.skip, p.skipped = 1, d
		p.add(d)
		return
	}
	p.add(d)
	p.stack = append(p.stack, openSection{d: d, mark: len(p.kids)})
}

// closeSection reads "</Name>".
func (p *parser) closeSection(l *logical, i, end int) {
	s := l.text
	gt := strings.IndexByte(s[i:end], '>')
	stop := end
	if gt >= 0 {
		stop = i + gt + 1
	}
	name := strings.TrimSpace(strings.TrimSuffix(s[i+2:stop], ">"))
	at := l.span(i, stop)
	if gt < 0 {
		p.errorf(at, "</%s directive missing closing '>'", name)
	}
	if p.skip > 0 {
		p.skip--
		if p.skip == 0 {
			p.skipped.Span.EndLine, p.skipped.Span.EndCol = at.EndLine, at.EndCol
			p.skipped.Close = at
		}
		return
	}
	if name == "" {
		p.errorf(at, "a closing tag needs the name of the section it closes, such as </VirtualHost>")
		return
	}
	if len(p.stack) == 0 {
		p.errorf(at, "</%s> without matching <%s> section", name, name)
		return
	}
	top := p.stack[len(p.stack)-1]
	if strings.EqualFold(top.d.Name, name) {
		top.d.Span.EndLine, top.d.Span.EndCol = at.EndLine, at.EndCol
		top.d.Close = at
		p.finish()
		return
	}
	p.errorf(at, "expected </%s> but saw </%s> (<%s> opened at %d:%d)", top.d.Name, name, top.d.Name, top.d.Span.Line, top.d.Span.Col)
	// When an outer section has this name, the inner ones were left open:
	// close them all here so the rest of the file keeps its structure.
	for k := len(p.stack) - 1; k >= 0; k-- {
		if !strings.EqualFold(p.stack[k].d.Name, name) {
			continue
		}
		for len(p.stack) > k {
			o := p.stack[len(p.stack)-1]
			o.d.Span.EndLine, o.d.Span.EndCol = at.EndLine, at.EndCol
			if len(p.stack)-1 == k {
				o.d.Close = at
			}
			p.finish()
		}
		return
	}
}
