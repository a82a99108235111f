package js_test

import (
	"fmt"
	"path/filepath"
	"slices"
	"sort"
	"testing"

	"github.com/corslint/corslint/engine"
	"github.com/corslint/corslint/rules"
)

// TestEdgeExamples lints examples/express, examples/workers and
// examples/lambda as the command line does: the article's manual Express
// middleware and its Worker echo an allowed origin without Vary: Origin
// (CORS401 at the statement that sets Access-Control-Allow-Origin), its
// cors package setups and its Lambda handler (paired with its template
// through CodeUri) are right, and so are the correct versions beside them.
func TestEdgeExamples(t *testing.T) {
	root := filepath.Join("..", "..", "examples")
	dirs := []string{filepath.Join(root, "express"), filepath.Join(root, "workers"), filepath.Join(root, "lambda")}
	res := engine.Lint(dirs, nil, &engine.Options{Jobs: 2, Root: root, Rules: rules.All(), RuleOptions: &rules.Options{}})
	for _, err := range append(res.Errs, res.Internal...) {
		t.Fatal(err)
	}
	var got []string
	for _, f := range res.Findings {
		rel, err := filepath.Rel(root, f.Span.File)
		if err != nil {
			rel = f.Span.File
		}
		got = append(got, fmt.Sprintf("%s:%d:%d %s %s", filepath.ToSlash(rel), f.Span.Line, f.Span.Col, f.Severity, f.RuleID))
	}
	sort.Strings(got)
	want := []string{
		"express/seed-article-manual.js:11:5 warning CORS401",
		"workers/seed-article.js:20:7 warning CORS401",
	}
	if !slices.Equal(got, want) {
		t.Errorf("findings\n  %v\nwant\n  %v", got, want)
	}
	if res.Files < 10 {
		t.Errorf("%d files linted; the examples hold 10", res.Files)
	}
}
