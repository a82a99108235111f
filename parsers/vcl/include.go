package vcl

import (
	"bytes"
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
	// Root: includes resolving outside this directory are not read (a
	// CORS003 note says so) unless AllowOutsideRoot. Default: the top
	// file's directory.
	Root             string
	AllowOutsideRoot bool
	// IncludePath lists the directories searched for includes that do not
	// start with "./", like varnishd's vcl_path. The including file's
	// directory and the top file's directory are always searched first.
	IncludePath []string
	// ReadFile and Glob give file access, so tests can substitute; nil
	// means the OS.
	ReadFile func(path string) ([]byte, error)
	Glob     func(pattern string) ([]string, error)
	// MaxDepth bounds block and expression nesting (default 256): deeper
	// is a CORS001, never a stack overflow.
	MaxDepth int
	// MaxFileSize defaults to 16 MiB.
	MaxFileSize int64
}

const (
	defaultMaxDepth    = 256
	defaultMaxFileSize = 16 << 20
	maxIncludes        = 10000
)

func (o Options) withDefaults(path string) Options {
	if o.Root == "" {
		o.Root = filepath.Dir(path)
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
	return o
}

var templateExts = []string{".erb", ".tftpl", ".tmpl", ".tpl", ".j2", ".jinja", ".jinja2", ".template", ".in"}

// stripTemplateExt removes template extensions: "a.vcl.erb" is "a.vcl".
func stripTemplateExt(name string) string {
	for {
		trimmed := name
		for _, ext := range templateExts {
			trimmed = strings.TrimSuffix(trimmed, ext)
		}
		if trimmed == name {
			return name
		}
		name = trimmed
	}
}

func isTemplatePath(path string) bool {
	name := strings.ToLower(filepath.Base(path))
	return stripTemplateExt(name) != name
}

// IsVTC reports whether path names a varnishtest file, template
// extensions aside.
func IsVTC(path string) bool {
	return strings.HasSuffix(stripTemplateExt(strings.ToLower(filepath.Base(path))), ".vtc")
}

// Parse parses src, the text of path, and resolves its includes. A .vtc
// file is read for the VCL it embeds.
func Parse(path string, src []byte, opts Options) *Config {
	o := opts.withDefaults(path)
	cfg := &Config{Path: path, Sources: map[string][]byte{path: src}}
	fileDiag := func(msg string) *Config {
		cfg.Diagnostics = append(cfg.Diagnostics, model.Diagnostic{RuleID: "CORS001", Message: msg, Span: model.Span{File: path, Line: 1, Col: 1, EndLine: 1, EndCol: 1}})
		return cfg
	}
	if int64(len(src)) > o.MaxFileSize {
		return fileDiag(fmt.Sprintf("file too large: more than %d bytes", o.MaxFileSize))
	}
	if bytes.IndexByte(src, 0) >= 0 {
		return fileDiag("binary file")
	}
	text := src
	if IsVTC(path) {
		var ok bool
		if text, ok = embeddedVCL(src); !ok {
			return cfg // a varnishtest without VCL of its own
		}
		cfg.Embedded = true
	}
	r := &run{opts: o, cfg: cfg, rootAbs: absPath(o.Root), top: path, files: map[string]readResult{}}
	top := &source{path: path}
	lx := lex(top, string(text))
	r.absorb(lx)
	r.stack = []string{absPath(path)}
	nDiags, nComments := len(cfg.Diagnostics), len(cfg.Comments)
	toks := r.expand(lx.toks, path, nil)
	if len(r.backToTop) > 0 && !(len(lx.toks) > 1 && lx.toks[0].is(tID, "vcl") && lx.toks[1].kind == tNum) {
		// A fragment (no `vcl 4.x;`) whose includes lead back to it is
		// read without them: the VCL that includes it reports the cycle,
		// and the two do not each count as included by the other (the
		// CLI would lint neither).
		r.skip = map[string]bool{}
		for _, k := range r.backToTop {
			r.skip[k] = true
		}
		cfg.Diagnostics, cfg.Comments = cfg.Diagnostics[:nDiags], cfg.Comments[:nComments]
		cfg.Includes, cfg.Sources = nil, map[string][]byte{path: src}
		r.loads, r.backToTop = 0, nil
		toks = r.expand(lx.toks, path, nil)
	}
	toks = append(toks, token{kind: tEOF, src: top, line: int32(lx.line), col: int32(lx.col(len(lx.src))), eLn: int32(lx.line), eCol: int32(lx.col(len(lx.src)))})

	p := &parser{toks: toks, maxDepth: o.MaxDepth, template: isTemplatePath(path), lexErrs: cfg.Diagnostics}
	p.strict = cfg.Embedded || len(toks) > 1 && toks[0].is(tID, "vcl") && toks[1].kind == tNum
	cfg.Decls, cfg.Version = p.file()
	if !p.strict {
		cfg.Fastly = isFastly(cfg, toks)
		for _, d := range cfg.Decls {
			if s, ok := d.(*Sub); ok && s.Snippet {
				s.Name = snippetSub(path, s.Body)
			}
		}
	}
	cfg.Diagnostics = append(cfg.Diagnostics, p.diags...)
	sort.SliceStable(cfg.Diagnostics, func(i, j int) bool { return cfg.Diagnostics[i].Span.Before(cfg.Diagnostics[j].Span) })
	return cfg
}

type run struct {
	opts    Options
	cfg     *Config
	rootAbs string
	top     string
	stack   []string // absolute paths of the files being spliced, for cycles
	loads   int
	// backToTop lists the files the top file includes that include it
	// back; skip, those not followed.
	backToTop []string
	skip      map[string]bool
	files     map[string]readResult // by absolute path: each file is read once
}

type readResult struct {
	data []byte
	err  error
}

func (r *run) read(path string) ([]byte, error) {
	key := absPath(path)
	if res, ok := r.files[key]; ok {
		return res.data, res.err
	}
	data, err := r.opts.ReadFile(path)
	r.files[key] = readResult{data, err}
	return data, err
}

func (r *run) absorb(lx *lexer) {
	r.cfg.Comments = append(r.cfg.Comments, lx.comments...)
	r.cfg.Diagnostics = append(r.cfg.Diagnostics, lx.diags...)
}

func (r *run) diag(rule, msg string, at model.Span, note bool) {
	r.cfg.Diagnostics = append(r.cfg.Diagnostics, model.Diagnostic{RuleID: rule, Message: msg, Span: at, Note: note})
}

func absPath(p string) string {
	if a, err := filepath.Abs(p); err == nil {
		return a
	}
	return filepath.Clean(p)
}

// expand splices included files into toks, as Varnish does before it
// parses: an include may stand anywhere a token may.
func (r *run) expand(toks []token, file string, via []model.Span) []token {
	has := false
	for i := range toks {
		if toks[i].kind == tID && toks[i].text == "include" {
			has = true
			break
		}
	}
	if !has {
		return toks
	}
	out := make([]token, 0, len(toks))
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		if !t.is(tID, "include") {
			out = append(out, t)
			continue
		}
		j, glob, ok := i+1, false, true
		for j+1 < len(toks) && toks[j].is(tPunct, "+") && toks[j+1].kind == tID {
			if toks[j+1].text != "glob" {
				r.diag("CORS001", fmt.Sprintf("unknown include flag %q", toks[j+1].text), toks[j+1].span(), false)
				ok = false
			}
			glob = true
			j += 2
		}
		if j+1 >= len(toks) || !toks[j+1].is(tPunct, ";") || toks[j].kind != tString && toks[j].kind != tTemplate {
			out = append(out, t) // the parser reports it
			continue
		}
		at := spanFrom(t, toks[j+1])
		i = j + 1
		name := toks[j].value()
		if !ok || toks[j].kind == tTemplate || isTemplated(name) {
			continue // a path only the template engine knows
		}
		inc := &Include{Path: name, Span: at}
		r.cfg.Includes = append(r.cfg.Includes, inc)
		link := at
		link.Via = nil
		chain := append(via[:len(via):len(via)], link)
		for _, path := range r.resolve(name, glob, file, toks[j].span()) {
			if r.skip[absPath(path)] {
				continue
			}
			inc.Files = append(inc.Files, path)
			out = append(out, r.include(path, name, at, chain)...)
		}
	}
	return out
}

