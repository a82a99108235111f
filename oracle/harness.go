//go:build oracle

package oracle

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

const (
	browserTimeout = 30 * time.Second
	startTimeout   = 20 * time.Second
	stopTimeout    = 10 * time.Second
)

// serverBinary is the executable a Scenario.Server needs.
func serverBinary(server string) (string, bool) {
	switch server {
	case "nginx":
		return "nginx", true
	case "apache":
		return "apache2", true
	case "varnish":
		return "varnishd", true
	case "express", "fastify", "koa", "hono", "workerd":
		// workerd itself comes from npm, like the Node frameworks; see
		// node.go.
		return "node", true
	}
	return "", false
}

// RunVars starts the scenario's server on its own ports, lets Chromium
// fetch from it and returns what the server sent, what the browser
// decided and the addresses the run used, so a prediction can be made for
// the same ports and origins. Everything it starts is stopped at test
// cleanup.
func RunVars(t *testing.T, s Scenario) (Observation, Vars) {
	t.Helper()
	return run(t, s)
}

// RequireTools skips the test when a binary is missing, or fails it when
// CI is set, so a CI machine without the servers cannot pass silently.
func RequireTools(t testing.TB, names ...string) map[string]string {
	t.Helper()
	paths := map[string]string{}
	var missing []string
	for _, n := range names {
		p, err := lookTool(n)
		if err != nil {
			missing = append(missing, n)
			continue
		}
		paths[n] = p
	}
	if len(missing) > 0 {
		msg := fmt.Sprintf("oracle: %s not installed; run .ci/install-oracle.sh", strings.Join(missing, ", "))
		if os.Getenv("CI") != "" {
			t.Fatal(msg + " (CI is set, so this is a failure)")
		}
		t.Skip(msg)
	}
	return paths
}

// lookTool also looks in the sbin directories, which a non-root PATH
// usually lacks but where Debian puts the servers.
func lookTool(name string) (string, error) {
	if p, err := exec.LookPath(name); err == nil {
		return p, nil
	}
	for _, dir := range []string{"/usr/sbin", "/usr/bin", "/sbin"} {
		p := filepath.Join(dir, name)
		if st, err := os.Stat(p); err == nil && !st.IsDir() && st.Mode()&0o111 != 0 {
			return p, nil
		}
	}
	return "", fmt.Errorf("%s not found", name)
}

