//go:build oracle

package difftest

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/corslint/corslint/browser"
	"github.com/corslint/corslint/oracle"
	"github.com/corslint/corslint/serverside"
)

const (
	startTimeout = 30 * time.Second
	probeTimeout = 10 * time.Second
	// workers bounds the probes in flight at once: the machine is small
	// and shared.
	workers = 4
)

// Runner starts real servers with batches of cases and probes them. It
// owns one upstream on loopback that every batch proxies to.
type Runner struct {
	t      testing.TB
	bins   map[string]string
	upHost string
	upPort int
	// BrowserPerBatch is how many probes of each batch also run in
	// headless Chromium; their checks collect in BrowserChecks.
	BrowserPerBatch int
	BrowserChecks   []BrowserCheck
}

// NewRunner starts the upstream; tb's cleanup stops it.
func NewRunner(tb testing.TB) *Runner {
	tb.Helper()
	bins := oracle.RequireTools(tb, "nginx", "apache2", "varnishd", "chromium")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(upstream), ReadHeaderTimeout: probeTimeout}
	go func() { _ = srv.Serve(ln) }()
	tb.Cleanup(func() { _ = srv.Close() })
	return &Runner{t: tb, bins: bins, upHost: "127.0.0.1", upPort: ln.Addr().(*net.TCPAddr).Port}
}

// upstream answers every method with the status the path names and, when
// the request asks for it in X-Up-Cors, with its own
// Access-Control-Allow-Origin.
func upstream(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	switch r.Header.Get("X-Up-Cors") {
	case "reflect":
		if o := r.Header.Get("Origin"); o != "" {
			h.Set("Access-Control-Allow-Origin", o)
		}
	case "star":
		h.Set("Access-Control-Allow-Origin", "*")
	}
	h.Set("Content-Type", "application/json")
	w.WriteHeader(statusOf(r.URL.Path))
	_, _ = io.WriteString(w, `{"upstream":true}`+"\n")
}

// Batch runs cases on one start of server and returns one result per
// probe. Cases the server refuses are dropped with a log line: the
// generator should not write them.
func (r *Runner) Batch(server string, cases []*Case) []Result {
	r.t.Helper()
	return r.batch(server, cases, r.BrowserPerBatch)
}

// batch is Batch with browse probes also run in Chromium.
func (r *Runner) batch(server string, cases []*Case, browse int) []Result {
	r.t.Helper()
	if len(cases) == 0 {
		return nil
	}
	if groups := byHTTPLines(cases); len(groups) > 1 {
		var results []Result
		for i, g := range groups {
			if i > 0 {
				browse = 0
			}
			results = append(results, r.batch(server, g, browse)...)
		}
		return results
	}
	dir, err := os.MkdirTemp("", "corslint-difftest-")
	if err != nil {
		r.t.Fatal(err)
	}
	if os.Getenv("DIFFTEST_KEEP") == "" {
		defer os.RemoveAll(dir)
	} else {
		r.t.Logf("%s batch kept in %s", server, dir)
	}
	if err := os.Chmod(dir, 0o755); err != nil {
		r.t.Fatal(err)
	}
	envs := make([]Env, len(cases))
	for attempt := 0; ; attempt++ {
		ports := freePorts(r.t, len(cases)+1)
		ready := ports[len(cases)]
		for i, c := range cases {
			envs[i] = Env{Port: ready, Ready: ready, Dir: filepath.Join(dir, c.Name), BatchDir: dir, UpHost: r.upHost, UpPort: r.upPort}
			if server != Varnish {
				envs[i].Port = ports[i]
			}
			for p, content := range c.FileMap(envs[i]) {
				writeFile(r.t, p, content)
			}
		}
		stop, err := r.start(server, dir, Config(server, cases, envs), ready)
		if err == nil {
			defer stop()
			break
		}
		if attempt >= 2 {
			r.t.Fatalf("%s did not start: %v", server, err)
		}
		if !strings.Contains(err.Error(), "in use") && len(cases) > 1 {
			// One case the server refuses sinks the batch: keep the others.
			var ok []*Case
			for i, c := range cases {
				if err := r.test(server, dir, Config(server, []*Case{c}, envs[i:i+1])); err != nil {
					r.t.Logf("generator wrote a %s case the server refuses (%s): %v\n%s", server, c.Name, err, c.Text())
					continue
				}
				ok = append(ok, c)
			}
			cases = ok
			envs = envs[:len(ok)]
			if len(cases) == 0 {
				return nil
			}
		}
	}
	var results []Result
	var mu sync.Mutex
	work := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range work {
				c, env := cases[i], envs[i]
				m := c.Model(env)
				for pi, p := range c.Probes {
					obs, err := probe(c, pi, p, env.Port)
					res := Result{Case: c, Probe: pi, Obs: obs, Err: err}
					if err == nil {
						var pr serverside.Prediction
						if pr, err = predictFor(m, c, p, env.Port); err == nil {
							res.Outcome = Compare(pr, obs)
						}
						res.Err = err
					}
					mu.Lock()
					results = append(results, res)
					mu.Unlock()
				}
			}
		}()
	}
	for i := range cases {
		work <- i
	}
	close(work)
	wg.Wait()
	if browse > 0 {
		r.BrowserChecks = append(r.BrowserChecks, r.browserSample(server, cases, envs, results, browse)...)
	}
	return results
}

