package difftest

import (
	"strings"
	"testing"

	"github.com/corslint/corslint/findings"
	"github.com/corslint/corslint/oracle"
)

func wire(status int, hs ...string) *oracle.Wire {
	w := &oracle.Wire{Status: status}
	for i := 0; i+1 < len(hs); i += 2 {
		w.Headers = append(w.Headers, oracle.Header{Name: hs[i], Value: hs[i+1]})
	}
	return w
}

func names(ss []Shown) map[string]bool {
	out := map[string]bool{}
	for _, s := range ss {
		out[s.Prop.Name] = true
	}
	return out
}

func TestShownProperties(t *testing.T) {
	c := &Case{Server: Nginx, Probes: []Probe{
		{Path: "/api/items", Origin: Untrusted, Method: "GET"},
		{Path: "/api/items", Origin: TrustedA, Method: "GET"},
		{Path: "/api/items-500", Origin: TrustedA, Method: "GET"},
		{Path: "/x", Origin: TrustedA, Method: "POST", Headers: []Header{{"Authorization", "Bearer t"}}},
		{Path: "/y", Origin: TrustedB, Method: "POST", Headers: []Header{{"Authorization", "Bearer t"}}},
	}}
	bad := []Result{
		{Case: c, Probe: 0, Obs: Observed{Actual: wire(200, "Access-Control-Allow-Origin", Untrusted, "Access-Control-Allow-Credentials", "true")}},
		{Case: c, Probe: 1, Obs: Observed{Actual: wire(200, "Access-Control-Allow-Origin", TrustedA, "Access-Control-Allow-Origin", "*")}},
		{Case: c, Probe: 2, Obs: Observed{Actual: wire(500)}},
		{Case: c, Probe: 3, Obs: Observed{Preflight: wire(204, "Access-Control-Allow-Origin", TrustedA), Actual: wire(200, "Access-Control-Allow-Origin", TrustedA)}},
		{Case: c, Probe: 4, Obs: Observed{Preflight: wire(204, "Access-Control-Allow-Origin", TrustedB), Actual: wire(200, "Access-Control-Allow-Origin", TrustedB)}},
	}
	got := names(ShownProperties(c, bad))
	for _, p := range []Property{PropUntrustedReflected, PropDuplicate, PropMissingOnError, PropPreflightHeaders, PropNoVary} {
		if !got[p.Name] {
			t.Errorf("bad answers: %q not derived (got %v)", p.Name, got)
		}
	}
	if got[PropWildcardCreds.Name] || got[PropPreflightFails.Name] {
		t.Errorf("bad answers: derived a property they do not show: %v", got)
	}

	good := []Result{
		{Case: c, Probe: 0, Obs: Observed{Actual: wire(200, "Vary", "Origin")}},
		{Case: c, Probe: 1, Obs: Observed{Actual: wire(200, "Access-Control-Allow-Origin", TrustedA, "Vary", "Origin")}},
		{Case: c, Probe: 2, Obs: Observed{Actual: wire(500, "Access-Control-Allow-Origin", TrustedA)}},
		{Case: c, Probe: 3, Obs: Observed{Preflight: wire(204, "Access-Control-Allow-Origin", TrustedA, "Access-Control-Allow-Headers", "Authorization"), Actual: wire(200, "Access-Control-Allow-Origin", TrustedA)}},
		// The preflight lacks Authorization, but the browser stops at its
		// origin first; two Allow-Methods lines make one valid list.
		{Case: c, Probe: 4, Obs: Observed{Preflight: wire(204, "Access-Control-Allow-Origin", TrustedA), Actual: wire(200, "Access-Control-Allow-Origin", TrustedB, "Access-Control-Allow-Methods", "GET", "Access-Control-Allow-Methods", "PUT", "Vary", "Origin")}},
	}
	if got := ShownProperties(c, good); len(got) != 0 {
		t.Errorf("good answers: derived %v", got)
	}

	// One trusted origin's success with CORS headers says nothing about
	// another's error: the configuration may serve only the first.
	other := &Case{Server: Varnish, Probes: []Probe{
		{Path: "/api/items", Origin: TrustedA, Method: "GET"},
		{Path: "/api/items-500", Origin: TrustedB, Method: "GET"},
	}}
	if got := names(ShownProperties(other, []Result{
		{Case: other, Probe: 0, Obs: Observed{Actual: wire(200, "Access-Control-Allow-Origin", TrustedA, "Vary", "Origin")}},
		{Case: other, Probe: 1, Obs: Observed{Actual: wire(500)}},
	})); got[PropMissingOnError.Name] {
		t.Errorf("another origin's error: derived %v", got)
	}

	// A PUT's answers differ by origin without Vary, but no cache stores
	// them to serve another origin (seed 31, a299); a GET's do.
	put := &Case{Server: Apache, Probes: []Probe{
		{Path: "/api/items", Origin: TrustedA, Method: "PUT"},
		{Path: "/api/items", Origin: TrustedB, Method: "PUT"},
	}}
	answers := func(c *Case) []Result {
		return []Result{
			{Case: c, Probe: 0, Obs: Observed{Actual: wire(200, "Access-Control-Allow-Origin", "*")}},
			{Case: c, Probe: 1, Obs: Observed{Actual: wire(200)}},
		}
	}
	if got := names(ShownProperties(put, answers(put))); got[PropNoVary.Name] {
		t.Errorf("PUT answers differing by origin: derived %v", got)
	}
	get := &Case{Server: Apache, Probes: []Probe{
		{Path: "/api/items", Origin: TrustedA, Method: "GET"},
		{Path: "/api/items", Origin: TrustedB, Method: "GET"},
	}}
	if got := names(ShownProperties(get, answers(get))); !got[PropNoVary.Name] {
		t.Errorf("GET answers differing by origin: %q not derived (got %v)", PropNoVary.Name, got)
	}
}

