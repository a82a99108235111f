package difftest

import "strings"

// apachePaths: /api/ is proxied, the rest is static under www/ (only the
// -200 files exist).
var apachePaths = []string{
	"/api/items", "/api/items-404", "/api/items-500", "/api/v1/users.json",
	"/static/f-200.txt", "/static/f-404.txt", "/data-200.json", "/data-404.json",
}

var apacheHosts = []string{"a.test", "x.b.test", "other.test"}

// apacheAliases map /assets/ (and /pics/) outside the document root, with
// the paths each makes reachable. A case maps them in every virtual host,
// so that the status a path names holds whichever host a probe reaches.
var apacheAliases = []struct {
	line  string
	paths []string
}{
	{"Alias /assets @DIR@/assets", []string{"/assets/a-200.txt", "/assets/a-404.txt"}},
	{"Alias /assets/ @DIR@/assets/", []string{"/assets/a-200.txt", "/assets/a-404.txt"}},
	{"AliasMatch ^/(assets|pics)/(.*)$ @DIR@/assets/$2", []string{"/assets/a-200.txt", "/pics/a-404.txt", "/pics/a-200.txt"}},
}

func (g *gen) apacheCase(name string) *Case {
	c := &Case{Name: name}
	top := []*Node{fixed("Listen 127.0.0.1:@PORT@")}
	nHosts := 1 + g.r.Intn(2)
	paths := apachePaths
	alias := ""
	if g.chance(0.25) {
		a := apacheAliases[g.r.Intn(len(apacheAliases))]
		alias, paths = a.line, append(append([]string(nil), apachePaths...), a.paths...)
	}
	script := ""
	if x := g.more; x != nil && x.chance(0.12) {
		script = x.pick("ScriptAlias /cgi-bin/ @DIR@/cgi-bin/", `ScriptAliasMatch ^/cgi-bin/(run-\d+\.cgi)$ @DIR@/cgi-bin/$1`, "ScriptAlias /cgi-bin @DIR@/cgi-bin")
		paths = append(append([]string(nil), paths...), apacheScripts...)
	}
	local := false
	if x := g.more; x != nil && x.chance(0.1) {
		local = true
		paths = append(append([]string(nil), paths...), "/one/x-200.txt", "/one/deep/y-200.json")
	}
	for i := 0; i < nHosts; i++ {
		v := g.apacheVhost(i, alias)
		if script != "" {
			v.Kids = append(v.Kids, g.more.apacheScriptAlias(script)...)
		}
		if local {
			v.Kids = append(v.Kids, g.more.apacheLocationAlias())
		}
		top = append(top, v)
	}
	// A directory's RewriteRules in an .htaccess (read where AllowOverride
	// allows FileInfo).
	rw := ""
	if g.chance(0.12) {
		rw = "RewriteEngine On\n" + g.pick("RewriteRule ^f-(\\d+)\\.txt$ g-$1.txt [L]\n", "RewriteCond %{REQUEST_METHOD} OPTIONS\nRewriteRule ^ - [R=204,L]\n",
			"RewriteCond %{HTTP:Origin} ^https://(app|admin)\\.example\\.com$\nRewriteRule ^ - [E=RW_OK:%{HTTP:Origin}]\n")
		top = append(top, stmt("# a RewriteRule in www/static/.htaccess", "apache:rewrite-perdir"))
	}
	c.Top = top
	if script != "" {
		for _, p := range apacheScripts {
			c.Files = append(c.Files, File{Path: strings.TrimPrefix(p, "/"), Content: apacheScript})
		}
	}
	c.Files = append(c.Files, File{Path: "www/err.txt", Content: "error\n"})
	c.Files = append(c.Files, docroot(apachePaths)...)
	// the targets of the rewrites and aliases
	c.Files = append(c.Files, File{Path: "www/static/g-200.txt", Content: "{}\n"}, File{Path: "assets/a-200.txt", Content: "{}\n"})
	// where a RewriteBase of / or /nowhere/ sends the rewrites, so that
	// the status a path names holds there too
	c.Files = append(c.Files, File{Path: "www/g-200.txt", Content: "{}\n"}, File{Path: "www/nowhere/static/g-200.txt", Content: "{}\n"})
	if g.chance(0.3) {
		dir := g.pick("www/", "www/static/")
		c.Files = append(c.Files, File{Path: dir + ".htaccess", Content: g.apacheHeaders(false).text()})
	}
	switch {
	case g.chance(0.1) || rw != "":
		content := rw + g.apacheHeaders(false).text()
		if n := len(c.Files) - 1; c.Files[n].Path == "www/static/.htaccess" {
			// one file: the server reads what was written last
			c.Files[n].Content = content
			break
		}
		c.Files = append(c.Files, File{Path: "www/static/.htaccess", Content: content})
	}
	for i := 0; i < 12; i++ {
		host := apacheHosts[g.r.Intn(len(apacheHosts))]
		c.Probes = append(c.Probes, g.probe(host, paths[g.r.Intn(len(paths))]))
	}
	if x := g.more; x != nil && x.chance(0.2) {
		g.apacheSubdirHtaccess(c)
	}
	return c
}

