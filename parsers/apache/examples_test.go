package apache

import (
	"strings"
	"testing"

	"github.com/corslint/corslint/model"
	"github.com/corslint/corslint/rules"
)

// TestDocExamples runs each rule's Apache example from its documentation:
// the bad one must get a finding of that rule, the good one none.
func TestDocExamples(t *testing.T) {
	for _, r := range rules.All() {
		bad, good, ok := apacheExample(rules.Markdown(r))
		if !ok {
			continue
		}
		t.Run(r.ID, func(t *testing.T) {
			opts := &rules.Options{TrustedOrigins: []string{"https://app.example.com"}}
			if n := count(lintText(bad, r, opts), r.ID); n == 0 {
				t.Errorf("bad example gets no %s:\n%s", r.ID, bad)
			}
			if fs := lintText(good, r, opts); count(fs, r.ID) > 0 {
				t.Errorf("good example gets %v:\n%s", fs, good)
			}
		})
	}
}

func apacheExample(md string) (bad, good string, ok bool) {
	i := strings.Index(md, "## Apache httpd")
	if i < 0 {
		return "", "", false
	}
	blocks := strings.Split(md[i:], "```apache\n")
	if len(blocks) < 3 {
		return "", "", false
	}
	cut := func(s string) string {
		if i := strings.Index(s, "```"); i >= 0 {
			return s[:i]
		}
		return s
	}
	return cut(blocks[1]), cut(blocks[2]), true
}

func lintText(src string, r *rules.Rule, opts *rules.Options) []string {
	f := Lower(Parse("example.conf", []byte(src), Options{}))
	var out []string
	for _, x := range rules.Run(f, []*model.File{f}, []*rules.Rule{r}, opts) {
		out = append(out, x.RuleID+" "+x.Message)
	}
	return out
}

func count(fs []string, id string) int {
	n := 0
	for _, f := range fs {
		if strings.HasPrefix(f, id+" ") {
			n++
		}
	}
	return n
}
