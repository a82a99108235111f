package surface

import (
	"bufio"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestUnsharedFixture(t *testing.T) {
	names, err := unshared("testdata/mod", nil, "./...")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, n := range names {
		got = append(got, n.id()+" "+n.use.String())
	}
	want := []string{
		"example.com/mod/a.Dead unused",
		"example.com/mod/a.ForTests test-only",
		"example.com/mod/a.Local local",
		"example.com/mod/a.Mode local",
		"example.com/mod/a.ModeA local",
		"example.com/mod/a.ModeB local",
		"example.com/mod/a.Printer.Other unused",
		"example.com/mod/a.Result.Alone local",
		"example.com/mod/b.Printer local",
		"example.com/mod/b.Use local",
	}
	if !slices.Equal(got, want) {
		t.Errorf("unshared names:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestModuleSurface holds the line: a package-level name that only its own package uses is
// unexported, or listed in allow.txt with the reason it is exported. A field or method that
// nothing uses at all is deleted.
func TestModuleSurface(t *testing.T) {
	if testing.Short() {
		t.Skip("type-checks the whole module")
	}
	allow := readAllow(t, "allow.txt")
	names, err := unshared("../..", []string{"oracle"}, "./...")
	if err != nil {
		t.Fatal(err)
	}
	used := map[string]bool{}
	members := map[string]int{}
	for _, n := range names {
		member := strings.Contains(n.name, ".")
		if member && n.use != unused {
			members[n.pkg]++
			continue // fields and methods are judged with their type
		}
		id := strings.TrimPrefix(n.id(), module+"/")
		pkgAll := strings.TrimPrefix(n.pkg, module+"/") + ".*"
		switch {
		case allow[id] != "":
			used[id] = true
		case allow[pkgAll] != "" && !member:
			used[pkgAll] = true
		default:
			t.Errorf("%s:%d: %s is exported but %s: unexport it, delete it, or list it in allow.txt with the reason",
				rel(n.pos.Filename), n.pos.Line, id, n.use)
		}
	}
	// Fields and methods only their own package uses are listed, not
	// judged: a tree's fields read as a whole, and an exported type's
	// members are its shape.
	for _, pkg := range slices.Sorted(maps.Keys(members)) {
		t.Logf("%s: %d exported fields and methods only its own package uses", strings.TrimPrefix(pkg, module+"/"), members[pkg])
	}
	for id := range allow {
		if !used[id] {
			t.Errorf("allow.txt lists %s, which another package now uses or which is gone: remove the line", id)
		}
	}
}

// module is the import path allow.txt's names are relative to.
const module = "github.com/corslint/corslint"

func rel(path string) string {
	if r, err := filepath.Rel("../..", path); err == nil && !strings.HasPrefix(r, "..") {
		return r
	}
	if wd, err := os.Getwd(); err == nil {
		if r, err := filepath.Rel(filepath.Join(wd, "../.."), path); err == nil {
			return r
		}
	}
	return path
}

// readAllow reads lines of an ID (import path, dot, name; or path.* for a whole package's
// package-level names), white space, and the reason. Blank lines and # comments are skipped.
func readAllow(t *testing.T, path string) map[string]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	allow := map[string]string{}
	sc := bufio.NewScanner(f)
	for line := 1; sc.Scan(); line++ {
		text := strings.TrimSpace(sc.Text())
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		id, reason, _ := strings.Cut(text, " ")
		reason = strings.TrimSpace(reason)
		if reason == "" {
			t.Errorf("%s:%d: %s has no reason", path, line, id)
			continue
		}
		if _, dup := allow[id]; dup {
			t.Errorf("%s:%d: %s listed twice", path, line, id)
		}
		allow[id] = reason
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return allow
}
