// Package vcl reads Varnish Configuration Language files (and the VCL
// inside varnishtest .vtc files) into a syntax tree with exact positions,
// comments and resolved includes, and lowers it into corslint's model. It
// is our own parser: no Go module parses Varnish VCL, and Fastly-oriented
// parsers reject Varnish's syntax.
package vcl

import "github.com/corslint/corslint/model"

// Node is anything with a position.
type Node interface{ Pos() model.Span }

// Decl is a top-level declaration.
type Decl interface {
	Node
	decl()
}

// Version is `vcl 4.1;`.
type Version struct {
	Version string
	Span    model.Span
}

// Import is `import std [from "path"];`.
type Import struct {
	Name, From string
	Span       model.Span
}

// Backend is `backend name { .host = ...; }` or `backend name none;`.
type Backend struct {
	Name   string
	None   bool
	Fields []*Field
	Span   model.Span // the keyword
}

// Probe is `probe name { .url = ...; }`.
type Probe struct {
	Name   string
	Fields []*Field
	Span   model.Span
}

// ACL is `acl name { "10.0.0.0"/8; ! "10.1.0.0"/16; }`.
type ACL struct {
	Name    string
	Entries []*ACLEntry
	Span    model.Span
}

// ACLEntry is one address of an acl.
type ACLEntry struct {
	Negated bool
	Addr    string
	Mask    string
	Span    model.Span
}

// Sub is `sub name { ... }`. Varnish concatenates several definitions of
// a vcl_* subroutine, the built-in one last.
type Sub struct {
	Name     string
	NameSpan model.Span
	Body     *Block
	Span     model.Span // the keyword
	Builtin  bool       // from Varnish's built-in VCL
	// Type is a Fastly function's return type (BOOL, STRING), or "".
	Type string
	// Snippet is true for Fastly statements written outside any sub,
	// which Fastly inserts into the subroutine Name.
	Snippet bool
}

// Other is a declaration corslint reads past: Fastly's table, director,
// ratecounter, penaltybox and pragma.
type Other struct {
	Keyword string
	Span    model.Span
}

// Table is Fastly's `table name [TYPE] { "key": value, ... }`, often an
// origin allowlist read with table.lookup or table.contains.
type Table struct {
	Name    string
	Type    string // STRING when not written
	Entries []*TableEntry
	Span    model.Span // the keyword
}

// TableEntry is one `"key": value` of a table.
type TableEntry struct {
	Key   *String
	Value Expr
	Span  model.Span
}

// Field is `.name = value;` in a backend or probe; an inline probe
// (`.probe = { ... }`) has Fields instead of Value.
type Field struct {
	Name   string // with the dot: ".host"
	Value  []Expr // a probe's .request is several strings
	Fields []*Field
	Span   model.Span
}

func (d *Version) decl() {}
func (d *Import) decl()  {}
func (d *Backend) decl() {}
func (d *Probe) decl()   {}
func (d *ACL) decl()     {}
func (d *Sub) decl()     {}
func (d *Other) decl()   {}
func (d *Table) decl()   {}

// Pos implements Node.
func (d *Version) Pos() model.Span  { return d.Span }
func (d *Import) Pos() model.Span   { return d.Span }
func (d *Backend) Pos() model.Span  { return d.Span }
func (d *Probe) Pos() model.Span    { return d.Span }
func (d *ACL) Pos() model.Span      { return d.Span }
func (d *Sub) Pos() model.Span      { return d.Span }
func (d *Other) Pos() model.Span    { return d.Span }
func (d *Table) Pos() model.Span    { return d.Span }
func (d *Field) Pos() model.Span    { return d.Span }
func (d *ACLEntry) Pos() model.Span { return d.Span }

// Stmt is a statement inside a subroutine.
type Stmt interface {
	Node
	stmt()
}

// Block is `{ ... }`: a subroutine body, a branch, or a nested compound.
type Block struct {
	Stmts []Stmt
	Span  model.Span // from '{' to after '}'
}

// Set is `set target = value;` (also +=, -=, *=, /=), and Fastly's
// `add target = value;` with Op "add".
type Set struct {
	Target *Ident
	Op     string
	Value  Expr
	Span   model.Span // the keyword to after ';'
}

// Unset is `unset target;` (Varnish 3's `remove` too).
type Unset struct {
	Target *Ident
	Span   model.Span
}

// Return is `return (action);`, `return (synth(204, "x"));` or a bare
// `return;`. Fastly's and Varnish 3's `error 404 "x";` is a Return with
// Action "error".
type Return struct {
	Action string
	Args   []Expr
	Span   model.Span
}

// Call is `call name;`.
type Call struct {
	Name string
	Span model.Span
}

