package model

// Serving is how the server or framework that runs a file answers
// requests, where servers differ. The dialect sets it when it lowers, so
// that the evaluator and the rules ask what a file means rather than
// which dialect wrote it; the zero value is a server that does none of
// these things.
type Serving struct {
	// MethodRouting: the router chooses a route by the request method as
	// well as the path (an application's app.get and app.put on one
	// path), so another method of the same path reaches a sibling route,
	// and a route for the request's method comes before one for another.
	MethodRouting bool
	// AppendJoinsUpstream: an Append joins the lines of its name that the
	// upstream sent into one (a Worker's copy of fetch()'s response keeps
	// its headers in a Headers object, one entry per name); otherwise the
	// upstream's lines stay apart from the statement's.
	AppendJoinsUpstream bool
	// CORSFromSettings: the CORS headers come from settings that many
	// routes share (a middleware's options), so a blocked request is
	// fixed where the refused header was set rather than at the route
	// that answered.
	CORSFromSettings bool

	// LocationRouting: routes are chosen as nginx chooses locations
	// (an exact match, else the longest prefix unless a regex matches
	// first in order, then the nested locations of the one chosen), and a
	// request no route takes is answered by its virtual server itself.
	LocationRouting bool
	// RewritePhase: the server runs rewrite phases before the answer: a
	// virtual server's own return and if before the route is chosen, and
	// a route's set and if before its content, which an answer given
	// between the two skips (nginx: an auto redirect, an internal
	// location, limit_except). A server-level return thus answers the
	// requests of every route inside it.
	RewritePhase bool
	// FilesAnswerRest: the server's own file handler answers what no
	// statement does: a route without a response of its own, and a
	// request whose if conditions all fail (nginx's static module).
	FilesAnswerRest bool
	// FileLookup: what the file handler answers follows the file system:
	// index files for a path ending in a slash, 301 for a directory,
	// 405 to a method other than GET and HEAD on a file (nginx's static
	// and index modules).
	FileLookup bool
	// FileMethods lists the methods the file handler serves; any other
	// gets 405 from the server before the file is looked up (httpd's
	// default handler). Nil when the handler takes any method.
	FileMethods []string
	// OptionsAsFile: the server answers OPTIONS for a file itself (httpd's
	// core, 200 with Allow) through the output filters a file's answer
	// goes through, so the statements that reach a file reach it too.
	OptionsAsFile bool
	// HostsInOrder: the first virtual server whose names match the
	// request's host answers, else the first of its address (httpd);
	// otherwise exact names win over wildcards and regexes, and the
	// default server answers the rest (nginx).
	HostsInOrder bool
	// OwnHeadersDropInherited: a scope with header statements of its own
	// inherits none from the scopes around it (nginx add_header, an if
	// block included), so its own lines join each other and only the
	// inherited ones are lost.
	OwnHeadersDropInherited bool
	// TagSections: sections are written as tags (<Files "x">), which is
	// how messages name them; otherwise as a directive and its argument
	// (location /x).
	TagSections bool
	// Captures, for a server whose regexes leave their captures to the
	// statements after them (nginx $1 and named captures), lists what a
	// request's variables read; nil when the dialect has none.
	Captures *Captures
}

// Captures is what an evaluator needs to replay, for one request, the
// regexes that set nginx's captures: its maps, which run their regexes
// when their variable is first read, and why it cannot, when a
// directive the model does not follow runs one.
type Captures struct {
	Maps map[string]*VarMap // by variable name, without the $
	// Untraced names, by the place (file:line:col) of the server,
	// location or if block it is written in, a directive that runs a
	// regex or reads a map in a way the model does not replay (rewrite, a
	// set reading a map): a capture read by a request that runs that
	// block is not known. Under "" is one every request may run.
	Untraced map[string]string
	// Named lists the names every regex of the file captures, which are
	// variables of their own ($srv of (?<srv>...)).
	Named map[string]bool
}

// VarMap is an nginx map as ngx_http_map_find searches it: the hash of
// exact (and, with hostnames, wildcard) keys first, then the regexes in
// the order written, the first that matches winning.
type VarMap struct {
	Source   string     // the variable it maps: "$http_origin", "$host", ...
	Keys     []*Matcher // exact and wildcard keys
	Regexes  []*Matcher // in the order written
	Volatile bool       // evaluated again on every read, not once per request
	// Value is the map's result variable, one option per entry, as the
	// headers that read it see it; nil when not lowered.
	Value *Value
}
