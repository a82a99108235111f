package difftest

import (
	"fmt"
	"strings"
)

// nginxPaths reach the generated locations and, with /other/, none.
var nginxPaths = []string{
	"/", "/api/items", "/api/items-404", "/api/items-500", "/api/exact",
	"/api/v1/users.json", "/api/v1/users-500.json", "/API/v2/x",
	"/static/f-200.txt", "/static/f-404.txt", "/data.json", "/other/x-404",
	"/api", "/api/", "/err.json",
}

// nginxFiles are the paths of nginxPaths that exist as files: not the
// directories /api and /api/, nor /err.json, which www/ has anyway.
var nginxFiles = []string{
	"/", "/api/items", "/api/exact", "/api/v1/users.json", "/API/v2/x", "/static/f-200.txt", "/data.json",
}

// nginxHTTPHeaders are the add_header lines a case may have in http
// context; few, so that cases with the same one share a server start.
var nginxHTTPHeaders = []string{
	"add_header Vary Origin;",
	`add_header Access-Control-Allow-Origin "https://app.example.com";`,
	"add_header Access-Control-Allow-Credentials true always;",
}

var nginxHosts = []string{"a.test", "x.b.test", "b.test", "c7.test", "other.test"}

func (g *gen) nginxCase(name string) *Case {
	c := &Case{Name: name}
	var top []*Node
	mapVar := ""
	if g.chance(0.5) {
		mapVar = "$" + name + "_cors"
		def := g.pick(`""`, `""`, `"*"`)
		kids := []*Node{fixed("default " + def + ";")}
		kids = append(kids, g.subset(0.7,
			stmt(`"https://app.example.com" $http_origin;`, "nginx:map-exact"),
			stmt(`~^https://admin\.example\.com$ $http_origin;`, "nginx:map-regex"),
			stmt(`~*^https://app\.example\.com $http_origin;`, "nginx:map-regex"),
			stmt(`~^(https://[a-z]+\.example\.com)$ $1;`, "nginx:map-regex", "nginx:map-capture"),
			stmt(`~^https://(?<sub>[a-z]+)\.example\.com$ https://$sub.example.com;`, "nginx:map-regex", "nginx:map-capture-named"),
			// the name a regex server_name captures too: whichever ran
			// last with it gives $srv
			stmt(`~^https://(?<srv>[a-z]+)\.example\.org$ $http_origin;`, "nginx:map-regex", "nginx:capture-named-shared"),
		)...)
		n := block("map $http_origin "+mapVar+" {", "}", kids, "nginx:map")
		n.Fixed = true
		top = append(top, n)
	}
	hostVar := ""
	if g.chance(0.2) {
		hostVar = "$" + name + "_expose"
		n := block("map $host "+hostVar+" {", "}", []*Node{
			fixed("hostnames;"), fixed(`default "X-Default";`),
			stmt(`.b.test "X-B";`), stmt(`a.test "X-A";`),
			stmt(`~^c[0-9]+\.test$ "X-C";`), stmt(`other.* "X-O";`),
		}, "nginx:map-hostnames")
		n.Fixed = true
		top = append(top, n)
	}
	credVar := ""
	if g.chance(0.2) {
		credVar = "$" + name + "_cred"
		n := block("map $http_origin "+credVar+" {", "}", []*Node{
			fixed(`default "";`), stmt(`"https://app.example.com" "true";`), stmt(`~^https://admin\. "true";`),
		}, "nginx:map-literal")
		n.Fixed = true
		top = append(top, n)
	}
	if g.chance(0.1) {
		// add_header in http context reaches every server and location
		// without add_header of its own; the runner starts the cases with
		// the same http-level lines together (httpLines).
		top = append(top, stmt(g.pick(nginxHTTPHeaders...), "nginx:add_header-http"))
	}
	if g.chance(0.25) {
		c.Files = append(c.Files, File{Path: "cors.conf", Content: g.nginxHeaders(mapVar, "", hostVar, true).text()})
	}
	nServers := 1 + g.r.Intn(3)
	def := g.r.Intn(nServers + 1) // == nServers: no default_server
	for i := 0; i < nServers; i++ {
		top = append(top, g.nginxServer(c, i, i == def, mapVar, hostVar, credVar))
	}
	c.Top = top
	c.Files = append(c.Files, File{Path: "www/err.json", Content: "{}\n"}, File{Path: "www/index.html", Content: "<p>index</p>\n"})
	c.Files = append(c.Files, docroot(nginxFiles)...)
	for i := 0; i < 12; i++ {
		host := nginxHosts[g.r.Intn(len(nginxHosts))]
		c.Probes = append(c.Probes, g.probe(host, nginxPaths[g.r.Intn(len(nginxPaths))]))
	}
	return c
}

