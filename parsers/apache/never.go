package apache

import (
	"fmt"
	"regexp/syntax"
	"strings"
)

// neverMatches explains why a <Files> or <FilesMatch> section can never
// apply: httpd matches it against the file name alone (the last path
// component), so a pattern that needs a "/" matches nothing (httpd 2.4.71
// sent none of the headers of <FilesMatch "^/api/">, <FilesMatch
// "api/data\.json$"> or <Files "api/data.json"> for /api/data.json).
func neverMatches(s *sec) string {
	var needs bool
	switch {
	case s.kind == "FilesMatch" || s.kind == "Files" && s.regex:
		needs = regexNeedsSlash(s.path)
	case s.kind == "Files":
		needs = strings.Contains(s.path, "/")
	}
	if !needs {
		return ""
	}
	instead := fmt.Sprintf("<LocationMatch %q>", s.path)
	if s.kind == "Files" && !s.regex && !strings.ContainsAny(s.path, "*?[") {
		p := s.path
		if !strings.HasPrefix(p, "/") {
			p = "/" + p
		}
		instead = fmt.Sprintf("<Location %q>", p)
	}
	return fmt.Sprintf("it is matched against the file name alone, which never contains \"/\"; match the URL path with %s instead", instead)
}

// regexNeedsSlash reports whether every match of a pattern contains "/".
// Patterns Go's parser does not read (PCRE-only syntax) are given the
// benefit of the doubt.
func regexNeedsSlash(pattern string) bool {
	re, err := syntax.Parse(pattern, syntax.Perl)
	if err != nil {
		return false
	}
	return needsRune(re, '/')
}

func needsRune(re *syntax.Regexp, r rune) bool {
	switch re.Op {
	case syntax.OpLiteral:
		for _, x := range re.Rune {
			if x == r {
				return true
			}
		}
	case syntax.OpCharClass:
		// a class that holds only r
		return len(re.Rune) == 2 && re.Rune[0] == r && re.Rune[1] == r
	case syntax.OpCapture:
		return needsRune(re.Sub[0], r)
	case syntax.OpPlus:
		return needsRune(re.Sub[0], r)
	case syntax.OpRepeat:
		return re.Min > 0 && needsRune(re.Sub[0], r)
	case syntax.OpConcat:
		for _, s := range re.Sub {
			if needsRune(s, r) {
				return true
			}
		}
	case syntax.OpAlternate:
		for _, s := range re.Sub {
			if !needsRune(s, r) {
				return false
			}
		}
		return len(re.Sub) > 0
	}
	return false
}
