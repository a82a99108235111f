package nginx

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/corslint/corslint/model"
)

type tokKind uint8

const (
	tEOF tokKind = iota
	tWord
	tSemi
	tOpen
	tClose
)

type token struct {
	kind            tokKind
	quote           byte
	line, col       int
	endLine, endCol int
	raw, value      string
}

// lexer walks the source by byte offset. Values are substrings of src, so
// a word costs no allocation unless it holds an escape.
type lexer struct {
	src         string
	file        string
	pos         int
	line        int
	lineStart   int  // offset of the current line's first byte
	lineHasCode bool // a token was read on the current line (for Trailing)
	fatal       bool // an unterminated string or too many errors: stop reading
	errors      int

	comments []model.Comment
	diags    []model.Diagnostic

	// tok is the token just read: filled in place, since copying a token
	// through every return showed in profiles.
	tok token

	// Cached forward searches keep template handling linear on hostile
	// input such as a long line of "{{" with no "}}".
	nl      seek
	closers [len(tmplTags)]seek
}

func newLexer(file string, src string) lexer {
	lx := lexer{src: src, file: file, line: 1}
	if strings.HasPrefix(src, "\xef\xbb\xbf") {
		// The BOM is skipped like whitespace; columns stay byte columns of
		// the file as it is.
		lx.pos = 3
	}
	return lx
}

func (lx *lexer) newline(at int) {
	lx.line++
	lx.lineStart = at + 1
	lx.lineHasCode = false
}

// advance moves to `to`, counting the newlines skipped.
func (lx *lexer) advance(to int) {
	if to > len(lx.src) {
		to = len(lx.src)
	}
	if to <= lx.pos {
		return
	}
	seg := lx.src[lx.pos:to]
	if n := strings.Count(seg, "\n"); n > 0 {
		lx.line += n
		lx.lineStart = lx.pos + strings.LastIndexByte(seg, '\n') + 1
		lx.lineHasCode = false
	}
	lx.pos = to
}

func (lx *lexer) colAt(off int) int { return off - lx.lineStart + 1 }

// maxErrors bounds the syntax errors reported for one file: past it the
// file is not nginx, and a list of thousands helps nobody.
const maxErrors = 100

func (lx *lexer) errorf(line, col, endLine, endCol int, format string, args ...any) {
	if lx.errors >= maxErrors {
		return
	}
	lx.errors++
	msg := fmt.Sprintf(format, args...)
	if lx.errors == maxErrors {
		msg = fmt.Sprintf("too many syntax errors (%d); the rest of the file is not read", maxErrors)
		lx.fatal = true
	}
	lx.diags = append(lx.diags, model.Diagnostic{
		RuleID:  "CORS001",
		Message: msg,
		Span:    model.Span{File: lx.file, Line: line, Col: col, EndLine: endLine, EndCol: endCol},
	})
}

// unexpectedAt reports the character at off, which is on the current line.
func (lx *lexer) unexpectedAt(off int) {
	r, n := utf8.DecodeRuneInString(lx.src[off:])
	col := lx.colAt(off)
	if r == utf8.RuneError {
		lx.errorf(lx.line, col, lx.line, col+n, "unexpected byte 0x%02x", lx.src[off])
		return
	}
	lx.errorf(lx.line, col, lx.line, col+n, "unexpected %q", string(r))
}

func (lx *lexer) span(t *token) model.Span {
	return model.Span{File: lx.file, Line: t.line, Col: t.col, EndLine: t.endLine, EndCol: t.endCol}
}

func (lx *lexer) arg(t *token) Arg {
	return Arg{Value: t.value, Raw: t.raw, Quote: t.quote, Span: lx.span(t)}
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }

// next reads the next token into lx.tok, recording comments on the way.
func (lx *lexer) next() *token {
	src := lx.src
	if lx.fatal && lx.pos < len(src) {
		// Skip the rest, keeping line and column right for the end of
		// file, which closes the spans still open.
		for i := lx.pos; i < len(src); i++ {
			if src[i] == '\n' {
				lx.newline(i)
			}
		}
		lx.pos = len(src)
	}
	for {
		i := lx.pos
		for i < len(src) && isSpace(src[i]) {
			if src[i] == '\n' {
				lx.newline(i)
			}
			i++
		}
		lx.pos = i
		if i >= len(src) {
			return lx.eof()
		}
		switch c := src[i]; c {
		case '#':
			lx.comment()
			continue
		case ';':
			return lx.single(tSemi)
		case '}':
			return lx.single(tClose)
		case '"', '\'':
			return lx.quoted()
		case '{', '<':
			if !lx.lineHasCode && lx.templateLine() {
				continue
			}
			if c == '{' && lx.tmplEnd(i) < 0 {
				return lx.single(tOpen)
			}
		}
		return lx.word()
	}
}