// apacheSubdirPaths are the files of www/static/sub/, whose .htaccess
// the subdirectory family writes.
var apacheSubdirPaths = []string{"/static/sub/s-200.txt", "/static/sub/s-404.txt"}

// apacheSubdirHtaccess gives c an .htaccess two levels below the
// document root (www/static/sub/), with headers, sometimes a <Files>
// section or a RewriteRule of its own, and sometimes a <Directory> of the
// main server that sets the subdirectory's own AllowOverride, and probes
// that reach it. Drawn from g.more after the case's other draws, so the
// cases of earlier seeds keep their configurations and probes.
func (g *gen) apacheSubdirHtaccess(c *Case) {
	x := g.more
	fam := "apache:htaccess-subdir"
	c.Top = append(c.Top, stmt("# an .htaccess in www/static/sub/", fam))
	if x.chance(0.4) {
		// the deepest <Directory> with an AllowOverride decides whether
		// httpd reads the file, whatever the document root's says
		body := []*Node{fixed("AllowOverride "+x.pick("None", "FileInfo", "All"), fam)}
		n := block("<Directory @DIR@/www/static/sub>", "</Directory>", body, fam)
		n.Fixed = true
		c.Top = append(c.Top, n)
	}
	content := x.apacheHeaders(true).text()
	if x.chance(0.3) {
		content += "<Files \"s-200.txt\">\n" + x.apacheHeaders(true).text() + "</Files>\n"
	}
	if x.chance(0.25) {
		content += "RewriteEngine On\nRewriteCond %{REQUEST_METHOD} OPTIONS\nRewriteRule ^ - " + x.pick("[R=204,L]", "[F]") + "\n"
	}
	c.Files = append(c.Files, File{Path: "www/static/sub/.htaccess", Content: content}, File{Path: "www/static/sub/s-200.txt", Content: "{}\n"})
	for i := 0; i < 4; i++ {
		host := apacheHosts[x.r.Intn(len(apacheHosts))]
		c.Probes = append(c.Probes, x.probe(host, apacheSubdirPaths[x.r.Intn(len(apacheSubdirPaths))]))
	}
}

