package oracle

import (
	"strings"
	"testing"
)

func sampleVars() Vars {
	return Vars{
		Port: 9001, Upstream: "127.0.0.1:9002", UpstreamHost: "127.0.0.1", UpstreamPort: 9002,
		Dir: "/tmp/x", PageOrigin: "http://127.0.0.1:8001", PageOriginRE: `http://127\.0\.0\.1:8001`,
		URL: "http://127.0.0.1:9001/api/data", Origin: "http://127.0.0.1:8001", PrimeOrigin: "http://127.0.0.1:8002",
	}
}

// TestScenariosWellFormed catches a broken template or a duplicate name
// without needing the servers.
func TestScenariosWellFormed(t *testing.T) {
	seen := map[string]bool{}
	for _, s := range append(Scenarios(), AppScenarios()...) {
		if seen[s.Name] {
			t.Errorf("duplicate scenario %q", s.Name)
		}
		seen[s.Name] = true
		if !strings.HasPrefix(s.Name, s.Server+"/") {
			t.Errorf("%s: name does not start with server %q", s.Name, s.Server)
		}
		if s.Source == "" || s.Request.Path == "" {
			t.Errorf("%s: missing Source or Request.Path", s.Name)
		}
		if s.Expect.Allowed != (s.Expect.Console == "") {
			t.Errorf("%s: a blocked case needs its console message, an allowed one none", s.Name)
		}
		texts := []string{s.Config, s.Expect.Console, s.Upstream.ACAO, s.UpstreamApp}
		for _, f := range s.Files {
			texts = append(texts, f)
		}
		for _, w := range []*WireFacts{s.Expect.Preflight, s.Expect.Actual} {
			if w == nil {
				continue
			}
			for _, vs := range w.Headers {
				texts = append(texts, vs...)
			}
		}
		for _, text := range texts {
			if _, err := Expand(text, sampleVars()); err != nil {
				t.Errorf("%s: %v", s.Name, err)
			}
		}
	}
}

// TestProbesWellFormed does for the plain-HTTP probes what
// TestScenariosWellFormed does for the scenarios.
func TestProbesWellFormed(t *testing.T) {
	seen := map[string]bool{}
	for _, p := range AppProbes() {
		if seen[p.Name] || !strings.HasPrefix(p.Name, p.Server+"/") || p.Source == "" || p.Path == "" || p.Method == "" {
			t.Errorf("%s: duplicate, or name, Source, Method or Path wrong", p.Name)
		}
		seen[p.Name] = true
		texts := []string{p.Config}
		for _, h := range p.Headers {
			texts = append(texts, h)
		}
		for _, vs := range p.Expect.Headers {
			texts = append(texts, vs...)
		}
		for _, text := range texts {
			if _, err := Expand(text, sampleVars()); err != nil {
				t.Errorf("%s: %v", p.Name, err)
			}
		}
	}
}

func TestCheckReportsEveryDifference(t *testing.T) {
	s := Scenario{Expect: Expect{
		Console: consolePrefix + reasonNoACAO,
		Actual:  &WireFacts{Status: 500, Headers: map[string][]string{acao: nil}},
	}}
	match := Observation{
		Console: "Access to fetch at 'http://127.0.0.1:9001/api/data' from origin 'http://127.0.0.1:8001' has been blocked by CORS policy: " + reasonNoACAO,
		Actual:  &Wire{Status: 500, Headers: []Header{{"Content-Type", "text/html"}}},
	}
	if d := s.Check(match, sampleVars()); len(d) != 0 {
		t.Fatalf("unexpected differences: %q", d)
	}
	miss := Observation{
		Allowed:   true,
		Preflight: &Wire{Status: 204},
		Actual:    &Wire{Status: 200, Headers: []Header{{acao, "*"}}},
	}
	if d := s.Check(miss, sampleVars()); len(d) != 5 {
		t.Fatalf("want 5 differences (allowed, console, preflight, status, header), got %q", d)
	}
}
