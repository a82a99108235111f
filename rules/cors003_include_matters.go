package rules

import (
	"strings"

	"github.com/corslint/corslint/model"
)

// includeMatters reports whether an include corslint could not read
// (CORS003) can change what the file's CORS headers do, so that it is
// worth a reviewer's time: its name speaks of CORS or origins, or
// it sits inside a block that sends CORS headers, where one add_header of
// its own would drop inherited ones (nginx) or one Header line would
// double them.
// mime.types, log formats and the many deploy-time snippets a repository
// leaves out are not reported.
func includeMatters(f *model.File, d model.Diagnostic) bool {
	if d.RuleID != "CORS003" {
		return true
	}
	name := strings.ToLower(quotedName(d.Message))
	for _, w := range []string{"cors", "origin", "access-control", "access_control"} {
		if strings.Contains(name, w) {
			return true
		}
	}
	s := enclosing(f, d.Span)
	if s == nil {
		return false
	}
	for _, op := range s.Effective {
		if !model.IsCORSHeader(op.Name) || !adds(op) {
			continue
		}
		// nginx: an add_header beside the block's own CORS lines joins
		// them; only inherited ones can be dropped.
		if f.Serving.OwnHeadersDropInherited && op.Scope == s {
			continue
		}
		return true
	}
	return false
}

// quotedName is the first double-quoted part of a message (the include as
// written).
func quotedName(msg string) string {
	_, rest, ok := strings.Cut(msg, "\"")
	if !ok {
		return ""
	}
	name, _, _ := strings.Cut(rest, "\"")
	return name
}

// enclosing returns the innermost block scope of f whose span holds at.
func enclosing(f *model.File, at model.Span) *model.Scope {
	var best *model.Scope
	for _, s := range f.Scopes {
		if s.Span.File != at.File || s.Span.EndLine == 0 || s.Kind == "main" {
			continue
		}
		if !inside(at, s.Span) {
			continue
		}
		if best == nil || inside(s.Span, best.Span) {
			best = s
		}
	}
	return best
}

// inside reports whether span a starts within span b.
func inside(a, b model.Span) bool {
	if a.Line < b.Line || a.Line > b.EndLine {
		return false
	}
	if a.Line == b.Line && a.Col < b.Col {
		return false
	}
	return a.Line != b.EndLine || a.Col <= b.EndCol
}
