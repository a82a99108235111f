package vcl

import (
	"fmt"
	"strings"

	"github.com/corslint/corslint/model"
)

// parser reads the spliced token stream of a file and its includes.
// Varnish stops at the first error; the parser reports it at the exact
// token and resumes at the next statement, so one typo does not hide the
// rest of the file.
type parser struct {
	toks     []token
	i        int
	strict   bool // a `vcl 4.x;` file: Fastly and Varnish 3 syntax are errors
	typed    bool // in a Fastly sub with a return type: return takes a value
	template bool // a template (.erb, .j2, ...): both branches of its conditionals are read
	maxDepth int
	blocks   int // block nesting
	depth    int // expression nesting
	diags    []model.Diagnostic
	tooDeep  bool
	// stmtStart is the index of the first token of the statement or
	// declaration being read; lexErrs are the lexer's errors.
	stmtStart int
	lexErrs   []model.Diagnostic
}

// lexErrorSince reports whether the lexer found an error between the
// tokens at index from and t.
func (p *parser) lexErrorSince(from int, t token) bool {
	if len(p.lexErrs) == 0 || from >= len(p.toks) {
		return false
	}
	a := p.toks[from]
	for _, d := range p.lexErrs {
		s := d.Span
		if s.File != t.src.path || s.File != a.src.path {
			continue
		}
		after := s.Line > int(a.line) || s.Line == int(a.line) && s.Col >= int(a.col)
		before := s.Line < int(t.line) || s.Line == int(t.line) && s.Col <= int(t.col)
		if after && before {
			return true
		}
	}
	return false
}

func (p *parser) peek() token { return p.toks[p.i] }

// peekNext returns the token after the next one.
func (p *parser) peekNext() token {
	if p.i+1 < len(p.toks) {
		return p.toks[p.i+1]
	}
	return p.toks[len(p.toks)-1]
}

func (p *parser) next() token {
	t := p.toks[p.i]
	if t.kind != tEOF {
		p.i++
	}
	return t
}

func (p *parser) prev() token {
	if p.i > 0 {
		return p.toks[p.i-1]
	}
	return p.toks[0]
}

func (p *parser) at(text string) bool { return p.peek().is(tPunct, text) }

func (p *parser) atID(name string) bool { return p.peek().is(tID, name) }

// errorf reports a syntax error at t. Only the first error of a statement
// is kept: the parser then skips to the statement's end. An error that
// follows a lexical one in the same statement (an unterminated string, a
// stray character) is its echo and is dropped.
func (p *parser) errorf(t token, format string, args ...any) {
	if p.lexErrorSince(p.stmtStart, t) || len(p.diags) > maxErrors {
		return
	}
	sp := t.span()
	if t.kind == tEOF {
		sp.EndLine, sp.EndCol = sp.Line, sp.Col
	}
	// a name the message quotes as written can hold bytes that are not
	// UTF-8 (set A."\x99"), which SARIF and terminals cannot carry
	msg := strings.ToValidUTF8(fmt.Sprintf(format, args...), "\uFFFD")
	p.diags = append(p.diags, model.Diagnostic{RuleID: "CORS001", Message: msg, Span: sp})
}

// describe names a token for messages.
func describe(t token) string {
	if t.kind == tEOF {
		return "end of file"
	}
	text := t.text
	if len(text) > 40 {
		text = text[:37] + "..."
	}
	return fmt.Sprintf("%q", text)
}

// errSyntax aborts the current statement; recover catches it.
type errSyntax struct{}

func (p *parser) fail(t token, format string, args ...any) {
	p.errorf(t, format, args...)
	panic(errSyntax{})
}

func (p *parser) expect(text string) token {
	t := p.peek()
	if !t.is(tPunct, text) {
		p.fail(t, "expected %q, found %s", text, describe(t))
	}
	return p.next()
}

func (p *parser) expectID(what string) token {
	t := p.peek()
	if t.kind != tID && t.kind != tTemplate {
		p.fail(t, "expected %s, found %s", what, describe(t))
	}
	return p.next()
}

func spanFrom(a, b token) model.Span {
	s := a.span()
	s.EndLine, s.EndCol = int(b.eLn), int(b.eCol)
	return s
}

func joinSpan(a, b model.Span) model.Span {
	a.EndLine, a.EndCol = b.EndLine, b.EndCol
	return a
}

