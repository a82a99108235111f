package engine

import (
	"testing"

	"github.com/corslint/corslint/dialect"
	"github.com/corslint/corslint/dialects"
	"github.com/corslint/corslint/internal/benchgen"
)

// BenchmarkRecognise measures detection (every dialect's score and the
// sniffing for other formats) over the files of a generated monorepo.
func BenchmarkRecognise(b *testing.B) {
	ds := dialects.All()
	type file struct {
		path string
		head []byte
	}
	var files []file
	size := 0
	for _, f := range benchgen.Plan(benchgen.Options{Seed: 7, Files: 1000, Bytes: 8 << 20}) {
		h := dialect.Head(f.Content())
		files = append(files, file{f.Path, h})
		size += len(h)
	}
	b.SetBytes(int64(size))
	b.ReportAllocs()
	for b.Loop() {
		for _, f := range files {
			recognise(ds, f.path, f.head, false)
		}
	}
}
