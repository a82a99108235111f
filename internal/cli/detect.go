package cli

import (
	"bytes"
	"path/filepath"
	"strings"

	"github.com/corslint/corslint/model"
	"github.com/corslint/corslint/parsers/vcl"
)

// templateExts are stripped before a file's name is looked at: a
// "default.conf.j2" is an nginx or Apache file behind a template.
var templateExts = []string{".j2", ".jinja", ".jinja2", ".erb", ".tmpl", ".tpl", ".template", ".tftpl", ".in"}

func stripTemplateExt(name string) string {
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

// detect decides the dialect of a file from its name and first bytes, or
// returns "" when it is none of corslint's. explicit is true when the user
// named the file, which allows a content guess for any name.
func detect(path string, head []byte, explicit bool) model.Dialect {
	base := filepath.Base(path)
	name := strings.ToLower(stripTemplateExt(base))
	ext := filepath.Ext(name)
	slash := filepath.ToSlash(path)
	switch {
	case ext == ".htaccess" || name == "httpd.conf" || name == "apache2.conf":
		return model.Apache
	case ext == ".vcl" || ext == ".vtc": // varnishtest files embed VCL
		return model.VCL
	case ext == ".yaml" || ext == ".yml" || ext == ".json":
		if samLike(head) {
			return model.SAM
		}
		return ""
	case name == "nginx.conf" || ext == ".nginx":
		return model.Nginx
	}
	if bytes.IndexByte(head, 0) >= 0 && !explicit {
		return "" // binary files are only reported when named
	}
	confLike := ext == ".conf" || ext == "" || base != name || strings.Contains(slash, "/nginx/") ||
		strings.Contains(slash, "/apache2/") || strings.Contains(slash, "/httpd/") ||
		strings.Contains(slash, "sites-available/") || strings.Contains(slash, "sites-enabled/") || strings.Contains(slash, "conf.d/")
	if !confLike && !explicit {
		return ""
	}
	ng := countStarts(head, 8, nginxAt)
	ap := countStarts(head, 8, apacheAt)
	switch {
	case countStarts(head, 1, vclAt) > 0:
		return model.VCL
	case ng > 0 && ng >= ap:
		return model.Nginx
	case ap > 0:
		return model.Apache
	case vcl.IsFastly(path, head): // a Fastly snippet or service under another name: cors.tftpl
		return model.VCL
	case explicit && (strings.Contains(slash, "nginx") || ext == ".conf"):
		return model.Nginx
	}
	return ""
}

// anyContent reads like every dialect at once: a name that detect still
// turns away with it can hold no configuration, whatever its content.
const anyContent = "AWSTemplateFormatVersion\nvcl 4.1;\nserver {\nHeader set A b\n"

// mayBeConfig reports whether a file found in a walk could be a
// configuration, judged by its name alone, so that sources, images and
// documents are never read.
func mayBeConfig(path string) bool {
	return detect(path, []byte(anyContent), false) != ""
}

// The content tests below look for statements that begin a line (after
// white space) and read like a dialect's. They do by hand what these
// expressions do, which detection ran on every candidate file at about
// 25 MB/s; robust_test.go checks that they agree:
//
//	nginx  (?m)^\s*(?:(?:server|http|location|upstream|map|events)\b[^;{\n]*\{|(?:add_header|proxy_pass|server_name|listen|more_set_headers|proxy_hide_header)\s[^\n]*;)
//	apache (?mi)^\s*(?:<(?:VirtualHost|Directory|DirectoryMatch|Location|LocationMatch|Files|FilesMatch|IfModule|If)\b|Header\s+(?:always\s+|onsuccess\s+)?(?:set|append|add|merge|unset|echo|edit|setifempty)\s|RewriteEngine\s|SetEnvIf(?:NoCase)?\s)
//	vcl    (?m)^\s*(?:vcl\s+4\.[01]\s*;|sub\s+vcl_\w+\s*\{|backend\s+\w+\s*\{)
//	sam    AWSTemplateFormatVersion|AWS::Serverless|"?Type"?\s*:\s*"?AWS::

// countStarts counts, up to limit, the line starts from which at matches
// at the first byte that is not white space, as FindAllIndex counts the
// matches of (?m)^\s*X: after a match the search resumes at the first
// line start at or after its end. at returns the match's end, or -1.
func countStarts(src []byte, limit int, at func(src []byte, i int) int) int {
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

// wordAt returns the run of word bytes at i.
func wordAt(src []byte, i int) string {
	j := i
	for j < len(src) && isWord(src[j]) {
		j++
	}
	return string(src[i:j])
}

func skipSpace(src []byte, i int) int {
	for i < len(src) && isSpace(src[i]) {
		i++
	}
	return i
}

// spaceAt reports whether src[i] exists and is white space.
func spaceAt(src []byte, i int) bool { return i < len(src) && isSpace(src[i]) }

func nginxAt(src []byte, i int) int {
	w := wordAt(src, i)
	j := i + len(w)
	switch w {
	case "server", "http", "location", "upstream", "map", "events":
		for ; j < len(src); j++ {
			switch src[j] {
			case '{':
				return j + 1
			case ';', '\n':
				return -1
			}
		}
	case "add_header", "proxy_pass", "server_name", "listen", "more_set_headers", "proxy_hide_header":
		if !spaceAt(src, j) {
			return -1
		}
		line := src[j+1:]
		if k := bytes.IndexByte(line, '\n'); k >= 0 {
			line = line[:k]
		}
		if k := bytes.LastIndexByte(line, ';'); k >= 0 {
			return j + 1 + k + 1
		}
	}
	return -1
}

func apacheAt(src []byte, i int) int {
	if src[i] == '<' {
		w := wordAt(src, i+1)
		for _, s := range []string{"VirtualHost", "Directory", "DirectoryMatch", "Location", "LocationMatch", "Files", "FilesMatch", "IfModule", "If"} {
			if strings.EqualFold(w, s) {
				return i + 1 + len(w)
			}
		}
		return -1
	}
	w := wordAt(src, i)
	j := i + len(w)
	if !spaceAt(src, j) {
		return -1
	}
	switch strings.ToLower(w) {
	case "rewriteengine", "setenvif", "setenvifnocase":
		return j + 1
	case "header":
		j = skipSpace(src, j)
		v := strings.ToLower(wordAt(src, j))
		if (v == "always" || v == "onsuccess") && spaceAt(src, j+len(v)) {
			j = skipSpace(src, j+len(v))
			v = strings.ToLower(wordAt(src, j))
		}
		switch v {
		case "set", "append", "add", "merge", "unset", "echo", "edit", "setifempty":
			if spaceAt(src, j+len(v)) {
				return j + len(v) + 1
			}
		}
	}
	return -1
}

func vclAt(src []byte, i int) int {
	w := wordAt(src, i)
	j := i + len(w)
	if !spaceAt(src, j) {
		return -1
	}
	j = skipSpace(src, j)
	switch w {
	case "vcl":
		if j+2 < len(src) && src[j] == '4' && src[j+1] == '.' && (src[j+2] == '0' || src[j+2] == '1') {
			if k := skipSpace(src, j+3); k < len(src) && src[k] == ';' {
				return k + 1
			}
		}
	case "sub", "backend":
		name := wordAt(src, j)
		if w == "sub" && (!strings.HasPrefix(name, "vcl_") || len(name) == len("vcl_")) || name == "" {
			return -1
		}
		if k := skipSpace(src, j+len(name)); k < len(src) && src[k] == '{' {
			return k + 1
		}
	}
	return -1
}

// samLike reports whether a YAML or JSON file reads like a CloudFormation
// template.
func samLike(head []byte) bool {
	if bytes.Contains(head, []byte("AWSTemplateFormatVersion")) || bytes.Contains(head, []byte("AWS::Serverless")) {
		return true
	}
	for from := 0; ; {
		k := bytes.Index(head[from:], []byte("Type"))
		if k < 0 {
			return false
		}
		j := from + k + len("Type")
		if j < len(head) && head[j] == '"' {
			j++
		}
		if j = skipSpace(head, j); j < len(head) && head[j] == ':' {
			if j = skipSpace(head, j+1); j < len(head) && head[j] == '"' {
				j++
			}
			if bytes.HasPrefix(head[j:], []byte("AWS::")) {
				return true
			}
		}
		from = j
	}
}
