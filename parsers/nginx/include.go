package nginx

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/corslint/corslint/model"
)

// Options control how files and includes are read.
type Options struct {
	// Prefix resolves relative includes that are not found relative to the
	// including file (nginx -p / conf dir). Default: the directory of the
	// top file.
	Prefix string
	// Root: includes resolving outside this directory are not read (a
	// Diagnostic CORS003 with Note=true says so) unless AllowOutsideRoot.
	// Default: Prefix.
	Root             string
	AllowOutsideRoot bool
	// FS access, so tests and stdin can substitute; nil means the OS.
	ReadFile func(path string) ([]byte, error)
	Glob     func(pattern string) ([]string, error)
	// MaxDepth is the block nesting limit, default 256: deeper is a CORS001
	// at the opening directive, never a stack overflow.
	MaxDepth int
	// MaxFileSize defaults to 16 MiB: larger files are a CORS001 "file too
	// large" without reading further.
	MaxFileSize int64
}

const (
	defaultMaxDepth    = 256
	defaultMaxFileSize = 16 << 20
	// maxIncludes bounds the files spliced in one run, since a chain of
	// files each including the next one twice grows exponentially.
	maxIncludes = 10000
)

func (o Options) withDefaults(path string) Options {
	if o.Prefix == "" {
		o.Prefix = filepath.Dir(path)
	}
	if o.Root == "" {
		o.Root = o.Prefix
	}
	if o.MaxDepth <= 0 {
		o.MaxDepth = defaultMaxDepth
	}
	if o.MaxFileSize <= 0 {
		o.MaxFileSize = defaultMaxFileSize
	}
	if o.ReadFile == nil {
		o.ReadFile = limitedReader(o.MaxFileSize)
	}
	if o.Glob == nil {
		o.Glob = filepath.Glob
	}
	return o
}

// limitedReader reads at most max+1 bytes, enough to tell that a file is
// too large without reading all of it.
func limitedReader(max int64) func(string) ([]byte, error) {
	return func(path string) ([]byte, error) {
		f, err := os.Open(path)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		return io.ReadAll(io.LimitReader(f, max+1))
	}
}

// ParseFile reads and parses the file at path. The error is only for the
// top file itself; everything else is a Diagnostic.
func ParseFile(path string, opts Options) (*Config, error) {
	o := opts.withDefaults(path)
	src, err := o.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading nginx config: %w", err)
	}
	return Parse(path, src, o), nil
}

// Parse parses src, the text of path (which may be stdin), and resolves its
// includes through opts.
func Parse(path string, src []byte, opts Options) *Config {
	r := &run{
		opts:  opts.withDefaults(path),
		cfg:   &Config{Path: path, Sources: map[string][]byte{path: src}},
		files: map[string]*fileEntry{},
		seen:  map[diagKey]bool{},
		real:  map[string]string{},
	}
	r.cwd, _ = os.Getwd()
	r.rootAbs = r.abs(r.opts.Root)
	pf := parseSource(path, src, r.opts.MaxDepth, r.opts.MaxFileSize)
	r.absorb(&pf, nil)
	ds := pf.ds
	if pf.includes {
		r.stack = []frame{{key: r.key(path), path: path}}
		ds = r.expand(ds, path, nil, false)
	}
	r.cfg.Directives = ds
	return r.cfg
}

type run struct {
	opts    Options
	cfg     *Config
	cwd     string // looked up once: filepath.Abs asks the OS on every call
	rootAbs string
	files   map[string]*fileEntry // by absolute path
	stack   []frame               // files being spliced, for cycles
	real    map[string]string     // absolute path -> symlinks resolved
	loads   int
	seen    map[diagKey]bool
}

type frame struct{ key, path string }

type fileEntry struct {
	data   []byte
	err    error
	parsed *parsed
}

type diagKey struct {
	rule, msg, file string
	line, col       int
}

func (r *run) diag(d model.Diagnostic) {
	k := diagKey{d.RuleID, d.Message, d.Span.File, d.Span.Line, d.Span.Col}
	if r.seen[k] {
		return
	}
	r.seen[k] = true
	r.cfg.Diagnostics = append(r.cfg.Diagnostics, d)
}

