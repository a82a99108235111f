package model

import (
	"iter"
	"slices"
	"strings"
)

// Source says who produced a response.
type Source uint8

// Response sources.
const (
	// FromServer: the server generated the response itself: a return or
	// rewrite, its own error page, 405 to an unhandled OPTIONS, a synth.
	FromServer Source = iota
	// FromHandler: the server's own content handler (static files) answered
	// successfully.
	FromHandler
	// FromUpstream: the response was proxied from another server.
	FromUpstream
)

func (s Source) String() string {
	return [...]string{"server", "handler", "upstream"}[s]
}

// Response is one kind of response a route can produce, with the header
// statements that apply to it.
type Response struct {
	Route *Scope // the route a request matched (nginx location, Apache vhost or section)
	Scope *Scope // the innermost scope that produces the response
	// Server is the virtual server the response belongs to when Route is
	// shared by several (an Apache <Location> of the main configuration
	// applies in every <VirtualHost>); nil when Route's ancestors say it.
	Server *Scope
	Conds  []*Condition // conditions that must all hold to get here (if blocks)
	// Methods lists the request methods that get this response; nil means
	// any method not claimed by a sibling response.
	Methods []string
	Source  Source
	// Status is the fixed status when the configuration decides it
	// (return 204); 0 when it varies (upstream, static files).
	Status int
	// OptionsStatus is what an OPTIONS request gets here when the handler
	// answers it differently from other methods (nginx static files: 405);
	// 0 when OPTIONS is treated like any method or the answer is unknown.
	OptionsStatus int
	Headers       []*HeaderOp // statements that apply, in the order they run
	// ErrorPages lists the statuses for which another answer replaces
	// this one (nginx error_page, for proxied responses only with
	// proxy_intercept_errors on); the model does not follow them.
	ErrorPages []int
	// Denied lists the methods refused with 403 before anything else of
	// the route runs (nginx limit_except with deny all).
	Denied []string
	// Direct marks a fixed status sent as it is, which no error page
	// replaces (nginx return below 400, or with a text).
	Direct   bool
	Upstream *Upstream
	// Uncached marks an upstream response that a cache on the path never
	// serves from storage (Varnish return (pass) or return (pipe)).
	Uncached bool
	Span     Span // the statement that produces the response, or the route
	// Why explains, for messages, why the configuration produces this
	// response when that is not evident from Span (an authorizer that
	// rejects preflights) and what to change; empty otherwise.
	Why string

	// Hashed lists the methods whose every way to this response went
	// through the configuration's own return (hash) in vcl_recv, and
	// HashedSome those for which only some did: a cache looks the former
	// up whatever their headers. Without one, only the built-in vcl_recv
	// hashes, GET and HEAD without Authorization or Cookie.
	Hashed, HashedSome []string
}

// ForMethod reports whether a request with method m gets this response.
func (r *Response) ForMethod(m string) bool {
	if r.Methods == nil {
		return true
	}
	for _, x := range r.Methods {
		if strings.EqualFold(x, m) {
			return true
		}
	}
	return false
}

// IsPreflightAnswer reports whether this response is dedicated to OPTIONS
// requests.
func (r *Response) IsPreflightAnswer() bool {
	return len(r.Methods) > 0 && r.ForMethod("OPTIONS")
}

// VirtualServer is the virtual server r belongs to: Server when set,
// else the nearest server among its route's ancestors; nil when none.
func (r *Response) VirtualServer() *Scope {
	if r.Server != nil {
		return r.Server
	}
	for s := r.Route; s != nil; s = s.Parent {
		if s.Role == RoleServer {
			return s
		}
	}
	return nil
}

// Ops returns the statements for header name (canonical) that apply.
func (r *Response) Ops(name string) []*HeaderOp {
	var out []*HeaderOp
	for _, h := range r.Headers {
		if h.Name == name {
			out = append(out, h)
		}
	}
	return out
}

// Instance is one header line on a response and the statement that put it
// there.
type Instance struct {
	Name  string
	Value Value
	Op    *HeaderOp
}

// Instances computes the header lines this response carries for a given
// status and source, applying each statement's delivery and each table in
// turn: Set replaces within its table, Add adds a line, Unset removes.
// Append and Merge extend an existing line of the same table.
func (r *Response) Instances(status int, from Source) []Instance {
	if len(r.Headers) <= smallResponse {
		var out []Instance
		r.fewInstances(status, from, func(in Instance) bool {
			if out == nil {
				out = make([]Instance, 0, len(r.Headers))
			}
			out = append(out, in)
			return true
		})
		return out
	}
	return r.indexedInstances(status, from)
}

// EachInstance yields the lines Instances lists, in its order, without
// building the list: the evaluator asks it for every answer it builds.
func (r *Response) EachInstance(status int, from Source) iter.Seq[Instance] {
	return func(yield func(Instance) bool) {
		if len(r.Headers) <= smallResponse {
			r.fewInstances(status, from, yield)
			return
		}
		for _, in := range r.indexedInstances(status, from) {
			if !yield(in) {
				return
			}
		}
	}
}

