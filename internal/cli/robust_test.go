//go:build unix

package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/corslint/corslint/internal/benchgen"
)

// Bad input, one test per class: each run must end (a timeout, never a
// timing assertion, says when it hangs), report the bad file with a clear
// CORS001 or error at a position, still lint the other files, and exit
// with the code that says what happened. corslint runs as its own process
// so that a hang can be killed.

// good holds, per dialect, a file with one known finding: wildcard origin
// with credentials (CORS201) at the position given.
var good = []struct {
	dialect, name, src, at string
}{
	{"nginx", "nginx.conf", "server {\n    location / {\n        add_header Access-Control-Allow-Origin * always;\n        add_header Access-Control-Allow-Credentials true always;\n    }\n}\n", "3:9"},
	{"apache", "httpd.conf", "<VirtualHost *:80>\n    Header always set Access-Control-Allow-Origin \"*\"\n    Header always set Access-Control-Allow-Credentials \"true\"\n</VirtualHost>\n", "2:5"},
	{"vcl", "default.vcl", "vcl 4.1;\nbackend default { .host = \"127.0.0.1\"; }\nsub vcl_deliver {\n    set resp.http.Access-Control-Allow-Origin = \"*\";\n    set resp.http.Access-Control-Allow-Credentials = \"true\";\n}\n", "4:5"},
	{"sam", "template.yaml", "AWSTemplateFormatVersion: \"2010-09-09\"\nTransform: AWS::Serverless-2016-10-31\nResources:\n  Api:\n    Type: AWS::Serverless::HttpApi\n    Properties:\n      CorsConfiguration:\n        AllowOrigins: [\"*\"]\n        AllowCredentials: true\n", "8:24"},
}

// neighbour is a correct-looking file beside the bad ones whose finding
// proves that the run went on: wildcard with credentials at 3:9.
const neighbour = "server {\n    location /ok/ {\n        add_header Access-Control-Allow-Origin * always;\n        add_header Access-Control-Allow-Credentials true always;\n    }\n}\n"

const neighbourFinding = "neighbour/site.conf:3:9: error: Access-Control-Allow-Origin is \"*\" while Access-Control-Allow-Credentials is true"

// run is the outcome of one corslint process.
type run struct {
	stdout, stderr string
	code           int
}

// runTimeout bounds every run: linear work on these inputs takes about a
// second at most, so only a hang or super-linear work reaches it.
const runTimeout = 90 * time.Second

// manyTimeout bounds a run over 100,000 statements, which linear work
// finishes in under a second; work that grows with the square of the
// input takes minutes.
const manyTimeout = 30 * time.Second

// corslint runs the command (the test binary under the name corslint, as
// the scripts do) in dir with args.
func corslint(t *testing.T, dir string, args ...string) run {
	t.Helper()
	bin, err := exec.LookPath("corslint")
	if err != nil {
		t.Fatalf("corslint is not on PATH: %v", err)
	}
	return runBinary(t, bin, nil, dir, args...)
}

func runBinary(t *testing.T, bin string, cred *syscall.Credential, dir string, args ...string) run {
	t.Helper()
	return runWithin(t, runTimeout, bin, cred, dir, args...)
}

func runWithin(t *testing.T, timeout time.Duration, bin string, cred *syscall.Credential, dir string, args ...string) run {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "NO_COLOR=1")
	if cred != nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
	}
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	if ctx.Err() != nil {
		t.Fatalf("corslint %s did not finish within %v (hang or super-linear work)", strings.Join(args, " "), timeout)
	}
	r := run{stdout: out.String(), stderr: errb.String()}
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		r.code = ee.ExitCode()
	case err != nil:
		t.Fatalf("running corslint: %v", err)
	}
	if r.code == exitInternal || strings.Contains(r.stderr, "internal error") {
		t.Fatalf("corslint %s failed internally:\n%s", strings.Join(args, " "), r.stderr)
	}
	return r
}

