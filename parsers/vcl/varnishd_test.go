package vcl

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/txtar"
)

// TestVarnishdCompiles proves that the VCL corslint's tests and examples
// present as valid is valid Varnish: varnishd -C compiles each, and the
// parser reads each without a diagnostic. Skipped without varnishd.
// Inputs that import a vmod this machine lacks (header, from
// varnish-modules) are reported and skipped.
func TestVarnishdCompiles(t *testing.T) {
	varnishd, err := exec.LookPath("varnishd")
	if err != nil {
		t.Skip("varnishd is not installed")
	}
	inputs := map[string]string{} // name -> text
	for _, pattern := range []string{"../../examples/varnish/*.vcl", "testdata/valid/*.vcl"} {
		paths, _ := filepath.Glob(pattern)
		for _, p := range paths {
			abs, err := filepath.Abs(p)
			if err != nil {
				t.Fatal(err)
			}
			inputs[abs] = ""
		}
	}
	cases, _ := filepath.Glob("../../testdata/rules/*/vcl-*.txtar")
	for _, p := range cases {
		ar, err := txtar.ParseFile(p)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range ar.Files {
			if strings.HasSuffix(f.Name, ".vcl") {
				inputs[p+":"+f.Name] = string(f.Data)
			}
		}
	}
	if len(inputs) < 10 {
		t.Fatalf("only %d inputs", len(inputs))
	}
	for name, text := range inputs {
		label := strings.TrimPrefix(name, "../../testdata/rules/")
		if text == "" {
			label = filepath.Base(name)
		}
		t.Run(label, func(t *testing.T) {
			t.Parallel() // each compile takes about a second
			path := name
			if text != "" {
				path = filepath.Join(worldReadableDir(t), "default.vcl")
				if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			src, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if c := Parse(path, src, Options{}); len(c.Diagnostics) > 0 {
				t.Errorf("corslint: %s %s", c.Diagnostics[0].Span, c.Diagnostics[0].Message)
			}
			dir := worldReadableDir(t)
			args := []string{"-C", "-f", path, "-n", filepath.Join(dir, "n"), "-p", "vcc_allow_inline_c=on"}
			example := strings.Contains(name, "examples")
			if !example {
				// VCC checks the VCL; compiling its C output with cc takes
				// seconds and tells nothing more, so only the examples
				// are built all the way.
				args = append(args, "-p", "cc_command=exec true")
			}
			cmd := exec.Command(varnishd, args...)
			cmd.Dir = dir
			out, err := cmd.CombinedOutput()
			msg := string(out)
			if err == nil || !example && strings.Contains(msg, "Running dlopen failed") && !strings.Contains(msg, "VCC-compiler") {
				return
			}
			if i := strings.Index(msg, "Message from VCC-compiler:"); i >= 0 {
				msg = msg[i:]
			}
			if strings.Contains(msg, "Could not find VMOD") || strings.Contains(msg, "Could not open VMOD") {
				t.Skipf("a vmod this machine lacks: %s", firstLines(msg, 2))
			}
			t.Errorf("varnishd -C: %s", firstLines(msg, 8))
		})
	}
}

func firstLines(s string, n int) string {
	ls := strings.SplitN(s, "\n", n+1)
	if len(ls) > n {
		ls = ls[:n]
	}
	return strings.Join(ls, "\n")
}
