package model

import (
	"iter"
	"strings"
	"sync/atomic"
)

// ValueKind classifies a header value.
type ValueKind uint8

// Value kinds.
const (
	Literal   ValueKind = iota // a fixed string
	Wildcard                   // "*"
	Null                       // "null"
	Reflected                  // the request's Origin, echoed
	Variable                   // one of several values the parser resolved (see Options)
	Unknown                    // cannot be known from the configuration
	Empty                      // the empty string: most servers then send no header
	// RequestHeader is the value of the request header Var, echoed (cors
	// reflects Access-Control-Request-Headers); a request without that
	// header gets no line at all.
	RequestHeader
)

func (k ValueKind) String() string {
	return [...]string{"literal", "wildcard", "null", "reflected", "variable", "unknown", "empty", "request-header"}[k]
}

// Value is a header value as far as the configuration determines it.
type Value struct {
	Kind ValueKind
	Raw  string // as written, quotes removed
	Text string // Literal, Wildcard, Null: the exact text sent
	// Var names the variable a Reflected or Variable value came through
	// ("$http_origin", "$cors_origin", "%{Origin}i"), and the request
	// header a RequestHeader value echoes ("Access-Control-Request-Headers").
	Var string
	// Guards are the allowlists that gate a Reflected value: the origin is
	// echoed only when one of them accepts it. None means any origin.
	Guards []*Matcher
	// SetIn is, for an option an nginx set gives, the location the set
	// is written in: it runs only for requests that end there, and not
	// at all when nginx answers before the location's rewrite phase. Zero
	// for a set at server level and for everything else.
	SetIn Span
	// Options are the values a Variable can take, each with its own kind.
	Options []Value
	// Note explains how the server reads a value that does not mean what
	// it looks like (Apache mod_headers reads %{Origin}i as %i, the idle
	// workers), for messages; empty otherwise.
	Note string
	// SentEmpty marks an Empty value the server still sends, as a line
	// with nothing after the colon (Varnish sets a header from one that
	// is unset); most servers send no line for an empty value.
	SentEmpty bool
	// CGIEnv marks a value read from the request's environment, which
	// only CGI-style handlers (CGI, FastCGI, SCGI) fill with the request
	// headers: for any other response the server sends "(null)" (Apache
	// %{HTTP_ORIGIN}e).
	CGIEnv bool
	// Rewrite, on a Reflected value, is the substitution the server
	// applies to the origin before it sends it (VCL's regsub); nil when
	// the origin goes out as it came.
	Rewrite *Rewrite
	Span    Span
}

// LiteralValue classifies a fixed string.
func LiteralValue(s string, at Span) Value {
	v := Value{Kind: Literal, Raw: s, Text: s, Span: at}
	switch strings.TrimSpace(s) {
	case "*":
		v.Kind = Wildcard
	case "null":
		v.Kind = Null
	case "":
		v.Kind = Empty
	}
	return v
}

// Possible returns the concrete values v can take: its Options for a
// Variable, otherwise v itself.
func (v Value) Possible() []Value {
	if v.Kind != Variable {
		return []Value{v}
	}
	var out []Value
	for _, o := range v.Options {
		out = append(out, o.Possible()...)
	}
	return out
}

// All yields the values Possible lists, in its order, without building
// the list: rules ask it of every statement for every request.
func (v Value) All() iter.Seq[Value] {
	return func(yield func(Value) bool) { v.yieldPossible(yield) }
}

func (v *Value) yieldPossible(yield func(Value) bool) bool {
	if v.Kind != Variable {
		return yield(*v)
	}
	for i := range v.Options {
		if !v.Options[i].yieldPossible(yield) {
			return false
		}
	}
	return true
}

// DependsOnOrigin reports whether the value can differ between request
// origins: it reflects the origin or chooses among several values.
func (v Value) DependsOnOrigin() bool {
	n, reflected := 0, false
	for p := range v.All() {
		n++
		reflected = p.Kind == Reflected
		if n > 1 {
			return true
		}
	}
	return n == 1 && reflected
}

// Is reports whether any possible value has kind k.
func (v Value) Is(k ValueKind) bool {
	for p := range v.All() {
		if p.Kind == k {
			return true
		}
	}
	return false
}

// MatchKind says how a Matcher decides.
type MatchKind uint8

// Matcher kinds.
const (
	MatchRegex    MatchKind = iota // a PCRE regular expression
	MatchExact                     // a list of exact strings
	MatchWildcard                  // S3-style patterns where * matches anything
)

// Matcher is an origin allowlist: what decides whether an origin is
// accepted.
type Matcher struct {
	Kind            MatchKind
	Pattern         string   // as written
	Exact           []string // MatchExact, MatchWildcard: the entries
	CaseInsensitive bool
	// Hostnames is true when the matcher compares host names only
	// (nginx map hostnames): keys then carry no scheme.
	Hostnames bool
	// Subject is what the matcher tests when it is not the Origin:
	// "$host" for the request's host name (nginx map $host). Such a
	// matcher is no origin allowlist and is not in File.Matchers.
	Subject string
	// Dynamic is true when the pattern contains variables, so what it
	// accepts is known only per request (nginx if ($http_origin =
	// "https://$host")). It still guards, but cannot be probed.
	Dynamic bool
	// Never says why the pattern never sees an Origin header, with what
	// to write instead (mod_rewrite's %{HTTP_ORIGIN}, always empty): the
	// allowlist admits no origin whatever it says.
	Never string
	Span  Span
	Raw   string // the statement or key as written

	prog atomic.Pointer[compiled] // the patterns, compiled on first use
}
