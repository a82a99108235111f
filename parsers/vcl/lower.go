package vcl

import (
	_ "embed"
	"path/filepath"
	"sort"
	"strings"

	"github.com/corslint/corslint/model"
)

//go:embed builtin.vcl
var builtinVCL string

//go:embed fastly_builtin.vcl
var fastlyBuiltinVCL string

// Lower turns a parsed configuration into the model, deciding Varnish's
// semantics once. Statically, every header statement becomes a HeaderOp:
// resp.http in vcl_deliver reaches every delivered response, in vcl_synth
// the synthetic ones; beresp.http is stored with the cached object.
// Conditions on req.http.Origin guard what they contain and register
// their patterns as allowlists. Then the request flow is followed for
// each method through vcl_recv, vcl_hash, vcl_backend_response,
// vcl_deliver and vcl_synth, falling through to Varnish's built-in VCL
// where a subroutine returns nothing, to find the responses and the cache.
func Lower(cfg *Config) *model.File {
	l := &lowerer{
		cfg: cfg,
		file: &model.File{
			Path: cfg.Path, Dialect: model.VCL, Sources: cfg.Sources,
			Comments: cfg.Comments, Diagnostics: cfg.Diagnostics,
		},
		subs:      map[string][]*Sub{},
		subScope:  map[*Sub]*model.Scope{},
		ops:       map[Stmt]*model.HeaderOp{},
		stmtScope: map[Stmt]*model.Scope{},
		conds:     map[condKey]*model.Condition{},
		facts:     map[condKey]condFacts{},
		matchers:  map[*Binary]*model.Matcher{},
		assigns:   map[string][]*assign{},
		resolving: map[string]bool{},
		flagging:  map[string]bool{},
	}
	if cfg.Fastly {
		l.file.Advice = fastlyAdvice{}
	}
	l.collect()
	l.static()
	// Only a complete VCL has a request flow: an include on its own, or
	// Varnish 3 VCL (no `vcl 4.x;`), is checked statement by statement.
	// Fastly's VCL, a whole service or a snippet, runs in Fastly's flow,
	// its default return states standing for what the file leaves out.
	if cfg.Version != nil || cfg.Embedded || cfg.Fastly {
		l.flow()
	}
	sort.SliceStable(l.file.Matchers, func(i, j int) bool { return l.file.Matchers[i].Span.Before(l.file.Matchers[j].Span) })
	return l.file
}

type lowerer struct {
	cfg  *Config
	file *model.File
	top  *model.Scope
	// route is vcl_recv's scope: every request is routed there.
	route *model.Scope

	subs      map[string][]*Sub // user definitions in order, then the built-in one
	subScope  map[*Sub]*model.Scope
	ops       map[Stmt]*model.HeaderOp // the static op of each header statement
	stmtScope map[Stmt]*model.Scope
	conds     map[condKey]*model.Condition
	// unhit holds the conditions without their obj.hits test (withoutHits).
	unhit    map[*model.Condition]*model.Condition
	condOf   map[*model.Condition]condKey // conds reversed, built when asked
	facts    map[condKey]condFacts
	matchers map[*Binary]*model.Matcher
	backends []*Backend
	// tables are Fastly's tables by name; tableMatchers the allowlists
	// that Fastly's calls on the origin register (table.lookup,
	// table.contains, std.suffixof, std.prefixof).
	tables        map[string]*Table
	tableMatchers map[tableKey]*model.Matcher
	upstream      *model.Upstream

	// assigns holds every assignment to a request header, by lower-case
	// name, for values and conditions that read it back.
	assigns   map[string][]*assign
	resolving map[string]bool
	flagging  map[string]bool

	// lines holds the offset of each line's start, by file, built on
	// first use: finding a line by scanning from the top of the file for
	// every statement is quadratic in long files.
	lines map[string]*model.Lines
}

// assign is one `set req.http.X = ...` or `unset req.http.X` with the
// branch conditions that enclose it.
type assign struct {
	set   *Set // nil for unset
	conds []condRef
}

