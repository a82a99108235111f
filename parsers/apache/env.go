package apache

import (
	"regexp"
	"strings"

	"github.com/corslint/corslint/model"
)

// envDef is one way an environment variable gets its value: SetEnvIf,
// SetEnvIfNoCase, SetEnvIfExpr, SetEnv or a RewriteRule's E= flag.
type envDef struct {
	// server is the virtual host (or main server) whose requests it
	// applies to: a SetEnvIf in one virtual host does nothing in another.
	server *sec
	value  model.Value
	guards []*model.Matcher // origin allowlists that must accept for it to be set
	// anyOrigin: set for every request that has an Origin, or every request.
	unguarded bool
	always    bool // set on every request
	methods   []string
	// never: a RewriteRule's E= whose conditions never hold, so it sets
	// nothing; it tells an unset variable from one set outside the files.
	never bool
}

// collectEnv reads every definition of every environment variable. httpd
// evaluates them per request; corslint keeps, for each variable, the values
// it can take and the origin checks that gate them.
func (l *lowerer) collectEnv() {
	l.collectRules()
	for _, s := range l.all {
		for _, d := range s.body {
			switch {
			case d.Is("SetEnvIf") || d.Is("SetEnvIfNoCase"):
				l.setEnvIf(s, d, d.Is("SetEnvIfNoCase"))
			case d.Is("SetEnvIfExpr"):
				l.setEnvIfExpr(s, d)
			case d.Is("SetEnv") && len(d.Args) > 0:
				l.define(d.Arg(0), envDef{
					server: serverOf(s),
					value:  model.LiteralValue(d.Arg(1), argSpan(d, 1)), always: len(ifGuards(s)) == 0 && s.cond == nil, unguarded: true,
				})
			}
		}
		for _, r := range l.rules[s] {
			for _, e := range r.env {
				def := envDef{server: serverOf(s), guards: append(append([]*model.Matcher(nil), r.guards...), ifGuards(s)...), methods: r.methods}
				def.unguarded = len(def.guards) == 0
				def.always = len(r.conds) == 0 && s.cond == nil
				def.value = rewriteEnvValue(e.value, r, argSpan(r.d, 2))
				if def.value.Kind == model.Reflected {
					l.register(def.guards) // the conditions are an allowlist
				}
				l.define(e.name, def)
			}
		}
	}
}

func argSpan(d *Directive, i int) model.Span {
	if i >= 0 && i < len(d.Args) {
		return d.Args[i].Span
	}
	return d.Span
}

// setEnvIf reads SetEnvIf attribute regex [!]var[=value] ...
func (l *lowerer) setEnvIf(s *sec, d *Directive, nocase bool) {
	if len(d.Args) < 3 {
		return
	}
	attr := d.Arg(0)
	pat := d.Args[1]
	var t test
	switch {
	case strings.EqualFold(attr, "Origin"):
		switch pat.Value {
		case ".+", ".", ".*", "^.*$", "^.+$", ":":
			// matches every origin (h5bp's ":"): a presence test, no allowlist
			t = test{anyOrigin: true}
		default:
			t = test{origin: &model.Matcher{Kind: model.MatchRegex, Pattern: pat.Value, CaseInsensitive: nocase, Span: pat.Span, Raw: pat.Raw}}
		}
	case strings.EqualFold(attr, "Request_Method"):
		t = test{methods: methodsMatching(pat.Value, nocase)}
	default:
		t = test{unknown: true}
	}
	l.defineFrom(s, d.Args[2:], t)
}

// setEnvIfExpr reads SetEnvIfExpr expr [!]var[=value] ...
func (l *lowerer) setEnvIfExpr(s *sec, d *Directive) {
	if len(d.Args) < 2 {
		return
	}
	ts := parseExpr(d.Arg(0), d.Args[0], 0)
	t := test{unknown: true}
	if len(ts) == 1 {
		t = ts[0]
	}
	l.defineFrom(s, d.Args[1:], t)
}