// If is `if (...) {...} elseif (...) {...} else {...}`.
type If struct {
	Branches []*Branch
	Else     *Block
	ElseSpan model.Span
	Span     model.Span
}

// Branch is one condition of an If and what it guards.
type Branch struct {
	Keyword string // "if", "elseif", "elsif", "else if"
	Cond    Expr
	Body    *Block
	Span    model.Span // the keyword
}

// CallStmt is a function used as a statement: hash_data(...),
// synthetic(...), ban(...), std.log(...), header.append(...).
type CallStmt struct {
	Call *CallExpr
	Span model.Span
}

// New is `new name = vmod.object(...);` in vcl_init.
type New struct {
	Name  string
	Value Expr
	Span  model.Span
}

// Generic is a statement corslint reads past: Fastly's declare, esi,
// restart, goto and labels.
type Generic struct {
	Keyword string
	Span    model.Span
}

func (*Block) stmt()    {}
func (*Set) stmt()      {}
func (*Unset) stmt()    {}
func (*Return) stmt()   {}
func (*Call) stmt()     {}
func (*If) stmt()       {}
func (*CallStmt) stmt() {}
func (*New) stmt()      {}
func (*Generic) stmt()  {}

// Pos implements Node.
func (s *Block) Pos() model.Span    { return s.Span }
func (s *Set) Pos() model.Span      { return s.Span }
func (s *Unset) Pos() model.Span    { return s.Span }
func (s *Return) Pos() model.Span   { return s.Span }
func (s *Call) Pos() model.Span     { return s.Span }
func (s *If) Pos() model.Span       { return s.Span }
func (s *Branch) Pos() model.Span   { return s.Span }
func (s *CallStmt) Pos() model.Span { return s.Span }
func (s *New) Pos() model.Span      { return s.Span }
func (s *Generic) Pos() model.Span  { return s.Span }

// Expr is an expression.
type Expr interface {
	Node
	expr()
}

// Ident is a name as written: req.http.Origin, true, std.log.
type Ident struct {
	Name string
	Span model.Span
}

// String is a string literal; Value has no delimiters. VCL strings have
// no escapes.
type String struct {
	Value string
	Raw   string
	Span  model.Span
}

// Number is a number, with its unit when it has one (120s, 1.5, 10KB).
type Number struct {
	Text string
	Span model.Span
}

// CallExpr is fn(args) with optional named arguments (name = value), or
// a method called on a value, x.lower(), with Recv set.
type CallExpr struct {
	Recv  Expr
	Fn    *Ident
	Args  []Expr
	Names []string // parallel to Args: "" for a positional argument
	Span  model.Span
}

// Binary is l op r: || && == != ~ !~ < > <= >= + - * / %.
type Binary struct {
	Op   string
	L, R Expr
	Span model.Span
}

// Unary is !x or -x.
type Unary struct {
	Op   string
	X    Expr
	Span model.Span
}

// Template is a template tag where an expression stands (<%= x %>).
type Template struct {
	Raw  string
	Span model.Span
}

// Concat is Fastly's juxtaposition of strings: "a" req.url "b".
type Concat struct {
	Parts []Expr
	Span  model.Span
}

func (*Ident) expr()    {}
func (*String) expr()   {}
func (*Number) expr()   {}
func (*CallExpr) expr() {}
func (*Binary) expr()   {}
func (*Unary) expr()    {}
func (*Template) expr() {}
func (*Concat) expr()   {}

// Pos implements Node.
func (e *Ident) Pos() model.Span    { return e.Span }
func (e *String) Pos() model.Span   { return e.Span }
func (e *Number) Pos() model.Span   { return e.Span }
func (e *CallExpr) Pos() model.Span { return e.Span }
func (e *Binary) Pos() model.Span   { return e.Span }
func (e *Unary) Pos() model.Span    { return e.Span }
func (e *Template) Pos() model.Span { return e.Span }
func (e *Concat) Pos() model.Span   { return e.Span }

// Include records an include directive and the files it named.
type Include struct {
	Path  string
	Files []string
	Span  model.Span
}

// Config is a parsed VCL file with its includes spliced in.
type Config struct {
	Path    string
	Version *Version // the top file's declaration, nil when missing
	Decls   []Decl
	// Includes lists every include directive, in the order read.
	Includes []*Include
	// Embedded is true for VCL inside a varnishtest file, which
	// varnishtest completes with a version line and backends.
	Embedded bool
	// Fastly is true for Fastly's VCL: a service's custom VCL or a
	// snippet (see isFastly).
	Fastly bool
	// Comments holds every comment of every file read, without markers.
	Comments []model.Comment
	// Sources holds the text of every file read, by the path in spans.
	Sources map[string][]byte
	// Diagnostics: CORS001 for syntax errors, CORS003 for includes that
	// match nothing.
	Diagnostics []model.Diagnostic
}