// condRef is a branch condition as it holds inside the branch.
type condRef struct {
	e     Expr
	truth bool
}

// collect indexes subroutines (with the built-in VCL last), backends and
// request-header assignments.
func (l *lowerer) collect() {
	for _, d := range l.cfg.Decls {
		switch x := d.(type) {
		case *Sub:
			l.subs[x.Name] = append(l.subs[x.Name], x)
		case *Backend:
			l.backends = append(l.backends, x)
		case *Table:
			if l.tables == nil {
				l.tables = map[string]*Table{}
			}
			l.tables[x.Name] = x
		}
	}
	builtin := builtinVCL
	if l.cfg.Fastly {
		builtin = fastlyBuiltinVCL
	}
	b := Parse(builtinPath, []byte(builtin), Options{FS: noFiles()})
	for _, d := range b.Decls {
		if s, ok := d.(*Sub); ok {
			s.Builtin = true
			l.subs[s.Name] = append(l.subs[s.Name], s)
		}
	}
	for _, d := range l.cfg.Decls {
		if s, ok := d.(*Sub); ok {
			l.collectAssigns(s.Body.Stmts, nil)
		}
	}
}

func (l *lowerer) collectAssigns(ss []Stmt, conds []condRef) {
	for _, s := range ss {
		switch x := s.(type) {
		case *Set:
			if name, ok := reqHeader(x.Target.Name); ok && x.Op == "=" {
				l.assigns[name] = append(l.assigns[name], &assign{set: x, conds: conds})
			}
		case *Unset:
			if name, ok := reqHeader(x.Target.Name); ok {
				l.assigns[name] = append(l.assigns[name], &assign{conds: conds})
			}
		case *Block:
			l.collectAssigns(x.Stmts, conds)
		case *If:
			l.eachBranch(x, conds, func(body *Block, inner []condRef) { l.collectAssigns(body.Stmts, inner) })
		}
	}
}

// eachBranch calls fn for each branch of an if and its else, with the
// conditions that hold inside: earlier branches false, its own true.
func (l *lowerer) eachBranch(x *If, conds []condRef, fn func(body *Block, inner []condRef)) {
	outer := conds[:len(conds):len(conds)]
	for _, br := range x.Branches {
		fn(br.Body, append(outer, condRef{br.Cond, true}))
		outer = append(outer, condRef{br.Cond, false})
	}
	if x.Else != nil {
		fn(x.Else, outer)
	}
}

// reqHeader returns the lower-case name of a request header variable
// (req.http.X, bereq.http.X: the backend request starts as a copy).
func reqHeader(name string) (string, bool) {
	lower := strings.ToLower(name)
	for _, p := range []string{"req.http.", "bereq.http."} {
		if strings.HasPrefix(lower, p) && len(lower) > len(p) {
			return lower[len(p):], true
		}
	}
	return "", false
}

// respHeader returns the header a response variable names and whether it
// is the stored object's (beresp, obj in Fastly's vcl_error aside).
func respHeader(name string) (header string, stored, ok bool) {
	name, _ = subfield(name)
	if strings.HasSuffix(name, "*") {
		return "", false, false // Fastly's prefix unset is not modelled
	}
	lower := strings.ToLower(name)
	for _, p := range []string{"resp.http.", "beresp.http.", "obj.http."} {
		if strings.HasPrefix(lower, p) && len(lower) > len(p) {
			return model.CanonicalName(name[len(p):]), p == "beresp.http.", true
		}
	}
	return "", false, false
}

func isOriginName(name string) bool {
	h, ok := reqHeader(name)
	return ok && h == "origin"
}

// frame is where the static walk is: the subroutine, scope and enclosing
// branch conditions.
type frame struct {
	sub   *Sub
	scope *model.Scope
	when  *model.Condition
	conds []condRef
}