func run(t *testing.T, s Scenario) (Observation, Vars) {
	t.Helper()
	bin, ok := serverBinary(s.Server)
	if !ok {
		t.Fatalf("unknown server %q", s.Server)
	}
	need := []string{bin, "chromium"}
	if s.UpstreamApp != "" {
		need = append(need, "node")
	}
	tools := RequireTools(t, need...)

	dir := tempDir(t)
	upLn, upPort := listenLocal(t)
	trusted := listenPage(t)
	untrusted := listenPage(t)
	if s.LookAlike != "" {
		untrusted.origin = "http://" + s.LookAlike + untrusted.origin[len("http://127.0.0.1"):]
	}
	pageOrigin := trusted.origin
	origin := pageOrigin
	if !s.Trusted {
		origin = untrusted.origin
	}

	v := Vars{
		Upstream:     fmt.Sprintf("127.0.0.1:%d", upPort),
		UpstreamHost: "127.0.0.1",
		UpstreamPort: upPort,
		Dir:          dir,
		PageOrigin:   pageOrigin,
		PageOriginRE: regexp.QuoteMeta(pageOrigin),
		Origin:       origin,
		PrimeOrigin:  s.PrimeFrom,
	}
	// The upstream's own ACAO may name the page origin, so it starts only
	// once that is known.
	if s.UpstreamApp != "" {
		_ = upLn.Close()
		startUpstreamApp(t, tools["node"], mustExpand(t, s.UpstreamApp, v), upPort)
	} else {
		serveHTTP(t, upLn, &upstream{opts: s.Upstream, acao: mustExpand(t, s.Upstream.ACAO, v)})
	}
	for name, text := range s.Files {
		writeFile(t, filepath.Join(dir, name), mustExpand(t, text, v))
	}

	srv := startServer(t, s.Server, tools[bin], s.AppFile, s.Config, &v)

	tap := startTap(t, srv.port)
	method := s.Request.Method
	if method == "" {
		method = http.MethodGet
	}
	v.URL = fmt.Sprintf("http://127.0.0.1:%d%s", tap.port, s.Request.Path)

	if s.PrimeFrom != "" {
		prime(t, v.URL, s.PrimeFrom)
	}

	page := trusted
	if !s.Trusted {
		page = untrusted
	}
	page.serve(t, pageHTML(t, pageConfig{
		URL: v.URL, Method: method, Headers: s.Request.Headers, Credentials: s.Request.Credentials,
	}))

	outcome, console := runBrowser(t, tools["chromium"], dir, page.origin+"/")
	exchanges := tap.finish(t)

	var obs Observation
	obs.Allowed = outcome.OK
	obs.Console = console
	for i := range exchanges {
		e := &exchanges[i]
		// Only what the browser sent counts; the priming request and the
		// readiness probe carry another origin or none.
		if e.Request.Get("Origin") != origin {
			continue
		}
		if e.isPreflight() {
			if obs.Preflight == nil {
				obs.Preflight = &e.Response
			}
		} else if e.Method == method && obs.Actual == nil {
			obs.Actual = &e.Response
		}
	}
	t.Logf("%s %s from %s: js=%+v", method, v.URL, origin, outcome)
	for _, e := range exchanges {
		t.Logf("wire: %s %s Origin=%q -> %s", e.Method, e.Path, e.Request.Get("Origin"), e.Response.String())
	}
	return obs, v
}

func mustExpand(t *testing.T, text string, v Vars) string {
	t.Helper()
	out, err := Expand(text, v)
	if err != nil {
		t.Fatalf("template: %v", err)
	}
	return out
}

// tempDir is world-readable because the servers drop root privileges
// (nginx workers, httpd children, Varnish's jail) and must still read
// their files.
func tempDir(t *testing.T) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "corslint-oracle-")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(dir) })
	return dir
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func listenLocal(t *testing.T) (net.Listener, int) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	return ln, ln.Addr().(*net.TCPAddr).Port
}

// serveHTTP serves h on ln until test cleanup.
func serveHTTP(t *testing.T, ln net.Listener, h http.Handler) {
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
}

// upstream is the Go backend behind the proxies.
type upstream struct {
	opts UpstreamOptions
	acao string // opts.ACAO expanded
}

func (u *upstream) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	switch {
	case u.opts.ReflectOrigin && r.Header.Get("Origin") != "":
		h.Set("Access-Control-Allow-Origin", r.Header.Get("Origin"))
	case u.acao != "":
		h.Set("Access-Control-Allow-Origin", u.acao)
	}
	if u.opts.Vary != "" {
		h.Set("Vary", u.opts.Vary)
	}
	if u.opts.Cacheable {
		h.Set("Cache-Control", "max-age=60")
	}
	h.Set("Content-Type", "application/json")

	status := http.StatusOK
	if r.Method == http.MethodOptions {
		// Like many application servers: no route for OPTIONS.
		h.Set("Allow", "GET, HEAD, POST, PUT, DELETE")
		status = http.StatusMethodNotAllowed
	} else if code, ok := strings.CutPrefix(r.URL.Path, "/status/"); ok {
		if n, err := strconv.Atoi(code); err == nil && n >= 200 && n <= 599 {
			status = n
		}
	}
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{
		"method": r.Method, "path": r.URL.Path, "status": status, "origin": r.Header.Get("Origin"),
	})
}

// pageServer serves the page whose script performs the fetch; its address
// is the page's origin.
type pageServer struct {
	ln     net.Listener
	origin string
}

