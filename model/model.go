package model

import (
	"net/textproto"
	"strings"
	"sync/atomic"
)

// Dialect names the configuration language a file was written in.
type Dialect string

// The dialects corslint reads.
const (
	Nginx  Dialect = "nginx"
	Apache Dialect = "apache"
	SAM    Dialect = "sam"
	VCL    Dialect = "vcl"
	// JavaScript is JavaScript and TypeScript application code.
	JavaScript Dialect = "javascript"
)

// Layer is where in the request path a configuration sits.
type Layer uint8

// Layers, outermost first.
const (
	Edge    Layer = iota // CDN, Varnish, Workers
	Gateway              // API Gateway, CloudFront, Lambda URL, S3
	Proxy                // nginx or Apache in front of an upstream
	Origin               // the server that produces the response
)

func (l Layer) String() string {
	return [...]string{"edge", "gateway", "proxy", "origin"}[l]
}

// File is the model of one linted file, together with the files it
// includes.
type File struct {
	Path    string
	Dialect Dialect
	// Sources holds the text of every file read for this one (the file
	// itself and its includes), for snippets and suppression comments.
	Sources map[string][]byte
	// BaseDir is the directory relative paths inside the configuration
	// resolve against (Apache's ServerRoot); empty where the dialect has
	// none.
	BaseDir string

	Scopes    []*Scope    // every scope, parents before children
	Headers   []*HeaderOp // every header statement, in source order
	Responses []*Response // every response the configuration can produce
	Matchers  []*Matcher  // every origin allowlist, in source order
	Upstreams []*Upstream
	Caches    []*Cache

	Diagnostics []Diagnostic // problems found while parsing and lowering
	Comments    []Comment    // every comment, for suppressions

	// Advice is the dialect's fix advice for findings on this file; nil
	// for a file no dialect lowered.
	Advice Advice
	// Walker, when set, walks a request through the configuration the
	// way the server does (see package serverside).
	Walker Walker
	// Serving says how the server that runs the file answers requests
	// where servers differ; the dialect sets it when it lowers.
	Serving Serving
}

// Diagnostic is a problem the parser or lowering found: a syntax error
// (CORS001) or an include that matches nothing (CORS003).
type Diagnostic struct {
	RuleID  string
	Message string
	Span    Span
	Note    bool // report at note severity (e.g. an absolute include outside the root)
}

// Comment is one comment as written, without its comment marker.
type Comment struct {
	Text string
	Span Span
	// Trailing is true when code precedes the comment on its line.
	Trailing bool
}

// Scope is a block that shapes responses: an nginx server, location or if;
// an Apache VirtualHost or Directory; a VCL sub; a SAM Api.
type Scope struct {
	Kind   string // "server", "location", "if", "VirtualHost", "AWS::Serverless::Api", ...
	Label  string // route or name: "/api/", "api.example.com", "$request_method = OPTIONS"
	Role   Role   // what the scope does in request processing, for every dialect
	Parent *Scope
	Layer  Layer
	When   *Condition // the condition that selects this scope, for if-like scopes
	Span   Span       // the block's opening directive
	// Match says which request paths reach this scope, for route scopes
	// that test the path (nginx location, Apache Location); nil when it
	// does not test the path.
	Match *PathMatch
	// Probes are URL path tests under which the scope's requests get
	// answers of their own that Match does not tell apart (a
	// server-context RewriteRule whose pattern sets a variable the
	// headers read): the rules ask a path each takes as well.
	Probes []*PathMatch
	// Hosts lists the host names a virtual server answers (nginx
	// server_name, Apache ServerName and ServerAlias), as written.
	Hosts []string
	// Ports lists the ports a virtual server listens on; empty when the
	// configuration does not say.
	Ports []int
	// TLSPorts lists the ports of Ports on which the virtual server
	// speaks TLS (nginx listen ... ssl, Apache SSLEngine on).
	TLSPorts []int
	// Default marks the virtual server that answers a Host no server
	// names (nginx default_server); without one, the first server of the
	// port does.
	Default bool
	// Listens are the sockets of an nginx server (its listen
	// directives), each with its address and whether the server is that
	// socket's default_server; nil when the configuration does not say.
	Listens []Listen

	Own []*HeaderOp // header statements written directly in this scope
	// Dropped lists inherited header statements that this scope's own ones
	// replace (nginx: any add_header drops all inherited ones).
	Dropped []*HeaderOp
	// Effective lists the header statements that apply to responses
	// produced in this scope, after inheritance.
	Effective []*HeaderOp
	// Static says where the server's own file handler looks for a
	// request's file in this scope (nginx root, alias, index), after
	// inheritance; nil when the dialect does not say.
	Static *Static
	// Internal marks a route only internal redirects reach (nginx
	// internal): a request from outside gets 404.
	Internal bool
	// ErrorPages are the error_page directives in effect in this scope,
	// after inheritance (nginx: a level with its own replaces them all).
	ErrorPages []*ErrorPage
	// NeverMatches says why no request can ever reach this scope (an
	// Apache <FilesMatch> pattern with a "/", which only sees a file name),
	// with what to write instead; empty when requests can reach it.
	NeverMatches string
	// Unmodelled says why the evaluator cannot speak for the answers of
	// this virtual server (or of a file scope, for what no server owns):
	// its runtime answers OPTIONS, unrouted paths or errors in ways the
	// file does not show. Empty when the model holds them; the rules then
	// judge its responses from their statements.
	Unmodelled string
}