// indexedInstances is Instances for a response of many statements.
func (r *Response) indexedInstances(status int, from Source) []Instance {
	// Each table keeps its lines in order, with removed ones marked dead,
	// and the live lines of each name, so that a statement costs time in
	// proportion to the lines of its own name.
	type table struct {
		name   string
		lines  []Instance
		dead   []bool
		byName map[string][]int
	}
	var tables []*table
	byTable := map[string]*table{}
	get := func(n string) *table {
		if t, ok := byTable[n]; ok {
			return t
		}
		t := &table{name: n, byName: map[string][]int{}}
		tables = append(tables, t)
		byTable[n] = t
		return t
	}
	remove := func(t *table, name string) {
		for _, i := range t.byName[name] {
			t.dead[i] = true
		}
		delete(t.byName, name)
	}
	add := func(t *table, in Instance) {
		t.byName[in.Name] = append(t.byName[in.Name], len(t.lines))
		t.lines = append(t.lines, in)
		t.dead = append(t.dead, false)
	}
	for _, h := range r.Headers {
		if !h.Delivery.Reaches(status, from) {
			continue
		}
		t := get(h.Table)
		switch h.Op {
		case Add:
			add(t, Instance{h.Name, h.Value, h})
		case Set:
			remove(t, h.Name)
			add(t, Instance{h.Name, h.Value, h})
		case Append, Merge:
			if is := t.byName[h.Name]; len(is) > 0 {
				for _, i := range is {
					if h.Concat != "" {
						t.lines[i].Value = concatValues(t.lines[i].Value, h.Concat, h.Value)
					} else {
						t.lines[i].Value = joinValues(t.lines[i].Value, h.Value)
					}
				}
			} else {
				v := h.Value
				if h.Concat != "" {
					v = concatValues(Value{Kind: Empty}, h.Concat, h.Value)
				}
				add(t, Instance{h.Name, v, h})
			}
		case Unset:
			remove(t, h.Name)
		case SetIfEmpty:
			if len(t.byName[h.Name]) == 0 {
				add(t, Instance{h.Name, h.Value, h})
			}
		}
	}
	var out []Instance
	for _, t := range tables {
		for i, l := range t.lines {
			if t.dead[i] || l.Value.Kind == Empty && !l.Value.SentEmpty {
				continue
			}
			out = append(out, l)
		}
	}
	return out
}

// smallResponse is the number of statements up to which Instances
// searches the lines it keeps one by one instead of indexing them by
// table and name: most responses have a handful of statements, and a
// response is asked about once per request the evaluator answers.
const smallResponse = 24

// instanceLine is a line of fewInstances: its table, and whether a later
// statement removed it.
type instanceLine struct {
	table string
	in    Instance
	dead  bool
}

// fewInstances yields the lines of Instances for a response of few
// statements, with the same result.
func (r *Response) fewInstances(status int, from Source, yield func(Instance) bool) {
	var buf [8]instanceLine // most responses have fewer lines
	lines := buf[:0]
	// the tables in the order statements first reach them, as Instances
	// orders its output
	var tbuf [4]string
	tables := tbuf[:0]
	for _, h := range r.Headers {
		if !h.Delivery.Reaches(status, from) {
			continue
		}
		if !slices.Contains(tables, h.Table) {
			tables = append(tables, h.Table)
		}
		found := false
		for i := range lines {
			l := &lines[i]
			if l.dead || l.table != h.Table || l.in.Name != h.Name {
				continue
			}
			found = true
			switch h.Op {
			case Set, Unset:
				l.dead = true
			case Append, Merge:
				if h.Concat != "" {
					l.in.Value = concatValues(l.in.Value, h.Concat, h.Value)
				} else {
					l.in.Value = joinValues(l.in.Value, h.Value)
				}
			}
		}
		switch h.Op {
		case Add, Set:
			lines = append(lines, instanceLine{h.Table, Instance{h.Name, h.Value, h}, false})
		case Append, Merge:
			if !found {
				v := h.Value
				if h.Concat != "" {
					v = concatValues(Value{Kind: Empty}, h.Concat, h.Value)
				}
				lines = append(lines, instanceLine{h.Table, Instance{h.Name, v, h}, false})
			}
		case SetIfEmpty:
			if !found {
				lines = append(lines, instanceLine{h.Table, Instance{h.Name, h.Value, h}, false})
			}
		}
	}
	for _, t := range tables {
		for _, l := range lines {
			if l.table == t && !l.dead && (l.in.Value.Kind != Empty || l.in.Value.SentEmpty) && !yield(l.in) {
				return
			}
		}
	}
}

// joinValues is the value of a header line after an append: literals
// concatenate with ", "; anything else becomes Unknown, keeping the text.
func joinValues(a, b Value) Value {
	if a.Kind == Empty {
		return b
	}
	raw := a.Raw + ", " + b.Raw
	if (a.Kind == Literal || a.Kind == Wildcard || a.Kind == Null) &&
		(b.Kind == Literal || b.Kind == Wildcard || b.Kind == Null) {
		v := LiteralValue(a.Text+", "+b.Text, a.Span)
		v.Kind = Literal
		return v
	}
	return Value{Kind: Unknown, Raw: raw, Span: a.Span}
}

// concatValues is a string concatenation a + sep + b: literals join as
// written, an empty a included.
func concatValues(a Value, sep string, b Value) Value {
	if (a.Kind == Empty || a.Kind == Literal || a.Kind == Wildcard || a.Kind == Null) && b.Kind == Literal {
		v := LiteralValue(a.Text+sep+b.Text, b.Span)
		v.Kind = Literal
		return v
	}
	return Value{Kind: Unknown, Raw: a.Raw + sep + b.Raw, Span: a.Span}
}
