package apache

import (
	"regexp"
	"slices"
	"strings"

	"github.com/dlclark/regexp2"

	"github.com/corslint/corslint/internal/pcre"

	"github.com/corslint/corslint/model"
)

// route is one kind of request a server handles: the requests no section
// names (the server's own scope), or those a <Location>, ProxyPass,
// <Directory>, .htaccess or <Files> names.
type route struct {
	scope *model.Scope
	url   string // the URL path it covers; "" for the server's own
	// fsPath is the directory of a request that maps to a file; dir is
	// set when <Directory>, .htaccess and <Files> apply (static files and
	// handlers such as SetHandler proxy:fcgi).
	fsPath string
	dir    bool
	extra  []*sec // sections that apply besides those found by path
	files  []*sec
	locs   []*sec
	source model.Source
	up     *model.Upstream
	// upURL is the URL the route's requests are proxied to, as far as
	// the route's own path says (the ProxyPass target with the rest of
	// that path): what <Proxy> sections are matched against.
	upURL string
	// proxy is a <Proxy> section the route stands for, which applies to
	// it whatever upURL says.
	proxy *sec
	at    model.Span
}

// routes adds the responses of every route of srv.
func (l *lowerer) routes(srv *server) {
	n := len(l.file.Responses)
	for _, rt := range l.routeList(srv) {
		l.respond(srv, rt)
	}
	if srv.s != srv.main {
		// a route of the main configuration is shared by every vhost
		for _, r := range l.file.Responses[n:] {
			r.Server = srv.s.scope
		}
	}
}

// matchAll reports whether a <Location> section applies to every URL.
func matchAll(s *sec) bool {
	if s.regex {
		return regexMatch(s.path, "/") && regexMatch(s.path, "/corslint-any/x")
	}
	return s.path == "/" || s.path == ""
}