// tree writes files (slash paths relative to dir) and returns dir.
func tree(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, src := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// withNeighbour adds the neighbour file to a tree.
func withNeighbour(files map[string]string) map[string]string {
	files["neighbour/site.conf"] = neighbour
	return files
}

// expect checks the exit code and that every pattern (a regular
// expression over the text output) matches, and the neighbour's finding
// when it was linted.
func expect(t *testing.T, r run, code int, patterns ...string) {
	t.Helper()
	if r.code != code {
		t.Errorf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", r.code, code, r.stdout, r.stderr)
	}
	for _, p := range patterns {
		if !regexp.MustCompile(p).MatchString(r.stdout) {
			t.Errorf("output lacks %s:\n%s", p, r.stdout)
		}
	}
}

func expectNeighbour(t *testing.T, r run) {
	t.Helper()
	if !strings.Contains(r.stdout, neighbourFinding) {
		t.Errorf("the other files were not linted: no %q in\n%s", neighbourFinding, r.stdout)
	}
}

func TestBadInputBinary(t *testing.T) {
	elf := "\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00>\x00\x01\x00\x00\x00"
	dir := tree(t, withNeighbour(map[string]string{
		"bin/blob.conf":     elf + strings.Repeat("\x00\xff", 500),
		"bin/cache.vcl":     elf,
		"bin/template.yaml": "AWSTemplateFormatVersion: x\n" + elf,
		"bin/logo.png":      "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
	}))
	// Found in a walk, a binary file with a name that says configuration
	// is reported; one whose name does not is skipped.
	r := corslint(t, dir, ".")
	expect(t, r, exitFindings,
		`bin/cache\.vcl:1:1: error: binary file \[CORS001 parse-error\]`,
		`bin/template\.yaml:2:\d+: error: binary file.* \[CORS001 parse-error\]`)
	expectNeighbour(t, r)
	if strings.Contains(r.stdout, "blob.conf") || strings.Contains(r.stdout, "logo.png") {
		t.Errorf("walked binary files without a configuration name were reported:\n%s", r.stdout)
	}
	// Named, it is a parse error at its first byte.
	r = corslint(t, dir, "bin/blob.conf", "neighbour")
	expect(t, r, exitFindings, `bin/blob\.conf:1:1: error: binary file \[CORS001 parse-error\]`)
	expectNeighbour(t, r)
}

func TestBadInputHugeFile(t *testing.T) {
	dir := tree(t, withNeighbour(map[string]string{
		"big/inc.conf":   "server {\n    include huge.inc;\n}\n",
		"big/inc.vcl":    "vcl 4.1;\ninclude \"huge.inc\";\n",
		"big/httpd.conf": "Include huge.inc\n",
	}))
	// Sparse files: 100 MB on disk in no time and no space.
	for _, name := range []string{"big/huge.conf", "big/huge.inc", "big/huge.vcl", "big/template.yaml"} {
		if err := os.Truncate(mustCreate(t, filepath.Join(dir, name)), 100<<20); err != nil {
			t.Fatal(err)
		}
	}
	r := corslint(t, dir, ".")
	expect(t, r, exitFindings,
		`big/huge\.conf:1:1: error: cannot read file: file too large: 104857600 bytes, the limit is 16777216 \(--max-file-size\) \[CORS001`,
		`big/huge\.vcl:1:1: error: cannot read file: file too large`,
		`big/template\.yaml:1:1: error: cannot read file: file too large`,
		// Included, the file is read up to the limit and no further.
		`big/huge\.inc:1:1: error: .*too large.*\[CORS001 parse-error\]`)
	expectNeighbour(t, r)
	// A lower limit applies to every file.
	r = corslint(t, dir, "--max-file-size", "100", "neighbour")
	expect(t, r, exitFindings, `neighbour/site\.conf:1:1: error: cannot read file: file too large: \d+ bytes, the limit is 100 \(--max-file-size\) \[CORS001`)
}

func mustCreate(t *testing.T, p string) string {
	t.Helper()
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	f.Close()
	return p
}

func TestBadInputDeepNesting(t *testing.T) {
	const n = 10000
	dir := tree(t, withNeighbour(map[string]string{
		"deep/nginx.conf":     "server {\n" + strings.Repeat("location / {\n", n) + strings.Repeat("}\n", n+1),
		"deep/httpd.conf":     strings.Repeat("<Location />\n", n) + strings.Repeat("</Location>\n", n),
		"deep/default.vcl":    "vcl 4.1;\nsub vcl_recv {\n" + strings.Repeat("if (req.http.a) {\n", n) + strings.Repeat("}\n", n+1),
		"deep/template.yaml":  "AWSTemplateFormatVersion: \"2010-09-09\"\nResources:\n  A: " + strings.Repeat("{a: ", n) + "1" + strings.Repeat("}", n) + "\n",
		"deep/template.json":  "{\"AWSTemplateFormatVersion\": \"2010-09-09\", \"Resources\": " + strings.Repeat("[", n) + strings.Repeat("]", n) + "}",
		"deep/blocks.yaml":    "AWSTemplateFormatVersion: \"2010-09-09\"\nResources:\n" + nestedYAML(2000),
		"deep/expr/x.vcl":     "vcl 4.1;\nsub vcl_recv {\n if (" + strings.Repeat("(", n) + "req.http.a" + strings.Repeat(")", n) + ") { return (pass); }\n}\n",
		"deep/conf.d/if.conf": "server {\n if (" + strings.Repeat("(", n) + "$a" + strings.Repeat(")", n) + ") { return 204; }\n}\n",
	}))
	r := corslint(t, dir, ".")
	expect(t, r, exitFindings,
		`deep/nginx\.conf:\d+:\d+: error: .*nested too deeply.*\[CORS001`,
		`deep/httpd\.conf:\d+:\d+: error: .*nested too deeply.*\[CORS001`,
		`deep/default\.vcl:\d+:\d+: error: .*nested too deeply.*\[CORS001`,
		`deep/template\.yaml:\d+:\d+: error: .*(nesting|depth).*\[CORS001`,
		`deep/template\.json:\d+:\d+: error: .*(nesting|depth).*\[CORS001`,
		`deep/blocks\.yaml:\d+:\d+: error: .*(nesting|depth).*\[CORS001`,
		`deep/expr/x\.vcl:\d+:\d+: error: .*\[CORS001`)
	expectNeighbour(t, r)
}

// nestedYAML is block-style YAML n mappings deep, one space per level.
func nestedYAML(n int) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		b.WriteString(strings.Repeat(" ", i+1) + "k:\n")
	}
	b.WriteString(strings.Repeat(" ", n+1) + "v\n")
	return b.String()
}