// apacheVhost builds one virtual host, with alias when not "".
func (g *gen) apacheVhost(i int, alias string) *Node {
	kids := []*Node{fixed("DocumentRoot @DIR@/www")}
	if i == 0 {
		kids = append(kids, fixed("ServerName a.test", "apache:vhost"))
	} else {
		kids = append(kids, fixed("ServerName b.test", "apache:vhost"), stmt("ServerAlias *.b.test", "apache:vhost-alias"))
	}
	override := g.pick("None", "All", "FileInfo")
	dir := []*Node{fixed("Require all granted"), fixed("AllowOverride " + override)}
	if override != "None" {
		dir[1].Fams = []string{"apache:htaccess"}
	}
	if g.chance(0.3) {
		dir = append(dir, g.apacheHeaders(true).nodes("apache:directory")...)
	}
	if g.chance(0.2) {
		dir = append(dir, g.apachePerDirRewrite("static/")...)
	}
	kids = append(kids, &Node{Line: "<Directory @DIR@/www>", Close: "</Directory>", Kids: dir, Fixed: true, Fams: []string{"apache:directory"}})
	if alias != "" {
		// Fixed: the statuses the alias paths name depend on it.
		kids = append(kids, fixed(alias, "apache:alias"))
		body := []*Node{fixed("Require all granted")}
		body = append(body, g.apacheHeaders(true).nodes("apache:alias")...)
		if g.chance(0.3) {
			body = append(body, stmt("RewriteEngine On", "apache:rewrite-perdir"), stmt(g.pick("RewriteRule ^a-(\\d+)\\.txt$ /static/g-$1.txt [END]", "RewriteRule ^a-404 - [G]"), "apache:rewrite-perdir"))
		}
		n := block("<Directory @DIR@/assets>", "</Directory>", body, "apache:alias")
		n.Fixed = true
		kids = append(kids, n)
	}
	if g.chance(0.15) {
		kids = append(kids, stmt("Header "+g.pick("", "always ")+g.pick("echo ^Access-Control-Request-", "echo Access-Control-Request-Method", `echo ^Access-Control-Request-H "expr=-n %{req:Origin}"`), "apache:header-echo"))
	}
	if g.chance(0.4) {
		kids = append(kids, stmt(`SetEnvIf Origin "^(https://(app|admin)\.example\.com)$" CORS_ORIGIN=$1`, "apache:setenvif-capture"))
		if g.chance(0.7) {
			kids = append(kids, stmt(`Header `+g.pick("", "always ")+`set Access-Control-Allow-Origin "%{CORS_ORIGIN}e" env=CORS_ORIGIN`, "apache:header-env"))
		}
	}
	if g.chance(0.2) {
		kids = append(kids, stmt(`SetEnvIfNoCase Origin "^https://APP\.example\.com$" CORS_OK`, "apache:setenvifnocase"),
			stmt(`Header `+g.pick("", "always ")+`set Access-Control-Allow-Credentials true env=CORS_OK`, "apache:header-env"))
	}
	if g.chance(0.15) {
		kids = append(kids, stmt(`SetEnvIf Request_Method "^OPTIONS$" PREFLIGHT`, "apache:setenvif-method"),
			stmt(`SetEnvIf Origin "evil" !PREFLIGHT`, "apache:setenvif-method"),
			stmt(`Header `+g.pick("", "always ")+g.pick("set", "add", "merge")+` Access-Control-Allow-Methods "GET, OPTIONS" env=`+g.pick("PREFLIGHT", "!PREFLIGHT"), "apache:header-env"))
	}
	if g.chance(0.6) {
		kids = append(kids, g.apacheHeaders(true).nodes("apache:header")...)
	}
	if g.chance(0.3) {
		kids = append(kids, g.apacheIf())
	}
	if g.chance(0.25) {
		kids = append(kids, stmt("RewriteEngine On", "apache:rewrite"))
		if g.chance(0.3) {
			kids = append(kids, stmt(`RewriteCond %{HTTP:Origin} "^https://(app|admin)\.example\.com$" `+g.pick("[NC]", "[NC,OR]"), "apache:rewrite-cond"))
			if g.chance(0.3) {
				kids = append(kids, stmt(`RewriteCond %{HTTP:Origin} ^null$`, "apache:rewrite-cond"))
			}
			kids = append(kids, stmt("RewriteRule ^ - [E=CORS_RW:%{HTTP:Origin}]", "apache:rewrite-flags"),
				stmt(`Header `+g.pick("", "always ")+`set Access-Control-Allow-Origin "%{CORS_RW}e" env=CORS_RW`, "apache:header-env"))
		}
		kids = append(kids, stmt("RewriteCond %{REQUEST_METHOD} "+g.pick("OPTIONS", "options [NC]", "!^(GET|POST)$"), "apache:rewrite"),
			stmt("RewriteRule "+g.pick("^", "^/static/", `\.json$`)+" - "+g.pick("[R=204,L]", "[R=200,L]", "[F]", "[G]", "[R=204]", "[F,NC]"), "apache:rewrite-flags"))
	}
	if x := g.more; x != nil && x.chance(0.15) {
		// mod_rewrite's external redirects, with server variables in the
		// Location (the corpus's %{HTTP_HOST}, %{REQUEST_URI})
		kids = append(kids, stmt("RewriteEngine On", "apache:rewrite-redirect"))
		if x.chance(0.3) {
			kids = append(kids, stmt("RewriteCond %{REQUEST_METHOD} "+x.pick("!OPTIONS", "^GET$"), "apache:rewrite-redirect"))
		}
		kids = append(kids, stmt("RewriteRule "+x.pick(`^/static/f-404\.txt$`, `\.json$`, "^/static/(.*)$")+" "+
			x.pick("https://elsewhere.test/$1", "https://%{HTTP_HOST}/static/g-200.txt", "%{REQUEST_SCHEME}://elsewhere.test%{REQUEST_URI}", "/static/g-200.txt")+" "+
			x.pick("[R=301,L]", "[R,L]", "[R=permanent,L]", "[R=303]", "[R=temp,L]"), "apache:rewrite-redirect"))
	}
	if g.chance(0.2) {
		kids = append(kids, stmt("ErrorDocument 404 "+g.pick("/err.txt", `"not here"`), "apache:errordocument"))
	}
	if g.chance(0.1) {
		kids = append(kids, stmt("ErrorDocument "+g.pick("405", "403", "410")+" "+g.pick("/err.txt", `"no"`), "apache:errordocument"))
	}
	if g.chance(0.1) {
		kids = append(kids, block(`<Files "f-200.txt">`, "</Files>", []*Node{stmt("Require all denied", "apache:require")}, "apache:files"))
	}
	if g.chance(0.15) {
		body := []*Node{stmt("AllowOverride "+g.pick("None", "FileInfo"), "apache:htaccess")}
		if g.chance(0.3) {
			body = append(body, g.apachePerDirRewrite("")...)
		}
		kids = append(kids, block("<Directory @DIR@/www/static>", "</Directory>", body, "apache:directory"))
	}
	if g.chance(0.2) {
		// mod_alias's listed redirects, tried at translate time after
		// ProxyPass (the /api/ ones never take a request).
		kids = append(kids, stmt(g.pick(
			"Redirect /static/f-404.txt https://elsewhere.test/f.txt",
			"Redirect permanent /data-200.json https://elsewhere.test/data.json",
			`RedirectMatch 301 ^/static/f-(\d+)\.txt$ https://elsewhere.test/$1`,
			`RedirectMatch "\.json$" https://elsewhere.test/`,
			"RedirectPermanent /static https://elsewhere.test/static",
			"RedirectTemp /api/items https://elsewhere.test/items",
			"Redirect gone /data-404.json",
			"Redirect seeother /static/ https://elsewhere.test/",
		), "apache:redirect"))
	}
	if g.chance(0.12) {
		// A section's own redirect (no URL-path) and a listed one in a
		// directory, which mod_alias's fixup runs after access checks.
		open, closing, red := g.pick("<Location /static/f-404.txt>", "<Location /api/items-404>", "<Location /data-200.json>"), "</Location>",
			g.pick(`Redirect "https://elsewhere.test/"`, "Redirect gone", "Redirect permanent https://elsewhere.test/")
		if g.chance(0.3) {
			open, closing, red = "<Directory @DIR@/www/static>", "</Directory>", g.pick("Redirect /static/f-200.txt https://elsewhere.test/", "RedirectMatch 303 f-404 https://elsewhere.test/")
		}
		body := append([]*Node{stmt(red, "apache:redirect-section")}, g.apacheHeaders(true).nodes("apache:redirect-section")...)
		kids = append(kids, block(open, closing, body, "apache:redirect-section"))
	}
	kids = append(kids, fixed("ProxyPass /api/ http://@UP@/api/", "apache:proxypass"))
	if g.chance(0.25) {
		open, closing := g.pick(`<Proxy "http://@UP@/api/">`, "<Proxy *>", `<Proxy "http://@UP@/api/v*">`, `<ProxyMatch "/api/items">`), "</Proxy>"
		if strings.HasPrefix(open, "<ProxyMatch") {
			closing = "</ProxyMatch>"
		}
		body := g.apacheHeaders(true).nodes("apache:proxy-section")
		if g.chance(0.1) {
			body = append(body, stmt("Require all denied", "apache:proxy-section"))
		}
		if g.chance(0.2) {
			body = append(body, g.apacheIf())
		}
		kids = append(kids, block(open, closing, body, "apache:proxy-section"))
	}
	sections := []struct{ open, close, fam string }{
		{"<Location /api/>", "</Location>", "apache:location"},
		{"<LocationMatch ^/api/v[0-9]+/>", "</LocationMatch>", "apache:locationmatch"},
		{"<Directory @DIR@/www/static>", "</Directory>", "apache:directory"},
		{`<DirectoryMatch "^@DIR@/www/st.*">`, "</DirectoryMatch>", "apache:directorymatch"},
		{`<Files "f-200.txt">`, "</Files>", "apache:files"},
		{`<FilesMatch "\.json$">`, "</FilesMatch>", "apache:filesmatch"},
	}
	for _, s := range sections {
		if g.chance(0.25) {
			body := g.apacheHeaders(true).nodes("apache:header")
			if g.chance(0.2) {
				body = append(body, g.apacheIf())
			}
			kids = append(kids, block(s.open, s.close, body, s.fam))
		}
	}
	if g.chance(0.15) {
		// Require per method: alone, or beside a Require for all
		open, closing := g.pick("<Directory @DIR@/www/static>", "<Location /api/>", "<Location /data-200.json>"), "</Location>"
		if strings.HasPrefix(open, "<Directory") {
			closing = "</Directory>"
		}
		lim := g.pick("<Limit OPTIONS>", "<LimitExcept GET POST>", "<LimitExcept GET POST OPTIONS>", "<Limit PUT DELETE PATCH>")
		limClose := "</Limit>"
		if strings.HasPrefix(lim, "<LimitExcept") {
			limClose = "</LimitExcept>"
		}
		inner := []*Node{stmt("Require all denied", "apache:limit")}
		if g.chance(0.3) {
			inner = append(inner, g.apacheHeaders(true).nodes("apache:limit")...)
		}
		body := []*Node{block(lim, limClose, inner, "apache:limit")}
		if g.chance(0.4) {
			body = append([]*Node{stmt("Require all granted", "apache:limit")}, body...)
		}
		kids = append(kids, block(open, closing, body, "apache:limit"))
	}
	if x := g.more; x != nil && x.chance(0.2) {
		kids = append(kids, x.apacheRewriteVars()...)
	}
	if x := g.more; x != nil && x.chance(0.2) {
		kids = append(kids, x.apacheSectionRewrite())
	}
	if x := g.more; x != nil && x.chance(0.15) {
		kids = append(kids, x.apacheRewriteOptions()...)
	}
	// Fixed: without a virtual host httpd's main server answers from a
	// document root outside the case.
	n := block("<VirtualHost 127.0.0.1:@PORT@>", "</VirtualHost>", kids, "apache:vhost")
	n.Fixed = true
	return n
}

