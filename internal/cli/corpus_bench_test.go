package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// BenchmarkLintCorpus lints each directory of the shared corpus of real
// configurations through Main, as a user would; skipped when absent.
func BenchmarkLintCorpus(b *testing.B) {
	for _, dialect := range []string{"nginx", "apache", "sam", "varnish"} {
		dir := filepath.Join("..", "..", "..", "shared", "corpus", dialect)
		size := dirSize(dir)
		if size == 0 {
			continue
		}
		b.Run(dialect, func(b *testing.B) {
			b.SetBytes(size)
			var out bytes.Buffer
			for b.Loop() {
				out.Reset()
				if code := Main([]string{"--fail-on", "none", dir}, nil, &out, &out); code != ExitOK {
					b.Fatalf("exit %d: %s", code, out.String())
				}
			}
		})
	}
}

func dirSize(dir string) int64 {
	var n int64
	_ = filepath.WalkDir(dir, func(_ string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if info, err := d.Info(); err == nil {
				n += info.Size()
			}
		}
		return nil
	})
	return n
}
