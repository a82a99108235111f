package config

import (
	"path"
	"strings"
)

// Globs are written with forward slashes relative to the configuration
// file's directory: "*" and "?" match within one path segment, "**" matches
// any number of segments, and a pattern without a slash matches a name in
// any directory (like .gitignore) unless it starts with one. A trailing
// slash is allowed.

// validGlob reports whether pattern is well formed.
func validGlob(pattern string) error {
	for _, seg := range segments(pattern) {
		if seg == "**" {
			continue
		}
		if _, err := path.Match(seg, ""); err != nil {
			return err
		}
	}
	return nil
}

// match reports whether the slash-separated relative path matches pattern
// exactly.
func match(pattern, rel string) bool {
	return matchSegs(segments(pattern), strings.Split(strings.Trim(rel, "/"), "/"))
}

// matchPrefix reports whether pattern matches rel or one of its parent
// directories, so "vendor" or "vendor/**" excludes vendor/a/b.conf.
func matchPrefix(pattern, rel string) bool {
	pat := segments(pattern)
	segs := strings.Split(strings.Trim(rel, "/"), "/")
	for k := 1; k <= len(segs); k++ {
		if matchSegs(pat, segs[:k]) {
			return true
		}
	}
	return false
}

func segments(pattern string) []string {
	p := strings.TrimPrefix(pattern, "./")
	anchored := strings.HasPrefix(p, "/")
	p = strings.Trim(p, "/")
	segs := strings.Split(p, "/")
	if !anchored && !strings.Contains(p, "/") {
		segs = append([]string{"**"}, segs...)
	}
	return segs
}

func matchSegs(pat, segs []string) bool {
	for len(pat) > 0 {
		if pat[0] == "**" {
			for i := 0; i <= len(segs); i++ {
				if matchSegs(pat[1:], segs[i:]) {
					return true
				}
			}
			return false
		}
		if len(segs) == 0 {
			return false
		}
		if ok, _ := path.Match(pat[0], segs[0]); !ok {
			return false
		}
		pat, segs = pat[1:], segs[1:]
	}
	return len(segs) == 0
}