func listenPage(t *testing.T) *pageServer {
	ln, port := listenLocal(t)
	p := &pageServer{ln: ln, origin: fmt.Sprintf("http://127.0.0.1:%d", port)}
	// Closing the listener is enough for a page that was never served.
	t.Cleanup(func() { _ = ln.Close() })
	return p
}

func (p *pageServer) serve(t *testing.T, page []byte) {
	serveHTTP(t, p.ln, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		_, _ = w.Write(page)
	}))
}

type pageConfig struct {
	URL         string            `json:"url"`
	Method      string            `json:"method"`
	Headers     map[string]string `json:"headers"`
	Credentials bool              `json:"credentials"`
	Body        string            `json:"body,omitempty"`
}

// pageOutcome is what the page script writes into the DOM.
type pageOutcome struct {
	OK      bool        `json:"ok"`
	Status  int         `json:"status,omitempty"`
	Headers [][2]string `json:"headers,omitempty"`
	Error   string      `json:"error,omitempty"`
}

const pageTemplate = `<!doctype html>
<html><head><meta charset="utf-8"><title>corslint oracle</title></head>
<body><pre id="result">pending</pre>
<script>
(async () => {
  const cfg = %s;
  const out = document.getElementById("result");
  // Cookies ignore ports, so this one reaches the server under test and
  // makes credentials: 'include' carry something.
  if (cfg.credentials) document.cookie = "oracle_session=1; path=/";
  try {
    const r = await fetch(cfg.url, {
      method: cfg.method,
      headers: cfg.headers || {},
      credentials: cfg.credentials ? "include" : "same-origin",
      ...(cfg.body ? {body: cfg.body} : {}),
    });
    const headers = [];
    r.headers.forEach((v, k) => headers.push([k, v]));
    await r.text();
    out.textContent = JSON.stringify({ok: true, status: r.status, headers});
  } catch (e) {
    out.textContent = JSON.stringify({ok: false, error: String(e)});
  }
})();
</script>
</body></html>
`

func pageHTML(t testing.TB, cfg pageConfig) []byte {
	// json.Marshal escapes <, > and &, so the config cannot end the script.
	js, err := json.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return []byte(fmt.Sprintf(pageTemplate, js))
}

// proc is a server process started in its own process group, so that its
// workers can be swept up with it.
type proc struct {
	name string
	cmd  *exec.Cmd
	done chan struct{}
	err  error
	out  string // combined stdout and stderr file
}

func startProc(t *testing.T, dir, name, bin string, args ...string) *proc {
	t.Helper()
	return startCmd(t, dir, name, exec.Command(bin, args...))
}

// startCmd starts a prepared command (its own environment or working
// directory) as startProc does.
func startCmd(t *testing.T, dir, name string, cmd *exec.Cmd) *proc {
	t.Helper()
	out := filepath.Join(dir, name+".out")
	f, err := os.Create(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	// A file, not a pipe: children holding a pipe open would stall Wait.
	cmd.Stdout, cmd.Stderr = f, f
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", name, err)
	}
	p := &proc{name: name, cmd: cmd, done: make(chan struct{}), out: out}
	go func() {
		p.err = cmd.Wait()
		close(p.done)
	}()
	t.Cleanup(p.stop)
	return p
}

// exitErr is how the process ended, once it has: Wait's error, or a
// clean exit said as such (a nil error would print as %!w(<nil>)).
func (p *proc) exitErr() error {
	if p.err == nil {
		return errors.New("exit status 0")
	}
	return p.err
}

func (p *proc) stop() {
	pid := p.cmd.Process.Pid
	select {
	case <-p.done:
	default:
		_ = syscall.Kill(pid, syscall.SIGTERM)
		select {
		case <-p.done:
		case <-time.After(stopTimeout):
			_ = syscall.Kill(-pid, syscall.SIGKILL)
			<-p.done
		}
	}
	// Workers that outlived their master are still in its group.
	_ = syscall.Kill(-pid, syscall.SIGKILL)
}

func (p *proc) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

func (p *proc) output() string {
	b, _ := os.ReadFile(p.out)
	return string(b)
}

