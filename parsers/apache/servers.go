package apache

import (
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/corslint/corslint/internal/pcre"

	"github.com/corslint/corslint/model"
)

// server is one virtual host, or the main server when there is none, with
// everything that applies to its requests.
type server struct {
	s       *sec // VirtualHost, or the main server
	main    *sec
	docroot string // absolute; "" when the configuration does not say
	ops     []*model.HeaderOp
	dirs    []*sec // Directory, DirectoryMatch, and the .htaccess files it reads
	files   []*sec // Files and FilesMatch at server level
	locs    []*sec // Location and LocationMatch
	ifs     []*sec // If, ElseIf and Else at server level
	proxies []*sec // Proxy and ProxyMatch
	pass    []proxyPass
	rules   []*rwRule // server-context rewrite rules
	locIdx  *locIndex // locs indexed by path, built on first use
}

// proxyPass is a ProxyPass or ProxyPassMatch.
type proxyPass struct {
	d       *Directive
	path    string
	target  string
	regex   bool
	exclude bool
}

// servers lists the servers of main: its virtual hosts, or main itself.
func (l *lowerer) servers(main *sec) []*server {
	var vhosts []*sec
	for _, k := range main.kids {
		if k.kind == "VirtualHost" {
			vhosts = append(vhosts, k)
		}
	}
	if len(vhosts) == 0 {
		vhosts = []*sec{main}
	}
	shared := &server{}
	collect(shared, main)
	var out []*server
	for _, v := range vhosts {
		srv := &server{s: v, main: main}
		srv.docroot = l.docroot(v, main)
		srv.ops = append(srv.ops, shared.ops...)
		srv.dirs = append(srv.dirs, shared.dirs...)
		srv.files = append(srv.files, shared.files...)
		srv.locs = append(srv.locs, shared.locs...)
		srv.ifs = append(srv.ifs, shared.ifs...)
		srv.proxies = append(srv.proxies, shared.proxies...)
		srv.pass = append(srv.pass, shared.pass...)
		if v != main {
			collect(srv, v)
		}
		if !l.standalone {
			// a linked .htaccess sits in the main server's sections, but
			// only the hosts whose AllowOverride reads it get it (httpd
			// 2.4.71 sent a Directory's "*" on a host with AllowOverride
			// None, and the .htaccess's echo on the one that reads it)
			srv.dirs = slices.DeleteFunc(srv.dirs, func(d *sec) bool {
				if d.kind != ".htaccess" {
					return false
				}
				_, ok := srv.readsHtaccess(d.path)
				return !ok
			})
		}
		srv.rules = l.rules[v]
		if srv.s != nil && srv.s.scope != nil {
			srv.s.scope.Probes = append(srv.s.scope.Probes, envProbes(srv.rules)...)
		}
		l.dirProbes(srv)
		out = append(out, srv)
	}
	return out
}

// collect adds what a server-level section (the main server or a virtual
// host) holds.
func collect(srv *server, lv *sec) {
	srv.ops = append(srv.ops, lv.ops...)
	for _, k := range lv.kids {
		switch k.kind {
		case "Directory", "DirectoryMatch", ".htaccess":
			srv.dirs = append(srv.dirs, k)
		case "Files", "FilesMatch":
			srv.files = append(srv.files, k)
		case "Location", "LocationMatch":
			srv.locs = append(srv.locs, k)
		case "If", "ElseIf", "Else":
			srv.ifs = append(srv.ifs, k)
		case "Proxy", "ProxyMatch":
			srv.proxies = append(srv.proxies, k)
		}
	}
	srv.pass = append(srv.pass, proxyPasses(lv.body, "")...)
}

