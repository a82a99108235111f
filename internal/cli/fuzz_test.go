package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
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
