package apache

import (
	"bytes"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/corslint/corslint/dialect/dialecttest"
)

var scanner = dialecttest.Scanner{
	Name:  "apache",
	Spec:  regexp.MustCompile(`(?mi)^\s*(?:<(?:VirtualHost|Directory|DirectoryMatch|Location|LocationMatch|Files|FilesMatch|IfModule|If)\b|Header\s+(?:always\s+|onsuccess\s+)?(?:set|append|add|merge|unset|echo|edit|setifempty)\s|RewriteEngine\s|SetEnvIf(?:NoCase)?\s)`),
	At:    statementAt,
	Limit: 8,
	// (?i) also folds the non-ASCII letters ſ and K (Kelvin) to s and k;
	// Apache directives are ASCII, so the scanner does not.
	Skip: func(src []byte) bool { return bytes.Contains(src, []byte("ſ")) || bytes.Contains(src, []byte("K")) },
}

var scannerEdges = []string{
	"<VirtualHost *:80>", "<virtualhost", "<Directory", "<DirectoryMatch x>", "<Directoryx", "<If", "<Iff", "< If",
	"Header set A b", "header   always   SET A", "Header always\n set A", "Header onsuccess unset A", "Header always", "Header setifempty A",
	"Header set\n", "Header sets A", "Header alwaysset A", "RewriteEngine on", "RewriteEngine", "SetEnvIf Origin", "SetEnvIfNoCase x", "SetEnvIfNo x",
	strings.Repeat("Header set a b\n<If x>\n", 6),
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
