package cli

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"sort"
	"strings"
	"sync"

	"golang.org/x/sync/errgroup"

	"github.com/corslint/corslint/findings"
	"github.com/corslint/corslint/model"
	"github.com/corslint/corslint/parsers/nginx"
	"github.com/corslint/corslint/rules"
	"github.com/corslint/corslint/source"
)

// lintOptions are the settings of one run.
type lintOptions struct {
	nginxPrefix      string
	allowOutsideRoot bool
	stdinFilename    string
	maxFileSize      int64
	jobs             int
	// apacheRoot is httpd's ServerRoot for relative Apache includes.
	apacheRoot string

	// From .corslint.yaml and the flags (see config.go): paths not linted,
	// severity overrides by rule ID, and whether ignore comments count.
	exclude        func(path string) bool
	severity       map[string]findings.Severity
	noInlineIgnore bool
	// skipUnknown treats named files like walked ones: a file that does not
	// look like a supported configuration is skipped, not read as nginx.
	skipUnknown bool
	// stackRank places a file in the declared request path (.corslint.yaml
	// stack:), 0 outermost; -1 for files outside it. nil: none declared.
	stackRank func(path string) int
}

// parseFunc reads one file of a dialect into the model.
type parseFunc func(path string, src []byte, root string, o *lintOptions) *model.File

// parsers maps each supported dialect to its parser.
func parsers() map[model.Dialect]parseFunc {
	return map[model.Dialect]parseFunc{
		model.Nginx: func(path string, src []byte, root string, o *lintOptions) *model.File {
			cfg := nginx.Parse(path, src, nginx.Options{
				Prefix: o.nginxPrefix, Root: root, AllowOutsideRoot: o.allowOutsideRoot, MaxFileSize: o.maxFileSize,
			})
			return nginx.Lower(cfg)
		},
		model.Apache: parseApache,
		model.SAM:    parseSAM,
		model.VCL:    parseVCL,
	}
}

// candidate is a file to lint.
type candidate struct {
	path     string
	root     string
	explicit bool
	stdin    []byte // set for "-"
	err      error  // set for a directory the walk could not read
}

// skipDirs are never descended into.
var skipDirs = map[string]bool{".git": true, "node_modules": true, "vendor": true, ".hg": true, ".svn": true}

// discover expands the command-line paths into files. Missing paths are
// returned as errors; the rest is still linted.
func discover(args []string, stdin io.Reader, o *lintOptions) ([]candidate, []error) {
	var out []candidate
	var errs []error
	cwd, _ := os.Getwd()
	for _, arg := range args {
		if arg == "-" {
			src, err := io.ReadAll(io.LimitReader(stdin, o.maxFileSize+1))
			if err != nil {
				errs = append(errs, fmt.Errorf("reading standard input: %w", err))
				continue
			}
			name := o.stdinFilename
			if name == "" {
				name = "<stdin>"
			}
			out = append(out, candidate{path: name, root: cwd, explicit: true, stdin: src})
			continue
		}
		if o.exclude != nil && o.exclude(arg) {
			continue
		}
		info, err := os.Stat(arg)
		if err != nil {
			errs = append(errs, fmt.Errorf("cannot lint %s: %w", arg, err))
			continue
		}
		root := rootFor(arg, info.IsDir(), cwd)
		if !info.IsDir() {
			out = append(out, candidate{path: filepath.Clean(arg), root: root, explicit: !o.skipUnknown})
			continue
		}
		err = filepath.WalkDir(arg, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				// An unreadable directory is reported as a parse error of
				// its path and the walk goes on.
				out = append(out, candidate{path: p, root: root, explicit: true, err: err})
				if d != nil && d.IsDir() {
					return fs.SkipDir
				}
				return nil
			}
			if p != arg && o.exclude != nil && o.exclude(p) {
				if d.IsDir() {
					return fs.SkipDir
				}
				return nil
			}
			if d.IsDir() {
				if p != arg && skipDirs[d.Name()] {
					return fs.SkipDir
				}
				return nil
			}
			if d.Type()&fs.ModeSymlink != 0 || !d.Type().IsRegular() {
				return nil // symlinks are followed only through includes
			}
			out = append(out, candidate{path: p, root: root})
			return nil
		})
		if err != nil {
			errs = append(errs, fmt.Errorf("walking %s: %w", arg, err))
		}
	}
	return out, errs
}

