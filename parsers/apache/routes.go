package apache

import (
	"strings"

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
	at     model.Span
}

// routes adds the responses of every route of srv.
func (l *lowerer) routes(srv *server) {
	for _, rt := range l.routeList(srv) {
		l.respond(srv, rt)
	}
}

// matchAll reports whether a <Location> section applies to every URL.
func matchAll(s *sec) bool {
	if s.regex {
		return regexMatch(s.path, "/", false) && regexMatch(s.path, "/corslint-any/x", false)
	}
	return s.path == "/" || s.path == ""
}

// locMatches reports whether <Location> s applies to requests under url.
func locMatches(s *sec, url string) bool {
	if matchAll(s) {
		return true
	}
	if url == "" {
		return false
	}
	if s.regex {
		return regexMatch(s.path, url, false)
	}
	return strings.HasPrefix(url, s.path) || strings.HasPrefix(url+"/", s.path)
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
	l.handle(srv, base, srv.s.body, "")
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
		l.handle(srv, rt, nil, url)
		out = append(out, rt)
	}
	for _, p := range srv.pass {
		if p.exclude || (!p.regex && (p.path == "/" || locPaths[strings.TrimSuffix(p.path, "/")])) {
			continue
		}
		label := p.path
		scope := &model.Scope{Kind: p.d.Name, Label: label, Parent: srv.s.scope, Layer: l.layer, Span: p.d.Span}
		l.file.Scopes = append(l.file.Scopes, scope)
		url := p.path
		if p.regex {
			url = literalPrefix(p.path)
		}
		rt := &route{scope: scope, url: url, at: p.d.Span}
		rt.locs = l.locsFor(srv, url, nil)
		rt.source = model.FromUpstream
		rt.up = &model.Upstream{Target: p.target, Scope: scope, Span: p.d.Span}
		out = append(out, rt)
	}
	var dirs []*sec
	for _, d := range srv.dirs {
		switch {
		case d.kind == "Directory" && !d.regex && (srv.docroot != "" && covers(d.path, srv.docroot) || srv.docroot == "" && d.path == "/"):
			// part of the server's own route
		case d.kind == ".htaccess" && (l.standalone || srv.docroot != "" && covers(d.path, srv.docroot)):
		default:
			rt := &route{scope: d.scope, fsPath: d.path, at: d.scope.Span}
			if d.regex {
				rt.fsPath, rt.extra = "", []*sec{d}
			}
			rt.locs = l.locsFor(srv, "", nil)
			l.handle(srv, rt, nil, "")
			out = append(out, rt)
		}
		dirs = append(dirs, d)
	}
	for _, f := range l.filesSections(srv, dirs) {
		if f.never != "" {
			continue
		}
		rt := &route{scope: f.scope, fsPath: srv.docroot, files: []*sec{f}, at: f.scope.Span}
		if p := f.parent; p != nil && (p.kind == "Directory" || p.kind == ".htaccess") {
			rt.fsPath = p.path
			if p.regex {
				rt.fsPath, rt.extra = "", []*sec{p}
			}
		}
		rt.locs = l.locsFor(srv, "", nil)
		l.handle(srv, rt, nil, "")
		out = append(out, rt)
	}
	return out
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
	var out []*sec
	for _, s := range srv.locs {
		if s == own || locMatches(s, url) && (own == nil || !s.regex || !own.regex) {
			out = append(out, s)
		}
	}
	return out
}

// handle decides what produces a route's responses: a ProxyPass (in one of
// its <Location> sections or at server level), a SetHandler proxy:, or the
// static file handler.
func (l *lowerer) handle(srv *server, rt *route, body []*Directive, url string) {
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
			ok = url != "" && regexMatch(p.path, url, false) || url == "" && regexMatch(p.path, "/corslint-any/x", false) && regexMatch(p.path, "/", false)
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
			if proxyCovers(p, rt.up.Target) {
				out = append(out, p)
			}
		}
	}
	return append(out, rt.locs...)
}

func proxyCovers(p *sec, target string) bool {
	if p.regex {
		return regexMatch(p.path, target, false)
	}
	pat := strings.TrimSuffix(p.path, "*")
	return strings.HasPrefix(target, pat) || p.path == "*"
}

