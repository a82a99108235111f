package browser

import (
	"context"
	"encoding/json"
	"fmt"
	"html"
	"net"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// liveCase is one request a page makes and what the server answers.
type liveCase struct {
	name      string
	host      string // target host when not 127.0.0.1; resolved to it by Chromium
	method    string
	headers   []Header
	creds     bool
	preflight Response // the answer to OPTIONS
	actual    Response
}

// liveCases covers every Reason and the points the Chromium sources leave
// open (which header is named first, method case, GURL validity).
func liveCases() []liveCase {
	const page = "{{origin}}" // replaced by the page's origin
	ok := []Header{{"Access-Control-Allow-Origin", page}}
	okCreds := []Header{{"Access-Control-Allow-Origin", page}, {"Access-Control-Allow-Credentials", "true"}}
	with := func(base []Header, more ...Header) []Header {
		return append(append([]Header(nil), base...), more...)
	}
	long := strings.Repeat("a", 128)
	digits := strings.Repeat("1", 128)
	return []liveCase{
		{name: "simple-allowed", actual: Response{200, ok}},
		{name: "simple-missing", actual: Response{200, nil}},
		{name: "simple-500-missing", actual: Response{500, nil}},
		{name: "multiple", actual: Response{200, with(ok, Header{"Access-Control-Allow-Origin", page})}},
		{name: "multiple-star", actual: Response{200, []Header{{"Access-Control-Allow-Origin", "*"}, {"Access-Control-Allow-Origin", "*"}}}},
		{name: "wildcard-creds", creds: true, actual: Response{200, []Header{{"Access-Control-Allow-Origin", "*"}, {"Access-Control-Allow-Credentials", "true"}}}},
		{name: "wildcard-no-creds", actual: Response{200, []Header{{"Access-Control-Allow-Origin", "*"}}}},
		{name: "mismatch", actual: Response{200, []Header{{"Access-Control-Allow-Origin", "http://127.0.0.1:1"}}}},
		{name: "mismatch-null", actual: Response{200, []Header{{"Access-Control-Allow-Origin", "null"}}}},
		{name: "invalid-no-scheme", actual: Response{200, []Header{{"Access-Control-Allow-Origin", "example.com"}}}},
		{name: "localhost-port", actual: Response{200, []Header{{"Access-Control-Allow-Origin", "localhost:3000"}}}},
		{name: "invalid-empty-host", actual: Response{200, []Header{{"Access-Control-Allow-Origin", "http://"}}}},
		{name: "trailing-slash", actual: Response{200, []Header{{"Access-Control-Allow-Origin", page + "/"}}}},
		{name: "empty-acao", actual: Response{200, []Header{{"Access-Control-Allow-Origin", ""}}}},
		{name: "acac-True", creds: true, actual: Response{200, with(ok, Header{"Access-Control-Allow-Credentials", "True"})}},
		{name: "acac-missing", creds: true, actual: Response{200, ok}},
		{name: "acac-twice", creds: true, actual: Response{200, with(okCreds, Header{"Access-Control-Allow-Credentials", "true"})}},
		{name: "creds-allowed", creds: true, actual: Response{200, okCreds}},
		{name: "put-405-bare", method: "PUT", preflight: Response{405, nil}, actual: Response{200, ok}},
		{name: "put-405-cors", method: "PUT", preflight: Response{405, with(ok, Header{"Access-Control-Allow-Methods", "PUT"})}, actual: Response{200, ok}},
		{name: "put-405-mismatch", method: "PUT", preflight: Response{405, []Header{{"Access-Control-Allow-Origin", "http://127.0.0.1:1"}}}, actual: Response{200, ok}},
		{name: "put-redirect", method: "PUT", preflight: Response{302, with(ok, Header{"Location", "/elsewhere"})}, actual: Response{200, ok}},
		{name: "put-not-listed", method: "PUT", preflight: Response{204, with(ok, Header{"Access-Control-Allow-Methods", "GET, POST"})}, actual: Response{200, ok}},
		{name: "put-bad-acam", method: "PUT", preflight: Response{204, with(ok, Header{"Access-Control-Allow-Methods", "PUT;"})}, actual: Response{200, ok}},
		{name: "put-allowed", method: "PUT", preflight: Response{204, with(ok, Header{"Access-Control-Allow-Methods", "GET, PUT"})}, actual: Response{200, ok}},
		{name: "put-allowed-actual-missing", method: "PUT", preflight: Response{204, with(ok, Header{"Access-Control-Allow-Methods", "PUT"})}, actual: Response{200, nil}},
		{name: "patch-lower", method: "patch", preflight: Response{204, with(ok, Header{"Access-Control-Allow-Methods", "PATCH"})}, actual: Response{200, ok}},
		{name: "patch-upper-listed-lower", method: "PATCH", preflight: Response{204, with(ok, Header{"Access-Control-Allow-Methods", "patch"})}, actual: Response{200, ok}},
		{name: "put-lower-normalized", method: "put", preflight: Response{204, with(ok, Header{"Access-Control-Allow-Methods", "PUT"})}, actual: Response{200, ok}},
		{name: "methods-star", method: "DELETE", preflight: Response{204, with(ok, Header{"Access-Control-Allow-Methods", "*"})}, actual: Response{200, ok}},
		{name: "methods-star-creds", method: "DELETE", creds: true, preflight: Response{204, with(okCreds, Header{"Access-Control-Allow-Methods", "*"})}, actual: Response{200, okCreds}},
		{name: "auth-no-acah", headers: []Header{{"Authorization", "Bearer x"}}, preflight: Response{204, with(ok, Header{"Access-Control-Allow-Methods", "GET"})}, actual: Response{200, ok}},
		{name: "auth-star", headers: []Header{{"Authorization", "Bearer x"}}, preflight: Response{204, with(ok, Header{"Access-Control-Allow-Headers", "*"})}, actual: Response{200, ok}},
		{name: "custom-star-creds", creds: true, headers: []Header{{"X-Custom", "1"}}, preflight: Response{204, with(okCreds, Header{"Access-Control-Allow-Headers", "*"})}, actual: Response{200, okCreds}},
		{name: "bad-acah", headers: []Header{{"X-Custom", "1"}}, preflight: Response{204, with(ok, Header{"Access-Control-Allow-Headers", "x-custom, (bad)"})}, actual: Response{200, ok}},
		{name: "acah-case", headers: []Header{{"X-Custom", "1"}}, preflight: Response{204, with(ok, Header{"Access-Control-Allow-Headers", "X-CUSTOM"})}, actual: Response{200, ok}},
		{name: "order-1", headers: []Header{{"X-B", "1"}, {"X-A", "1"}, {"Authorization", "x"}}, preflight: Response{204, ok}, actual: Response{200, ok}},
		{name: "order-2", headers: []Header{{"Zeta", "1"}, {"Alpha", "1"}}, preflight: Response{204, ok}, actual: Response{200, ok}},
		{name: "order-3", headers: []Header{{"X-Requested-With", "x"}, {"Content-Type", "application/json"}, {"Authorization", "x"}}, preflight: Response{204, ok}, actual: Response{200, ok}},
		{name: "order-4", headers: []Header{{"Content-Type", "application/json"}, {"X-Api-Key", "k"}}, preflight: Response{204, with(ok, Header{"Access-Control-Allow-Headers", "x-api-key"})}, actual: Response{200, ok}},
		{name: "order-untrusted-host", host: "api.test", headers: []Header{{"X-B", "1"}, {"X-A", "1"}, {"Authorization", "x"}}, preflight: Response{204, ok}, actual: Response{200, ok}},
		{name: "order-untrusted-host-2", host: "api.test", headers: []Header{{"Zeta", "1"}, {"Alpha", "1"}}, preflight: Response{204, ok}, actual: Response{200, ok}},
		{name: "order-auth-listed", headers: []Header{{"Content-Type", "application/json"}, {"Authorization", "x"}, {"X-Requested-With", "XMLHttpRequest"}}, preflight: Response{204, with(ok, Header{"Access-Control-Allow-Headers", "authorization"})}, actual: Response{200, ok}},
		{name: "order-many", headers: []Header{{"X-Api-Key", "k"}, {"X-Request-Id", "1"}, {"X-Csrf-Token", "t"}, {"Content-Type", "application/json"}}, preflight: Response{204, with(ok, Header{"Access-Control-Allow-Headers", "x-request-id"})}, actual: Response{200, ok}},
		{name: "json-post", method: "POST", headers: []Header{{"Content-Type", "application/json"}}, preflight: Response{204, ok}, actual: Response{200, ok}},
		{name: "text-plain-post", method: "POST", headers: []Header{{"Content-Type", "text/plain;charset=UTF-8"}}, preflight: Response{204, nil}, actual: Response{200, ok}},
		{name: "quoted-charset", method: "POST", headers: []Header{{"Content-Type", `text/plain; charset="utf-8"`}}, preflight: Response{204, ok}, actual: Response{200, ok}},
		{name: "accept-129", headers: []Header{{"Accept", long + "b"}}, preflight: Response{204, ok}, actual: Response{200, ok}},
		{name: "over-1024", headers: []Header{
			{"Accept", long}, {"Accept-Language", long}, {"Content-Language", long},
			{"Intervention", long}, {"DPR", digits}, {"Width", digits}, {"Viewport-Width", digits},
			{"RTT", digits}, {"Downlink", digits},
		}, preflight: Response{204, ok}, actual: Response{200, ok}},
		{name: "save-data", headers: []Header{{"Save-Data", "on"}}, preflight: Response{204, nil}, actual: Response{200, ok}},
		{name: "cookie-dropped", headers: []Header{{"Cookie", "a=b"}, {"Sec-Foo", "1"}}, preflight: Response{204, nil}, actual: Response{200, ok}},
		{name: "range-simple", headers: []Header{{"Range", "bytes=0-100"}}, preflight: Response{204, nil}, actual: Response{200, ok}},
		{name: "range-suffix", headers: []Header{{"Range", "bytes=-5"}}, preflight: Response{204, ok}, actual: Response{200, ok}},
		{name: "repeated-request-header", headers: []Header{{"Accept", "a"}, {"accept", "b"}}, preflight: Response{204, nil}, actual: Response{200, ok}},
		{name: "trace", method: "TRACE", actual: Response{200, ok}},
		{name: "bad-method", method: "BAD METHOD", actual: Response{200, ok}},
		{name: "bad-header-name", headers: []Header{{"Bad Name", "x"}}, actual: Response{200, ok}},
	}
}

// seen records what reached the target server for one case.
type seen struct {
	preflight bool
	acrh      string
	actual    bool
}

// TestChromium checks the simulator against a real headless Chromium: a page
// on one loopback port fetches every case from another, and each verdict,
// console line and Access-Control-Request-Headers value must match
// Evaluate and NeedsPreflight. It needs a Chromium binary:
//
//	CORSLINT_CHROMIUM=/usr/bin/chromium go test ./browser -run Chromium -v
func TestChromium(t *testing.T) {
	bin := os.Getenv("CORSLINT_CHROMIUM")
	if bin == "" {
		t.Skip("set CORSLINT_CHROMIUM to a Chromium binary to check against the real browser")
	}
	cases := liveCases()

	target, targetURL := listen(t)
	pageLn, pageOrigin := listen(t)
	fix := func(hs []Header) []Header {
		out := make([]Header, len(hs))
		for i, h := range hs {
			out[i] = Header{h.Name, strings.ReplaceAll(h.Value, "{{origin}}", pageOrigin)}
		}
		return out
	}
	for i := range cases {
		cases[i].preflight.Headers = fix(cases[i].preflight.Headers)
		cases[i].actual.Headers = fix(cases[i].actual.Headers)
	}

	var mu sync.Mutex
	got := make([]seen, len(cases))
	serve(t, target, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		i, err := strconv.Atoi(strings.TrimPrefix(r.URL.Path, "/c/"))
		if err != nil || i < 0 || i >= len(cases) {
			http.NotFound(w, r)
			return
		}
		c := cases[i]
		resp := c.actual
		mu.Lock()
		if r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Method") != "" {
			got[i].preflight = true
			got[i].acrh = r.Header.Get("Access-Control-Request-Headers")
			resp = c.preflight
		} else {
			got[i].actual = true
		}
		mu.Unlock()
		for _, h := range resp.Headers {
			w.Header()[h.Name] = append(w.Header()[h.Name], h.Value)
		}
		w.WriteHeader(resp.Status)
	}))

	type jsCase struct {
		URL     string      `json:"url"`
		Method  string      `json:"method,omitempty"`
		Headers [][2]string `json:"headers"`
		Creds   bool        `json:"creds"`
	}
	var js []jsCase
	for i, c := range cases {
		base := targetURL
		if c.host != "" {
			base = strings.Replace(targetURL, "127.0.0.1", c.host, 1)
		}
		jc := jsCase{URL: fmt.Sprintf("%s/c/%d", base, i), Method: c.method, Creds: c.creds, Headers: [][2]string{}}
		for _, h := range c.headers {
			jc.Headers = append(jc.Headers, [2]string{h.Name, h.Value})
		}
		js = append(js, jc)
	}
	casesJSON, err := json.Marshal(js)
	if err != nil {
		t.Fatal(err)
	}
	serve(t, pageLn, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, livePage, casesJSON)
	}))

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
		"--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--user-data-dir="+t.TempDir(), "--enable-logging=stderr", "--v=0",
		"--virtual-time-budget=30000", "--host-resolver-rules=MAP *.test 127.0.0.1",
		"--dump-dom", pageOrigin+"/")
	var stdout, stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("chromium: %v\n%s", err, stderr.String())
	}
	m := regexp.MustCompile(`(?s)<pre id="out">(.*?)</pre>`).FindStringSubmatch(stdout.String())
	if m == nil {
		t.Fatalf("no results in the page:\n%s\n%s", stdout.String(), stderr.String())
	}
	var results []struct {
		OK     bool   `json:"ok"`
		Status int    `json:"status"`
		Err    string `json:"err"`
	}
	if err := json.Unmarshal([]byte(html.UnescapeString(m[1])), &results); err != nil || len(results) != len(cases) {
		t.Fatalf("results %q: %v", m[1], err)
	}
	console := map[string]string{} // request URL -> CORS console line
	for _, line := range strings.Split(stderr.String(), "\n") {
		if !strings.Contains(line, "CONSOLE") {
			continue
		}
		if cm := regexp.MustCompile(`"(Access to fetch at '([^']*)'.*?)", source:`).FindStringSubmatch(line); cm != nil {
			console[cm[2]] = cm[1]
		}
	}

	for i, c := range cases {
		r := Request{
			URL:         js[i].URL,
			Origin:      pageOrigin,
			Method:      c.method,
			Headers:     c.headers,
			Credentials: c.creds,
		}
		pf, ac := c.preflight, c.actual
		want := Evaluate(r, &pf, &ac)
		res := results[i]
		var gotMsg string
		if want.Stage == BeforeSend {
			gotMsg = res.Err
		} else {
			gotMsg = console[r.URL]
		}
		if res.OK != want.Allowed || (!res.OK && gotMsg != want.Message) {
			t.Errorf("%s: Chromium: ok=%v\n  %s\nsimulate: ok=%v\n  %s", c.name, res.OK, gotMsg, want.Allowed, want.Message)
		}
		needs, names := NeedsPreflight(r)
		if got[i].preflight != needs || got[i].acrh != strings.Join(names, ",") {
			t.Errorf("%s: Chromium sent preflight=%v Access-Control-Request-Headers=%q; NeedsPreflight says %v %q",
				c.name, got[i].preflight, got[i].acrh, needs, strings.Join(names, ","))
		}
		if sent := want.Allowed || want.Stage == Actual; got[i].actual != sent {
			t.Errorf("%s: actual request reached the server: %v, the model expects %v", c.name, got[i].actual, sent)
		}
	}
}

const livePage = `<!doctype html><meta charset="utf-8"><pre id="out"></pre><script>
(async () => {
  const cases = %s;
  const out = [];
  for (const c of cases) {
    const init = {headers: c.headers, mode: 'cors', credentials: c.creds ? 'include' : 'same-origin'};
    if (c.method) init.method = c.method;
    try {
      const r = await fetch(c.url, init);
      out.push({ok: true, status: r.status});
    } catch (e) {
      out.push({ok: false, err: String(e)});
    }
  }
  document.getElementById('out').textContent = JSON.stringify(out);
})();
</script>`

func listen(t *testing.T) (net.Listener, string) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	return ln, "http://" + ln.Addr().String()
}

func serve(t *testing.T, ln net.Listener, h http.Handler) {
	t.Helper()
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
}
