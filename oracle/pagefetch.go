//go:build oracle

package oracle

import (
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"testing"
)

// PageFetch is one fetch() made by a page whose origin is any https
// origin: Chromium's resolver sends the page's host to a loopback TLS
// server, so the request carries exactly that Origin.
type PageFetch struct {
	Origin      string // https://host, no port
	URL         string // what the page fetches: a loopback http URL, which mixed-content rules let an https page reach
	Method      string
	Headers     map[string]string
	Credentials bool
	Body        string // sent with the request when not empty
}

// BrowserResult is what Chromium made of a PageFetch.
type BrowserResult struct {
	Allowed bool
	Status  int    // of the response the page read; 0 when blocked
	Console string // the CORS console message, empty when none
}

// FetchFromPage loads a page at f.Origin in a fresh headless Chromium and
// returns the fetch outcome and its console message.
func FetchFromPage(tb testing.TB, chromium string, f PageFetch) (BrowserResult, error) {
	tb.Helper()
	u, err := url.Parse(f.Origin)
	if err != nil || u.Scheme != "https" || u.Port() != "" || u.Path != "" {
		return BrowserResult{}, fmt.Errorf("page origin %q: want https://host", f.Origin)
	}
	method := f.Method
	if method == "" {
		method = http.MethodGet
	}
	page := pageHTML(tb, pageConfig{URL: f.URL, Method: method, Headers: f.Headers, Credentials: f.Credentials, Body: f.Body})
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		_, _ = w.Write(page)
	}))
	srv.StartTLS()
	defer srv.Close()
	_, port, err := net.SplitHostPort(srv.Listener.Addr().String())
	if err != nil {
		return BrowserResult{}, fmt.Errorf("page server address: %w", err)
	}
	dir, err := os.MkdirTemp("", "corslint-page-")
	if err != nil {
		return BrowserResult{}, fmt.Errorf("browser profile: %w", err)
	}
	defer os.RemoveAll(dir)
	out, console := runBrowser(tb, chromium, dir, f.Origin+"/",
		// The page's host resolves to the loopback page server, whose
		// certificate is the test server's own.
		"--host-resolver-rules=MAP "+u.Hostname()+" 127.0.0.1:"+port, "--ignore-certificate-errors")
	return BrowserResult{Allowed: out.OK, Status: out.Status, Console: console}, nil
}