func (l *lowerer) static() {
	topSpan := model.Span{File: l.cfg.Path, Line: 1, Col: 1, EndLine: 1, EndCol: 1}
	switch {
	case l.cfg.Version != nil:
		topSpan = l.cfg.Version.Span
	case l.cfg.Embedded && len(l.cfg.Decls) > 0:
		topSpan = l.cfg.Decls[0].Pos() // the VCL starts inside the .vtc
	}
	l.top = &model.Scope{Kind: "vcl", Role: model.RoleFile, Label: filepath.Base(l.cfg.Path), Layer: model.Edge, Span: topSpan}
	l.file.Scopes = append(l.file.Scopes, l.top)
	for _, b := range l.backends {
		l.file.Upstreams = append(l.file.Upstreams, &model.Upstream{Target: b.Name, Scope: l.top, Span: b.Span, Hidden: map[string]model.Span{}})
	}
	if len(l.file.Upstreams) > 0 {
		l.upstream = l.file.Upstreams[0]
	}
	for _, d := range l.cfg.Decls {
		s, ok := d.(*Sub)
		if !ok {
			continue
		}
		sc := &model.Scope{Kind: "sub", Label: s.Name, Parent: l.top, Layer: model.Edge, Span: s.Span}
		l.subScope[s] = sc
		l.file.Scopes = append(l.file.Scopes, sc)
		if s.Name == "vcl_recv" && l.route == nil {
			l.route = sc
		}
		l.walk(s.Body.Stmts, frame{sub: s, scope: sc})
	}
	if l.route == nil {
		l.route = &model.Scope{Kind: "sub", Label: "vcl_recv (built-in)", Parent: l.top, Layer: model.Edge, Span: topSpan}
		l.file.Scopes = append(l.file.Scopes, l.route)
	}
}

// walk lowers the header statements of a block and registers the origin
// allowlists of its conditions.
func (l *lowerer) walk(ss []Stmt, f frame) {
	for _, s := range ss {
		l.stmtScope[s] = f.scope
		switch x := s.(type) {
		case *Block:
			l.walk(x.Stmts, f)
		case *If:
			l.walkIf(x, f)
		case *Set, *Unset, *CallStmt:
			if op := l.headerOp(s, f); op != nil {
				l.ops[s] = op
				f.scope.Own = append(f.scope.Own, op)
				f.scope.Effective = f.scope.Own
				l.file.Headers = append(l.file.Headers, op)
			}
		case *Return:
			// What follows a return in its block never runs; varnishd
			// 7.1 compiles it all the same, and a trim written there
			// must not change the statements before it
			// (varnish-01fc9396.json).
			return
		}
	}
}

func (l *lowerer) walkIf(x *If, f frame) {
	for _, br := range x.Branches {
		l.registerMatchers(br.Cond)
	}
	i := 0
	l.eachBranch(x, f.conds, func(body *Block, inner []condRef) {
		var c *model.Condition
		kind, label, at := "else", "", x.ElseSpan
		if i < len(x.Branches) {
			br := x.Branches[i]
			c = l.branchCond(br, true)
			kind, label, at = br.Keyword, "("+exprText(br.Cond)+")", br.Span
		} else {
			c = l.elseCond(x)
		}
		i++
		sc := &model.Scope{Kind: kind, Label: label, Role: model.RoleCondition, Parent: f.scope, Layer: model.Edge, When: c, Span: at}
		l.file.Scopes = append(l.file.Scopes, sc)
		l.walk(body.Stmts, frame{sub: f.sub, scope: sc, when: c, conds: inner})
	})
}

