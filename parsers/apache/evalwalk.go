package apache

import (
	"path"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/corslint/corslint/model"
)

func (ev *evalRun) absDir(p string) string {
	if p == "" {
		return ""
	}
	if !filepath.IsAbs(p) {
		p = filepath.Join(ev.cfgRoot, p)
	}
	return filepath.Clean(p)
}

// setEnvIf runs the SetEnvIf and SetEnvIfNoCase statements of ds.
func (ev *evalRun) setEnvIf(ds []*Directive) {
	for _, d := range ds {
		if !d.Is("SetEnvIf") && !d.Is("SetEnvIfNoCase") || len(d.Args) < 3 {
			continue
		}
		attr := d.Arg(0)
		var subject string
		var ok bool
		switch strings.ToLower(attr) {
		case "request_method":
			subject, ok = ev.req.Method, true
		case "request_uri":
			subject, ok = ev.req.Path, true
		case "remote_addr", "remote_host", "server_addr", "request_protocol":
			ev.refuse("SetEnvIf %s is not modelled", attr)
			return
		default:
			if strings.ContainsAny(attr, "^$*+?[(") {
				ev.refuse("SetEnvIf on a header regex is not modelled")
				return
			}
			subject, ok = reqHeader(ev.req, attr)
		}
		if !ok {
			continue
		}
		re, err := ev.patterns().Compile(d.Arg(1), d.Is("SetEnvIfNoCase"))
		if err != nil {
			ev.refuse("SetEnvIf regex %q: %v", d.Arg(1), err)
			return
		}
		m, err := re.FindStringMatch(subject)
		if err != nil || m == nil {
			continue
		}
		groups := m.Groups()
		for _, a := range d.Args[2:] {
			name, val, hasVal := strings.Cut(a.Value, "=")
			if strings.HasPrefix(name, "!") {
				delete(ev.env, name[1:])
				continue
			}
			if !hasVal {
				val = "1"
			}
			// $0..$9 are the captures
			val = replaceDollarRefs(val, func(s string) string {
				n, _ := strconv.Atoi(s[1:])
				if n < len(groups) {
					return groups[n].String()
				}
				return ""
			})
			ev.env[name] = val
		}
	}
}

// replaceDollarRefs replaces each back-reference $0 to $9 in s, left to
// right, with what f returns for it, as regexp's ReplaceAllStringFunc
// with \$[0-9] would; plain code, so that start-up compiles no regexp for
// it.
func replaceDollarRefs(s string, f func(string) string) string {
	return replaceRefs(s, '$', f)
}

// replacePercentRefs does the same for a RewriteCond's back-references
// %0 to %9.
func replacePercentRefs(s string, f func(string) string) string {
	return replaceRefs(s, '%', f)
}

