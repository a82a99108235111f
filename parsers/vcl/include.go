package vcl

import (
	"bytes"
	"errors"
	"fmt"
	"path/filepath"
	"sort"
	"strings"

	"github.com/corslint/corslint/dialect"
	"github.com/corslint/corslint/model"
	srcread "github.com/corslint/corslint/source"
)

// Options control how files and includes are read.
type Options struct {
	// Root: includes resolving outside this directory, as written or
	// through a symbolic link, are not read unless AllowOutsideRoot.
	// Default: the top file's directory.
	Root             string
	AllowOutsideRoot bool
	// IncludePath lists the directories searched for includes that do not
	// start with "./", like varnishd's vcl_path. The including file's
	// directory and the top file's directory are always searched first.
	IncludePath []string
	// FS is the file access, so tests can substitute; nil means the OS.
	FS srcread.FS
	// MaxDepth bounds block and expression nesting (default 256): deeper
	// is a CORS001, never a stack overflow.
	MaxDepth int
	// MaxFileSize defaults to 16 MiB.
	MaxFileSize int64
}

const defaultMaxDepth = 256

// noFiles is a file system without files, for VCL that includes nothing.
func noFiles() srcread.FS { return srcread.Map{} }

func (o Options) withDefaults(path string) Options {
	if o.Root == "" {
		o.Root = filepath.Dir(path)
	}
	if o.MaxDepth <= 0 {
		o.MaxDepth = defaultMaxDepth
	}
	if o.MaxFileSize <= 0 {
		o.MaxFileSize = srcread.DefaultMaxFileSize
	}
	if o.FS == nil {
		o.FS = srcread.OS{}
	}
	return o
}

func isTemplatePath(path string) bool {
	name := strings.ToLower(filepath.Base(path))
	return dialect.StripTemplateExt(name) != name
}

// IsVTC reports whether path names a varnishtest file, template
// extensions aside.
func IsVTC(path string) bool {
	return strings.HasSuffix(dialect.BaseName(path), ".vtc")
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
	r := &run{opts: o, cfg: cfg, top: path}
	r.src = r.newReader()
	top := &source{path: path}
	lx := lex(top, string(text))
	r.absorb(lx)
	nComments := len(cfg.Comments)
	toks := r.expand(lx.toks, path)
	if len(r.backToTop) > 0 && !(len(lx.toks) > 1 && lx.toks[0].is(tID, "vcl") && lx.toks[1].kind == tNum) {
		// A fragment (no `vcl 4.x;`) whose includes lead back to it is
		// read without them: the VCL that includes it reports the cycle,
		// and the two do not each count as included by the other (the
		// CLI would lint neither).
		r.skip = map[string]bool{}
		for _, k := range r.backToTop {
			r.skip[k] = true
		}
		cfg.Comments = cfg.Comments[:nComments]
		cfg.Includes, cfg.Sources = nil, map[string][]byte{path: src}
		r.src, r.backToTop = r.newReader(), nil
		r.absorbDiags(lx)
		toks = r.expand(lx.toks, path)
	}
	cfg.Diagnostics = r.src.Diagnostics()
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
	opts Options
	cfg  *Config
	src  *srcread.Reader
	top  string
	// backToTop lists the files the top file includes that include it
	// back; skip, those not followed.
	backToTop []string
	skip      map[string]bool
}

func (r *run) newReader() *srcread.Reader {
	return srcread.New(r.top, srcread.Options{
		Root: r.opts.Root, AllowOutsideRoot: r.opts.AllowOutsideRoot, MaxFileSize: r.opts.MaxFileSize, FS: r.opts.FS,
	})
}

func (r *run) absorb(lx *lexer) {
	r.cfg.Comments = append(r.cfg.Comments, lx.comments...)
	r.absorbDiags(lx)
}

func (r *run) absorbDiags(lx *lexer) {
	for _, d := range lx.diags {
		r.src.Report(d)
	}
}

func (r *run) diag(rule, msg string, at model.Span, note bool) {
	r.src.Report(model.Diagnostic{RuleID: rule, Message: msg, Span: at, Note: note})
}

// expand splices included files into toks, as Varnish does before it
// parses: an include may stand anywhere a token may. Tokens carry their
// include chain, so an include's own span says how it was reached.
func (r *run) expand(toks []token, file string) []token {
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
		for _, path := range r.resolve(name, glob, file, toks[j].span()) {
			if r.skip[r.src.Key(path)] {
				continue
			}
			inc.Files = append(inc.Files, path)
			out = append(out, r.include(path, srcread.Include{Name: name, At: at})...)
		}
	}
	return out
}

func isTemplated(s string) bool {
	return strings.Contains(s, "<%") || strings.Contains(s, "{{") || strings.Contains(s, "${") || strings.Contains(s, "%{")
}

// include lexes one included file and splices its own includes.
func (r *run) include(path string, inc srcread.Include) []token {
	data, _, err := r.src.Enter(path, inc)
	if err != nil {
		var ce *srcread.CycleError
		if errors.As(err, &ce) && ce.Start == 0 && r.src.Depth() > 1 {
			r.backToTop = append(r.backToTop, r.src.StackKey(1))
		}
		return nil
	}
	defer r.src.Leave()
	chain := inc.Chain()
	if bytes.IndexByte(data, 0) >= 0 {
		r.diag("CORS001", "binary file", model.Span{File: path, Line: 1, Col: 1, EndLine: 1, EndCol: 1, Via: chain}, false)
		return nil
	}
	r.cfg.Sources[path] = data
	lx := lex(&source{path: path, via: chain}, string(data))
	r.absorb(lx)
	return r.expand(lx.toks, path)
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
	found := r.src.Find(cands, glob, false)
	switch {
	case found.Err != nil:
		r.diag("CORS001", fmt.Sprintf("include %q: %v", name, found.Err), at, false)
	case found.Matched:
		return found.Files
	case found.Outside:
		r.diag("CORS003", fmt.Sprintf("include %q is outside the linted root; not read (use --allow-outside-root)", name), at, true)
	default:
		r.diag("CORS003", fmt.Sprintf("include %q matches no file", name), at, false)
	}
	return nil
}
