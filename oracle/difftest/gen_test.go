package difftest

import (
	"strings"
	"testing"
)

var servers = []string{Nginx, Apache, Varnish}

func TestGenerateIsDeterministic(t *testing.T) {
	for _, s := range servers {
		a, b := Generate(s, 7, 20), Generate(s, 7, 20)
		c := Generate(s, 8, 20)
		same, differs := true, false
		for i := range a {
			same = same && a[i].Text() == b[i].Text() && len(a[i].Probes) == len(b[i].Probes)
			differs = differs || a[i].Text() != c[i].Text()
		}
		if !same {
			t.Errorf("%s: the same seed gave different cases", s)
		}
		if !differs {
			t.Errorf("%s: seeds 7 and 8 gave the same cases", s)
		}
	}
}

// TestGeneratedConfigsParse holds the generator to configurations the
// parsers read without a syntax error: a case the model cannot read tests
// nothing.
func TestGeneratedConfigsParse(t *testing.T) {
	for _, s := range servers {
		for _, c := range Generate(s, 1, 60) {
			m := c.Model(replayEnv)
			if m == nil {
				t.Fatalf("%s %s: no model", s, c.Name)
			}
			for _, d := range m.Diagnostics {
				if d.RuleID == "CORS001" || d.RuleID == "CORS003" {
					t.Errorf("%s %s: %s %s\n%s", s, c.Name, d.RuleID, d.Message, c.Text())
				}
			}
		}
	}
}

// TestGeneratorCoversFamilies requires every mechanism family the issue
// lists to appear in a modest batch.
func TestGeneratorCoversFamilies(t *testing.T) {
	want := map[string][]string{
		Nginx: {"nginx:server_name-exact", "nginx:server_name-wildcard", "nginx:server_name-regex", "nginx:default_server",
			"nginx:location-exact", "nginx:location-prefix", "nginx:location-regex", "nginx:location-preferred", "nginx:location-nested",
			"nginx:if-server", "nginx:if-location", "nginx:return", "nginx:error_page", "nginx:error_page-named",
			"nginx:proxy_intercept_errors", "nginx:map-exact", "nginx:map-regex", "nginx:map-hostnames", "nginx:set",
			"nginx:add_header", "nginx:add_header-server", "nginx:proxy_pass", "nginx:proxy_hide_header", "nginx:limit_except", "nginx:include",
			"nginx:listen-multi", "nginx:map-capture", "nginx:map-literal", "nginx:set-server", "nginx:error_page-location",
			"nginx:error_page-return", "nginx:static", "nginx:alias", "nginx:add_header-http", "nginx:listen-other-address",
			"nginx:default_server-one-listen", "nginx:server_name-capture", "nginx:map-capture-named", "nginx:set-if-flag",
			"nginx:if-several", "nginx:if-server-several"},
		Apache: {"apache:vhost", "apache:vhost-alias", "apache:directory", "apache:directorymatch", "apache:files", "apache:filesmatch",
			"apache:location", "apache:locationmatch", "apache:if", "apache:elseif", "apache:else", "apache:header", "apache:header-env",
			"apache:setenvif-capture", "apache:setenvifnocase", "apache:rewrite-flags", "apache:proxypass", "apache:errordocument", "apache:htaccess",
			"apache:htaccess-subdir"},
		Varnish: {"varnish:vcl_recv", "varnish:vcl_hash", "varnish:vcl_backend_fetch", "varnish:vcl_backend_response",
			"varnish:vcl_backend_error", "varnish:vcl_synth", "varnish:vcl_deliver", "varnish:synth", "varnish:recv-return",
			"varnish:req-header", "varnish:bereq-header", "varnish:beresp-header", "varnish:resp-header", "varnish:vary", "varnish:cache-state",
			"varnish:vcl_pipe", "varnish:vcl_pass", "varnish:vcl_purge", "varnish:vcl_hit", "varnish:vcl_miss",
			"varnish:recv-pipe", "varnish:recv-purge", "varnish:hash-return", "varnish:hit-return", "varnish:miss-return",
			"varnish:pass-return", "varnish:pipe-return", "varnish:purge-return", "varnish:backend-fetch-return",
			"varnish:retry-abandon", "varnish:backend-error", "varnish:cache-state-several"},
	}
	for s, fams := range want {
		seen := map[string]int{}
		for _, c := range Generate(s, 1, 100) {
			for _, p := range c.Probes {
				for _, f := range c.Families(p) {
					seen[f]++
				}
			}
		}
		for _, f := range fams {
			if seen[f] == 0 {
				t.Errorf("%s: no generated probe exercises %s", s, f)
			}
		}
	}
}

func TestProbeStatus(t *testing.T) {
	for path, want := range map[string]int{
		"/api/items": 200, "/api/items-404": 404, "/api/v1/users-500.json": 500, "/static/f-200.txt": 200, "/a-b/c": 200,
	} {
		if got := statusOf(path); got != want {
			t.Errorf("statusOf(%q) = %d, want %d", path, got, want)
		}
	}
}

// TestCandidatesShrink checks that every candidate is one step smaller
// and keeps the variables it renames consistent.
func TestCandidatesShrink(t *testing.T) {
	for _, c := range Generate(Nginx, 3, 10) {
		one := c.Single(0)
		cands := Candidates(one, namer(one.Name))
		if len(cands) == 0 {
			t.Fatalf("%s: no candidates", c.Name)
		}
		for _, k := range cands {
			if k.Size() >= one.Size() {
				t.Errorf("%s: candidate %s is not smaller (%d >= %d)", c.Name, k.Name, k.Size(), one.Size())
			}
			if strings.Contains(k.Text(), "$"+one.Name+"_") {
				t.Errorf("%s: candidate %s still names the old variables:\n%s", c.Name, k.Name, k.Text())
			}
		}
	}
}

// TestVarnishCasesKeepTheirObjects holds the runner's VCL for several
// cases to a vcl_hash that hashes each case's Host before the case's own
// statements: a shrunk key without the URL (varnish-17c19ec0 as first
// shrunk: hash_data(req.http.Origin) and return (lookup)) otherwise
// shares one object among cases probed at the same time, in an order the
// prediction cannot know.
func TestVarnishCasesKeepTheirObjects(t *testing.T) {
	hash := &Node{Line: "sub vcl_hash {", Close: "}", Kids: []*Node{{Line: "hash_data(req.http.Origin);"}, {Line: "return (lookup);"}}}
	cases := []*Case{{Server: Varnish, Name: "v1", Top: []*Node{hash}}, {Server: Varnish, Name: "v2", Top: []*Node{hash}}}
	env := Env{Port: 8080, Dir: "/d", BatchDir: "/d", UpHost: "127.0.0.1", UpPort: 9000}
	conf := Config(Varnish, cases, []Env{env, env})
	for _, c := range cases {
		want := "if (req.http.host == \"" + c.Host(Probe{}) + "\") {\n    hash_data(req.http.host);\n    hash_data(req.http.Origin);"
		if !strings.Contains(conf, want) {
			t.Errorf("case %s's vcl_hash does not hash its Host first:\n%s", c.Name, conf)
		}
	}
	if one := Config(Varnish, cases[:1], []Env{env}); strings.Contains(one, "hash_data(req.http.host)") {
		t.Errorf("a case alone runs as written, the VCL the prediction reads:\n%s", one)
	}
}