// apachePerDirRewrite builds RewriteRules for a <Directory> whose files
// are under sub (relative to it): a status for OPTIONS, an internal
// redirect to another file (g-NNN.txt keeps the status the path names),
// an E= on a trusted Origin, or a 410.
func (g *gen) apachePerDirRewrite(sub string) []*Node {
	out := []*Node{stmt("RewriteEngine On", "apache:rewrite-perdir")}
	if g.chance(0.3) {
		// the URL a relative substitution redirects to: the directory's
		// own, or one where the file is not
		base := g.pick("/static/", "/")
		if sub != "" {
			base = g.pick("/", "/nowhere/")
		}
		out = append(out, stmt("RewriteBase "+base, "apache:rewritebase"))
	}
	switch g.r.Intn(6) {
	case 0:
		out = append(out, stmt("RewriteCond %{REQUEST_METHOD} OPTIONS", "apache:rewrite-perdir"),
			stmt("RewriteRule ^ - "+g.pick("[R=204,L]", "[R=200]", "[F]"), "apache:rewrite-perdir"))
	case 1:
		out = append(out, stmt("RewriteRule ^"+sub+`f-(\d+)\.txt$ `+sub+"g-$1.txt "+g.pick("[L]", "[END]", ""), "apache:rewrite-perdir"))
	case 2:
		rule := `RewriteRule ^f-(\d+)\.txt$ /static/g-$1.txt [END]`
		if sub != "" {
			rule = `RewriteRule ^data-(\d+)\.json$ /static/g-$1.txt [L]`
		}
		out = append(out, stmt(rule, "apache:rewrite-perdir"))
	case 3:
		out = append(out, stmt(`RewriteCond %{HTTP:Origin} ^https://(app|admin)\.example\.com$`, "apache:rewrite-perdir"),
			stmt("RewriteRule ^ - [E=RW_OK:%{HTTP:Origin}]", "apache:rewrite-perdir"),
			stmt(`Header set Access-Control-Allow-Origin "%{RW_OK}e" env=RW_OK`, "apache:rewrite-perdir"))
	case 4:
		if x := g.more; x == nil || x.chance(0.5) {
			out = append(out, stmt(`RewriteRule \.json$ - [G]`, "apache:rewrite-perdir"))
			break
		}
		// an external redirect from the directory's rules
		out = append(out, stmt(g.more.pick(`RewriteRule f-404\.txt$ https://elsewhere.test%{REQUEST_URI} [R=301,L]`,
			`RewriteRule \.txt$ %{REQUEST_SCHEME}://%{HTTP_HOST}/moved [R,L]`, `RewriteRule ^(.*)\.json$ $1.txt [R=302,L]`), "apache:rewrite-redirect"))
	default:
		// %N from the last RewriteCond that matched, and a query string
		// the substitution adds ([QSA]) or replaces ([QSD])
		out = append(out, stmt(`RewriteCond %{HTTP:Origin} ^https://(app|admin)\.example\.com$`, "apache:rewrite-backref"),
			stmt("RewriteRule ^"+sub+`f-(\d+)\.txt$ `+sub+"g-$1.txt?o=%1 "+g.pick("[QSA,L]", "[QSD]", "[L]"), "apache:rewrite-backref"))
	}
	return out
}

