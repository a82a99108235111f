package cli

import (
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
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
		if code := Main([]string{p}, nil, io.Discard, io.Discard); code != ExitFindings {
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
		if !errors.As(err, &ee) || ee.ExitCode() != ExitFindings {
			b.Fatalf("want exit 1, got %v", err)
		}
	}
}
