package model

// Walker is a dialect's own walk of one request through its
// configuration, for servers whose request processing the generic
// responses cannot follow exactly (httpd merges sections per request).
type Walker interface {
	Walk(WalkRequest) WalkResult
}

// WalkRequest is one request, with what the configuration cannot know:
// the status the file handler or the upstream gives.
type WalkRequest struct {
	Method string
	Host   string // without the port
	Port   int
	Path   string
	// Headers are the request headers as name and value.
	Headers [][2]string
	// FileStatus is what serving the mapped file gives: 200, or 404 when
	// it does not exist; 0 means 200.
	FileStatus int
	// FileStatusFor, when set, is what serving another file gives: the
	// one a RewriteRule maps the request to, by its filename (httpd 2.4.71
	// answered 404 for a rewrite to g-.txt that no file is). Nil: the
	// request's FileStatus.
	FileStatusFor func(filename string) int
	// UpstreamStatus and UpstreamOptionsStatus are a proxied upstream's
	// answers (0: 200, and unknown for OPTIONS); UpstreamHeaders are the
	// lines it adds.
	UpstreamStatus        int
	UpstreamOptionsStatus int
	UpstreamHeaders       [][2]string
}

// WalkLine is a response header line and the statement that put it there
// (zero for a line from the upstream or the server itself).
type WalkLine struct {
	Name, Value string
	From        Span
	Upstream    bool
}

// WalkResult is the server's response to a WalkRequest.
type WalkResult struct {
	Status int
	Lines  []WalkLine
	Source Source
	// Route names the sections the request went through.
	Route string
	// By is the statement that produced the response.
	By Span
	// Unknown says why the answer depends on something the configuration
	// does not give (an upstream's answer to OPTIONS).
	Unknown string
	// Unmodelled, when set, says what in the configuration the walk does
	// not follow; the result is then meaningless and the generic
	// responses answer instead.
	Unmodelled string
}
