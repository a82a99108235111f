package vcl

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/corslint/corslint/model"
)

type tokKind uint8

const (
	tEOF      tokKind = iota
	tID               // identifier, dotted names included: req.http.Origin, .host
	tString           // "...", {"..."} or """..."""
	tNum              // 120, 1.5, 10s, 2KB
	tPunct            // operators and separators
	tTemplate         // a template tag (ERB, Jinja, Terraform) where a token stands
)

// source is a file the tokens came from, with the include chain that led
// to it.
type source struct {
	path string
	via  []model.Span
}

type token struct {
	kind tokKind
	src  *source
	line int32
	col  int32
	eLn  int32
	eCol int32
	text string // as written
}

// value is a string token's contents without its delimiters (VCL strings
// have no escapes), or the text of any other token.
func (t token) value() string {
	if t.kind != tString {
		return t.text
	}
	s := t.text
	switch {
	case strings.HasPrefix(s, `"""`) && strings.HasSuffix(s, `"""`) && len(s) >= 6:
		return s[3 : len(s)-3]
	case strings.HasPrefix(s, `{"`) && strings.HasSuffix(s, `"}`) && len(s) >= 4:
		return s[2 : len(s)-2]
	case strings.HasPrefix(s, `"`) && strings.HasSuffix(s, `"`) && len(s) >= 2:
		return s[1 : len(s)-1]
	case strings.HasPrefix(s, `"`):
		return s[1:] // an unterminated string: the rest of its line
	case strings.HasPrefix(s, ":") && strings.HasSuffix(s, ":") && len(s) >= 2:
		return s[1 : len(s)-1] // a BLOB
	}
	return s
}

func (t token) span() model.Span {
	return model.Span{File: t.src.path, Line: int(t.line), Col: int(t.col), EndLine: int(t.eLn), EndCol: int(t.eCol), Via: t.src.via}
}

func (t token) is(kind tokKind, text string) bool { return t.kind == kind && t.text == text }

// lexer turns one file into tokens. Like Varnish it keeps no escapes in
// strings, skips inline C, and reports a problem at its exact position;
// unlike Varnish it goes on after an error so later ones are found too.
type lexer struct {
	src       string
	s         *source
	pos       int
	line      int
	lineStart int
	code      bool // a token was read on the current line (for Trailing)

	toks     []token
	comments []model.Comment
	diags    []model.Diagnostic

	// Cached forward searches keep template handling linear on hostile
	// input such as a long line of "{{" with no "}}".
	nl      seek
	closers [len(tmplTags)]seek
}

// seek caches a forward search: at is the first match at or after from
// (-1: none). A later search starting inside [from, at] has the same
// answer, so repeated searches stay linear overall.
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

func lex(s *source, src string) *lexer {
	lx := &lexer{src: src, s: s, line: 1, toks: make([]token, 0, len(src)/6+1)}
	if strings.HasPrefix(src, "\xef\xbb\xbf") {
		lx.pos = 3 // the BOM is skipped; columns stay byte columns of the file
	}
	lx.run()
	return lx
}

func (lx *lexer) col(off int) int { return off - lx.lineStart + 1 }

// advance moves to `to`, counting newlines.
func (lx *lexer) advance(to int) {
	if to > len(lx.src) {
		to = len(lx.src)
	}
	seg := lx.src[lx.pos:to]
	if n := strings.Count(seg, "\n"); n > 0 {
		lx.line += n
		lx.lineStart = lx.pos + strings.LastIndexByte(seg, '\n') + 1
		lx.code = false
	}
	lx.pos = to
}

// maxErrors bounds the errors reported per file: a file that is not VCL
// at all (random bytes) would otherwise give one per byte.
const maxErrors = 100

