package apache

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/corslint/corslint/model"
	"github.com/corslint/corslint/source"
)

// Options control how files and includes are read.
type Options struct {
	// ServerRoot resolves relative Include paths and DocumentRoots, like
	// httpd's ServerRoot (--include-root apache=DIR). Default: the top file's
	// directory; a ServerRoot directive inside the linted root overrides it.
	ServerRoot string
	// Root: includes resolving outside this directory, as written or
	// through a symbolic link, are not read unless AllowOutsideRoot.
	// Default: ServerRoot.
	Root             string
	AllowOutsideRoot bool
	// Defines are the names given to httpd with -D; <IfDefine> is false for
	// any other name that no Define sets.
	Defines map[string]string
	// FS is the file access, so tests and re-lowering can substitute; nil
	// means the OS.
	FS source.FS
	// MaxDepth is the section nesting limit, default 256.
	MaxDepth int
	// MaxFileSize defaults to 16 MiB.
	MaxFileSize int64
}

const defaultMaxDepth = 256

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
		o.MaxFileSize = source.DefaultMaxFileSize
	}
	if o.FS == nil {
		o.FS = source.OS{}
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
		parsed:  map[string]*parsed{},
		defines: map[string]string{},
		topDir:  filepath.Dir(path),
		src: source.New(path, source.Options{
			Root: o.Root, AllowOutsideRoot: o.AllowOutsideRoot, MaxFileSize: o.MaxFileSize, FS: o.FS,
		}),
	}
	for k, v := range o.Defines {
		r.defines[k] = v
	}
	pf := parseSource(path, src, o.MaxDepth, o.MaxFileSize)
	r.absorb(&pf, nil)
	r.cfg.Directives = r.expand(pf.ds, path, nil, false, false)
	r.cfg.ServerRoot = r.serverRoot()
	r.cfg.Diagnostics = r.src.Diagnostics()
	return r.cfg
}

type run struct {
	opts    Options
	cfg     *Config
	src     *source.Reader
	topDir  string
	parsed  map[string]*parsed // by path as resolved
	defines map[string]string
	// root is a ServerRoot directive's value, once one was read.
	root string
}

func (r *run) absorb(pf *parsed, via []model.Span) {
	for _, c := range pf.comments {
		c.Span.Via = via
		r.cfg.Comments = append(r.cfg.Comments, c)
	}
	for _, d := range pf.diags {
		d.Span.Via = via
		r.src.Report(d)
	}
}

func absPath(p string) string {
	if a, err := filepath.Abs(p); err == nil {
		return a
	}
	return filepath.Clean(p)
}

func (r *run) serverRoot() string {
	if r.root != "" {
		return r.root
	}
	return r.opts.ServerRoot
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
	if r.src.InRoot(p) && r.src.IsDir(p) {
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
		r.src.Report(model.Diagnostic{RuleID: "CORS001", Message: fmt.Sprintf("%s takes one argument, a file, directory or wildcard pattern", d.Name), Span: at})
		return nil
	}
	optional := d.Is("IncludeOptional")
	argAt := d.Args[0].Span
	argAt.Via = via
	inc := source.Include{Name: d.Args[0].Value, At: at, ArgAt: argAt}
	chain := inc.Chain()

	var out []*Directive
	for _, path := range r.resolve(d.Args[0].Value, file, argAt, optional) {
		data, first, err := r.src.Enter(path, inc)
		if err != nil {
			continue
		}
		pf := r.parsed[path]
		if first || pf == nil {
			p := parseSource(path, data, r.opts.MaxDepth, r.opts.MaxFileSize)
			pf = &p
			r.parsed[path] = pf
			r.cfg.Sources[path] = data
			r.absorb(pf, chain)
		}
		out = append(out, r.expand(pf.ds, path, chain, true, false)...)
		r.src.Leave()
	}
	return out
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
		if parent == dir || !r.src.InRoot(parent) {
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
	found := r.src.Find(r.candidates(pattern, file), glob, true)
	if found.Err != nil {
		r.src.Report(model.Diagnostic{RuleID: "CORS001", Message: fmt.Sprintf("include %q: %v", pattern, found.Err), Span: at})
		return nil
	}
	switch {
	case found.Matched:
		return found.Files
	case found.Outside:
		r.src.Report(model.Diagnostic{RuleID: "CORS003", Note: true, Span: at,
			Message: fmt.Sprintf("include %q is outside the linted root; not read (use --allow-outside-root)", pattern)})
	case !optional:
		r.src.Report(model.Diagnostic{RuleID: "CORS003", Span: at, Message: fmt.Sprintf("include %q matches no file (httpd refuses to start; IncludeOptional would skip it)", pattern)})
	}
	return nil
}