func TestLintMissesAndUnshown(t *testing.T) {
	shown := []Shown{{Prop: PropWildcardCreds}, {Prop: PropNoVary}}
	miss := LintMisses(shown, map[string]bool{"CORS201": true})
	if len(miss) != 1 || miss[0].Prop.Name != PropNoVary.Name {
		t.Errorf("misses = %v, want only %q", miss, PropNoVary.Name)
	}
	// an unseen property needs no finding
	if miss := LintMisses([]Shown{{Prop: PropNoVary, Unseen: "check answers it as undecidable"}}, nil); len(miss) != 0 {
		t.Errorf("misses = %v, want none for a property no rule can see", miss)
	}
	c := &Case{Server: Nginx}
	found := []findings.Finding{{RuleID: "CORS201"}, {RuleID: "CORS501"}, {RuleID: "CORS101"}}
	if un := LintUnshown(c, nil, shown, found); len(un) != 1 || un[0].RuleID != "CORS501" || un[0].Probed {
		t.Errorf("unshown = %v, want CORS501 that no probe reaches", un)
	}
}

func TestBasePath(t *testing.T) {
	for in, want := range map[string]string{
		"/api/items-500": "/api/items", "/api/v1/users-500.json": "/api/v1/users.json", "/api/items": "/api/items", "/a-b": "/a-b",
	} {
		if got := basePath(in); got != want {
			t.Errorf("basePath(%q) = %q, want %q", in, got, want)
		}
	}
}

// A preflight refused where the request gets CORS headers shows a lack
// CORS303 must claim only when the answers say preflights are meant: an
// Access-Control-Allow-Origin alone (fonts, static files) asks for
// simple requests, as CORS303 reads a configuration.
func TestPreflightFailsNeedsIntent(t *testing.T) {
	c := &Case{Server: Nginx, Probes: []Probe{
		{Path: "/static/f-200.txt", Origin: TrustedA, Method: "GET", Headers: []Header{{"X-Requested-With", "fetch"}}},
	}}
	shown := func(pf, act *oracle.Wire) []Shown {
		return ShownProperties(c, []Result{{Case: c, Probe: 0, Obs: Observed{Preflight: pf, Actual: act}}})
	}
	unseenOf := func(ss []Shown) (string, bool) {
		for _, s := range ss {
			if s.Prop.Name == PropPreflightFails.Name {
				return s.Unseen, true
			}
		}
		return "", false
	}
	why, ok := unseenOf(shown(wire(405), wire(200, "Access-Control-Allow-Origin", TrustedA)))
	if !ok || !strings.Contains(why, "nothing says the configuration means to answer preflights") {
		t.Errorf("ACAO alone: property %v with reason %q, want it shown as not the rules' to claim", ok, why)
	}
	for _, act := range []*oracle.Wire{
		wire(200, "Access-Control-Allow-Origin", TrustedA, "Access-Control-Allow-Methods", "GET, PUT"),
		wire(200, "Access-Control-Allow-Origin", TrustedA, "Access-Control-Allow-Headers", "X-Requested-With"),
	} {
		why, ok := unseenOf(shown(wire(405), act))
		if !ok || strings.Contains(why, "nothing says the configuration means") {
			t.Errorf("%s: property %v with reason %q, want it for CORS303 to claim", act, ok, why)
		}
	}
	// simple methods only are no intent either
	if why, _ := unseenOf(shown(wire(405), wire(200, "Access-Control-Allow-Origin", TrustedA, "Access-Control-Allow-Methods", "GET, POST, OPTIONS"))); !strings.Contains(why, "nothing says") {
		t.Errorf("GET, POST, OPTIONS: reason %q, want no intent", why)
	}
}

// TargetFindings adds a probe that reaches a finding no probe of the case
// reaches, and none for a case whose findings are reached or that has
// none.
func TestTargetFindings(t *testing.T) {
	mk := func(star string) *Case {
		return &Case{Server: Nginx, Name: "t0", Top: []*Node{block("server {", "}", []*Node{
			fixed("listen 127.0.0.1:@PORT@;"), fixed("server_name a.test;"), fixed("root @DIR@/www;"),
			block("location /api/ {", "}", []*Node{
				fixed("add_header Access-Control-Allow-Origin " + star + " always;"),
				fixed("add_header Access-Control-Allow-Credentials true always;"),
				fixed("proxy_pass http://@UP@;"),
			}),
			block("location / {", "}", []*Node{fixed("proxy_pass http://@UP@;")}),
		})}, Probes: []Probe{{Host: "a.test", Path: "/data.json", Origin: TrustedA, Method: "GET"}}}
	}
	c := mk(`"*"`)
	if n := TargetFindings(c); n != 1 || len(c.Probes) != 2 {
		t.Fatalf("added %d probes (%v), want one for the CORS201 finding on /api/", n, c.Probes)
	}
	if p := c.Probes[1]; !strings.HasPrefix(p.Path, "/api/") || !p.Credentials {
		t.Errorf("added %s, want a credentialed request to /api/", p)
	}
	if n := TargetFindings(c); n != 0 {
		t.Errorf("a second call added %d probes, want none: the finding is reached", n)
	}
	if good := mk("$http_origin"); TargetFindings(good) != 0 {
		t.Errorf("added a probe to a case without CORS201 or CORS501 findings")
	}
}
