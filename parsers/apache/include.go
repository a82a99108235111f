package apache

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
	// ServerRoot resolves relative Include paths and DocumentRoots, like
	// httpd's ServerRoot (--apache-root). Default: the top file's
	// directory; a ServerRoot directive inside the linted root overrides it.
	ServerRoot string
	// Root: includes resolving outside this directory are not read (a
	// CORS003 note says so) unless AllowOutsideRoot. Default: ServerRoot.
	Root             string
	AllowOutsideRoot bool
	// Defines are the names given to httpd with -D; <IfDefine> is false for
	// any other name that no Define sets.
	Defines map[string]string
	// File access, so tests and re-lowering can substitute; nil means the
	// OS. ListDir returns the entries of a directory and ok=false when the
	// path is not one.
	ReadFile func(path string) ([]byte, error)
	Glob     func(pattern string) ([]string, error)
	ListDir  func(path string) (names []string, ok bool)
	// MaxDepth is the section nesting limit, default 256.
	MaxDepth int
	// MaxFileSize defaults to 16 MiB.
	MaxFileSize int64
}

const (
	defaultMaxDepth    = 256
	defaultMaxFileSize = 16 << 20
	// maxIncludes bounds the files spliced in one run.
	maxIncludes = 10000
)

func (o Options) withDefaults(path string) Options {
	if o.ServerRoot == "" {
		o.ServerRoot = filepath.Dir(path)
	}
	if o.Root == "" {
		o.Root = o.ServerRoot
	}
	if o.MaxDepth <= 0 {
		o.MaxDepth = defaultMaxDepth
	}
	if o.MaxFileSize <= 0 {
		o.MaxFileSize = defaultMaxFileSize
	}
	if o.ReadFile == nil {
		max := o.MaxFileSize
		o.ReadFile = func(p string) ([]byte, error) {
			f, err := os.Open(p)
			if err != nil {
				return nil, err
			}
			defer f.Close()
			return io.ReadAll(io.LimitReader(f, max+1))
		}
	}
	if o.Glob == nil {
		o.Glob = filepath.Glob
	}
	if o.ListDir == nil {
		o.ListDir = func(p string) ([]string, bool) {
			es, err := os.ReadDir(p)
			if err != nil {
				return nil, false
			}
			names := make([]string, len(es))
			for i, e := range es {
				names[i] = e.Name()
			}
			return names, true
		}
	}
	return o
}

// Parse parses src, the text of path, and resolves its includes, Define
// and <IfDefine> in the order httpd reads them.
func Parse(path string, src []byte, opts Options) *Config {
	o := opts.withDefaults(path)
	r := &run{
		opts:    o,
		cfg:     &Config{Path: path, Sources: map[string][]byte{path: src}, ServerRoot: o.ServerRoot},
		files:   map[string]*fileEntry{},
		seen:    map[diagKey]bool{},
		defines: map[string]string{},
		topDir:  filepath.Dir(path),
	}
	for k, v := range o.Defines {
		r.defines[k] = v
	}
	r.rootAbs = absPath(o.Root)
	pf := parseSource(path, src, o.MaxDepth, o.MaxFileSize)
	r.absorb(&pf, nil)
	r.stack = []string{absPath(path)}
	r.cfg.Directives = r.expand(pf.ds, path, nil, false, false)
	r.cfg.ServerRoot = r.serverRoot()
	return r.cfg
}

type run struct {
	opts    Options
	cfg     *Config
	rootAbs string
	topDir  string
	files   map[string]*fileEntry
	stack   []string // absolute paths of files being spliced, for cycles
	loads   int
	seen    map[diagKey]bool
	defines map[string]string
	// root is a ServerRoot directive's value, once one was read.
	root string
}

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

func (r *run) serverRoot() string {
	if r.root != "" {
		return r.root
	}
	return r.opts.ServerRoot
}

func absPath(p string) string {
	if a, err := filepath.Abs(p); err == nil {
		return a
	}
	return filepath.Clean(p)
}

