//go:build oracle

package difftest

import (
	"fmt"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"sort"
	"strings"

	"github.com/corslint/corslint/browser"
	"github.com/corslint/corslint/oracle"
	"github.com/corslint/corslint/serverside"
)

// BrowserCheck is one probe run again in headless Chromium: its verdict
// and console message beside those package browser predicts from the
// predicted headers.
type BrowserCheck struct {
	Server, Case string
	Probe        Probe
	Predicted    browser.Verdict
	PredStatus   int
	Got          oracle.BrowserResult
}

// Agrees reports whether Chromium decided as predicted, with the same
// console message and, when it let the page read the response, status.
func (b BrowserCheck) Agrees() bool {
	if b.Predicted.Allowed != b.Got.Allowed || b.Predicted.Message != b.Got.Console {
		return false
	}
	return !b.Got.Allowed || b.Got.Status == b.PredStatus
}

func (b BrowserCheck) String() string {
	return fmt.Sprintf("%s %s %s: predicted allowed=%v status %d %q; chromium allowed=%v status %d %q",
		b.Server, b.Case, b.Probe, b.Predicted.Allowed, b.PredStatus, b.Predicted.Message, b.Got.Allowed, b.Got.Status, b.Got.Console)
}

// pageOrigins are the probe origins a page can have: https ones, which
// Chromium's resolver can send to a loopback page server.
var pageOrigins = map[string]bool{TrustedA: true, TrustedB: true, Untrusted: true, LookAlike: true}

// browserSample runs up to n of a batch's probes in Chromium while the
// server still runs: probes whose prediction agreed with the server (so
// the predicted headers are the real ones), from an https origin, not
// after an earlier request (the cache would hold another answer) and not
// answered with a redirect (Chromium follows it, the probe does not).
func (r *Runner) browserSample(server string, cases []*Case, envs []Env, results []Result, n int) []BrowserCheck {
	r.t.Helper()
	env := map[*Case]Env{}
	for i, c := range cases {
		env[c] = envs[i]
	}
	var pool []Result
	for _, res := range results {
		p := res.Case.Probes[res.Probe]
		if res.Err == nil && res.Outcome.Kind == Agree && pageOrigins[p.Origin] && p.Prior == "" &&
			res.Obs.Actual != nil && (res.Obs.Actual.Status < 300 || res.Obs.Actual.Status >= 400) {
			pool = append(pool, res)
		}
	}
	sort.Slice(pool, func(i, j int) bool {
		if pool[i].Case.Name != pool[j].Case.Name {
			return pool[i].Case.Name < pool[j].Case.Name
		}
		return pool[i].Probe < pool[j].Probe
	})
	var out []BrowserCheck
	for k := 0; k < n && k < len(pool); k++ {
		res := pool[k*len(pool)/min(n, len(pool))]
		chk, err := r.inBrowser(res, env[res.Case])
		if err != nil {
			r.t.Errorf("chromium sample %s %s probe %d: %v", server, res.Case.Name, res.Probe, err)
			continue
		}
		out = append(out, chk)
	}
	return out
}

// inBrowser runs one probe from a page in Chromium. The page fetches
// through a loopback relay that gives the request the probe's Host and
// upstream instruction, which a page cannot set itself.
func (r *Runner) inBrowser(res Result, env Env) (BrowserCheck, error) {
	c, p := res.Case, res.Case.Probes[res.Probe]
	target := &url.URL{Scheme: "http", Host: fmt.Sprintf("127.0.0.1:%d", env.Port)}
	relay := &httputil.ReverseProxy{Rewrite: func(pr *httputil.ProxyRequest) {
		pr.SetURL(target)
		pr.Out.Host = c.Host(p)
		pr.Out.Header.Del("Cookie") // the probes send none either
		if p.UpCORS != "" {
			pr.Out.Header.Set("X-Up-Cors", p.UpCORS)
		}
	}}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return BrowserCheck{}, fmt.Errorf("relay: %w", err)
	}
	srv := &http.Server{Handler: relay, ReadHeaderTimeout: probeTimeout}
	go func() { _ = srv.Serve(ln) }()
	defer srv.Close()

	fetchURL := fmt.Sprintf("http://%s%s?probe=%s-%d-chromium", ln.Addr(), p.Path, c.Name, res.Probe)
	hs := map[string]string{}
	for _, h := range p.Headers {
		hs[h.Name] = h.Value
	}
	got, err := oracle.FetchFromPage(r.t, r.bins["chromium"], oracle.PageFetch{
		Origin: p.Origin, URL: fetchURL, Method: p.Method, Headers: hs, Credentials: p.Credentials,
		Body: requestBody(p.Method),
	})
	if err != nil {
		return BrowserCheck{}, err
	}
	pr, err := predictFor(c.Model(env), c, p, env.Port)
	if err != nil {
		return BrowserCheck{}, err
	}
	req := c.Request(p, env.Port).Request
	req.URL = fetchURL
	chk := BrowserCheck{Server: c.Server, Case: c.Name, Probe: p, Predicted: verdictFrom(req, pr), Got: got}
	if pr.Actual != nil {
		chk.PredStatus = pr.Actual.Status
	}
	return chk, nil
}

// verdictFrom is package browser's verdict on the predicted answers.
func verdictFrom(req browser.Request, pr serverside.Prediction) browser.Verdict {
	wire := func(a *serverside.Answer) *browser.Response {
		if a == nil {
			return nil
		}
		w := &browser.Response{Status: a.Status}
		for _, l := range a.Headers {
			w.Headers = append(w.Headers, browser.Header{Name: l.Name, Value: l.Value})
		}
		return w
	}
	if pr.Preflight != nil {
		if v := browser.CheckPreflight(req, *wire(pr.Preflight)); !v.Allowed {
			return v
		}
	}
	return browser.Evaluate(req, wire(pr.Preflight), wire(pr.Actual))
}

// browserTally sums a run's Chromium sample per server.
func browserTally(checks []BrowserCheck) string {
	n, agree := map[string]int{}, map[string]int{}
	for _, b := range checks {
		n[b.Server]++
		if b.Agrees() {
			agree[b.Server]++
		}
	}
	var parts []string
	total, ok := 0, 0
	for _, s := range sortedKeys(n) {
		parts = append(parts, fmt.Sprintf("%s %d/%d", s, agree[s], n[s]))
		total += n[s]
		ok += agree[s]
	}
	return fmt.Sprintf("chromium sample: %d of %d probes agree (%s)", ok, total, strings.Join(parts, ", "))
}