// guard runs fn and turns a syntax error into recovery by skip.
func (p *parser) guard(fn func(), skip func()) {
	defer func() {
		if r := recover(); r != nil {
			if _, ok := r.(errSyntax); !ok {
				panic(r)
			}
			skip()
		}
	}()
	fn()
}

// file parses the top level. Outside strict VCL 4 files, statements
// written outside any subroutine are a Fastly snippet: each run of them
// becomes one Sub with Snippet set, named once the file is read.
func (p *parser) file() (decls []Decl, version *Version) {
	var snippet *Sub
	for p.peek().kind != tEOF {
		start := p.i
		p.stmtStart = start
		if !p.strict && p.atSnippetStmt() {
			if snippet == nil {
				t := p.peek()
				snippet = &Sub{Snippet: true, NameSpan: t.span(), Span: t.span(), Body: &Block{Span: t.span()}}
				decls = append(decls, snippet)
			}
			p.guard(func() {
				if st := p.stmt(); st != nil {
					snippet.Body.Stmts = append(snippet.Body.Stmts, st)
				}
			}, p.skipStmt)
			snippet.Body.Span = joinSpan(snippet.Body.Span, p.prev().span())
			if p.i == start {
				p.next()
			}
			continue
		}
		snippet = nil
		p.guard(func() {
			if d := p.decl(); d != nil {
				decls = append(decls, d)
				if v, ok := d.(*Version); ok && version == nil {
					version = v
				}
			}
		}, p.skipDecl)
		if p.i == start {
			p.next() // never loop on a token nothing consumes
		}
	}
	return decls, version
}

// snippetKeywords start the statements a Fastly snippet holds.
var snippetKeywords = map[string]bool{
	"set": true, "unset": true, "add": true, "remove": true, "return": true, "error": true, "call": true,
	"if": true, "synthetic": true, "synthetic.base64": true, "declare": true, "esi": true, "restart": true, "goto": true, "log": true,
}

// atSnippetStmt reports whether a statement starts here at the top level:
// a statement keyword, or a function called as one (std.collect(...)).
func (p *parser) atSnippetStmt() bool {
	t := p.peek()
	if t.kind != tID || topKeywords[t.text] || fastlyTop[t.text] || t.text == "include" {
		return false
	}
	return snippetKeywords[t.text] || p.peekNext().is(tPunct, "(")
}

var topKeywords = map[string]bool{"vcl": true, "import": true, "backend": true, "probe": true, "acl": true, "sub": true, "unused": true}

// fastlyTop are Fastly declarations corslint reads past.
var fastlyTop = map[string]bool{"table": true, "director": true, "ratecounter": true, "penaltybox": true, "pragma": true}

func (p *parser) decl() Decl {
	t := p.peek()
	if t.kind == tTemplate {
		p.next()
		return nil
	}
	if t.kind != tID {
		p.fail(t, "expected one of 'vcl', 'import', 'include', 'backend', 'probe', 'acl' or 'sub', found %s", describe(t))
	}
	switch t.text {
	case "vcl":
		return p.version()
	case "import":
		return p.importDecl()
	case "backend":
		return p.backend()
	case "probe":
		p.next()
		name := p.expectID("a probe name")
		fields := p.fields(0)
		return &Probe{Name: name.text, Fields: fields, Span: t.span()}
	case "acl":
		return p.acl()
	case "sub":
		return p.sub()
	case "unused":
		p.next()
		p.expectID("a name")
		p.expect(";")
		return nil
	case "include":
		p.next()
		p.fail(p.peek(), "include must be followed by a string and ';', found %s", describe(p.peek()))
	}
	if t.text == "table" && !p.strict {
		return p.table()
	}
	if fastlyTop[t.text] && !p.strict {
		p.next()
		p.skipDecl()
		return &Other{Keyword: t.text, Span: t.span()}
	}
	p.fail(t, "expected one of 'vcl', 'import', 'include', 'backend', 'probe', 'acl' or 'sub', found %s", describe(t))
	return nil
}

// skipDecl passes over the rest of a declaration: up to a ';' or a
// balanced block at the top level, stopping before the next keyword that
// starts a declaration on a new line.
func (p *parser) skipDecl() {
	depth := 0
	for {
		t := p.peek()
		switch {
		case t.kind == tEOF:
			return
		case t.is(tPunct, "{"):
			depth++
		case t.is(tPunct, "}"):
			depth--
			if depth <= 0 {
				p.next()
				return
			}
		case t.is(tPunct, ";") && depth == 0:
			p.next()
			return
		case depth == 0 && t.kind == tID && topKeywords[t.text] && p.i > 0 && p.prev().eLn < t.line:
			return
		}
		p.next()
	}
}

