package vcl

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/txtar"
)

// TestLiveCachePoisoning runs every CORS403 case that pairs a VCL with its
// nginx backend against real varnishd and nginx: origin X requests first,
// then origin Y. Y must get X's Access-Control-Allow-Origin from the cache
// exactly where the case expects CORS403, as Chromium saw in oracle-facts
// §3. Skipped without varnishd and nginx, and with -short.
func TestLiveCachePoisoning(t *testing.T) {
	if testing.Short() {
		t.Skip("starts servers")
	}
	varnishd, err1 := exec.LookPath("varnishd")
	nginx, err2 := exec.LookPath("nginx")
	if err1 != nil || err2 != nil {
		t.Skip("varnishd and nginx are needed")
	}
	cases, _ := filepath.Glob(filepath.Join("..", "..", "testdata", "rules", "CORS403", "vcl-*.txtar"))
	ran := 0
	for _, path := range cases {
		ar, err := txtar.ParseFile(path)
		if err != nil {
			t.Fatal(err)
		}
		files := map[string]string{}
		for _, f := range ar.Files {
			files[f.Name] = string(f.Data)
		}
		if files["default.vcl"] == "" || files["nginx.conf"] == "" {
			continue
		}
		ran++
		want := strings.Contains(files["want"], "CORS403")
		t.Run(strings.TrimSuffix(filepath.Base(path), ".txtar"), func(t *testing.T) {
			got := poisoned(t, varnishd, nginx, files["default.vcl"], files["nginx.conf"])
			if got != want {
				t.Errorf("Varnish served X's Access-Control-Allow-Origin to Y: %v; the case expects CORS403: %v", got, want)
			}
		})
	}
	if ran == 0 {
		t.Fatal("no VCL case with an nginx backend")
	}
}

// poisoned starts the backend and Varnish and reports whether the second
// origin got the first one's Access-Control-Allow-Origin.
func poisoned(t *testing.T, varnishd, nginx, vcl, server string) bool {
	dir, err := os.MkdirTemp("", "corslint-vcl-live-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(dir) })
	// varnishd and nginx workers drop root and must still read the files
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	backendPort, cachePort := freePort(t), freePort(t)

	server = strings.Replace(server, "listen 8080;", fmt.Sprintf("listen 127.0.0.1:%d;", backendPort), 1)
	conf := fmt.Sprintf("pid %[1]s/nginx.pid;\nevents {}\nhttp {\n    access_log off;\n    client_body_temp_path %[1]s/body;\n    proxy_temp_path %[1]s/proxy;\n    fastcgi_temp_path %[1]s/fastcgi;\n    uwsgi_temp_path %[1]s/uwsgi;\n    scgi_temp_path %[1]s/scgi;\n%[2]s}\n", dir, server)
	write(t, filepath.Join(dir, "nginx.conf"), conf)
	start(t, dir, nginx, "-p", dir, "-c", filepath.Join(dir, "nginx.conf"), "-e", filepath.Join(dir, "error.log"), "-g", "daemon off;")

	vcl = strings.Replace(vcl, `.port = "8080";`, fmt.Sprintf(`.port = "%d";`, backendPort), 1)
	write(t, filepath.Join(dir, "default.vcl"), vcl)
	start(t, dir, varnishd, "-F", "-a", fmt.Sprintf("127.0.0.1:%d", cachePort), "-T", "127.0.0.1:0",
		"-f", filepath.Join(dir, "default.vcl"), "-n", filepath.Join(dir, "varnish"), "-s", "malloc,64m")

	const x, y = "http://127.0.0.1:8001", "http://127.0.0.1:8002"
	waitHTTP(t, fmt.Sprintf("http://127.0.0.1:%d/__probe", backendPort))
	if got := acao(t, fmt.Sprintf("http://127.0.0.1:%d/__probe", backendPort), x); got != x {
		t.Fatalf("the backend sent Access-Control-Allow-Origin %q to %s; every case's backend echoes the origin", got, x)
	}
	url := fmt.Sprintf("http://127.0.0.1:%d/api/data", cachePort)
	waitHTTP(t, fmt.Sprintf("http://127.0.0.1:%d/__probe", cachePort))
	acao(t, url, x)
	return acao(t, url, y) == x
}

func freePort(t *testing.T) int {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

func write(t *testing.T, path, data string) {
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

// start runs a server in the foreground until the test ends, and stops it
// by its own process id: SIGTERM, which nginx's master and varnishd's
// manager pass on to their children, then SIGKILL if it lingers.
func start(t *testing.T, dir, bin string, args ...string) {
	log, err := os.Create(filepath.Join(dir, filepath.Base(bin)+".out"))
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, args...)
	cmd.Stdout, cmd.Stderr = log, log // a file: children holding it never block Wait
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting %s: %v", bin, err)
	}
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
			<-done
		}
		log.Close()
		if t.Failed() {
			out, _ := os.ReadFile(log.Name())
			t.Logf("%s output:\n%s", filepath.Base(bin), out)
		}
	})
}

var client = &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{DisableKeepAlives: true, Proxy: nil}}

// waitHTTP waits for an HTTP answer: Varnish accepts connections before
// its cache process runs.
func waitHTTP(t *testing.T, url string) {
	deadline := time.Now().Add(20 * time.Second)
	for {
		resp, err := client.Get(url)
		if err == nil {
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("no answer from %s: %v", url, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func acao(t *testing.T, url, origin string) string {
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Origin", origin)
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("GET %s from %s: %v", url, origin, err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.Header.Get("Access-Control-Allow-Origin")
}
