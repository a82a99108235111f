package apache

import (
	"strconv"
	"strings"

	"github.com/corslint/corslint/model"
)

// rwCond is one RewriteCond.
type rwCond struct {
	d  *Directive
	t  test
	or bool // [OR]: this condition or the next
}

// rwRule is one RewriteRule with the conditions before it.
type rwRule struct {
	d       *Directive
	pattern string
	subst   string
	conds   []rwCond
	status  int  // a response httpd generates itself: R=204, F (403), G (410)
	proxy   bool // [P]
	env     []envAssign
	owner   *sec
	perDir  bool // in a directory context (<Directory>, .htaccess, <Location>, <If>)
	methods []string
	// guards are the origin allowlists the conditions apply.
	guards []*model.Matcher
	// originTest is set when a condition tests the Origin.
	originTest bool
}

type envAssign struct {
	name, value string
}

// rewriteProxies reports whether a RewriteRule has the P flag.
func rewriteProxies(d *Directive) bool {
	for _, f := range ruleFlags(d.Arg(2)) {
		if strings.EqualFold(f, "P") || strings.EqualFold(f, "proxy") {
			return true
		}
	}
	return false
}

func ruleFlags(s string) []string {
	s = strings.TrimSpace(s)
	if !strings.HasPrefix(s, "[") || !strings.HasSuffix(s, "]") {
		return nil
	}
	var out []string
	for _, f := range strings.Split(s[1:len(s)-1], ",") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

// collectRules reads the RewriteCond/RewriteRule sequence of each section
// whose rewrite engine is on. httpd's server context (main server or
// virtual host) does not inherit rules; directory contexts inherit the
// engine state from enclosing directory contexts.
func (l *lowerer) collectRules() {
	for _, s := range l.all {
		if !l.engineOn(s) {
			continue
		}
		var conds []rwCond
		for _, d := range s.body {
			switch {
			case d.Is("RewriteCond"):
				conds = append(conds, parseCond(d))
			case d.Is("RewriteRule"):
				r := parseRule(d, conds)
				r.owner = s
				r.perDir = s.kind != "server" && s.kind != "VirtualHost"
				l.rules[s] = append(l.rules[s], r)
				conds = nil
			}
		}
	}
}

func (l *lowerer) engineOn(s *sec) bool {
	for c := s; c != nil; c = c.parent {
		for i := len(c.body) - 1; i >= 0; i-- {
			if c.body[i].Is("RewriteEngine") {
				return strings.EqualFold(c.body[i].Arg(0), "on")
			}
		}
		if c.kind == "server" || c.kind == "VirtualHost" || c.kind == ".htaccess" ||
			c.parent == nil || c.parent.kind == "server" || c.parent.kind == "VirtualHost" {
			return false
		}
	}
	return false
}

// parseCond reads RewriteCond TestString CondPattern [flags].
func parseCond(d *Directive) rwCond {
	c := rwCond{d: d}
	nc := false
	for _, f := range ruleFlags(d.Arg(2)) {
		switch strings.ToUpper(f) {
		case "NC", "NOCASE":
			nc = true
		case "OR", "ORNEXT":
			c.or = true
		}
	}
	if len(d.Args) < 2 {
		c.t = test{unknown: true}
		return c
	}
	subj := d.Arg(0)
	pat := d.Arg(1)
	patArg := d.Args[1]
	off := 0
	neg := strings.HasPrefix(pat, "!")
	if neg {
		pat, off = pat[1:], 1
	}
	isOrigin, isMethod := originSubject(subj), methodSubject(subj)
	if strings.EqualFold(strings.TrimSpace(subj), "%{HTTP_ORIGIN}") {
		// no variable of mod_rewrite's: it expands to "" whatever the
		// Origin (httpd 2.4: only %{HTTP:Origin} reads the header)
		isOrigin = false
	}
	switch {
	case !isOrigin && !isMethod:
		c.t = test{unknown: true}
	case strings.HasPrefix(pat, "=") && !strings.HasPrefix(pat, "=="):
		v := pat[1:]
		if isMethod {
			c.t = test{methods: []string{strings.ToUpper(v)}, negated: neg}
			break
		}
		at := exprSpan(patArg, off+1, len(v))
		c.t = test{origin: &model.Matcher{Kind: model.MatchExact, Pattern: v, Exact: []string{v}, CaseInsensitive: nc, Span: at, Raw: d.Args[1].Raw}, negated: neg}
	case strings.HasPrefix(pat, "-") || strings.HasPrefix(pat, "<") || strings.HasPrefix(pat, ">"):
		c.t = test{unknown: true}
	case isMethod:
		c.t = test{methods: methodsMatching(pat, nc), negated: neg}
	default:
		if pat == ".+" || pat == "." || pat == "^.+$" || pat == ".*" {
			c.t = test{anyOrigin: true, negated: neg}
			break
		}
		at := exprSpan(patArg, off, len(pat))
		c.t = test{origin: &model.Matcher{Kind: model.MatchRegex, Pattern: pat, CaseInsensitive: nc, Span: at, Raw: d.Args[1].Raw}, negated: neg}
	}
	return c
}

// parseRule reads RewriteRule Pattern Substitution [flags].
func parseRule(d *Directive, conds []rwCond) *rwRule {
	r := &rwRule{d: d, pattern: d.Arg(0), subst: d.Arg(1), conds: conds}
	for _, f := range ruleFlags(d.Arg(2)) {
		name, val, _ := strings.Cut(f, "=")
		switch strings.ToUpper(name) {
		case "R", "REDIRECT":
			code := 302
			if val != "" {
				if n, err := strconv.Atoi(val); err == nil {
					code = n
				} else if strings.EqualFold(val, "permanent") {
					code = 301
				}
			}
			if code < 300 || code > 399 {
				r.status = code
			}
		case "F", "FORBIDDEN":
			r.status = 403
		case "G", "GONE":
			r.status = 410
		case "P", "PROXY":
			r.proxy = true
		case "E", "ENV":
			n, v, _ := strings.Cut(val, ":")
			if n != "" && !strings.HasPrefix(n, "!") {
				r.env = append(r.env, envAssign{name: n, value: v})
			}
		}
	}
	r.methods, r.guards, r.originTest = condsOf(conds)
	return r
}

// condsOf folds a rule's conditions: the methods they admit (nil: any),
// the origin allowlists they apply, and whether any tests the Origin.
// Conditions joined by [OR] admit the union.
func condsOf(conds []rwCond) (methods []string, guards []*model.Matcher, origin bool) {
	var group []rwCond
	flush := func() {
		if len(group) == 0 {
			return
		}
		var ms []string
		msKnown := true
		var gs []*model.Matcher
		gsAll := true
		for _, c := range group {
			if c.t.origin != nil || c.t.anyOrigin {
				origin = true
			}
			if c.t.methods != nil {
				for _, m := range c.t.admitted() {
					if !hasMethod(ms, m) {
						ms = append(ms, m)
					}
				}
			} else {
				msKnown = false
			}
			if c.t.origin != nil && !c.t.negated {
				gs = append(gs, c.t.origin)
			} else {
				gsAll = false
			}
		}
		if msKnown {
			if ms == nil {
				ms = []string{}
			}
			if methods == nil {
				methods = ms
			} else {
				var both []string
				for _, m := range methods {
					if hasMethod(ms, m) {
						both = append(both, m)
					}
				}
				methods = both
			}
		}
		if gsAll {
			guards = append(guards, gs...)
		}
		group = nil
	}
	for _, c := range conds {
		group = append(group, c)
		if !c.or {
			flush()
		}
	}
	// An [OR] on the last condition leaves its chain open: when none of
	// it holds, apply_rewrite_rule runs out of conditions and applies the
	// rule all the same, so the chain restricts nothing.
	for _, c := range group {
		origin = origin || c.t.origin != nil || c.t.anyOrigin
	}
	return methods, guards, origin
}

// literalPrefix returns the literal start of an anchored URL pattern
// ("^/api/(.*)$" -> "/api/"), or "" when it has none.
func literalPrefix(pattern string) string {
	if !strings.HasPrefix(pattern, "^") {
		return ""
	}
	var b strings.Builder
	for i := 1; i < len(pattern); i++ {
		c := pattern[i]
		if c == '\\' && i+1 < len(pattern) && strings.IndexByte(`./-`, pattern[i+1]) >= 0 {
			b.WriteByte(pattern[i+1])
			i++
			continue
		}
		if strings.IndexByte(`.[]()*+?{}|^$\`, c) >= 0 {
			break
		}
		b.WriteByte(c)
	}
	s := b.String()
	// A quantifier applies to the last literal byte: drop it.
	if n := len(s); n > 0 && len(pattern) > n+1 {
		next := pattern[1+len(s):]
		if strings.HasPrefix(next, "?") || strings.HasPrefix(next, "*") || strings.HasPrefix(next, "{") {
			s = s[:n-1]
		}
	}
	return s
}

// mayMatch reports whether a URL pattern can match requests under path
// ("" = any path).
func mayMatch(pattern, path string) bool {
	p := literalPrefix(pattern)
	if p == "" || path == "" {
		return true
	}
	return strings.HasPrefix(p, path) || strings.HasPrefix(path, p)
}
