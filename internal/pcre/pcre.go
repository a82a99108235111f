// Package pcre compiles the regular expressions that nginx, Apache httpd and
// Varnish run with PCRE, using a PCRE-compatible engine with a match
// timeout, so that a pathological pattern in a configuration cannot hang a
// run.
package pcre

import (
	"time"

	"github.com/dlclark/regexp2"
)

// timeout bounds one match. It is wall-clock time, so it is set far above
// what any sane pattern needs on a short origin or path (microseconds):
// at 100 ms a loaded machine timed out ordinary matches and CORS102 chose
// another bypass example from one run to the next.
const timeout = time.Second

// Compile compiles pattern, case-insensitively when ci.
func Compile(pattern string, ci bool) (*regexp2.Regexp, error) {
	opts := regexp2.None
	if ci {
		opts = regexp2.IgnoreCase
	}
	re, err := regexp2.Compile(pattern, opts)
	if err != nil {
		return nil, err
	}
	re.MatchTimeout = timeout
	return re, nil
}

// Match reports whether pattern matches s; a pattern that does not compile
// or times out matches nothing.
func Match(pattern string, ci bool, s string) bool {
	re, err := Compile(pattern, ci)
	if err != nil {
		return false
	}
	ok, _ := re.MatchString(s)
	return ok
}