// PathMatchKind is how a route tests the request path.
type PathMatchKind uint8

// Path match kinds.
const (
	PathPrefix PathMatchKind = iota // the path starts with Pattern
	PathExact                       // the path is Pattern
	PathRegex                       // Pattern (PCRE) matches the path
	// PathFileGlob: the last path segment matches Pattern, with * and ?
	// wildcards (Apache <Files>).
	PathFileGlob
	// PathFileRegex: Pattern (PCRE) matches the last path segment (Apache
	// <FilesMatch>).
	PathFileRegex
)

// PathMatch is a route's test on the request path.
type PathMatch struct {
	Kind            PathMatchKind
	Pattern         string
	CaseInsensitive bool
	// Preferred marks a prefix that, when it is the longest match, wins
	// over regex routes (nginx ^~).
	Preferred bool
	// Named routes are reached only by internal redirects (nginx @name).
	Named bool
	// Segment makes a prefix that does not end in a slash match only up
	// to a segment boundary (Apache <Location /api> takes /api and
	// /api/x but not /apix).
	Segment bool

	prog atomic.Pointer[compiled] // the regex, compiled on first use
}

// NamesFile reports whether m tests the file name only (httpd's <Files>,
// <FilesMatch>), not the URL path; false for nil.
func (m *PathMatch) NamesFile() bool {
	return m != nil && (m.Kind == PathFileGlob || m.Kind == PathFileRegex)
}

// Path returns the scope labels from the outermost to this one.
func (s *Scope) Path() []string {
	var out []string
	for c := s; c != nil; c = c.Parent {
		out = append([]string{c.Kind + " " + c.Label}, out...)
	}
	return out
}

// Op is what a header statement does.
type Op uint8

// Header operations.
const (
	Add    Op = iota // another header line (nginx add_header, Apache Header add)
	Set              // replace any earlier value in the same table
	Append           // append ", value" to an existing line, else set
	Merge            // append unless the value is already present
	Unset            // remove
	Hide             // stop a proxied response's header (nginx proxy_hide_header)
	// SetIfEmpty sets the header only when its table has no line of that
	// name yet (Apache Header setifempty).
	SetIfEmpty
)

func (o Op) String() string {
	return [...]string{"add", "set", "append", "merge", "unset", "hide", "setifempty"}[o]
}

// Delivery says which responses a header statement reaches.
type Delivery uint8

// Deliveries.
const (
	// Always reaches every response, errors included.
	Always Delivery = iota
	// OnSuccessStatus reaches only 200, 201, 204, 206, 301, 302, 303, 304,
	// 307 and 308 (nginx add_header without always).
	OnSuccessStatus
	// OnSuccessTable is Apache's onsuccess table: proxied responses of any
	// status and 2xx responses from a handler, but not the errors and
	// redirects httpd generates itself (its own 404, a RewriteRule R=204).
	OnSuccessTable
	// Delivered reaches every response served from an upstream or a
	// cache, whatever its status, but none the server synthesises itself
	// (Varnish vcl_deliver, which return (synth(...)) skips).
	Delivered
)