// opsOf concatenates the statements of sections.
func opsOf(srv *server, ss []*sec) []*model.HeaderOp {
	out := append([]*model.HeaderOp(nil), srv.ops...)
	for _, s := range ss {
		out = append(out, s.ops...)
	}
	return out
}

// ifItem is an <If>, <ElseIf> or <Else> that applies to a route, with the
// statements of the branches enclosing it.
type ifItem struct {
	s   *sec
	ops []*model.HeaderOp
}

func ifsOf(ss []*sec, parent []*model.HeaderOp) []ifItem {
	var out []ifItem
	for _, s := range ss {
		if s.kind != "If" && s.kind != "ElseIf" && s.kind != "Else" {
			continue
		}
		ops := append(append([]*model.HeaderOp(nil), parent...), s.ops...)
		out = append(out, ifItem{s, ops})
		out = append(out, ifsOf(s.kids, ops)...)
	}
	return out
}

// answer is a response httpd generates itself for some methods: a
// RewriteRule with R=204 (or F, G) after a RewriteCond on the method.
type answer struct {
	rule    *rwRule
	methods []string
	perDir  bool
	within  *ifItem // the <If> holding the rule
}

// respond adds a route's responses: what its handler produces; what
// RewriteRule answers generate for some methods; what <If> branches on the
// method produce; httpd's own 200 to OPTIONS for static files; and a
// variant of each for every other <If> branch (Origin checks and the like).
func (l *lowerer) respond(srv *server, rt *route) {
	chain := l.chain(srv, rt)
	base := opsOf(srv, chain)
	rt.scope.Effective = base
	var ifs []ifItem
	ifs = append(ifs, ifsOf(srv.ifs, nil)...)
	for _, s := range chain {
		ifs = append(ifs, ifsOf(s.kids, nil)...)
	}
	var methodIfs, variants []ifItem
	for _, it := range ifs {
		if it.s.cond != nil && it.s.cond.Methods != nil && !it.s.unknown && it.s.cond.Origin == nil {
			methodIfs = append(methodIfs, it)
		} else {
			variants = append(variants, it)
		}
	}
	denied := l.optionsDenied(chain)

	var answers []answer
	for _, r := range srv.rules {
		if r.status != 0 && len(r.methods) > 0 && mayMatch(r.pattern, rt.url) {
			answers = append(answers, answer{rule: r, methods: r.methods})
		}
	}
	if denied == 0 {
		for _, s := range chain {
			for _, r := range l.rules[s] {
				if r.status != 0 && len(r.methods) > 0 {
					answers = append(answers, answer{rule: r, methods: r.methods, perDir: true})
				}
			}
		}
		for i := range ifs {
			it := &ifs[i]
			for _, r := range l.rules[it.s] {
				ms := r.methods
				if ms == nil {
					ms = standardMethods
				}
				if it.s.cond != nil && it.s.cond.Methods != nil {
					ms = intersect(ms, it.s.cond.Methods)
				}
				if r.status != 0 && len(ms) > 0 && len(ms) < len(standardMethods) {
					answers = append(answers, answer{rule: r, methods: ms, perDir: true, within: it})
				}
			}
		}
	}
	answered := map[string]bool{}
	for _, a := range answers {
		for _, m := range a.methods {
			answered[strings.ToUpper(m)] = true
		}
	}

	var out []*model.Response
	add := func(r *model.Response) { out = append(out, r) }

	// What the handler produces.
	main := &model.Response{Route: rt.scope, Scope: rt.scope, Source: rt.source, Headers: base, Upstream: l.upstream(rt, base), Span: rt.at}
	if rt.source == model.FromHandler {
		main.OptionsStatus = 200 // httpd answers OPTIONS for a file itself, with Allow
	}
	if denied != 0 {
		main.OptionsStatus = denied
	}
	add(main)

	// RewriteRule answers.
	for _, a := range answers {
		hs := base
		if !a.perDir {
			// Server-context rules answer before the directory walk: only
			// the server's statements and <Location>s reach the response
			// (measured with httpd 2.4.71).
			hs = opsOf(srv, rt.locs)
		}
		hs = append(hs, methodIfOps(methodIfs, a.methods)...)
		if a.within != nil && !containsIf(methodIfs, a.within) {
			hs = append(hs, a.within.ops...)
		}
		conds := condsOf2(a.rule)
		add(&model.Response{Route: rt.scope, Scope: rt.scope, Conds: conds, Methods: a.methods, Source: model.FromServer, Status: a.rule.status, Headers: hs, Span: a.rule.d.Span})
	}
	// Proxying RewriteRules.
	for _, r := range srv.rules {
		if !r.proxy || !mayMatch(r.pattern, rt.url) {
			continue
		}
		hs := append(opsOf(srv, rt.locs), methodIfOps(methodIfs, r.methods)...)
		up := &model.Upstream{Target: r.subst, Scope: rt.scope, Span: r.d.Span}
		resp := &model.Response{Route: rt.scope, Scope: rt.scope, Conds: condsOf2(r), Methods: r.methods, Source: model.FromUpstream, Headers: hs, Upstream: up, Span: r.d.Span}
		up.Hidden = hidden(hs)
		add(resp)
	}
	// <If> branches on the method.
	for _, it := range methodIfs {
		ms := it.s.cond.Methods
		left := []string{}
		for _, m := range ms {
			if !answered[strings.ToUpper(m)] {
				left = append(left, m)
			}
		}
		if len(left) == 0 || denied != 0 && hasMethod(left, "OPTIONS") {
			continue
		}
		hs := append(append([]*model.HeaderOp(nil), base...), methodIfOps(methodIfs, left)...)
		r := &model.Response{Route: rt.scope, Scope: it.s.scope, Conds: []*model.Condition{it.s.cond}, Methods: left, Source: rt.source, Headers: hs, Upstream: l.upstream(rt, hs), Span: it.s.scope.Span}
		if rt.source == model.FromHandler && len(left) == 1 && strings.EqualFold(left[0], "OPTIONS") {
			r.Status = 200
		}
		it.s.scope.Effective = hs
		add(r)
	}
	// httpd's own answer to OPTIONS for a static file: 200 with Allow and
	// every header of the route. Only worth a response of its own where
	// the route means to answer preflights.
	if rt.source == model.FromHandler && denied == 0 && !answered["OPTIONS"] && !coveredByIf(methodIfs, "OPTIONS") && preflightIntent(base, variants) {
		add(&model.Response{Route: rt.scope, Scope: rt.scope, Methods: []string{"OPTIONS"}, Source: model.FromHandler, Status: 200, Headers: base, Span: rt.at})
	}
	// Variants for the other <If> branches. A branch that also tests the
	// method (an Origin check && OPTIONS) only joins responses for those
	// methods.
	n := len(out)
	for _, it := range variants {
		ms := it.s.cond.Methods
		for _, r := range out[:n] {
			if ms != nil && !subset(r.Methods, ms) {
				continue
			}
			v := *r
			v.Scope = it.s.scope
			v.Conds = append(append([]*model.Condition(nil), r.Conds...), it.s.cond)
			v.Headers = append(append([]*model.HeaderOp(nil), r.Headers...), it.ops...)
			if v.Upstream != nil {
				u := *v.Upstream
				u.Hidden = hidden(v.Headers)
				v.Upstream = &u
			}
			if it.s.scope.Effective == nil {
				it.s.scope.Effective = v.Headers
			}
			out = append(out, &v)
		}
	}
	l.file.Responses = append(l.file.Responses, out...)
}