// absorb records a file's comments and syntax errors, once per file.
func (r *run) absorb(pf *parsed, via []model.Span) {
	for _, c := range pf.comments {
		c.Span.Via = via
		r.cfg.Comments = append(r.cfg.Comments, c)
	}
	for _, d := range pf.diags {
		d.Span.Via = via
		r.diag(d)
	}
}

func (r *run) abs(p string) string {
	if filepath.IsAbs(p) {
		return filepath.Clean(p)
	}
	return filepath.Join(r.cwd, p)
}

// key identifies the file at path for cycle detection: its absolute path
// with symlinks resolved, so that a file reached again through a link (a
// directory linking to itself, say) is recognised as the same file rather
// than followed round the loop. A path that does not resolve (missing, a
// looping link, or not on the OS file system) keeps its absolute path.
func (r *run) key(path string) string {
	a := r.abs(path)
	k, ok := r.real[a]
	if !ok {
		k = a
		if p, err := filepath.EvalSymlinks(a); err == nil {
			k = p
		}
		r.real[a] = k
	}
	return k
}

func isInclude(d *Directive) bool {
	return d.Name == "include" && d.NameQuote == 0 && !d.IsBlock
}

// expand splices includes into ds. Directives of included files are cloned
// so that each inclusion carries its own Via chain.
func (r *run) expand(ds []*Directive, file string, via []model.Span, clone bool) []*Directive {
	out := make([]*Directive, 0, len(ds))
	for _, d := range ds {
		if isInclude(d) {
			out = append(out, r.include(d, file, via)...)
			continue
		}
		nd := d
		if clone {
			nd = cloneDirective(d, via)
		}
		if len(d.Block) > 0 {
			nd.Block = r.expand(d.Block, file, via, clone)
		}
		out = append(out, nd)
	}
	return out
}

func cloneDirective(d *Directive, via []model.Span) *Directive {
	nd := *d
	nd.Span.Via = via
	if len(d.Args) > 0 {
		nd.Args = make([]Arg, len(d.Args))
		for i, a := range d.Args {
			a.Span.Via = via
			nd.Args[i] = a
		}
	}
	return &nd
}

// include returns the directives an include directive stands for.
func (r *run) include(d *Directive, file string, via []model.Span) []*Directive {
	at := d.Span
	at.Via = via
	if len(d.Args) != 1 {
		r.diag(model.Diagnostic{RuleID: "CORS001", Message: `invalid number of arguments in "include" directive`, Span: at})
		return nil
	}
	argAt := d.Args[0].Span
	argAt.Via = via
	link := d.Span
	link.Via = nil
	chain := append(via[:len(via):len(via)], link)

	var out []*Directive
	for _, path := range r.resolve(d.Args[0], file, argAt) {
		key := r.key(path)
		if i := r.onStack(key); i >= 0 {
			names := make([]string, 0, len(r.stack)-i+1)
			for _, f := range r.stack[i:] {
				names = append(names, r.display(f.path))
			}
			names = append(names, r.display(path))
			r.diag(model.Diagnostic{RuleID: "CORS001", Message: "include cycle: " + strings.Join(names, " -> "), Span: at})
			continue
		}
		if r.loads >= maxIncludes {
			r.diag(model.Diagnostic{RuleID: "CORS001", Message: fmt.Sprintf("too many includes (more than %d); the rest are not read", maxIncludes), Span: at})
			return out
		}
		r.loads++
		e := r.read(path)
		if e.err != nil {
			r.diag(model.Diagnostic{RuleID: "CORS001", Message: fmt.Sprintf("cannot read include %q: %v", d.Args[0].Value, e.err), Span: argAt})
			continue
		}
		if e.parsed == nil {
			pf := parseSource(path, e.data, r.opts.MaxDepth, r.opts.MaxFileSize)
			e.parsed = &pf
			r.cfg.Sources[path] = e.data
			r.absorb(&pf, chain)
		}
		r.stack = append(r.stack, frame{key: key, path: path})
		out = append(out, r.expand(e.parsed.ds, path, chain, true)...)
		r.stack = r.stack[:len(r.stack)-1]
	}
	return out
}

