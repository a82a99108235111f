package serverside_test

import (
	"fmt"
	"path"
	"strings"
	"testing"

	"github.com/corslint/corslint/model"
	"github.com/corslint/corslint/oracle"
	"github.com/corslint/corslint/parsers/apache"
	"github.com/corslint/corslint/parsers/nginx"
	"github.com/corslint/corslint/parsers/vcl"
	"github.com/corslint/corslint/serverside"
)

// Fixed addresses for predictions; the live oracle run uses real ports,
// and the expectations are templates over them.
var vars = oracle.Vars{
	Port: 9001, Upstream: "127.0.0.1:9100", UpstreamHost: "127.0.0.1", UpstreamPort: 9100,
	Dir: "/tmp/oracle", PageOrigin: "http://127.0.0.1:8101", PageOriginRE: `http://127\.0\.0\.1:8101`,
}

const untrustedOrigin = "http://127.0.0.1:8102"

// parse lowers a scenario's configuration; nil when its dialect is not
// predicted here yet.
func parse(t *testing.T, s oracle.Scenario, v oracle.Vars) *model.File {
	t.Helper()
	text, err := oracle.Expand(s.Config, v)
	if err != nil {
		t.Fatal(err)
	}
	switch s.Server {
	case "nginx":
		return nginx.Lower(nginx.Parse("nginx.conf", []byte(text), nginx.Options{}))
	case "varnish":
		return vcl.Lower(vcl.Parse("default.vcl", []byte(text), vcl.Options{}))
	case "apache":
		// every .htaccess of the scenario, lowered with the server that
		// reads it, as lint and check link them
		var hts []*apache.Htaccess
		for name, body := range s.Files {
			if path.Base(name) != ".htaccess" {
				continue
			}
			b, err := oracle.Expand(body, v)
			if err != nil {
				t.Fatal(err)
			}
			p := path.Join(v.Dir, name)
			hts = append(hts, &apache.Htaccess{Config: apache.Parse(p, []byte(b), apache.Options{}), Dir: path.Dir(p)})
		}
		f, used := apache.LowerWith(apache.Parse("httpd.conf", []byte(text), apache.Options{}), hts)
		if len(used) != len(hts) {
			t.Fatalf("%d of %d .htaccess files linked", len(used), len(hts))
		}
		return f
	}
	return nil
}

// Request turns a scenario's fetch and upstream into a prediction request
// to the port the harness served it on.
func Request(s oracle.Scenario, v oracle.Vars) serverside.Request {
	return oracle.PredictionRequest(s, v, fmt.Sprintf("http://127.0.0.1:%d", v.Port), untrustedOrigin)
}

// TestOracleScenarios predicts every measured scenario from its
// configuration alone and compares verdict, console message and the
// CORS headers on the wire with what Chromium and the servers did.
func TestOracleScenarios(t *testing.T) {
	n := 0
	for _, s := range oracle.Scenarios() {
		t.Run(s.Name, func(t *testing.T) {
			v := vars
			v.PrimeOrigin = s.PrimeFrom
			f := parse(t, s, v)
			if f == nil {
				t.Skipf("%s is not predicted yet", s.Server)
			}
			n++
			req := Request(s, v)
			v.URL, v.Origin = req.URL, req.Origin
			p := serverside.Predict([]*model.File{f}, req)
			if p.Unknown != "" {
				t.Fatalf("unknown: %s", p.Unknown)
			}
			console, _ := oracle.Expand(s.Expect.Console, v)
			if p.Verdict.Allowed != s.Expect.Allowed || p.Verdict.Message != console {
				t.Errorf("verdict: want allowed=%v %q\n got allowed=%v %q\npreflight %s\nactual %s",
					s.Expect.Allowed, console, p.Verdict.Allowed, p.Verdict.Message, describe(p.Preflight), describe(p.Actual))
			}
			checkFacts(t, "preflight", s.Expect.Preflight, p.Preflight, v)
			if s.Expect.Actual != nil && p.Actual != nil {
				checkFacts(t, "actual", s.Expect.Actual, p.Actual, v)
			}
		})
	}
}

func checkFacts(t *testing.T, what string, want *oracle.WireFacts, got *serverside.Answer, v oracle.Vars) {
	t.Helper()
	if want == nil || got == nil {
		if (want == nil) != (got == nil) && !(want != nil && want.Status == 0) {
			t.Errorf("%s: want sent=%v, predicted sent=%v", what, want != nil, got != nil)
		}
		return
	}
	if want.Status != 0 && got.Status != want.Status {
		t.Errorf("%s status: want %d, predicted %d", what, want.Status, got.Status)
	}
	for name, tvals := range want.Headers {
		var wv []string
		for _, tv := range tvals {
			x, _ := oracle.Expand(tv, v)
			wv = append(wv, x)
		}
		var gv []string
		for _, l := range got.Headers {
			if strings.EqualFold(l.Name, name) {
				gv = append(gv, l.Value)
			}
		}
		if strings.Join(wv, "\x00") != strings.Join(gv, "\x00") {
			t.Errorf("%s %s: want %q, predicted %q", what, name, wv, gv)
		}
	}
}

func describe(a *serverside.Answer) string {
	if a == nil {
		return "(not sent)"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%d via %s", a.Status, a.Route)
	for _, l := range a.Headers {
		fmt.Fprintf(&b, "\n    %s: %s", l.Name, l.Value)
	}
	for _, n := range a.Notes {
		fmt.Fprintf(&b, "\n    note: %s", n)
	}
	return b.String()
}
