package source

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/corslint/corslint/model"
)

// tree writes files under a new directory and returns its real path.
func tree(t *testing.T, files map[string]string) string {
	t.Helper()
	dir, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	for name, text := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func symlink(t *testing.T, target, name string) {
	t.Helper()
	if err := os.Symlink(target, name); err != nil {
		t.Skipf("no symbolic links here: %v", err)
	}
}

// incAt is an include statement at line n of file.
func incAt(file, name string, n int) Include {
	return Include{Name: name, At: model.Span{File: file, Line: n, Col: 1, EndLine: n, EndCol: 10}}
}

func messages(r *Reader) string {
	var b strings.Builder
	for _, d := range r.Diagnostics() {
		fmt.Fprintf(&b, "%s:%d %s %s\n", filepath.Base(d.Span.File), d.Span.Line, d.RuleID, d.Message)
	}
	return b.String()
}

func TestContainmentThroughLinks(t *testing.T) {
	outside := tree(t, map[string]string{"secret.conf": "secret", "dir/x.conf": "x"})
	root := tree(t, map[string]string{"top.conf": "", "in.conf": "inside", "sub/y.conf": "y"})
	symlink(t, filepath.Join(outside, "secret.conf"), filepath.Join(root, "link.conf"))
	symlink(t, filepath.Join(outside, "dir"), filepath.Join(root, "linkdir"))
	symlink(t, filepath.Join(root, "in.conf"), filepath.Join(root, "inlink.conf"))
	top := filepath.Join(root, "top.conf")

	r := New(top, Options{Root: root})
	// Written outside the root: not looked at.
	if f := r.Find([]string{filepath.Join(outside, "secret.conf")}, false, false); !f.Outside || f.Matched {
		t.Errorf("outside as written: %+v", f)
	}
	// Inside as written, outside through a link: found, but not read.
	f := r.Find([]string{filepath.Join(root, "link.conf")}, false, false)
	if len(f.Files) != 1 {
		t.Fatalf("link: %+v", f)
	}
	if data, _, err := r.Enter(f.Files[0], incAt(top, "link.conf", 1)); !errors.Is(err, errOutsideRoot) || data != nil {
		t.Errorf("link read: %q, %v", data, err)
	}
	// A glob and a directory listing through a linked directory list
	// nothing, not even names.
	if f := r.Find([]string{filepath.Join(root, "linkdir", "*.conf")}, true, false); !errors.Is(f.Err, errOutsideRoot) || len(f.Files) != 0 {
		t.Errorf("glob through a link: %+v", f)
	}
	if r.IsDir(filepath.Join(root, "linkdir")) {
		t.Error("a linked directory outside the root is listed")
	}
	// A link that stays inside the root is followed.
	if data, _, err := r.Enter(filepath.Join(root, "inlink.conf"), incAt(top, "inlink.conf", 2)); err != nil || string(data) != "inside" {
		t.Errorf("link inside the root: %q, %v", data, err)
	}
	r.Leave()
	// Read, for files named otherwise than by an include, keeps the same
	// policy and reports nothing.
	if _, err := r.Read(filepath.Join(root, "link.conf")); !errors.Is(err, errOutsideRoot) {
		t.Errorf("Read through a link: %v", err)
	}
	if _, err := r.Read(filepath.Join(outside, "secret.conf")); err == nil {
		t.Error("Read outside the root")
	}
	if data, err := r.Read(filepath.Join(root, "sub", "y.conf")); err != nil || string(data) != "y" {
		t.Errorf("Read inside: %q, %v", data, err)
	}
	if got := messages(r); !strings.Contains(got, `top.conf:1 CORS001 cannot read include "link.conf": `) || !strings.Contains(got, "leads outside the linted root") || strings.Count(got, "\n") != 1 {
		t.Errorf("diagnostics:\n%s", got)
	}

	// Allowed outside, the same files are read.
	r = New(top, Options{Root: root, AllowOutsideRoot: true})
	if data, _, err := r.Enter(filepath.Join(root, "link.conf"), incAt(top, "link.conf", 1)); err != nil || string(data) != "secret" {
		t.Errorf("allowed outside: %q, %v", data, err)
	}
	if f := r.Find([]string{filepath.Join(root, "linkdir", "*.conf")}, true, false); len(f.Files) != 1 {
		t.Errorf("allowed outside, glob: %+v", f)
	}
}

// TestRootReachedThroughLink: a root named through a link (macOS's /tmp,
// a checkout under a linked home) keeps its own files inside.
func TestRootReachedThroughLink(t *testing.T) {
	real := tree(t, map[string]string{"top.conf": "", "a.conf": "a", "d/b.conf": "b"})
	root := filepath.Join(t.TempDir(), "linked")
	symlink(t, real, root)
	top := filepath.Join(root, "top.conf")
	r := New(top, Options{Root: root})
	f := r.Find([]string{filepath.Join(root, "d", "*.conf")}, true, false)
	if f.Err != nil || len(f.Files) != 1 {
		t.Fatalf("glob: %+v", f)
	}
	for _, p := range []string{filepath.Join(root, "a.conf"), f.Files[0]} {
		if _, _, err := r.Enter(p, incAt(top, p, 1)); err != nil {
			t.Errorf("%s: %v", p, err)
		}
		r.Leave()
	}
	if len(r.Diagnostics()) != 0 {
		t.Errorf("diagnostics:\n%s", messages(r))
	}
}

func TestCycleThroughLinks(t *testing.T) {
	root := tree(t, map[string]string{"top.conf": "", "conf.d/a.conf": "a", "conf.d/b.conf": "b"})
	top := filepath.Join(root, "top.conf")
	symlink(t, top, filepath.Join(root, "self.conf"))
	symlink(t, root, filepath.Join(root, "conf.d", "up"))

	r := New(top, Options{Root: root})
	_, _, err := r.Enter(filepath.Join(root, "self.conf"), incAt(top, "self.conf", 3))
	var ce *CycleError
	if !errors.As(err, &ce) || ce.Start != 0 {
		t.Fatalf("a link to the top file: %v", err)
	}
	if got, want := messages(r), "top.conf:3 CORS001 include cycle: top.conf -> self.conf\n"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}

	// A cycle further down names the files from the one included again.
	r = New(top, Options{Root: root})
	a := filepath.Join(root, "conf.d", "a.conf")
	if _, _, err := r.Enter(a, incAt(top, "conf.d/a.conf", 1)); err != nil {
		t.Fatal(err)
	}
	_, _, err = r.Enter(filepath.Join(root, "conf.d", "up", "conf.d", "a.conf"), incAt(a, "up/conf.d/a.conf", 1))
	if !errors.As(err, &ce) || ce.Start != 1 || r.Depth() != 2 {
		t.Errorf("a.conf through a linked directory: %v, depth %d", err, r.Depth())
	}
	if got, want := messages(r), "a.conf:1 CORS001 include cycle: conf.d/a.conf -> conf.d/up/conf.d/a.conf\n"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}

	// A directory include through a directory linking to its ancestor
	// lists each file once, and ends.
	r = New(top, Options{Root: root})
	f := r.Find([]string{filepath.Join(root, "conf.d")}, false, true)
	var names []string
	for _, p := range f.Files {
		rel, _ := filepath.Rel(root, p)
		names = append(names, filepath.ToSlash(rel))
	}
	if got, want := strings.Join(names, " "), "conf.d/a.conf conf.d/b.conf conf.d/up/self.conf conf.d/up/top.conf"; got != want {
		t.Errorf("directory include: got %s, want %s", got, want)
	}
}

