package apache

import (
	"fmt"
	"path/filepath"
	"slices"
	"testing"

	"github.com/corslint/corslint/model"
	"github.com/corslint/corslint/rules"
)

// TestExamplesDir lints examples/apache: the seed article's VirtualHost and
// .htaccess get nothing (httpd answers their preflight with every header;
// their Max-Age above Chromium's 7200 s cap is capped silently), nor does
// the correct configuration.
func TestExamplesDir(t *testing.T) {
	dir := filepath.Join("..", "..", "examples", "apache")
	want := map[string][]string{
		"seed-article.conf": nil,
		".htaccess":         nil,
		"correct.conf":      nil,
	}
	for name, w := range want {
		c := parseFile(t, filepath.Join(dir, name), Options{})
		f := Lower(c)
		var got []string
		for _, x := range rules.Run(f, []*model.File{f}, rules.All(), &rules.Options{}) {
			got = append(got, fmt.Sprintf("%d:%d %s %s", x.Span.Line, x.Span.Col, x.Severity, x.RuleID))
		}
		if !slices.Equal(got, w) {
			t.Errorf("%s: got %v, want %v", name, got, w)
		}
	}
}
