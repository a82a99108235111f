package apache

import (
	"fmt"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/corslint/corslint/internal/pcre"
	"github.com/corslint/corslint/model"
)

// Request is a request the walk answers.
type Request = model.WalkRequest

// Line is a header line of the walk's answer.
type Line = model.WalkLine

// Result is the walk's answer.
type Result = model.WalkResult

// walker walks requests through one lowered configuration, reading its
// sections and compiling its patterns once for every request.
type walker struct {
	cfg  *Config
	hts  []*Htaccess
	once sync.Once
	prep *prepared
}

// Walk implements model.Walker.
func (w *walker) Walk(req Request) Result {
	w.once.Do(func() { w.prep = prepare(w.cfg, w.hts) })
	return w.prep.evaluate(req)
}

// prepared is what every walk of one configuration shares: its sections
// as the evaluator walks them, those of each .htaccess file once one was
// read, and its compiled patterns. It is only read after prepare, but
// for the .htaccess sections and patterns, which are added under their
// own locks.
type prepared struct {
	hts     []*Htaccess
	cfgRoot string
	main    *esec
	// failed is why the configuration cannot be walked at all.
	failed string
	re     pcre.Cache

	mu     sync.Mutex
	htSecs map[*Htaccess]builtSec
}

type builtSec struct {
	s   *esec
	err error
}

// prepare reads cfg's sections for the walks of requests through it.
func prepare(cfg *Config, hts []*Htaccess) (p *prepared) {
	p = &prepared{hts: hts}
	defer func() {
		if x := recover(); x != nil {
			p.failed = fmt.Sprint("evaluator failed: ", x)
		}
	}()
	// relative paths resolve as the lowering resolves them
	root := cfg.ServerRoot
	if root == "" {
		root = filepath.Dir(cfg.Path)
	}
	p.cfgRoot = absPath(root)
	main := &esec{kind: "server"}
	ev := &evalRun{shared: p}
	if err := ev.build(main, cfg.Directives); err != nil {
		p.failed = err.Error()
		return p
	}
	p.main = main
	return p
}

// patterns is the cache of compiled patterns, nil (compile each time)
// outside a prepared walk.
func (ev *evalRun) patterns() *pcre.Cache {
	if ev.shared == nil {
		return nil
	}
	return &ev.shared.re
}

