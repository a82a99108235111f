// Package source reads a configuration file and the files it includes,
// under one policy for every dialect: includes stay inside the linted root
// by their real path, only regular files within the size limit are read,
// a file reached again through a link is a cycle, include nesting and
// count are bounded, every span read through an include carries its
// include chain, and each diagnostic is reported once. Parsers keep only
// the order in which their server resolves an include and their syntax.
package source

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/corslint/corslint/model"
)

// Options are the policy of one read.
type Options struct {
	// Root: includes whose path, as written or with symbolic links
	// resolved, leaves this directory are not read unless
	// AllowOutsideRoot. Default: the top file's directory.
	Root             string
	AllowOutsideRoot bool
	// MaxFileSize bounds each file read (default 16 MiB).
	MaxFileSize int64
	// MaxIncludes bounds the files spliced in one read (default 10,000),
	// since a chain of files each including the next one twice grows
	// exponentially.
	MaxIncludes int
	// MaxDepth bounds include nesting (default 128, httpd's own limit).
	MaxDepth int
	// FS is the file access; nil means the OS.
	FS FS
}

// Defaults of Options.
const (
	DefaultMaxFileSize = 16 << 20
	defaultMaxIncludes = 10000
	defaultMaxDepth    = 128
	// maxDirDepth bounds the recursion of a directory include.
	maxDirDepth = 128
)

// errOutsideRoot ends the message of an include that a symbolic link leads
// out of the root.
var errOutsideRoot = errors.New("leads outside the linted root through a symbolic link; not read (use --allow-outside-root)")

// errNotRead is returned by Enter for an include it declined; the reason
// was reported.
var errNotRead = errors.New("include not read")

// CycleError is Enter's error for an include of a file being read: Start
// is the position on the include stack (0 is the top file) of the file
// included again.
type CycleError struct{ Start int }

func (e *CycleError) Error() string { return "include cycle" }

// Reader reads one top file's includes. It is not safe for concurrent
// use; each parse makes its own.
type Reader struct {
	opts     Options
	cwd      string
	rootAbs  string // the root as written, absolute
	rootReal string // the root with links resolved
	files    map[string]*entry
	real     map[string]string // absolute path -> links resolved
	entered  map[string]bool   // absolute paths entered so far
	stack    []frame
	loads    int
	seen     map[diagKey]bool
	diags    []model.Diagnostic
}

type frame struct{ key, path string }

type entry struct {
	data []byte
	err  error
}

type diagKey struct {
	rule, msg, file string
	line, col       int
	note            bool
}

// New returns a Reader for the includes of the file top.
func New(top string, o Options) *Reader {
	if o.Root == "" {
		o.Root = filepath.Dir(top)
	}
	if o.MaxFileSize <= 0 {
		o.MaxFileSize = DefaultMaxFileSize
	}
	if o.MaxIncludes <= 0 {
		o.MaxIncludes = defaultMaxIncludes
	}
	if o.MaxDepth <= 0 {
		o.MaxDepth = defaultMaxDepth
	}
	if o.FS == nil {
		o.FS = OS{}
	}
	// Nothing touches the file system until an include is followed: most
	// files include nothing.
	r := &Reader{opts: o, stack: []frame{{path: top}}}
	r.rootAbs = r.abs(o.Root)
	return r
}

// rootRealPath is the root with links resolved, looked up once.
func (r *Reader) rootRealPath() string {
	if r.rootReal == "" {
		r.rootReal = r.rootAbs
		if p, err := r.opts.FS.RealPath(r.rootAbs); err == nil {
			r.rootReal = p
		}
	}
	return r.rootReal
}

// Report records a diagnostic unless the same one, at the same place, was
// already recorded: a file included twice, or an include reached through
// two chains, reports its problems once.
func (r *Reader) Report(d model.Diagnostic) {
	k := diagKey{d.RuleID, d.Message, d.Span.File, d.Span.Line, d.Span.Col, d.Note}
	if r.seen == nil {
		r.seen = map[diagKey]bool{}
	}
	if r.seen[k] {
		return
	}
	r.seen[k] = true
	r.diags = append(r.diags, d)
}

// Diagnostics returns what was reported, in order.
func (r *Reader) Diagnostics() []model.Diagnostic { return r.diags }

func (r *Reader) abs(p string) string {
	if filepath.IsAbs(p) {
		return filepath.Clean(p)
	}
	if r.cwd == "" {
		// Looked up once: filepath.Abs asks the OS on every call.
		r.cwd, _ = os.Getwd()
	}
	return filepath.Join(r.cwd, p)
}

// Key is the real path of path, symbolic links resolved, or its absolute
// path when it does not resolve: what tells two names of one file apart.
func (r *Reader) Key(path string) string { return r.key(path) }

// key identifies a file for cycle detection: its real path, so that a file
// reached again through a link (a directory linking to itself, a link to
// the top file) is recognised rather than followed round the loop. A path
// that does not resolve keeps its absolute path.
func (r *Reader) key(path string) string {
	a := r.abs(path)
	if r.real == nil {
		r.real = map[string]string{}
	}
	k, ok := r.real[a]
	if !ok {
		k = a
		if p, err := r.opts.FS.RealPath(a); err == nil {
			k = p
		}
		r.real[a] = k
	}
	return k
}

