package model

// Advice says what to write instead, in one dialect's syntax, for each
// kind of finding whose fix depends on the dialect. The dialect that
// lowers a file sets it on File.Advice; every dialect implements every
// method, so a new one cannot fall back to another dialect's advice
// unnoticed.
type Advice interface {
	// Allowlist: how to echo only trusted origins (CORS101, CORS102).
	Allowlist() string
	// VaryOrigin: how to add Vary: Origin beside op (CORS401).
	VaryOrigin(op *HeaderOp) string
	// VaryAppend: how to extend Vary rather than replace it (CORS402).
	VaryAppend(op *HeaderOp) string
	// CacheKey: how to keep a cache's variants apart by Origin (CORS403).
	CacheKey() string
	// HideUpstream: how to keep the upstream u's
	// Access-Control-Allow-Origin from doubling this one (CORS502); u
	// may be nil.
	HideUpstream(u *Upstream) string
	// AnswerOptions: how to answer preflights; generic is the advice that
	// suits any server (CORS303).
	AnswerOptions(generic string) string
	// Always: how to send Access-Control-Allow-Origin on errors (CORS304).
	Always() string
	// AllowHeaders: where to list the allowed request headers for the
	// responses of scope s (CORS302).
	AllowHeaders(s *Scope) string
}