func (lx *lexer) errorAt(line, col, eLine, eCol int, format string, args ...any) {
	if len(lx.diags) >= maxErrors {
		if len(lx.diags) == maxErrors {
			lx.diags = append(lx.diags, model.Diagnostic{
				RuleID: "CORS001", Message: "too many syntax errors; the rest of the file is not read",
				Span: model.Span{File: lx.s.path, Line: line, Col: col, EndLine: eLine, EndCol: eCol, Via: lx.s.via},
			})
		}
		lx.pos = len(lx.src) // stop: nothing after this is trustworthy
		return
	}
	lx.diags = append(lx.diags, model.Diagnostic{
		RuleID:  "CORS001",
		Message: fmt.Sprintf(format, args...),
		Span:    model.Span{File: lx.s.path, Line: line, Col: col, EndLine: eLine, EndCol: eCol, Via: lx.s.via},
	})
}

// emit records the token from start to the current position.
func (lx *lexer) emit(kind tokKind, start, line, col int) {
	lx.toks = append(lx.toks, token{
		kind: kind, src: lx.s, line: int32(line), col: int32(col),
		eLn: int32(lx.line), eCol: int32(lx.col(lx.pos)), text: lx.src[start:lx.pos],
	})
	lx.code = true
}

func isIdent1(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
func isIdent(c byte) bool {
	return isIdent1(c) || c >= '0' && c <= '9' || c == '_' || c == '-'
}
func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// twoChar reports whether s is an operator Varnish reads as one token.
func twoChar(s string) bool {
	switch s {
	case "==", "!=", "!~", "&&", "||", "<=", ">=", "+=", "-=", "*=", "/=", "++", "--", "<<", ">>",
		"%=", "|=", "&=", "^=": // Fastly's assignment operators
		return true
	}
	return false
}

func (lx *lexer) run() {
	src := lx.src
	for lx.pos < len(src) {
		c := src[lx.pos]
		switch {
		case c == '\n':
			lx.pos++
			lx.line++
			lx.lineStart = lx.pos
			lx.code = false
			continue
		case c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v':
			lx.pos++
			continue
		case c == '#' && lx.hashTag():
			continue
		case c == '#':
			lx.lineComment(1)
			continue
		case c == '/' && lx.peek() == '/':
			lx.lineComment(2)
			continue
		case c == '/' && lx.peek() == '*':
			lx.blockComment()
			continue
		case c == 'C' && lx.peek() == '{':
			lx.inlineC()
			continue
		}
		if end := lx.templateAt(lx.pos); end > 0 {
			if !lx.code && lx.templateLine() {
				continue
			}
			lx.word(true)
			continue
		}
		switch {
		case c == '"' || c == '{' && lx.peek() == '"':
			lx.str()
		case isIdent1(c) || c == '_' || c == '.' && isIdent1(lx.peek()):
			// Fastly names may start with '_' (__config__ placeholders too)
			lx.word(false)
		case isDigit(c):
			lx.number()
		case c == ':' && lx.blob():
		default:
			lx.punct()
		}
	}
}

// peek returns the byte after the current one, or 0.
func (lx *lexer) peek() byte {
	if lx.pos+1 < len(lx.src) {
		return lx.src[lx.pos+1]
	}
	return 0
}

func (lx *lexer) lineComment(marker int) {
	start := lx.pos
	end := len(lx.src)
	if j := strings.IndexByte(lx.src[start:], '\n'); j >= 0 {
		end = start + j
	}
	text := strings.TrimSuffix(lx.src[start+marker:end], "\r")
	col := lx.col(start)
	lx.comments = append(lx.comments, model.Comment{
		Text:     text,
		Span:     model.Span{File: lx.s.path, Line: lx.line, Col: col, EndLine: lx.line, EndCol: col + marker + len(text), Via: lx.s.via},
		Trailing: lx.code,
	})
	lx.pos = end
}

func (lx *lexer) blockComment() {
	start, line, col := lx.pos, lx.line, lx.col(lx.pos)
	body := lx.src[start+2:]
	end := strings.Index(body, "*/")
	if nested := strings.Index(body, "/*"); nested >= 0 && (end < 0 || nested < end) {
		// Varnish refuses a comment that opens another one.
		lx.advance(start + 2 + nested)
		lx.errorAt(lx.line, lx.col(lx.pos), lx.line, lx.col(lx.pos)+2, "/* ... */ comment contains /* (the comment opened at %d:%d)", line, col)
	}
	if end < 0 {
		lx.errorAt(line, col, line, col+2, "unterminated /* ... */ comment")
		lx.advance(len(lx.src))
		return
	}
	lx.advance(start + 2 + end + 2)
	lx.comments = append(lx.comments, model.Comment{
		Text:     body[:end],
		Span:     model.Span{File: lx.s.path, Line: line, Col: col, EndLine: lx.line, EndCol: lx.col(lx.pos), Via: lx.s.via},
		Trailing: lx.code,
	})
}

// inlineC skips C{ ... }C: corslint does not read C.
func (lx *lexer) inlineC() {
	start, line, col := lx.pos, lx.line, lx.col(lx.pos)
	end := strings.Index(lx.src[start+2:], "}C")
	if end < 0 {
		lx.errorAt(line, col, line, col+2, "unterminated inline C source (C{ without }C)")
		lx.advance(len(lx.src))
		return
	}
	lx.advance(start + 2 + end + 2)
	lx.code = true
}

// str reads "...", {"..."} or """...""". A plain string ends at its line,
// as in Varnish; there are no escapes in any of them.
func (lx *lexer) str() {
	src := lx.src
	start, line, col := lx.pos, lx.line, lx.col(lx.pos)
	open, closer, multi := `"`, `"`, false
	switch {
	case strings.HasPrefix(src[start:], `"""`):
		open, closer, multi = `"""`, `"""`, true
	case src[start] == '{':
		open, closer, multi = `{"`, `"}`, true
	}
	from := start + len(open)
	var end int
	if multi {
		end = strings.Index(src[from:], closer)
		if end >= 0 {
			end += from
		}
	} else {
		end = lx.plainStringEnd(from)
	}
	if end < 0 {
		what := "string"
		if multi {
			what = "long string " + open + "..." + closer
		}
		lx.errorAt(line, col, line, col+len(open), "unterminated %s", what)
		if multi {
			lx.advance(len(src))
			return
		}
		// the rest of the line stands for the string, so the statement
		// still parses and only this error is reported
		nl := strings.IndexByte(src[from:], '\n')
		if nl < 0 {
			nl = len(src) - from
		}
		lx.advance(from + nl)
		lx.emit(tString, start, line, col)
		return
	}
	lx.advance(end + len(closer))
	lx.emit(tString, start, line, col)
}

// plainStringEnd finds the '"' closing a plain string that starts at from,
// on the same line. Template tags inside the string are skipped, so a
// quote inside <%= f("x") %> does not end it.
func (lx *lexer) plainStringEnd(from int) int {
	src := lx.src
	for i := from; i < len(src); i++ {
		switch src[i] {
		case '"':
			return i
		case '\n':
			return -1
		case '<', '{', '$':
			if j := lx.templateAt(i); j > 0 {
				if nl := lx.nl.index(src, i, "\n"); nl < 0 || nl > j {
					i = j - 1
				}
			}
		}
	}
	return -1
}

// word reads an identifier, possibly dotted (req.http.X-Forwarded-For) and
// possibly glued to template tags (be_<%= name %>, <%= t %>ms).
func (lx *lexer) word(tmpl bool) {
	src := lx.src
	start, line, col := lx.pos, lx.line, lx.col(lx.pos)
	i := start
	if src[i] == '.' {
		i++
	}
	for i < len(src) {
		c := src[i]
		if isIdent(c) {
			i++
			continue
		}
		if c == '.' && i+1 < len(src) && (isIdent(src[i+1]) || src[i+1] == '<' || src[i+1] == '$') && i > start {
			i++
			continue
		}
		if j := lx.templateAt(i); j > 0 {
			tmpl = true
			lx.advance(i)
			i = j
			continue
		}
		break
	}
	i = lx.subfield(start, i)
	lx.advance(i)
	kind := tID
	if tmpl {
		kind = tTemplate
	}
	lx.emit(kind, start, line, col)
}

// subfield extends a header variable by Fastly's subfield accessor,
// req.http.Cookie:session or resp.http.Vary:Origin, which names one
// key of the header's comma- or semicolon-separated list. Only a name
// holding ".http." takes one, so labels and BLOBs are left alone.
func (lx *lexer) subfield(start, i int) int {
	src := lx.src
	if i+1 >= len(src) || src[i] != ':' || !isIdent(src[i+1]) || !strings.Contains(strings.ToLower(src[start:i]), ".http.") {
		return i
	}
	j := i + 1
	for j < len(src) && (isIdent(src[j]) || src[j] == '.') {
		j++
	}
	return j
}

// number reads digits, an optional fraction and a unit (s, ms, h, KB, ...).
func (lx *lexer) number() {
	src := lx.src
	start, line, col := lx.pos, lx.line, lx.col(lx.pos)
	i := start
	for i < len(src) && isDigit(src[i]) {
		i++
	}
	if i < len(src) && src[i] == '.' && (i+1 >= len(src) || !isIdent1(src[i+1])) {
		i++
		for i < len(src) && isDigit(src[i]) {
			i++
		}
	}
	for i < len(src) && isIdent1(src[i]) {
		i++
	}
	kind := tNum
	if j := lx.templateAt(i); j > 0 {
		kind, i = tTemplate, j
	}
	lx.advance(i)
	lx.emit(kind, start, line, col)
}

// blob reads a Varnish BLOB literal, :base64:, as a string.
func (lx *lexer) blob() bool {
	src := lx.src
	i := lx.pos + 1
	for i < len(src) && (isIdent(src[i]) && src[i] != '-' && src[i] != '_' || src[i] == '+' || src[i] == '/' || src[i] == '=') {
		i++
	}
	if i >= len(src) || src[i] != ':' || i == lx.pos+1 {
		return false
	}
	start, line, col := lx.pos, lx.line, lx.col(lx.pos)
	lx.advance(i + 1)
	lx.emit(tString, start, line, col)
	return true
}

// fastlyAssign3 reports whether s is one of Fastly's three-character
// assignment operators.
func fastlyAssign3(s string) bool {
	switch s {
	case "<<=", ">>=", "&&=", "||=":
		return true
	}
	return false
}

func (lx *lexer) punct() {
	src := lx.src
	start, line, col := lx.pos, lx.line, lx.col(lx.pos)
	if start+2 < len(src) && fastlyAssign3(src[start:start+3]) {
		lx.pos += 3
		lx.emit(tPunct, start, line, col)
		return
	}
	if start+1 < len(src) && twoChar(src[start:start+2]) {
		lx.pos += 2
		lx.emit(tPunct, start, line, col)
		return
	}
	if strings.IndexByte("{}()*+-/%><=;!&.|~,:[]^", src[start]) >= 0 {
		lx.pos++
		lx.emit(tPunct, start, line, col)
		return
	}
	r, n := utf8.DecodeRuneInString(src[start:])
	s := string(r)
	if r == utf8.RuneError {
		s, n = fmt.Sprintf("\\x%02x", src[start]), 1
	}
	lx.errorAt(line, col, line, col+n, "syntax error: unexpected %q", s)
	lx.pos = min(lx.pos+n, len(src))
}

// template tags that may stand in a VCL file rendered by a template engine.
var tmplTags = [...]struct {
	open, close string
	multiline   bool
}{
	{"<%", "%>", true}, // ERB; "<%" is never VCL, so the tag may span lines
	{"{{", "}}", false},
	{"{%", "%}", false},
	{"{#", "#}", false},
	{"${", "}", false},
	{"%{", "}", false},
}

// templateAt returns the offset after a template tag opening at i, or -1.
// Tags that could be VCL ("{#" is a block and a comment) must close on
// their line.
func (lx *lexer) templateAt(i int) int {
	src := lx.src
	if i+1 >= len(src) {
		return -1
	}
	c := src[i]
	if c != '<' && c != '{' && c != '$' && c != '%' {
		return -1
	}
	for k, tag := range tmplTags {
		if src[i] != tag.open[0] || src[i+1] != tag.open[1] {
			continue
		}
		if tag.open == "${" || tag.open == "%{" {
			if end := terraformEnd(src, i+2); end > 0 {
				return end
			}
		}
		end := lx.closers[k].index(src, i+2, tag.close)
		if end < 0 {
			return -1
		}
		if !tag.multiline {
			if nl := lx.nl.index(src, i+2, "\n"); nl >= 0 && nl < end {
				return -1
			}
		}
		return end + len(tag.close)
	}
	return -1
}

// maxTerraformTag bounds the scan for the end of a Terraform tag, so a
// long line of "${" stays linear.
const maxTerraformTag = 4096

// terraformEnd returns the offset after the '}' that closes a Terraform
// interpolation or directive whose body starts at from, on the same line:
// ${indent(2, file("${path}/x.vcl"))} nests braces and quotes. -1 when
// it does not close nearby.
func terraformEnd(src string, from int) int {
	depth := 1
	inStr := false
	for j := from; j < len(src) && j < from+maxTerraformTag; j++ {
		c := src[j]
		switch {
		case c == '\n':
			return -1
		case inStr && c == '\\':
			j++
		case c == '"':
			inStr = !inStr
		case inStr:
		case c == '{':
			depth++
		case c == '}':
			if depth--; depth == 0 {
				return j + 1
			}
		}
	}
	return -1
}

// hashTag reads a ####NAME#### placeholder, which Fastly's Magento
// module replaces before upload, as a template tag rather than the start
// of a comment.
func (lx *lexer) hashTag() bool {
	src := lx.src
	start := lx.pos
	if !strings.HasPrefix(src[start:], "####") {
		return false
	}
	i := start + 4
	for i < len(src) && (isIdent(src[i]) && src[i] != '-') {
		i++
	}
	if i == start+4 || !strings.HasPrefix(src[i:], "####") {
		return false
	}
	i += 4
	for i < len(src) && (isIdent(src[i]) || src[i] == '.') {
		i++ // glued to a unit or name: ####TIMEOUT####s
	}
	line, col := lx.line, lx.col(start)
	if !lx.code && lx.onlyTagOnLine(i) {
		lx.advance(i)
		return true
	}
	lx.advance(i)
	lx.emit(tTemplate, start, line, col)
	return true
}

// onlyTagOnLine reports whether nothing but blanks follow i on its line.
func (lx *lexer) onlyTagOnLine(i int) bool {
	for ; i < len(lx.src) && lx.src[i] != '\n'; i++ {
		if c := lx.src[i]; c != ' ' && c != '\t' && c != '\r' {
			return false
		}
	}
	return true
}

// templateLine skips a line made only of template tags (<% if x -%>,
// {% endif %}), like a comment: both branches of a template conditional
// are then read.
func (lx *lexer) templateLine() bool {
	src := lx.src
	i := lx.pos
	for {
		j := lx.templateAt(i)
		if j < 0 {
			return false
		}
		for j < len(src) && (src[j] == ' ' || src[j] == '\t' || src[j] == '\r') {
			j++
		}
		if j >= len(src) || src[j] == '\n' {
			lx.advance(j)
			return true
		}
		i = j
	}
}
