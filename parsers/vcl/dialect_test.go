package vcl

import (
	"regexp"
	"strconv"
	"testing"

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