func within(root, p string) bool {
	rel, err := filepath.Rel(root, p)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}

// InRoot reports whether path, as written, lies in the root (always true
// when outside is allowed).
func (r *Reader) InRoot(path string) bool {
	return r.opts.AllowOutsideRoot || within(r.rootAbs, r.abs(path))
}

// linkedOut reports whether a link leads path, written inside the root,
// out of it. A path that does not resolve is not: reading it fails anyway.
func (r *Reader) linkedOut(path string) bool {
	if r.opts.AllowOutsideRoot {
		return false
	}
	real := r.key(path)
	return real != r.abs(path) && !within(r.rootRealPath(), real)
}

// Display names a file relative to the root when it is inside it.
func (r *Reader) Display(path string) string {
	a := r.abs(path)
	if within(r.rootAbs, a) {
		if rel, err := filepath.Rel(r.rootAbs, a); err == nil {
			return filepath.ToSlash(rel)
		}
	}
	return path
}

// read reads a file once per Reader.
func (r *Reader) read(path string) *entry {
	a := r.abs(path)
	if r.files == nil {
		r.files = map[string]*entry{}
	}
	e := r.files[a]
	if e == nil {
		e = &entry{}
		// A name that leads nowhere needs no links resolved: most probes
		// (a handler's file tried with each extension) find nothing.
		if r.opts.FS.Exists(path) && r.linkedOut(path) {
			e.err = fmt.Errorf("%s %w", path, errOutsideRoot)
		} else {
			e.data, e.err = r.opts.FS.ReadFile(path, r.opts.MaxFileSize)
		}
		r.files[a] = e
	}
	return e
}

// Read reads a file the configuration names in another way than an
// include (a function's code beside a template), under the same policy:
// inside the root by its real path, a regular file, at most the size
// limit. Nothing is reported; the caller decides what a failure means.
func (r *Reader) Read(path string) ([]byte, error) {
	if !r.InRoot(path) {
		return nil, fmt.Errorf("%s is outside the linted root", path)
	}
	e := r.read(path)
	if e.err != nil {
		return nil, e.err
	}
	if int64(len(e.data)) > r.opts.MaxFileSize {
		return nil, &TooLargeError{Size: -1, Limit: r.opts.MaxFileSize}
	}
	return e.data, nil
}

// IsDir reports whether path is a directory the policy lets be listed.
func (r *Reader) IsDir(path string) bool {
	_, err := r.readDir(path)
	return err == nil
}

func (r *Reader) readDir(path string) ([]string, error) {
	if !r.InRoot(path) {
		return nil, fmt.Errorf("%s is outside the linted root", path)
	}
	if r.linkedOut(path) {
		return nil, fmt.Errorf("%s %w", path, errOutsideRoot)
	}
	return r.opts.FS.ReadDir(path)
}

// Found is what Find found for one include.
type Found struct {
	// Files are the files to read, in the order the server reads them.
	Files []string
	// Matched is set when a candidate matched, even if only directories
	// without files.
	Matched bool
	// Outside is set when nothing was found and a candidate lay outside
	// the root as written.
	Outside bool
	// Err is a bad pattern, or a pattern whose directory a link leads out
	// of the root; nothing else was looked at.
	Err error
}

// Find returns the files of the first candidate that names any, candidates
// outside the root skipped. A glob lists its matches in name order, with
// names that start with a dot matched only by a pattern component that
// does too (glob(3) and httpd's fnmatch, unlike filepath.Glob). With dirs,
// a directory stands for every file below it, in name order (httpd's
// directory includes); without, a directory is returned as a file and
// fails when read.
func (r *Reader) Find(cands []string, glob, dirs bool) Found {
	var out Found
	for _, c := range cands {
		if !r.InRoot(c) {
			out.Outside = true
			continue
		}
		var matches []string
		if glob {
			dir := c
			for strings.ContainsAny(dir, "*?[") {
				dir = filepath.Dir(dir)
			}
			if r.linkedOut(dir) {
				return Found{Err: fmt.Errorf("%s %w", dir, errOutsideRoot)}
			}
			m, err := r.opts.FS.Glob(c)
			if err != nil {
				return Found{Err: err}
			}
			matches = visible(c, m)
			sort.Strings(matches)
		} else if dirs && r.IsDir(c) {
			matches = []string{c}
		} else if e := r.read(c); !errors.Is(e.err, fs.ErrNotExist) {
			matches = []string{c}
		}
		if len(matches) == 0 {
			continue
		}
		out.Outside, out.Matched = false, true
		if !dirs {
			out.Files = matches
			return out
		}
		for _, m := range matches {
			out.Files = append(out.Files, r.filesUnder(m, nil)...)
		}
		return out
	}
	return out
}

