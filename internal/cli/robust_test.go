package cli

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/corslint/corslint/internal/benchgen"
)

// The expressions detection's content tests implement by hand (see
// detect.go). They are the specification; the hand-written scanners are
// several times faster and must count the same.
var (
	nginxSpec  = regexp.MustCompile(`(?m)^\s*(?:(?:server|http|location|upstream|map|events)\b[^;{\n]*\{|(?:add_header|proxy_pass|server_name|listen|more_set_headers|proxy_hide_header)\s[^\n]*;)`)
	apacheSpec = regexp.MustCompile(`(?mi)^\s*(?:<(?:VirtualHost|Directory|DirectoryMatch|Location|LocationMatch|Files|FilesMatch|IfModule|If)\b|Header\s+(?:always\s+|onsuccess\s+)?(?:set|append|add|merge|unset|echo|edit|setifempty)\s|RewriteEngine\s|SetEnvIf(?:NoCase)?\s)`)
	vclSpec    = regexp.MustCompile(`(?m)^\s*(?:vcl\s+4\.[01]\s*;|sub\s+vcl_\w+\s*\{|backend\s+\w+\s*\{)`)
	samSpec    = regexp.MustCompile(`AWSTemplateFormatVersion|AWS::Serverless|"?Type"?\s*:\s*"?AWS::`)
)

// checkDetectSpec compares the hand-written content tests with the
// expressions on src.
func checkDetectSpec(t *testing.T, name string, src []byte) {
	t.Helper()
	for _, c := range []struct {
		dialect string
		re      *regexp.Regexp
		at      func([]byte, int) int
		limit   int
	}{
		{"nginx", nginxSpec, nginxAt, 8},
		{"apache", apacheSpec, apacheAt, 8},
		{"vcl", vclSpec, vclAt, 1},
	} {
		// (?i) also folds the non-ASCII letters ſ and K (Kelvin) to s and
		// k; Apache directives are ASCII, so the scanner does not.
		if c.dialect == "apache" && (bytes.Contains(src, []byte("ſ")) || bytes.Contains(src, []byte("K"))) {
			continue
		}
		want := len(c.re.FindAllIndex(src, c.limit))
		if got := countStarts(src, c.limit, c.at); got != want {
			t.Errorf("%s: %s content count %d, the expression finds %d in %q", name, c.dialect, got, want, clip(src))
		}
	}
	if got, want := samLike(src), samSpec.Match(src); got != want {
		t.Errorf("%s: samLike %v, the expression says %v in %q", name, got, want, clip(src))
	}
}

func clip(b []byte) []byte {
	if len(b) > 300 {
		return b[:300]
	}
	return b
}

// TestDetectContentMatchesSpec runs the comparison over every file of the
// repository's test data and examples, a generated monorepo and inputs
// built to sit on the edges of the expressions.
func TestDetectContentMatchesSpec(t *testing.T) {
	edges := []string{
		"server{", "server {\n", "server;{", "servers {", "server_name a;", "server_name\na;", "server_name a", "listen\n80;",
		"listen 80; # x;", "  \n\n  http {", "map$a $b {", "http\n{", "events{}", "location /a;{",
		"add_header A B;\nadd_header C D;", "proxy_pass\t;", "\flisten ;", "\vlisten 1;",
		"<VirtualHost *:80>", "<virtualhost", "<Directory", "<DirectoryMatch x>", "<Directoryx", "<If", "<Iff", "< If",
		"Header set A b", "header   always   SET A", "Header always\n set A", "Header onsuccess unset A", "Header always", "Header setifempty A",
		"Header set\n", "Header sets A", "Header alwaysset A", "RewriteEngine on", "RewriteEngine", "SetEnvIf Origin", "SetEnvIfNoCase x", "SetEnvIfNo x",
		"vcl 4.1;", "vcl 4.0 ;", "vcl 4.2;", "vcl\n4.1\n;", "vcl4.1;", "sub vcl_recv {", "sub vcl_ {", "sub vcl_x{", "sub  foo {", "backend a {", "backend {", "backend a_b\n{",
		"Type: AWS::S3::Bucket", "\"Type\" : \"AWS::Lambda\"", "Type:AWS", "Type :\n \"AWS::", "TypeType: AWS::", "Type\"\": AWS::",
		"server {\nlisten 80;\n}\n" + strings.Repeat("add_header a b;\n", 10),
		strings.Repeat("Header set a b\n<If x>\n", 6),
	}
	for i, e := range edges {
		checkDetectSpec(t, "edge "+strconv.Itoa(i), []byte(e))
	}
	for _, root := range []string{filepath.Join("..", "..", "testdata"), filepath.Join("..", "..", "examples")} {
		_ = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil || !d.Type().IsRegular() {
				return nil
			}
			src, err := os.ReadFile(p)
			if err == nil {
				checkDetectSpec(t, p, head(src))
			}
			return nil
		})
	}
	for _, f := range benchgen.Plan(benchgen.Options{Seed: 7, Files: 300, Bytes: 1 << 20}) {
		checkDetectSpec(t, f.Path, f.Content())
	}
}
