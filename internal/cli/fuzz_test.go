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

	"github.com/rogpeppe/go-internal/txtar"

	"github.com/corslint/corslint/internal/benchgen"
)

// fuzzNames are the names a fuzzed file is linted under; the name decides
// the dialect, or lets content decide.
var fuzzNames = []string{
	"nginx.conf", "conf.d/site.conf", "httpd.conf", "www/.htaccess", "template.yaml", "template.json",
	"default.vcl", "test.vtc", "sites-enabled/app.conf.j2", "noext",
}

// fuzzKind returns the index of the name a seed file fits best.
func fuzzKind(name string) uint8 {
	base := strings.ToLower(filepath.Base(name))
	ext := filepath.Ext(base)
	switch {
	case base == ".htaccess" || base == "httpd.conf" || base == "apache2.conf" || strings.Contains(name, "apache"):
		return 2
	case ext == ".yaml" || ext == ".yml":
		return 4
	case ext == ".json":
		return 5
	case ext == ".vcl":
		return 6
	case ext == ".vtc":
		return 7
	}
	return 0
}

// addLintSeeds adds the repository's examples and rule cases, generated
// files of every kind and hostile inputs.
func addLintSeeds(f *testing.F) {
	_ = filepath.WalkDir(filepath.Join("..", "..", "examples"), func(p string, d os.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			if src, err := os.ReadFile(p); err == nil {
				f.Add(fuzzKind(p), src)
			}
		}
		return nil
	})
	cases, _ := filepath.Glob(filepath.Join("..", "..", "testdata", "rules", "*", "*.txtar"))
	for _, p := range cases {
		ar, err := txtar.ParseFile(p)
		if err != nil {
			continue
		}
		for _, file := range ar.Files {
			if file.Name != "want" && file.Name != "args" {
				f.Add(fuzzKind(file.Name), file.Data)
			}
		}
	}
	for _, p := range benchgen.Plan(benchgen.Options{Seed: 3, Files: 40, Bytes: 120 << 10}) {
		f.Add(fuzzKind(p.Path), p.Content())
	}
	for _, s := range hostileInputs() {
		for k := range fuzzNames {
			f.Add(uint8(k), []byte(s))
		}
	}
}

// hostileInputs are the bad-input classes in small: binary bytes, deep
// nesting, self-includes, non-UTF-8, CRLF, a BOM, templates, unterminated
// constructs.
func hostileInputs() []string {
	return []string{
		"\x7fELF\x02\x01\x01\x00\x00\x00\x00",
		strings.Repeat("server {", 300) + strings.Repeat("}", 300),
		strings.Repeat("<Location />\n", 300),
		strings.Repeat("sub vcl_recv { if (a) {", 300),
		strings.Repeat("a:\n  ", 300) + "b",
		strings.Repeat("[", 300),
		"include nginx.conf;\ninclude *;\nInclude httpd.conf\ninclude \"default.vcl\";\n",
		"server {\r\n  add_header Access-Control-Allow-Origin $http_origin always;\r\n}\r\n",
		"\xef\xbb\xbfserver { add_header Access-Control-Allow-Origin * always; }",
		"\xef\xbb\xbfAWSTemplateFormatVersion: '2010-09-09'\r\nResources: {}\r\n",
		"server_name \xff\xfe\xc3\x28;\nHeader set A \"\xe2\x82\";\n",
		"{% for o in origins %}\nadd_header Access-Control-Allow-Origin {{ o }};\n{% endfor %}\n<%= @x %>\n",
		"\"unterminated\n'also\n(unbalanced\n{{ never closed\n",
		"vcl 4.1;\nsub vcl_deliver { set resp.http.Access-Control-Allow-Origin = req.http.Origin; }\n",
		"Resources:\n  A: &a\n    Type: AWS::Serverless::Api\n    Properties: {Cors: *a}\n",
	}
}

// FuzzLintFile lints one file, in any dialect, through everything the
// command runs: detection, parsing with includes, lowering, rules and the
// output formats. No input may make it fail internally, and the output
// must not depend on the run or on the number of jobs.
func FuzzLintFile(f *testing.F) {
	addLintSeeds(f)
	dir := f.TempDir()
	// Neighbours that include the fuzzed file back, for cycles.
	for name, src := range map[string]string{
		"back.conf":      "include nginx.conf;\ninclude conf.d/*.conf;\n",
		"back.vcl":       "vcl 4.1;\ninclude \"default.vcl\";\n",
		"httpd-inc.conf": "Include httpd.conf\n",
	} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(src), 0o644); err != nil {
			f.Fatal(err)
		}
	}
	// CORSLINT_FUZZ_KNOWN, a regular expression over the error output,
	// names crashes already reported, so that a long run can look for
	// others meanwhile.
	var known *regexp.Regexp
	if k := os.Getenv("CORSLINT_FUZZ_KNOWN"); k != "" {
		known = regexp.MustCompile(k)
	}
	f.Fuzz(func(t *testing.T, kind uint8, src []byte) {
		name := fuzzNames[int(kind)%len(fuzzNames)]
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, src, 0o644); err != nil {
			t.Fatal(err)
		}
		defer os.Remove(p)
		var first []byte
		for _, args := range [][]string{
			{"-j", "1", "--format", "json"},
			{"-j", "2", "--format", "json"},
			{"--format", "text"},
			{"--format", "sarif"},
		} {
			var out, errb bytes.Buffer
			code := Main(append(args, "--fail-on", "none", p), nil, &out, &errb)
			if known != nil && known.Match(errb.Bytes()) {
				t.Skip("a known crash")
			}
			if code != ExitOK || errb.Len() > 0 {
				t.Fatalf("%s %v: exit %d\n%s", name, args, code, errb.String())
			}
			if args[1] == "1" {
				first = out.Bytes()
			} else if args[1] == "2" && !bytes.Equal(first, out.Bytes()) {
				t.Fatalf("%s: -j 1 and -j 2 disagree:\n%s\n---\n%s", name, first, out.String())
			}
		}
	})
}

// FuzzDetectContent checks detection's hand-written content tests against
// the expressions they implement.
func FuzzDetectContent(f *testing.F) {
	for _, s := range hostileInputs() {
		f.Add([]byte(s))
	}
	f.Add([]byte("server {\nlisten 80;\n}\n<VirtualHost *:80>\nHeader always set A b\nvcl 4.1;\nType: AWS::S3::Bucket\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		checkDetectSpec(t, "fuzz", src)
	})
}

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