// subset reports whether methods a (nil: any) all lie in b.
func subset(a, b []string) bool {
	if a == nil {
		return false
	}
	for _, m := range a {
		if !hasMethod(b, m) {
			return false
		}
	}
	return true
}

func intersect(a, b []string) []string {
	out := []string{}
	for _, m := range a {
		if hasMethod(b, m) {
			out = append(out, m)
		}
	}
	return out
}

func containsIf(its []ifItem, x *ifItem) bool {
	for _, it := range its {
		if it.s == x.s {
			return true
		}
	}
	return false
}

func coveredByIf(its []ifItem, m string) bool {
	for _, it := range its {
		if hasMethod(it.s.cond.Methods, m) {
			return true
		}
	}
	return false
}

// methodIfOps returns the statements of the method branches that hold for
// every one of methods.
func methodIfOps(its []ifItem, methods []string) []*model.HeaderOp {
	if len(methods) == 0 {
		return nil
	}
	var out []*model.HeaderOp
	for _, it := range its {
		all := true
		for _, m := range methods {
			all = all && hasMethod(it.s.cond.Methods, m)
		}
		if all {
			out = append(out, it.ops...)
		}
	}
	return out
}

// condsOf2 turns a rewrite rule's conditions into model conditions.
func condsOf2(r *rwRule) []*model.Condition {
	if len(r.conds) == 0 {
		return nil
	}
	var out []*model.Condition
	for _, c := range r.conds {
		mc := &model.Condition{Text: c.d.ArgsText(), Span: c.d.Span, Negated: c.t.negated, Origin: c.t.origin}
		if c.t.methods != nil {
			mc.Methods = c.t.methods
		}
		out = append(out, mc)
	}
	return out
}