// apacheIf builds an <If> chain on the method or the origin.
func (g *gen) apacheIf() *Node {
	return g.apacheIfDepth(0)
}

// apacheIfDepth builds an <If> chain whose branches may hold chains of
// their own.
func (g *gen) apacheIfDepth(depth int) *Node {
	cond := g.pick(`"%{REQUEST_METHOD} == 'OPTIONS'"`, `"%{HTTP:Origin} == 'https://app.example.com'"`,
		`"%{HTTP:Origin} =~ m#^https://(app|admin)\.example\.com$#"`,
		`"%{REQUEST_METHOD} != 'OPTIONS' && -n %{HTTP:Origin}"`,
		`"%{req:Origin} == 'null' || %{REQUEST_METHOD} == 'GET'"`,
		`"!(%{HTTP:Origin} =~ /example\.com$/i)"`)
	body := g.apacheHeaders(true).nodes("apache:header")
	if depth == 0 && g.chance(0.2) {
		nested := g.apacheIfDepth(1)
		nested.Fams = append(nested.Fams, "apache:if-nested")
		body = append(body, nested)
	}
	n := block("<If "+cond+">", "</If>", body, "apache:if")
	// The chain is one node so that the shrinker never leaves an orphan
	// <ElseIf> or <Else>.
	chain := &Node{Line: "# if chain", Kids: []*Node{n}, Fams: []string{"apache:if"}}
	if g.chance(0.4) {
		chain.Kids = append(chain.Kids, block(`<ElseIf "%{HTTP:Origin} == 'https://admin.example.com'">`, "</ElseIf>",
			g.apacheHeaders(true).nodes("apache:header"), "apache:elseif"))
	}
	if g.chance(0.15) {
		chain.Kids = append(chain.Kids, block(`<ElseIf "%{REQUEST_METHOD} == 'OPTIONS'">`, "</ElseIf>",
			g.apacheHeaders(true).nodes("apache:header"), "apache:elseif"))
	}
	if g.chance(0.5) {
		chain.Kids = append(chain.Kids, block("<Else>", "</Else>", g.apacheHeaders(true).nodes("apache:header"), "apache:else"))
	}
	for _, k := range chain.Kids {
		k.Fixed = true
	}
	return chain
}