// headerOp lowers a statement that changes a response header, or returns
// nil.
func (l *lowerer) headerOp(s Stmt, f frame) *model.HeaderOp {
	var target *Ident
	var value Expr
	op := model.Set
	switch x := s.(type) {
	case *Set:
		target, value = x.Target, x.Value
		switch x.Op {
		case "+=":
			op = model.Append
		case "add":
			op = model.Add
		case "=":
		default:
			return nil
		}
	case *Unset:
		target, op = x.Target, model.Unset
	case *CallStmt:
		if l.cfg.Fastly {
			var ok bool
			if target, value, op, ok = fastlyHeaderCall(x.Call); !ok {
				return nil
			}
			break
		}
		// header.append(resp.http.X, "value") adds another header line.
		if !strings.EqualFold(x.Call.Fn.Name, "header.append") || len(x.Call.Args) != 2 {
			return nil
		}
		id, ok := x.Call.Args[0].(*Ident)
		if !ok {
			return nil
		}
		target, value, op = id, x.Call.Args[1], model.Add
	}
	name, stored, ok := respHeader(target.Name)
	if !ok {
		return nil
	}
	if op == model.Set && trimsSeparators(target, value) {
		l.trimSeparators(name, f.scope)
		return nil
	}
	if _, key := subfield(target.Name); key != "" {
		// set resp.http.Vary:Origin = "" adds the token Origin to the
		// list, once; = "x" adds Origin=x. Removing one token (unset) is
		// not modelled.
		if op != model.Set {
			return nil
		}
		op, value = model.Merge, subfieldToken(key, value)
	}
	h := &model.HeaderOp{
		// vcl_backend_error builds an error object that is not cached
		Name: name, Op: op, Stored: stored && f.sub.Name != "vcl_backend_error", When: f.when,
		Scope: f.scope, Layer: model.Edge, Span: s.Pos(), Raw: l.raw(s),
	}
	switch {
	case f.sub.Name == "vcl_deliver" && !l.cfg.Fastly:
		h.Delivery = model.Delivered
	case l.cfg.Fastly && h.Stored:
		// Fastly runs vcl_deliver for synthetic answers too, after
		// vcl_error; what vcl_fetch stores never reaches them, as an
		// error statement drops the backend's response.
		h.Delivery = model.Delivered
	}
	if value == nil {
		return h
	}
	guards := l.guardsOf(f.conds)
	concat := false
	if op == model.Set {
		if rest, ok := selfAppend(target, value); ok {
			// set resp.http.Vary = resp.http.Vary + ", Origin" extends it;
			// where the header may be absent, Varnish sends ", Origin"
			h.Op, value = model.Append, rest
			concat = !l.absentIn(target.Name, negated(f.conds))
		} else if l.absentIn(target.Name, f.conds) {
			// set only where the header is absent: the same as appending
			h.Op = model.Append
		}
	}
	h.Value = l.value(value, guards)
	if strings.HasPrefix(f.sub.Name, "vcl_backend_") && l.readsRemovedOrigin(value) {
		// Varnish then sends the header with an empty value
		// (varnish-02e6456d.json); a longer expression around it is
		// not followed.
		h.Value = model.Value{Kind: model.Unknown, Raw: l.raw(s) + " (bereq.http.Origin, which vcl_backend_fetch unsets: an empty header)", Span: value.Pos()}
		if id, ok := value.(*Ident); ok && isBereqOrigin(id) {
			h.Value = model.Value{Kind: model.Empty, SentEmpty: true, Raw: h.Value.Raw, Span: h.Value.Span}
		}
	}
	if h.Op == model.Append && h.Value.Kind == model.Literal {
		text := strings.TrimLeft(h.Value.Text, ", ")
		if concat {
			h.Concat = h.Value.Text[:len(h.Value.Text)-len(text)]
		}
		h.Value = model.Value{Kind: model.Literal, Raw: h.Value.Raw, Text: text, Span: h.Value.Span}
	}
	if l.originDependent(f.conds) {
		h.Value = wrapLiteral(h.Value, guards)
	}
	return h
}

// trimsSeparators reports whether value is regsub or regsuball of the
// target itself that only strips leading commas and blanks (the corpus's
// regsub(beresp.http.Vary, "^, *", "") after appending ", Origin").
func trimsSeparators(target *Ident, value Expr) bool {
	c, ok := value.(*CallExpr)
	if !ok || c.Recv != nil || len(c.Args) != 3 || !strings.EqualFold(c.Fn.Name, "regsub") && !strings.EqualFold(c.Fn.Name, "regsuball") {
		return false
	}
	id, ok := c.Args[0].(*Ident)
	re, isRE := c.Args[1].(*String)
	sub, isSub := c.Args[2].(*String)
	if !ok || !isRE || !isSub || sub.Value != "" || !strings.EqualFold(id.Name, target.Name) {
		return false
	}
	body, anchored := strings.CutPrefix(re.Value, "^")
	return anchored && body != "" && strings.Trim(body, ", *+") == ""
}

