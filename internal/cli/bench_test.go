package cli

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"testing"

	"github.com/corslint/corslint/dialect"
	"github.com/corslint/corslint/dialects"
	"github.com/corslint/corslint/internal/benchgen"
	"github.com/corslint/corslint/model"
	"github.com/corslint/corslint/rules"
)

// oneFile is what a pre-commit hook typically hands corslint: one small
// nginx config with a finding.
const oneFile = `server {
    listen 443 ssl;
    server_name api.example.com;
    location /api/ {
        add_header Access-Control-Allow-Origin $http_origin always;
        add_header Access-Control-Allow-Credentials true always;
        add_header Vary Origin always;
        proxy_pass http://127.0.0.1:8080;
    }
}
`

func writeOneFile(b *testing.B) string {
	b.Helper()
	p := filepath.Join(b.TempDir(), "site.conf")
	if err := os.WriteFile(p, []byte(oneFile), 0o644); err != nil {
		b.Fatal(err)
	}
	return p
}

// BenchmarkOneFile is corslint's own cost of linting one staged file:
// flags, configuration lookup, detection, parsing, every rule, output.
func BenchmarkOneFile(b *testing.B) {
	p := writeOneFile(b)
	b.ReportAllocs()
	for b.Loop() {
		if code := Main([]string{p}, nil, io.Discard, io.Discard); code != exitFindings {
			b.Fatalf("exit %d", code)
		}
	}
}

// BenchmarkOneFileProcess adds what a hook pays on top: starting the
// corslint process (built once, outside the timing).
func BenchmarkOneFileProcess(b *testing.B) {
	gobin, err := exec.LookPath("go")
	if err != nil {
		b.Skip("needs the go tool to build corslint")
	}
	bin := filepath.Join(b.TempDir(), "corslint")
	if out, err := exec.Command(gobin, "build", "-o", bin, "../../cmd/corslint").CombinedOutput(); err != nil {
		b.Fatalf("building corslint: %v\n%s", err, out)
	}
	p := writeOneFile(b)
	for b.Loop() {
		err := exec.Command(bin, p).Run()
		var ee *exec.ExitError
		if !errors.As(err, &ee) || ee.ExitCode() != exitFindings {
			b.Fatalf("want exit 1, got %v", err)
		}
	}
}

// The benchmarks below measure the rest of what users pay: parser
// throughput per dialect on large generated files, and a whole run over a
// generated monorepo of 10,000 files (about 50 MB) next to reading the
// same files. scripts/bench runs them and compares runs with benchstat.

const benchSeed = 1

// benchMonorepo returns the generated monorepo's directory and total size,
// generating it once under the temporary directory (or at
// $CORSLINT_BENCH_DIR) and reusing it while the generator is unchanged.
func benchMonorepo(b *testing.B) (string, int64) {
	b.Helper()
	dir := os.Getenv("CORSLINT_BENCH_DIR")
	if dir == "" {
		dir = filepath.Join(os.TempDir(), fmt.Sprintf("corslint-bench-s%d-v%d", benchSeed, benchgen.Version))
	}
	n, err := benchgen.Ensure(dir, benchgen.Options{Seed: benchSeed})
	if err != nil {
		b.Fatal(err)
	}
	return dir, n
}

// BenchmarkLintMonorepo lints the whole generated monorepo through the
// CLI's discovery, parsing, rules and text output, on one core and on
// all of them.
func BenchmarkLintMonorepo(b *testing.B) {
	dir, size := benchMonorepo(b)
	for _, jobs := range []int{1, runtime.GOMAXPROCS(0)} {
		b.Run("j"+strconv.Itoa(jobs), func(b *testing.B) {
			b.SetBytes(size)
			b.ReportAllocs()
			for b.Loop() {
				if code := Main([]string{"-j", strconv.Itoa(jobs), "--fail-on", "none", dir}, nil, io.Discard, io.Discard); code != ExitOK {
					b.Fatalf("exit %d", code)
				}
			}
		})
	}
}

// BenchmarkReadMonorepo reads every file of the monorepo once, as cat
// does: the floor a whole run is compared with.
func BenchmarkReadMonorepo(b *testing.B) {
	dir, size := benchMonorepo(b)
	var paths []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			paths = append(paths, p)
		}
		return err
	})
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(size)
	buf := make([]byte, 128<<10)
	for b.Loop() {
		for _, p := range paths {
			f, err := os.Open(p)
			if err != nil {
				b.Fatal(err)
			}
			if _, err := io.CopyBuffer(io.Discard, f, buf); err != nil {
				b.Fatal(err)
			}
			f.Close()
		}
	}
}

// benchInput is one large generated file of a dialect.
type benchInput struct {
	name, path string
	dialect    model.Dialect
	src        []byte
}

func benchInputs(size int) []benchInput {
	return []benchInput{
		{"nginx", "bench/nginx.conf", model.Nginx, benchgen.Nginx(benchSeed, size)},
		{"apache", "bench/httpd.conf", model.Apache, benchgen.Apache(benchSeed, size)},
		{"sam-yaml", "bench/template.yaml", model.SAM, benchgen.SAM(benchSeed, size)},
		{"sam-json", "bench/template.json", model.SAM, benchgen.CloudFormationJSON(benchSeed, size)},
		{"vcl", "bench/default.vcl", model.VCL, benchgen.VCL(benchSeed, size)},
	}
}

// BenchmarkParse measures each dialect's parser and lowering, as the CLI
// calls them, on one large generated file.
func BenchmarkParse(b *testing.B) {
	for _, in := range benchInputs(4 << 20) {
		b.Run(in.name, func(b *testing.B) {
			f := parseBench(in)
			if f == nil {
				b.Skipf("no %s parser", in.dialect)
			}
			for _, d := range f.Diagnostics {
				if d.RuleID == "CORS001" {
					b.Fatalf("generated %s input does not parse: %s %s", in.name, d.Span, d.Message)
				}
			}
			b.SetBytes(int64(len(in.src)))
			b.ReportAllocs()
			for b.Loop() {
				parseBench(in)
			}
		})
	}
}

// BenchmarkRules runs every rule over each dialect's large generated file,
// parsed once.
func BenchmarkRules(b *testing.B) {
	for _, in := range benchInputs(1 << 20) {
		b.Run(in.name, func(b *testing.B) {
			f := parseBench(in)
			if f == nil {
				b.Skipf("no %s parser", in.dialect)
			}
			b.SetBytes(int64(len(in.src)))
			for b.Loop() {
				rules.Run(f, []*model.File{f}, rules.All(), &rules.Options{})
			}
		})
	}
}

// parseBench parses one input as the engine does.
func parseBench(in benchInput) *model.File {
	for _, d := range dialects.All() {
		if d.Name() == in.dialect {
			p, _ := d.Parse(in.path, in.src, &dialect.Options{Root: "bench", MaxFileSize: 1 << 30})
			return p.File
		}
	}
	return nil
}

// BenchmarkRoot is the command tree a run builds before it parses its
// flags: lint's alone for a lint run, every command's for help.
func BenchmarkRoot(b *testing.B) {
	for _, run := range []string{"lint", "help"} {
		b.Run(run, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if newRoot(nil, io.Discard, io.Discard, run) == nil {
					b.Fatal("no root")
				}
			}
		})
	}
}
