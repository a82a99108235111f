package vcl

import (
	"regexp"
	"strconv"
	"testing"

	"github.com/corslint/corslint/dialect"
	"github.com/corslint/corslint/dialect/dialecttest"
)

var scanner = dialecttest.Scanner{
	Name:  "vcl",
	Spec:  regexp.MustCompile(`(?m)^\s*(?:vcl\s+4\.[01]\s*;|sub\s+vcl_\w+\s*\{|backend\s+\w+\s*\{)`),
	At:    statementAt,
	Limit: 1,
}

var scannerEdges = []string{
	"vcl 4.1;", "vcl 4.0 ;", "vcl 4.2;", "vcl\n4.1\n;", "vcl4.1;", "sub vcl_recv {", "sub vcl_ {", "sub vcl_x{", "sub  foo {", "backend a {", "backend {", "backend a_b\n{",
}

func TestStatementAtMatchesSpec(t *testing.T) {
	for i, e := range scannerEdges {
		scanner.Check(t, "edge "+strconv.Itoa(i), []byte(e))
	}
	for name, src := range dialecttest.Inputs(t, "../..") {
		scanner.Check(t, name, src)
	}
}

func FuzzStatementAt(f *testing.F) {
	for _, e := range scannerEdges {
		f.Add([]byte(e))
	}
	f.Fuzz(func(t *testing.T, src []byte) { scanner.Check(t, "fuzz", src) })
}

// TestDetectFastly: Fastly's VCL under a name without an extension is
// this dialect's when it parses cleanly; other files with the same words
// are not.
func TestDetectFastly(t *testing.T) {
	snippet := []byte("# ${service}\nif (req.http.Origin) {\n  set resp.http.Access-Control-Allow-Origin = \"*\";\n}\nset resp.http.Vary:Origin = \"\";\n")
	cases := []struct {
		path string
		src  []byte
		want dialect.Confidence
	}{
		{"snippets/cors.tftpl", snippet, dialect.Likely},
		{"snippets/deliver", snippet, dialect.Likely},
		{"web/app.js", snippet, dialect.None}, // a name with another extension is not guessed at
		{"snippets/notes", []byte("if req.http.Origin is set, add the header\n"), dialect.None},
		{"default.vcl", []byte("anything"), dialect.Certain},
	}
	for _, tc := range cases {
		if got := (Dialect{}).Detect(tc.path, tc.src).Confidence; got != tc.want {
			t.Errorf("%s: confidence %v, want %v", tc.path, got, tc.want)
		}
	}
}