// expand resolves one list of directives in reading order. Directives of
// included files are cloned so that each inclusion carries its own Via
// chain and its own ${VAR} values.
func (r *run) expand(ds []*Directive, file string, via []model.Span, clone, inactive bool) []*Directive {
	// Without includes to splice, the list is rewritten in place.
	var out []*Directive
	if clone || hasInclude(ds) {
		out = make([]*Directive, 0, len(ds))
	} else {
		out = ds[:0]
	}
	for _, d := range ds {
		if clone {
			d = cloneDirective(d, via)
		}
		if inactive {
			d.Inactive = true
			out = append(out, d)
			continue
		}
		r.substitute(d)
		switch {
		case !d.Section && (d.Is("Include") || d.Is("IncludeOptional")):
			out = append(out, d) // kept, so lowering can point at it
			out = append(out, r.include(d, file, via)...)
			continue
		case !d.Section && d.Is("Define") && len(d.Args) > 0:
			r.defines[d.Arg(0)] = d.Arg(1)
		case !d.Section && d.Is("UnDefine") && len(d.Args) > 0:
			delete(r.defines, d.Arg(0))
		case !d.Section && d.Is("ServerRoot") && len(d.Args) > 0:
			r.setServerRoot(d.Arg(0))
		}
		if d.Section {
			off := false
			if d.Is("IfDefine") {
				off = !r.ifDefine(d.Arg(0))
			}
			d.Children = r.expand(d.Children, file, via, clone, off)
		}
		out = append(out, d)
	}
	return out
}

func hasInclude(ds []*Directive) bool {
	for _, d := range ds {
		if !d.Section && (d.Is("Include") || d.Is("IncludeOptional")) {
			return true
		}
	}
	return false
}

func (r *run) ifDefine(name string) bool {
	neg := strings.HasPrefix(name, "!")
	_, ok := r.defines[strings.TrimPrefix(name, "!")]
	return ok != neg
}

// setServerRoot follows a ServerRoot directive when it names a directory
// inside the linted root (a repository usually holds the configuration,
// not the server's /etc/apache2).
func (r *run) setServerRoot(p string) {
	if !filepath.IsAbs(p) {
		p = filepath.Join(r.opts.ServerRoot, p)
	}
	if !r.inRoot(p) {
		return
	}
	if _, ok := r.opts.ListDir(p); ok {
		r.root = p
	}
}

// substitute replaces ${NAME} in argument values with Define'd values; an
// unknown name stays as written, as httpd leaves it (with a warning).
func (r *run) substitute(d *Directive) {
	for i := range d.Args {
		v := d.Args[i].Value
		if !strings.Contains(v, "${") {
			continue
		}
		d.Args[i].Value = r.resolveVars(v)
	}
}

func (r *run) resolveVars(s string) string {
	var b strings.Builder
	for {
		i := strings.Index(s, "${")
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		j := strings.IndexByte(s[i+2:], '}')
		if j < 0 {
			b.WriteString(s)
			return b.String()
		}
		name := s[i+2 : i+2+j]
		b.WriteString(s[:i])
		if v, ok := r.defines[name]; ok {
			b.WriteString(v)
		} else {
			b.WriteString(s[i : i+3+j])
		}
		s = s[i+3+j:]
	}
}

func cloneDirective(d *Directive, via []model.Span) *Directive {
	nd := *d
	nd.Span.Via = via
	if !nd.Close.IsZero() {
		nd.Close.Via = via
	}
	if len(d.Args) > 0 {
		nd.Args = make([]Arg, len(d.Args))
		for i, a := range d.Args {
			a.Span.Via = via
			nd.Args[i] = a
		}
	}
	return &nd
}