// docroot is the server's DocumentRoot; a virtual host without one uses
// the main server's. A lone .htaccess is its own folder.
func (l *lowerer) docroot(v, main *sec) string {
	for _, s := range []*sec{v, main} {
		for i := len(s.body) - 1; i >= 0; i-- {
			if s.body[i].Is("DocumentRoot") && len(s.body[i].Args) > 0 {
				return l.absDir(s.body[i].Arg(0))
			}
		}
	}
	for _, k := range main.kids {
		if k.kind == ".htaccess" && l.standalone {
			return k.path
		}
	}
	return ""
}

func proxyPasses(body []*Directive, inside string) []proxyPass {
	var out []proxyPass
	for _, d := range body {
		switch {
		case d.Is("ProxyPass") || d.Is("ProxyPassMatch"):
			p := proxyPass{d: d, regex: d.Is("ProxyPassMatch")}
			args := d.Args
			if inside != "" {
				p.path = inside
				if len(args) > 0 {
					p.target = args[0].Value
				}
			} else if len(args) >= 2 {
				p.path, p.target = args[0].Value, args[1].Value
			} else {
				continue
			}
			p.exclude = p.target == "!"
			out = append(out, p)
		}
	}
	return out
}

// covers reports whether a <Directory> path (with fnmatch wildcards per
// component) covers the directory p.
func covers(dir, p string) bool {
	if dir == "" || p == "" {
		return dir == "/"
	}
	if dir == "/" {
		return true
	}
	dc := strings.Split(strings.Trim(filepath.ToSlash(dir), "/"), "/")
	pc := strings.Split(strings.Trim(filepath.ToSlash(p), "/"), "/")
	if len(dc) > len(pc) {
		return false
	}
	for i := range dc {
		if ok, err := filepath.Match(dc[i], pc[i]); err != nil || !ok {
			return false
		}
	}
	return true
}

func depth(p string) int {
	return strings.Count(strings.Trim(filepath.ToSlash(p), "/"), "/") + 1
}

// regexMatch runs a PCRE pattern of the configuration against s.
func regexMatch(pattern, s string) bool { return pcre.Match(pattern, false, s) }

// dirChain lists the directory sections that apply to a static request for
// a file in directory p, in httpd's merge order: <Directory> sections from
// the shortest path to the longest, each directory's .htaccess after its
// <Directory>, then <DirectoryMatch> sections in the order written.
func (srv *server) dirChain(p string) []*sec {
	type item struct {
		s     *sec
		depth int
		ht    int
	}
	var items []item
	for _, d := range srv.dirs {
		switch {
		case d.kind == ".htaccess" && covers(d.path, p):
			items = append(items, item{d, depth(d.path), 1})
		case d.kind == "Directory" && !d.regex && covers(d.path, p):
			items = append(items, item{d, depth(d.path), 0})
		}
	}
	// insertion sort: stable, and the lists are short
	for i := 1; i < len(items); i++ {
		for j := i; j > 0 && (items[j].depth < items[j-1].depth || items[j].depth == items[j-1].depth && items[j].ht < items[j-1].ht); j-- {
			items[j], items[j-1] = items[j-1], items[j]
		}
	}
	out := make([]*sec, 0, len(items))
	for _, it := range items {
		out = append(out, it.s)
	}
	for _, d := range srv.dirs {
		if d.regex && p != "" && regexMatch(d.path, p) {
			out = append(out, d)
		}
	}
	return out
}

// allowOverride reports whether httpd reads a .htaccess in directory p:
// the deepest <Directory> covering it that says AllowOverride must allow
// FileInfo (Header, RewriteRule) or All. httpd 2.4's default is None.
func (srv *server) allowOverride(p string) bool {
	allowed, best := false, -1
	for _, d := range srv.dirs {
		if d.kind != "Directory" || d.regex || !covers(d.path, p) {
			continue
		}
		for _, x := range d.body {
			if !x.Is("AllowOverride") || depth(d.path) < best {
				continue
			}
			best = depth(d.path)
			allowed = false
			for _, a := range x.Args {
				if strings.EqualFold(a.Value, "All") || strings.EqualFold(a.Value, "FileInfo") || strings.HasPrefix(strings.ToLower(a.Value), "fileinfo=") {
					allowed = true
				}
			}
		}
	}
	return allowed
}

