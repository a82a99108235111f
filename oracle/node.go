//go:build oracle

package oracle

import (
	"bytes"
	_ "embed" // the pinned lock file
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// nodeLock is the lock file scripts/install-deps installs from; the
// installed copy must match it byte for byte, so a run never uses other
// versions of Express, Fastify, Koa, Hono, their CORS middleware, workerd
// or TypeScript than the ones the facts were measured with.
//
//go:embed testdata/node/package-lock.json
var nodeLock []byte

// toolsDir is where scripts/install-deps puts what does not come from
// Debian; the same rule as the script's.
func toolsDir() string {
	if d := os.Getenv("CORSLINT_TOOLS"); d != "" {
		return d
	}
	cache := os.Getenv("XDG_CACHE_HOME")
	if cache == "" {
		cache = filepath.Join(os.Getenv("HOME"), ".cache")
	}
	return filepath.Join(cache, "corslint-tools")
}

// RequireNodeModules returns the node_modules directory with the pinned
// application servers, skipping the test when it is missing or stale, or
// failing it when CI is set, like RequireTools.
func RequireNodeModules(t testing.TB) string {
	t.Helper()
	dir := filepath.Join(toolsDir(), "node-oracle")
	installed, err := os.ReadFile(filepath.Join(dir, "package-lock.json"))
	var problem string
	switch {
	case err != nil:
		problem = "not installed"
	case !bytes.Equal(installed, nodeLock):
		problem = "installed from another lock file"
	}
	mods := filepath.Join(dir, "node_modules")
	if problem == "" {
		if _, err := os.Stat(filepath.Join(mods, "express", "package.json")); err != nil {
			problem = "not installed"
		}
	}
	if problem != "" {
		msg := fmt.Sprintf("oracle: the npm packages in %s %s; run scripts/install-deps", dir, problem)
		if os.Getenv("CI") != "" {
			t.Fatal(msg + " (CI is set, so this is a failure)")
		}
		t.Skip(msg)
	}
	return mods
}

// workerdBinary is the platform package's executable; the npm wrapper in
// node_modules/.bin would sit between the harness and the process group.
func workerdBinary(t testing.TB, mods string) string {
	t.Helper()
	found, _ := filepath.Glob(filepath.Join(mods, "@cloudflare", "workerd-*", "bin", "workerd"))
	if len(found) == 0 {
		msg := "oracle: no workerd binary for this platform in " + mods
		if os.Getenv("CI") != "" {
			t.Fatal(msg + " (CI is set, so this is a failure)")
		}
		t.Skip(msg)
	}
	return found[0]
}

// startNodeApp runs the scenario's application (Express, Fastify, Koa or
// Hono, named by kind) with node. The app reads
// its port and address from PORT and HOST as deployed apps do; node
// resolves require('express') through a node_modules link beside it. An
// application in TypeScript is compiled first, since node 20 runs none.
func startNodeApp(t *testing.T, bin, dir, kind, appFile, app string, port int) *proc {
	t.Helper()
	mods := RequireNodeModules(t)
	link := filepath.Join(dir, "node_modules")
	if _, err := os.Lstat(link); err != nil {
		if err := os.Symlink(mods, link); err != nil {
			t.Fatal(err)
		}
	}
	if appFile == "" {
		appFile = "app.js"
	}
	writeFile(t, filepath.Join(dir, appFile), app)
	main := appFile
	if ext := filepath.Ext(appFile); ext == ".ts" {
		main = strings.TrimSuffix(appFile, ext) + ".js"
		compileTS(t, bin, dir, appFile, main)
	}
	cmd := exec.Command(bin, main)
	cmd.Dir = dir
	// production: the default error handler's page carries no stack, as
	// deployed; the headers it keeps do not depend on it.
	cmd.Env = append(os.Environ(), "PORT="+strconv.Itoa(port), "HOST=127.0.0.1", "NODE_ENV=production")
	return startCmd(t, dir, kind, cmd)
}

// workerdConfig serves the Worker on the port under test; every fetch()
// it makes goes to the Go upstream whatever its URL, so a Worker that
// proxies fetch(request) reaches the origin behind it.
const workerdConfig = `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [
    (name = "main", worker = .worker),
    (name = "origin", external = (address = "%s", http = ())),
  ],
  sockets = [ (name = "http", address = "127.0.0.1:%d", http = (), service = "main") ],
);
const worker :Workerd.Worker = (
  %s,
  compatibilityDate = "2025-01-01",
  globalOutbound = "origin",
);
`

// startWorkerd runs the scenario's Worker, in module or service-worker
// syntax, in Cloudflare's runtime.
func startWorkerd(t *testing.T, dir, worker string, port int, upstream string) *proc {
	t.Helper()
	bin := workerdBinary(t, RequireNodeModules(t))
	writeFile(t, filepath.Join(dir, "worker.js"), worker)
	conf := filepath.Join(dir, "workerd.capnp")
	// A module Worker exports its handler; without an export it is a
	// service worker, which registers a fetch listener instead.
	script := `serviceWorkerScript = embed "worker.js"`
	if strings.Contains(worker, "export default") {
		script = `modules = [ (name = "worker.js", esModule = embed "worker.js") ]`
	}
	writeFile(t, conf, fmt.Sprintf(workerdConfig, upstream, port, script))
	cmd := exec.Command(bin, "serve", "--verbose", conf)
	cmd.Dir = dir
	return startCmd(t, dir, "workerd", cmd)
}

// compileTS is what tsc does to each file, without type checking:
// TypeScript's transpileModule to CommonJS, with esModuleInterop so that
// import express from 'express' works as in a project's tsconfig.
const compileTSScript = `const ts = require('typescript');
const fs = require('fs');
const [src, out] = process.argv.slice(1);
const r = ts.transpileModule(fs.readFileSync(src, 'utf8'), {
  fileName: src,
  reportDiagnostics: true,
  compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2020, esModuleInterop: true },
});
if (r.diagnostics.length) {
  console.error(ts.formatDiagnostics(r.diagnostics, { getCanonicalFileName: (f) => f, getCurrentDirectory: () => '.', getNewLine: () => '\n' }));
  process.exit(1);
}
fs.writeFileSync(out, r.outputText);
`

func compileTS(t *testing.T, node, dir, src, out string) {
	t.Helper()
	cmd := exec.Command(node, "-e", compileTSScript, src, out)
	cmd.Dir = dir
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("compiling %s: %v\n%s", src, err, b)
	}
}