// TestBadInputManyDirectives lints files of 100,000 statements: valid
// input, so no CORS001, and no work that grows faster than the input.
func TestBadInputManyDirectives(t *testing.T) {
	const n = 100000
	var ng, ap, vc, sm, locs, sections strings.Builder
	ng.WriteString("server {\n    location / {\n")
	ap.WriteString("<VirtualHost *:80>\n")
	vc.WriteString("vcl 4.1;\nbackend default { .host = \"127.0.0.1\"; }\nsub vcl_deliver {\n")
	sm.WriteString("AWSTemplateFormatVersion: \"2010-09-09\"\nResources:\n")
	for i := 0; i < n; i++ {
		ng.WriteString("        add_header X-Header-" + strconv.Itoa(i) + " v;\n")
		ap.WriteString("    Header set X-Header-" + strconv.Itoa(i) + " v\n")
		vc.WriteString("    set resp.http.X-Header-" + strconv.Itoa(i) + " = \"v\";\n")
		// 33,000 <Location> sections, which took 47 s when the Apache
		// lowering matched each against every other.
		if i%3 == 0 {
			sections.WriteString("<Location /l" + strconv.Itoa(i) + ">\n    Header set Access-Control-Allow-Origin \"*\"\n</Location>\n")
		}
		if i%10 == 0 {
			sm.WriteString("  Bucket" + strconv.Itoa(i) + ":\n    Type: AWS::S3::Bucket\n    Properties:\n      BucketName: b" + strconv.Itoa(i) + "\n")
			locs.WriteString("    location /l" + strconv.Itoa(i) + " { return 204; }\n")
		}
	}
	ng.WriteString("    }\n" + locs.String() + "}\n")
	ap.WriteString("</VirtualHost>\n")
	vc.WriteString("}\n")
	files := map[string]string{
		"many/nginx.conf": ng.String(), "many/httpd.conf": ap.String(), "many/default.vcl": vc.String(), "many/template.yaml": sm.String(),
		"many/sections/httpd.conf": sections.String(),
	}
	for name := range files {
		t.Run(strings.ReplaceAll(strings.TrimPrefix(name, "many/"), "/", "-"), func(t *testing.T) {
			dir := tree(t, withNeighbour(map[string]string{name: files[name]}))
			bin, err := exec.LookPath("corslint")
			if err != nil {
				t.Fatal(err)
			}
			r := runWithin(t, manyTimeout, bin, nil, dir, ".")
			if strings.Contains(r.stdout, "CORS001") {
				t.Errorf("parse errors in valid input:\n%.2000s", r.stdout)
			}
			expect(t, r, exitFindings)
			expectNeighbour(t, r)
		})
	}
}

