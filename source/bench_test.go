package source

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/corslint/corslint/model"
)

// BenchmarkIncludes follows a glob of 1,000 included files on disk, each
// entered once: what a reader adds to a parse with many includes.
func BenchmarkIncludes(b *testing.B) {
	dir, err := filepath.EvalSymlinks(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(dir, "conf.d"), 0o755); err != nil {
		b.Fatal(err)
	}
	const n = 1000
	for i := range n {
		if err := os.WriteFile(filepath.Join(dir, "conf.d", fmt.Sprintf("site%04d.conf", i)), []byte("server { listen 80; }\n"), 0o644); err != nil {
			b.Fatal(err)
		}
	}
	top := filepath.Join(dir, "nginx.conf")
	inc := Include{Name: "conf.d/*.conf", At: model.Span{File: top, Line: 1, Col: 1}}
	b.Run("reader", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			r := New(top, Options{Root: dir})
			f := r.Find([]string{filepath.Join(dir, "conf.d", "*.conf")}, true, false)
			if len(f.Files) != n {
				b.Fatalf("%d files", len(f.Files))
			}
			for _, p := range f.Files {
				if _, _, err := r.Enter(p, inc); err != nil {
					b.Fatal(err)
				}
				r.Leave()
			}
		}
	})
	// The floor: the same files globbed and read with no policy.
	b.Run("glob+os.ReadFile", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			m, err := filepath.Glob(filepath.Join(dir, "conf.d", "*.conf"))
			if err != nil || len(m) != n {
				b.Fatalf("%d files, %v", len(m), err)
			}
			for _, p := range m {
				if _, err := os.ReadFile(p); err != nil {
					b.Fatal(err)
				}
			}
		}
	})
}
