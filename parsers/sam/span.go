package sam

import (
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v4"

	"github.com/corslint/corslint/model"
)

// index records where each line starts.
func (t *Template) index() {
	t.lines = []int{0}
	for i, b := range t.Src {
		if b == '\n' {
			t.lines = append(t.lines, i+1)
		}
	}
}

// line returns the text of a 1-based line, without its line break.
func (t *Template) line(n int) string {
	if n < 1 || n > len(t.lines) {
		return ""
	}
	start := t.lines[n-1]
	end := len(t.Src)
	if n < len(t.lines) {
		end = t.lines[n] - 1
	}
	if end < start {
		return ""
	}
	return strings.TrimSuffix(string(t.Src[start:end]), "\r")
}

// byteCol turns the YAML library's character column into a byte column.
func (t *Template) byteCol(line, col int) int {
	text := t.line(line)
	off := 0
	if line == 1 && t.bom {
		off = 3 // the library does not count the byte order mark
		text = strings.TrimPrefix(text, "\uFEFF")
	}
	b := 0
	for c := 1; c < col && b < len(text); c++ {
		_, n := utf8.DecodeRuneInString(text[b:])
		b += n
	}
	return off + b + 1
}

// span is a one-character span at a line and character column.
func (t *Template) span(line, col int) model.Span {
	if line < 1 {
		line, col = 1, 1
	}
	c := t.byteCol(line, col)
	return model.Span{File: t.Path, Line: line, Col: c, EndLine: line, EndCol: c + 1}
}

// offsetSpan is the span of one byte offset.
func (t *Template) offsetSpan(off int) model.Span {
	line := 1
	for line < len(t.lines) && t.lines[line] <= off {
		line++
	}
	col := off - t.lines[line-1] + 1
	return model.Span{File: t.Path, Line: line, Col: col, EndLine: line, EndCol: col + 1}
}

// scalarSpan extends a scalar's start to the end of its token on the same
// line: through the closing quote, or to the end of a plain scalar.
func (t *Template) scalarSpan(y *yaml.Node, at model.Span) model.Span {
	text := t.line(at.Line)
	i := at.Col - 1
	if i < 0 || i >= len(text) {
		return at
	}
	var end int
	switch text[i] {
	case '\'', '"':
		q := text[i]
		end = i + 1
		for end < len(text) {
			if text[end] == '\\' && q == '"' {
				end += 2
				continue
			}
			if text[end] == q {
				if q == '\'' && end+1 < len(text) && text[end+1] == '\'' {
					end += 2
					continue
				}
				end++
				break
			}
			end++
		}
		if end > len(text) {
			end = len(text)
		}
	case '|', '>', '!', '&', '*':
		end = i + 1
	default:
		end = i + len(firstLine(y.Value))
		if end > len(text) || end <= i {
			end = len(text)
		}
	}
	at.EndCol = end + 1
	return at
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

// comments finds every comment: a # at the start of a line or after
// blank space, outside quotes and block scalars.
func comments(t *Template) []model.Comment {
	var out []model.Comment
	blockIndent := -1 // inside a block scalar: its parent's indentation
	for n := 1; n <= len(t.lines); n++ {
		text := t.line(n)
		trimmed := strings.TrimLeft(text, " ")
		indent := len(text) - len(trimmed)
		if blockIndent >= 0 {
			if trimmed == "" || indent > blockIndent {
				continue
			}
			blockIndent = -1
		}
		i := commentStart(text)
		code := text
		if i >= 0 {
			code = text[:i]
			out = append(out, model.Comment{
				Text:     strings.TrimSpace(text[i+1:]),
				Span:     model.Span{File: t.Path, Line: n, Col: i + 1, EndLine: n, EndCol: len(text) + 1},
				Trailing: strings.TrimSpace(code) != "",
			})
		}
		if startsBlockScalar(code) {
			blockIndent = indent
		}
	}
	return out
}

func commentStart(s string) int {
	var q byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case q != 0:
			if c == q {
				if q == '\'' && i+1 < len(s) && s[i+1] == '\'' {
					i++
					continue
				}
				q = 0
			} else if c == '\\' && q == '"' {
				i++
			}
		case c == '#' && (i == 0 || s[i-1] == ' ' || s[i-1] == '\t'):
			return i
		case (c == '\'' || c == '"') && (i == 0 || strings.IndexByte(" \t:[{,-", s[i-1]) >= 0):
			q = c
		}
	}
	return -1
}

// startsBlockScalar reports whether a line's value opens a | or > block.
func startsBlockScalar(code string) bool {
	s := strings.TrimRight(code, " \t")
	s = strings.TrimRight(s, "0123456789+-")
	return strings.HasSuffix(s, "|") || strings.HasSuffix(s, ">")
}