func (p *parser) version() Decl {
	kw := p.next()
	num := p.peek()
	if num.kind != tNum || len(num.text) != 3 || num.text[1] != '.' {
		p.fail(num, "expected a VCL version such as 4.1, found %s", describe(num))
	}
	p.next()
	if num.text != "4.0" && num.text != "4.1" {
		p.errorf(num, "VCL version %s is not supported (Varnish reads 4.0 and 4.1)", num.text)
	}
	end := p.expect(";")
	return &Version{Version: num.text, Span: spanFrom(kw, end)}
}

func (p *parser) importDecl() Decl {
	kw := p.next()
	name := p.expectID("a vmod name")
	d := &Import{Name: name.text}
	if p.atID("as") {
		p.next()
		p.expectID("an alias")
	}
	if p.atID("from") {
		p.next()
		s := p.peek()
		if s.kind != tString {
			p.fail(s, "expected a string after 'from', found %s", describe(s))
		}
		d.From = p.next().value()
	}
	end := p.expect(";")
	d.Span = spanFrom(kw, end)
	return d
}

func (p *parser) backend() Decl {
	kw := p.next()
	name := p.expectID("a backend name")
	b := &Backend{Name: name.text, Span: kw.span()}
	if t := p.peek(); t.kind == tID && strings.EqualFold(t.text, "none") {
		p.next()
		p.expect(";")
		b.None = true
		return b
	}
	b.Fields = p.fields(0)
	return b
}

// fields reads `{ .name = value; ... }` of a backend or probe. A probe
// may be inline: `.probe = { ... }`. An error in one field skips to the
// next.
func (p *parser) fields(depth int) []*Field {
	if depth > 8 {
		p.fail(p.peek(), "probe definitions nested too deeply")
	}
	open := p.expect("{")
	var out []*Field
	for !p.at("}") {
		t := p.peek()
		if t.kind == tEOF {
			p.fail(t, "unexpected end of file, expecting '}' (block opened at %d:%d)", open.line, open.col)
		}
		start := p.i
		p.stmtStart = start
		p.guard(func() {
			if f := p.field(depth, out); f != nil {
				out = append(out, f)
			}
		}, p.skipStmt)
		if p.i == start {
			p.next()
		}
	}
	p.next()
	return out
}

func (p *parser) field(depth int, prev []*Field) *Field {
	t := p.peek()
	if t.kind == tTemplate {
		p.next()
		return nil
	}
	if t.kind != tID || !strings.HasPrefix(t.text, ".") {
		// Rendered templates may leave both branches of a value, one
		// after the other: read the second as more of the same value.
		if p.template && len(prev) > 0 && (t.kind == tString || t.kind == tNum) {
			last := prev[len(prev)-1]
			for !p.at(";") {
				last.Value = append(last.Value, p.expr())
			}
			p.next()
			return nil
		}
		p.fail(t, "expected a field such as .host, found %s", describe(t))
	}
	p.next()
	f := &Field{Name: t.text}
	p.expect("=")
	if p.at("{") {
		f.Fields = p.fields(depth + 1)
		f.Span = spanFrom(t, p.prev())
		if p.at(";") {
			p.next()
		}
		return f
	}
	// A probe's .request is several strings in a row.
	f.Value = append(f.Value, p.expr())
	for p.peek().kind == tString || p.peek().kind == tTemplate {
		f.Value = append(f.Value, p.expr())
	}
	end := p.expect(";")
	f.Span = spanFrom(t, end)
	return f
}

// table reads Fastly's `table name [TYPE] { "key": value, ... }`; the
// comma after the last entry is optional.
func (p *parser) table() Decl {
	kw := p.next()
	name := p.expectID("a table name")
	tb := &Table{Name: name.text, Type: "STRING", Span: kw.span()}
	if t := p.peek(); t.kind == tID {
		tb.Type = p.next().text
	}
	p.expect("{")
	for !p.at("}") {
		t := p.peek()
		if t.kind == tEOF {
			p.fail(t, "unexpected end of file, expecting '}' to close table %s", name.text)
		}
		if t.kind == tTemplate {
			p.next()
			if p.at(",") {
				p.next()
			}
			continue
		}
		if t.kind != tString {
			p.fail(t, "expected a string key, found %s", describe(t))
		}
		p.next()
		key := &String{Value: t.value(), Raw: t.text, Span: t.span()}
		p.expect(":")
		v := p.expr()
		tb.Entries = append(tb.Entries, &TableEntry{Key: key, Value: v, Span: joinSpan(key.Span, v.Pos())})
		if !p.at(",") {
			break
		}
		p.next()
	}
	p.expect("}")
	return tb
}