// RunProbe starts the probe's application and sends its one request with
// plain HTTP, returning the response as it was on the wire.
func RunProbe(t *testing.T, p Probe) *Wire {
	t.Helper()
	bin, ok := serverBinary(p.Server)
	if !ok {
		t.Fatalf("unknown server %q", p.Server)
	}
	tools := RequireTools(t, bin)
	upLn, upPort := listenLocal(t)
	v := Vars{
		Upstream: fmt.Sprintf("127.0.0.1:%d", upPort), UpstreamHost: "127.0.0.1", UpstreamPort: upPort,
		Dir: tempDir(t), PageOrigin: ProbeOrigin, PageOriginRE: regexp.QuoteMeta(ProbeOrigin),
	}
	serveHTTP(t, upLn, &upstream{})
	srv := startServer(t, p.Server, tools[bin], p.AppFile, p.Config, &v)

	var req strings.Builder
	fmt.Fprintf(&req, "%s %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nConnection: close\r\n", p.Method, p.Path, srv.port)
	for name, tv := range p.Headers {
		fmt.Fprintf(&req, "%s: %s\r\n", name, mustExpand(t, tv, v))
	}
	req.WriteString("\r\n")
	conn, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", srv.port), 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := io.WriteString(conn, req.String()); err != nil {
		t.Fatal(err)
	}
	raw, err := io.ReadAll(conn)
	if err != nil {
		t.Fatalf("reading the answer to %s %s: %v", p.Method, p.Path, err)
	}
	resps, err := parseResponses(raw, []string{p.Method})
	if err != nil || len(resps) != 1 {
		t.Fatalf("%s %s: %d responses, %v\n%s", p.Method, p.Path, len(resps), err, raw)
	}
	return &resps[0]
}

// CheckProbe compares a probe's answer with its facts.
func CheckProbe(p Probe, got *Wire) []string {
	return checkWire("answer", &p.Expect, got, Vars{PageOrigin: ProbeOrigin})
}

// startUpstreamApp runs an Express application as the upstream of a proxy
// scenario, on the port the proxy's configuration names, in a directory of
// its own.
func startUpstreamApp(t *testing.T, node, app string, port int) {
	t.Helper()
	dir := tempDir(t)
	p := startNodeApp(t, node, dir, "express", "", app, port)
	if err := waitReady(p, port, ""); err != nil {
		t.Fatalf("the upstream application did not start: %v", err)
	}
}
