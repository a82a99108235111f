package js

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzEdge feeds Workers and Lambda handlers, mangled, to the lowering
// and to the Lambda reader: bad input never panics.
func FuzzEdge(f *testing.F) {
	if available != "" {
		f.Skip(available)
	}
	for _, dir := range []string{"workers", "lambda/seed-article/src", "lambda/correct/src/handlers"} {
		paths, _ := filepath.Glob(filepath.Join("..", "..", "examples", dir, "*.*js"))
		for _, p := range paths {
			if src, err := os.ReadFile(p); err == nil {
				f.Add(src)
			}
		}
	}
	f.Add([]byte("addEventListener('fetch', e => e.respondWith(h(e.request)));\nasync function h(r) { const x = await fetch(r); x.headers.set('a', 'b'); for (const [k, v] of Object.entries(h(r))) new Response(x.body, x).headers.append(k, v); return x; }"))
	f.Add([]byte("exports.handler = (e, c, cb) => { f(cb); function f(d) { d(null, { statusCode: 1, headers: { ...f } }); } };"))
	f.Fuzz(func(t *testing.T, src []byte) {
		Lower(Parse("fuzz.ts", src))
		for _, export := range []string{"handler", "api.get", "default"} {
			_, _ = LambdaReader{}.Returns("fuzz.js", src, export)
		}
	})
}