// include returns the directives an Include or IncludeOptional stands for.
func (r *run) include(d *Directive, file string, via []model.Span) []*Directive {
	at := d.Span
	at.Via = via
	if len(d.Args) != 1 {
		r.diag(model.Diagnostic{RuleID: "CORS001", Message: fmt.Sprintf("%s takes one argument, a file, directory or wildcard pattern", d.Name), Span: at})
		return nil
	}
	optional := d.Is("IncludeOptional")
	argAt := d.Args[0].Span
	argAt.Via = via
	link := d.Span
	link.Via = nil
	chain := append(via[:len(via):len(via)], link)

	var out []*Directive
	for _, path := range r.resolve(d.Args[0].Value, file, argAt, optional) {
		key := absPath(path)
		if i := r.onStack(key); i >= 0 {
			names := make([]string, 0, len(r.stack)-i+1)
			for _, f := range r.stack[i:] {
				names = append(names, r.display(f))
			}
			names = append(names, r.display(key))
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
		r.stack = append(r.stack, key)
		out = append(out, r.expand(e.parsed.ds, path, chain, true, false)...)
		r.stack = r.stack[:len(r.stack)-1]
	}
	return out
}

func (r *run) onStack(key string) int {
	for i, f := range r.stack {
		if f == key {
			return i
		}
	}
	return -1
}

func (r *run) display(path string) string {
	if rel, err := filepath.Rel(r.rootAbs, absPath(path)); err == nil && !escapes(rel) {
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
	rel, err := filepath.Rel(r.rootAbs, absPath(path))
	return err == nil && !escapes(rel)
}

func (r *run) read(path string) *fileEntry {
	key := absPath(path)
	e := r.files[key]
	if e == nil {
		e = &fileEntry{}
		e.data, e.err = r.opts.ReadFile(path)
		if e.err == nil && int64(len(e.data)) > r.opts.MaxFileSize {
			e.data = e.data[:r.opts.MaxFileSize+1]
		}
		r.files[key] = e
	}
	return e
}

// candidates lists where a relative include may be. httpd reads it
// relative to ServerRoot only; when that finds nothing, the including
// file's directory and the directories above the top file are tried, for
// repositories that keep sites-available/ and conf-available/ side by side.
func (r *run) candidates(pattern, file string) []string {
	if filepath.IsAbs(pattern) {
		return []string{filepath.Clean(pattern)}
	}
	var out []string
	add := func(dir string) {
		p := filepath.Join(dir, pattern)
		for _, x := range out {
			if x == p {
				return
			}
		}
		out = append(out, p)
	}
	add(r.serverRoot())
	add(filepath.Dir(file))
	for dir := r.topDir; ; {
		add(dir)
		parent := filepath.Dir(dir)
		if parent == dir || !r.inRoot(parent) {
			break
		}
		dir = parent
	}
	return out
}

// resolve lists the files an include names, in the order httpd reads them:
// wildcard matches sorted, directories expanded recursively in name order.
// Include fails in httpd when nothing matches; IncludeOptional does not.
func (r *run) resolve(pattern, file string, at model.Span, optional bool) []string {
	glob := strings.ContainsAny(pattern, "*?[")
	outside := false
	for _, c := range r.candidates(pattern, file) {
		if !r.inRoot(c) {
			outside = true
			continue
		}
		var matches []string
		if glob {
			m, err := r.opts.Glob(c)
			if err != nil {
				r.diag(model.Diagnostic{RuleID: "CORS001", Message: fmt.Sprintf("include %q: %v", pattern, err), Span: at})
				return nil
			}
			matches = visible(c, m)
			sort.Strings(matches)
		} else if _, isDir := r.opts.ListDir(c); isDir {
			matches = []string{c}
		} else if e := r.read(c); !errors.Is(e.err, fs.ErrNotExist) {
			matches = []string{c}
		}
		if len(matches) == 0 {
			continue
		}
		var files []string
		for _, m := range matches {
			files = append(files, r.filesUnder(m, 0)...)
		}
		return files
	}
	switch {
	case outside:
		r.diag(model.Diagnostic{RuleID: "CORS003", Note: true, Span: at,
			Message: fmt.Sprintf("include %q is outside the linted root; not read (use --allow-outside-root)", pattern)})
	case !optional:
		r.diag(model.Diagnostic{RuleID: "CORS003", Span: at, Message: fmt.Sprintf("include %q matches no file (httpd refuses to start; IncludeOptional would skip it)", pattern)})
	}
	return nil
}

// filesUnder returns path itself, or for a directory every file below it
// in name order.
func (r *run) filesUnder(path string, depth int) []string {
	names, isDir := r.opts.ListDir(path)
	if !isDir {
		return []string{path}
	}
	if depth > 32 {
		return nil
	}
	sort.Strings(names)
	var out []string
	for _, n := range names {
		if n == "." || n == ".." {
			continue
		}
		out = append(out, r.filesUnder(filepath.Join(path, n), depth+1)...)
	}
	return out
}

// visible drops matches whose wildcard matched a leading '.': httpd's
// fnmatch runs with APR_FNM_PERIOD, while Go's filepath.Glob does not.
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
