package apache

import (
	"strings"

	"github.com/corslint/corslint/model"
)

// logical is one configuration line after httpd joins continuations: a
// physical line ending in a backslash (after an optional CR) continues on
// the next one, the backslash and newline removed and nothing else, so
// "a\" + "b" reads "ab". A comment line ending in a backslash swallows the
// next line too (measured with httpd 2.4.71).
type logical struct {
	text string
	// first is where text starts; more holds where each continued
	// physical line starts, so most lines need no allocation.
	first seg
	more  []seg
	file  string
}

// seg maps the logical offset off to a physical line and byte column.
type seg struct{ off, line, col int }

// pos returns the physical line and column of logical offset off.
func (l *logical) pos(off int) (line, col int) {
	s := l.first
	for _, x := range l.more {
		if x.off > off {
			break
		}
		s = x
	}
	return s.line, s.col + off - s.off
}

// span is the physical span of logical offsets [from, to).
func (l *logical) span(from, to int) model.Span {
	sl, sc := l.pos(from)
	el, ec := sl, sc
	if to > from {
		el, ec = l.pos(to - 1)
		ec++
	}
	return model.Span{File: l.file, Line: sl, Col: sc, EndLine: el, EndCol: ec}
}

// lineReader splits src into logical lines. A UTF-8 BOM is skipped,
// columns stay byte columns of the file as it is.
type lineReader struct {
	src  string
	file string
	off  int
	line int
}

func newLineReader(file, src string) *lineReader {
	r := &lineReader{src: src, file: file, line: 1}
	if strings.HasPrefix(src, "\xef\xbb\xbf") {
		r.off = 3
	}
	return r
}

// next returns the next logical line, or false at the end.
func (r *lineReader) next() (logical, bool) {
	if r.off >= len(r.src) {
		return logical{}, false
	}
	l := logical{file: r.file}
	var b []byte // only for continued lines
	for n := 0; r.off < len(r.src); n++ {
		start := r.off
		col := 1
		if r.line == 1 && start == 3 && strings.HasPrefix(r.src, "\xef\xbb\xbf") {
			col = 4
		}
		end := strings.IndexByte(r.src[start:], '\n')
		next := len(r.src)
		if end < 0 {
			end = len(r.src)
		} else {
			end += start
			next = end + 1
		}
		content := strings.TrimSuffix(r.src[start:end], "\r")
		at := seg{off: len(b), line: r.line, col: col}
		if n == 0 {
			l.first = at
		} else {
			l.more = append(l.more, at)
		}
		r.off = next
		if next > end {
			r.line++
		}
		cont := strings.HasSuffix(content, "\\") && next > end
		if n == 0 && !cont {
			l.text = content
			return l, true
		}
		if cont {
			b = append(b, content[:len(content)-1]...)
			continue
		}
		b = append(b, content...)
		break
	}
	l.text = string(b)
	return l, true
}

// endPos is the position just after the last byte of the file.
func (r *lineReader) endPos() (line, col int) {
	i := strings.LastIndexByte(r.src, '\n')
	return strings.Count(r.src, "\n") + 1, len(r.src) - i
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f'
}

// token is one word of a logical line, with logical offsets.
type token struct {
	value, raw string
	quote      byte
	from, to   int
}

// words splits s[from:to] into words the way httpd's ap_getword_conf does:
// a word starting with a quote runs to the matching quote (a backslash
// protects the quote and itself) and ends there, even without a space
// after it; an unterminated quote runs to the end; other words end at
// whitespace and resolve only \\. Template tags ({{ }}, {% %}, <% %>) are
// opaque inside words.
func words(out []token, s string, from, to int) []token {
	i := from
	for {
		for i < to && isSpace(s[i]) {
			i++
		}
		if i >= to {
			return out
		}
		start := i
		if q := s[i]; q == '"' || q == '\'' {
			j := i + 1
			esc := false
			for j < to && s[j] != q {
				if s[j] == '\\' && j+1 < to && (s[j+1] == q || s[j+1] == '\\') {
					esc = true
					j++
				}
				j++
			}
			val := s[i+1 : min(j, to)]
			if esc {
				val = unescape(val, q)
			}
			if j < to {
				j++ // the closing quote
			}
			out = append(out, token{value: val, raw: s[start:j], quote: q, from: start, to: j})
			i = j
			continue
		}
		esc := false
		for i < to && !isSpace(s[i]) {
			switch s[i] {
			case '{', '<':
				if k := tmplEnd(s, i, to); k > 0 {
					i = k
					continue
				}
			case '\\':
				if i+1 < to && s[i+1] == '\\' {
					esc = true
					i++
				}
			}
			i++
		}
		val := s[start:i]
		if esc {
			val = unescape(val, 0)
		}
		out = append(out, token{value: val, raw: s[start:i], from: start, to: i})
	}
}

// unescape resolves \\ and, inside quotes, \q.
func unescape(s string, q byte) string {
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '\\' && i+1 < len(s) && (s[i+1] == '\\' || q != 0 && s[i+1] == q) {
			i++
			c = s[i]
		}
		b.WriteByte(c)
	}
	return b.String()
}

var tmplTags = [...]struct{ open, close string }{
	{"{{", "}}"}, {"{%", "%}"}, {"{#", "#}"}, {"<%", "%>"},
}

// tmplEnd returns the offset after a template tag opening at i and closing
// before to, or -1.
func tmplEnd(s string, i, to int) int {
	if i+1 >= to {
		return -1
	}
	for _, t := range tmplTags {
		if s[i] == t.open[0] && s[i+1] == t.open[1] {
			if k := strings.Index(s[i+2:to], t.close); k >= 0 {
				return i + 2 + k + 2
			}
			return -1
		}
	}
	return -1
}

// templateOnly reports whether s[from:] holds nothing but template tags
// and whitespace ({% if x %}, <% end %>): such lines are skipped like
// comments, so both branches of a template conditional are read.
func templateOnly(s string, from int) bool {
	i := from
	seen := false
	for {
		for i < len(s) && isSpace(s[i]) {
			i++
		}
		if i >= len(s) {
			return seen
		}
		j := tmplEnd(s, i, len(s))
		if j < 0 {
			return false
		}
		seen = true
		i = j
	}
}