type runningServer struct {
	proc *proc
	port int
}

// startServer renders the config for a free port and starts the server.
// A port picked free can be taken before the server binds it, so a bind
// failure is retried on a fresh port.
func startServer(t *testing.T, kind, bin, appFile, config string, v *Vars) *runningServer {
	t.Helper()
	var lastErr error
	for attempt := 0; attempt < 3; attempt++ {
		v.Port = freePort(t)
		conf := mustExpand(t, config, *v)
		var p *proc
		switch kind {
		case "nginx":
			p = startNginx(t, bin, v.Dir, conf)
		case "apache":
			p = startApache(t, bin, v.Dir, conf)
		case "varnish":
			p = startVarnish(t, bin, v.Dir, conf, v.Port)
		case "express", "fastify", "koa", "hono":
			p = startNodeApp(t, bin, v.Dir, kind, appFile, conf, v.Port)
		case "workerd":
			p = startWorkerd(t, v.Dir, conf, v.Port, v.Upstream)
		}
		err := waitReady(p, v.Port, filepath.Join(v.Dir, "error.log"))
		if err == nil {
			t.Cleanup(func() {
				if t.Failed() {
					t.Logf("%s output:\n%s\nerror.log:\n%s", p.name, p.output(), readTail(filepath.Join(v.Dir, "error.log")))
				}
			})
			return &runningServer{proc: p, port: v.Port}
		}
		p.stop()
		lastErr = err
		if !strings.Contains(err.Error(), "in use") {
			break
		}
	}
	t.Fatalf("%s did not start: %v", kind, lastErr)
	return nil
}

func freePort(t *testing.T) int {
	ln, port := listenLocal(t)
	_ = ln.Close()
	return port
}

func startNginx(t *testing.T, bin, dir, conf string) *proc {
	t.Helper()
	path := filepath.Join(dir, "nginx.conf")
	writeFile(t, path, conf)
	args := []string{"-p", dir + "/", "-c", path, "-e", filepath.Join(dir, "error.log"), "-g", "daemon off;"}
	if out, err := exec.Command(bin, append([]string{"-t", "-q"}, args...)...).CombinedOutput(); err != nil {
		t.Fatalf("nginx -t: %v\n%s\n%s", err, out, conf)
	}
	return startProc(t, dir, "nginx", bin, args...)
}

func startApache(t *testing.T, bin, dir, conf string) *proc {
	t.Helper()
	path := filepath.Join(dir, "httpd.conf")
	writeFile(t, path, conf)
	if out, err := exec.Command(bin, "-t", "-d", dir, "-f", path).CombinedOutput(); err != nil {
		t.Fatalf("apache2 -t: %v\n%s\n%s", err, out, conf)
	}
	return startProc(t, dir, "apache", bin, "-d", dir, "-f", path, "-DFOREGROUND")
}

func startVarnish(t *testing.T, bin, dir, vcl string, port int) *proc {
	t.Helper()
	path := filepath.Join(dir, "default.vcl")
	writeFile(t, path, vcl)
	// varnishd compiles the VCL at start and exits on an error, which
	// waitReady reports with its output; -C cannot be combined with -F.
	return startProc(t, dir, "varnish", bin,
		"-F", "-a", fmt.Sprintf("127.0.0.1:%d", port), "-T", "127.0.0.1:0",
		"-f", path, "-n", filepath.Join(dir, "varnish"), "-s", "malloc,64m")
}