func TestBadInputIncludeCycles(t *testing.T) {
	dir := tree(t, withNeighbour(map[string]string{
		"ng/self.conf":    "server {\n    include self.conf;\n}\n",
		"ng/a.conf":       "http {\n    include b.conf;\n}\n",
		"ng/b.conf":       "include a.conf;\n",
		"ap/httpd.conf":   "ServerName x\nInclude httpd.conf\n",
		"ap2/httpd.conf":  "Include other.conf\n",
		"ap2/other.conf":  "Include httpd.conf\n",
		"vc/default.vcl":  "vcl 4.1;\ninclude \"default.vcl\";\n",
		"vc2/default.vcl": "vcl 4.1;\ninclude \"b.vcl\";\n",
		"vc2/b.vcl":       "include \"default.vcl\";\n",
		"ng2/nginx.conf":  "http {\n    include *.conf;\n}\n",
		"ng2/server.conf": "server { listen 80; }\n",
	}))
	r := corslint(t, dir, ".")
	expect(t, r, exitFindings,
		`ng/self\.conf:2:5: error: include cycle: .*self\.conf -> .*self\.conf \[CORS001`,
		`ng/b\.conf:1:1: error: include cycle: .*\[CORS001`,
		`ap/httpd\.conf:2:\d+: error: .*(cycle|itself).*\[CORS001`,
		`ap2/other\.conf:1:\d+: error: .*(cycle|itself).*\[CORS001`,
		`vc/default\.vcl:2:\d+: error: .*(cycle|itself).*\[CORS001`,
		`vc2/b\.vcl:1:\d+: error: .*(cycle|itself).*\[CORS001`,
		`ng2/nginx\.conf:2:5: error: include cycle: .*nginx\.conf -> .*nginx\.conf \[CORS001`)
	expectNeighbour(t, r)
}

func TestBadInputIncludeMissingAndDirectory(t *testing.T) {
	dir := tree(t, withNeighbour(map[string]string{
		"ng/nginx.conf":      "server {\n    include snippets/missing-cors.conf;\n    include snippets;\n}\n",
		"ng/snippets/a.conf": "add_header X-A a;\n",
		"ap/httpd.conf":      "Include missing-cors.conf\nInclude conf\n",
		"ap/conf/cors.conf":  "<VirtualHost *:80>\nHeader always set Access-Control-Allow-Origin \"*\"\nHeader always set Access-Control-Allow-Credentials \"true\"\n</VirtualHost>\n",
		"vc/default.vcl":     "vcl 4.1;\ninclude \"missing-cors.vcl\";\ninclude \"dir\";\nbackend b { .host = \"x\"; }\n",
		"vc/dir/x.vcl":       "sub vcl_recv { }\n",
	}))
	r := corslint(t, dir, ".")
	expect(t, r, exitFindings,
		`ng/nginx\.conf:2:13: note: include "snippets/missing-cors\.conf" matches no file \[CORS003`,
		`ng/nginx\.conf:3:13: error: cannot read include "snippets": .*is a directory \[CORS001`,
		`ap/httpd\.conf:1:9: note: include "missing-cors\.conf" matches no file.*\[CORS003`,
		// httpd reads every file of an included directory.
		`ap/conf/cors\.conf:2:1: error: .*\[CORS201`,
		`vc/default\.vcl:2:\d+: note: include "missing-cors\.vcl" matches no file \[CORS003`,
		`vc/default\.vcl:3:\d+: error: .*dir.*is a directory.*\[CORS001`)
	expectNeighbour(t, r)
}

// TestBadInputUnreadable: files and directories corslint may not read. As
// root, permissions do not stop reads, so the run drops to nobody.
func TestBadInputUnreadable(t *testing.T) {
	dir := tree(t, withNeighbour(map[string]string{
		"locked/site.conf":     "server { listen 80; }\n",
		"locked/inc.conf":      "server {\n    include secret/x.conf;\n}\n",
		"locked/secret/x.conf": "add_header A b;\n",
		"closed/site.conf":     "server { listen 80; }\n",
		"locked/template.yaml": "AWSTemplateFormatVersion: x\n",
	}))
	for _, p := range []string{"locked/site.conf", "locked/template.yaml", "locked/secret/x.conf"} {
		if err := os.Chmod(filepath.Join(dir, p), 0); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Chmod(filepath.Join(dir, "closed"), 0); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.Chmod(filepath.Join(dir, "closed"), 0o755) })
	bin, cred := unprivileged(t, dir)
	r := runBinary(t, bin, cred, dir, ".")
	expect(t, r, exitFindings,
		`locked/site\.conf:1:1: error: cannot read file: permission denied \[CORS001`,
		`locked/template\.yaml:1:1: error: cannot read file: permission denied \[CORS001`,
		`locked/inc\.conf:2:13: error: cannot read include "secret/x\.conf": .*permission denied \[CORS001`,
		`closed:1:1: error: cannot read directory: permission denied \[CORS001`)
	expectNeighbour(t, r)
	// Named on the command line, an unreadable file is the same finding.
	r = runBinary(t, bin, cred, dir, "locked/site.conf", "neighbour")
	expect(t, r, exitFindings, `locked/site\.conf:1:1: error: cannot read file: permission denied \[CORS001`)
	expectNeighbour(t, r)
}

