package benchgen

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// TestDeterministic: the same seed gives the same files, byte for byte,
// and another seed gives others.
func TestDeterministic(t *testing.T) {
	o := Options{Seed: 42, Files: 200, Bytes: 1 << 20}
	a, b := Plan(o), Plan(o)
	if len(a) != 200 || len(b) != 200 {
		t.Fatalf("planned %d and %d files, want 200", len(a), len(b))
	}
	for i := range a {
		if a[i].Path != b[i].Path || !bytes.Equal(a[i].Content(), b[i].Content()) {
			t.Fatalf("file %d differs between runs: %s, %s", i, a[i].Path, b[i].Path)
		}
	}
	o.Seed = 43
	if c := Plan(o); c[0].Path == a[0].Path && bytes.Equal(c[0].Content(), a[0].Content()) {
		t.Errorf("seeds 42 and 43 gave the same first file")
	}
}

// TestGenerate writes a small monorepo: the count is exact, the size near
// the aim, every kind is there and the paths are unique.
func TestGenerate(t *testing.T) {
	dir := t.TempDir()
	st, err := Generate(dir, Options{Seed: 1, Files: 1000, Bytes: 5 << 20})
	if err != nil {
		t.Fatal(err)
	}
	if len(st.Files) != 1000 {
		t.Errorf("wrote %d files, want 1000", len(st.Files))
	}
	if st.Bytes < 4<<20 || st.Bytes > 6<<20 {
		t.Errorf("wrote %d bytes, want about %d", st.Bytes, 5<<20)
	}
	for _, k := range kinds {
		if st.ByKind[k] == 0 {
			t.Errorf("no file of kind %s", k)
		}
	}
	seen := map[string]bool{}
	for _, f := range st.Files {
		if seen[f.Path] {
			t.Errorf("%s written twice", f.Path)
		}
		seen[f.Path] = true
		info, err := os.Stat(filepath.Join(dir, filepath.FromSlash(f.Path)))
		if err != nil || info.Size() != int64(f.Size) {
			t.Errorf("%s: %v, size %d, want %d", f.Path, err, info.Size(), f.Size)
		}
	}
}

// TestLargeInputs: the single-file generators reach the size asked for.
func TestLargeInputs(t *testing.T) {
	for name, gen := range map[string]func(uint64, int) []byte{
		"nginx": Nginx, "apache": Apache, "sam": SAM, "json": CloudFormationJSON, "vcl": VCL,
	} {
		if n := len(gen(1, 1<<20)); n < 1<<20 || n > 1<<20+64<<10 {
			t.Errorf("%s: %d bytes, want about %d", name, n, 1<<20)
		}
	}
}