// preflightIntent reports whether a route sends Allow-Methods or
// Allow-Headers, so it means to answer preflights.
func preflightIntent(base []*model.HeaderOp, variants []ifItem) bool {
	check := func(ops []*model.HeaderOp) bool {
		for _, op := range ops {
			if (op.Name == model.ACAM || op.Name == model.ACAH) && op.Op != model.Unset {
				return true
			}
		}
		return false
	}
	if check(base) {
		return true
	}
	for _, it := range variants {
		if check(it.ops) {
			return true
		}
	}
	return false
}

// upstream returns the route's upstream with the headers its statements
// take from proxied responses.
func (l *lowerer) upstream(rt *route, hs []*model.HeaderOp) *model.Upstream {
	if rt.up == nil {
		return nil
	}
	u := *rt.up
	u.Hidden = hidden(hs)
	return &u
}

// hidden lists the headers of a proxied response that statements replace
// or remove: those of the onsuccess table, which holds the upstream's
// headers (httpd 2.4.71: Header set, unset and setifempty left one
// Access-Control-Allow-Origin; Header always set sent both).
func hidden(hs []*model.HeaderOp) map[string]model.Span {
	out := map[string]model.Span{}
	for _, h := range hs {
		if h.OwnTable {
			continue
		}
		switch h.Op {
		case model.Set, model.Unset, model.SetIfEmpty:
			if _, ok := out[h.Name]; !ok {
				out[h.Name] = h.Span
			}
		}
	}
	return out
}

// optionsDenied is the status an OPTIONS request gets from access control
// before any handler: 401 where authentication is required (preflights
// carry no credentials), 403 where it is denied; 0 when it passes or
// corslint cannot tell. The last section that says Require decides.
func (l *lowerer) optionsDenied(chain []*sec) int {
	for i := len(chain) - 1; i >= 0; i-- {
		s := chain[i]
		for _, k := range s.kids {
			if k.kind != "Limit" && k.kind != "LimitExcept" {
				continue
			}
			listed := false
			for _, a := range k.d.Args {
				listed = listed || strings.EqualFold(a.Value, "OPTIONS")
			}
			if listed == (k.kind == "Limit") {
				if st, ok := requireStatus(k.body); ok {
					return st
				}
			}
		}
		if st, ok := requireStatus(s.body); ok {
			return st
		}
	}
	return 0
}

// requireStatus evaluates Require lines (any one may grant access).
func requireStatus(body []*Directive) (int, bool) {
	has, granted, unknown, auth := false, false, false, false
	for _, d := range body {
		if !d.Is("Require") || len(d.Args) == 0 {
			continue
		}
		has = true
		what := strings.ToLower(d.Arg(0))
		if what == "not" {
			unknown = true
			continue
		}
		switch {
		case what == "all" && strings.EqualFold(d.Arg(1), "granted"):
			granted = true
		case what == "all":
		case what == "valid-user" || what == "user" || what == "group" || strings.HasPrefix(what, "ldap-") ||
			strings.HasSuffix(what, "-group") || what == "file-owner":
			auth = true
		default:
			unknown = true
		}
	}
	switch {
	case !has:
		return 0, false
	case granted || unknown:
		return 0, true
	case auth:
		return 401, true
	}
	return 403, true
}
