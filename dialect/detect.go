package dialect

import (
	"bytes"
	"path/filepath"
	"strings"
)

// Confidence is how sure a dialect is that a file is written in it.
type Confidence uint8

// Confidences, weakest first.
const (
	// None: not this dialect's file.
	None Confidence = iota
	// Possible: the syntax fits and the name allows it, but no statement
	// only this dialect writes was seen. Enough for a file named on the
	// command line, never for one found in a walk.
	Possible
	// Likely: statements of this dialect begin lines of the head. Another
	// format's lines outnumbering them still make the file that format's.
	Likely
	// Certain: the name says so (nginx.conf, .htaccess, .vcl), or the name
	// and a defining marker (a .yaml with AWSTemplateFormatVersion).
	Certain
)

// Score is a dialect's judgement of one file.
type Score struct {
	Confidence Confidence
	// Weight orders scores of the same confidence: the number of lines
	// that read like the dialect. On a tie the registry's order decides.
	Weight int
}

// TemplateExts are stripped before a file's name is looked at: a
// "default.conf.j2" is an nginx or Apache file behind a template.
var templateExts = []string{".j2", ".jinja", ".jinja2", ".erb", ".tmpl", ".tpl", ".template", ".tftpl", ".in"}

// StripTemplateExt removes template extensions from a file name.
func StripTemplateExt(name string) string {
	for {
		trimmed := name
		for _, ext := range templateExts {
			trimmed = strings.TrimSuffix(trimmed, ext)
		}
		if trimmed == name {
			return name
		}
		name = trimmed
	}
}

// BaseName is a path's file name, lower case, template extensions
// stripped.
func BaseName(path string) string {
	return strings.ToLower(StripTemplateExt(filepath.Base(path)))
}

// ServerConfName reports whether a path is named like a web server's
// configuration (a .conf, a name without extension, a template, a file in
// an nginx, Apache or sites-enabled directory), which is where nginx and
// Apache files are looked for by content in a walk.
func ServerConfName(path string) bool {
	base := filepath.Base(path)
	name := strings.ToLower(StripTemplateExt(base))
	ext := filepath.Ext(name)
	slash := filepath.ToSlash(path)
	return ext == ".conf" || ext == "" || base != name || strings.Contains(slash, "/nginx/") ||
		strings.Contains(slash, "/apache2/") || strings.Contains(slash, "/httpd/") ||
		strings.Contains(slash, "sites-available/") || strings.Contains(slash, "sites-enabled/") || strings.Contains(slash, "conf.d/")
}

// IsBinary reports whether the head holds a NUL byte, which no text
// configuration does.
func IsBinary(head []byte) bool { return bytes.IndexByte(head, 0) >= 0 }

// CountStarts counts, up to limit, the line starts from which at matches
// at the first byte that is not white space, as FindAllIndex counts the
// matches of (?m)^\s*X: after a match the search resumes at the first
// line start at or after its end. at returns the match's end, or -1.
func CountStarts(src []byte, limit int, at func(src []byte, i int) int) int {
	n := 0
	for ls := 0; ls < len(src) && n < limit; {
		c := ls
		for c < len(src) && isSpace(src[c]) {
			c++
		}
		if c == len(src) {
			break
		}
		from := c // every line start up to c leads to c: try it once
		if end := at(src, c); end >= 0 {
			n++
			if src[end-1] == '\n' {
				ls = end
				continue
			}
			from = end
		}
		i := bytes.IndexByte(src[from:], '\n')
		if i < 0 {
			break
		}
		ls = from + i + 1
	}
	return n
}

// isSpace is RE2's \s.
func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'
}

func isWord(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_'
}

// WordAt returns the run of word bytes (RE2's \w) at i.
func WordAt(src []byte, i int) string {
	j := i
	for j < len(src) && isWord(src[j]) {
		j++
	}
	return string(src[i:j])
}

// SkipSpace returns the first index at or after i that is not white
// space.
func SkipSpace(src []byte, i int) int {
	for i < len(src) && isSpace(src[i]) {
		i++
	}
	return i
}

// SpaceAt reports whether src[i] exists and is white space.
func SpaceAt(src []byte, i int) bool { return i < len(src) && isSpace(src[i]) }
