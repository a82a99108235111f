// Package pcre compiles the regular expressions that nginx, Apache httpd and
// Varnish run with PCRE, using a PCRE-compatible engine with a match
// timeout, so that a pathological pattern in a configuration cannot hang a
// run.
package pcre

import (
	"sync"
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

// Cache keeps the patterns it compiled, so that a configuration's
// patterns are compiled once however many requests are walked through
// it. The zero value is ready, and a nil Cache compiles every time; a Cache is safe for concurrent use, and
// so is each compiled pattern (regexp2 hands every match a runner of its
// own).
type Cache struct {
	mu sync.Mutex
	m  map[cacheKey]compiled
}

type cacheKey struct {
	pattern string
	ci      bool
}

type compiled struct {
	re  *regexp2.Regexp
	err error
}

// Compile is Compile, remembered per pattern and case mode.
func (c *Cache) Compile(pattern string, ci bool) (*regexp2.Regexp, error) {
	if c == nil {
		return Compile(pattern, ci)
	}
	k := cacheKey{pattern, ci}
	c.mu.Lock()
	defer c.mu.Unlock()
	if x, ok := c.m[k]; ok {
		return x.re, x.err
	}
	re, err := Compile(pattern, ci)
	if c.m == nil {
		c.m = map[cacheKey]compiled{}
	}
	c.m[k] = compiled{re, err}
	return re, err
}

// Match is Match with the pattern compiled through c.
func (c *Cache) Match(pattern string, ci bool, s string) bool {
	re, err := c.Compile(pattern, ci)
	if err != nil {
		return false
	}
	ok, _ := re.MatchString(s)
	return ok
}