func isTemplated(s string) bool {
	return strings.Contains(s, "<%") || strings.Contains(s, "{{") || strings.Contains(s, "${") || strings.Contains(s, "%{")
}

// include lexes one included file and splices its own includes.
func (r *run) include(path, name string, at model.Span, chain []model.Span) []token {
	key := absPath(path)
	for i, k := range r.stack {
		if k == key {
			names := make([]string, 0, len(r.stack)-i+1)
			for _, s := range r.stack[i:] {
				names = append(names, r.display(s))
			}
			names = append(names, r.display(key))
			r.diag("CORS001", "include cycle: "+strings.Join(names, " -> "), at, false)
			if i == 0 && len(r.stack) > 1 {
				r.backToTop = append(r.backToTop, r.stack[1])
			}
			return nil
		}
	}
	if r.loads >= maxIncludes {
		r.diag("CORS001", fmt.Sprintf("too many includes (more than %d); the rest are not read", maxIncludes), at, false)
		return nil
	}
	r.loads++
	data, err := r.read(path)
	if err != nil {
		r.diag("CORS001", fmt.Sprintf("cannot read include %q: %v", name, err), at, false)
		return nil
	}
	fileAt := model.Span{File: path, Line: 1, Col: 1, EndLine: 1, EndCol: 1, Via: chain}
	if int64(len(data)) > r.opts.MaxFileSize {
		r.diag("CORS001", fmt.Sprintf("file too large: more than %d bytes", r.opts.MaxFileSize), fileAt, false)
		return nil
	}
	if bytes.IndexByte(data, 0) >= 0 {
		r.diag("CORS001", "binary file", fileAt, false)
		return nil
	}
	r.cfg.Sources[path] = data
	lx := lex(&source{path: path, via: chain}, string(data))
	r.absorb(lx)
	r.stack = append(r.stack, key)
	defer func() { r.stack = r.stack[:len(r.stack)-1] }()
	return r.expand(lx.toks, path, chain)
}