func (p *parser) acl() Decl {
	kw := p.next()
	name := p.expectID("an acl name")
	a := &ACL{Name: name.text, Span: kw.span()}
	for p.at("+") || p.at("-") { // flags: +log, -pedantic, +table, +fold
		p.next()
		p.expectID("an acl flag")
	}
	p.expect("{")
	for !p.at("}") {
		t := p.peek()
		if t.kind == tEOF {
			p.fail(t, "unexpected end of file, expecting '}' to close acl %s", name.text)
		}
		if t.kind == tTemplate {
			p.next()
			if p.at(";") {
				p.next()
			}
			continue
		}
		e := &ACLEntry{}
		paren := p.at("(") // ( "name" ): a host name that may not resolve
		if paren {
			p.next()
		}
		if p.at("!") {
			p.next()
			e.Negated = true
		}
		s := p.peek()
		if s.kind != tString && s.kind != tTemplate {
			p.fail(s, "expected an address string, found %s", describe(s))
		}
		e.Addr = p.next().value()
		if p.at("/") {
			p.next()
			m := p.peek()
			if m.kind != tNum && m.kind != tTemplate {
				p.fail(m, "expected a mask length, found %s", describe(m))
			}
			e.Mask = p.next().text
		}
		if paren {
			p.expect(")")
		}
		end := p.expect(";")
		e.Span = spanFrom(t, end)
		a.Entries = append(a.Entries, e)
	}
	p.next()
	return a
}

func (p *parser) sub() Decl {
	kw := p.next()
	name := p.expectID("a subroutine name")
	s := &Sub{Name: name.text, NameSpan: name.span(), Span: kw.span()}
	if t := p.peek(); !p.strict && t.kind == tID {
		// Fastly's functions: sub is_allowed BOOL { return true; }
		s.Type = p.next().text
		p.typed = true
		defer func() { p.typed = false }()
	}
	s.Body = p.block()
	return s
}

// block reads '{' statements '}'.
func (p *parser) block() *Block {
	open := p.expect("{")
	p.blocks++
	defer func() { p.blocks-- }()
	if p.blocks > p.maxDepth {
		p.errorf(open, "blocks nested too deeply (limit %d)", p.maxDepth)
		p.tooDeep = true
		p.skipBalanced()
		return &Block{Span: spanFrom(open, p.prev())}
	}
	b := &Block{}
	for {
		t := p.peek()
		if t.is(tPunct, "}") {
			p.next()
			b.Span = spanFrom(open, t)
			return b
		}
		if t.kind == tEOF {
			p.errorf(t, "unexpected end of file, expecting '}' (block opened at %d:%d)", open.line, open.col)
			b.Span = spanFrom(open, t)
			return b
		}
		start := p.i
		p.stmtStart = start
		p.guard(func() {
			if st := p.stmt(); st != nil {
				b.Stmts = append(b.Stmts, st)
			}
		}, p.skipStmt)
		if p.i == start {
			p.next()
		}
	}
}

// skipBalanced passes over the rest of a block whose '{' was read.
func (p *parser) skipBalanced() {
	n := 1
	for {
		t := p.next()
		switch {
		case t.kind == tEOF:
			return
		case t.is(tPunct, "{"):
			n++
		case t.is(tPunct, "}"):
			if n--; n == 0 {
				return
			}
		}
	}
}

// skipStmt resumes after a syntax error: past the next ';' of this block,
// or before the '}' that closes it.
func (p *parser) skipStmt() {
	depth := 0
	for {
		t := p.peek()
		switch {
		case t.kind == tEOF:
			return
		case t.is(tPunct, "{"):
			depth++
		case t.is(tPunct, "}"):
			if depth == 0 {
				return
			}
			depth--
			if depth == 0 {
				p.next()
				return
			}
		case t.is(tPunct, ";") && depth == 0:
			p.next()
			return
		}
		p.next()
	}
}