// filesUnder returns path itself, or for a directory every file below it
// in name order. A directory that links back to one being listed is left
// out (httpd would recurse until its nesting limit and refuse to start).
func (r *Reader) filesUnder(path string, open []string) []string {
	names, err := r.readDir(path)
	if err != nil {
		return []string{path}
	}
	k := r.key(path)
	for _, o := range open {
		if o == k {
			return nil
		}
	}
	if len(open) >= maxDirDepth {
		return nil
	}
	open = append(open, k)
	sort.Strings(names)
	var out []string
	for _, n := range names {
		if n == "." || n == ".." {
			continue
		}
		out = append(out, r.filesUnder(filepath.Join(path, n), open)...)
	}
	return out
}

// visible drops matches whose wildcard matched a leading '.'.
func visible(pattern string, matches []string) []string {
	sep := string(filepath.Separator)
	pc := strings.Split(filepath.Clean(pattern), sep)
	out := matches[:0:0]
	for _, m := range matches {
		mc := strings.Split(filepath.Clean(m), sep)
		hidden := false
		if len(mc) == len(pc) {
			for i := range mc {
				if strings.HasPrefix(mc[i], ".") && !strings.HasPrefix(pc[i], ".") {
					hidden = true
					break
				}
			}
		}
		if !hidden {
			out = append(out, m)
		}
	}
	return out
}

// Include is one include statement being followed.
type Include struct {
	// Name is the path as written, for messages.
	Name string
	// At is the include statement, its Via the chain that led to it:
	// cycles and limits are reported there.
	At model.Span
	// ArgAt is where a file that cannot be read is reported; default At.
	ArgAt model.Span
}

// Chain is the Via of every span read from the included file.
func (inc Include) Chain() []model.Span {
	link := inc.At
	link.Via = nil
	via := inc.At.Via
	return append(via[:len(via):len(via)], link)
}

// Enter reads path for splicing at inc and pushes it on the include stack;
// the caller calls Leave when done with it. It refuses, with the reason
// reported, a cycle (a *CycleError), too deep or too many includes, and a
// file that cannot be read or is too large. first is true the first time
// the file is entered in this read, so that its own comments and syntax
// errors are taken once.
func (r *Reader) Enter(path string, inc Include) (data []byte, first bool, err error) {
	key := r.key(path)
	if r.stack[0].key == "" {
		r.stack[0].key = r.key(r.stack[0].path)
	}
	for i, f := range r.stack {
		if f.key != key {
			continue
		}
		names := make([]string, 0, len(r.stack)-i+1)
		for _, f := range r.stack[i:] {
			names = append(names, r.Display(f.path))
		}
		names = append(names, r.Display(path))
		r.Report(model.Diagnostic{RuleID: "CORS001", Message: "include cycle: " + strings.Join(names, " -> "), Span: inc.At})
		return nil, false, &CycleError{Start: i}
	}
	if len(r.stack) > r.opts.MaxDepth {
		r.Report(model.Diagnostic{RuleID: "CORS001", Span: inc.At,
			Message: fmt.Sprintf("includes nested more than %d deep; the rest are not read", r.opts.MaxDepth)})
		return nil, false, errNotRead
	}
	if r.loads >= r.opts.MaxIncludes {
		r.Report(model.Diagnostic{RuleID: "CORS001", Span: inc.At,
			Message: fmt.Sprintf("too many includes (more than %d); the rest are not read", r.opts.MaxIncludes)})
		return nil, false, errNotRead
	}
	r.loads++
	e := r.read(path)
	if e.err != nil {
		at := inc.ArgAt
		if at.IsZero() {
			at = inc.At
		}
		r.Report(model.Diagnostic{RuleID: "CORS001", Span: at, Message: fmt.Sprintf("cannot read include %q: %v", inc.Name, e.err)})
		return nil, false, e.err
	}
	if int64(len(e.data)) > r.opts.MaxFileSize {
		r.Report(model.Diagnostic{RuleID: "CORS001", Message: fmt.Sprintf("file too large: more than %d bytes", r.opts.MaxFileSize),
			Span: model.Span{File: path, Line: 1, Col: 1, EndLine: 1, EndCol: 1, Via: inc.Chain()}})
		return nil, false, &TooLargeError{Size: -1, Limit: r.opts.MaxFileSize}
	}
	a := r.abs(path)
	if r.entered == nil {
		r.entered = map[string]bool{}
	}
	first = !r.entered[a]
	r.entered[a] = true
	r.stack = append(r.stack, frame{key: key, path: path})
	return e.data, first, nil
}

// Leave pops the file Enter pushed.
func (r *Reader) Leave() {
	if len(r.stack) > 1 {
		r.stack = r.stack[:len(r.stack)-1]
	}
}

// Depth is the number of files on the include stack, the top file
// included.
func (r *Reader) Depth() int { return len(r.stack) }

// StackKey returns the real path of the file at position i of the include
// stack (0 is the top file).
func (r *Reader) StackKey(i int) string {
	if r.stack[i].key == "" {
		r.stack[i].key = r.key(r.stack[i].path)
	}
	return r.stack[i].key
}
