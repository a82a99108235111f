package rules_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/corslint/corslint/engine"
	"github.com/corslint/corslint/model"
	"github.com/corslint/corslint/rules"
)

// corpusDir finds the shared corpus of real configurations:
// $CORSLINT_CORPUS, or a shared/corpus directory beside the checkout or
// one of its parents; "" when there is none.
func corpusDir() string {
	if d := os.Getenv("CORSLINT_CORPUS"); d != "" {
		return d
	}
	wd, err := os.Getwd()
	if err != nil {
		return ""
	}
	for d := wd; ; d = filepath.Dir(d) {
		c := filepath.Join(d, "shared", "corpus")
		if st, err := os.Stat(c); err == nil && st.IsDir() {
			return c
		}
		if filepath.Dir(d) == d {
			return ""
		}
	}
}

// loadTree parses every file under dir that the engine reads, each on its
// own, as check loads them; files that do not parse are left out.
func loadTree(tb testing.TB, dir string) []*model.File {
	tb.Helper()
	var out []*model.File
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		fs, lerr := engine.Load([]string{p}, &engine.Options{Jobs: 1})
		if lerr == nil {
			out = append(out, fs...)
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	return out
}

// BenchmarkRulesCorpus runs every rule over the files of the shared
// corpus, parsed once: the rule engine's own CPU on real configurations.
func BenchmarkRulesCorpus(b *testing.B) {
	dir := corpusDir()
	if dir == "" {
		b.Skip("no shared/corpus beside the checkout (set CORSLINT_CORPUS)")
	}
	files := loadTree(b, dir)
	if len(files) == 0 {
		b.Fatal("no configuration in the corpus")
	}
	rs := rules.All()
	b.ReportAllocs()
	for b.Loop() {
		for _, f := range files {
			rules.Run(f, []*model.File{f}, rs, &rules.Options{})
		}
	}
}