// unprivileged returns the corslint binary and credentials under which
// permissions apply: nobody when the tests run as root, with a copy of
// the binary and the tree that nobody can reach.
func unprivileged(t *testing.T, dir string) (string, *syscall.Credential) {
	t.Helper()
	bin, err := exec.LookPath("corslint")
	if err != nil {
		t.Fatal(err)
	}
	if os.Geteuid() != 0 {
		return bin, nil
	}
	binDir := t.TempDir()
	copyBin := filepath.Join(binDir, "corslint")
	in, err := os.Open(bin)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	out, err := os.OpenFile(copyBin, os.O_CREATE|os.O_WRONLY, 0o755)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		t.Fatal(err)
	}
	out.Close()
	// Every directory up to / must let nobody through.
	for _, d := range []string{binDir, dir} {
		for p := d; p != filepath.Dir(p); p = filepath.Dir(p) {
			info, err := os.Stat(p)
			if err == nil && info.Mode().Perm()&0o001 == 0 {
				if err := os.Chmod(p, info.Mode().Perm()|0o005); err != nil {
					t.Skipf("cannot open %s to an unprivileged user: %v", p, err)
				}
			}
		}
	}
	return copyBin, &syscall.Credential{Uid: 65534, Gid: 65534}
}

func TestBadInputSymlinkLoops(t *testing.T) {
	dir := tree(t, withNeighbour(map[string]string{
		"links/nginx.conf":   "server {\n    include self.conf;\n    include loop/loop/loop/snippet.conf;\n    include loop/*.conf;\n}\n",
		"links/snippet.conf": "add_header X-Snippet 1;\n",
	}))
	for _, l := range [][2]string{
		{".", "links/loop"},              // a directory that contains itself
		{"self.conf", "links/self.conf"}, // a link to itself
		{"b.conf", "links/a.conf"},
		{"a.conf", "links/b.conf"},
	} {
		if err := os.Symlink(l[0], filepath.Join(dir, l[1])); err != nil {
			t.Fatal(err)
		}
	}
	r := corslint(t, dir, ".")
	expect(t, r, exitFindings,
		`links/nginx\.conf:2:13: error: cannot read include "self\.conf": .*too many (levels of symbolic )?links \[CORS001`)
	expectNeighbour(t, r)
	// Neither the walk nor the include pattern may go round the loop: a
	// file reached again through it is the same file, a cycle.
	if i := strings.Index(r.stdout, "links/loop/loop/loop/loop"); i >= 0 {
		t.Errorf("the looping link was followed round and round: %.200s", r.stdout[strings.LastIndex(r.stdout[:i], "\n")+1:])
	}
	// Named on the command line, a looping link is an error that leaves
	// the other paths linted.
	r = corslint(t, dir, "links/self.conf", "neighbour")
	expect(t, r, exitUsage)
	expectNeighbour(t, r)
	if !strings.Contains(r.stderr, "links/self.conf") || !strings.Contains(r.stderr, "too many") {
		t.Errorf("stderr does not name the looping link: %s", r.stderr)
	}
}

// variants of a file that must lint exactly like it: CRLF line ends, a
// byte order mark.
func TestBadInputCRLFAndBOM(t *testing.T) {
	for _, g := range good {
		t.Run(g.dialect, func(t *testing.T) {
			files := map[string]string{
				"lf/" + g.name:   g.src,
				"crlf/" + g.name: strings.ReplaceAll(g.src, "\n", "\r\n"),
				"bom/" + g.name:  "\xef\xbb\xbf" + g.src,
				"both/" + g.name: "\xef\xbb\xbf" + strings.ReplaceAll(g.src, "\n", "\r\n"),
			}
			dir := tree(t, files)
			r := corslint(t, dir, "--format", "json", ".")
			got := map[string][]string{}
			for _, f := range decodeFindings(t, r.stdout) {
				variant, _, _ := strings.Cut(f.File, "/")
				got[variant] = append(got[variant], f.key())
			}
			want := strings.Join(got["lf"], "\n")
			if !strings.Contains(want, g.name+":"+g.at+" CORS201") {
				t.Fatalf("the plain file lacks CORS201 at %s: %v", g.at, got["lf"])
			}
			for _, v := range []string{"crlf", "bom", "both"} {
				if s := strings.Join(got[v], "\n"); s != want {
					t.Errorf("%s differs from the plain file:\n%s\nwant\n%s", v, s, want)
				}
			}
			if r.code != exitFindings {
				t.Errorf("exit %d, want 1", r.code)
			}
		})
	}
}