// apacheHeaders picks Header statements of every action, in both tables,
// some with expr=.
func (g *gen) apacheHeaders(allowAlways bool) headerSet {
	tbl := func() string {
		if allowAlways && g.chance(0.5) {
			return "always "
		}
		return ""
	}
	var out headerSet
	acao := []string{
		`set Access-Control-Allow-Origin "*"`,
		`set Access-Control-Allow-Origin "https://app.example.com"`,
		`set Access-Control-Allow-Origin "expr=%{req:Origin}"`,
		`set Access-Control-Allow-Origin "%{HTTP_ORIGIN}e"`,
		`add Access-Control-Allow-Origin "https://app.example.com"`,
		`setifempty Access-Control-Allow-Origin "*"`,
		`set Access-Control-Allow-Origin "https://app.example.com" "expr=%{req:Origin} == 'https://app.example.com'"`,
		`unset Access-Control-Allow-Origin`,
		`edit Access-Control-Allow-Origin "^http:" "https:"`,
	}
	if g.chance(0.85) {
		out = append(out, "Header "+tbl()+g.pick(acao...))
	}
	if g.chance(0.35) {
		out = append(out, "Header "+tbl()+"set Access-Control-Allow-Credentials true")
	}
	if g.chance(0.35) {
		out = append(out, "Header "+tbl()+g.pick("set", "append", "merge")+` Access-Control-Allow-Methods "GET, POST, PUT, DELETE"`)
	}
	if g.chance(0.3) {
		out = append(out, "Header "+tbl()+`set Access-Control-Allow-Headers "`+g.pick("Content-Type, Authorization", "X-Requested-With", "*")+`"`)
	}
	if g.chance(0.3) {
		out = append(out, "Header "+tbl()+g.pick("merge", "append", "set", "add")+" Vary Origin")
	}
	if g.chance(0.15) {
		out = append(out, "Header "+tbl()+g.pick("edit*", "edit")+` Access-Control-Allow-Methods ", " ","`)
	}
	// a condition of its own on some statements
	for i := range out {
		if g.chance(0.15) && !strings.Contains(out[i], `" "expr=`) {
			out[i] += " " + g.pick(`env=CORS_OK`, `env=!CORS_OK`, `env=CORS_ORIGIN`,
				`"expr=%{REQUEST_METHOD} == 'OPTIONS'"`, `"expr=-n %{req:Origin}"`,
				`"expr=%{req:Origin} =~ m#\.example\.com$#"`)
		}
	}
	return out
}