// byHTTPLines splits cases into groups with the same statements in http
// context, in order of first appearance.
func byHTTPLines(cases []*Case) [][]*Case {
	var keys []string
	groups := map[string][]*Case{}
	for _, c := range cases {
		k := httpLines(c)
		if _, ok := groups[k]; !ok {
			keys = append(keys, k)
		}
		groups[k] = append(groups[k], c)
	}
	out := make([][]*Case, len(keys))
	for i, k := range keys {
		out[i] = groups[k]
	}
	return out
}

// httpLines are the statements of an nginx case in http context: cases
// run together only when theirs are the same.
func httpLines(c *Case) string {
	var b strings.Builder
	if c.Server == Nginx {
		for _, n := range c.Top {
			if n.Close == "" && len(n.Kids) == 0 {
				b.WriteString(n.Line)
				b.WriteByte('\n')
			}
		}
	}
	return b.String()
}

// freePorts returns n distinct free loopback ports: all are held open
// until the last is found, so none is handed out twice.
func freePorts(tb testing.TB, n int) []int {
	ports := make([]int, n)
	for i := range ports {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			tb.Fatal(err)
		}
		defer ln.Close()
		ports[i] = ln.Addr().(*net.TCPAddr).Port
	}
	return ports
}

func writeFile(tb testing.TB, path, content string) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		tb.Fatal(err)
	}
	mode := os.FileMode(0o644)
	if strings.HasSuffix(path, ".cgi") {
		// a script a ScriptAlias maps: mod_cgi runs it
		mode = 0o755
	}
	if err := os.WriteFile(path, []byte(content), mode); err != nil {
		tb.Fatal(err)
	}
}