type jsonFinding struct {
	Rule, Severity, Message string
	File                    string
	Line, Col               int
}

// key is the finding without its directory.
func (f jsonFinding) key() string {
	_, rest, _ := strings.Cut(f.File, "/")
	return rest + ":" + strconv.Itoa(f.Line) + ":" + strconv.Itoa(f.Col) + " " + f.Rule
}

func decodeFindings(t *testing.T, out string) []jsonFinding {
	t.Helper()
	var fs []jsonFinding
	if err := json.Unmarshal([]byte(out), &fs); err != nil {
		t.Fatalf("output is not a JSON list of findings: %v\n%s", err, out)
	}
	return fs
}

// TestBadInputNonUTF8: invalid bytes in comments, names and values do not
// lose the finding beside them, and every output format stays valid.
func TestBadInputNonUTF8(t *testing.T) {
	bad := "\xff\xfe\xc3\x28\xe2\x82"
	for _, g := range good {
		t.Run(g.dialect, func(t *testing.T) {
			// A comment line before the finding's line keeps its position
			// one line lower.
			comment := "# " + bad + "\n"
			dir := tree(t, withNeighbour(map[string]string{"x/" + g.name: comment + g.src}))
			r := corslint(t, dir, "--format", "json", ".")
			line, col, _ := strings.Cut(g.at, ":")
			want := g.name + ":" + strconv.Itoa(mustAtoi(t, line)+1) + ":" + col + " CORS201"
			if g.dialect == "sam" {
				// CloudFormation refuses templates that are not UTF-8.
				want = g.name + ":1:3 CORS001"
			}
			found := false
			for _, f := range decodeFindings(t, r.stdout) {
				found = found || f.key() == want
			}
			if !found {
				t.Errorf("no %s after a non-UTF-8 comment:\n%s", want, r.stdout)
			}
			for _, format := range []string{"text", "sarif", "github"} {
				r := corslint(t, dir, "--format", format, ".")
				if format == "sarif" && !json.Valid([]byte(r.stdout)) {
					t.Errorf("SARIF output is not valid JSON")
				}
				if r.code != exitFindings {
					t.Errorf("%s: exit %d, want 1", format, r.code)
				}
			}
			// Invalid bytes inside a statement: a clear finding or none,
			// never a crash, and the other files are linted.
			dir = tree(t, withNeighbour(map[string]string{"y/" + g.name: strings.Replace(g.src, "Allow-Origin", "Allow-Origin"+bad, 1)}))
			r = corslint(t, dir, ".")
			expectNeighbour(t, r)
		})
	}
}

// TestBadInputTemplates: configuration behind Jinja, ERB and Go
// templates is linted through the template syntax or reported with a
// position, never a crash.
func TestBadInputTemplates(t *testing.T) {
	dir := tree(t, withNeighbour(map[string]string{
		"t/nginx.conf.j2":            "server {\n    server_name {{ server_name }};\n    {% for o in origins %}\n    add_header Access-Control-Allow-Origin {{ o }} always;\n    {% endfor %}\n}\n",
		"t/sites-enabled/a.conf.erb": "<VirtualHost *:80>\n  ServerName <%= @name %>\n<% if @cors %>\n  Header always set Access-Control-Allow-Origin \"<%= @origin %>\"\n<% end %>\n</VirtualHost>\n",
		"t/default.vcl.tmpl":         "vcl 4.1;\nbackend default { .host = \"{{ .Host }}\"; }\nsub vcl_deliver {\n    set resp.http.Access-Control-Allow-Origin = \"{{ .Origin }}\";\n}\n",
		"t/template.yaml.j2":         "AWSTemplateFormatVersion: \"2010-09-09\"\nResources:\n  Api:\n    Type: AWS::Serverless::HttpApi\n    Properties:\n      CorsConfiguration:\n        AllowOrigins: [{{ origins | join(',') }}]\n",
		"t/unbalanced.conf.j2":       "server {\n    {% if a %}\n    location / {\n    {% endif %}\n",
	}))
	r := corslint(t, dir, "--format", "json", ".")
	if r.code != exitFindings {
		t.Errorf("exit %d, want 1\n%s", r.code, r.stderr)
	}
	for _, f := range decodeFindings(t, r.stdout) {
		if f.Line < 1 || f.Col < 1 {
			t.Errorf("finding without a position: %+v", f)
		}
	}
	r = corslint(t, dir, ".")
	expect(t, r, exitFindings, `t/unbalanced\.conf\.j2:\d+:\d+: error: .*\[CORS001`)
	expectNeighbour(t, r)
}