// readsHtaccess reports whether srv reads a .htaccess in directory dir: it
// lies under the DocumentRoot or a <Directory> section, and AllowOverride
// lets it set headers. Server paths are compared as they are, or relative
// to some ancestor of dir, for a repository that mirrors the server's
// filesystem (repo/var/www/html/.htaccess for DocumentRoot /var/www/html).
func (srv *server) readsHtaccess(dir string) (string, bool) {
	var roots []string
	if srv.docroot != "" {
		roots = append(roots, srv.docroot)
	}
	for _, d := range srv.dirs {
		if d.kind == "Directory" && !d.regex && d.path != "/" {
			roots = append(roots, d.path)
		}
	}
	for _, root := range roots {
		if p, ok := mirrored(root, dir); ok && srv.allowOverride(p) {
			return p, true
		}
	}
	return "", false
}

// mirrored maps a directory on disk to the server path it stands for under
// root: dir itself when it lies under root, or the server path when dir
// ends with root followed by a subpath.
func mirrored(root, dir string) (string, bool) {
	root = filepath.Clean(root)
	dir = filepath.Clean(dir)
	if covers(root, dir) {
		return dir, true
	}
	slash := filepath.ToSlash(dir) + "/"
	r := filepath.ToSlash(root) + "/"
	if i := strings.Index(slash, r); i > 0 {
		return filepath.FromSlash(strings.TrimSuffix(slash[i:], "/")), true
	}
	return "", false
}

// dirProbes gives each <Directory> under the server's DocumentRoot the
// path tests of the per-directory RewriteRules that set a variable on
// some of its files only (RewriteRule f-200\.txt$ - [E=RW_C:1]), as URL
// paths: every <Directory> of the same path, since the route a URL takes
// is one of them (difftest seed 7, a189: credentials on f-200.txt alone).
func (l *lowerer) dirProbes(srv *server) {
	if srv.docroot == "" {
		return
	}
	for _, d := range srv.dirs {
		if d.kind != "Directory" || d.regex || d.scope == nil || !strings.HasPrefix(d.path+"/", srv.docroot+"/") {
			continue
		}
		prefix := regexp.QuoteMeta(strings.TrimSuffix(strings.TrimPrefix(d.path, srv.docroot), "/") + "/")
		for _, m := range envProbes(l.rules[d]) {
			if strings.HasPrefix(m.Pattern, "^") {
				m.Pattern = "^" + prefix + "(?:" + m.Pattern[1:] + ")"
			} else {
				m.Pattern = "^" + prefix + ".*(?:" + m.Pattern + ")"
			}
			for _, o := range srv.dirs {
				if o.kind == "Directory" && o.path == d.path && o.scope != nil && !slices.ContainsFunc(o.scope.Probes, func(p *model.PathMatch) bool { return *p == *m }) {
					o.scope.Probes = append(o.scope.Probes, m)
				}
			}
		}
	}
}

// envProbes are the path tests of the server-context RewriteRules that
// set a variable on some paths only ([E=...] under ^/(static|data)): the
// headers that read it differ there, which the server's own route path
// does not reach (difftest seed 77).
func envProbes(rules []*rwRule) []*model.PathMatch {
	var out []*model.PathMatch
	for _, r := range rules {
		if len(r.env) == 0 || strings.HasPrefix(r.pattern, "!") || everyPath(r.pattern) {
			continue
		}
		nc := false
		for _, f := range ruleFlags(r.d.Arg(2)) {
			nc = nc || strings.EqualFold(f, "NC") || strings.EqualFold(f, "nocase")
		}
		out = append(out, &model.PathMatch{Kind: model.PathRegex, Pattern: r.pattern, CaseInsensitive: nc})
	}
	return out
}