func (l *lowerer) routeList(srv *server) []*route {
	var out []*route
	base := &route{scope: srv.s.scope, fsPath: srv.docroot, at: srv.s.scope.Span}
	if l.standalone {
		for _, d := range srv.dirs {
			if d.kind == ".htaccess" {
				base.scope, base.at = d.scope, d.scope.Span
			}
		}
	}
	base.locs = l.locsFor(srv, "", nil)
	l.handle(srv, base, "")
	out = append(out, base)

	locPaths := map[string]bool{}
	for _, s := range srv.locs {
		if matchAll(s) {
			continue
		}
		url := s.path
		if s.regex {
			url = literalPrefix(s.path)
		} else {
			locPaths[strings.TrimSuffix(s.path, "/")] = true
		}
		rt := &route{scope: s.scope, url: url, at: s.scope.Span}
		rt.locs = l.locsFor(srv, url, s)
		rt.fsPath = srv.docroot
		if !s.regex && srv.docroot != "" {
			rt.fsPath = strings.TrimSuffix(srv.docroot+s.path, "/")
		}
		l.handle(srv, rt, url)
		out = append(out, rt)
	}
	for _, p := range srv.pass {
		if p.exclude || (!p.regex && (p.path == "/" || locPaths[strings.TrimSuffix(p.path, "/")])) {
			continue
		}
		label := p.path
		scope := &model.Scope{Kind: p.d.Name, Label: label, Role: model.RoleRoute, Parent: srv.s.scope, Layer: l.layer, Span: p.d.Span}
		// ProxyPass takes only the requests under its own path
		scope.Match = &model.PathMatch{Kind: model.PathPrefix, Pattern: p.path}
		if p.regex {
			scope.Match = &model.PathMatch{Kind: model.PathRegex, Pattern: p.path}
		}
		l.file.Scopes = append(l.file.Scopes, scope)
		url := p.path
		if p.regex {
			url = literalPrefix(p.path)
		}
		rt := &route{scope: scope, url: url, at: p.d.Span}
		rt.locs = l.locsFor(srv, url, nil)
		rt.source = model.FromUpstream
		rt.up = &model.Upstream{Target: p.target, Scope: scope, Span: p.d.Span}
		rt.upURL = p.target
		out = append(out, rt)
	}
	out = append(out, l.proxyParts(srv)...)
	var dirs []*sec
	for _, d := range srv.dirs {
		switch {
		case d.kind == "Directory" && !d.regex && (srv.docroot != "" && covers(d.path, srv.docroot) || srv.docroot == "" && d.path == "/"):
			// part of the server's own route
		case d.kind == ".htaccess" && (l.standalone || srv.docroot != "" && covers(d.path, srv.docroot)):
		default:
			rt := &route{scope: d.scope, fsPath: d.path, at: d.scope.Span}
			if rel, ok := strings.CutPrefix(d.path, srv.docroot+"/"); ok && srv.docroot != "" && !d.regex && d.scope.Match == nil && !strings.ContainsAny(rel, "*?[") {
				// the URL path that maps to this directory
				d.scope.Match = &model.PathMatch{Kind: model.PathPrefix, Pattern: "/" + rel + "/"}
			}
			if d.kind == "Directory" && !d.regex && d.scope.Match == nil {
				d.scope.Match = l.aliasedTo(srv, d.path)
			}
			if d.regex {
				rt.fsPath, rt.extra = srv.under(d), []*sec{d}
				if d.scope.Match == nil {
					d.scope.Match = srv.regexDirURLs(d)
				}
			}
			rt.locs = l.locsFor(srv, "", nil)
			if m := d.scope.Match; m != nil && m.Kind == model.PathRegex && !d.regex {
				rt.locs = l.locsFor(srv, literalPrefix(m.Pattern), nil)
			}
			if m := d.scope.Match; m != nil && m.Kind == model.PathPrefix && !d.regex {
				// the <Location>s over the URLs that map here merge
				// after the directory's sections (Alias /cgi-bin/ and
				// <Location /cgi-bin/>)
				rt.locs = l.locsFor(srv, m.Pattern, nil)
			}
			l.handle(srv, rt, "")
			out = append(out, rt)
		}
		dirs = append(dirs, d)
	}
	for _, f := range l.filesSections(srv, dirs) {
		if f.never != "" {
			continue
		}
		rt := &route{scope: f.scope, fsPath: srv.docroot, files: []*sec{f}, at: f.scope.Span}
		if p := f.parent; p != nil && (p.kind == "Directory" || p.kind == "DirectoryMatch" || p.kind == ".htaccess") {
			rt.fsPath = p.path
			if p.regex {
				rt.fsPath, rt.extra = srv.under(p), []*sec{p}
			}
		}
		rt.locs = l.locsFor(srv, "", nil)
		l.handle(srv, rt, "")
		out = append(out, rt)
		if p := f.parent; p == nil || p.kind == "server" || p.kind == "VirtualHost" {
			out = append(out, l.filesBelow(srv, f, dirs)...)
		}
	}
	return out
}

// filesBelow adds the routes of a server-level <Files> in each directory
// below the document root that has sections or an .htaccess of its own:
// a file there gets both (httpd 2.4.71 sent a <Files "f-200.txt">'s "*"
// with the credentials of www/static/.htaccess on /static/f-200.txt).
func (l *lowerer) filesBelow(srv *server, f *sec, dirs []*sec) []*route {
	var out []*route
	for _, d := range dirs {
		if d.regex || d.scope.Match == nil || d.scope.Match.Kind != model.PathPrefix || d.never != "" {
			continue
		}
		sc := &model.Scope{Kind: f.scope.Kind, Label: f.scope.Label, Role: f.scope.Role, Parent: d.scope, Layer: l.layer, Span: f.scope.Span, Match: f.scope.Match}
		l.file.Scopes = append(l.file.Scopes, sc)
		rt := &route{scope: sc, fsPath: d.path, files: []*sec{f}, at: f.scope.Span}
		rt.locs = l.locsFor(srv, "", nil)
		l.handle(srv, rt, "")
		out = append(out, rt)
	}
	return out
}

