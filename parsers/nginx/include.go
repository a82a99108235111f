package nginx

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/corslint/corslint/model"
	"github.com/corslint/corslint/source"
)

// Options control how files and includes are read.
type Options struct {
	// Prefix resolves relative includes that are not found relative to the
	// including file (nginx -p / conf dir). Default: the directory of the
	// top file.
	Prefix string
	// Root: includes resolving outside this directory, as written or
	// through a symbolic link, are not read unless AllowOutsideRoot.
	// Default: Prefix.
	Root             string
	AllowOutsideRoot bool
	// FS is the file access, so tests and stdin can substitute; nil means
	// the OS.
	FS source.FS
	// MaxDepth is the block nesting limit, default 256: deeper is a CORS001
	// at the opening directive, never a stack overflow.
	MaxDepth int
	// MaxFileSize defaults to 16 MiB: larger files are a CORS001 "file too
	// large" without reading further.
	MaxFileSize int64
}

const defaultMaxDepth = 256

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
		o.MaxFileSize = source.DefaultMaxFileSize
	}
	if o.FS == nil {
		o.FS = source.OS{}
	}
	return o
}

// Parse parses src, the text of path (which may be stdin), and resolves its
// includes through opts.
func Parse(path string, src []byte, opts Options) *Config {
	o := opts.withDefaults(path)
	r := &run{
		opts:   o,
		cfg:    &Config{Path: path, Sources: map[string][]byte{path: src}},
		parsed: map[string]*parsed{},
		src: source.New(path, source.Options{
			Root: o.Root, AllowOutsideRoot: o.AllowOutsideRoot, MaxFileSize: o.MaxFileSize, FS: o.FS,
		}),
	}
	pf := parseSource(path, src, r.opts.MaxDepth, r.opts.MaxFileSize)
	r.absorb(&pf, nil)
	ds := pf.ds
	if pf.includes {
		ds = r.expand(ds, path, nil, false)
	}
	r.cfg.Directives = ds
	r.cfg.Diagnostics = r.src.Diagnostics()
	return r.cfg
}

type run struct {
	opts   Options
	cfg    *Config
	src    *source.Reader
	parsed map[string]*parsed // by path as resolved
}

// absorb records a file's comments and syntax errors, once per file.
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
		r.src.Report(model.Diagnostic{RuleID: "CORS001", Message: `invalid number of arguments in "include" directive`, Span: at})
		return nil
	}
	argAt := d.Args[0].Span
	argAt.Via = via
	inc := source.Include{Name: d.Args[0].Value, At: at, ArgAt: argAt}
	chain := inc.Chain()

	var out []*Directive
	for _, path := range r.resolve(d.Args[0], file, argAt) {
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
		out = append(out, r.expand(pf.ds, path, chain, true)...)
		r.src.Leave()
	}
	return out
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
	found := r.src.Find(cands, glob, false)
	if found.Err != nil {
		r.src.Report(model.Diagnostic{RuleID: "CORS001", Message: fmt.Sprintf("include %q: %v", pattern, found.Err), Span: at})
		return nil
	}
	if len(found.Files) > 0 {
		return found.Files
	}
	switch {
	case isTemplated(pattern):
		r.src.Report(model.Diagnostic{RuleID: "CORS003", Note: true, Span: at,
			Message: fmt.Sprintf("include %q is a template expression; not followed", pattern)})
	case found.Outside:
		r.src.Report(model.Diagnostic{RuleID: "CORS003", Note: true, Span: at,
			Message: fmt.Sprintf("include %q is outside the linted root; not read (use --allow-outside-root)", pattern)})
	case !glob && stockFiles[filepath.Base(pattern)]:
		r.src.Report(model.Diagnostic{RuleID: "CORS003", Note: true, Span: at,
			Message: fmt.Sprintf("include %q, a file nginx ships, is not in the linted tree; not read (pass --include-root nginx=DIR, DIR its directory, to read it)", pattern)})
	case !glob:
		r.src.Report(model.Diagnostic{RuleID: "CORS003", Span: at, Message: fmt.Sprintf("include %q matches no file", pattern)})
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