func (l *lowerer) defineFrom(s *sec, assigns []Arg, t test) {
	for _, a := range assigns {
		name, val, hasVal := strings.Cut(a.Value, "=")
		if strings.HasPrefix(name, "!") || name == "" {
			continue
		}
		if !hasVal {
			val = "1"
		}
		def := envDef{server: serverOf(s), guards: ifGuards(s), methods: t.admitted()}
		if t.origin != nil && !t.negated {
			def.guards = append(def.guards, t.origin)
		}
		def.unguarded = len(def.guards) == 0
		if isBackref(val) && (t.origin != nil || t.anyOrigin) {
			// Copying the matched Origin makes the pattern an allowlist.
			def.value = model.Value{Kind: model.Reflected, Raw: val, Var: "the Origin header", Span: a.Span}
			l.register(def.guards)
		} else if strings.Contains(val, "$") {
			def.value = model.Value{Kind: model.Unknown, Raw: val, Span: a.Span}
		} else {
			def.value = model.LiteralValue(val, a.Span)
		}
		l.define(name, def)
	}
}

func isBackref(s string) bool {
	return len(s) == 2 && s[0] == '$' && s[1] >= '0' && s[1] <= '9'
}

// rewriteEnvValue is the value a RewriteRule's E=VAR:value gives: the
// Origin itself (%{HTTP:Origin}, or a %N back-reference to a condition on
// it), or a literal.
func rewriteEnvValue(v string, r *rwRule, at model.Span) model.Value {
	switch {
	case originSubject(v):
		return model.Value{Kind: model.Reflected, Raw: v, Var: v, Span: at}
	case len(v) == 2 && v[0] == '%' && v[1] >= '0' && v[1] <= '9' && r.originTest:
		return model.Value{Kind: model.Reflected, Raw: v, Var: "the Origin header", Span: at}
	case len(v) == 2 && v[0] == '%' && v[1] >= '0' && v[1] <= '9' && len(r.conds) == 0:
		// no condition to refer to: "", which still sets the variable,
		// and mod_headers sends the empty line (httpd 2.4.71)
		return model.Value{Kind: model.Empty, Raw: v, SentEmpty: true, Span: at}
	case len(v) == 2 && v[0] == '%' && v[1] >= '1' && v[1] <= '9' && capturesAnyOrigin(r.conds, int(v[1]-'0')):
		return model.Value{Kind: model.Reflected, Raw: v, Var: "the Origin header", Span: at}
	case strings.ContainsAny(v, "%$"):
		return model.Value{Kind: model.Unknown, Raw: v, Span: at}
	}
	return model.LiteralValue(v, at)
}

// originProbe is an origin no allowlist admits, to see whether a
// condition's group copies any Origin.
const originProbe = "https://corslint-probe.invalid"

// capturesAnyOrigin reports whether group n of the last condition (the
// one %N reads when every condition holds) is the Origin itself for some
// request whatever its Origin: a test string joining %{HTTP:Origin} to
// %{REQUEST_METHOD} (%{REQUEST_METHOD}:%{HTTP:Origin} ^(GET|OPTIONS):(.+)$)
// matched with any origin and the group copied it.
func capturesAnyOrigin(conds []rwCond, n int) bool {
	if len(conds) == 0 {
		return false
	}
	c := conds[len(conds)-1]
	if c.or || len(c.d.Args) < 2 {
		return false
	}
	subj, pat := c.d.Arg(0), c.d.Arg(1)
	if !strings.Contains(strings.ToLower(subj), "%{http:origin}") || strings.HasPrefix(pat, "!") ||
		strings.HasPrefix(pat, "=") || strings.HasPrefix(pat, "-") || strings.HasPrefix(pat, "<") || strings.HasPrefix(pat, ">") {
		return false
	}
	for _, f := range ruleFlags(c.d.Arg(2)) {
		if strings.EqualFold(f, "NC") || strings.EqualFold(f, "nocase") {
			pat = "(?i)" + pat
		}
	}
	re, err := regexp.Compile(pat)
	if err != nil || n > re.NumSubexp() {
		return false
	}
	for _, m := range standardMethods {
		s := strings.NewReplacer("%{HTTP:Origin}", originProbe, "%{http:origin}", originProbe, "%{REQUEST_METHOD}", m).Replace(subj)
		if strings.Contains(s, "%{") {
			return false // another variable: its value is not known here
		}
		if g := re.FindStringSubmatch(s); g != nil && g[n] == originProbe {
			return true
		}
	}
	return false
}