// aliasedTo is the URL path test of the requests an Alias maps into
// directory dir (Alias /assets/ /srv/assets/ for <Directory
// /srv/assets/img>: /assets/img/), the virtual host's Alias first as
// mod_alias merges them; nil when none does.
func (l *lowerer) aliasedTo(srv *server, dir string) *model.PathMatch {
	for _, s := range []*sec{srv.s, srv.main} {
		if s == nil {
			continue
		}
		for _, d := range s.body {
			if d.Is("ScriptAliasMatch") && len(d.Args) == 2 {
				// the scripts one regex maps into dir (ScriptAliasMatch
				// ^/cgi-bin/(run-\d+\.cgi)$ /srv/cgi-bin/$1): its
				// requests are those the regex takes
				target := d.Arg(1)
				slash := strings.LastIndexByte(target, '/')
				if slash > 0 && strings.Contains(target[slash:], "$") && !strings.Contains(target[:slash], "$") &&
					strings.TrimSuffix(l.absDir(target[:slash]), "/") == strings.TrimSuffix(dir, "/") {
					return &model.PathMatch{Kind: model.PathRegex, Pattern: d.Arg(0)}
				}
				continue
			}
			if !d.Is("Alias") && !d.Is("ScriptAlias") || len(d.Args) != 2 {
				continue
			}
			real := strings.TrimSuffix(l.absDir(d.Arg(1)), "/")
			if real == "" || !covers(real, dir) {
				continue
			}
			rel := strings.Trim(strings.TrimPrefix(dir, real), "/")
			url := strings.TrimSuffix(d.Arg(0), "/") + "/"
			if rel != "" {
				url += rel + "/"
			}
			return &model.PathMatch{Kind: model.PathPrefix, Pattern: url}
		}
	}
	return nil
}

// under is the directory whose sections and .htaccess files apply to
// the directories a regex <Directory> matches: the document root when the
// regex names directories below it, since httpd's directory walk merges
// every <Directory> and .htaccess on the way before the regex sections;
// else none.
func (srv *server) under(d *sec) string {
	lit := literalPrefix(d.path)
	if srv.docroot == "" || !strings.HasPrefix(lit, strings.TrimSuffix(srv.docroot, "/")+"/") {
		return ""
	}
	return srv.docroot
}

// regexDirURLs is the URL path test of the requests whose directory a
// regex <Directory> below the document root names by a literal start
// (<DirectoryMatch "^/srv/www/st.*">: /st/), so that the route has URLs
// to be asked with; httpd's walk decides which of them it takes (the
// regex tests the file's directory, which the test only approximates).
// Nil when the regex names no such start.
func (srv *server) regexDirURLs(d *sec) *model.PathMatch {
	root := strings.TrimSuffix(srv.docroot, "/") + "/"
	rel, ok := strings.CutPrefix(literalPrefix(d.path), root)
	if srv.docroot == "" || !ok || rel == "" {
		return nil
	}
	// a directory of that name, whose files' directory the regex sees
	// (a file /st beside it is in the document root's own)
	return &model.PathMatch{Kind: model.PathPrefix, Pattern: "/" + strings.TrimSuffix(rel, "/") + "/"}
}

// filesSections lists the <Files> and <FilesMatch> sections of a server,
// at its own level and inside its directory sections.
func (l *lowerer) filesSections(srv *server, dirs []*sec) []*sec {
	out := append([]*sec(nil), srv.files...)
	for _, d := range dirs {
		for _, k := range d.kids {
			if k.kind == "Files" || k.kind == "FilesMatch" {
				out = append(out, k)
			}
		}
	}
	return out
}

// locsFor lists the <Location> sections that apply to requests under url,
// in the order written (httpd merges them in that order), own included.
func (l *lowerer) locsFor(srv *server, url string, own *sec) []*sec {
	if srv.locIdx == nil {
		srv.locIdx = newLocIndex(srv.locs)
	}
	return srv.locIdx.lookup(url, own)
}

// locIndex finds the <Location> sections that apply to a URL by looking up
// the URL's prefixes, rather than testing every section, so that building
// the routes of n sections takes time in proportion to n.
type locIndex struct {
	locs   []*sec
	always []int             // sections that apply to every URL
	regex  []int             // the other regex sections
	res    []*regexp2.Regexp // compiled, by position in locs; nil when not a regex or invalid
	byPath map[string][]int  // the other sections, by path
	lens   []int             // the distinct lengths of those paths
}

func newLocIndex(locs []*sec) *locIndex {
	x := &locIndex{locs: locs, res: make([]*regexp2.Regexp, len(locs)), byPath: map[string][]int{}}
	for i, s := range locs {
		s.locPos = i
		switch {
		case matchAll(s):
			x.always = append(x.always, i)
		case s.regex:
			x.regex = append(x.regex, i)
			if re, err := pcre.Compile(s.path, false); err == nil {
				x.res[i] = re
			}
		default:
			x.byPath[s.path] = append(x.byPath[s.path], i)
			if !slices.Contains(x.lens, len(s.path)) {
				x.lens = append(x.lens, len(s.path))
			}
		}
	}
	return x
}