// rootFor is the directory includes may not leave: the working directory
// when the path lies in it, else the path's own directory.
func rootFor(arg string, isDir bool, cwd string) string {
	abs, err := filepath.Abs(arg)
	if err != nil {
		return cwd
	}
	if rel, err := filepath.Rel(cwd, abs); err == nil && !strings.HasPrefix(rel, "..") {
		return cwd
	}
	if isDir {
		return abs
	}
	return filepath.Dir(abs)
}

// result is what linting one candidate produced.
type result struct {
	file     *model.File
	internal error
	// checked is set when the rules already ran on file as a stack of its
	// own, in the parsing pass; file is then a stub of what later steps
	// read (path, dialect, sources, comments) and found holds the
	// findings.
	checked  bool
	found    []findings.Finding
	checkErr error
}

// lintFiles parses candidates in parallel, drops files that another linted
// file includes (they are checked in context), and runs the rules.
//
// Memory stays bounded by running the rules on a file as soon as it is
// parsed and keeping only its text, when nothing that comes later can
// change what the rules see: files that form stacks with others (a
// directory with a VCL, .corslint.yaml stack:) and Apache files (linked
// with their .htaccess) wait for the second pass with their models.
func lintFiles(cands []candidate, rs []*rules.Rule, ropts *rules.Options, o *lintOptions) ([]findings.Finding, map[string][]byte, int, []error) {
	table := parsers()
	results := make([]result, len(cands))
	vclDirs := namedVCLDirs(cands)
	var mu sync.Mutex
	seenIncluded := map[string]bool{} // grows as files are parsed
	g := errgroup.Group{}
	g.SetLimit(o.jobs)
	for _, i := range parseOrder(cands) {
		g.Go(func() error {
			res := parseOne(cands[i], table, o)
			f := res.file
			if f == nil {
				results[i] = res
				return nil
			}
			mu.Lock()
			for p := range f.Sources {
				if p != f.Path {
					seenIncluded[filepath.Clean(p)] = true
				}
			}
			// A walked file already known to be included is dropped at
			// the end whatever its findings: skip its rules.
			dropped := !cands[i].explicit && seenIncluded[filepath.Clean(cands[i].path)]
			mu.Unlock()
			if standsAlone(f, vclDirs, o) {
				if !dropped {
					res.found, res.checkErr = check(f, []*model.File{f}, rs, ropts)
				}
				res.checked = true
				res.file = stub(f)
			}
			results[i] = res
			return nil
		})
	}
	_ = g.Wait()

	included := map[string]bool{}
	for _, r := range results {
		if r.file == nil {
			continue
		}
		for p := range r.file.Sources {
			if p != r.file.Path {
				included[filepath.Clean(p)] = true
			}
		}
	}
	var files []*model.File
	var internal []error
	byFile := map[*model.File]int{} // index in cands and results
	for i, r := range results {
		if r.internal != nil {
			internal = append(internal, r.internal)
		}
		if r.file == nil || included[filepath.Clean(cands[i].path)] && !cands[i].explicit {
			continue
		}
		files = append(files, r.file)
		byFile[r.file] = i
	}
	// Apache lowers .htaccess files together with the vhosts that cover
	// their directories.
	files = linkApache(files)

	stacks := stackFor(files, o.stackRank)
	// A VCL that only its content revealed makes a stack of a directory
	// whose files already ran alone: parse those again, from the text
	// they were read with, and check them in the stack.
	for i, f := range files {
		k, ok := byFile[f]
		if !ok || !results[k].checked || len(stacks[i]) <= 1 {
			continue
		}
		c := cands[k]
		c.stdin = f.Sources[f.Path]
		again := parseOne(c, table, o)
		if again.file == nil {
			continue
		}
		for j, sf := range stacks[i] {
			if sf == f {
				stacks[i][j] = again.file
			}
		}
		files[i] = again.file
	}
	perFile := make([][]findings.Finding, len(files))
	perErr := make([]error, len(files))
	for i := range files {
		if k, ok := byFile[files[i]]; ok && results[k].checked {
			perFile[i], perErr[i] = results[k].found, results[k].checkErr
			continue
		}
		g.Go(func() error {
			perFile[i], perErr[i] = check(files[i], stacks[i], rs, ropts)
			return nil
		})
	}
	_ = g.Wait()
	for _, err := range perErr {
		if err != nil {
			internal = append(internal, err)
		}
	}

	// Ignore comments, then the configuration's severities and excludes.
	all := inlineIgnores(files, perFile, rs, o)
	sources := map[string][]byte{}
	for i, fs := range perFile {
		all = append(all, fs...)
		for p, src := range files[i].Sources {
			sources[p] = src
		}
	}
	all = adjust(all, o)
	findings.Sort(all)
	return findings.Dedupe(all), sources, len(files), internal
}