// Reaches reports whether a statement with delivery d is applied to a
// response with the given status and origin.
func (d Delivery) Reaches(status int, from Source) bool {
	switch d {
	case OnSuccessStatus:
		switch status {
		case 200, 201, 204, 206, 301, 302, 303, 304, 307, 308:
			return true
		}
		return false
	case OnSuccessTable:
		if from == FromUpstream {
			return true
		}
		return from == FromHandler && status >= 200 && status < 300
	case Delivered:
		return from != FromServer
	}
	return true
}

// HeaderOp is one statement that changes a response header.
type HeaderOp struct {
	Name     string // canonical: "Access-Control-Allow-Origin"
	Op       Op
	Value    Value
	Delivery Delivery
	// Table separates header tables that are applied independently
	// (Apache's "always" and "onsuccess"); empty where there is one.
	Table string
	// OwnTable is set when the statement's table holds none of the headers
	// the server's modules or the upstream produce, so a Set or Unset there
	// leaves theirs alone (Apache's "always" table: httpd 2.4.71 sent
	// "Vary: Origin,Accept-Encoding" for Header always set Vary Origin with
	// mod_deflate, but only "Vary: Origin" for Header set).
	OwnTable bool
	// Stored is true when the header is stored with a cached object
	// (Varnish beresp) rather than added on delivery.
	Stored bool
	// Concat is set on an Append that is a string concatenation (VCL
	// set X = X + ", v"): it is the separator written before the value
	// (", "), which an absent header, concatenating as the empty string,
	// keeps in front ("Vary: , v").
	Concat string
	When   *Condition // nil: unconditional
	Scope  *Scope
	Layer  Layer
	Span   Span
	Raw    string // the statement as written
	// Syntax, when set, says the value was written in a form the platform
	// rejects or misreads (an API Gateway mapping expression without its
	// inner single quotes, a quoted boolean). Value is then what the
	// author evidently meant.
	Syntax *SyntaxProblem
}

// SyntaxProblem is a value written in a form the platform rejects or
// misreads.
type SyntaxProblem struct {
	Written string // the value as written: "GET,POST", "'*''"
	Why     string // what is wrong with it
	Fix     string // what to write instead
	// Deploy is true when the platform refuses it at deploy; false when it
	// is accepted and silently does something else.
	Deploy bool
}

// CanonicalName returns the canonical form of an HTTP header name.
func CanonicalName(name string) string {
	return textproto.CanonicalMIMEHeaderKey(strings.TrimSpace(name))
}

// CORS header names.
const (
	ACAO = "Access-Control-Allow-Origin"
	ACAC = "Access-Control-Allow-Credentials"
	ACAM = "Access-Control-Allow-Methods"
	ACAH = "Access-Control-Allow-Headers"
	ACEH = "Access-Control-Expose-Headers"
	ACMA = "Access-Control-Max-Age"
	Vary = "Vary"
)

// IsCORSHeader reports whether name is one of the Access-Control-* response
// headers.
func IsCORSHeader(name string) bool {
	return strings.HasPrefix(name, "Access-Control-")
}

// Condition is what selects a scope or a statement.
type Condition struct {
	Text    string   // as written: `$http_origin ~* ^https://a\.example$`
	Origin  *Matcher // set when the condition tests the request's Origin
	Methods []string // set when the condition tests the request method: the methods it admits
	// URL is set when the condition tests the request's path and query
	// (VCL req.url ~ "regex") and nothing else.
	URL *PathMatch
	// Host is set when the condition tests the request's host name
	// (nginx $host, lowercased and without the port).
	Host *Matcher
	// Header is set when the condition tests whether the request carries
	// that header (canonical): an auth middleware's
	// if (!req.headers.authorization). A preflight carries none of the
	// page's headers, so it fails such a test.
	Header string
	// Hits is set when the condition compares VCL's obj.hits in
	// vcl_deliver: how often the cached object was hit, this time
	// included, and 0 for an answer fetched or passed now. It holds for
	// the count as written; Negated does not apply to it.
	Hits    *HitsTest
	Negated bool // the condition holds when Origin/Methods/URL/Header do not match
	// Failure marks a path taken only when something fails (a catch
	// block, an error check whose branch answers with an error status):
	// the request is evaluated on the path where nothing fails, and the
	// failure's answer is noted.
	Failure bool
	// Always marks a test that holds for every request: nginx's if
	// ($cors != "") on a map whose every value, default included, is
	// non-empty.
	Always bool
	Span   Span
	// And is a further test that must hold too, with its own negation:
	// code nested in two tests of opposite sense (the else if of an
	// if (!allowed)) holds where both do. Nil for one test.
	And *Condition
}