// test runs the server's configuration check on one configuration.
func (r *Runner) test(server, dir, conf string) error {
	path := filepath.Join(dir, "check-"+ConfigName(server))
	if err := os.WriteFile(path, []byte(conf), 0o644); err != nil {
		return err
	}
	var cmd *exec.Cmd
	switch server {
	case Nginx:
		cmd = exec.Command(r.bins["nginx"], "-t", "-q", "-p", dir+"/", "-c", path, "-e", filepath.Join(dir, "check.log"))
	case Apache:
		cmd = exec.Command(r.bins["apache2"], "-t", "-d", dir, "-f", path)
	default:
		cmd = exec.Command(r.bins["varnishd"], "-C", "-f", path, "-n", filepath.Join(dir, "check-varnish"))
	}
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("%w: %s", err, lastLines(string(out), 8))
	}
	return nil
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// start launches the server in its own process group and waits until it
// answers HTTP on port; stop ends the group.
func (r *Runner) start(server, dir, conf string, port int) (stop func(), err error) {
	path := filepath.Join(dir, ConfigName(server))
	if err := os.WriteFile(path, []byte(conf), 0o644); err != nil {
		return nil, err
	}
	var cmd *exec.Cmd
	switch server {
	case Nginx:
		cmd = exec.Command(r.bins["nginx"], "-p", dir+"/", "-c", path, "-e", filepath.Join(dir, "error.log"), "-g", "daemon off;")
	case Apache:
		cmd = exec.Command(r.bins["apache2"], "-d", dir, "-f", path, "-DFOREGROUND")
	default:
		cmd = exec.Command(r.bins["varnishd"], "-F", "-a", fmt.Sprintf("127.0.0.1:%d", port), "-T", "127.0.0.1:0",
			"-f", path, "-n", filepath.Join(dir, "varnish"), "-s", "malloc,64m")
	}
	out, err := os.Create(filepath.Join(dir, server+".out"))
	if err != nil {
		return nil, err
	}
	defer out.Close()
	cmd.Stdout, cmd.Stderr = out, out
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", server, err)
	}
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	stop = func() {
		pid := cmd.Process.Pid
		_ = syscall.Kill(pid, syscall.SIGTERM)
		select {
		case <-done:
		case <-time.After(10 * time.Second):
		}
		// Workers and children are in the group.
		_ = syscall.Kill(-pid, syscall.SIGKILL)
		<-done
	}
	deadline := time.Now().Add(startTimeout)
	for {
		select {
		case <-done:
			b, _ := os.ReadFile(out.Name())
			e, _ := os.ReadFile(filepath.Join(dir, "error.log"))
			return nil, fmt.Errorf("%s exited before answering: %s %s", server, lastLines(string(b), 10), lastLines(string(e), 10))
		default:
		}
		if _, err := send(port, "127.0.0.1", "GET", "/__difftest_ready", nil); err == nil {
			return stop, nil
		}
		if time.Now().After(deadline) {
			stop()
			return nil, fmt.Errorf("%s not answering on %d after %s", server, port, startTimeout)
		}
		time.Sleep(30 * time.Millisecond)
	}
}

// probe sends the probe's preflight (when the request needs one) and its
// actual request, each on its own connection.
func probe(c *Case, pi int, p Probe, port int) (Observed, error) {
	var obs Observed
	host := c.Host(p)
	// Every probe has its own URL, so no cache holds an answer to another
	// probe; a probe with a Prior shares its URL with that one request.
	url := fmt.Sprintf("%s?probe=%s-%d", p.Path, c.Name, pi)
	up := []Header{{"X-Up-Cors", p.UpCORS}}
	if p.Prior != "" {
		for _, o := range append([]string{p.Prior}, p.Then...) {
			if _, err := send(port, host, "GET", url, append([]Header{{"Origin", o}}, up...)); err != nil {
				return obs, fmt.Errorf("prior request: %w", err)
			}
		}
	}
	req := c.Request(p, port)
	if need, names := browser.NeedsPreflight(req.Request); need {
		hs := []Header{{"Origin", p.Origin}, {"Access-Control-Request-Method", p.Method}}
		if len(names) > 0 {
			hs = append(hs, Header{"Access-Control-Request-Headers", strings.Join(names, ",")})
		}
		w, err := send(port, host, "OPTIONS", url, append(hs, up...))
		if err != nil {
			return obs, fmt.Errorf("preflight: %w", err)
		}
		obs.Preflight = w
	}
	hs := append([]Header{{"Origin", p.Origin}}, p.Headers...)
	w, err := send(port, host, p.Method, url, append(hs, up...))
	if err != nil {
		return obs, fmt.Errorf("actual: %w", err)
	}
	obs.Actual = w
	return obs, nil
}