// waitReady waits until the server answers HTTP on its port. An HTTP
// answer, not just a TCP accept, because Varnish accepts before its cache
// process runs. The probe path is not used by any scenario, so it does not
// disturb Varnish's cache.
func waitReady(p *proc, port int, errorLog string) error {
	client := &http.Client{
		Timeout:   2 * time.Second,
		Transport: &http.Transport{DisableKeepAlives: true, Proxy: nil},
	}
	url := fmt.Sprintf("http://127.0.0.1:%d/__oracle_probe", port)
	deadline := time.Now().Add(startTimeout)
	for {
		if p.exited() {
			return fmt.Errorf("%s exited (%w) before answering:\n%s\n%s", p.name, p.exitErr(), p.output(), readTail(errorLog))
		}
		resp, err := client.Get(url)
		if err == nil {
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			// Another process may hold the port (it was free when picked):
			// the probe then reached that one, and ours exits on its bind
			// failure shortly after.
			time.Sleep(100 * time.Millisecond)
			if p.exited() {
				return fmt.Errorf("%s exited (%w) after its port answered:\n%s\n%s", p.name, p.exitErr(), p.output(), readTail(errorLog))
			}
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s not answering on port %d after %s: %w\n%s", p.name, port, startTimeout, err, p.output())
		}
		time.Sleep(25 * time.Millisecond)
	}
}

func readTail(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	if len(b) > 4000 {
		b = b[len(b)-4000:]
	}
	return string(b)
}

// prime makes the request a first visitor from origin would make, through
// the tap so the Host header (and Varnish's cache key) match the browser's.
func prime(t *testing.T, url, origin string) {
	t.Helper()
	client := &http.Client{
		Timeout:   10 * time.Second,
		Transport: &http.Transport{DisableKeepAlives: true, Proxy: nil},
	}
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Origin", origin)
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("priming request: %v", err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
}

// tap is a TCP relay in front of the server under test that keeps every
// byte both ways, so responses can be read exactly as the server sent
// them: header order and repeated names included, and only for requests
// the browser really made.
type tap struct {
	ln    net.Listener
	port  int
	wg    sync.WaitGroup
	mu    sync.Mutex
	conns []*tapConn
}

type tapConn struct {
	client, server net.Conn
	toServer       bytes.Buffer
	toClient       bytes.Buffer
}

func startTap(t *testing.T, serverPort int) *tap {
	ln, port := listenLocal(t)
	tp := &tap{ln: ln, port: port}
	target := fmt.Sprintf("127.0.0.1:%d", serverPort)
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			s, err := net.Dial("tcp", target)
			if err != nil {
				_ = c.Close()
				continue
			}
			tc := &tapConn{client: c, server: s}
			tp.mu.Lock()
			tp.conns = append(tp.conns, tc)
			tp.mu.Unlock()
			tp.wg.Add(1)
			go tc.relay(&tp.wg)
		}
	}()
	t.Cleanup(func() { tp.closeAll() })
	return tp
}

func (c *tapConn) relay(wg *sync.WaitGroup) {
	defer wg.Done()
	var both sync.WaitGroup
	both.Add(2)
	pipe := func(dst, src net.Conn, keep *bytes.Buffer) {
		defer both.Done()
		_, _ = io.Copy(io.MultiWriter(dst, keep), src)
		// Pass the half-close on so the other side sees the end too.
		if tc, ok := dst.(*net.TCPConn); ok {
			_ = tc.CloseWrite()
		}
	}
	go pipe(c.server, c.client, &c.toServer)
	go pipe(c.client, c.server, &c.toClient)
	both.Wait()
	_ = c.client.Close()
	_ = c.server.Close()
}

func (tp *tap) closeAll() {
	_ = tp.ln.Close()
	tp.mu.Lock()
	defer tp.mu.Unlock()
	for _, c := range tp.conns {
		_ = c.client.Close()
		_ = c.server.Close()
	}
}

// finish stops accepting, lets open connections drain (the browser has
// exited, so they are closing) and parses what went over each.
func (tp *tap) finish(t *testing.T) []exchange {
	t.Helper()
	_ = tp.ln.Close()
	drained := make(chan struct{})
	go func() {
		tp.wg.Wait()
		close(drained)
	}()
	select {
	case <-drained:
	case <-time.After(3 * time.Second):
		tp.closeAll()
		<-drained
	}
	tp.mu.Lock()
	defer tp.mu.Unlock()
	var all []exchange
	for i, c := range tp.conns {
		ex, err := parseExchanges(c.toServer.Bytes(), c.toClient.Bytes())
		if err != nil {
			t.Errorf("connection %d: %v\nclient sent:\n%s\nserver sent:\n%s", i, err, c.toServer.Bytes(), c.toClient.Bytes())
		}
		all = append(all, ex...)
	}
	return all
}