func TestOnlyRegularFiles(t *testing.T) {
	root := tree(t, map[string]string{"top.conf": "", "d/x": ""})
	top := filepath.Join(root, "top.conf")
	fifo := filepath.Join(root, "fifo.conf")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Skipf("no FIFOs here: %v", err)
	}
	r := New(top, Options{Root: root})
	// Opening a FIFO for reading would block until a writer comes.
	if _, _, err := r.Enter(fifo, incAt(top, "fifo.conf", 1)); err == nil || !strings.Contains(err.Error(), "not a regular file") {
		t.Errorf("FIFO: %v", err)
	}
	if _, _, err := r.Enter(filepath.Join(root, "d"), incAt(top, "d", 2)); err == nil || !strings.Contains(err.Error(), "is a directory") {
		t.Errorf("directory: %v", err)
	}
	if got := messages(r); strings.Count(got, "cannot read include") != 2 {
		t.Errorf("diagnostics:\n%s", got)
	}
}

func TestSizeLimit(t *testing.T) {
	root := tree(t, map[string]string{"top.conf": "", "ten": "0123456789", "eleven": "0123456789A"})
	top := filepath.Join(root, "top.conf")
	r := New(top, Options{Root: root, MaxFileSize: 10})
	if data, _, err := r.Enter(filepath.Join(root, "ten"), incAt(top, "ten", 1)); err != nil || len(data) != 10 {
		t.Errorf("at the limit: %q, %v", data, err)
	}
	r.Leave()
	inc := incAt(top, "eleven", 2)
	_, _, err := r.Enter(filepath.Join(root, "eleven"), inc)
	var tl *TooLargeError
	if !errors.As(err, &tl) {
		t.Fatalf("over the limit: %v", err)
	}
	ds := r.Diagnostics()
	if len(ds) != 1 || ds[0].Message != "file too large: more than 10 bytes" || filepath.Base(ds[0].Span.File) != "eleven" ||
		len(ds[0].Span.Via) != 1 || ds[0].Span.Via[0].Line != 2 {
		t.Errorf("diagnostics: %+v", ds)
	}

	// The top file: the size is told before reading.
	if _, err := ReadFile(filepath.Join(root, "eleven"), 10); !errors.As(err, &tl) || tl.Size != 11 || err.Error() != "file too large: 11 bytes, the limit is 10" {
		t.Errorf("top file over the limit: %v", err)
	}
	if src, err := ReadFile(filepath.Join(root, "ten"), 10); err != nil || string(src) != "0123456789" {
		t.Errorf("top file at the limit: %q, %v", src, err)
	}
	if _, err := ReadFile(root, 10); err == nil {
		t.Error("a directory read as a file")
	}
}