// apacheRewriteVars builds RewriteConds and RewriteRules that read
// mod_rewrite's server variables (%{HTTP_HOST}, %{REQUEST_URI},
// %{SERVER_NAME}, %{HTTPS}, %{ENV:x}, and %{HTTP_ORIGIN}, which is no
// variable of its) in a test string, an E= value or a directory's
// substitution, with %N and $N beside them.
func (g *gen) apacheRewriteVars() []*Node {
	const fam = "apache:rewrite-var"
	out := []*Node{stmt("RewriteEngine On", fam)}
	if g.chance(0.3) {
		out = append(out, stmt(`SetEnvIf Origin "^(https://app\.example\.com)$" RW_ORIGIN=$1`, fam))
	}
	// the conditions, then the value the rule's E= gives
	conds := [][]string{
		{`RewriteCond %{HTTP_ORIGIN} ^https://(app|admin)\.example\.com$`, "%{HTTP:Origin}"},
		{`RewriteCond %{HTTP:Origin}|%{HTTP_HOST} ^(https://app\.example\.com)\|a\.test$`, "%1"},
		{`RewriteCond %{REQUEST_URI} ^/(static|data)`, "%{HTTP:Origin}"},
		{`RewriteCond %{ENV:RW_ORIGIN} .`, "%{ENV:RW_ORIGIN}"},
		{`RewriteCond %{HTTPS} ^off$`, `RewriteCond %{SERVER_NAME} ^(a|x\.b)\.test$`, "%{REQUEST_SCHEME}://app.example.com"},
		{`RewriteCond %{REQUEST_METHOD}:%{HTTP:Origin} ^(GET|OPTIONS):(.+)$ [NC]`, "%2"},
	}
	c := conds[g.r.Intn(len(conds))]
	for _, line := range c[:len(c)-1] {
		out = append(out, stmt(line, fam))
	}
	out = append(out, stmt("RewriteRule "+g.pick("^", `^/(static|data)`, `\.txt$`)+" - [E=RW_V:"+c[len(c)-1]+"]", fam),
		stmt(`Header `+g.pick("", "always ")+`set Access-Control-Allow-Origin "%{RW_V}e" env=RW_V`, fam))
	if g.chance(0.5) {
		// a directory's substitution built from variables: each keeps
		// the status the path names (g-NNN.txt beside f-NNN.txt)
		rules := [][]string{
			{`RewriteCond %{REQUEST_URI} ^/static/f-(\d+)`, `RewriteRule ^f-\d+\.txt$ g-%1.txt [L]`},
			{`RewriteRule ^f-(\d+)\.txt$ %{DOCUMENT_ROOT}/static/g-$1.txt [L]`},
			{`RewriteRule ^f-(\d+)\.txt$ %{ENV:RW_DIR}g-$1.txt [L]`},
			{`RewriteCond %{HTTP_HOST} ^(a|x\.b)\.test$`, `RewriteRule ^f-(\d+)\.txt$ /static/g-$1.txt [END]`},
			{`RewriteCond %{REQUEST_FILENAME} /f-(\d+)\.txt$`, `RewriteRule ^ g-%1.txt [E=RW_V:%{HTTP:Origin}]`},
		}
		body := []*Node{stmt("RewriteEngine On", fam)}
		for _, line := range rules[g.r.Intn(len(rules))] {
			body = append(body, stmt(line, fam))
		}
		body = append(body, g.apacheHeaders(true).nodes(fam)...)
		out = append(out, block("<Directory @DIR@/www/static>", "</Directory>", body, fam))
	}
	return out
}

// apacheScripts are the CGI scripts a ScriptAlias maps, each answering
// with the status its name gives.
var apacheScripts = []string{"/cgi-bin/run-200.cgi", "/cgi-bin/run-404.cgi", "/cgi-bin/run-500.cgi"}

// apacheScript answers as the test upstream does: every method, OPTIONS
// too, with the status the script's name gives and, when the request
// asks for it in X-Up-Cors, its own Access-Control-Allow-Origin.
const apacheScript = `#!/bin/sh
case "$SCRIPT_NAME" in
*-404.cgi) echo "Status: 404 Not Found" ;;
*-500.cgi) echo "Status: 500 Internal Server Error" ;;
esac
case "$HTTP_X_UP_CORS" in
reflect) [ -n "$HTTP_ORIGIN" ] && echo "Access-Control-Allow-Origin: $HTTP_ORIGIN" ;;
star) echo "Access-Control-Allow-Origin: *" ;;
esac
echo "Content-Type: application/json"
echo
echo '{"script":true}'
`

// apacheScriptAlias maps /cgi-bin/ to the scripts with line, with
// headers of both tables for them in a <Directory> or a <Location>.
func (g *gen) apacheScriptAlias(line string) []*Node {
	const fam = "apache:scriptalias"
	out := []*Node{fixed(line, fam)}
	if g.chance(0.5) {
		out = append(out, block("<Directory @DIR@/cgi-bin>", "</Directory>", g.apacheHeaders(true).nodes(fam), fam))
	}
	if g.chance(0.3) {
		out = append(out, block("<Location /cgi-bin/>", "</Location>", g.apacheHeaders(true).nodes(fam), fam))
	}
	if g.chance(0.3) {
		// mod_cgi puts the request's headers in the environment
		out = append(out, stmt(`Header `+g.pick("", "always ")+`set Access-Control-Allow-Origin "%{HTTP_ORIGIN}e"`, fam))
	}
	return out
}

