package format

import (
	"bytes"
	"testing"

	"github.com/corslint/corslint/findings"
	"github.com/corslint/corslint/model"
	"github.com/corslint/corslint/rules"
)

// The fixture is a run rooted at /repo with four findings that between them
// exercise every field a formatter prints: an include chain, a related
// location, a message and a path that need escaping, a suppressed finding
// and a file outside the root.
const (
	fxRoot    = "/repo"
	fxSite    = "/repo/conf/site.conf"
	fxMain    = "/repo/nginx.conf"
	fxOdd     = "/repo/a,b:c%d e.conf"
	fxOutside = "/etc/other.conf"
	// fxMessage holds every character some format must escape.
	fxMessage = "value | \"100%\" <b>\r\nnext, line: x"
)

var fxSources = map[string]string{
	fxSite:    "server {\n\tlisten 80;\n    add_header Access-Control-Allow-Origin $http_origin;\n}\n",
	fxMain:    "http {\n    include conf/site.conf;\n}\n",
	fxOdd:     "Header set Access-Control-Allow-Origin *\n",
	fxOutside: "add_header Vary Origin;\n",
}

func fxFindings() []findings.Finding {
	return []findings.Finding{
		{
			RuleID: "CORS101", Slug: "reflected-origin", Severity: findings.Error,
			Message: "the Origin header is reflected",
			Span: model.Span{File: fxSite, Line: 3, Col: 5, EndLine: 3, EndCol: 15,
				Via: []model.Span{{File: fxMain, Line: 2, Col: 5, EndLine: 2, EndCol: 27}}},
			Related: []findings.Related{{Message: "in this server", Span: model.Span{File: fxSite, Line: 1, Col: 1, EndLine: 1, EndCol: 7}}},
		},
		{
			RuleID: "CORS401", Slug: "wildcard-origin", Severity: findings.Warning,
			Message: fxMessage,
			Span:    model.Span{File: fxOdd, Line: 1, Col: 1, EndLine: 1, EndCol: 7},
		},
		{
			RuleID: "CORS301", Slug: "missing-vary", Severity: findings.Note,
			Message: "suppressed note",
			Span:    model.Span{File: fxSite, Line: 2, Col: 2, EndLine: 2, EndCol: 8},
			Suppressed: &findings.Suppression{Reason: "reviewed in #12",
				Span: model.Span{File: fxSite, Line: 1, Col: 10}},
		},
		{
			RuleID: "CORS301", Slug: "missing-vary", Severity: findings.Note,
			Message: "outside the root",
			Span:    model.Span{File: fxOutside, Line: 1, Col: 1},
		},
	}
}

func fxRules() []*rules.Rule {
	meta := []rules.Meta{
		{ID: "CORS101", Slug: "reflected-origin", Severity: findings.Error, Summary: "Origin reflected", Doc: "# CORS101", SecuritySeverity: "8.0"},
		{ID: "CORS301", Slug: "missing-vary", Severity: findings.Note, Summary: "Vary: Origin missing", Doc: "# CORS301", SecuritySeverity: "3.0"},
		{ID: "CORS401", Slug: "wildcard-origin", Severity: findings.Warning, Summary: "wildcard origin", Doc: "# CORS401", SecuritySeverity: "5.0"},
	}
	out := make([]*rules.Rule, len(meta))
	for i := range meta {
		out[i] = &rules.Rule{Meta: meta[i]}
	}
	return out
}

func fxReport() *Report {
	return &Report{
		Findings: fxFindings(),
		Rules:    fxRules(),
		Sources:  func(path string) []byte { return []byte(fxSources[path]) },
		Root:     fxRoot,
		Version:  "v1.2.3",
		Files:    3,
	}
}

// render writes r in the named format and fails the test on an error.
func render(t *testing.T, name string, r *Report) string {
	t.Helper()
	var b bytes.Buffer
	if err := Write(&b, name, r); err != nil {
		t.Fatalf("Write(%s): %v", name, err)
	}
	return b.String()
}