func (r *run) display(abs string) string {
	if rel, err := filepath.Rel(r.rootAbs, abs); err == nil && !escapes(rel) {
		return filepath.ToSlash(rel)
	}
	return abs
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

// resolve lists the files an include names. "./x" is relative to the
// including file, as in Varnish; other relative names are searched in the
// including file's directory, the top file's and IncludePath (vcl_path).
func (r *run) resolve(name string, glob bool, file string, at model.Span) []string {
	var cands []string
	switch {
	case filepath.IsAbs(name):
		cands = []string{filepath.Clean(name)}
	case strings.HasPrefix(name, "./"):
		cands = []string{filepath.Join(filepath.Dir(file), name)}
	default:
		seen := map[string]bool{}
		for _, dir := range append([]string{filepath.Dir(file), filepath.Dir(r.top)}, r.opts.IncludePath...) {
			c := filepath.Join(dir, name)
			if !seen[c] {
				seen[c] = true
				cands = append(cands, c)
			}
		}
	}
	outside := false
	for _, c := range cands {
		if !r.inRoot(c) {
			outside = true
			continue
		}
		if glob {
			m, err := r.opts.Glob(c)
			if err != nil {
				r.diag("CORS001", fmt.Sprintf("include %q: %v", name, err), at, false)
				return nil
			}
			if len(m) > 0 {
				sort.Strings(m)
				return m
			}
			continue
		}
		if _, err := r.read(c); !errors.Is(err, fs.ErrNotExist) {
			return []string{c}
		}
	}
	if outside {
		r.diag("CORS003", fmt.Sprintf("include %q is outside the linted root; not read (use --allow-outside-root)", name), at, true)
		return nil
	}
	r.diag("CORS003", fmt.Sprintf("include %q matches no file", name), at, false)
	return nil
}