func (lx *lexer) eof() *token {
	col := lx.colAt(lx.pos)
	lx.tok = token{kind: tEOF, line: lx.line, col: col, endLine: lx.line, endCol: col}
	return &lx.tok
}

func (lx *lexer) single(k tokKind) *token {
	col := lx.colAt(lx.pos)
	raw := lx.src[lx.pos : lx.pos+1]
	lx.tok = token{kind: k, line: lx.line, col: col, endLine: lx.line, endCol: col + 1, raw: raw, value: raw}
	lx.pos++
	lx.lineHasCode = true
	return &lx.tok
}

// comment reads '#' to the end of the line.
func (lx *lexer) comment() {
	start := lx.pos
	end := len(lx.src)
	if j := strings.IndexByte(lx.src[start:], '\n'); j >= 0 {
		end = start + j
	}
	text := lx.src[start+1 : end]
	text = strings.TrimSuffix(text, "\r")
	col := lx.colAt(start)
	lx.comments = append(lx.comments, model.Comment{
		Text:     text,
		Span:     model.Span{File: lx.file, Line: lx.line, Col: col, EndLine: lx.line, EndCol: col + 1 + len(text)},
		Trailing: lx.lineHasCode,
	})
	lx.pos = end
}

// quoted reads a single- or double-quoted string. Like nginx, it may span
// lines and a backslash protects the next byte.
func (lx *lexer) quoted() *token {
	src := lx.src
	start := lx.pos
	q := src[start]
	t := &lx.tok
	*t = token{kind: tWord, quote: q, line: lx.line, col: lx.colAt(start)}
	esc := false
	i := start + 1
	for i < len(src) {
		c := src[i]
		if c == q {
			break
		}
		if c == '\\' {
			esc = true
			i++
			if i >= len(src) {
				break
			}
			c = src[i]
		}
		if c == '\n' {
			lx.newline(i)
		}
		i++
	}
	if i >= len(src) {
		lx.errorf(t.line, t.col, t.line, t.col+1, "unterminated string")
		lx.fatal = true
		lx.pos = len(src)
		return lx.eof()
	}
	lx.pos = i + 1
	lx.lineHasCode = true
	t.raw = src[start:lx.pos]
	t.value = src[start+1 : i]
	if esc {
		t.value = unescape(t.value)
	}
	t.endLine, t.endCol = lx.line, lx.colAt(lx.pos)
	// nginx wants a separator after a closing quote; ')' is allowed for if.
	if lx.pos < len(src) {
		switch src[lx.pos] {
		case ' ', '\t', '\r', '\n', ';', '{', '}', ')':
		default:
			lx.unexpectedAt(lx.pos)
		}
	}
	return t
}

// word reads an unquoted word. It ends at whitespace, ';', '{' or '}',
// except for the braces of ${var} and of template tags.
func (lx *lexer) word() *token {
	src := lx.src
	start := lx.pos
	t := &lx.tok
	*t = token{kind: tWord, line: lx.line, col: lx.colAt(start)}
	esc, varBrace := false, false
	i := start
scan:
	for i < len(src) {
		for i < len(src) && plainWordByte(src[i]) {
			i++
		}
		if i >= len(src) {
			break
		}
		switch src[i] {
		case ' ', '\t', '\r', '\n', ';':
			break scan
		case '{':
			if i > start && src[i-1] == '$' {
				varBrace = true
				break
			}
			if j := lx.tmplEnd(i); j > 0 {
				i = j
				continue
			}
			break scan
		case '}':
			if !varBrace {
				break scan
			}
			varBrace = false
		case '<':
			if j := lx.tmplEnd(i); j > 0 {
				i = j
				continue
			}
		case '\\':
			esc = true
			i++
			if i < len(src) && src[i] == '\n' {
				lx.newline(i)
			}
		}
		i++
	}
	if i > len(src) {
		i = len(src)
	}
	lx.pos = i
	lx.lineHasCode = true
	t.raw = src[start:i]
	t.value = t.raw
	if esc {
		t.value = unescape(t.raw)
	}
	t.endLine, t.endCol = lx.line, lx.colAt(i)
	return t
}

// Bytes that need a look inside an unquoted word, as bit sets.
const (
	wordStopLo = 1<<'\t' | 1<<'\n' | 1<<'\r' | 1<<' ' | 1<<';' | 1<<'<'
	wordStopHi = 1<<('\\'-64) | 1<<('{'-64) | 1<<('}'-64)
)

func plainWordByte(c byte) bool {
	switch {
	case c < 64:
		return wordStopLo>>c&1 == 0
	case c < 128:
		return wordStopHi>>(c-64)&1 == 0
	}
	return true
}