func (g *gen) nginxServer(c *Case, i int, isDefault bool, mapVar, hostVar, credVar string) *Node {
	suffix := ";"
	fams := []string{"nginx:server"}
	if isDefault {
		suffix = " default_server;"
		fams = append(fams, "nginx:default_server")
	}
	// Static answers come from www/, where exactly the paths the upstream
	// answers 200 for exist, so that a file lookup and the upstream agree.
	var kids []*Node
	switch {
	case i > 0 && g.chance(0.15):
		// Probes arrive on 127.0.0.1: a server only on another address
		// of the port is no candidate, whatever its server_name (the
		// first server always listens there).
		kids = append(kids, fixed("listen 127.0.0.2:@PORT@"+suffix, "nginx:listen-other-address"))
	case g.chance(0.2):
		// another loopback address on the same port, default_server on
		// one of them only: it is the default for that address alone
		first, second := suffix, suffix
		if isDefault {
			if g.chance(0.5) {
				first = ";"
			} else {
				second = ";"
			}
			fams = append(fams, "nginx:default_server-one-listen")
		}
		kids = append(kids, fixed("listen 127.0.0.1:@PORT@"+first, "nginx:listen-multi"),
			fixed("listen 127.0.0.2:@PORT@"+second, "nginx:listen-multi"))
	default:
		kids = append(kids, fixed("listen 127.0.0.1:@PORT@"+suffix))
	}
	kids = append(kids, fixed("root @DIR@/www;"))
	switch i {
	case 0:
		kids = append(kids, fixed("server_name "+g.pick("a.test", "a.test www.a.test")+";", "nginx:server_name-exact"))
	case 1:
		form := g.pick("*.b.test", ".b.test", "x.b.*")
		kids = append(kids, fixed("server_name "+form+";", "nginx:server_name-wildcard"))
	default:
		form := g.pick(`~^c[0-9]+\.test$`, `~^(?<srv>[a-z0-9]+)\.test$`, `"~^(?<srv>c[0-9]+)\.(?<tld>test)$"`, `~^([a-z]+)([0-9]*)\.test$`)
		fams := []string{"nginx:server_name-regex"}
		if strings.Contains(form, "(") {
			fams = append(fams, "nginx:server_name-capture")
		}
		kids = append(kids, fixed("server_name "+form+";", fams...))
		switch {
		case strings.Contains(form, "?<srv>"):
			kids = append(kids, stmt(`add_header Access-Control-Expose-Headers "X-$srv";`, "nginx:server_name-capture", "nginx:add_header-server"))
		case strings.Contains(form, "("):
			// $1 is the server name's until a location regex captures
			kids = append(kids, stmt(`add_header Access-Control-Expose-Headers "X-$1";`, "nginx:server_name-capture", "nginx:add_header-server"))
		}
	}
	if g.chance(0.3) {
		kids = append(kids, g.nginxHeaders(mapVar, "", hostVar, false).nodes("nginx:add_header-server")...)
	} else if len(c.Files) > 0 && c.Files[0].Path == "cors.conf" && g.chance(0.3) {
		kids = append(kids, stmt("include @DIR@/cors.conf;", "nginx:include", "nginx:add_header-server"))
	}
	if credVar != "" && g.chance(0.5) {
		kids = append(kids, stmt("add_header Access-Control-Allow-Credentials "+credVar+g.pick("", " always")+";", "nginx:add_header-server", "nginx:map-literal"))
	}
	serverVar := ""
	if g.chance(0.15) {
		// set and if at server level run before the location is chosen
		serverVar = "$" + c.Name + "_s"
		kids = append(kids, fixed("set "+serverVar+` "";`, "nginx:set", "nginx:set-server"),
			block(`if ($http_origin ~ `+g.pick(`"^https://app\.example\.com$"`, `"^https://(app)\.example\.(com)$"`)+`) {`, "}",
				[]*Node{fixed("set " + serverVar + " $http_origin;")}, "nginx:if-server", "nginx:set"))
	}

	if g.chance(0.2) {
		kids = append(kids, block("if ($request_method = OPTIONS) {", "}", []*Node{fixed("return 204;")}, "nginx:if-server", "nginx:return"))
	}
	if g.chance(0.1) {
		kids = append(kids, block(`if ($http_origin = "https://evil.example") {`, "}", []*Node{fixed("return 403;")}, "nginx:if-server", "nginx:return"))
	}
	if g.chance(0.1) {
		kids = append(kids, block(g.pick("if ($request_method = PATCH) {", `if ($request_uri ~ "^/other/") {`, "if ($host = b.test) {"), "}",
			[]*Node{fixed(g.pick("return 405;", "return 301 https://a.test$request_uri;", `return 200 "moved";`, "return 302 /api/exact;"))},
			"nginx:if-server", "nginx:if-server-several", "nginx:return"))
	}
	if g.chance(0.4) {
		if g.chance(0.75) {
			kids = append(kids, stmt("proxy_intercept_errors on;", "nginx:proxy_intercept_errors"))
		}
		if g.chance(0.5) {
			kids = append(kids, stmt("error_page 404 500 "+g.pick("", "", "=200 ", "= ")+"/err.json;", "nginx:error_page"))
			loc := block("location = /err.json {", "}", []*Node{fixed("internal;"), fixed("root @DIR@/www;")}, "nginx:error_page")
			loc.Kids = append(loc.Kids, g.nginxHeaders(mapVar, "", "", false).nodes("nginx:add_header")...)
			if g.chance(0.15) {
				loc.Kids = append(loc.Kids, stmt("return 404;", "nginx:error_page-return"))
			}
			kids = append(kids, loc)
		} else {
			kids = append(kids, stmt("error_page 404 500 "+g.pick("= ", "= ", "", "=203 ")+"@fallback;", "nginx:error_page-named"))
			handler := g.pick("return 502;", `return 200 "{}";`, "proxy_pass http://@UP@;")
			loc := block("location @fallback {", "}", []*Node{fixed(handler)}, "nginx:error_page-named")
			loc.Kids = append(g.nginxHeaders(mapVar, "", "", false).nodes("nginx:add_header"), loc.Kids...)
			loc.Fixed = true
			kids = append(kids, loc)
		}
	}
	opens := []string{
		"location / {", "location /api/ {", "location = /api/exact {", "location ^~ /static/ {",
		`location ~ \.json$ {`, g.pick(`location ~* ^/api/v[0-9]+/ {`, `location ~* ^/api/(v[0-9]+)/ {`), "location /api/v1/ {",
	}
	g.r.Shuffle(len(opens), func(a, b int) { opens[a], opens[b] = opens[b], opens[a] })
	nLoc := 1 + g.r.Intn(4)
	for _, open := range opens[:nLoc] {
		kids = append(kids, g.nginxLocation(c, open, mapVar, hostVar, true))
	}
	if serverVar != "" && g.chance(0.5) {
		kids = append(kids, block("location = /api/items {", "}", []*Node{
			stmt("add_header Access-Control-Allow-Origin "+serverVar+g.pick("", " always")+";", "nginx:set-server", "nginx:add_header"),
			fixed("proxy_pass http://@UP@;", "nginx:proxy_pass"),
		}, "nginx:location", "nginx:location-exact"))
	}
	return block("server {", "}", kids, fams...)
}