// TestIncludesStayInRoot: CI on an untrusted pull request must not put
// files from outside the repository into its output, whether the include
// names them or a committed symbolic link leads to them.
func TestIncludesStayInRoot(t *testing.T) {
	const marker = "SECRET-MARKER-6f1d"
	outside := tree(t, map[string]string{
		"secret.conf":       "# " + marker + "\nadd_header Access-Control-Allow-Origin * always; add_header Access-Control-Allow-Credentials true always; " + marker + "\n",
		"secret.vcl":        "# " + marker + "\nsub vcl_deliver { set resp.http.Access-Control-Allow-Origin = \"*\"; set resp.http.Access-Control-Allow-Credentials = \"true\"; " + marker + " }\n",
		"httpd/secret.conf": "# " + marker + "\nHeader always set Access-Control-Allow-Origin \"*\"\nHeader always set Access-Control-Allow-Credentials \"true\"\n" + marker + "\n",
		"dir/x.conf":        marker + ";\n",
	})
	repo := tree(t, withNeighbour(map[string]string{
		"ng/nginx.conf": "server {\n    add_header Access-Control-Allow-Origin https://app.example.com always;\n    location / {\n" +
			"        include " + filepath.Join(outside, "secret.conf") + ";\n" +
			"        include ../../" + strings.Repeat("../", 12) + strings.TrimPrefix(filepath.Join(outside, "secret.conf"), "/") + ";\n" +
			"        include link.conf;\n" +
			"        include linkdir/*.conf;\n" +
			"        include linkdir/x.conf;\n    }\n}\n",
		"ap/httpd.conf":  "<VirtualHost *:80>\nHeader always set Access-Control-Allow-Origin \"https://app.example.com\"\nInclude " + filepath.Join(outside, "httpd", "secret.conf") + "\nInclude link.conf\nIncludeOptional linkdir/*.conf\nInclude linkdir\n</VirtualHost>\n",
		"vc/default.vcl": "vcl 4.1;\nbackend b { .host = \"x\"; }\ninclude \"" + filepath.Join(outside, "secret.vcl") + "\";\ninclude \"link.vcl\";\n",
	}))
	for _, l := range [][2]string{
		{filepath.Join(outside, "secret.conf"), "ng/link.conf"},
		{filepath.Join(outside, "dir"), "ng/linkdir"},
		{filepath.Join(outside, "httpd", "secret.conf"), "ap/link.conf"},
		{filepath.Join(outside, "httpd"), "ap/linkdir"},
		{filepath.Join(outside, "secret.vcl"), "vc/link.vcl"},
	} {
		if err := os.Symlink(l[0], filepath.Join(repo, l[1])); err != nil {
			t.Fatal(err)
		}
	}
	for _, format := range []string{"text", "json", "sarif", "github"} {
		r := corslint(t, repo, "--format", format, ".")
		if strings.Contains(r.stdout+r.stderr, marker) {
			t.Errorf("%s output shows a file outside the root:\n%s\n%s", format, r.stdout, r.stderr)
		}
		if r.code != exitFindings {
			t.Errorf("%s: exit %d, want 1", format, r.code)
		}
	}
	r := corslint(t, repo, ".")
	expect(t, r, exitFindings,
		`ng/nginx\.conf:4:17: note: include ".*secret\.conf" is outside the linted root; not read \(use --allow-outside-root\) \[CORS003`,
		`ng/nginx\.conf:5:17: note: include "\.\./.*secret\.conf" is outside the linted root`,
		`ng/nginx\.conf:6:17: error: cannot read include "link\.conf": .*leads outside the linted root through a symbolic link; not read \(use --allow-outside-root\) \[CORS001`,
		`ng/nginx\.conf:7:17: error: include "linkdir/\*\.conf": .*leads outside the linted root`,
		`ng/nginx\.conf:8:17: error: cannot read include "linkdir/x\.conf": .*leads outside the linted root`,
		`ap/httpd\.conf:3:9: note: include ".*secret\.conf" is outside the linted root`,
		`ap/httpd\.conf:4:9: error: cannot read include "link\.conf": .*leads outside the linted root`,
		`ap/httpd\.conf:5:17: error: .*linkdir.*leads outside the linted root`,
		`vc/default\.vcl:4:1: error: cannot read include "link\.vcl": .*leads outside the linted root`)
	expectNeighbour(t, r)
	// Allowed, the same includes are read: the gate is the flag, not a
	// failure to read.
	r = corslint(t, repo, "--allow-outside-root", ".")
	if !strings.Contains(r.stdout, marker) || !strings.Contains(r.stdout, "CORS201") {
		t.Errorf("--allow-outside-root did not read the outside files:\n%s", r.stdout)
	}
}