// lenientStmts are Fastly and Varnish 3 statements read past outside
// strict VCL 4 files.
var lenientStmts = map[string]bool{"declare": true, "esi": true, "restart": true, "goto": true, "log": true, "purge": true, "synthetic.base64": true}

func (p *parser) stmt() Stmt {
	t := p.peek()
	switch t.kind {
	case tPunct:
		if t.text == "{" {
			return p.block()
		}
	case tTemplate:
		p.next()
		if p.at(";") {
			p.next()
		}
		return &Generic{Keyword: t.text, Span: t.span()}
	case tID:
		switch t.text {
		case "set":
			return p.set("=")
		case "add":
			if !p.strict {
				return p.set("add")
			}
		case "unset":
			return p.unset()
		case "remove":
			if !p.strict {
				return p.unset()
			}
		case "return":
			return p.returnStmt()
		case "error":
			if !p.strict {
				return p.errorStmt()
			}
		case "call":
			p.next()
			name := p.expectID("a subroutine name")
			if p.at("(") { // a subroutine from a vmod or an object: call obj.method();
				p.call(&Ident{Name: name.text, Span: name.span()})
			}
			end := p.expect(";")
			return &Call{Name: name.text, Span: spanFrom(t, end)}
		case "if":
			return p.ifStmt()
		case "new":
			p.next()
			name := p.expectID("an object name")
			p.expect("=")
			v := p.expr()
			end := p.expect(";")
			return &New{Name: name.text, Value: v, Span: spanFrom(t, end)}
		case "synthetic":
			if !p.strict && !p.peekNext().is(tPunct, "(") {
				return p.generic()
			}
		}
		if lenientStmts[t.text] && !p.strict {
			return p.generic()
		}
		if p.peekNext().is(tPunct, "(") {
			c := p.primary()
			call, ok := c.(*CallExpr)
			if !ok {
				p.fail(t, "expected an action, 'if', '{' or '}', found %s", describe(t))
			}
			end := p.expect(";")
			return &CallStmt{Call: call, Span: spanFrom(t, end)}
		}
		if !p.strict && p.peekNext().is(tPunct, ":") { // a Fastly label
			p.next()
			p.next()
			return nil
		}
	}
	p.fail(t, "expected an action, 'if', '{' or '}', found %s", describe(t))
	return nil
}

func (p *parser) target() *Ident {
	t := p.peek()
	if t.kind != tID && t.kind != tTemplate {
		p.fail(t, "expected a variable, found %s", describe(t))
	}
	p.next()
	return p.quotedTail(&Ident{Name: t.text, Span: t.span()})
}

// quotedTail reads a quoted last component: resp.http."X-Header" or
// resp.http.{"X"}, which Varnish allows for names that are not
// identifiers.
func (p *parser) quotedTail(id *Ident) *Ident {
	if dot, s := p.peek(), p.peekNext(); dot.is(tPunct, ".") && s.kind == tString &&
		dot.line == int32(id.Span.EndLine) && dot.col == int32(id.Span.EndCol) {
		p.next()
		p.next()
		id.Name += "." + s.value()
		id.Span.EndLine, id.Span.EndCol = int(s.eLn), int(s.eCol)
	}
	return id
}

func (p *parser) set(op string) Stmt {
	kw := p.next()
	s := &Set{Target: p.target(), Op: op}
	t := p.peek()
	switch {
	case t.kind == tPunct && (t.text == "=" || t.text == "+=" || t.text == "-=" || t.text == "*=" || t.text == "/=" ||
		!p.strict && fastlyAssignOps[t.text]):
		p.next()
		if op == "=" {
			s.Op = t.text
		}
	case op == "add" && t.is(tPunct, "="):
		p.next()
	default:
		p.fail(t, "expected '=' after %s, found %s", s.Target.Name, describe(t))
	}
	s.Value = p.expr()
	end := p.expect(";")
	s.Span = spanFrom(kw, end)
	return s
}

// fastlyAssignOps are the assignment operators Fastly has beyond
// Varnish's.
var fastlyAssignOps = map[string]bool{"%=": true, "|=": true, "&=": true, "^=": true, "<<=": true, ">>=": true, "&&=": true, "||=": true}