func replaceRefs(s string, mark byte, f func(string) string) string {
	var b strings.Builder
	last := 0
	for i := 0; i+1 < len(s); i++ {
		if s[i] == mark && s[i+1] >= '0' && s[i+1] <= '9' {
			b.WriteString(s[last:i])
			b.WriteString(f(s[i : i+2]))
			last = i + 2
			i++
		}
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

// locations lists the <Location> and <LocationMatch> sections that match
// the path, in the order written, the main server's first.
func (ev *evalRun) locations(server []*esec) []*esec {
	var out []*esec
	for _, s := range server {
		for _, k := range s.kids {
			if k.kind != "Location" && k.kind != "LocationMatch" {
				continue
			}
			m := sectionMatch(k.kind, k.path, k.re)
			if m != nil && m.Matches(ev.req.Path) {
				out = append(out, k)
			}
		}
	}
	return out
}

// rewrite runs the server-context RewriteRules of a virtual host: the
// status of the first rule that answers (R=non-3xx, F, G), if any. E=
// sets environment variables; request headers that true conditions read
// go to ev.vary, as mod_rewrite adds them to Vary.
func (ev *evalRun) rewrite(ds []*Directive) (int, model.Span, bool) {
	if d, ok := lastArg(ds, "RewriteEngine"); !ok || !strings.EqualFold(d.Arg(0), "on") {
		return 0, model.Span{}, false
	}
	act := ev.applyRules(ds, ev.req.Path, "")
	if act.end {
		ev.ended = true
	}
	return act.status, act.at, act.status != 0
}

// ruleAction is what a list of RewriteRules decided.
type ruleAction struct {
	status int        // F, G or R=non-3xx: the answer's status
	at     model.Span // the rule that gave the status
	file   string     // the filename the substitutions made, "" for none
	fileAt model.Span // the rule that made it
	end    bool       // an END rule matched: no per-directory rewriting after
}

// applyRules runs RewriteRules the way mod_rewrite's apply_rewrite_list
// does on uri: in a directory's context (perdir, with a trailing slash)
// the pattern sees uri without that prefix and a relative substitution
// gets it added; in server context ("") only "-" is followed. A rule's
// E= runs when it matches, before its status ends the list.
func (ev *evalRun) applyRules(ds []*Directive, uri, perdir string) ruleAction {
	var act ruleAction
	var conds []*Directive
	cur := uri
	// pending is the status of a redirect rule without L that later
	// rules may still override
	pending, pendingAt := 0, model.Span{}
	redirected := func(a ruleAction) ruleAction {
		if a.status == 0 && pending != 0 {
			a.status, a.at = pending, pendingAt
		}
		return a
	}
	for i, d := range ds {
		switch {
		case d.Is("RewriteCond"):
			conds = append(conds, d)
			continue
		case !d.Is("RewriteRule"):
			continue
		}
		cs := conds
		conds = nil
		if len(d.Args) < 2 || len(d.Args) > 3 {
			ev.refuse("RewriteRule form is not modelled")
			return ruleAction{}
		}
		fl, ok := ev.ruleFlags(d.Arg(2))
		if !ok {
			return ruleAction{}
		}
		subj := cur
		if perdir != "" && strings.HasPrefix(subj, perdir) {
			subj = subj[len(perdir):]
		}
		pat, neg := d.Arg(0), false
		if strings.HasPrefix(pat, "!") {
			pat, neg = pat[1:], true
		}
		re, err := ev.patterns().Compile(pat, fl.nc)
		if err != nil {
			ev.refuse("RewriteRule pattern %q: %v", pat, err)
			return ruleAction{}
		}
		m, _ := re.FindStringMatch(subj)
		if (m != nil) == neg {
			continue
		}
		var groups []string
		if m != nil {
			for _, g := range m.Groups() {
				groups = append(groups, g.String())
			}
		}
		held, vary := ev.rewriteConds(cs, groups, cur)
		if ev.unmodelled != "" {
			return ruleAction{}
		}
		if !held {
			continue
		}
		for _, v := range vary {
			if !containsFold(ev.vary, v) {
				ev.vary = append(ev.vary, v)
			}
		}
		sub := d.Arg(1)
		next := ""
		if fl.redirect {
			// mod_rewrite goes on with the rules after one without L or
			// END on the URL it made, and redirects there when none
			// answers otherwise
			if sub == "-" {
				ev.refuse("RewriteRule %s %s is not modelled", sub, d.Arg(2))
				return ruleAction{}
			}
			if !fl.last && !fl.end && slices.ContainsFunc(ds[i+1:], func(d *Directive) bool { return d.Is("RewriteRule") }) {
				x, _, err := ev.rwExpand(sub, groups, cur)
				if err != nil {
					ev.refuse("RewriteRule %s %s: %v", sub, d.Arg(2), err)
					return ruleAction{}
				}
				next = ev.qualify(x)
			}
			sub = "-"
		}
		if sub != "-" && pending != 0 {
			ev.refuse("RewriteRule %s after a redirect without L is not modelled", sub)
			return ruleAction{}
		}
		if sub != "-" {
			// an absolute URL is an external redirect or a proxy request
			if perdir == "" || fl.status != 0 || m == nil && strings.Contains(sub, "$") {
				ev.refuse("RewriteRule substitution %q is not modelled", sub)
				return ruleAction{}
			}
			x, _, err := ev.rwExpand(sub, groups, cur)
			if err != nil {
				ev.refuse("RewriteRule substitution %q: %v", sub, err)
				return ruleAction{}
			}
			// a literal % is decoded again when the new URL is parsed
			if strings.ContainsAny(x, ":%") {
				ev.refuse("RewriteRule substitution %q is not modelled", sub)
				return ruleAction{}
			}
			// The query string goes to the request's arguments ([QSA]
			// appends the request's, [QSD] drops them): no part of the
			// file the request maps to.
			sub, _, _ = strings.Cut(x, "?")
		}
		for _, e := range fl.envs {
			name, val, _ := strings.Cut(e, ":")
			v, _, err := ev.rwExpand(val, groups, cur)
			if err != nil {
				ev.refuse("RewriteRule E=%s: %v", e, err)
				return ruleAction{}
			}
			if strings.HasPrefix(name, "!") {
				delete(ev.env, name[1:])
				continue
			}
			ev.env[name] = v
		}
		if next != "" {
			pending, pendingAt, cur = fl.status, d.Span, next
			continue
		}
		if fl.status != 0 {
			act.status, act.at = fl.status, d.Span
			return act
		}
		if sub != "-" {
			if !strings.HasPrefix(sub, "/") {
				if perdir == noPrefix {
					ev.refuse("RewriteRule %s: a relative substitution outside a <Directory> or <Location> is not modelled", d.Arg(1))
					return ruleAction{}
				}
				sub = perdir + sub
			}
			cur, act.file, act.fileAt = sub, sub, d.Span
		}
		if fl.end {
			act.end = true
			return redirected(act)
		}
		if fl.last {
			return redirected(act)
		}
	}
	return redirected(act)
}

// rwFlags are the RewriteRule flags the evaluator follows.
type rwFlags struct {
	nc, last, end bool
	status        int
	redirect      bool // status is a 3xx: an external redirect
	envs          []string
}

func (ev *evalRun) ruleFlags(arg string) (rwFlags, bool) {
	var fl rwFlags
	for _, f := range strings.Split(strings.Trim(arg, "[]"), ",") {
		uf := strings.ToUpper(f)
		switch {
		case f == "":
		case uf == "L":
			fl.last = true
		case uf == "END":
			fl.end = true
		case uf == "NC":
			fl.nc = true
		case uf == "F":
			fl.status = 403
		case uf == "G":
			fl.status = 410
		case uf == "R" || uf == "REDIRECT" || strings.HasPrefix(uf, "R=") || strings.HasPrefix(uf, "REDIRECT="):
			_, val, _ := strings.Cut(uf, "=")
			n, err := 302, error(nil)
			switch val {
			case "", "TEMP":
			case "PERMANENT":
				n = 301
			case "SEEOTHER":
				n = 303
			default:
				n, err = strconv.Atoi(val)
			}
			if err != nil || n < 200 || n > 599 {
				ev.refuse("RewriteRule flag %s is not modelled", f)
				return fl, false
			}
			// an external redirect: the substitution is only the
			// Location, which no CORS header reads
			fl.status, fl.redirect = n, n >= 300 && n < 400
		case strings.HasPrefix(uf, "E="):
			fl.envs = append(fl.envs, f[2:])
		case uf == "QSA" || uf == "QSD" || uf == "QSL" || uf == "QSAPPEND" || uf == "QSDISCARD" || uf == "QSLAST":
			// the query string only: no effect on the file or the headers
		default:
			ev.refuse("RewriteRule flag %s is not modelled", f)
			return fl, false
		}
	}
	return fl, true
}

// rewriteConds evaluates RewriteConds with [NC] and [OR] the way
// mod_rewrite's apply_rewrite_rule does: a false [OR] condition moves on
// (so a trailing one cannot fail the rule), a true one skips the rest of
// its [OR] chain, any other false one fails. A condition's test string is
// expanded as a substitution is (rule holds the rule's groups, file the
// current filename). It returns whether they hold and the request
// headers read by conditions that held.
func (ev *evalRun) rewriteConds(cs []*Directive, rule []string, file string) (bool, []string) {
	var vary []string
	ev.condGroups = ev.condGroups[:0]
	for i := 0; i < len(cs); i++ {
		c := cs[i]
		v, headers, err := ev.rwExpand(c.Arg(0), rule, file)
		if err != nil {
			ev.refuse("RewriteCond %s: %v", c.Arg(0), err)
			return false, nil
		}
		flags := strings.ToUpper(strings.Trim(c.Arg(2), "[]"))
		orNext := strings.Contains(flags, "OR")
		pat, neg := c.Arg(1), false
		if strings.HasPrefix(pat, "!") {
			pat, neg = pat[1:], true
		}
		if strings.HasPrefix(pat, "=") || strings.HasPrefix(pat, "-") || strings.HasPrefix(pat, "<") || strings.HasPrefix(pat, ">") {
			ev.refuse("RewriteCond pattern %q is not modelled", pat)
			return false, nil
		}
		held := false
		if re, err := ev.patterns().Compile(pat, strings.Contains(flags, "NC")); err == nil {
			m, _ := re.FindStringMatch(v)
			held = (m != nil) != neg
			if m != nil && !neg {
				ev.condGroups = ev.condGroups[:0]
				for _, g := range m.Groups() {
					ev.condGroups = append(ev.condGroups, g.String())
				}
			}
		}
		switch {
		case orNext && !held:
			continue
		case orNext:
			for i < len(cs) && strings.Contains(strings.ToUpper(cs[i].Arg(2)), "OR") {
				i++
			}
		case !held:
			return false, nil
		}
		for _, h := range headers {
			if !containsFold(vary, h) {
				vary = append(vary, h)
			}
		}
	}
	return true, vary
}

// proxyPass finds the ProxyPass that takes the request: one inside a
// matching <Location> (the last), else the first server-level one whose
// path prefixes the request's. It returns the target, the server-level
// path ("" for one in a <Location>) and the statement.
func (ev *evalRun) proxyPass(server, locs []*esec) (string, string, model.Span, bool) {
	for i := len(locs) - 1; i >= 0; i-- {
		if d, ok := lastArg(locs[i].body, "ProxyPass"); ok {
			if d.Arg(0) == "!" || len(d.Args) != 1 || locs[i].kind != "Location" || locs[i].re || strings.ContainsAny(locs[i].path, "*?[") {
				ev.refuse("ProxyPass form is not modelled")
				return "", "", model.Span{}, false
			}
			// the target stands for the <Location>'s path
			rest := ""
			if l := aliasMatches(ev.req.Path, locs[i].path); l > 0 {
				rest = ev.req.Path[l:]
			}
			return d.Arg(0) + rest, "", d.Span, true
		}
	}
	// mod_proxy merges the main server's ProxyPass before the virtual
	// host's and takes the first that matches
	for _, s := range server {
		for _, d := range s.body {
			if !d.Is("ProxyPass") {
				continue
			}
			if len(d.Args) < 2 {
				ev.refuse("ProxyPass form is not modelled")
				return "", "", model.Span{}, false
			}
			p := d.Arg(0)
			if !strings.HasPrefix(ev.req.Path, p) {
				continue
			}
			if d.Arg(1) == "!" {
				return "", "", model.Span{}, false
			}
			return d.Arg(1) + ev.req.Path[len(p):], p, d.Span, true
		}
	}
	return "", "", model.Span{}, false
}

// dirWalk lists the directory sections that apply to file, in httpd's
// merge order: <Directory> from the shortest path, each directory's
// .htaccess after its sections when AllowOverride lets httpd read it,
// then the <DirectoryMatch> sections that match the file's directory.
func (ev *evalRun) dirWalk(server []*esec, file string) []*esec {
	dir := path.Dir(file)
	type item struct {
		s     *esec
		depth int
		n     int
	}
	var items []item
	n := 0
	for _, s := range server {
		for _, k := range s.kids {
			n++
			if k.kind != "Directory" || k.re {
				continue
			}
			p := ev.absDir(k.path)
			if strings.ContainsAny(p, "*?[") {
				ev.refuse("wildcard <Directory> is not modelled")
				continue
			}
			if covers(p, dir) {
				items = append(items, item{k, depth(p), n})
			}
		}
	}
	sort.SliceStable(items, func(i, j int) bool { return items[i].depth < items[j].depth })
	var out []*esec
	override := "none"
	levels := []string{"/"}
	for d := dir; d != "/" && d != "." && d != ""; d = path.Dir(d) {
		levels = append(levels, d)
	}
	sort.Slice(levels, func(i, j int) bool { return len(levels[i]) < len(levels[j]) })
	next := 0
	for _, lv := range levels {
		for next < len(items) && depth(ev.absDir(items[next].s.path)) <= depth(lv) {
			s := items[next].s
			out = append(out, s)
			if d, ok := lastArg(s.body, "AllowOverride"); ok {
				override = strings.ToLower(d.ArgsText())
			}
			next++
		}
		for _, h := range ev.hts {
			// a tree copied elsewhere (srv/www/.htaccess linted for
			// DocumentRoot /srv/www) stands for the server path, as
			// the lowering links it
			if at, ok := mirrored(lv, absPath(h.Dir)); !ok || filepath.Clean(at) != lv {
				continue
			}
			switch {
			case override == "none":
			case strings.Contains(override, "all") || strings.Contains(override, "fileinfo"):
				ht, err := ev.shared.htaccess(ev, h, lv)
				if err != nil {
					ev.refuse("%v", err)
				}
				out = append(out, ht)
			default:
				ev.refuse("AllowOverride %s is not modelled", override)
			}
		}
	}
	for _, s := range server {
		for _, k := range s.kids {
			if k.kind == "DirectoryMatch" || k.kind == "Directory" && k.re {
				if ev.patterns().Match(k.path, false, dir) || ev.patterns().Match(k.path, false, dir+"/") {
					out = append(out, k)
				}
			}
		}
	}
	return out
}

// filesFor lists the <Files> and <FilesMatch> sections that match name:
// the server's, then those inside the directory sections that applied.
func (ev *evalRun) filesFor(server, dirs []*esec, name string) []*esec {
	var out []*esec
	for _, s := range append(append([]*esec(nil), server...), dirs...) {
		for _, k := range s.kids {
			if k.kind != "Files" && k.kind != "FilesMatch" {
				continue
			}
			m := sectionMatch(k.kind, k.path, k.re)
			if m != nil && m.Matches("/"+name) {
				out = append(out, k)
			}
		}
	}
	return out
}

// ifChains returns the branches taken among kids' <If> chains.
func (ev *evalRun) ifChains(kids []*esec, x *exprEnv) []*esec {
	var out []*esec
	taken := false
	for _, k := range kids {
		switch k.kind {
		case "If":
			taken = false
		case "ElseIf", "Else":
			if taken {
				continue
			}
		default:
			continue
		}
		ok := true
		if k.kind != "Else" {
			v, err := x.evalBool(k.d.ArgsText())
			if err != nil {
				ev.refuse("<%s %s>: %v", k.kind, k.d.ArgsText(), err)
				return out
			}
			ok = v
		}
		if ok {
			taken = true
			out = append(out, k)
		}
	}
	return out
}

// denied reports whether mod_authz_core refuses the request: the last
// section in merge order that holds a Require line, its own or in a
// <Limit> or <LimitExcept>, replaces the others (AuthMerging Off); its
// lines for the request's method count as RequireAny, and when none is
// for that method nothing is refused (httpd 2.4.71: <LimitExcept GET>
// Require all denied under a directory that denies all let GET through).
func denied(chain []*esec, method string) bool {
	deny := false
	for _, s := range chain {
		has, granted, refused := false, false, false
		read := func(body []*Directive, applies bool) {
			for _, d := range body {
				if !d.Is("Require") {
					continue
				}
				has = true
				if !applies {
					continue
				}
				switch strings.ToLower(d.ArgsText()) {
				case "all granted":
					granted = true
				case "all denied":
					refused = true
				}
			}
		}
		read(s.body, true)
		for _, k := range s.kids {
			if k.kind == "Limit" || k.kind == "LimitExcept" {
				read(k.body, limits(k, method))
			}
		}
		if has {
			deny = refused && !granted
		}
	}
	return deny
}

// errorTables applies the always table of chain to an error response
// httpd generates: nothing of headers_out survives.
func (ev *evalRun) errorTables(chain []*esec, _ []Line) tables {
	var t tables
	ev.applyTables(&t, chain, false)
	return t
}

// applyTables runs the Header statements of chain in order: the always
// table on err_headers_out, then, when onsuccess, the onsuccess table on
// headers_out. Expressions that read request headers add them to Vary in
// headers_out, as httpd does.
func (ev *evalRun) applyTables(t *tables, chain []*esec, onsuccess bool) {
	var always, success []*Directive
	for _, s := range chain {
		for _, d := range s.body {
			if !d.Is("Header") || len(d.Args) == 0 {
				continue
			}
			if strings.EqualFold(d.Arg(0), "always") {
				always = append(always, d)
			} else {
				success = append(success, d)
			}
		}
	}
	for _, d := range always {
		ev.header(t, &t.err, d)
	}
	if onsuccess {
		for _, d := range success {
			ev.header(t, &t.out, d)
		}
	}
}

// header applies one Header statement to lines (one table).
func (ev *evalRun) header(t *tables, tbl *[]Line, d *Directive) {
	args := d.Args
	if strings.EqualFold(args[0].Value, "always") || strings.EqualFold(args[0].Value, "onsuccess") {
		args = args[1:]
	}
	if len(args) < 2 {
		ev.refuse("Header at %s is malformed", d.Span)
		return
	}
	action := strings.ToLower(args[0].Value)
	name := args[1].Value
	var value, cond string
	rest := args[2:]
	switch action {
	case "unset", "echo":
	case "set", "add", "append", "merge", "setifempty":
		if len(rest) == 0 {
			ev.refuse("Header at %s is malformed", d.Span)
			return
		}
		value, rest = rest[0].Value, rest[1:]
	case "edit", "edit*":
		if len(rest) < 2 {
			ev.refuse("Header at %s is malformed", d.Span)
			return
		}
		value, rest = rest[0].Value, rest[1:]
	default:
		ev.refuse("Header %s is not modelled", action)
		return
	}
	replacement := ""
	if action == "edit" || action == "edit*" {
		replacement, rest = rest[0].Value, rest[1:]
	}
	if len(rest) > 0 {
		cond = rest[0].Value
	}
	switch lc := strings.ToLower(cond); {
	case cond == "":
	case strings.HasPrefix(lc, "env="):
		v := cond[4:]
		neg := strings.HasPrefix(v, "!")
		_, set := ev.env[strings.TrimPrefix(v, "!")]
		if set == neg {
			return
		}
	case strings.HasPrefix(lc, "expr="):
		x := &exprEnv{req: ev.req, env: ev.env}
		ok, err := x.evalBool(cond[5:])
		for _, v := range x.vary {
			t.out = mergeLine(t.out, "Vary", v, model.Span{})
		}
		if err != nil {
			ev.refuse("Header condition %q: %v", cond, err)
			return
		}
		if !ok {
			return
		}
	default:
		ev.refuse("Header condition %q is not modelled", cond)
		return
	}
	if action == "echo" {
		// mod_headers copies each request header whose name the regex
		// matches into headers_out, whichever table the statement is in.
		re, err := ev.patterns().Compile(name, false)
		if err != nil {
			ev.refuse("Header echo regex: %v", err)
			return
		}
		for _, h := range ev.req.Headers {
			if m, _ := re.MatchString(h[0]); m {
				t.out = append(t.out, Line{Name: model.CanonicalName(h[0]), Value: h[1], From: d.Span})
			}
		}
		return
	}
	canon := model.CanonicalName(strings.TrimSuffix(name, ":"))
	if action == "edit" || action == "edit*" {
		re, err := ev.patterns().Compile(value, false)
		if err != nil {
			ev.refuse("Header edit regex: %v", err)
			return
		}
		lines := *tbl
		for i := range lines {
			if !strings.EqualFold(lines[i].Name, canon) {
				continue
			}
			count := 1
			if action == "edit*" {
				count = -1
			}
			if out, err := re.Replace(lines[i].Value, replacement, -1, count); err == nil {
				lines[i].Value = out
			}
		}
		return
	}
	val := ""
	if action != "unset" {
		v, ok := ev.headerValue(value)
		if !ok {
			return
		}
		val = v
	}
	at := d.Span
	switch action {
	case "set":
		*tbl = removeLines(*tbl, canon)
		*tbl = append(*tbl, Line{Name: canon, Value: val, From: at})
	case "add":
		*tbl = append(*tbl, Line{Name: canon, Value: val, From: at})
	case "append":
		*tbl = mergeLine(*tbl, canon, val, at)
	case "merge":
		for _, l := range *tbl {
			if strings.EqualFold(l.Name, canon) && hasToken(l.Value, val) {
				return
			}
		}
		*tbl = mergeLine(*tbl, canon, val, at)
	case "unset":
		*tbl = removeLines(*tbl, canon)
	case "setifempty":
		for _, l := range *tbl {
			if strings.EqualFold(l.Name, canon) {
				return
			}
		}
		*tbl = append(*tbl, Line{Name: canon, Value: val, From: at})
	}
}

// headerValue evaluates a Header value: expr=... or a format string with
// %{VAR}e, which sends "(null)" for an unset variable.
func (ev *evalRun) headerValue(raw string) (string, bool) {
	if strings.HasPrefix(strings.ToLower(raw), "expr=") {
		x := &exprEnv{req: ev.req, env: ev.env}
		// A string expression adds nothing to Vary (httpd 2.4.71 sent
		// none for Header set ... "expr=%{req:Origin}").
		v, err := x.evalString(raw[5:])
		if err != nil {
			ev.refuse("Header value %q: %v", raw, err)
			return "", false
		}
		return v, true
	}
	var b strings.Builder
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		if c != '%' || i+1 >= len(raw) {
			b.WriteByte(c)
			continue
		}
		if raw[i+1] == '%' {
			b.WriteByte('%')
			i++
			continue
		}
		if raw[i+1] == '{' {
			j := strings.IndexByte(raw[i:], '}')
			if j > 0 && i+j+1 < len(raw) && raw[i+j+1] == 'e' {
				name := raw[i+2 : i+j]
				if v, ok := ev.env[name]; ok {
					b.WriteString(v)
				} else {
					b.WriteString("(null)")
				}
				i += j + 1
				continue
			}
		}
		ev.refuse("Header format %q is not modelled", raw)
		return "", false
	}
	return b.String(), true
}

// fixupVary is what httpd's header filter does last: every Vary line of
// both tables becomes one, each name once.
func fixupVary(lines []Line) []Line {
	var names []string
	first := -1
	out := lines[:0:0]
	for _, l := range lines {
		if !strings.EqualFold(l.Name, "Vary") {
			out = append(out, l)
			continue
		}
		if first < 0 {
			first = len(out)
			out = append(out, l)
		}
		for _, n := range strings.Split(l.Value, ",") {
			if n = strings.TrimSpace(n); n != "" && !containsFold(names, n) {
				names = append(names, n)
			}
		}
	}
	if first >= 0 {
		out[first].Value = strings.Join(names, ", ")
	}
	return out
}

func removeLines(lines []Line, name string) []Line {
	out := lines[:0]
	for _, l := range lines {
		if !strings.EqualFold(l.Name, name) {
			out = append(out, l)
		}
	}
	return out
}

// mergeLine is apr_table_merge: the value joins the first line of the
// name with ", ", or makes a new line.
func mergeLine(lines []Line, name, val string, at model.Span) []Line {
	for i := range lines {
		if strings.EqualFold(lines[i].Name, name) {
			lines[i].Value += ", " + val
			return lines
		}
	}
	return append(lines, Line{Name: name, Value: val, From: at})
}

func hasToken(list, tok string) bool {
	for _, p := range strings.Split(list, ",") {
		if strings.TrimSpace(p) == tok {
			return true
		}
	}
	return false
}

// qualify is mod_rewrite's fully_qualify_uri: a redirect's local target
// made absolute with the scheme, %{SERVER_NAME} and the port, which is
// the Host header's, else ServerName's, and left out when it is the
// scheme's default.
func (ev *evalRun) qualify(u string) string {
	if strings.Contains(u, "://") {
		return u
	}
	scheme, port := "http", ""
	if ev.https {
		scheme = "https"
	}
	if _, p, ok := strings.Cut(ev.hostHeader(), ":"); ok {
		port = p
	} else if ev.serverPort != "" {
		port = ev.serverPort
	}
	if port == "80" && scheme == "http" || port == "443" && scheme == "https" {
		port = ""
	}
	if port != "" {
		port = ":" + port
	}
	name, _, _ := ev.rwVar("SERVER_NAME", "")
	if !strings.HasPrefix(u, "/") {
		u = "/" + u
	}
	return scheme + "://" + name + port + u
}