func TestIncludeLimits(t *testing.T) {
	files := Map{"/r/top.conf": nil, "/r/a": []byte("a"), "/r/b": []byte("b"), "/r/c": []byte("c")}
	r := New("/r/top.conf", Options{FS: files, MaxIncludes: 2})
	for i, name := range []string{"a", "b", "c"} {
		_, _, err := r.Enter("/r/"+name, incAt("/r/top.conf", name, i+1))
		if (err != nil) != (name == "c") {
			t.Errorf("include %d of 2: %v", i+1, err)
		}
		r.Leave()
	}
	if got, want := messages(r), "top.conf:3 CORS001 too many includes (more than 2); the rest are not read\n"; got != want {
		t.Errorf("count: got %q, want %q", got, want)
	}

	r = New("/r/top.conf", Options{FS: files, MaxDepth: 2})
	for i, name := range []string{"a", "b", "c"} {
		_, _, err := r.Enter("/r/"+name, incAt("/r/"+name, name, 1))
		if (err != nil) != (i == 2) {
			t.Errorf("nesting %d of 2: %v", i+1, err)
		}
	}
	if got, want := messages(r), "c:1 CORS001 includes nested more than 2 deep; the rest are not read\n"; got != want {
		t.Errorf("depth: got %q, want %q", got, want)
	}
}