func (g *gen) nginxLocation(c *Case, open, mapVar, hostVar string, mayNest bool) *Node {
	fams := []string{"nginx:location"}
	switch {
	case open == "location ^~ /static/ {":
		fams = append(fams, "nginx:location-preferred")
	case open[9] == '=':
		fams = append(fams, "nginx:location-exact")
	case open[9] == '~':
		fams = append(fams, "nginx:location-regex")
		if strings.Contains(open, "(") {
			fams = append(fams, "nginx:location-regex-capture")
		}
	default:
		fams = append(fams, "nginx:location-prefix")
	}
	var kids []*Node
	setVar := ""
	if g.chance(0.2) {
		setVar = "$" + c.Name + "_v"
		kids = append(kids, fixed("set "+setVar+` "";`, "nginx:set"),
			block(`if ($http_origin ~* "^https://(app|admin)\.example\.com$") {`, "}",
				[]*Node{fixed("set " + setVar + " $http_origin;")}, "nginx:if-location", "nginx:set"))
	}
	if g.chance(0.25) {
		inner := g.nginxHeaders(mapVar, setVar, "", false).nodes("nginx:add_header-if")
		inner = append(inner, fixed(g.pick("return 204;", "return 204;", `return 200 "";`)))
		kids = append(kids, block("if ($request_method = OPTIONS) {", "}", inner, "nginx:if-location", "nginx:return"))
	}
	if setVar == "" && g.chance(0.12) {
		kids = append(kids, g.nginxFlagIfs(c, mapVar)...)
	}
	if g.chance(0.8) {
		hs := g.nginxHeaders(mapVar, setVar, hostVar, false).nodes("nginx:add_header")
		if g.chance(0.2) {
			// a capture read before or after the statements that read
			// maps: what it gives depends on the regexes run by then
			// ($srv only where a regex names it: nginx refuses an unknown
			// variable)
			at := g.r.Intn(len(hs) + 1)
			read := stmt(`add_header Access-Control-Expose-Headers "`+g.pick("X-$1", "X-$1-$2")+`" always;`, "nginx:add_header", "nginx:capture-order")
			hs = append(hs[:at], append([]*Node{read}, hs[at:]...)...)
		}
		kids = append(kids, hs...)
	}
	if mapVar != "" && g.chance(0.1) {
		// the map runs here, in the rewrite phase; with a default of "*"
		// the test always holds
		kids = append(kids, block("if ("+mapVar+` != "") {`, "}",
			g.nginxHeaders(mapVar, setVar, "", false).nodes("nginx:add_header-if"), "nginx:if-location", "nginx:if-map-test"))
	}
	if g.chance(0.1) {
		// an if without return: its own configuration, add_header included,
		// replaces the location's when it matches
		kids = append(kids, block(`if ($http_origin ~* "^https://admin\.") {`, "}",
			g.nginxHeaders(mapVar, setVar, "", false).nodes("nginx:add_header-if"), "nginx:if-location", "nginx:if-no-return"))
	}
	if len(c.Files) > 0 && c.Files[0].Path == "cors.conf" && g.chance(0.5) {
		kids = append(kids, stmt("include @DIR@/cors.conf;", "nginx:include"))
	}
	if g.chance(0.1) {
		kids = append(kids, block("limit_except "+g.pick("GET POST", "GET", "GET POST OPTIONS")+" {", "}", []*Node{fixed("deny all;")}, "nginx:limit_except"))
	}
	if g.chance(0.1) {
		kids = append(kids, stmt("error_page "+g.pick("404 /err.json", "404 =200 /err.json", "404 /api/exact", "405 =200 /err.json")+";", "nginx:error_page", "nginx:error_page-location"))
	}
	switch {
	case open == "location ^~ /static/ {" && g.chance(0.8):
		kids = append(kids, fixed("root @DIR@/www;", "nginx:static"))
	case open == "location /api/ {" && g.chance(0.1):
		kids = append(kids, fixed("alias @DIR@/www/api/;", "nginx:static", "nginx:alias"))
	case g.chance(0.1):
		// no handler: the static and index modules answer
		kids = append(kids, fixed(g.pick("root @DIR@/www;", "index index.html;"), "nginx:static"))
	case g.chance(0.15):
		kids = append(kids, fixed(g.pick("return 204;", `return 200 "{}";`, "return 403;", "return 404;", `return 403 "denied";`,
			"return 301 https://a.test/moved;", "return 302 /api/exact;"), "nginx:return"))
	default:
		kids = append(kids, fixed("proxy_pass http://@UP@;", "nginx:proxy_pass"))
		if g.chance(0.2) {
			kids = append(kids, stmt("proxy_hide_header Access-Control-Allow-Origin;", "nginx:proxy_hide_header"))
		}
	}
	if mayNest && open == "location /api/ {" && g.chance(0.3) {
		kids = append(kids, g.nginxLocation(c, g.pick("location /api/v1/ {", `location ~ \.json$ {`), mapVar, hostVar, false))
		fams = append(fams, "nginx:location-nested")
	}
	return block(open, "}", kids, fams...)
}

