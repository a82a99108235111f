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
	kids []*Directive
}

type parser struct {
	file     string
	maxDepth int
	stack    []*openSection
	top      []*Directive
	comments []model.Comment
	diags    []model.Diagnostic
	// skip counts the sections still open inside one that was nested too
	// deeply; their lines are read only to find its end.
	skip    int
	skipped *Directive
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
	p := &parser{file: file, maxDepth: maxDepth}
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
	if p.skip > 0 {
		p.errorf(eof, "<%s> was not closed (opened at %d:%d)", p.skipped.Name, p.skipped.Span.Line, p.skipped.Span.Col)
	}
	for i := len(p.stack) - 1; i >= 0; i-- {
		o := p.stack[i]
		p.errorf(eof, "<%s> was not closed (opened at %d:%d)", o.d.Name, o.d.Span.Line, o.d.Span.Col)
		o.d.Span.EndLine, o.d.Span.EndCol = line, col
		p.finish(o)
	}
	return parsed{ds: p.top, comments: p.comments, diags: p.diags}
}

func (p *parser) errorf(at model.Span, format string, args ...any) {
	p.diags = append(p.diags, model.Diagnostic{RuleID: "CORS001", Message: fmt.Sprintf(format, args...), Span: at})
}

// add appends d to the innermost open section, or the top level.
func (p *parser) add(d *Directive) {
	if n := len(p.stack); n > 0 {
		p.stack[n-1].kids = append(p.stack[n-1].kids, d)
		return
	}
	p.top = append(p.top, d)
}

// finish pops o and attaches its children.
func (p *parser) finish(o *openSection) {
	o.d.Children = o.kids
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
	toks := words(s, i, end)
	d := &Directive{Name: toks[0].value, Span: l.span(i, end)}
	d.Args = args(l, toks[1:])
	p.add(d)
}

func args(l *logical, toks []token) []Arg {
	if len(toks) == 0 {
		return nil
	}
	out := make([]Arg, len(toks))
	for k, t := range toks {
		out[k] = Arg{Value: t.value, Raw: t.raw, Quote: t.quote, Span: l.span(t.from, t.to)}
	}
	return out
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
	d := &Directive{Name: name, Section: true, Span: l.span(i, end)}
	if p.skip > 0 {
		p.skip++
		return
	}
	gt := strings.LastIndexByte(s[i:end], '>')
	if gt < 0 {
		p.errorf(l.span(i, end), "<%s directive missing closing '>'", name)
		gt = end
	} else {
		gt += i
	}
	if name == "" {
		p.errorf(l.span(i, min(i+1, end)), "a section needs a name after '<'")
	}
	if j < gt {
		d.Args = args(l, words(s, j, gt))
	}
	if len(p.stack) >= p.maxDepth {
		p.errorf(d.Span, "sections nested too deeply (limit %d)", p.maxDepth)
		p.skip, p.skipped = 1, d
		p.add(d)
		return
	}
	p.add(d)
	p.stack = append(p.stack, &openSection{d: d})
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
	if len(p.stack) == 0 {
		p.errorf(at, "</%s> without matching <%s> section", name, name)
		return
	}
	top := p.stack[len(p.stack)-1]
	if strings.EqualFold(top.d.Name, name) {
		top.d.Span.EndLine, top.d.Span.EndCol = at.EndLine, at.EndCol
		top.d.Close = at
		p.finish(top)
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
			p.finish(o)
		}
		return
	}
}