func (r *run) onStack(key string) int {
	for i, f := range r.stack {
		if f.key == key {
			return i
		}
	}
	return -1
}

// display names a file relative to the root when it is inside it.
func (r *run) display(path string) string {
	if rel, err := filepath.Rel(r.rootAbs, r.abs(path)); err == nil && !escapes(rel) {
		return filepath.ToSlash(rel)
	}
	return path
}

func escapes(rel string) bool {
	return rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator))
}

func (r *run) inRoot(path string) bool {
	if r.opts.AllowOutsideRoot {
		return true
	}
	rel, err := filepath.Rel(r.rootAbs, r.abs(path))
	return err == nil && !escapes(rel)
}

func (r *run) read(path string) *fileEntry {
	key := r.abs(path)
	e := r.files[key]
	if e == nil {
		e = &fileEntry{}
		e.data, e.err = r.opts.ReadFile(path)
		r.files[key] = e
	}
	return e
}

// resolve lists the files an include names, in the order nginx reads them.
// Relative paths are tried against the including file's directory, then
// Prefix. Like nginx, a missing literal path is an error but a pattern
// matching nothing is not.
func (r *run) resolve(arg Arg, file string, at model.Span) []string {
	pattern := arg.Value
	var cands []string
	if filepath.IsAbs(pattern) {
		cands = []string{filepath.Clean(pattern)}
	} else {
		cands = []string{filepath.Join(filepath.Dir(file), pattern)}
		if p := filepath.Join(r.opts.Prefix, pattern); p != cands[0] {
			cands = append(cands, p)
		}
	}
	glob := strings.ContainsAny(pattern, "*?[")
	outside := false
	for _, c := range cands {
		if !r.inRoot(c) {
			outside = true
			continue
		}
		if glob {
			m, err := r.opts.Glob(c)
			if err != nil {
				r.diag(model.Diagnostic{RuleID: "CORS001", Message: fmt.Sprintf("include %q: %v", pattern, err), Span: at})
				return nil
			}
			if m = visible(c, m); len(m) > 0 {
				sort.Strings(m)
				return m
			}
			continue
		}
		if e := r.read(c); !errors.Is(e.err, fs.ErrNotExist) {
			return []string{c}
		}
	}
	switch {
	case isTemplated(pattern):
		r.diag(model.Diagnostic{RuleID: "CORS003", Note: true, Span: at,
			Message: fmt.Sprintf("include %q is a template expression; not followed", pattern)})
	case outside:
		r.diag(model.Diagnostic{RuleID: "CORS003", Note: true, Span: at,
			Message: fmt.Sprintf("include %q is outside the linted root; not read (use --allow-outside-root)", pattern)})
	case !glob && stockFiles[filepath.Base(pattern)]:
		r.diag(model.Diagnostic{RuleID: "CORS003", Note: true, Span: at,
			Message: fmt.Sprintf("include %q, a file nginx ships, is not in the linted tree; not read (set --nginx-prefix to its directory to read it)", pattern)})
	case !glob:
		r.diag(model.Diagnostic{RuleID: "CORS003", Span: at, Message: fmt.Sprintf("include %q matches no file", pattern)})
	}
	return nil
}

// stockFiles are the files nginx packages install beside nginx.conf;
// configs include them by relative name from /etc/nginx.
var stockFiles = map[string]bool{
	"mime.types": true, "fastcgi_params": true, "fastcgi.conf": true, "uwsgi_params": true,
	"scgi_params": true, "proxy_params": true, "koi-utf": true, "koi-win": true, "win-utf": true,
	"fastcgi-php.conf": true, "snakeoil.conf": true,
}

// isTemplated reports whether an include path is an unexpanded template
// expression (Jinja, ERB, Go templates), which names no file as written.
func isTemplated(p string) bool {
	return strings.Contains(p, "{{") || strings.Contains(p, "{%") || strings.Contains(p, "<%")
}

// visible drops matches with a hidden path component that the pattern did
// not name with a leading dot: nginx uses glob(3), whose wildcards never
// match a leading '.', while Go's filepath.Glob does.
func visible(pattern string, matches []string) []string {
	sep := string(filepath.Separator)
	pc := strings.Split(filepath.Clean(pattern), sep)
	out := matches[:0]
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
