package vcl

import (
	"bytes"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"github.com/corslint/corslint/dialect"
	"github.com/corslint/corslint/model"
)

// Fastly's VCL derives from Varnish 2.1 and has no `vcl 4.x;` line. A file
// without one is read as Fastly's when it shows something only Fastly has:
// a `#FASTLY recv` macro, statements outside any sub (a snippet), a table,
// `declare local`, a header subfield (req.http.Cookie:id), Fastly's own
// variables and functions (fastly.*, var.*, table.*, header.*,
// querystring.*), `set req.hash +=` or return (deliver_stale). Varnish 3
// files, which share the rest of the syntax, stay checked statement by
// statement.

// fastlyPrefixes are names only Fastly's VCL knows.
var fastlyPrefixes = []string{"fastly.", "fastly_info.", "var.", "table.", "header.", "querystring.", "client.geo.", "digest.", "uuid.", "beresp.stale_", "req.enable_segmented_caching"}

// isFastly reports whether a parsed file that is not strict VCL 4 reads
// like Fastly's.
func isFastly(cfg *Config, toks []token) bool {
	for _, c := range cfg.Comments {
		if fastlyMacro(c.Text) != "" {
			return true
		}
	}
	for _, d := range cfg.Decls {
		switch x := d.(type) {
		case *Sub:
			if x.Snippet {
				return true
			}
		case *Table:
			return true
		case *Other:
			if x.Keyword == "pragma" || x.Keyword == "ratecounter" || x.Keyword == "penaltybox" {
				return true
			}
		}
	}
	for i, t := range toks {
		if t.kind != tID {
			continue
		}
		lower := strings.ToLower(t.text)
		switch {
		case lower == "declare" && i+1 < len(toks) && toks[i+1].is(tID, "local"),
			lower == "deliver_stale",
			lower == "req.hash" && i+1 < len(toks) && toks[i+1].is(tPunct, "+="),
			strings.Contains(lower, ".http.") && strings.Contains(lower, ":"):
			return true
		}
		for _, p := range fastlyPrefixes {
			if strings.HasPrefix(lower, p) {
				return true
			}
		}
	}
	return false
}

// fastlyMacro returns the subroutine a `#FASTLY recv` macro comment names
// ("recv"), or "". Fastly's generated VCL writes them `#--FASTLY RECV BEGIN`.
func fastlyMacro(comment string) string {
	s := strings.TrimSpace(comment)
	s = strings.TrimPrefix(s, "--")
	rest, ok := strings.CutPrefix(s, "FASTLY ")
	if !ok {
		return ""
	}
	f := strings.Fields(rest)
	if len(f) == 0 {
		return ""
	}
	name := strings.ToLower(f[0])
	if fastlySubs[name] {
		return name
	}
	return ""
}

// fastlySubs are the subroutines Fastly runs, without their vcl_ prefix.
var fastlySubs = map[string]bool{"recv": true, "hash": true, "hit": true, "miss": true, "pass": true, "fetch": true, "error": true, "deliver": true, "log": true}