// stub keeps what the steps after the rules read: the text of the files
// (for snippets) and the comments (for ignore directives), detached from
// the parser's copies so that those can be freed.
func stub(f *model.File) *model.File {
	cs := make([]model.Comment, len(f.Comments))
	for i, c := range f.Comments {
		c.Text = strings.Clone(c.Text)
		cs[i] = c
	}
	return &model.File{Path: f.Path, Dialect: f.Dialect, Sources: f.Sources, Comments: cs}
}

// check runs the rules on one file; a panic in a rule is an internal
// error for that file only.
func check(f *model.File, stack []*model.File, rs []*rules.Rule, ropts *rules.Options) (fs []findings.Finding, err error) {
	defer func() {
		if p := recover(); p != nil {
			fs, err = nil, fmt.Errorf("internal error checking %s: %v\n%s", f.Path, p, debug.Stack())
		}
	}()
	return rules.Run(f, stack, rs, ropts), nil
}

// standsAlone reports whether the rules can run on f as soon as it is
// parsed: it is no Apache file (those are linked with their .htaccess
// files), and it forms no stack with other files, as far as names tell.
func standsAlone(f *model.File, vclDirs map[string]bool, o *lintOptions) bool {
	if f.Dialect == model.Apache || f.Dialect == model.VCL {
		return false
	}
	if o.stackRank != nil {
		return o.stackRank(f.Path) < 0
	}
	return !vclDirs[filepath.Dir(f.Path)]
}

// namedVCLDirs lists the directories that hold a file named like VCL.
func namedVCLDirs(cands []candidate) map[string]bool {
	dirs := map[string]bool{}
	for _, c := range cands {
		switch filepath.Ext(strings.ToLower(stripTemplateExt(filepath.Base(c.path)))) {
		case ".vcl", ".vtc":
			dirs[filepath.Dir(c.path)] = true
		}
	}
	return dirs
}

// parseOrder puts the files that usually include others (nginx.conf,
// httpd.conf, apache2.conf) first, so that the files they include are
// known to be included when their turn comes and their rules need not
// run. Results go by index, so the order changes no output.
func parseOrder(cands []candidate) []int {
	order := make([]int, 0, len(cands))
	var rest []int
	for i, c := range cands {
		switch strings.ToLower(stripTemplateExt(filepath.Base(c.path))) {
		case "nginx.conf", "httpd.conf", "apache2.conf":
			order = append(order, i)
		default:
			rest = append(rest, i)
		}
	}
	return append(order, rest...)
}

// stackFor gives each file the stack that cross-layer rules see. With
// stack globs (.corslint.yaml stack:), the files they match form one
// stack, in the order of the globs. Otherwise the files of one directory
// that holds a VCL form one stack: Varnish in front of the backends
// configured beside it, so the VCL files come first (outermost) and the
// others follow in their order. Every other file is a stack of its own.
func stackFor(files []*model.File, rank func(string) int) [][]*model.File {
	if rank != nil {
		return declaredStack(files, rank)
	}
	byDir := map[string][]*model.File{}
	for _, f := range files {
		d := filepath.Dir(f.Path)
		byDir[d] = append(byDir[d], f)
	}
	stacks := map[string][]*model.File{}
	for d, fs := range byDir {
		var edge, rest []*model.File
		for _, f := range fs {
			if f.Dialect == model.VCL {
				edge = append(edge, f)
			} else {
				rest = append(rest, f)
			}
		}
		if len(edge) > 0 && len(fs) > 1 {
			stacks[d] = append(edge, rest...)
		}
	}
	out := make([][]*model.File, len(files))
	for i, f := range files {
		if st, ok := stacks[filepath.Dir(f.Path)]; ok {
			out[i] = st
		} else {
			out[i] = []*model.File{f}
		}
	}
	return out
}

