package difftest

var varnishPaths = []string{
	"/api/items", "/api/items-404", "/api/items-500", "/static/f-200.txt", "/data.json",
}

// varnishSubs are the built-in subroutines a case may define, with the
// variable that reaches the request's Host in each (for the runner's
// dispatch of several cases in one VCL).
var varnishSubs = []struct{ name, host string }{
	{"vcl_recv", "req.http.host"},
	{"vcl_pipe", "req.http.host"},
	{"vcl_pass", "req.http.host"},
	{"vcl_hash", "req.http.host"},
	{"vcl_purge", "req.http.host"},
	{"vcl_hit", "req.http.host"},
	{"vcl_miss", "req.http.host"},
	{"vcl_backend_fetch", "bereq.http.host"},
	{"vcl_backend_response", "bereq.http.host"},
	{"vcl_backend_error", "bereq.http.host"},
	{"vcl_synth", "req.http.host"},
	{"vcl_deliver", "req.http.host"},
}

const allowRE = `"^https://(app|admin)\.example\.com$"`

func (g *gen) varnishCase(name string) *Case {
	c := &Case{Name: name}
	bodies := map[string][]*Node{}
	add := func(sub string, ns ...*Node) { bodies[sub] = append(bodies[sub], ns...) }

	// vcl_recv
	if g.chance(0.5) {
		add("vcl_recv", block(`if (req.method == "OPTIONS") {`, "}",
			[]*Node{fixed(g.pick("return (synth(204));", `return (synth(200, "OK"));`))}, "varnish:synth", "varnish:recv-return"))
	}
	if g.chance(0.15) {
		add("vcl_recv", block("if (req.http.Origin && req.http.Origin !~ "+allowRE+") {", "}",
			[]*Node{fixed("return (synth(403));")}, "varnish:synth", "varnish:recv-return"))
	}
	if g.chance(0.2) {
		add("vcl_recv", stmt("unset req.http.Authorization;", "varnish:req-header"))
	}
	if g.chance(0.2) {
		add("vcl_recv", block(`if (req.url ~ "^/api/") {`, "}", []*Node{fixed("return (pass);")}, "varnish:recv-return"))
	}
	if g.chance(0.1) {
		add("vcl_recv", stmt("set req.http.X-Forwarded-Host = req.http.host;", "varnish:req-header"))
	}
	if g.chance(0.08) {
		add("vcl_recv", block(g.pick(`if (req.method == "DELETE") {`, `if (req.url ~ "^/static/") {`), "}",
			[]*Node{fixed("return (pipe);")}, "varnish:recv-pipe", "varnish:recv-return"))
	}
	if g.chance(0.08) {
		add("vcl_recv", block(g.pick(`if (req.url ~ "^/data") {`, `if (req.method == "PATCH") {`), "}",
			[]*Node{fixed("return (purge);")}, "varnish:recv-purge", "varnish:recv-return"))
	}
	if g.chance(0.1) {
		// A regex on the method, anchored or not, or naming OPTIONS and
		// another method: the synth answers only the methods it matches.
		add("vcl_recv", block("if (req.method ~ "+g.pick(`"^OPTIONS$"`, `"OPTIONS"`, `"^(OPTIONS|PATCH)$"`)+") {", "}",
			[]*Node{fixed("return (synth(204));")}, "varnish:method-regex", "varnish:synth", "varnish:recv-return"))
	}
	if g.chance(0.1) {
		// After a restart the request runs vcl_recv again with
		// req.restarts counting up.
		add("vcl_recv", block("if (req.restarts > 0) {", "}",
			[]*Node{fixed(g.pick("return (pass);", `set req.http.X-Restarted = "1";`, "return (synth(404));"))}, "varnish:restart"))
	}
	if g.chance(0.12) {
		// A restart sends the request through vcl_recv again; the second
		// time round req.restarts is 1. (Restarting from vcl_deliver
		// after a fetch left every probe of the case without an answer
		// in this harness, though not with curl: not generated.)
		add("vcl_recv", block(g.pick("if (req.restarts == 0) {", "if (req.restarts < 1) {"), "}",
			[]*Node{fixed(`set req.http.X-Restart = "1";`), fixed("return (restart);")}, "varnish:restart", "varnish:recv-return"))
	}
	if g.chance(0.2) {
		add("vcl_recv", stmt("return (hash);", "varnish:recv-return"))
	}
	// vcl_pipe, vcl_pass, vcl_purge
	if g.chance(0.1) {
		add("vcl_pipe", stmt(`set bereq.http.Connection = "close";`, "varnish:bereq-header"),
			stmt("return (pipe);", "varnish:pipe-return"))
	}
	if g.chance(0.15) {
		add("vcl_pass", stmt(`set req.http.X-Pass = "1";`, "varnish:req-header"),
			stmt("return (fetch);", "varnish:pass-return"))
	}
	if g.chance(0.15) {
		add("vcl_purge", stmt(g.pick(`return (synth(200, "Purged"));`, `return (synth(204));`), "varnish:purge-return", "varnish:synth"))
	}
	// vcl_hash
	if g.chance(0.3) {
		add("vcl_hash", stmt("hash_data(req.http.Origin);", "varnish:hash"))
	}
	if g.chance(0.15) {
		add("vcl_hash", stmt("hash_data(req.url);", "varnish:hash"), stmt("return (lookup);", "varnish:hash-return"))
	} else if g.chance(0.1) {
		// The whole key written out, with the Origin in it or not: no
		// built-in hash_data runs after return (lookup).
		add("vcl_hash", stmt("hash_data(req.url);", "varnish:hash"), stmt("hash_data(req.http.host);", "varnish:hash"))
		if g.chance(0.5) {
			add("vcl_hash", block("if (req.http.Origin) {", "}", []*Node{fixed("hash_data(req.http.Origin);")}, "varnish:hash"))
		}
		add("vcl_hash", fixed("return (lookup);", "varnish:hash-return"))
	}
	// vcl_hit, vcl_miss
	if g.chance(0.15) {
		add("vcl_hit", stmt(g.pick("return (deliver);", "return (pass);"), "varnish:hit-return"))
	}
	if g.chance(0.15) {
		add("vcl_miss", stmt(g.pick("return (fetch);", "return (pass);"), "varnish:miss-return"))
	}
	// vcl_backend_fetch
	if g.chance(0.15) {
		add("vcl_backend_fetch", stmt("unset bereq.http.Origin;", "varnish:bereq-header"))
	}
	if g.chance(0.1) {
		add("vcl_backend_fetch", stmt(`set bereq.http.X-Fetch = "1";`, "varnish:bereq-header"),
			stmt("return (fetch);", "varnish:backend-fetch-return"))
	}
	// vcl_backend_response
	if g.chance(0.3) {
		add("vcl_backend_response", stmt("set beresp.http.Access-Control-Allow-Origin = "+g.pick("bereq.http.Origin", `"*"`)+";", "varnish:beresp-header"))
	}
	if g.chance(0.3) {
		add("vcl_backend_response", stmt(g.pick(`set beresp.http.Vary = "Origin";`,
			`set beresp.http.Vary = beresp.http.Vary + ", Origin";`), "varnish:vary"))
	}
	if g.chance(0.2) {
		add("vcl_backend_response", stmt("unset beresp.http.Access-Control-Allow-Origin;", "varnish:beresp-header"))
	}
	if g.chance(0.2) {
		add("vcl_backend_response", stmt("set beresp.ttl = 60s;", "varnish:cache"))
	}
	if g.chance(0.1) {
		add("vcl_backend_response", stmt("set beresp.uncacheable = true;", "varnish:cache"),
			stmt("return (deliver);", "varnish:backend-return"))
	}
	if g.chance(0.15) {
		add("vcl_backend_response", g.varnishHeaders("beresp", "bereq.http.Origin")...)
	}
	if g.chance(0.12) {
		// A TTL of 0 with or without grace: an expired object within
		// grace is still delivered while a new fetch runs.
		add("vcl_backend_response", stmt(g.pick("set beresp.ttl = 0s;", "set beresp.ttl = 1s;"), "varnish:ttl-grace"),
			stmt(g.pick("set beresp.grace = 0s;", "set beresp.grace = 30s;"), "varnish:ttl-grace"))
	}
	if g.chance(0.1) {
		// The corpus's Vary clean-up after appending to an empty Vary.
		add("vcl_backend_response", stmt(`set beresp.http.Vary = beresp.http.Vary + ", Origin";`, "varnish:vary"),
			stmt(`set beresp.http.Vary = regsub(beresp.http.Vary, "^, *", "");`, "varnish:regsub", "varnish:vary"))
	}
	if g.chance(0.06) {
		add("vcl_backend_response", stmt(g.pick("return (retry);", "return (abandon);"), "varnish:backend-return", "varnish:retry-abandon"))
	}
	if g.chance(0.06) {
		add("vcl_backend_response", block("if (bereq.retries < 1) {", "}", []*Node{fixed("return (retry);")}, "varnish:backend-return", "varnish:retry-abandon"))
	}
	// vcl_backend_error
	if g.chance(0.25) {
		add("vcl_backend_error", stmt(`set beresp.http.Access-Control-Allow-Origin = "*";`, "varnish:backend-error"))
	}
	if g.chance(0.1) {
		add("vcl_backend_error", stmt("return (deliver);", "varnish:backend-error"))
	}
	// vcl_synth
	if g.chance(0.6) {
		kids := g.varnishHeaders("resp", "req.http.Origin")
		kids = append(kids, stmt("return (deliver);", "varnish:synth-return"))
		add("vcl_synth", block(g.pick("if (resp.status == 204) {", `if (req.method == "OPTIONS") {`), "}", kids, "varnish:synth"))
	}
	// vcl_deliver
	if g.chance(0.5) {
		add("vcl_deliver", block("if (req.http.Origin ~ "+allowRE+") {", "}", g.varnishHeaders("resp", "req.http.Origin"), "varnish:deliver-if"))
	}
	if g.chance(0.4) {
		add("vcl_deliver", g.varnishHeaders("resp", "req.http.Origin")...)
	}
	if g.chance(0.15) {
		add("vcl_deliver", stmt("unset resp.http.Access-Control-Allow-Origin;", "varnish:resp-header"))
	}
	if g.chance(0.15) {
		// Allowlists as written in the wild: unanchored, or anchored at
		// one end only, which look-alike origins pass.
		re := g.pick(`"example\.com"`, `"^https://app\.example\.com"`, `"\.example\.com$"`, allowRE)
		add("vcl_deliver", block("if (req.http.Origin ~ "+re+") {", "}", g.varnishHeaders("resp", "req.http.Origin"), "varnish:origin-regex", "varnish:deliver-if"))
	}
	if g.chance(0.12) {
		// regsub on the Origin into the answer: a string that does not
		// match comes back unchanged.
		add("vcl_deliver", stmt("set resp.http.Access-Control-Allow-Origin = regsub(req.http.Origin, "+
			g.pick(`"^http://", "https://"`, `"^https://(app|admin)\.example\.com$", "https://\1.example.com"`, `"^(https://[a-z]+)\.example\.com$", "\1.example.com"`)+");", "varnish:regsub", "varnish:resp-header"))
	}
	if g.chance(0.12) {
		add("vcl_deliver", block("if (obj.hits > 0) {", "}", []*Node{fixed(g.pick(`set resp.http.X-Cache = "HIT";`,
			`set resp.http.Access-Control-Allow-Origin = "*";`, "unset resp.http.Access-Control-Allow-Origin;"))}, "varnish:obj-hits"))
	}
	if g.chance(0.05) {
		add("vcl_deliver", block("if (req.restarts > 0) {", "}", []*Node{fixed(`set resp.http.Access-Control-Allow-Origin = "*";`)}, "varnish:restart"))
	}
	for _, s := range varnishSubs {
		if b := bodies[s.name]; len(b) > 0 {
			c.Top = append(c.Top, block("sub "+s.name+" {", "}", b, "varnish:"+s.name))
		}
	}
	for i := 0; i < 10; i++ {
		p := g.probe("", varnishPaths[g.r.Intn(len(varnishPaths))])
		if g.chance(0.25) {
			p.Method = "GET"
			p.Headers = nil
			p.Prior = originKinds[g.r.Intn(len(originKinds))].origin
			p.Fams = append(p.Fams, "varnish:cache-state")
			if g.chance(0.4) {
				// More origins in a row: the first one's answer is what a
				// cache without Origin in its key keeps.
				for n := 1 + g.r.Intn(2); n > 0; n-- {
					p.Then = append(p.Then, originKinds[g.r.Intn(len(originKinds))].origin)
				}
				p.Fams = append(p.Fams, "varnish:cache-state-several")
			}
		}
		c.Probes = append(c.Probes, p)
	}
	return c
}

// varnishHeaders sets CORS headers on obj (resp or beresp).
func (g *gen) varnishHeaders(obj, origin string) []*Node {
	var out []*Node
	fam := "varnish:" + obj + "-header"
	if g.chance(0.9) {
		out = append(out, stmt("set "+obj+".http.Access-Control-Allow-Origin = "+g.pick(origin, `"*"`, `"https://app.example.com"`)+";", fam))
	}
	if g.chance(0.4) {
		out = append(out, stmt("set "+obj+`.http.Access-Control-Allow-Credentials = "true";`, fam))
	}
	if g.chance(0.4) {
		out = append(out, stmt("set "+obj+`.http.Access-Control-Allow-Methods = "GET, POST, PUT, DELETE";`, fam))
	}
	if g.chance(0.3) {
		out = append(out, stmt("set "+obj+`.http.Access-Control-Allow-Headers = "Content-Type, Authorization";`, fam))
	}
	if g.chance(0.3) {
		out = append(out, stmt("set "+obj+`.http.Vary = "Origin";`, "varnish:vary"))
	}
	return out
}
