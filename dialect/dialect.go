// Package dialect is what a configuration language provides to the lint
// engine: its name, how to recognise its files, how to read one into the
// model, optionally how to link files that only mean something together,
// and the fix advice the rules quote. The registry of dialects is package
// dialects; this package imports no parser.
package dialect

import (
	"github.com/corslint/corslint/model"
	"github.com/corslint/corslint/source"
)

// Dialect is one configuration language corslint reads.
type Dialect interface {
	// Name is the model's name for the dialect.
	Name() model.Dialect
	// Detect judges a file from its path and the head of its content (at
	// most HeadSize bytes).
	Detect(path string, head []byte) Score
	// Parse reads one file, with the files it includes, into the model.
	// ok is false when the file turns out not to be this dialect's after
	// all (YAML that is no template, a varnishtest file without VCL): it
	// is skipped, not reported.
	Parse(path string, src []byte, o *Options) (p Parsed, ok bool)
	// Advice is the fix advice the rules quote in findings on this
	// dialect's files.
	Advice() model.Advice
}

// Parsed is one file as a dialect read it.
type Parsed struct {
	File *model.File
	// Tree is the dialect's own syntax tree, kept for a Linker so that it
	// need not parse the file again; nil when the dialect links nothing.
	Tree any
}

// Linker is implemented by dialects whose files change each other's
// meaning (Apache: a .htaccess belongs to the virtual host whose
// directories hold it). The files it says wait are checked only once
// every file of the run is parsed and linked.
type Linker interface {
	// Linking is told the paths of every file of the run before any is
	// parsed, and returns which parsed files must wait to be linked; the
	// rest are checked at once and their trees freed.
	Linking(paths []string) (waits func(Parsed) bool)
	// Link combines the run's files of this dialect and returns the
	// models the rules check: one per file, in order, nil for a file that
	// became part of another's model. It must not parse again what Parse
	// read: the trees are in Parsed. Up to jobs files may be worked on at
	// once.
	Link(files []Parsed, jobs int) []*model.File
}

// Fronting is implemented by dialects that sit in front of the other
// files of their directory (a Varnish VCL beside the nginx it caches):
// the files of a directory that holds one form one stack, this dialect's
// outermost.
type Fronting interface {
	Fronts() bool
}

// Including is implemented by dialects whose top files usually include
// the others (nginx.conf, httpd.conf): those are parsed first, so that the
// files they include are known to be included and need no rules of their
// own.
type Including interface {
	IncludesOthers(path string) bool
}

// CodeReading is implemented by dialects that read application source
// code: a function integration's Handler (a Lambda's index.handler) is
// read with the first of them, whether or not detection took the file
// for theirs.
type CodeReading interface {
	ReadsCode() bool
}

// Unavailable is implemented by dialects that a build may lack (a
// parser that needs cgo). When Unavailable returns a reason, the engine
// skips the dialect's files with it and notes it once per run.
type Unavailable interface {
	Unavailable() string
}

// Options are the engine's settings a dialect reads.
type Options struct {
	// Root is the directory includes may not leave unless
	// AllowOutsideRoot.
	Root             string
	AllowOutsideRoot bool
	// MaxFileSize is the largest file read, includes too.
	MaxFileSize int64
	// BaseDir is the directory relative includes resolve against, per
	// dialect (--include-root); empty for the default.
	BaseDir map[model.Dialect]string
	// FS is where included files are read from, under package source's
	// policy (root containment by real path, size limits, regular files
	// only); nil is the operating system's.
	FS source.FS
}

// HeadSize is how much of a file detection looks at.
const HeadSize = 64 << 10

// Head returns the part of src detection looks at.
func Head(src []byte) []byte {
	if len(src) > HeadSize {
		return src[:HeadSize]
	}
	return src
}