// HitsTest is a comparison of a cache hit count with a number:
// obj.hits > 0 is {">", 0}.
type HitsTest struct {
	Op string // ==, !=, <, >, <= or >=
	N  int
}

// Holds reports whether the test holds for count n.
func (h *HitsTest) Holds(n int) bool {
	switch h.Op {
	case "==":
		return n == h.N
	case "!=":
		return n != h.N
	case "<":
		return n < h.N
	case ">":
		return n > h.N
	case "<=":
		return n <= h.N
	case ">=":
		return n >= h.N
	}
	return false
}

// Listen is one socket a virtual server listens on.
type Listen struct {
	Addr    string // an IP address; "" for every address (nginx *, 0.0.0.0, [::], a port alone)
	Port    int
	Default bool // the server answers this socket's unknown hosts
}

// Upstream is a proxying fact: responses come from another server.
type Upstream struct {
	Target string // "http://backend", "backend"
	Scope  *Scope
	Span   Span
	// Directive is the statement that hands the request over, as the
	// dialect names it ("proxy_pass", "fastcgi_pass", "ProxyPass"), so
	// advice can name the matching directive; "" when there is none.
	Directive string
	// ByHost marks an upstream that is whichever server answers the host
	// of Target, a URL (a Worker's fetch('https://origin.example.com' +
	// path)): the file of the run whose virtual server names that host
	// stands behind this one. False when the configuration says itself
	// where requests go.
	ByHost bool
	// Hidden lists the headers the proxy removes from the upstream's
	// responses (nginx proxy_hide_header), canonical.
	Hidden map[string]Span
	// Function is true when the upstream is a function that builds the
	// whole response itself (an API Gateway Lambda proxy integration): the
	// gateway adds no headers to what it returns, so any CORS header on
	// the actual response must come from the function's code.
	Function bool
	// Adds lists the response headers the upstream is known to set
	// itself (found in its code when that is part of the run), canonical,
	// with where; nil when nothing is known.
	Adds map[string]Span
	// OriginRemoved is the statement that removes Origin from every
	// request the proxy forwards (VCL unset bereq.http.Origin), so an
	// upstream that echoes Origin has none to echo; zero when none does.
	OriginRemoved Span
	// OriginRemovedIf is such a statement under a condition the model
	// does not follow: whether the upstream sees Origin is undecidable.
	OriginRemovedIf Span
	// Returns lists, path by path, what the function's code answers when
	// a CodeReader read it; nil when the code was not read path by path.
	Returns []CodeReturn
}

// Cache is a caching fact: a cache that stores responses (Varnish, nginx
// proxy_cache).
type Cache struct {
	Scope *Scope
	Span  Span
	// Key lists what the cache key is made of, as written.
	Key []string
	// KeyHasOrigin reports whether the request's Origin is part of the key
	// (Varnish hash_data(req.http.Origin)).
	KeyHasOrigin bool
	// StoredVaryOrigin reports whether the stored object says Vary: Origin
	// (set on beresp), so the cache keeps one variant per origin.
	StoredVaryOrigin bool
	// DeliveryVary lists Vary statements that only reach delivered
	// responses (Varnish vcl_deliver): they inform downstream caches but do
	// not vary this one.
	DeliveryVary []Span
	// Statuses lists the upstream statuses the cache stores; nil means
	// every status (Varnish gives other statuses a negative TTL unless
	// the VCL sets beresp.ttl itself).
	Statuses []int
	// HitTests lists the tests of obj.hits around CORS or Vary statements
	// in vcl_deliver: the responses describe a fresh answer, and a hit
	// gets other headers.
	HitTests []Span
}