func (p *parser) unset() Stmt {
	kw := p.next()
	target := p.target()
	if star := p.peek(); !p.strict && star.is(tPunct, "*") && star.line == int32(target.Span.EndLine) && star.col == int32(target.Span.EndCol) {
		// Fastly's unset req.http.X-*: every header with the prefix
		p.next()
		target.Name += "*"
		target.Span.EndCol++
	}
	end := p.expect(";")
	return &Unset{Target: target, Span: spanFrom(kw, end)}
}

func (p *parser) returnStmt() Stmt {
	kw := p.next()
	r := &Return{}
	if p.at(";") {
		end := p.next()
		r.Span = spanFrom(kw, end)
		return r
	}
	if p.typed {
		// a Fastly function returns a value: return true; return (a + b);
		r.Action = "value"
		r.Args = []Expr{p.expr()}
		r.Span = spanFrom(kw, p.expect(";"))
		return r
	}
	p.expect("(")
	act := p.expectID("a return action")
	r.Action = act.text
	if p.at("(") {
		p.next()
		for !p.at(")") {
			r.Args = append(r.Args, p.expr())
			if !p.at(",") {
				break
			}
			p.next()
		}
		p.expect(")")
	}
	p.expect(")")
	end := p.expect(";")
	r.Span = spanFrom(kw, end)
	return r
}

// errorStmt reads Fastly's and Varnish 3's `error 404 "reason";`.
func (p *parser) errorStmt() Stmt {
	kw := p.next()
	r := &Return{Action: "error"}
	for !p.at(";") && p.peek().kind != tEOF && !p.at("}") {
		r.Args = append(r.Args, p.expr())
	}
	end := p.expect(";")
	r.Span = spanFrom(kw, end)
	return r
}

// generic reads past a statement up to its ';'.
func (p *parser) generic() Stmt {
	kw := p.next()
	g := &Generic{Keyword: kw.text}
	for !p.at(";") {
		t := p.peek()
		if t.kind == tEOF || t.is(tPunct, "}") || t.is(tPunct, "{") {
			p.fail(t, "expected ';' to end %s, found %s", kw.text, describe(t))
		}
		p.next()
	}
	end := p.next()
	g.Span = spanFrom(kw, end)
	return g
}

func (p *parser) ifStmt() Stmt {
	kw := p.next()
	st := &If{Span: kw.span()}
	st.Branches = append(st.Branches, p.branch("if", kw))
	for p.peek().kind == tID {
		t := p.peek()
		switch t.text {
		case "else":
			p.next()
			if p.at("{") {
				st.ElseSpan = t.span()
				st.Else = p.block()
				return st
			}
			if !p.atID("if") {
				p.fail(p.peek(), "'else' must be followed by 'if' or '{', found %s", describe(p.peek()))
			}
			p.next()
			st.Branches = append(st.Branches, p.branch("else if", t))
		case "elseif", "elsif", "elif":
			p.next()
			st.Branches = append(st.Branches, p.branch(t.text, t))
		default:
			return st
		}
	}
	return st
}

func (p *parser) branch(keyword string, kw token) *Branch {
	p.expect("(")
	cond := p.expr()
	p.expect(")")
	return &Branch{Keyword: keyword, Cond: cond, Body: p.block(), Span: kw.span()}
}

// Expressions, by rising precedence: || && ! comparisons + - * / % unary.

func (p *parser) expr() Expr {
	p.depth++
	defer func() { p.depth-- }()
	if p.depth > p.maxDepth {
		p.tooDeep = true
		p.fail(p.peek(), "expression nested too deeply (limit %d)", p.maxDepth)
	}
	return p.or()
}