// lookup returns the sections that apply to requests under url (those
// that apply everywhere; a path that is a prefix of url up to a segment
// boundary, or url with a slash added; a regex that matches it), own included, regex sections
// other than own left out when own is a regex, in written order.
func (x *locIndex) lookup(url string, own *sec) []*sec {
	var idx []int
	idx = append(idx, x.always...)
	if url != "" {
		for _, n := range x.lens {
			// httpd's location walk: a path not ending in a slash stops
			// at a segment boundary (<Location /ap> is not /api's)
			if n == len(url) || n < len(url) && (url[n-1] == '/' || url[n] == '/') {
				idx = append(idx, x.byPath[url[:n]]...)
			}
		}
		idx = append(idx, x.byPath[url+"/"]...)
		for _, i := range x.regex {
			if re := x.res[i]; re != nil {
				if ok, _ := re.MatchString(url); ok {
					idx = append(idx, i)
				}
			}
		}
	}
	if own != nil && own.locPos < len(x.locs) && x.locs[own.locPos] == own && !slices.Contains(idx, own.locPos) {
		idx = append(idx, own.locPos)
	}
	slices.Sort(idx)
	out := make([]*sec, 0, len(idx))
	for _, i := range idx {
		s := x.locs[i]
		if s == own || own == nil || !s.regex || !own.regex {
			out = append(out, s)
		}
	}
	return out
}

// handle decides what produces a route's responses: a ProxyPass (in one of
// its <Location> sections or at server level), a SetHandler proxy:, or the
// static file handler.
func (l *lowerer) handle(srv *server, rt *route, url string) {
	if rt.source == model.FromUpstream {
		return
	}
	// ProxyPass inside a <Location>, the last one written wins.
	for i := len(rt.locs) - 1; i >= 0; i-- {
		s := rt.locs[i]
		if ps := proxyPasses(s.body, s.path); len(ps) > 0 {
			p := ps[len(ps)-1]
			if !p.exclude {
				rt.source = model.FromUpstream
				rt.up = &model.Upstream{Target: p.target, Scope: rt.scope, Span: p.d.Span}
				rt.upURL = p.target // the target stands for the <Location>'s path
				rt.at = p.d.Span
				return
			}
			break
		}
	}
	// The longest server-level ProxyPass that covers the URL.
	var best *proxyPass
	for i := range srv.pass {
		p := &srv.pass[i]
		var ok bool
		switch {
		case p.regex:
			ok = url != "" && regexMatch(p.path, url) || url == "" && regexMatch(p.path, "/corslint-any/x") && regexMatch(p.path, "/")
		case url == "":
			ok = p.path == "/"
		default:
			ok = strings.HasPrefix(url, p.path) || strings.HasPrefix(url+"/", p.path)
		}
		if ok && (best == nil || len(p.path) > len(best.path)) {
			best = p
		}
	}
	if best != nil && !best.exclude {
		rt.source = model.FromUpstream
		rt.up = &model.Upstream{Target: best.target, Scope: rt.scope, Span: best.d.Span}
		rt.upURL = best.target
		if !best.regex && strings.HasPrefix(url, best.path) {
			// a <Location> under the ProxyPass path goes to the target
			// with the rest of its path, which <Proxy> sections see
			// (httpd 2.4.71: <Proxy http://up/api/v*> applied to
			// /api/v1/ under ProxyPass /api/ http://up/api/)
			rt.upURL += url[len(best.path):]
		}
		rt.at = best.d.Span
		return
	}
	rt.dir = true
	rt.source = model.FromHandler
	// SetHandler proxy:... (PHP-FPM and the like) in an applying section.
	for _, s := range append(l.chain(srv, rt), srv.s) {
		for _, d := range s.body {
			if d.Is("SetHandler") && strings.HasPrefix(strings.ToLower(d.Arg(0)), "proxy:") {
				rt.source = model.FromUpstream
				rt.up = &model.Upstream{Target: d.Arg(0), Scope: rt.scope, Span: d.Span}
				rt.at = d.Span
			}
		}
	}
}

