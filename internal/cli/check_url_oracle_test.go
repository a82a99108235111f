//go:build oracle

package cli

import (
	"bytes"
	"encoding/json"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/corslint/corslint/oracle"
)

// TestCheckDefaultURLLive runs Apache scenarios of one virtual host, written
// as <VirtualHost *:port> and as <VirtualHost 127.0.0.1:port>, against real
// httpd and Chromium, then asks check without --url: the URL it picks must
// be the one httpd answered on, and its verdict Chromium's.
func TestCheckDefaultURLLive(t *testing.T) {
	ran := 0
	for _, s := range oracle.Scenarios() {
		if s.Server != "apache" || strings.Count(s.Config, "<VirtualHost ") != 1 ||
			!strings.Contains(s.Config, "<VirtualHost 127.0.0.1:{{.Port}}>") || len(s.Files) > 1 ||
			s.Request.Method != "" || len(s.Request.Headers) > 0 || s.Request.Credentials {
			continue
		}
		for _, addr := range []string{"127.0.0.1:{{.Port}}", "*:{{.Port}}"} {
			s := s
			s.Name += " " + addr
			s.Config = strings.Replace(s.Config, "<VirtualHost 127.0.0.1:{{.Port}}>", "<VirtualHost "+addr+">", 1)
			ran++
			t.Run(s.Name, func(t *testing.T) {
				obs, v := oracle.RunVars(t, s)
				text, err := oracle.Expand(s.Config, v)
				if err != nil {
					t.Fatal(err)
				}
				conf := filepath.Join(t.TempDir(), "httpd.conf")
				if err := os.WriteFile(conf, []byte(text), 0o644); err != nil {
					t.Fatal(err)
				}
				// What the configuration cannot say (the file's status, the
				// upstream's headers) is given as flags, as the prediction
				// tests give it.
				r := oracle.PredictionRequest(s, v, "", v.Origin)
				args := []string{"check", "--origin", v.Origin, "--path", s.Request.Path, "-f", "json",
					"--upstream-options-status", strconv.Itoa(r.UpstreamOptionsStatus)}
				if r.UpstreamStatus != 0 {
					args = append(args, "--status", strconv.Itoa(r.UpstreamStatus))
				}
				for _, h := range r.UpstreamHeaders {
					args = append(args, "--upstream-header", h.Name+": "+h.Value)
				}
				var out, errOut bytes.Buffer
				Main(append(args, conf), strings.NewReader(""), &out, &errOut)
				var got struct {
					URL     string `json:"url"`
					Allowed bool   `json:"allowed"`
					Unknown string `json:"unknown"`
				}
				if err := json.Unmarshal(out.Bytes(), &got); err != nil {
					t.Fatalf("%v\n%s%s", err, out.String(), errOut.String())
				}
				// The page fetched through a relay that records the wire; httpd
				// itself listens on v.Port.
				want, err := url.Parse(v.URL)
				if err != nil {
					t.Fatal(err)
				}
				want.Host = net.JoinHostPort(want.Hostname(), strconv.Itoa(v.Port))
				if got.URL != want.String() {
					t.Errorf("check asked %s; httpd answered the page on %s", got.URL, want)
				}
				if got.Unknown != "" || got.Allowed != obs.Allowed {
					t.Errorf("check: allowed %v (undecidable: %q); Chromium: allowed %v, %q\n%s", got.Allowed, got.Unknown, obs.Allowed, obs.Console, out.String())
				}
			})
		}
	}
	if ran == 0 {
		t.Fatal("no Apache scenario of one virtual host")
	}
}