// unescape resolves the escapes nginx resolves in every word; any other
// backslash is kept, so regexes survive.
func unescape(s string) string {
	first := -1
	for i := 0; i+1 < len(s) && first < 0; i++ {
		if s[i] == '\\' {
			switch s[i+1] {
			case '"', '\'', '\\', 't', 'r', 'n':
				first = i
			}
		}
	}
	if first < 0 {
		// Only backslashes nginx keeps, as in regexes: no copy.
		return s
	}
	var b strings.Builder
	b.WriteString(s[:first])
	s = s[first:]
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '\\' && i+1 < len(s) {
			switch s[i+1] {
			case '"', '\'', '\\':
				c = s[i+1]
				i++
			case 't':
				c = '\t'
				i++
			case 'r':
				c = '\r'
				i++
			case 'n':
				c = '\n'
				i++
			}
		}
		b.WriteByte(c)
	}
	return b.String()
}

// seek caches the result of a forward search: at is the first match at or
// after from (-1: none). A later search starting inside [from, at] has the
// same answer, which keeps repeated searches linear overall.
type seek struct {
	from, at int
	set      bool
}

func (s *seek) index(src string, from int, needle string) int {
	if s.set && s.from <= from && (s.at < 0 || from <= s.at) {
		return s.at
	}
	at := strings.Index(src[from:], needle)
	if at >= 0 {
		at += from
	}
	*s = seek{from: from, at: at, set: true}
	return at
}

var tmplTags = [...]struct{ open, close string }{
	{"{{", "}}"}, {"{%", "%}"}, {"{#", "#}"}, {"<%", "%>"},
}

// tmplEnd returns the offset after a template tag (Jinja, Go template, ERB)
// opening at i and closing on the same line, or -1. Tags are kept to one
// line so a real "{#" (a block followed by a comment) cannot swallow the
// file up to some later "#}".
func (lx *lexer) tmplEnd(i int) int {
	src := lx.src
	if i+1 >= len(src) {
		return -1
	}
	k := -1
	for j, tag := range tmplTags {
		if src[i] == tag.open[0] && src[i+1] == tag.open[1] {
			k = j
			break
		}
	}
	if k < 0 {
		return -1
	}
	from := i + 2
	c := lx.closers[k].index(src, from, tmplTags[k].close)
	if c < 0 {
		return -1
	}
	nl := lx.nl.index(src, from, "\n")
	if nl >= 0 && nl < c+2 {
		return -1
	}
	return c + 2
}

// templateLine skips a line made only of template tags ({% if x %},
// <% end %>, {{ end }}), like a comment: both branches of a template
// conditional are then read.
func (lx *lexer) templateLine() bool {
	src := lx.src
	i := lx.pos
	for {
		j := lx.tmplEnd(i)
		if j < 0 {
			return false
		}
		for j < len(src) && (src[j] == ' ' || src[j] == '\t' || src[j] == '\r') {
			j++
		}
		if j >= len(src) || src[j] == '\n' || src[j] == '#' {
			// A comment after the tags is read as a trailing one.
			lx.pos = j
			lx.lineHasCode = j < len(src) && src[j] == '#'
			return true
		}
		i = j
	}
}

// rawBlock reads a Lua block body up to its matching '}', after the '{'.
// Braces inside Lua strings and comments do not count.
func (lx *lexer) rawBlock() (body string, closed bool) {
	src := lx.src
	start := lx.pos
	depth := 0
	i := start
	for i < len(src) {
		switch src[i] {
		case '\n':
			lx.newline(i)
		case '{':
			depth++
		case '}':
			if depth == 0 {
				lx.pos = i + 1
				lx.lineHasCode = true
				return src[start:i], true
			}
			depth--
		case '"', '\'':
			i = lx.luaString(i)
			continue
		case '[':
			if j := lx.luaLong(i); j > 0 {
				i = j
				continue
			}
		case '-':
			if i+1 < len(src) && src[i+1] == '-' {
				i = lx.luaComment(i)
				continue
			}
		}
		i++
	}
	lx.pos = len(src)
	return src[start:], false
}

// luaString skips a quoted Lua string starting at i and returns the offset
// after it. An unfinished string ends at the newline, as Lua's lexer would
// give up there.
func (lx *lexer) luaString(i int) int {
	src := lx.src
	q := src[i]
	j := i + 1
	for j < len(src) {
		switch src[j] {
		case q:
			return j + 1
		case '\n':
			return j
		case '\\':
			j++
			if j < len(src) && src[j] == '\n' {
				lx.newline(j)
			}
		}
		j++
	}
	return len(src)
}