// declaredStack puts the files the declaration ranks into one stack, in
// rank order.
func declaredStack(files []*model.File, rank func(string) int) [][]*model.File {
	var stack []*model.File
	ranks := make([]int, len(files))
	for i, f := range files {
		ranks[i] = rank(f.Path)
		if ranks[i] >= 0 {
			stack = append(stack, f)
		}
	}
	sort.SliceStable(stack, func(i, j int) bool { return rank(stack[i].Path) < rank(stack[j].Path) })
	out := make([][]*model.File, len(files))
	for i, f := range files {
		if ranks[i] >= 0 && len(stack) > 1 {
			out[i] = stack
		} else {
			out[i] = []*model.File{f}
		}
	}
	return out
}

// parseOne reads, detects and parses one candidate. A panic in a parser is
// an internal error for that file only.
func parseOne(c candidate, table map[model.Dialect]parseFunc, o *lintOptions) (res result) {
	defer func() {
		if p := recover(); p != nil {
			res = result{internal: fmt.Errorf("internal error parsing %s: %v\n%s", c.path, p, debug.Stack())}
		}
	}()
	if c.err != nil {
		return result{file: unreadable(c.path, c.err)}
	}
	// A walked file whose name no content could make a configuration
	// (sources, images, documents) is not read at all.
	if c.stdin == nil && !c.explicit && !mayBeConfig(c.path) {
		return result{}
	}
	src := c.stdin
	if src == nil {
		var err error
		src, err = readLimited(c.path, o.maxFileSize)
		if err != nil {
			return result{file: unreadable(c.path, err)}
		}
	}
	d := detect(c.path, head(src), c.explicit)
	if d == "" && c.explicit {
		d = detect(c.path, head(src), true)
	}
	parse, ok := table[d]
	if !ok {
		return result{}
	}
	f := parse(c.path, src, c.root, o)
	if f == nil {
		return result{}
	}
	return result{file: f}
}

// readLimited reads a file to lint; one over the limit is an error that
// names the flag raising it.
func readLimited(path string, max int64) ([]byte, error) {
	src, err := source.ReadFile(path, max)
	var tl *source.TooLargeError
	if errors.As(err, &tl) {
		return nil, fmt.Errorf("%w (--max-file-size)", err)
	}
	return src, err
}

func head(src []byte) []byte {
	if len(src) > 64<<10 {
		return src[:64<<10]
	}
	return src
}

// unreadable is the model of a file that could not be read: one CORS001.
func unreadable(path string, err error) *model.File {
	msg := err.Error()
	var pe *fs.PathError
	if errors.As(err, &pe) {
		msg = pe.Err.Error()
	}
	what := "file"
	if info, statErr := os.Stat(path); statErr == nil && info.IsDir() {
		what = "directory"
	}
	return &model.File{
		Path: path,
		Diagnostics: []model.Diagnostic{{
			RuleID: "CORS001", Message: "cannot read " + what + ": " + msg,
			Span: model.Span{File: path, Line: 1, Col: 1},
		}},
	}
}

func defaultJobs() int { return max(runtime.GOMAXPROCS(0), 1) }

// selectRules applies --enable and --disable.
func selectRules(all []*rules.Rule, enable, disable []string) ([]*rules.Rule, error) {
	chosen := all
	if len(enable) > 0 {
		keep := map[string]bool{"CORS001": true}
		for _, n := range splitList(enable) {
			r, err := rules.Lookup(all, n)
			if err != nil {
				return nil, err
			}
			keep[r.ID] = true
		}
		chosen = nil
		for _, r := range all {
			if keep[r.ID] {
				chosen = append(chosen, r)
			}
		}
	}
	drop := map[string]bool{}
	for _, n := range splitList(disable) {
		r, err := rules.Lookup(all, n)
		if err != nil {
			return nil, err
		}
		if r.ID == "CORS001" {
			return nil, errors.New("CORS001 parse-error cannot be disabled")
		}
		drop[r.ID] = true
	}
	var out []*rules.Rule
	for _, r := range chosen {
		if !drop[r.ID] {
			out = append(out, r)
		}
	}
	return out, nil
}

func splitList(vs []string) []string {
	var out []string
	for _, v := range vs {
		for _, p := range strings.Split(v, ",") {
			if p = strings.TrimSpace(p); p != "" {
				out = append(out, p)
			}
		}
	}
	sort.Strings(out)
	return out
}
