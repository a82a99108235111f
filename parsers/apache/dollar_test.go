package apache

import (
	"regexp"
	"testing"
)

// TestReplaceDollarRefs holds replaceDollarRefs to the regexp it stands
// for, \$[0-9] with ReplaceAllStringFunc.
func TestReplaceDollarRefs(t *testing.T) {
	re := regexp.MustCompile(`\$[0-9]`)
	mark := func(s string) string { return "<" + s[1:] + ">" }
	for _, s := range []string{
		"", "$", "$$", "$1", "$$1", "$12", "/a/$1/b$2", "$a$9$", "100$", "$0$0", "a$\x00$5",
	} {
		if got, want := replaceDollarRefs(s, mark), re.ReplaceAllStringFunc(s, mark); got != want {
			t.Errorf("%q: %q, want %q", s, got, want)
		}
	}
	pre := regexp.MustCompile(`%[0-9]`)
	for _, s := range []string{"", "%", "%%1", "/a/%1?q=%2", "%{ENV}%3", "100%"} {
		if got, want := replacePercentRefs(s, mark), pre.ReplaceAllStringFunc(s, mark); got != want {
			t.Errorf("%q: %q, want %q", s, got, want)
		}
	}
}