func (p *parser) binary(ops []string, sub func() Expr) Expr {
	l := sub()
	for {
		t := p.peek()
		if t.kind != tPunct || !contains(ops, t.text) {
			return l
		}
		p.next()
		r := sub()
		l = &Binary{Op: t.text, L: l, R: r, Span: joinSpan(l.Pos(), r.Pos())}
	}
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

func (p *parser) or() Expr  { return p.binary([]string{"||"}, p.and) }
func (p *parser) and() Expr { return p.binary([]string{"&&"}, p.not) }

func (p *parser) not() Expr {
	if t := p.peek(); t.is(tPunct, "!") {
		p.next()
		p.depth++
		defer func() { p.depth-- }()
		if p.depth > p.maxDepth {
			p.tooDeep = true
			p.fail(t, "expression nested too deeply (limit %d)", p.maxDepth)
		}
		x := p.not()
		return &Unary{Op: "!", X: x, Span: joinSpan(t.span(), x.Pos())}
	}
	return p.cmp()
}

var cmpOps = []string{"==", "!=", "~", "!~", "<", ">", "<=", ">="}

func (p *parser) cmp() Expr {
	l := p.add()
	if t := p.peek(); t.kind == tPunct && contains(cmpOps, t.text) {
		p.next()
		r := p.add()
		return &Binary{Op: t.text, L: l, R: r, Span: joinSpan(l.Pos(), r.Pos())}
	}
	return l
}

func (p *parser) add() Expr {
	l := p.binary([]string{"+", "-"}, p.mul)
	if p.strict || !startsPrimary(p.peek()) {
		return l
	}
	// Fastly concatenates by juxtaposition: "a" req.url "b".
	c := &Concat{Parts: []Expr{l}}
	for startsPrimary(p.peek()) {
		c.Parts = append(c.Parts, p.binary([]string{"+", "-"}, p.mul))
	}
	c.Span = joinSpan(l.Pos(), c.Parts[len(c.Parts)-1].Pos())
	return c
}

func startsPrimary(t token) bool {
	return t.kind == tString || t.kind == tNum || t.kind == tTemplate || t.kind == tID && !strings.HasPrefix(t.text, ".")
}

func (p *parser) mul() Expr { return p.binary([]string{"*", "/", "%"}, p.unary) }

func (p *parser) unary() Expr {
	if t := p.peek(); t.is(tPunct, "-") || t.is(tPunct, "+") {
		p.next()
		x := p.primary()
		return &Unary{Op: t.text, X: x, Span: joinSpan(t.span(), x.Pos())}
	}
	return p.primary()
}

// units that may follow a number after a space.
var units = map[string]bool{"ms": true, "s": true, "m": true, "h": true, "d": true, "w": true, "y": true, "B": true, "KB": true, "MB": true, "GB": true, "TB": true}

func (p *parser) primary() Expr {
	t := p.peek()
	switch t.kind {
	case tString:
		p.next()
		return &String{Value: t.value(), Raw: t.text, Span: t.span()}
	case tNum:
		p.next()
		if n := p.peek(); n.kind == tID && units[n.text] && n.line == t.eLn {
			p.next()
			return &Number{Text: t.text + n.text, Span: spanFrom(t, n)}
		}
		return &Number{Text: t.text, Span: t.span()}
	case tTemplate:
		p.next()
		return &Template{Raw: t.text, Span: t.span()}
	case tID:
		if strings.HasPrefix(t.text, ".") {
			break
		}
		p.next()
		id := p.quotedTail(&Ident{Name: t.text, Span: t.span()})
		if !p.at("(") {
			return p.methods(id)
		}
		return p.methods(p.call(id))
	case tPunct:
		if t.text == "(" {
			p.next()
			x := p.expr()
			end := p.expect(")")
			return p.methods(withSpan(x, spanFrom(t, end)))
		}
	}
	p.fail(t, "expected an expression, found %s", describe(t))
	return nil
}

// methods reads method calls on a value: (req.url + "x").lower().upper().
func (p *parser) methods(x Expr) Expr {
	for {
		t := p.peek()
		if t.kind != tID || !strings.HasPrefix(t.text, ".") || !p.peekNext().is(tPunct, "(") {
			return x
		}
		p.next()
		c := p.call(&Ident{Name: t.text, Span: t.span()}).(*CallExpr)
		c.Recv = x
		c.Span = joinSpan(x.Pos(), c.Span)
		x = c
	}
}

// withSpan widens a parenthesised expression's span to its parentheses,
// so conditions report where they are written.
func withSpan(x Expr, sp model.Span) Expr {
	switch e := x.(type) {
	case *Binary:
		c := *e
		c.Span = sp
		return &c
	case *Unary:
		c := *e
		c.Span = sp
		return &c
	}
	return x
}

func (p *parser) call(fn *Ident) Expr {
	p.expect("(")
	c := &CallExpr{Fn: fn}
	for !p.at(")") {
		name := ""
		if t := p.peek(); t.kind == tID && p.peekNext().is(tPunct, "=") {
			name = t.text
			p.next()
			p.next()
		}
		c.Args = append(c.Args, p.expr())
		c.Names = append(c.Names, name)
		if !p.at(",") {
			break
		}
		p.next()
	}
	end := p.expect(")")
	c.Span = joinSpan(fn.Span, end.span())
	return c
}
