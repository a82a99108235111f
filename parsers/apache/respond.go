package apache

import (
	"fmt"
	"slices"
	"strings"

	"github.com/corslint/corslint/model"
)

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
	denied, deniedToAll := l.accessStatus(chain)

	var answers []answer
	for _, r := range srv.rules {
		if ms := answeredMethods(r, false); r.status != 0 && len(ms) > 0 && mayMatch(r.pattern, rt.url) {
			answers = append(answers, answer{rule: r, methods: ms})
		}
	}
	if denied == 0 {
		for _, s := range chain {
			for _, r := range l.rules[s] {
				if ms := answeredMethods(r, true); r.status != 0 && len(ms) > 0 {
					answers = append(answers, answer{rule: r, methods: ms, perDir: true})
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
	// everywhere lists the methods a rule answers on every path of the
	// route; on the paths the others leave, httpd answers OPTIONS itself
	// (RewriteRule \.json$ - [R=204] leaves a .txt file's preflight to
	// the core's 200).
	everywhere := map[string]bool{}
	for _, a := range answers {
		for _, m := range a.methods {
			answered[strings.ToUpper(m)] = true
			if everyPath(a.rule.pattern) {
				everywhere[strings.ToUpper(m)] = true
			}
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
	if denied == 403 && deniedToAll {
		// Require all denied: httpd refuses every method before any
		// handler (a <FilesMatch> guarding .env or .git), with the
		// always headers only.
		main.Status, main.Source, main.Upstream = 403, model.FromServer, nil
	}
	add(main)

	// RewriteRule answers, one per group of the rule's methods that the
	// same <If> branches on the method take (a rule answering every
	// method but GET and POST sends an <If> on OPTIONS's headers to the
	// preflight only; httpd 2.4.71).
	for _, a := range answers {
		for _, ms := range byMethodIfs(methodIfs, a.methods) {
			hs := base
			if !a.perDir {
				// Server-context rules answer before the directory walk:
				// only the server's statements, <Location>s and <If>s
				// reach the response (measured with httpd 2.4.71).
				hs = opsOf(srv, rt.locs)
			}
			hs = append(slices.Clip(hs), methodIfOps(methodIfs, ms)...)
			if a.within != nil && !containsIf(methodIfs, a.within) {
				hs = append(hs, a.within.ops...)
			}
			conds := ruleConditions(a.rule)
			if c := pathCondition(a.rule); c != nil && !a.perDir {
				conds = append(conds, c)
			}
			add(&model.Response{Route: rt.scope, Scope: rt.scope, Conds: conds, Methods: ms, Source: model.FromServer, Status: a.rule.status, Headers: hs, Span: a.rule.d.Span})
		}
	}
	// Proxying RewriteRules.
	for _, r := range srv.rules {
		if !r.proxy || !mayMatch(r.pattern, rt.url) {
			continue
		}
		hs := append(opsOf(srv, rt.locs), methodIfOps(methodIfs, r.methods)...)
		up := &model.Upstream{Target: r.subst, Scope: rt.scope, Span: r.d.Span}
		resp := &model.Response{Route: rt.scope, Scope: rt.scope, Conds: ruleConditions(r), Methods: r.methods, Source: model.FromUpstream, Headers: hs, Upstream: up, Span: r.d.Span}
		up.Hidden = hidden(hs)
		add(resp)
	}
	// <If> branches on the method.
	for _, it := range methodIfs {
		ms := it.s.cond.Methods
		left := []string{}
		// A rule that answers a method on some paths only (RewriteRule
		// \.json$ - [R=204]) leaves the branch the others: a proxied
		// route's OPTIONS there goes upstream with the branch's headers.
		for _, m := range ms {
			if !everywhere[strings.ToUpper(m)] {
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
	if rt.source == model.FromHandler && denied == 0 && !everywhere["OPTIONS"] && !coveredByIf(methodIfs, "OPTIONS") && preflightIntent(base, variants) {
		add(&model.Response{Route: rt.scope, Scope: rt.scope, Methods: []string{"OPTIONS"}, Source: model.FromHandler, Status: 200, Headers: base, Span: rt.at})
	}
	// Variants for the other <If> branches. A branch that also tests the
	// method (an Origin check && OPTIONS) only joins responses for those
	// methods.
	n := len(out)
	// the methods a response of their own answers (a RewriteRule, a
	// method branch, httpd's own OPTIONS answer)
	taken := map[string]bool{}
	for _, r := range out {
		for _, m := range r.Methods {
			taken[strings.ToUpper(m)] = true
		}
	}
	for _, it := range variants {
		ms := it.s.cond.Methods
		for _, r := range out[:n] {
			narrowed := false
			if ms != nil && !subset(r.Methods, ms) {
				// A response for every method joins for the branch's
				// methods only (an <ElseIf> after an <If> on OPTIONS
				// takes the other methods).
				if r.Methods != nil {
					continue
				}
				narrowed = true
			}
			v := *r
			if narrowed {
				v.Methods = nil
				for _, m := range ms {
					if !taken[strings.ToUpper(m)] {
						v.Methods = append(v.Methods, m)
					}
				}
				if len(v.Methods) == 0 {
					continue
				}
			}
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

// everyPath reports whether a RewriteRule pattern matches every path, in
// server context (a leading slash) and in a directory's (none).
func everyPath(pattern string) bool {
	if strings.HasPrefix(pattern, "!") {
		return false
	}
	for _, p := range []string{"/", "/corslint-any/x.txt", "corslint-any/x.txt", ""} {
		if !regexMatch(pattern, p) {
			return false
		}
	}
	return true
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
// byMethodIfs splits methods into groups, in order, whose methods the
// same <If> branches of its take: each group's answer carries the same
// branches' headers.
func byMethodIfs(its []ifItem, methods []string) [][]string {
	var out [][]string
	keys := map[string]int{}
	for _, m := range methods {
		var k strings.Builder
		for i, it := range its {
			if hasMethod(it.s.cond.Methods, m) {
				fmt.Fprintf(&k, "%d,", i)
			}
		}
		i, ok := keys[k.String()]
		if !ok {
			i = len(out)
			keys[k.String()] = i
			out = append(out, nil)
		}
		out[i] = append(out[i], m)
	}
	return out
}

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

// answeredMethods are the methods a RewriteRule answers for: those its
// conditions admit, or every one when they test no method and nothing
// the evaluator cannot decide (no conditions, or tests of the Origin
// only, which the response's conditions carry) and it takes every path
// (a directory's pattern is matched against the path inside the
// directory, which the route does not say).
func answeredMethods(r *rwRule, perDir bool) []string {
	if r.methods != nil || perDir && !everyPath(r.pattern) {
		return r.methods
	}
	for _, c := range r.conds {
		if c.t.origin == nil || c.or {
			return nil
		}
	}
	return standardMethods
}

// pathCondition is the test a server-context RewriteRule's pattern makes
// on the URL path, nil when it matches every path: the rule answers the
// other paths of its route not at all (a request there goes on to the
// handler).
func pathCondition(r *rwRule) *model.Condition {
	if everyPath(r.pattern) {
		return nil
	}
	pat, neg := strings.CutPrefix(r.pattern, "!")
	nc := false
	for _, f := range ruleFlags(r.d.Arg(2)) {
		nc = nc || strings.EqualFold(f, "NC") || strings.EqualFold(f, "nocase")
	}
	return &model.Condition{Text: r.pattern, URL: &model.PathMatch{Kind: model.PathRegex, Pattern: pat, CaseInsensitive: nc}, Negated: neg, Span: r.d.Span}
}

// ruleConditions turns a rewrite rule's conditions into model conditions.
func ruleConditions(r *rwRule) []*model.Condition {
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