// serverOf returns the virtual host whose requests section s applies to,
// or the main server; a .htaccess belongs to the server that reads it.
func serverOf(s *sec) *sec {
	for c := s; c != nil; c = c.parent {
		if c.kind == "VirtualHost" {
			return c
		}
		if c.kind == ".htaccess" && c.readBy != nil {
			return c.readBy
		}
		if c.parent == nil {
			return c
		}
	}
	return nil
}

// envKey files definitions by server and name.
type envKey struct {
	server *sec
	name   string
}

func (l *lowerer) define(name string, d envDef) {
	k := envKey{d.server, name}
	l.env[k] = append(l.env[k], d)
}

// defsFor returns the definitions of name that reach statements in s:
// those of the main server and of s's own virtual host.
func (l *lowerer) defsFor(name string, s *sec) []envDef {
	var out []envDef
	for _, d := range l.allDefs(name, s) {
		if !d.never {
			out = append(out, d)
		}
	}
	return out
}

// allDefs is defsFor with the definitions that never apply.
func (l *lowerer) allDefs(name string, s *sec) []envDef {
	srv := serverOf(s)
	out := l.env[envKey{l.root, name}]
	if srv != l.root {
		out = append(out[:len(out):len(out)], l.env[envKey{srv, name}]...)
	}
	return out
}

// envValue is what %{name}e expands to in section s. gated is true when
// the statement only runs when name is set (env=name), so "(null)" is
// never sent.
func (l *lowerer) envValue(name string, s *sec, at model.Span, gated bool) model.Value {
	ref := "%{" + name + "}e"
	defs := l.defsFor(name, s)
	if len(defs) == 0 && len(l.allDefs(name, s)) > 0 {
		// Only rules that never apply set it: mod_headers sends nothing
		// under env=name, and "(null)" (no origin) without it.
		return model.Value{Kind: model.Empty, Raw: ref, Var: ref, Span: at}
	}
	if len(defs) == 0 {
		if strings.EqualFold(name, "HTTP_ORIGIN") {
			// CGI, PHP and FastCGI handlers put every request header in the
			// environment, so this is the Origin itself for them (httpd
			// 2.4.71 sent it back from a CGI script; for a static file it
			// sent "(null)").
			return model.Value{Kind: model.Reflected, Raw: ref, Var: ref, CGIEnv: true, Span: at}
		}
		return model.Value{Kind: model.Unknown, Raw: ref, Var: ref, Span: at}
	}
	v := model.Value{Kind: model.Variable, Raw: ref, Var: ref, Span: at}
	always := false
	for _, d := range defs {
		opt := d.value
		opt = withGuards(opt, d.guards)
		v.Options = append(v.Options, opt)
		always = always || d.always
	}
	if !gated && !always {
		// mod_headers sends "(null)" when the variable is not set, which
		// no browser takes for an origin: the same as no header.
		v.Options = append(v.Options, model.Value{Kind: model.Empty, Raw: "(null)", Span: at})
	}
	return v
}

// envGuards are the origin allowlists that gate a statement with env=name:
// every definition of name must be gated, else any origin can set it.
func (l *lowerer) envGuards(name string, s *sec) []*model.Matcher {
	defs := l.defsFor(name, s)
	if len(defs) == 0 {
		return nil
	}
	var out []*model.Matcher
	for _, d := range defs {
		if d.unguarded {
			return nil
		}
		out = append(out, d.guards...)
	}
	return out
}

// withGuards adds allowlists to every reflected option of v.
func withGuards(v model.Value, guards []*model.Matcher) model.Value {
	if len(guards) == 0 {
		return v
	}
	switch v.Kind {
	case model.Reflected:
		gs := append([]*model.Matcher(nil), v.Guards...)
		for _, g := range guards {
			dup := false
			for _, x := range gs {
				dup = dup || x == g
			}
			if !dup {
				gs = append(gs, g)
			}
		}
		v.Guards = gs
	case model.Variable:
		opts := make([]model.Value, len(v.Options))
		for i, o := range v.Options {
			opts[i] = withGuards(o, guards)
		}
		v.Options = opts
	}
	return v
}

// reflectedGuards lists the allowlists gating the reflected options of v.
func reflectedGuards(v model.Value) []*model.Matcher {
	var out []*model.Matcher
	for _, p := range v.Possible() {
		if p.Kind == model.Reflected {
			out = append(out, p.Guards...)
		}
	}
	return out
}