// snippetSub decides which subroutine a snippet belongs in. Fastly knows
// it from the snippet's declared type, which lives outside the file (in
// Terraform or the API): the file's name says it when it holds a
// subroutine's name as a word (recv_fixups.vcl), else the variables the
// snippet writes do (resp: deliver, beresp: fetch, obj: error, bereq:
// miss), else it is read as recv.
func snippetSub(path string, body *Block) string {
	base := dialect.BaseName(path)
	base = strings.TrimSuffix(base, filepath.Ext(base))
	for _, w := range strings.FieldsFunc(base, func(r rune) bool { return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9') }) {
		if fastlySubs[w] {
			return "vcl_" + w
		}
	}
	written := map[string]bool{}
	walkStmts(body.Stmts, func(s Stmt) {
		var target *Ident
		switch x := s.(type) {
		case *Set:
			target = x.Target
		case *Unset:
			target = x.Target
		case *Return:
			if x.Action == "deliver_stale" || x.Action == "fetch" {
				written["bereq"] = true
			}
		}
		if target != nil {
			obj, _, _ := strings.Cut(strings.ToLower(target.Name), ".")
			written[obj] = true
		}
	})
	for _, c := range []struct{ obj, sub string }{{"resp", "vcl_deliver"}, {"beresp", "vcl_fetch"}, {"obj", "vcl_error"}, {"bereq", "vcl_miss"}} {
		if written[c.obj] {
			return c.sub
		}
	}
	return "vcl_recv"
}

// walkStmts calls fn for every statement, nested ones included.
func walkStmts(ss []Stmt, fn func(Stmt)) {
	for _, s := range ss {
		fn(s)
		switch x := s.(type) {
		case *Block:
			walkStmts(x.Stmts, fn)
		case *If:
			for _, br := range x.Branches {
				walkStmts(br.Body.Stmts, fn)
			}
			if x.Else != nil {
				walkStmts(x.Else.Stmts, fn)
			}
		}
	}
}

// IsFastly reports whether src, the text of path, is Fastly VCL that
// parses without a syntax error: a service's custom VCL or a snippet.
// Includes are not read. File detection can call it for names that do
// not say VCL.
func IsFastly(path string, src []byte) bool {
	if !mentionsVariables(src) {
		return false // most files of other formats, without parsing them
	}
	c := Parse(path, src, Options{FS: noFiles()})
	if !c.Fastly {
		return false
	}
	for _, d := range c.Diagnostics {
		if d.RuleID == "CORS001" {
			return false
		}
	}
	return true
}

// subfield splits a header variable with Fastly's subfield accessor,
// resp.http.Vary:Origin, into the variable and the key.
func subfield(name string) (variable, key string) {
	if i := strings.IndexByte(name, ':'); i > 0 && strings.Contains(strings.ToLower(name[:i]), ".http.") {
		return name[:i], name[i+1:]
	}
	return name, ""
}

// subfieldToken is the list entry a subfield assignment writes: the key
// for an empty value, key=value otherwise.
func subfieldToken(key string, value Expr) Expr {
	s, ok := value.(*String)
	if !ok {
		return &Concat{Parts: []Expr{&String{Value: key + "=", Span: value.Pos()}, value}, Span: value.Pos()}
	}
	text := key
	if s.Value != "" {
		text += "=" + s.Value
	}
	return &String{Value: text, Raw: `"` + text + `"`, Span: s.Span}
}

// fastlyRecv follows one method through Fastly's flow: vcl_recv, then
// vcl_hash and vcl_miss or vcl_pass before the fetch, or vcl_error for
// an error statement. A restart or a WebSocket upgrade ends the path.
func (f *flow) fastlyRecv(method string) {
	for _, e := range f.method("vcl_recv", &path{method: method}) {
		switch e.action {
		case "error":
			f.fastlyError(e.p, e.ret)
		case "", "lookup", "hash", "pass":
			cacheable := e.action != "pass"
			for _, h := range f.method("vcl_hash", e.p) {
				f.fastlyMissOrPass(h.p, cacheable)
			}
		}
	}
}

// fastlyMissOrPass runs vcl_miss (a cacheable request that was not in the
// cache) or vcl_pass before the backend is asked.
func (f *flow) fastlyMissOrPass(p *path, cacheable bool) {
	name := "vcl_pass"
	if cacheable {
		name = "vcl_miss"
	}
	for _, e := range f.method(name, p) {
		switch e.action {
		case "error":
			f.fastlyError(e.p, e.ret)
		case "pass":
			f.backend(e.p, false)
		case "", "fetch", "deliver_stale":
			f.backend(e.p, cacheable)
		}
	}
}

// fastlyError follows an error statement: the response so far is dropped,
// vcl_error builds obj from the statement's status (503 when it has
// none), and vcl_deliver then runs on it as on any other response.
func (f *flow) fastlyError(p *path, ret *Return) {
	if ret == nil || ret.Span.File == builtinPath {
		return
	}
	sp := p.clone()
	sp.ops = nil
	sp.status = statusOf(ret)
	if len(ret.Args) == 0 {
		sp.status = 503
	}
	for _, e := range f.method("vcl_error", sp) {
		if e.action != "" && e.action != "deliver" {
			continue // restart
		}
		for _, d := range f.method("vcl_deliver", e.p) {
			if d.action == "" || d.action == "deliver" {
				q := d.p.clone()
				if d.p.status/100 == 2 {
					// Allow-Origin stored in vcl_fetch is kept, as not
					// reaching this answer, so rules can say a synthetic
					// success (a preflight answer) lacks it. Redirects and
					// errors are left alone, as Varnish's are for beresp.
					q.ops = append(missing(f.fetched(), q.ops), q.ops...)
				}
				f.outcomes = append(f.outcomes, outcome{kind: fromSynth, status: d.p.status, ret: ret, p: q})
			}
		}
	}
}

// setStatus reads `set obj.status = 204;` (vcl_error) and `set
// resp.status = 204;` (vcl_deliver), which change a synthetic answer's
// status.
func (f *flow) setStatus(x *Set, p *path) (*path, bool) {
	name := strings.ToLower(x.Target.Name)
	if x.Op != "=" || name != "obj.status" && name != "resp.status" {
		return nil, false
	}
	q := p.clone()
	q.status = 0
	if n, ok := x.Value.(*Number); ok {
		if v, err := strconv.Atoi(n.Text); err == nil {
			q.status = v
		}
	}
	return q, true
}

// fetched lists the statements of vcl_fetch that set a response header,
// in source order.
func (f *flow) fetched() []*model.HeaderOp {
	var out []*model.HeaderOp
	for _, op := range f.l.file.Headers {
		if op.Stored && op.Op != model.Unset {
			out = append(out, op)
		}
	}
	return out
}

// tableKey names the allowlist one table call registers: the call, and
// the value a comparison requires of the entry ("" for any).
type tableKey struct {
	call  *CallExpr
	value string
}

// tableMatcher returns the allowlist that table.contains(t, origin) or
// table.lookup(t, origin) tests, or nil when the call is no such test.
// With want set, only entries whose value is *want are allowed
// (table.lookup(t, origin) == "true"); otherwise every entry with a
// value other than "" or false is.
func (l *lowerer) tableMatcher(c *CallExpr, want *string) *model.Matcher {
	tb, ci := l.originTable(c)
	if tb == nil {
		return l.affixMatcher(c)
	}
	k := tableKey{call: c}
	if want != nil {
		k.value = "=" + *want
	}
	if m, ok := l.tableMatchers[k]; ok {
		return m
	}
	m := &model.Matcher{Kind: model.MatchExact, Pattern: "table " + tb.Name, CaseInsensitive: ci, Span: tb.Span, Raw: "table " + tb.Name}
	lookup := strings.EqualFold(c.Fn.Name, "table.lookup")
	for _, e := range tb.Entries {
		if lookup && !tableValueAllows(e.Value, want) {
			continue
		}
		m.Exact = append(m.Exact, e.Key.Value)
		if isTemplated(e.Key.Value) {
			m.Dynamic = true
		}
	}
	if l.tableMatchers == nil {
		l.tableMatchers = map[tableKey]*model.Matcher{}
	}
	l.tableMatchers[k] = m
	l.file.Matchers = append(l.file.Matchers, m)
	return m
}

// affixMatcher returns the allowlist that Fastly's std.prefixof(origin,
// "https://") or std.suffixof(origin, ".example.com") tests, as the
// anchored regular expression it equals, or nil.
func (l *lowerer) affixMatcher(c *CallExpr) *model.Matcher {
	fn := strings.ToLower(c.Fn.Name)
	if c.Recv != nil || fn != "std.prefixof" && fn != "std.suffixof" || len(c.Args) != 2 {
		return nil
	}
	lit, isStr := c.Args[1].(*String)
	ok, ci := l.originSubject(c.Args[0])
	if !isStr || !ok {
		return nil
	}
	if fn == "std.prefixof" && schemeOnly(lit.Value) {
		// std.prefixof(origin, "https://") checks the scheme beside an
		// allowlist (a suffix); on its own it admits every host
		return nil
	}
	k := tableKey{call: c}
	if m, seen := l.tableMatchers[k]; seen {
		return m
	}
	pattern := "^" + regexp.QuoteMeta(lit.Value)
	if fn == "std.suffixof" {
		pattern = regexp.QuoteMeta(lit.Value) + "$"
	}
	m := &model.Matcher{Kind: model.MatchRegex, Pattern: pattern, CaseInsensitive: ci, Span: c.Span, Raw: exprText(c), Dynamic: isTemplated(lit.Value)}
	if l.tableMatchers == nil {
		l.tableMatchers = map[tableKey]*model.Matcher{}
	}
	l.tableMatchers[k] = m
	l.file.Matchers = append(l.file.Matchers, m)
	return m
}

// schemeMatcher returns the test of std.prefixof(origin, "https://"): a
// guard the origin passes where the call holds, but no allowlist of its
// own, so it is not among the file's matchers that rules probe.
func (l *lowerer) schemeMatcher(c *CallExpr) *model.Matcher {
	if c.Recv != nil || !strings.EqualFold(c.Fn.Name, "std.prefixof") || len(c.Args) != 2 {
		return nil
	}
	lit, isStr := c.Args[1].(*String)
	ok, ci := l.originSubject(c.Args[0])
	if !isStr || !ok || !schemeOnly(lit.Value) {
		return nil
	}
	return &model.Matcher{Kind: model.MatchRegex, Pattern: "^" + regexp.QuoteMeta(lit.Value), CaseInsensitive: ci, Span: c.Span, Raw: exprText(c)}
}

// schemeOnly reports whether s is a scheme and "://", nothing more.
func schemeOnly(s string) bool {
	scheme, rest, ok := strings.Cut(s, "://")
	return ok && rest == "" && scheme != "" && strings.Trim(strings.ToLower(scheme), "abcdefghijklmnopqrstuvwxyz") == ""
}

// originTable returns the table that table.lookup(t, origin) or
// table.contains(t, origin) looks the request's Origin up in, or nil.
func (l *lowerer) originTable(c *CallExpr) (tb *Table, caseInsensitive bool) {
	fn := strings.ToLower(c.Fn.Name)
	if c.Recv != nil || fn != "table.lookup" && fn != "table.contains" || len(c.Args) < 2 {
		return nil, false
	}
	id, ok := c.Args[0].(*Ident)
	if !ok || l.tables[id.Name] == nil {
		return nil, false
	}
	if ok, ci := l.originSubject(c.Args[1]); ok {
		return l.tables[id.Name], ci
	}
	return nil, false
}

// tableValueAllows reports whether an entry's value passes the test made
// of the lookup: equal to want, or, with no want, not empty or false.
func tableValueAllows(v Expr, want *string) bool {
	text := exprText(v)
	if s, ok := v.(*String); ok {
		text = s.Value
	}
	if want != nil {
		return text == *want
	}
	return text != "" && !strings.EqualFold(text, "false")
}

// tableCompare returns the allowlist a comparison of a table lookup on
// the origin holds to when it evaluates to truth: table.lookup(t,
// origin) == "x" (true), != "x" (false), != "" (true).
func (l *lowerer) tableCompare(b *Binary, truth bool) *model.Matcher {
	c, isCall := b.L.(*CallExpr)
	s, isStr := b.R.(*String)
	if !isCall || !isStr {
		return nil
	}
	switch {
	case b.Op == "==" && truth, b.Op == "!=" && !truth:
		if s.Value == "" {
			return nil
		}
		return l.tableMatcher(c, &s.Value)
	case b.Op == "!=" && truth, b.Op == "==" && !truth:
		if s.Value == "" {
			return l.tableMatcher(c, nil)
		}
	}
	return nil
}

// fastlyHeaderCall reads Fastly's header.set(resp, "Name", value) and
// header.unset(resp, "Name") as the set and unset statements they equal,
// when the name is written as a string.
func fastlyHeaderCall(c *CallExpr) (target *Ident, value Expr, op model.Op, ok bool) {
	fn := strings.ToLower(c.Fn.Name)
	want := map[string]int{"header.set": 3, "header.unset": 2}[fn]
	if c.Recv != nil || want == 0 || len(c.Args) != want {
		return nil, nil, 0, false
	}
	where, isID := c.Args[0].(*Ident)
	name, isStr := c.Args[1].(*String)
	if !isID || !isStr || name.Value == "" {
		return nil, nil, 0, false
	}
	target = &Ident{Name: where.Name + ".http." + name.Value, Span: joinSpan(where.Span, name.Span)}
	if fn == "header.unset" {
		return target, nil, model.Unset, true
	}
	return target, c.Args[2], model.Set, true
}

// mentionsVariables reports whether src holds something every Fastly
// file has: a variable, a macro, a table or a Fastly subroutine.
func mentionsVariables(src []byte) bool {
	for _, v := range []string{"req.", "resp.", "obj.", "var.", "fastly", "FASTLY", "table", "sub vcl_"} {
		if bytes.Contains(src, []byte(v)) {
			return true
		}
	}
	return false
}
