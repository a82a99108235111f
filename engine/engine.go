// Package engine is corslint's lint pipeline: it finds the files to lint,
// recognises their dialect, parses them in parallel, links the files that
// only mean something together (Apache's .htaccess and its virtual host,
// a Varnish in front of the servers beside it), runs the rules, and
// applies ignore comments and the configuration's severities. The command
// line keeps flags, output and exit codes; `corslint check` reads its
// models through Load, so that it sees what lint checks.
package engine

import (
	"io"
	"runtime"

	"github.com/corslint/corslint/dialect"
	"github.com/corslint/corslint/dialects"
	"github.com/corslint/corslint/findings"
	"github.com/corslint/corslint/model"
	"github.com/corslint/corslint/rules"
)

// Options are the settings of one run.
type Options struct {
	// Dialects are the languages read; nil means dialects.All().
	Dialects []dialect.Dialect
	// Rules run on every file; RuleOptions are their settings.
	Rules       []*rules.Rule
	RuleOptions *rules.Options

	// BaseDir is the directory relative includes resolve against, per
	// dialect (--nginx-prefix, --apache-root).
	BaseDir          map[model.Dialect]string
	AllowOutsideRoot bool
	// Root, when set, is the directory includes may not leave, for every
	// path; by default the working directory for paths inside it, else
	// the path's own directory.
	Root string
	// StdinFilename names standard input ("-"), which also decides its
	// dialect.
	StdinFilename string
	// MaxFileSize: larger files are reported, not read. 0 means 16 MiB.
	MaxFileSize int64
	// Jobs is the number of files worked on at once; 0 means GOMAXPROCS.
	Jobs int

	// Exclude reports paths not linted (.corslint.yaml exclude:).
	Exclude func(path string) bool
	// Severity overrides rules' severities by ID.
	Severity map[string]findings.Severity
	// NoInlineIgnore ignores corslint:ignore comments.
	NoInlineIgnore bool
	// SkipUnknown treats named files like walked ones: a file that is
	// not recognised is skipped rather than reported.
	SkipUnknown bool
	// StackRank places a file in the declared request path (.corslint.yaml
	// stack:), 0 outermost; -1 for files outside it. nil: none declared.
	StackRank func(path string) int
	// Skipped, when set, is told of every file found that is not linted,
	// and why (--verbose).
	Skipped func(path, why string)
}

// DefaultMaxFileSize is the file size limit unless set.
const DefaultMaxFileSize = 16 << 20

func (o *Options) dialects() []dialect.Dialect {
	if o.Dialects != nil {
		return o.Dialects
	}
	return dialects.All()
}

func (o *Options) maxFileSize() int64 {
	if o.MaxFileSize > 0 {
		return o.MaxFileSize
	}
	return DefaultMaxFileSize
}

func (o *Options) jobs() int {
	if o.Jobs > 0 {
		return o.Jobs
	}
	return max(runtime.GOMAXPROCS(0), 1)
}

func (o *Options) skipped(path, why string) {
	if o.Skipped != nil {
		o.Skipped(path, why)
	}
}

// Result is what a run found.
type Result struct {
	// Findings, sorted, ignore comments and severities applied.
	Findings []findings.Finding
	// Sources holds the text of every file read, by path, for snippets.
	Sources map[string][]byte
	// Files is the number of files linted.
	Files int
	// Errs are the user's to fix: paths that do not exist.
	Errs []error
	// Notes are said once per run: a dialect this build cannot read.
	Notes []string
	// Internal are corslint's own failures (a panic in a parser or rule),
	// each confined to one file.
	Internal []error
}

// Lint lints the files and directories of args ("-" is stdin).
func Lint(args []string, stdin io.Reader, o *Options) *Result {
	cands, errs := discover(args, stdin, o)
	res := lintFiles(cands, o)
	res.Errs = append(errs, res.Errs...)
	return res
}
