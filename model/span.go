// Package model is the dialect-neutral description of what a configuration
// does to HTTP responses: which response carries which header under which
// condition. Parsers lower their syntax into it once; rules and the
// simulator only ever read it.
package model

import "fmt"

// Span is a source range. Lines and columns are 1-based, columns count
// bytes, and End is exclusive. Via is the include chain that led to File,
// outermost first: each element is the span of an include directive.
type Span struct {
	File            string
	Line, Col       int
	EndLine, EndCol int
	Via             []Span
}

// IsZero reports whether s points nowhere.
func (s Span) IsZero() bool { return s.File == "" && s.Line == 0 }

// String formats the start of the span as file:line:col.
func (s Span) String() string {
	return fmt.Sprintf("%s:%d:%d", s.File, s.Line, s.Col)
}

// Before orders spans by file, then position.
func (s Span) Before(t Span) bool {
	if s.File != t.File {
		return s.File < t.File
	}
	if s.Line != t.Line {
		return s.Line < t.Line
	}
	return s.Col < t.Col
}
