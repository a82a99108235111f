package model

// Static is how a server's own file handler maps a request path to a
// file.
type Static struct {
	// Root is the directory the path is appended to (nginx root), or
	// with Alias the one that replaces the location's prefix; "" when the
	// configuration sets none and the server's compiled-in default
	// applies.
	Root  string
	Alias bool
	// Prefix is the location prefix an alias replaces.
	Prefix string
	// Index lists the files tried for a path ending in a slash, in order.
	Index []string
}

// ErrorPage is one error_page directive: the statuses it replaces and
// what answers instead.
type ErrorPage struct {
	Codes []int
	// Overwrite is the status the client gets: -1 keeps the error's own
	// (error_page 404 /x), 0 takes the target's (error_page 404 = /x),
	// anything else is that status (error_page 404 =200 /x).
	Overwrite int
	// Target is a URI ("/err.json"), a named location ("@fallback") or a
	// URL the client is redirected to.
	Target string
	Span   Span
}

// For reports whether the directive replaces status.
func (e *ErrorPage) For(status int) bool {
	for _, c := range e.Codes {
		if c == status {
			return true
		}
	}
	return false
}