// chain lists the sections that apply to a route, in httpd's merge order:
// directory sections and .htaccess (for requests that map to a file), then
// <Files>, <Proxy> (for proxied requests), then <Location>. <If> sections
// are handled apart: httpd merges them last.
func (l *lowerer) chain(srv *server, rt *route) []*sec {
	var out []*sec
	if rt.dir {
		out = append(out, srv.dirChain(rt.fsPath)...)
		out = append(out, rt.extra...)
		out = append(out, rt.files...)
	} else if rt.up != nil {
		for _, p := range srv.proxies {
			if p == rt.proxy || proxyCovers(p, rt.upURL) {
				out = append(out, p)
			}
		}
	}
	return append(out, rt.locs...)
}

func proxyCovers(p *sec, target string) bool {
	if p.regex {
		return regexMatch(p.path, target)
	}
	pat := strings.TrimSuffix(p.path, "*")
	return strings.HasPrefix(target, pat) || p.path == "*"
}

// proxyParts adds a route for each <Proxy> section that applies to only
// part of the requests of a server-level ProxyPass (<Proxy
// http://up/api/v*> under ProxyPass /api/ http://up/api/, <ProxyMatch
// /api/items>): its statements reach those requests only, so the
// ProxyPass's own route does not carry them (mod_proxy matches each
// section against the request's own target; httpd 2.4.71 sent a
// <ProxyMatch /api/items>'s headers on /api/items).
func (l *lowerer) proxyParts(srv *server) []*route {
	var out []*route
	for _, px := range srv.proxies {
		if px.scope.Match != nil {
			continue // a route already, through a virtual host sharing it
		}
		for i := range srv.pass {
			p := &srv.pass[i]
			if p.exclude || p.regex || proxyCovers(px, p.target) {
				continue
			}
			m, url, ok := proxyPart(px, p)
			if !ok {
				continue
			}
			px.scope.Match = m
			rt := &route{scope: px.scope, url: url, at: p.d.Span, proxy: px, source: model.FromUpstream}
			rt.locs = l.locsFor(srv, url, nil)
			rt.up = &model.Upstream{Target: p.target, Scope: px.scope, Span: p.d.Span}
			rt.upURL = p.target + strings.TrimPrefix(url, p.path)
			out = append(out, rt)
			break
		}
	}
	return out
}

// proxyPart returns the request paths under ProxyPass p that <Proxy>
// section px applies to, as a path test and the URL path they start
// with; false when px's pattern cannot be read back into request paths.
func proxyPart(px *sec, p *proxyPass) (*model.PathMatch, string, bool) {
	if px.regex {
		if lit := literalPrefix(px.path); lit != "" {
			// ^http://up/api/items: the requests under its literal start
			if rest, ok := strings.CutPrefix(lit, p.target); ok && rest != "" {
				url := p.path + rest
				return &model.PathMatch{Kind: model.PathPrefix, Pattern: url}, url, true
			}
			return nil, "", false
		}
		// an unanchored regex on the path, where the target's path is
		// the request's own (ProxyPass /api/ http://up/api/)
		if strings.HasPrefix(px.path, "^") || strings.Contains(px.path, ":") || !strings.HasSuffix(p.target, p.path) {
			return nil, "", false
		}
		url := p.path
		if !strings.ContainsAny(px.path, `.[]()*+?{}|^$\`) && strings.HasPrefix(px.path, p.path) {
			url = px.path
		}
		return &model.PathMatch{Kind: model.PathRegex, Pattern: px.path}, url, true
	}
	lit := px.path
	if i := strings.IndexAny(lit, "*?["); i >= 0 {
		lit = lit[:i]
	}
	rest, ok := strings.CutPrefix(lit, p.target)
	if !ok || rest == "" {
		return nil, "", false
	}
	url := p.path + rest
	if lit == px.path {
		return &model.PathMatch{Kind: model.PathPrefix, Pattern: url}, url, true
	}
	// apr_fnmatch without flags: a wildcard crosses slashes
	re := "^" + regexp.QuoteMeta(p.path) + fnmatchRegex(strings.TrimPrefix(px.path, p.target)) + "$"
	return &model.PathMatch{Kind: model.PathRegex, Pattern: re}, url, true
}

// opsOf concatenates the statements of sections.
func opsOf(srv *server, ss []*sec) []*model.HeaderOp {
	out := append([]*model.HeaderOp(nil), srv.ops...)
	for _, s := range ss {
		out = append(out, s.ops...)
	}
	return out
}
