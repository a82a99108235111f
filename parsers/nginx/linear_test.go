package nginx

import (
	"strings"
	"testing"
	"time"
)

// TestHostileInputsAreLinear parses inputs built to make a naive lexer
// quadratic (repeated searches for closers that never come) or recurse
// without bound. It is a hang guard, not a speed test: a linear parser
// reads each in well under a second of CPU, a quadratic one takes many
// minutes, and the bound sits far between so that a loaded machine passes.
// Speed is measured by BenchmarkParse.
func TestHostileInputsAreLinear(t *testing.T) {
	if testing.Short() {
		t.Skip("builds megabyte inputs")
	}
	const n = 1 << 18
	cases := map[string]string{
		"template openers, no closer":           strings.Repeat("{{", n),
		"template openers, closer on next line": "a " + strings.Repeat("{{ <% ", n) + "\n}} %>",
		"template openers, closer at the end":   "a " + strings.Repeat("x{{", n) + "}};",
		"if openers":                            strings.Repeat("if (", n),
		"if with mid-word braces":               strings.Repeat("if (a{ ", n) + ";",
		"if with quotes":                        strings.Repeat("if (\"a\" ", n) + ")",
		"if blocks":                             strings.Repeat("if ($a ~ ^(x){2}$) {", n),
		"open braces":                           strings.Repeat("{", n),
		"close braces":                          strings.Repeat("}", n),
		"names and braces":                      strings.Repeat("a {", n),
		"lua long brackets":                     "content_by_lua_block {" + strings.Repeat("[[", n),
		"lua strings and comments":              "content_by_lua_block {" + strings.Repeat("'}' --[=[ x ]=] -- }\n", n),
		"unterminated quote":                    strings.Repeat("a ", n) + "\"" + strings.Repeat("b ", n),
		"variables":                             "a " + strings.Repeat("${", n),
		"escapes":                               "a " + strings.Repeat("\\\"", n) + ";",
		"comments":                              strings.Repeat("# }\n", n),
		"missing includes":                      strings.Repeat("include a.conf;\n", n/4),
	}
	for name, src := range cases {
		start := time.Now()
		c := parseString(src)
		t.Logf("%s: %v", name, time.Since(start))
		if d := time.Since(start); d > time.Minute {
			t.Errorf("%s: %d bytes took %v", name, len(src), d)
		}
		if name == "missing includes" && len(c.Diagnostics) != n/4 {
			t.Errorf("%s: %d diagnostics", name, len(c.Diagnostics))
		}
	}
}
