package engine

import (
	"fmt"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strings"
	"sync"

	"golang.org/x/sync/errgroup"

	"github.com/corslint/corslint/dialect"
	"github.com/corslint/corslint/findings"
	"github.com/corslint/corslint/model"
	"github.com/corslint/corslint/rules"
)

// result is what parsing and checking one candidate produced.
type result struct {
	parsed   dialect.Parsed
	d        dialect.Dialect
	di       int // index of d in the run's dialects
	internal error
	// checked is set when the rules already ran on the file as a stack of
	// its own, in the parsing pass; parsed.File is then a stub of what
	// later steps read (path, dialect, sources, comments) and found holds
	// the findings.
	checked  bool
	found    []findings.Finding
	checkErr error
	// unavailable is why the file's dialect is not part of this build.
	unavailable string
}

// lintFiles parses candidates in parallel, drops files that another linted
// file includes (they are checked in context), links and stacks the rest,
// and runs the rules.
//
// Memory stays bounded by running the rules on a file as soon as it is
// parsed and keeping only its text, when nothing that comes later can
// change what the rules see: files that form stacks with others (a
// directory with a VCL, .corslint.yaml stack:) and files of a Linker
// dialect (Apache) wait for the second pass with their models.
func lintFiles(cands []candidate, o *Options) *Result {
	ds := o.dialects()
	results := make([]result, len(cands))
	fdirs := frontDirs(ds, cands)
	waits := linking(ds, cands)
	var mu sync.Mutex
	seenIncluded := map[string]bool{} // grows as files are parsed
	g := errgroup.Group{}
	g.SetLimit(o.jobs())
	for _, i := range parseOrder(ds, cands) {
		g.Go(func() error {
			mu.Lock()
			known := !cands[i].explicit && seenIncluded[filepath.Clean(cands[i].path)]
			mu.Unlock()
			if known {
				// A walked file that a file parsed earlier includes is
				// dropped at the end whatever it holds (it is checked
				// in context there): it is not parsed on its own.
				results[i] = result{parsed: dialect.Parsed{File: &model.File{Path: cands[i].path}}, checked: true}
				return nil
			}
			res := parseOne(cands[i], ds, o)
			f := res.parsed.File
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
			if standsAlone(res, waits, fdirs, o) {
				if !dropped {
					res.found, res.checkErr = check(f, []*model.File{f}, o)
				}
				res.checked = true
				res.parsed = dialect.Parsed{File: stub(f)}
			}
			results[i] = res
			return nil
		})
	}
	_ = g.Wait()

	included := map[string]bool{}
	for _, r := range results {
		if f := r.parsed.File; f != nil {
			for p := range f.Sources {
				if p != f.Path {
					included[filepath.Clean(p)] = true
				}
			}
		}
	}
	out := &Result{}
	var keep []int // indexes in cands and results of the files linted
	for i, r := range results {
		if r.internal != nil {
			out.Internal = append(out.Internal, r.internal)
		}
		if r.unavailable != "" && !slices.Contains(out.Notes, r.unavailable) {
			out.Notes = append(out.Notes, r.unavailable)
		}
		if r.parsed.File == nil {
			continue
		}
		if included[filepath.Clean(cands[i].path)] && !cands[i].explicit {
			o.skipped(cands[i].path, "included by another file, and checked there")
			continue
		}
		keep = append(keep, i)
	}
	files := link(ds, results, keep, o)
	byFile := map[*model.File]int{} // index in cands and results
	var kept []*model.File
	for k, f := range files {
		if f != nil {
			byFile[f] = keep[k]
			kept = append(kept, f)
		}
	}
	files = kept

	stacks := stackFor(ds, files, o.StackRank)
	// A file of a Fronting dialect that only its content revealed makes a
	// stack of a directory whose files already ran alone: parse those
	// again, from the text they were read with, and check them in the
	// stack.
	for i, f := range files {
		k, ok := byFile[f]
		if !ok || !results[k].checked || len(stacks[i]) <= 1 {
			continue
		}
		c := cands[k]
		c.stdin = f.Sources[f.Path]
		again := parseOne(c, ds, o)
		if again.parsed.File == nil {
			continue
		}
		for j, sf := range stacks[i] {
			if sf == f {
				stacks[i][j] = again.parsed.File
			}
		}
		files[i] = again.parsed.File
		delete(byFile, f)
	}
	perFile := make([][]findings.Finding, len(files))
	perErr := make([]error, len(files))
	for i := range files {
		if k, ok := byFile[files[i]]; ok && results[k].checked {
			perFile[i], perErr[i] = results[k].found, results[k].checkErr
			continue
		}
		g.Go(func() error {
			perFile[i], perErr[i] = check(files[i], stacks[i], o)
			return nil
		})
	}
	_ = g.Wait()
	for _, err := range perErr {
		if err != nil {
			out.Internal = append(out.Internal, err)
		}
	}

	// Ignore comments, then the configuration's severities and excludes.
	all := inlineIgnores(files, perFile, o)
	out.Sources = map[string][]byte{}
	for i, fs := range perFile {
		all = append(all, fs...)
		for p, src := range files[i].Sources {
			out.Sources[p] = src
		}
	}
	all = adjust(all, o)
	findings.Sort(all)
	out.Findings = findings.Dedupe(all)
	out.Files = len(files)
	return out
}