// luaLong skips a long bracket ([[...]], [==[...]==]) starting at i and
// returns the offset after it, or -1 when i does not open one.
func (lx *lexer) luaLong(i int) int {
	src := lx.src
	j := i + 1
	for j < len(src) && src[j] == '=' {
		j++
	}
	if j >= len(src) || src[j] != '[' {
		return -1
	}
	closer := "]]"
	if level := j - i - 1; level > 0 {
		closer = "]" + strings.Repeat("=", level) + "]"
	}
	end := len(src)
	if k := strings.Index(src[j+1:], closer); k >= 0 {
		end = j + 1 + k + len(closer)
	}
	lx.pos = i
	lx.advance(end)
	return end
}

// luaComment skips a "--" comment starting at i, short or long.
func (lx *lexer) luaComment(i int) int {
	src := lx.src
	if i+2 < len(src) && src[i+2] == '[' {
		if j := lx.luaLong(i + 2); j > 0 {
			return j
		}
	}
	if k := strings.IndexByte(src[i:], '\n'); k >= 0 {
		return i + k
	}
	return len(src)
}

// condition reads the parenthesised condition of an if directive, which
// nginx reads up to the ')' followed by '{'; inside it, braces belong to
// the regex ({2,3}). It appends the tokens between the parentheses to args.
// opened reports that a '(' was consumed, closed that its ')' was too.
func (lx *lexer) condition(args []Arg) (out []Arg, opened, closed bool) {
	src := lx.src
	i := lx.pos
	for i < len(src) && isSpace(src[i]) {
		i++
	}
	if i >= len(src) || src[i] != '(' {
		return args, false, false
	}
	end, closed := condEnd(src, i+1)
	lx.advance(i + 1)
	glued := false
	for !lx.fatal {
		for lx.pos < end && isSpace(src[lx.pos]) {
			if src[lx.pos] == '\n' {
				lx.newline(lx.pos)
			}
			lx.pos++
		}
		if lx.pos >= end {
			break
		}
		var t *token
		// A quote starts a string only at the start of a token, exactly as
		// condEnd saw it, so the string cannot run past end.
		if c := src[lx.pos]; (c == '"' || c == '\'') && !glued {
			t = lx.quoted()
			if t.kind == tEOF || lx.pos > end {
				closed = false
				break
			}
			glued = lx.pos < end && !isSpace(src[lx.pos])
		} else {
			t = lx.condWord(end)
			glued = false
		}
		args = append(args, lx.arg(t))
	}
	if closed && !lx.fatal {
		lx.pos = end + 1
	}
	lx.lineHasCode = true
	return args, true, closed && !lx.fatal
}

// condWord reads an unquoted word of a condition: only whitespace ends it.
func (lx *lexer) condWord(end int) *token {
	src := lx.src
	start := lx.pos
	t := &lx.tok
	*t = token{kind: tWord, line: lx.line, col: lx.colAt(start)}
	esc := false
	i := start
	for i < end && !isSpace(src[i]) {
		if src[i] == '\\' {
			esc = true
			i++
			if i < len(src) && src[i] == '\n' {
				lx.newline(i)
			}
		}
		i++
	}
	if i > len(src) {
		i = len(src)
	}
	lx.pos = i
	t.raw = src[start:i]
	t.value = t.raw
	if esc {
		t.value = unescape(t.raw)
	}
	t.endLine, t.endCol = lx.line, lx.colAt(i)
	return t
}

// condEnd finds the ')' that closes an if condition starting at i: the one
// followed by optional whitespace and '{'. When there is none it returns
// where the condition must stop (';', a '{', '}' or '#' starting a token,
// or the end) and closed=false. Each byte is looked at once, and the caller
// then consumes the same range, so malformed conditions stay linear.
func condEnd(src string, i int) (end int, closed bool) {
	atStart := true
	for i < len(src) {
		c := src[i]
		switch c {
		case ' ', '\t', '\r', '\n':
			atStart = true
			i++
			continue
		case '"', '\'':
			if atStart {
				j := i + 1
				for j < len(src) && src[j] != c {
					if src[j] == '\\' {
						j++
					}
					j++
				}
				if j >= len(src) {
					return len(src), false
				}
				i = j + 1
				atStart = false
				continue
			}
		case '\\':
			i += 2
			atStart = false
			continue
		case ')':
			j := i + 1
			for j < len(src) && isSpace(src[j]) {
				j++
			}
			if j < len(src) && src[j] == '{' && (j > i+1 || !isQuantifier(src[j:])) {
				return i, true
			}
		case ';':
			return i, false
		case '{', '}', '#':
			if atStart {
				return i, false
			}
		}
		atStart = false
		i++
	}
	return len(src), false
}

// isQuantifier reports whether s starts with a regex repetition such as
// {2} or {2,3}, which after a group's ')' is not the block's '{'.
func isQuantifier(s string) bool {
	i, digits := 1, 0
	for i < len(s) && (s[i] >= '0' && s[i] <= '9' || s[i] == ',') {
		if s[i] != ',' {
			digits++
		}
		i++
	}
	return digits > 0 && i < len(s) && s[i] == '}'
}
