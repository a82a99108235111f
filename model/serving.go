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
}