// TestEachDiagnosticOnce: a file included twice is read once, and a
// problem reached through two chains is reported once.
func TestEachDiagnosticOnce(t *testing.T) {
	files := Map{"/r/top.conf": nil, "/r/shared.conf": []byte("x")}
	r := New("/r/top.conf", Options{FS: files})
	for i := 1; i <= 2; i++ {
		data, first, err := r.Enter("/r/shared.conf", incAt("/r/top.conf", "shared.conf", i))
		if err != nil || string(data) != "x" || first != (i == 1) {
			t.Errorf("inclusion %d: %q first=%v %v", i, data, first, err)
		}
		// The shared file's missing include, reached through each chain.
		if _, _, err := r.Enter("/r/missing.conf", Include{Name: "missing.conf", At: model.Span{File: "/r/shared.conf", Line: 1, Col: 1,
			Via: []model.Span{{File: "/r/top.conf", Line: i, Col: 1}}}}); err == nil {
			t.Error("a missing file was read")
		}
		r.Leave()
	}
	if got := messages(r); strings.Count(got, "\n") != 1 || !strings.HasPrefix(got, `shared.conf:1 CORS001 cannot read include "missing.conf"`) {
		t.Errorf("diagnostics:\n%s", got)
	}
	// A note and an error with the same text are two diagnostics.
	d := model.Diagnostic{RuleID: "CORS003", Message: "m", Span: model.Span{File: "f", Line: 1, Col: 1}}
	r.Report(d)
	d.Note = true
	r.Report(d)
	r.Report(d)
	if n := len(r.Diagnostics()); n != 3 {
		t.Errorf("%d diagnostics, want 3", n)
	}
}

func TestChainDoesNotShareVia(t *testing.T) {
	via := make([]model.Span, 1, 4)
	via[0] = model.Span{File: "top", Line: 1}
	a := Include{At: model.Span{File: "mid", Line: 2, Via: via}}.Chain()
	b := Include{At: model.Span{File: "mid", Line: 3, Via: via}}.Chain()
	if len(a) != 2 || a[1].Line != 2 || b[1].Line != 3 || a[1].Via != nil {
		t.Errorf("chains %v and %v", a, b)
	}
}

// TestGlobSkipsHidden: glob(3), which nginx and Varnish use, and httpd's
// fnmatch never let a wildcard match a leading dot (Varnish 7.1 checked:
// a syntax error in inc/.hidden.vcl did not stop include +glob
// "inc/*.vcl").
func TestGlobSkipsHidden(t *testing.T) {
	files := Map{"/r/top": nil, "/r/inc/a.vcl": nil, "/r/inc/.b.vcl": nil, "/r/.git/c.vcl": nil}
	r := New("/r/top", Options{FS: files})
	if f := r.Find([]string{"/r/inc/*.vcl"}, true, false); strings.Join(f.Files, " ") != "/r/inc/a.vcl" {
		t.Errorf("wildcard: %v", f.Files)
	}
	if f := r.Find([]string{"/r/inc/.*.vcl"}, true, false); strings.Join(f.Files, " ") != "/r/inc/.b.vcl" {
		t.Errorf("dot written: %v", f.Files)
	}
	if f := r.Find([]string{"/r/*/*.vcl"}, true, false); strings.Join(f.Files, " ") != "/r/inc/a.vcl" {
		t.Errorf("hidden directory: %v", f.Files)
	}
	// A directory include (httpd) reads hidden files too.
	if f := r.Find([]string{"/r/inc"}, false, true); strings.Join(f.Files, " ") != "/r/inc/.b.vcl /r/inc/a.vcl" {
		t.Errorf("directory: %v", f.Files)
	}
	// An empty match is not a match; the first candidate that matches
	// wins.
	if f := r.Find([]string{"/r/none/*.vcl", "/r/inc/a.vcl", "/r/inc/.b.vcl"}, false, false); !f.Matched || strings.Join(f.Files, " ") != "/r/inc/a.vcl" {
		t.Errorf("candidates: %+v", f)
	}
	if f := r.Find([]string{"/r/none.vcl"}, false, false); f.Matched || f.Outside || f.Err != nil {
		t.Errorf("missing: %+v", f)
	}
	if f := r.Find([]string{"/r/[bad"}, true, false); f.Err == nil {
		t.Error("a bad pattern is no error")
	}
}