// trimSeparators applies such a trim to the statements before it in
// scope or the scopes inside it that extend the header: the ", " they
// send where the header was absent is stripped again.
func (l *lowerer) trimSeparators(name string, scope *model.Scope) {
	for _, op := range l.file.Headers {
		if op.Name != name || op.Op != model.Append || op.Concat == "" {
			continue
		}
		for s := op.Scope; s != nil; s = s.Parent {
			if s == scope {
				op.Concat = ""
				break
			}
		}
	}
}

// selfAppend reports whether value is target + rest, and returns rest.
func selfAppend(target *Ident, value Expr) (Expr, bool) {
	var parts []Expr
	var flatten func(e Expr)
	flatten = func(e Expr) {
		if b, ok := e.(*Binary); ok && b.Op == "+" {
			flatten(b.L)
			flatten(b.R)
			return
		}
		parts = append(parts, e)
	}
	flatten(value)
	if len(parts) < 2 {
		return nil, false
	}
	id, ok := parts[0].(*Ident)
	if !ok || !strings.EqualFold(id.Name, target.Name) {
		return nil, false
	}
	rest := parts[1]
	for _, p := range parts[2:] {
		rest = &Binary{Op: "+", L: rest, R: p, Span: joinSpan(rest.Pos(), p.Pos())}
	}
	return rest, true
}

// absentIn reports whether the conditions say the header target is not
// set: if (!resp.http.Vary) or the else of if (resp.http.Vary).
func (l *lowerer) absentIn(target string, conds []condRef) bool {
	for _, c := range conds {
		if absent(c.e, c.truth, target) {
			return true
		}
	}
	return false
}

// negated turns conditions into their opposites, so that absentIn on
// them says the header is present.
func negated(conds []condRef) []condRef {
	out := make([]condRef, len(conds))
	for i, c := range conds {
		out[i] = condRef{c.e, !c.truth}
	}
	return out
}

func absent(e Expr, truth bool, target string) bool {
	switch x := e.(type) {
	case *Ident:
		return !truth && strings.EqualFold(x.Name, target)
	case *Unary:
		return x.Op == "!" && absent(x.X, !truth, target)
	case *Binary:
		switch {
		case x.Op == "&&" && truth, x.Op == "||" && !truth:
			return absent(x.L, truth, target) || absent(x.R, truth, target)
		}
	}
	return false
}

// wrapLiteral makes a fixed value that a condition on the origin sets
// into one that depends on the origin: the value, or no header.
func wrapLiteral(v model.Value, guards []*model.Matcher) model.Value {
	switch v.Kind {
	case model.Literal, model.Wildcard, model.Null:
	default:
		return v
	}
	opt := v
	opt.Guards = guards
	return model.Value{
		Kind: model.Variable, Raw: v.Raw, Span: v.Span,
		Options: []model.Value{{Kind: model.Empty, Span: v.Span}, opt},
	}
}

// raw returns the statement as written when it is on one line.
func (l *lowerer) raw(s Stmt) string {
	sp := s.Pos()
	if src := l.cfg.Sources[sp.File]; src != nil && sp.Line == sp.EndLine {
		if start := l.lineStart(sp.File, src, sp.Line); start >= 0 {
			from, to := start+sp.Col-1, start+sp.EndCol-1
			if from >= 0 && to <= len(src) && from < to {
				return string(src[from:to])
			}
		}
	}
	return stmtText(s)
}

// lineStart returns the offset at which line (from 1) of src, the text
// of file, starts, or -1 if it has fewer lines.
func (l *lowerer) lineStart(file string, src []byte, line int) int {
	idx, ok := l.lines[file]
	if !ok {
		idx = model.NewLines(src)
		if l.lines == nil {
			l.lines = map[string]*model.Lines{}
		}
		l.lines[file] = idx
	}
	if line < 1 {
		return 0
	}
	return idx.Start(line)
}
