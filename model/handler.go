package model

// CodeReturn is what a function's code answers on one path: the object it
// returns (or passes to its callback), or an error it throws. A Lambda
// proxy integration passes the object through unchanged, so each path's
// headers are what the browser sees.
type CodeReturn struct {
	// Span is the return statement, callback call or throw.
	Span Span
	// Headers lists the headers the returned object carries (its headers
	// and multiValueHeaders), canonical, each with the property that sets
	// it.
	Headers map[string]Span
	// Status is the statusCode when written as a number; 0 otherwise.
	Status int
	// Methods lists the request methods that reach this path when the
	// code tests the method on the way (OPTIONS); nil for any.
	Methods []string
	// Throws marks a path that throws or rejects: API Gateway then answers
	// 502 itself, and the function's headers never reach the browser.
	Throws bool
	// Undecidable says why the headers of this path cannot be known (the
	// value comes from a call the reader does not follow); empty when
	// Headers is complete.
	Undecidable string
}

// CodeReader reads the paths of a handler in a function's code: the file
// at path (with its text src) and the export that the platform calls
// (Lambda's Handler "index.handler" names export "handler"). ok is false
// when the reader cannot read the language or finds no such export; the
// caller then knows nothing about the paths.
type CodeReader interface {
	Returns(path string, src []byte, export string) (paths []CodeReturn, ok bool)
}