// link hands the files of each Linker dialect to it, and returns the
// models of the kept results in order, nil for those that became part of
// another.
func link(ds []dialect.Dialect, results []result, keep []int, o *Options) []*model.File {
	files := make([]*model.File, len(keep))
	for k, i := range keep {
		files[k] = results[i].parsed.File
	}
	for di, d := range ds {
		l, ok := d.(dialect.Linker)
		if !ok {
			continue
		}
		var at []int
		var parsed []dialect.Parsed
		for k, i := range keep {
			if results[i].di == di && results[i].d != nil && !results[i].checked {
				at = append(at, k)
				parsed = append(parsed, results[i].parsed)
			}
		}
		if len(parsed) == 0 {
			continue
		}
		for j, f := range l.Link(parsed, o.jobs()) {
			if f != nil && f.Advice == nil {
				f.Advice = d.Advice()
			}
			files[at[j]] = f
		}
	}
	return files
}

// linking asks each Linker dialect which of its files wait to be linked
// in this run.
func linking(ds []dialect.Dialect, cands []candidate) []func(dialect.Parsed) bool {
	paths := make([]string, len(cands))
	for i, c := range cands {
		paths[i] = c.path
	}
	out := make([]func(dialect.Parsed) bool, len(ds))
	for i, d := range ds {
		if l, ok := d.(dialect.Linker); ok {
			out[i] = l.Linking(paths)
		}
	}
	return out
}

// standsAlone reports whether the rules can run on a file as soon as it
// is parsed: it waits for no linking, its dialect sits in front of
// nothing, and it forms no stack with other files, as far as names tell.
func standsAlone(res result, waits []func(dialect.Parsed) bool, fdirs map[string]bool, o *Options) bool {
	f := res.parsed.File
	if w := waits[res.di]; w != nil && w(res.parsed) {
		return false
	}
	if fr, ok := res.d.(dialect.Fronting); ok && fr.Fronts() {
		return false
	}
	if o.StackRank != nil {
		return o.StackRank(f.Path) < 0
	}
	return !fdirs[filepath.Dir(f.Path)]
}

// stub keeps what the steps after the rules read: the text of the files
// (for snippets), the comments (for ignore directives) and what pairs
// files by host (hostPairs), detached from the parser's copies so that
// those can be freed.
func stub(f *model.File) *model.File {
	cs := make([]model.Comment, len(f.Comments))
	for i, c := range f.Comments {
		c.Text = strings.Clone(c.Text)
		cs[i] = c
	}
	return &model.File{Path: f.Path, Dialect: f.Dialect, Sources: f.Sources, Comments: cs,
		Scopes: pairingScopes(f), Upstreams: pairingUpstreams(f)}
}

// check runs the rules on one file; a panic in a rule is an internal
// error for that file only.
func check(f *model.File, stack []*model.File, o *Options) (fs []findings.Finding, err error) {
	defer func() {
		if p := recover(); p != nil {
			fs, err = nil, fmt.Errorf("internal error checking %s: %v\n%s", f.Path, p, debug.Stack())
		}
	}()
	ropts := o.RuleOptions
	if ropts == nil {
		ropts = &rules.Options{}
	}
	return rules.Run(f, stack, o.Rules, ropts), nil
}

// parseOne reads, recognises and parses one candidate. A panic in a
// parser is an internal error for that file only.
func parseOne(c candidate, ds []dialect.Dialect, o *Options) (res result) {
	defer func() {
		if p := recover(); p != nil {
			res = result{internal: fmt.Errorf("internal error parsing %s: %v\n%s", c.path, p, debug.Stack())}
		}
	}()
	if c.err != nil {
		return result{parsed: dialect.Parsed{File: unreadable(c.path, c.err)}}
	}
	// A walked file whose name no content could make a configuration
	// (sources, images, documents) is not read at all.
	if c.stdin == nil && !c.explicit && !mayBeConfig(ds, c.path) {
		o.skipped(c.path, "not named like a configuration")
		return result{}
	}
	src := c.stdin
	if src == nil {
		var err error
		src, err = readLimited(c.path, o.maxFileSize())
		if err != nil {
			return result{parsed: dialect.Parsed{File: unreadable(c.path, err)}}
		}
	}
	di, why := recognise(ds, c.path, dialect.Head(src), c.explicit)
	if di < 0 {
		if !c.explicit {
			o.skipped(c.path, why)
			return result{}
		}
		if why != "binary file" {
			why = "not recognised as a configuration corslint reads (" + dialectNames(ds) + "): " + why + skipHint
		}
		return result{parsed: dialect.Parsed{File: fileError(c.path, why)}}
	}
	d := ds[di]
	if u, ok := d.(dialect.Unavailable); ok && u.Unavailable() != "" {
		o.skipped(c.path, "read as "+string(d.Name())+", which is unavailable: "+u.Unavailable())
		return result{unavailable: string(d.Name()) + " files were skipped: " + u.Unavailable()}
	}
	p, ok := d.Parse(c.path, src, &dialect.Options{
		Root: c.root, AllowOutsideRoot: o.AllowOutsideRoot, MaxFileSize: o.maxFileSize(),
		BaseDir: o.BaseDir,
	})
	if !ok || p.File == nil {
		o.skipped(c.path, "read as "+string(d.Name())+" but holds nothing of it")
		return result{}
	}
	if p.File.Advice == nil {
		p.File.Advice = d.Advice()
	}
	return result{parsed: p, d: d, di: di}
}

// dialectNames lists the dialects for messages.
func dialectNames(ds []dialect.Dialect) string {
	names := make([]string, len(ds))
	for i, d := range ds {
		names[i] = string(d.Name())
	}
	return strings.Join(names, ", ")
}

// skipHint ends the message of a named file that is not recognised.
const skipHint = "; --skip-unknown skips such files"