// TestDeterministicOutput: the same tree gives the same bytes on every
// run, with one job or many, in every format. The tree holds a generated
// monorepo and bad input, so error paths are covered too.
func TestDeterministicOutput(t *testing.T) {
	dir := t.TempDir()
	if _, err := benchgen.Generate(dir, benchgen.Options{Seed: 5, Files: 400, Bytes: 2 << 20}); err != nil {
		t.Fatal(err)
	}
	extra := withNeighbour(map[string]string{
		"bad/self.conf":   "server {\n    include self.conf;\n}\n",
		"bad/broken.conf": "server {\n    location / {\n",
		"bad/default.vcl": "vcl 4.1;\nsub vcl_recv { if (",
		"bad/x.yaml":      "AWSTemplateFormatVersion: x\nResources: [\n",
	})
	for name, src := range extra {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, format := range []string{"text", "json", "sarif"} {
		var first run
		for i, jobs := range []string{"1", "2", "8", "1", "2"} {
			r := corslint(t, dir, "--format", format, "-j", jobs, ".")
			if i == 0 {
				first = r
				if r.code != exitFindings || len(r.stdout) < 1000 {
					t.Fatalf("%s: exit %d, %d bytes of output", format, r.code, len(r.stdout))
				}
				if format == "text" {
					checkGeneratedLints(t, r.stdout)
				}
				continue
			}
			if r.stdout != first.stdout || r.stderr != first.stderr || r.code != first.code {
				t.Fatalf("%s with -j %s differs from the first run (-j 1):\n%s", format, jobs, firstDiff(first.stdout, r.stdout))
			}
		}
	}
}

// checkGeneratedLints: the generated files parse (the bad ones are
// reported) and the run went through all of them.
func checkGeneratedLints(t *testing.T, out string) {
	t.Helper()
	for _, l := range strings.Split(out, "\n") {
		if strings.Contains(l, "[CORS001") && !strings.HasPrefix(l, "bad/") {
			t.Errorf("a generated file does not parse: %s", l)
		}
	}
	for _, want := range []string{"bad/self.conf:2:5: error: include cycle", "bad/broken.conf:3:1: error:", "services/"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q", want)
		}
	}
	expectNeighbour(t, run{stdout: out})
}

func mustAtoi(t *testing.T, s string) int {
	t.Helper()
	n, err := strconv.Atoi(s)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// firstDiff shows where two outputs part.
func firstDiff(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := 0; i < len(al) && i < len(bl); i++ {
		if al[i] != bl[i] {
			return "line " + strconv.Itoa(i+1) + ":\n  " + al[i] + "\n  " + bl[i]
		}
	}
	return "lengths " + strconv.Itoa(len(al)) + " and " + strconv.Itoa(len(bl))
}

// TestStackFoundByContent: files run through the rules as soon as they
// are parsed, unless they may form a stack. A VCL that only its content
// reveals (no .vcl name) still makes a stack of its directory: the cache
// rule sees the nginx behind it.
func TestStackFoundByContent(t *testing.T) {
	dir := tree(t, map[string]string{
		"edge/varnish.conf": "vcl 4.1;\n\nbackend default {\n    .host = \"127.0.0.1\";\n    .port = \"8080\";\n}\n",
		"edge/nginx.conf":   "server {\n    listen 8080;\n    location / {\n        add_header Access-Control-Allow-Origin $http_origin;\n        add_header Cache-Control \"public, max-age=60\";\n        return 200 \"ok\";\n    }\n}\n",
	})
	for _, jobs := range []string{"1", "2"} {
		r := corslint(t, dir, "-j", jobs, ".")
		expect(t, r, exitFindings,
			`edge/varnish\.conf:3:1: error: this cache stores responses whose Access-Control-Allow-Origin depends on Origin \(set at edge/nginx\.conf:4:9\).*\[CORS403`,
			`edge/nginx\.conf:4:9: warning: .*\[CORS101`)
	}
}