// htaccess returns the sections of h, read at level lv, once per
// prepared configuration.
func (p *prepared) htaccess(ev *evalRun, h *Htaccess, lv string) (*esec, error) {
	if p == nil {
		ht := &esec{kind: ".htaccess", path: lv}
		return ht, ev.build(ht, h.Config.Directives)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if b, ok := p.htSecs[h]; ok && b.s.path == lv {
		return b.s, b.err
	}
	ht := &esec{kind: ".htaccess", path: lv}
	err := ev.build(ht, h.Config.Directives)
	if p.htSecs == nil {
		p.htSecs = map[*Htaccess]builtSec{}
	}
	p.htSecs[h] = builtSec{ht, err}
	return ht, err
}

// evaluate walks req through the prepared configuration.
func (p *prepared) evaluate(req Request) (res Result) {
	defer func() {
		if x := recover(); x != nil {
			res = Result{Unmodelled: fmt.Sprint("evaluator failed: ", x)}
		}
	}()
	if p.failed != "" {
		return Result{Unmodelled: p.failed}
	}
	ev := &evalRun{req: &req, hts: p.hts, env: map[string]string{}, cfgRoot: p.cfgRoot, main: p.main, shared: p}
	return ev.run(p.main)
}

// esec is a section as the evaluator walks it.
type esec struct {
	kind string // "server", "VirtualHost", "Directory", ..., ".htaccess"
	d    *Directive
	body []*Directive
	kids []*esec
	path string
	re   bool
	// checked guards refused, what refusal found
	checked sync.Once
	refused string
}

// Evaluate works out httpd 2.4's answer to req from cfg and the .htaccess
// files beside it, walking the request the way httpd does: virtual host,
// server-context rewrite, <Location>, ProxyPass or the directory and file
// walk with .htaccess under AllowOverride, <If> chains, access, then the
// handler and mod_headers' two tables on the response.
func Evaluate(cfg *Config, hts []*Htaccess, req Request) Result {
	return prepare(cfg, hts).evaluate(req)
}

type evalRun struct {
	req     *Request
	hts     []*Htaccess
	env     map[string]string
	cfgRoot string
	main    *esec
	// status is the status of the error an ErrorDocument redirect serves.
	status int
	// vary lists the request headers read before the handler runs
	// (RewriteCond, <If>), which httpd adds to Vary in headers_out.
	vary []string
	// unmodelled is the first thing met that the evaluator does not follow.
	unmodelled string
	// recursive is set on an ErrorDocument's redirect that met an error
	// of its own.
	recursive bool
	// redirected is set on an internal redirect's request, where
	// mod_setenvif runs only the server's statements.
	redirected bool
	// depth counts internal redirects; ended is set after a
	// RewriteRule [END], which stops all of mod_rewrite, server context
	// too, for the rest of the request and the redirects that follow.
	depth int
	ended bool
	// shared is what the walks of the configuration share.
	shared *prepared
	// walks are the request's calls of httpd's <If> walk, in order;
	// prev is the request an internal redirect came from.
	walks []ifCall
	prev  *evalRun
	// condGroups are the groups of the last RewriteCond that matched,
	// which a substitution's %N reads.
	condGroups []string
	// docroot, https and canonicalName are what mod_rewrite's
	// %{DOCUMENT_ROOT}, %{HTTPS} and %{SERVER_NAME} read of the server
	// the request reached (canonicalName: "" under UseCanonicalName Off).
	docroot, canonicalName string
	https                  bool
	// serverPort is the port ServerName names, "" for none.
	serverPort string
}

// ifCall is one call of ap_if_walk_sub that had <If> sections to test:
// the branches it took and, for a top-level call, the sections merged
// before it (nil for a nested call, whose starting configuration is
// always a new merge).
type ifCall struct {
	taken, pre []*esec
}

// maxRedirects is httpd's LimitInternalRecursion default.
const maxRedirects = 10

func (ev *evalRun) refuse(format string, args ...any) {
	if ev.unmodelled == "" {
		ev.unmodelled = fmt.Sprintf(format, args...)
	}
}

// build reads ds into s, flattening <IfModule>; sections it does not
// model make the whole evaluation fall back.
func (ev *evalRun) build(s *esec, ds []*Directive) error {
	for _, d := range ds {
		if d.Inactive {
			continue
		}
		if !d.Section {
			s.body = append(s.body, d)
			continue
		}
		kind, ok := sectionKinds[strings.ToLower(d.Name)]
		switch {
		case d.Is("IfModule"):
			if !strings.HasPrefix(d.Arg(0), "!") {
				if err := ev.build(s, d.Children); err != nil {
					return err
				}
			}
			continue
		case d.Is("IfDefine"), d.Is("IfVersion"):
			if err := ev.build(s, d.Children); err != nil {
				return err
			}
			continue
		case !ok:
			return fmt.Errorf("section <%s> is not modelled", d.Name)
		case kind == "Limit" || kind == "LimitExcept":
			if err := ev.buildLimit(s, kind, d); err != nil {
				return err
			}
			continue
		}
		c := &esec{kind: kind, d: d}
		c.path, c.re = sectionPath(d, kind)
		s.kids = append(s.kids, c)
		if err := ev.build(c, d.Children); err != nil {
			return err
		}
	}
	return nil
}

// buildLimit reads a <Limit> or <LimitExcept> section into s: only the
// access control inside it depends on the method, so its Require lines
// stay in a section of their own and every other statement applies to
// all methods, where it is written (httpd 2.4.71 sent a Header inside
// <Limit GET> to OPTIONS and PUT too).
func (ev *evalRun) buildLimit(s *esec, kind string, d *Directive) error {
	lim := &esec{kind: kind, d: d}
	if err := ev.build(lim, d.Children); err != nil {
		return err
	}
	for _, c := range lim.body {
		if !c.Is("Require") {
			s.body = append(s.body, c)
		}
	}
	s.kids = append(s.kids, lim.kids...)
	lim.kids = nil
	lim.body = slices.DeleteFunc(lim.body, func(c *Directive) bool { return !c.Is("Require") })
	if len(d.Args) == 0 {
		return fmt.Errorf("<%s> without methods is not modelled", d.Name)
	}
	s.kids = append(s.kids, lim)
	return nil
}

// limits reports whether a <Limit> or <LimitExcept> section's Require
// lines apply to method.
func limits(s *esec, method string) bool {
	listed := false
	for _, a := range s.d.Args {
		listed = listed || a.Value == method
	}
	return listed == (s.kind == "Limit")
}

// modelled lists the directives whose effect the evaluator follows (or
// knows to have none on CORS headers).
var modelled = map[string]bool{
	"listen": true, "servername": true, "serveralias": true, "documentroot": true, "require": true,
	"allowoverride": true, "header": true, "setenvif": true, "setenvifnocase": true, "rewriteengine": true,
	"rewritecond": true, "rewriterule": true, "errordocument": true, "proxypass": true, "proxypassreverse": true,
	"serverroot": true, "loadmodule": true, "user": true, "group": true, "pidfile": true, "defaultruntimedir": true,
	"errorlog": true, "loglevel": true, "startservers": true, "threadsperchild": true, "minsparethreads": true,
	"maxsparethreads": true, "maxrequestworkers": true, "customlog": true, "options": true, "directoryindex": true,
	"keepalive": true, "timeout": true, "serveradmin": true, "servertokens": true, "serversignature": true,
	"adddefaultcharset": true, "addtype": true, "proxyrequests": true, "proxypreservehost": true,
	// logging, TLS, caching and content-type statements: no effect on
	// which sections apply or on Access-Control-* and Vary
	"logformat": true, "transferlog": true, "hostnamelookups": true, "usecanonicalname": true,
	"limitrequestbody": true, "addcharset": true, "addlanguage": true, "addencoding": true,
	"addoutputfilterbytype": true, "sslengine": true, "sslcertificatefile": true, "sslcertificatekeyfile": true,
	"sslcertificatechainfile": true, "sslprotocol": true, "sslciphersuite": true, "sslhonorcipherorder": true,
	"expiresactive": true, "expiresbytype": true, "expiresdefault": true, "fileetag": true, "mutex": true,
	"enablesendfile": true, "enablemmap": true, "maxkeepaliverequests": true, "keepalivetimeout": true,
	"protocols": true,
	// mod_alias's mapping (server and virtual host context only), and
	// mod_cgid's socket
	"alias": true, "aliasmatch": true, "scriptalias": true, "scriptaliasmatch": true, "scriptsock": true,
	"redirect": true, "redirectmatch": true, "redirectpermanent": true, "redirecttemp": true,
	"rewritebase": true, "rewriteoptions": true,
}

func (ev *evalRun) check(s *esec) {
	if m := s.refusal(); m != "" {
		ev.refuse("%s", m)
	}
}

// refusal is what the walk does not follow among s's own statements, ""
// when it follows them all; worked out once per section, since every
// walk through s asks.
func (s *esec) refusal() string {
	s.checked.Do(func() {
		for _, d := range s.body {
			if !modelled[strings.ToLower(d.Name)] {
				s.refused = fmt.Sprintf("directive %s is not modelled", d.Name)
				return
			}
			// in a <Location>, Alias takes one argument: the target of
			// the whole request
			local := d.Is("Alias") && len(d.Args) == 1 && (s.kind == "Location" || s.kind == "LocationMatch")
			if (d.Is("Alias") || d.Is("AliasMatch") || d.Is("ScriptAlias") || d.Is("ScriptAliasMatch")) && s.kind != "server" && s.kind != "VirtualHost" && !local {
				s.refused = fmt.Sprintf("%s in <%s> is not modelled", d.Name, s.kind)
				return
			}
		}
	})
	return s.refused
}

// vhost picks the <VirtualHost> for the request's port and host: the first
// whose ServerName or ServerAlias matches, else the first for the address;
// nil when none listens there (the main server answers).
func (ev *evalRun) vhost(main *esec) *esec {
	var onPort []*esec
	for _, k := range main.kids {
		if k.kind != "VirtualHost" {
			continue
		}
		for _, p := range vhostPorts(k.d) {
			if p == ev.req.Port {
				onPort = append(onPort, k)
				break
			}
		}
		if len(vhostPorts(k.d)) == 0 {
			onPort = append(onPort, k)
		}
	}
	if len(onPort) == 0 {
		return nil
	}
	host := strings.ToLower(ev.req.Host)
	for _, k := range onPort {
		for _, n := range vhostNames(k.d) {
			if ok, err := path.Match(strings.ToLower(n), host); err == nil && ok {
				return k
			}
		}
	}
	return onPort[0]
}

// lastArg returns the first argument of the last directive named name.
func lastArg(ds []*Directive, name string) (*Directive, bool) {
	var out *Directive
	for _, d := range ds {
		if d.Is(name) {
			out = d
		}
	}
	return out, out != nil
}

// tables are the response's header tables: headers_out (the onsuccess
// table, which holds the handler's and the upstream's headers) and
// err_headers_out (the always table).
type tables struct {
	out, err []Line
}

// sent is the order httpd writes the lines in: its header filter overlays
// err_headers_out on headers_out (apr_table_overlay puts the overlay's
// elements first), so the always table's lines come first.
func (t tables) sent() []Line {
	return append(append([]Line(nil), t.err...), t.out...)
}

func (ev *evalRun) run(main *esec) Result {
	r := ev.req
	vh := ev.vhost(main)
	server := []*esec{main}
	if vh != nil {
		server = append(server, vh)
	}
	var res Result
	for _, s := range server {
		ev.check(s)
		res.Route += label(s)
	}
	docroot := ""
	for _, s := range server {
		if d, ok := lastArg(s.body, "DocumentRoot"); ok {
			docroot = ev.absDir(d.Arg(0))
		}
	}
	ev.serverVars(server, docroot)
	// mod_setenvif runs its server-context statements at the first of its
	// hooks a request_rec passes: right after reading the request, and
	// for an ErrorDocument's internal redirect at header parsing, where
	// the directory ones then do not run.
	for _, s := range server {
		ev.setEnvIf(s.body)
	}
	locs := ev.locations(server)
	// httpd's first <If> walk, before translate_name: what a status
	// given there carries.
	earlyX := &exprEnv{req: r, env: ev.env}
	earlyIfs := ev.ifCached(append(append([]*esec(nil), server...), locs...), earlyX)
	// Server-context mod_rewrite runs at translate time, after the first
	// location walk: an answer it gives carries only the server's and the
	// <Location>s' always table.
	if vh != nil {
		_, opts := lastArg(vh.body, "RewriteOptions")
		_, mainOpts := lastArg(main.body, "RewriteOptions")
		if _, rules := lastArg(main.body, "RewriteRule"); rules && (opts || mainOpts) {
			// config_server_merge would hand the main server's rules to
			// the virtual host
			ev.refuse("RewriteOptions beside the main server's RewriteRules is not modelled")
		}
	}
	if vh != nil && !ev.ended {
		if st, at, ok := ev.rewrite(vh.body); ok {
			return ev.translateAnswer(res, server, locs, earlyIfs, earlyX, st, at)
		}
	}
	target, passPath, passAt, proxied := ev.proxyPass(server, locs)
	// mod_alias's translate_name runs after mod_proxy's, which takes the
	// request first; its redirects come before its aliases.
	if !proxied {
		if st, at, ok := ev.translateRedirect(server, locs); ok {
			return ev.translateAnswer(res, server, locs, earlyIfs, earlyX, st, at)
		}
	}
	var chain []*esec
	var hit aliasHit
	file := ""
	if proxied {
		// A proxied request maps to no file: no <Directory> or <Files>,
		// but mod_proxy's map_to_storage merges the <Proxy> sections
		// that match the target.
		chain = append(chain, server...)
		chain = append(chain, ev.proxySections(server, target)...)
		chain = append(chain, locs...)
		res.Source, res.By = model.FromUpstream, passAt
		if passPath != "" {
			res.Route += " > ProxyPass " + passPath
		}
	} else {
		// mod_alias translates before the core maps the path under
		// DocumentRoot.
		var aliased bool
		if hit, aliased = ev.alias(server, locs); aliased {
			file = hit.file
			switch {
			case hit.cgi:
				res.Route += " > ScriptAlias " + hit.fake
			default:
				res.Route += " > Alias " + hit.fake
			}
		} else {
			if docroot == "" {
				ev.refuse("no DocumentRoot")
			}
			file = docroot + r.Path
		}
		dirs := ev.dirWalk(server, file)
		chain = append(chain, server...)
		chain = append(chain, dirs...)
		chain = append(chain, ev.filesFor(server, dirs, path.Base(file))...)
		chain = append(chain, locs...)
		res.Source = model.FromHandler
		if vh != nil {
			res.By = vh.d.Span
		}
	}
	for _, s := range chain[len(server):] {
		ev.check(s)
		res.Route += label(s)
	}
	early := &exprEnv{req: r, env: ev.env, vary: append([]string(nil), ev.vary...)}
	ifs := ev.ifCached(chain, early)
	chain = append(chain, ifs...)
	if !ev.redirected {
		for _, s := range chain[len(server):] {
			ev.setEnvIf(s.body)
		}
	}
	for _, s := range ifs {
		ev.check(s)
		res.Route += label(s)
	}
	if denied(chain, r.Method) {
		res.Status, res.Source = 403, model.FromServer
		return ev.errorAnswer(res, chain)
	}
	if !ev.ended {
		// a proxied request's filename is "proxy:" and the URL
		subject := file
		if proxied {
			subject = "proxy:" + target
		}
		if ds, perdir, ok := ev.perDirRules(chain); ok {
			if out, done := ev.fixupRewrite(res, chain, len(server), ds, perdir, subject, docroot, hit, early); done {
				return out
			}
		}
	}
	// mod_alias's fixup runs after mod_rewrite's: the sections' own
	// redirects and their listed ones.
	if st, at, ok := ev.fixupRedirect(chain, len(server)); ok {
		res.Status, res.Source, res.By = st, model.FromServer, at
		return ev.errorAnswer(res, chain)
	}
	if proxied {
		st := r.UpstreamStatus
		if r.Method == "OPTIONS" {
			st = r.UpstreamOptionsStatus
			if st == 0 {
				res.Unknown = fmt.Sprintf("OPTIONS goes to the upstream %s, whose answer the configuration does not show (pass --upstream-options-status)", target)
			}
		} else if st == 0 {
			st = 200
		}
		res.Status = st
		var t tables
		for _, h := range r.UpstreamHeaders {
			t.out = append(t.out, Line{Name: model.CanonicalName(h[0]), Value: h[1], Upstream: true})
		}
		ev.applyTables(&t, chain, true)
		res.Lines = t.sent()
		return ev.done(res)
	}
	if hit.cgi {
		return ev.scriptAnswer(res, chain, hit, early.vary)
	}
	switch r.Method {
	case "OPTIONS":
		// The core answers OPTIONS for a file itself (present or not), with
		// 200 and Allow, through the ordinary output filters.
		res.Status = 200
		t := tables{}
		for _, v := range early.vary {
			t.out = mergeLine(t.out, "Vary", v, model.Span{})
		}
		ev.applyTables(&t, chain, true)
		res.Lines = t.sent()
		return ev.done(res)
	case "GET", "HEAD", "POST":
	default:
		res.Status, res.Source = 405, model.FromServer
		return ev.errorAnswer(res, chain)
	}
	st := r.FileStatus
	if st == 0 {
		st = 200
	}
	res.Status = st
	if st >= 400 {
		res.Source = model.FromServer
		return ev.errorAnswer(res, chain)
	}
	t := tables{}
	for _, v := range early.vary {
		t.out = mergeLine(t.out, "Vary", v, model.Span{})
	}
	ev.applyTables(&t, chain, true)
	res.Lines = t.sent()
	return ev.done(res)
}

// ifCached is httpd's <If> walk over the sections of pre: the <If>
// chains of the applying sections in merge order, <ElseIf> and <Else>
// only when no earlier branch of their chain held, then the chains nested
// in the branches taken, level by level (httpd 2.4.71: a nested <If>'s
// Header edit saw a header that a later top-level branch set). It keeps
// httpd's walk cache:
// httpd walks the <If>s twice per request (on the server's and
// the <Location>s' sections before translate_name, then on all of them),
// and each call with sections to test takes the cache of the call with
// the same number in the request an internal redirect came from. A
// top-level call that took the same branches after the same sections
// returns the cached configuration before it walks the nested <If>s, so
// these are lost (httpd 2.4.71: an ErrorDocument or a directory's
// RewriteRule to a file of the same directory lost an <If> nested in a
// directory's <If>; with an <If> at virtual host level as well, the
// counts shift and the nested ones applied).
func (ev *evalRun) ifCached(pre []*esec, x *exprEnv) []*esec {
	var out []*esec
	level := pre
	for top := true; len(level) > 0; top = false {
		if !hasIfs(level) {
			break
		}
		var taken []*esec
		for _, s := range level {
			taken = append(taken, ev.ifChains(s.kids, x)...)
			if ev.unmodelled != "" {
				return out
			}
		}
		k := len(ev.walks)
		call := ifCall{taken: taken}
		if top {
			call.pre = pre
		}
		ev.walks = append(ev.walks, call)
		out = append(out, taken...)
		if top && ev.prev != nil && k < len(ev.prev.walks) {
			if pc := ev.prev.walks[k]; pc.pre != nil && sameSections(pc.pre, pre) && sameSections(pc.taken, taken) {
				return out
			}
		}
		level = taken
	}
	return out
}

// hasIfs reports whether the sections hold an <If>, <ElseIf> or <Else>.
func hasIfs(secs []*esec) bool {
	for _, s := range secs {
		for _, k := range s.kids {
			if k.kind == "If" || k.kind == "ElseIf" || k.kind == "Else" {
				return true
			}
		}
	}
	return false
}

func sameSections(a, b []*esec) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// translateAnswer is a status a translate_name hook gives (a
// server-context RewriteRule, a redirect): the per-dir configuration is
// then the server's and the <Location>s'. The <If> sections of those
// still apply to the error (httpd 2.4.71: an <Else> at virtual host
// level set Access-Control-Allow-Methods on a RewriteRule [F] answer).
// The Vary their conditions add stays on a 204 only (httpd 2.4.71:
// R=204 kept it, [F] and R=200 did not).
func (ev *evalRun) translateAnswer(res Result, server, locs, ifs []*esec, x *exprEnv, st int, at model.Span) Result {
	chain := append(append(append([]*esec(nil), server...), locs...), ifs...)
	res.Status, res.Source, res.By = st, model.FromServer, at
	if st >= 300 {
		// An error or a redirect goes through ErrorDocument like any
		// other error (httpd 2.4.71: [G] with ErrorDocument 410
		// /err.txt sent the error page's onsuccess headers).
		return ev.errorAnswer(res, chain)
	}
	return ev.statusAnswer(res, chain, append(append([]string(nil), ev.vary...), x.vary...))
}

func (ev *evalRun) done(res Result) Result {
	res.Lines = fixupVary(res.Lines)
	res.Unmodelled = ev.unmodelled
	return res
}

// label names a section in a route the way the generic responses do.
func label(s *esec) string {
	switch {
	case s.kind == ".htaccess":
		// named as the model names its route, so that what the walk
		// answers through a .htaccess is that route's answer
		return " > .htaccess " + s.path
	case s.d == nil:
		return ""
	case s.kind == "VirtualHost":
		return " > VirtualHost " + vhostLabel(s.d)
	}
	return " > " + s.kind + " " + s.d.ArgsText()
}

// errorAnswer is an error httpd generates itself: an ErrorDocument with a
// local URL redirects internally and the error page's own sections and
// both tables make the headers (with the original status); otherwise
// only the always table reaches the response.
func (ev *evalRun) errorAnswer(res Result, chain []*esec) Result {
	doc := ""
	for _, s := range chain {
		for _, d := range s.body {
			if d.Is("ErrorDocument") && d.Arg(0) == strconv.Itoa(res.Status) {
				doc = d.Arg(1)
				if len(d.Args) > 1 && d.Args[1].Quote != 0 && !strings.HasPrefix(doc, "/") {
					doc = "text"
				}
			}
		}
	}
	switch {
	case ev.status != 0 && (res.Status < 300 || res.Status >= 400):
		// An error while serving an ErrorDocument: httpd gives up on it
		// and sends the first request's error with its canned page. A
		// redirect there is sent as it is (below).
		ev.recursive = true
		return ev.done(res)
	case doc == "" || doc == "text" || !strings.HasPrefix(doc, "/") && !strings.Contains(doc, "://"):
		t := ev.errorTables(chain, nil)
		res.Lines = t.sent()
		return ev.done(res)
	case strings.HasPrefix(doc, "/") && !strings.Contains(doc, "?"):
		// The redirected request sees the earlier environment as
		// REDIRECT_*.
		sub := *ev.req
		sub.Method, sub.Path, sub.FileStatus = "GET", doc, 200
		inner := &evalRun{req: &sub, hts: ev.hts, env: map[string]string{}, cfgRoot: ev.cfgRoot, main: ev.main, status: res.Status,
			shared: ev.shared, redirected: true, depth: ev.depth + 1, ended: ev.ended, prev: ev}
		for k, v := range ev.env {
			inner.env["REDIRECT_"+k] = v
		}
		out := inner.run(ev.main)
		if inner.recursive && out.Unmodelled == "" {
			// httpd 2.4.71: a RewriteRule [G] that also matched the
			// ErrorDocument's path sent the 410 with the first request's
			// always table.
			t := ev.errorTables(chain, nil)
			res.Lines = t.sent()
			return ev.done(res)
		}
		if out.Unmodelled == "" && out.Source != model.FromUpstream && out.Status < 300 {
			out.Status = res.Status
			out.Route = res.Route + " > ErrorDocument " + doc + out.Route
			out.Unmodelled = ev.unmodelled
			return out
		}
		if out.Unmodelled == "" && out.Source != model.FromUpstream && out.Status >= 300 && out.Status < 400 {
			// The error page's own request was redirected (a RewriteRule
			// [R] in its directory): ap_die on that request sends the
			// redirect, not the first request's error (httpd 2.4.71,
			// seed 99 a391: 302 for a 404 whose ErrorDocument is /err.txt).
			out.Route = res.Route + " > ErrorDocument " + doc + out.Route
			out.Unmodelled = ev.unmodelled
			return out
		}
	}
	ev.refuse("ErrorDocument %q is not modelled", doc)
	return ev.done(res)
}

// statusAnswer is a status a RewriteRule gives that is not an error
// (R=200, R=204): only the always table reaches it, and on a 204 the
// Vary of the conditions read on the way stays (httpd 2.4.71).
func (ev *evalRun) statusAnswer(res Result, chain []*esec, vary []string) Result {
	var t tables
	if res.Status == 204 {
		for _, v := range vary {
			t.out = mergeLine(t.out, "Vary", v, model.Span{})
		}
	}
	ev.applyTables(&t, chain, false)
	res.Lines = t.sent()
	return ev.done(res)
}

// fixupRewrite runs a directory's RewriteRules (ds, under prefix perdir)
// at mod_rewrite's fixup, after access checks: a status rule answers
// with it; a substitution becomes an internal redirect to the new URL,
// whose answer is the response (its environment renamed REDIRECT_*, the
// Vary so far kept, as mod_rewrite asks). It reports whether the
// request's answer is decided here.
func (ev *evalRun) fixupRewrite(res Result, chain []*esec, nServer int, ds []*Directive, perdir, file, docroot string, hit aliasHit, early *exprEnv) (Result, bool) {
	if !symlinksAllowed(chain) {
		res.Status, res.Source = 403, model.FromServer
		return ev.errorAnswer(res, chain), true
	}
	before := len(ev.vary)
	act := ev.applyRules(ds, file, perdir)
	for _, v := range ev.vary[before:] {
		if !containsFold(early.vary, v) {
			early.vary = append(early.vary, v)
		}
	}
	switch {
	case ev.unmodelled != "":
		return ev.done(res), true
	case act.status >= 300:
		// an error, or an external redirect like mod_alias's
		res.Status, res.Source, res.By = act.status, model.FromServer, act.at
		return ev.errorAnswer(res, chain), true
	case act.status != 0:
		res.Status, res.Source, res.By = act.status, model.FromServer, act.at
		return ev.statusAnswer(res, chain, early.vary), true
	case act.file == "" || act.file == file:
		// mod_rewrite ignores a rewrite to the same filename
		if act.end {
			ev.ended = true
		}
		return res, false
	}
	if strings.HasPrefix(file, "proxy:") {
		ev.refuse("RewriteRule substitution for a proxied request is not modelled")
		return ev.done(res), true
	}
	if !strings.HasPrefix(act.file, "/") {
		// hook_fixup: "the filename must be either an absolute local path
		// or an absolute local URL" (httpd 2.4.71 answered 400 for g-.txt
		// under <DirectoryMatch "^/srv/www/st.*">)
		res.Status, res.Source, res.By = 400, model.FromServer, act.fileAt
		return ev.errorAnswer(res, chain), true
	}
	// The rewrite hands the request to the redirect handler; the fixups
	// after mod_rewrite's still run on the request as it came, so a
	// redirect of mod_alias's that takes it answers instead (httpd 2.4.71:
	// Redirect /static/f-200.txt in a <Directory> beside an .htaccess
	// RewriteRule ^f-(\d+)\.txt$ g-$1.txt sent the 302).
	if st, at, ok := ev.fixupRedirect(chain, nServer); ok {
		res.Status, res.Source, res.By = st, model.FromServer, at
		return ev.errorAnswer(res, chain), true
	}
	if ev.depth >= maxRedirects {
		ev.refuse("more than %d internal redirects", maxRedirects)
		return ev.done(res), true
	}
	uri := redirectURI(act.file, docroot, hit)
	// The RewriteBase of the rules' own section: a <Directory> above
	// with one does not give it (httpd 2.4.71 redirected to
	// /static/g-200.txt under a <Directory> with RewriteBase /nowhere/).
	if d, ok := lastArg(ds, "RewriteBase"); ok {
		if u, ok := baseURI(act.file, perdir, d.Arg(0)); ok {
			uri = u
		}
	}
	sub := *ev.req
	sub.Path = uri
	if sub.FileStatusFor != nil {
		sub.FileStatus = sub.FileStatusFor(act.file)
	}
	inner := &evalRun{req: &sub, hts: ev.hts, env: map[string]string{}, cfgRoot: ev.cfgRoot, main: ev.main, status: ev.status,
		shared: ev.shared, redirected: true, depth: ev.depth + 1, ended: ev.ended || act.end, vary: append([]string(nil), early.vary...), prev: ev}
	for k, v := range ev.env {
		inner.env["REDIRECT_"+k] = v
	}
	out := inner.run(ev.main)
	ev.recursive = inner.recursive
	out.Route = res.Route + " > RewriteRule " + uri + out.Route
	if out.Unmodelled == "" {
		out.Unmodelled = ev.unmodelled
	}
	return out, true
}
