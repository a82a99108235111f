// Package dialecttest holds a dialect's detection scanners to the
// expressions they implement by hand: a scanner must count the line
// starts its expression matches on the repository's test data, its
// examples, a generated monorepo and edge inputs.
package dialecttest

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/corslint/corslint/dialect"
	"github.com/corslint/corslint/internal/benchgen"
)

// Scanner is one hand-written content test and its specification.
type Scanner struct {
	Name string
	// Spec is the expression, matched with FindAllIndex up to Limit.
	Spec  *regexp.Regexp
	At    func(src []byte, i int) int
	Limit int
	// Skip, when set, leaves out inputs where the expression is known to
	// differ for reasons that do not matter (Unicode case folding).
	Skip func(src []byte) bool
}

// Check compares the scanner with its expression on src.
func (s Scanner) Check(t testing.TB, name string, src []byte) {
	t.Helper()
	if s.Skip != nil && s.Skip(src) {
		return
	}
	want := len(s.Spec.FindAllIndex(src, s.Limit))
	if got := dialect.CountStarts(src, s.Limit, s.At); got != want {
		t.Errorf("%s: %s content count %d, the expression finds %d in %q", name, s.Name, got, want, clip(src))
	}
}

// Inputs returns the heads of every file of the repository's test data
// and examples (root is the repository's top, relative to the test) and of
// a small generated monorepo, by name.
func Inputs(t testing.TB, root string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	for _, dir := range []string{filepath.Join(root, "testdata"), filepath.Join(root, "examples")} {
		_ = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
			if err != nil || !d.Type().IsRegular() {
				return nil
			}
			if src, err := os.ReadFile(p); err == nil {
				out[p] = dialect.Head(src)
			}
			return nil
		})
	}
	if len(out) == 0 {
		t.Fatalf("no test data under %s", root)
	}
	for _, f := range benchgen.Plan(benchgen.Options{Seed: 7, Files: 300, Bytes: 1 << 20}) {
		out[f.Path] = f.Content()
	}
	return out
}

func clip(b []byte) []byte {
	if len(b) > 300 {
		return b[:300]
	}
	return b
}