// apacheSectionRewrite puts RewriteRules in a section other than a
// <Directory>, where they match the whole filename ("proxy:" and the URL
// for a proxied request): an E= for a header, a status, or a
// substitution.
func (g *gen) apacheSectionRewrite() *Node {
	const fam = "apache:rewrite-section"
	secs := [][2]string{
		{"<Location /static/>", "</Location>"},
		{"<Location /api/>", "</Location>"},
		{"<LocationMatch ^/api/v[0-9]+/>", "</LocationMatch>"},
		{`<Files "f-200.txt">`, "</Files>"},
		{`<FilesMatch "\.json$">`, "</FilesMatch>"},
		{`<DirectoryMatch "^@DIR@/www/st.*">`, "</DirectoryMatch>"},
		{`<If "%{REQUEST_METHOD} == 'OPTIONS'">`, "</If>"},
		{`<If "%{HTTP:Origin} =~ /example\.com$/">`, "</If>"},
		{`<Proxy "http://@UP@/api/">`, "</Proxy>"},
	}
	sec := secs[g.r.Intn(len(secs))]
	pat := g.pick("^proxy:", `\.(txt|json)$`, "^/", "items", ".", "www/static/")
	body := []*Node{stmt("RewriteEngine On", fam)}
	switch g.r.Intn(4) {
	case 0:
		body = append(body, stmt("RewriteRule "+pat+" - [E=RW_S:%{HTTP:Origin}]", fam),
			stmt(`Header `+g.pick("", "always ")+`set Access-Control-Allow-Origin "%{RW_S}e" env=RW_S`, fam))
	case 1:
		body = append(body, stmt("RewriteCond %{REQUEST_METHOD} "+g.pick("OPTIONS", "!^GET$"), fam),
			stmt("RewriteRule "+pat+" - "+g.pick("[R=204,L]", "[F]", "[R=200]"), fam))
	case 2:
		// a substitution: a URL-path, or one relative to a <Location>'s
		// path (proxied requests refuse it; they keep their own answer)
		sub := "/static/g-$1.txt"
		if sec[0] == "<Location /static/>" && g.chance(0.5) {
			sub = "g-$1.txt"
		}
		body = append(body, stmt(`RewriteRule f-(\d+)\.txt$ `+sub+" "+g.pick("[L]", "[END]", ""), fam))
	default:
		body = append(body, stmt("RewriteRule "+pat+" - [G]", fam))
	}
	body = append(body, g.apacheHeaders(true).nodes(fam)...)
	return block(sec[0], sec[1], body, fam)
}

// apacheRewriteOptions gives www/ and www/static/ RewriteRules of their
// own that RewriteOptions merge (the child's first for Inherit, the
// parent's first for InheritBefore, passed down by InheritDown and
// InheritDownBefore, refused by IgnoreInherit): inherited rules run on
// the child's prefix.
func (g *gen) apacheRewriteOptions() []*Node {
	const fam = "apache:rewrite-options"
	opt := func() []*Node {
		if g.chance(0.3) {
			return nil
		}
		return []*Node{stmt("RewriteOptions "+g.pick("Inherit", "InheritBefore", "InheritDown", "InheritDownBefore", "IgnoreInherit"), fam)}
	}
	parent := append([]*Node{stmt("RewriteEngine On", fam)}, opt()...)
	parent = append(parent, stmt(`RewriteCond %{HTTP:Origin} ^https://(app|admin)\.example\.com$`, fam),
		stmt("RewriteRule "+g.pick(`\.(txt|json)$`, "^f-200", "^static/")+" - "+g.pick("[E=RW_P:%{HTTP:Origin}]", "[E=RW_P:%{HTTP:Origin},L]", "[E=RW_P:%{HTTP:Origin},END]"), fam))
	child := append([]*Node{stmt("RewriteEngine On", fam)}, opt()...)
	child = append(child, stmt(g.pick(`RewriteRule f-200\.txt$ - [E=RW_C:1]`, `RewriteRule ^f-(\d+)\.txt$ g-$1.txt [L]`, `RewriteRule f-404 - [G]`), fam))
	out := []*Node{
		block("<Directory @DIR@/www>", "</Directory>", parent, fam),
		block("<Directory @DIR@/www/static>", "</Directory>", child, fam),
		stmt(`Header `+g.pick("", "always ")+`set Access-Control-Allow-Origin "%{RW_P}e" env=RW_P`, fam),
	}
	if g.chance(0.5) {
		out = append(out, stmt(`Header `+g.pick("", "always ")+`set Access-Control-Allow-Credentials true env=RW_C`, fam))
	}
	return out
}

// apacheLocationAlias maps every request under /one/ to one file with the
// one-argument Alias of a <Location> (its probes' names say 200, as the
// file's status is).
func (g *gen) apacheLocationAlias() *Node {
	const fam = "apache:alias-location"
	body := append([]*Node{fixed("Alias @DIR@/assets/a-200.txt", fam)}, g.apacheHeaders(true).nodes(fam)...)
	n := block(g.pick("<Location /one/>", "<LocationMatch ^/one/>"), "", body, fam)
	n.Close = "</Location>"
	if strings.HasPrefix(n.Line, "<LocationMatch") {
		n.Close = "</LocationMatch>"
	}
	n.Fixed = true
	return n
}