// nginxFlagIfs is the common "if is evil" allowlist: a variable set by
// several ifs in a row, then tested by ifs that add headers, one of them
// returning for OPTIONS. The value is "$v-p", not "${v}p": the shrinker
// renames variables by their "$name_" prefix.
func (g *gen) nginxFlagIfs(c *Case, mapVar string) []*Node {
	v := "$" + c.Name + "_f"
	cond := g.pick(`$http_origin ~* "^https://(app|admin)\.example\.com$"`, `$http_origin = "https://app.example.com"`)
	if mapVar != "" && g.chance(0.3) {
		cond = mapVar + ` != ""`
	}
	origin := g.pick("$http_origin", `"https://app.example.com"`)
	fam := "nginx:set-if-flag"
	out := []*Node{
		fixed("set "+v+` "";`, "nginx:set", fam),
		block("if ("+cond+") {", "}", []*Node{fixed("set " + v + ` "o";`)}, "nginx:if-location", fam),
		block("if ($request_method = OPTIONS) {", "}", []*Node{fixed("set " + v + ` "` + v + `-p";`)}, "nginx:if-location", fam),
	}
	pre := []*Node{
		stmt("add_header Access-Control-Allow-Origin "+origin+" always;", "nginx:add_header-if"),
		stmt(`add_header Access-Control-Allow-Methods "GET, POST, PUT, DELETE, PATCH" always;`, "nginx:add_header-if"),
		stmt(`add_header Access-Control-Allow-Headers "Authorization, X-Requested-With" always;`, "nginx:add_header-if"),
	}
	if g.chance(0.5) {
		pre = append(pre, stmt("add_header Access-Control-Allow-Credentials true always;", "nginx:add_header-if"))
	}
	pre = append(pre, fixed(g.pick("return 204;", `return 200 "";`), "nginx:return"))
	out = append(out, block("if ("+v+` = "o-p") {`, "}", pre, "nginx:if-location", fam, "nginx:if-several"))
	if g.chance(0.7) {
		act := []*Node{stmt("add_header Access-Control-Allow-Origin " + origin + g.pick("", " always") + ";")}
		if g.chance(0.5) {
			act = append(act, stmt("add_header Vary Origin;"))
		}
		out = append(out, block("if ("+v+` = "o") {`, "}", act, "nginx:if-location", fam, "nginx:if-no-return", "nginx:if-several"))
	}
	return out
}

