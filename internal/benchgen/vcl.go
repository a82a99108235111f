package benchgen

import "strconv"

func (g *gen) vclMain(size int) []byte {
	s := g.svc
	g.f("# Varnish in front of %s\nvcl 4.1;\n\nimport std;\nimport directors;\n\ninclude \"cors.vcl\";\n\n", s.name)
	g.f("acl purgers {\n    \"localhost\";\n    \"10.%d.0.0\"/16;\n}\n\n", g.r.IntN(256))
	var names []string
	for n := 0; g.b.Len() < size/3 || n < 2; n++ {
		names = append(names, g.pick(nouns)+"_"+strconv.Itoa(n))
		g.f("backend %s {\n    .host = \"10.%d.%d.%d\";\n    .port = \"%d\";\n", names[n], g.r.IntN(256), g.r.IntN(256), 1+g.r.IntN(254), 8000+g.r.IntN(1000))
		g.f("    .connect_timeout = %ds;\n    .first_byte_timeout = %ds;\n    .probe = {\n        .url = \"/healthz\";\n        .interval = 5s;\n        .timeout = 1s;\n        .window = 5;\n        .threshold = 3;\n    }\n}\n\n", 1+g.r.IntN(5), 10+g.r.IntN(50))
	}
	g.f("sub vcl_init {\n    new pool = directors.round_robin();\n")
	for _, n := range names {
		g.f("    pool.add_backend(%s);\n", n)
	}
	g.f("}\n\nsub vcl_recv {\n    set req.backend_hint = pool.backend();\n")
	g.f("    if (req.method == \"PURGE\") {\n        if (!client.ip ~ purgers) {\n            return (synth(405, \"Not allowed\"));\n        }\n        return (purge);\n    }\n")
	g.f("    call cors_recv;\n")
	for i := 0; g.b.Len() < size-600; i++ {
		g.f("    if (req.http.host == \"%s\" && req.url ~ \"^/%s/%d/\") {\n", g.svc.host(g.pick(nouns)), g.pick(nouns), i)
		g.f("        set req.http.X-Route = \"%s-%d\";\n        unset req.http.Cookie;\n    }\n", g.pick(nouns), i)
	}
	g.f("    if (req.method != \"GET\" && req.method != \"HEAD\") {\n        return (pass);\n    }\n    return (hash);\n}\n\n")
	g.f("sub vcl_hash {\n    hash_data(req.url);\n    hash_data(req.http.host);\n")
	if g.chance(60) {
		g.f("    hash_data(req.http.Origin);\n")
	}
	g.f("    return (lookup);\n}\n\n")
	g.f("sub vcl_backend_response {\n    if (beresp.status >= 500) {\n        set beresp.ttl = 0s;\n        set beresp.uncacheable = true;\n        return (deliver);\n    }\n    set beresp.ttl = %dm;\n    set beresp.grace = 1h;\n}\n\n", 1+g.r.IntN(120))
	g.f("sub vcl_deliver {\n    call cors_deliver;\n    unset resp.http.X-Varnish;\n    unset resp.http.Via;\n}\n\n")
	g.f("sub vcl_synth {\n    call cors_synth;\n}\n")
	return g.b.Bytes()
}

func (g *gen) vclInclude() []byte {
	s := g.svc
	g.f("# CORS for %s: an allowlist checked once, preflights answered here\n", s.name)
	g.f("sub cors_recv {\n    unset req.http.X-CORS-Origin;\n")
	if g.chance(25) {
		g.f("    if (req.http.Origin ~ \"%s\") {\n", s.domain)
	} else {
		g.f("    if (req.http.Origin ~ \"^https://(%s)\\.%s$\") {\n", joinBar(s.clients), escapeDots(s.domain))
	}
	g.f("        set req.http.X-CORS-Origin = req.http.Origin;\n    }\n")
	g.f("    if (req.method == \"OPTIONS\" && req.http.X-CORS-Origin) {\n        return (synth(204));\n    }\n}\n\n")
	g.f("sub cors_deliver {\n    unset resp.http.Access-Control-Allow-Origin;\n    if (req.http.X-CORS-Origin) {\n")
	g.f("        set resp.http.Access-Control-Allow-Origin = req.http.X-CORS-Origin;\n        set resp.http.Access-Control-Allow-Credentials = \"true\";\n    }\n")
	if g.chance(50) {
		g.f("    if (resp.http.Vary) {\n        set resp.http.Vary = resp.http.Vary + \", Origin\";\n    } else {\n        set resp.http.Vary = \"Origin\";\n    }\n")
	} else {
		g.f("    set resp.http.Vary = \"Origin\";\n")
	}
	g.f("}\n\nsub cors_synth {\n    if (resp.status == 204 && req.method == \"OPTIONS\") {\n        call cors_deliver;\n")
	g.f("        set resp.http.Access-Control-Allow-Methods = \"GET, POST, PUT, DELETE\";\n")
	g.f("        set resp.http.Access-Control-Allow-Headers = \"Content-Type, Authorization\";\n")
	g.f("        set resp.http.Access-Control-Max-Age = \"%d\";\n        return (deliver);\n    }\n}\n", []int{600, 7200, 86400}[g.r.IntN(3)])
	return g.b.Bytes()
}