// runBrowser loads the page in a fresh headless Chromium and returns the
// fetch outcome from the dumped DOM and the CORS message from the console.
func runBrowser(t testing.TB, bin, dir, pageURL string, flags ...string) (pageOutcome, string) {
	t.Helper()
	profile, err := os.MkdirTemp(dir, "profile-")
	if err != nil {
		t.Fatal(err)
	}
	stdoutPath := profile + ".stdout"
	stderrPath := profile + ".stderr"
	stdout, err := os.Create(stdoutPath)
	if err != nil {
		t.Fatal(err)
	}
	stderr, err := os.Create(stderrPath)
	if err != nil {
		t.Fatal(err)
	}
	args := []string{
		"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--no-proxy-server",          // a CI http_proxy must not sit between page and server
		"--user-data-dir=" + profile, // fresh, so no preflight cache or cookie carries over
		"--enable-logging=stderr", "--v=0",
		"--virtual-time-budget=10000", // without it the DOM is dumped before fetch settles
	}
	args = append(append(args, flags...), "--dump-dom", pageURL)
	cmd := exec.Command(bin, args...)
	// Files, not pipes: Chromium's helpers may outlive it holding them.
	cmd.Stdout, cmd.Stderr = stdout, stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		stdout.Close()
		stderr.Close()
		t.Fatalf("start chromium: %v", err)
	}
	stdout.Close()
	stderr.Close()
	pid := cmd.Process.Pid
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	var waitErr error
	select {
	case waitErr = <-done:
	case <-time.After(browserTimeout):
		_ = syscall.Kill(-pid, syscall.SIGKILL)
		waitErr = <-done
		t.Fatalf("chromium did not finish within %s (%v)", browserTimeout, waitErr)
	}
	// Renderer, zygote and crashpad share the group; none may linger.
	_ = syscall.Kill(-pid, syscall.SIGKILL)

	dom, _ := os.ReadFile(stdoutPath)
	logs, _ := os.ReadFile(stderrPath)
	m := regexp.MustCompile(`(?s)<pre id="result">(.*?)</pre>`).FindSubmatch(dom)
	if m == nil {
		t.Fatalf("chromium (%v) dumped no result element:\n%s\nstderr:\n%s", waitErr, dom, consoleLines(string(logs)))
	}
	text := html.UnescapeString(string(m[1]))
	var out pageOutcome
	if err := json.Unmarshal([]byte(text), &out); err != nil {
		t.Fatalf("fetch did not settle (%q): %v\nstderr:\n%s", text, err, consoleLines(string(logs)))
	}
	return out, corsMessage(string(logs))
}

// consoleLines keeps the console output; the rest of Chromium's stderr is
// noise such as D-Bus complaints.
func consoleLines(logs string) string {
	var keep []string
	for _, line := range strings.Split(logs, "\n") {
		if strings.Contains(line, ":CONSOLE") {
			keep = append(keep, line)
		}
	}
	return strings.Join(keep, "\n")
}

// corsMessage extracts the "Access to fetch at ..." text from lines like
//
//	[pid:tid:time:INFO:CONSOLE:0] "Access to fetch at ...", source: http://... (0)
func corsMessage(logs string) string {
	var msgs []string
	for _, line := range strings.Split(consoleLines(logs), "\n") {
		i := strings.Index(line, `] "`)
		j := strings.LastIndex(line, `", source: `)
		if i < 0 || j < i+3 {
			continue
		}
		if msg := line[i+3 : j]; strings.HasPrefix(msg, "Access to fetch at ") {
			msgs = append(msgs, msg)
		}
	}
	return strings.Join(msgs, "\n")
}