// requestBody is what a probe sends with a method that carries a body, as
// a page's fetch() with one does (Varnish, for one, cannot retry it).
func requestBody(method string) string {
	switch method {
	case "POST", "PUT", "PATCH":
		return "{}"
	}
	return ""
}

// send writes one HTTP/1.1 request by hand (so Host and header order are
// exactly as given) and reads the status line and header lines back, in
// order, repeats included.
func send(port int, host, method, url string, hs []Header) (*oracle.Wire, error) {
	ctx, cancel := context.WithTimeout(context.Background(), probeTimeout)
	defer cancel()
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", fmt.Sprintf("127.0.0.1:%d", port))
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(probeTimeout))
	var b bytes.Buffer
	fmt.Fprintf(&b, "%s %s HTTP/1.1\r\nHost: %s\r\n", method, url, host)
	for _, h := range hs {
		if h.Value != "" {
			fmt.Fprintf(&b, "%s: %s\r\n", h.Name, h.Value)
		}
	}
	body := requestBody(method)
	if body != "" {
		fmt.Fprintf(&b, "Content-Length: %d\r\n", len(body))
	}
	b.WriteString("Connection: close\r\n\r\n" + body)
	if _, err := conn.Write(b.Bytes()); err != nil {
		return nil, err
	}
	return readHead(bufio.NewReader(conn))
}

func readHead(br *bufio.Reader) (*oracle.Wire, error) {
	for {
		line, err := br.ReadString('\n')
		if err != nil {
			return nil, fmt.Errorf("status line: %w", err)
		}
		proto, rest, _ := strings.Cut(strings.TrimRight(line, "\r\n"), " ")
		if !strings.HasPrefix(proto, "HTTP/1.") {
			return nil, fmt.Errorf("bad status line %q", line)
		}
		code, _, _ := strings.Cut(rest, " ")
		status, err := strconv.Atoi(code)
		if err != nil {
			return nil, fmt.Errorf("bad status line %q", line)
		}
		w := &oracle.Wire{Status: status}
		for {
			l, err := br.ReadString('\n')
			if err != nil && !errors.Is(err, io.EOF) {
				return nil, err
			}
			l = strings.TrimRight(l, "\r\n")
			if l == "" {
				break
			}
			name, value, ok := strings.Cut(l, ":")
			if !ok {
				return nil, fmt.Errorf("malformed header line %q", l)
			}
			w.Headers = append(w.Headers, oracle.Header{Name: name, Value: strings.Trim(value, " \t")})
		}
		if status >= 200 {
			return w, nil
		}
		// An interim response precedes the final one.
	}
}

// maxShrinkRounds bounds one shrink; each round is one server start.
const maxShrinkRounds = 40

// Shrink reduces a disagreeing probe of c to a minimal case that still
// disagrees: each round runs every one-step simplification on one server
// start and keeps the smallest that still disagrees.
func (r *Runner) Shrink(c *Case, pi int) Result {
	cur := c.Single(pi)
	next := namer(c.Name)
	best := Result{Case: cur, Outcome: Outcome{Kind: Disagree}}
	for round := 0; round < maxShrinkRounds; round++ {
		cands := Candidates(cur, next)
		if len(cands) == 0 {
			break
		}
		var found *Result
		for _, res := range r.batch(cur.Server, cands, 0) {
			if res.Err != nil || res.Outcome.Kind != Disagree {
				continue
			}
			if found == nil || res.Case.Size() < found.Case.Size() {
				res := res
				found = &res
			}
		}
		if found == nil {
			break
		}
		cur, best = found.Case, *found
	}
	if best.Obs.Actual == nil {
		// The case did not get smaller: observe it once as it is.
		for _, res := range r.batch(cur.Server, []*Case{cur}, 0) {
			best = res
		}
	}
	return best
}
