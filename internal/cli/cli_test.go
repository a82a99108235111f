package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/owenrumney/go-sarif/v3/pkg/report/v210/sarif"
	"github.com/rogpeppe/go-internal/testscript"
)

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"corslint": func() { os.Exit(Main(os.Args[1:], os.Stdin, os.Stdout, os.Stderr)) },
	})
}

// TestScripts runs the CLI end to end: exit codes, formats, stdin, errors.
func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{Dir: filepath.Join("testdata", "script")})
}

// TestExamples checks the bundled examples: the article's nginx config
// gets CORS101 and CORS401 at the right lines, the correct one nothing.
func TestExamples(t *testing.T) {
	var out, errb bytes.Buffer
	code := Main([]string{"--format", "json", filepath.Join("..", "..", "examples", "nginx")}, nil, &out, &errb)
	if code != exitFindings {
		t.Fatalf("exit %d, stderr %s", code, errb.String())
	}
	got := out.String()
	for _, want := range []string{
		`"rule": "CORS101",
    "slug": "reflected-origin",
    "severity": "error"`,
		`"file": "../../examples/nginx/seed-article.conf",
    "line": 23,
    "col": 9`,
		`"rule": "CORS401"`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %s", want)
		}
	}
	if strings.Contains(got, "correct.conf") {
		t.Errorf("findings on the correct example:\n%s", got)
	}
}

// TestSARIFValid validates the SARIF output against the 2.1.0 schema.
func TestSARIFValid(t *testing.T) {
	var out, errb bytes.Buffer
	Main([]string{"--format", "sarif", filepath.Join("..", "..", "examples"), filepath.Join("..", "..", "testdata", "rules")}, nil, &out, &errb)
	rep, err := sarif.FromBytes(out.Bytes())
	if err != nil {
		t.Fatalf("parse: %v\n%s", err, out.String())
	}
	if err := rep.Validate(); err != nil {
		t.Fatalf("invalid SARIF: %v", err)
	}
	if len(rep.Runs) != 1 || len(rep.Runs[0].Results) == 0 {
		t.Fatalf("want one run with results")
	}
	for _, r := range rep.Runs[0].Results {
		rules := rep.Runs[0].Tool.Driver.Rules
		if r.RuleIndex < 0 || r.RuleIndex >= len(rules) || rules[r.RuleIndex].ID == nil || *rules[r.RuleIndex].ID != *r.RuleID {
			t.Fatalf("result %v has a wrong ruleIndex", *r.RuleID)
		}
	}
}