// headerSet is a group of add_header statements.
type headerSet []string

func (h headerSet) nodes(fam string) []*Node {
	out := make([]*Node, len(h))
	for i, l := range h {
		out[i] = stmt(l, fam)
	}
	return out
}

func (h headerSet) text() string {
	s := ""
	for _, l := range h {
		s += l + "\n"
	}
	return s
}

// nginxHeaders picks CORS add_header statements with values from the
// variables in scope.
func (g *gen) nginxHeaders(mapVar, setVar, hostVar string, noAlways bool) headerSet {
	vals := []string{"$http_origin", `"https://app.example.com"`, `"*"`}
	if mapVar != "" {
		vals = append(vals, mapVar, mapVar)
	}
	if setVar != "" {
		vals = append(vals, setVar, setVar)
	}
	always := func() string {
		if !noAlways && g.chance(0.5) {
			return " always"
		}
		return ""
	}
	var out headerSet
	if g.chance(0.9) {
		out = append(out, fmt.Sprintf("add_header Access-Control-Allow-Origin %s%s;", g.pick(vals...), always()))
	}
	if g.chance(0.4) {
		out = append(out, "add_header Access-Control-Allow-Credentials true"+always()+";")
	}
	if g.chance(0.4) {
		out = append(out, `add_header Access-Control-Allow-Methods "GET, POST, PUT, DELETE"`+always()+";")
	}
	if g.chance(0.4) {
		out = append(out, `add_header Access-Control-Allow-Headers "`+g.pick("Content-Type, Authorization", "X-Requested-With", "*")+`"`+always()+";")
	}
	if g.chance(0.3) {
		out = append(out, "add_header Vary Origin"+always()+";")
	}
	if hostVar != "" && g.chance(0.5) {
		out = append(out, "add_header Access-Control-Expose-Headers "+hostVar+always()+";")
	}
	if g.chance(0.15) {
		out = append(out, "add_header Access-Control-Max-Age 600"+always()+";")
	}
	return out
}
