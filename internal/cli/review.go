package cli

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/corslint/corslint/findings"
)

// reviewFlags narrow a run to what a pull request introduces.
type reviewFlags struct {
	newFromRev string
	baseline   string
}

func (rv *reviewFlags) register(f *pflag.FlagSet) {
	f.StringVar(&rv.newFromRev, "new-from-rev", "", "report only findings on lines added or changed since this git revision (e.g. origin/main)")
	f.StringVar(&rv.baseline, "baseline", "", "do not report the findings recorded in this file by corslint baseline")
}

// filter applies --baseline, then --new-from-rev.
func (rv *reviewFlags) filter(fs []findings.Finding, sources map[string][]byte) ([]findings.Finding, error) {
	if rv.baseline != "" {
		b, err := findings.ReadBaseline(rv.baseline)
		if err != nil {
			return nil, err
		}
		fs, _ = b.Filter(fs, locator(filepath.Dir(rv.baseline), sources))
	}
	if rv.newFromRev != "" {
		ch, err := gitChanges(rv.newFromRev)
		if err != nil {
			return nil, err
		}
		out := fs[:0:0]
		for _, f := range fs {
			if ch.touches(f) {
				out = append(out, f)
			}
		}
		fs = out
	}
	return fs, nil
}

// locator names findings' files relative to dir, so a baseline matches
// wherever corslint runs from and however the files were named.
func locator(dir string, sources map[string][]byte) findings.Locator {
	base, err := filepath.Abs(dir)
	if err != nil {
		base = dir
	}
	return func(f findings.Finding) (string, string) {
		rel := f.Span.File
		if abs, err := filepath.Abs(rel); err == nil {
			if r, err := filepath.Rel(base, abs); err == nil && !strings.HasPrefix(r, "..") {
				rel = r
			} else {
				rel = abs
			}
		}
		return filepath.ToSlash(rel), lineOf(sources[f.Span.File], f.Span.Line)
	}
}

func lineOf(src []byte, n int) string {
	for i := 1; i < n; i++ {
		j := bytes.IndexByte(src, '\n')
		if j < 0 {
			return ""
		}
		src = src[j+1:]
	}
	if j := bytes.IndexByte(src, '\n'); j >= 0 {
		src = src[:j]
	}
	return strings.TrimRight(string(src), "\r")
}

// changes are the lines git reports as added or changed since a revision,
// by absolute path; a nil set means the whole file is new.
type changes struct {
	lines map[string]map[int]bool
	cache map[string]string
}

// touches reports whether f's line, or an include that leads to it,
// changed.
func (c *changes) touches(f findings.Finding) bool {
	if c.changed(f.Span.File, f.Span.Line) {
		return true
	}
	for _, v := range f.Span.Via {
		if c.changed(v.File, v.Line) {
			return true
		}
	}
	return false
}

func (c *changes) changed(file string, line int) bool {
	p, ok := c.cache[file]
	if !ok {
		p = realPath(file)
		c.cache[file] = p
	}
	set, ok := c.lines[p]
	if !ok {
		return false
	}
	return set == nil || set[line]
}

func realPath(p string) string {
	abs, err := filepath.Abs(p)
	if err != nil {
		return p
	}
	if r, err := filepath.EvalSymlinks(abs); err == nil {
		return r
	}
	return abs
}

// gitChanges diffs the working tree against rev, following renames, and
// adds the untracked files as wholly new.
func gitChanges(rev string) (*changes, error) {
	top, err := git("", "rev-parse", "--show-toplevel")
	if err != nil {
		return nil, fmt.Errorf("--new-from-rev needs a git work tree: %w", err)
	}
	top = strings.TrimSpace(top)
	if _, err := git(top, "rev-parse", "--verify", "--quiet", "--end-of-options", rev+"^{commit}"); err != nil {
		return nil, fmt.Errorf("--new-from-rev: %q is not a commit in this repository", rev)
	}
	diff, err := git(top, "-c", "core.quotePath=false", "diff", "--no-ext-diff", "--no-textconv", "--no-color",
		"--unified=0", "--find-renames", "--src-prefix=a/", "--dst-prefix=b/", "--no-relative", rev, "--")
	if err != nil {
		return nil, fmt.Errorf("--new-from-rev: %w", err)
	}
	c := &changes{lines: parseDiff(diff, top), cache: map[string]string{}}
	untracked, err := git(top, "ls-files", "-z", "--others", "--exclude-standard")
	if err != nil {
		return nil, fmt.Errorf("--new-from-rev: %w", err)
	}
	for _, p := range strings.Split(untracked, "\x00") {
		if p != "" {
			c.lines[filepath.Join(top, filepath.FromSlash(p))] = nil
		}
	}
	return c, nil
}

// parseDiff reads a unified diff with zero context: each "+++ b/path"
// starts a file, each hunk header names the new lines.
func parseDiff(diff, top string) map[string]map[int]bool {
	out := map[string]map[int]bool{}
	var cur map[int]bool
	sc := bufio.NewScanner(strings.NewReader(diff))
	sc.Buffer(make([]byte, 64<<10), 16<<20)
	for sc.Scan() {
		l := sc.Text()
		switch {
		case strings.HasPrefix(l, "+++ "):
			name := strings.TrimPrefix(l, "+++ ")
			if strings.HasPrefix(name, `"`) {
				if u, err := strconv.Unquote(name); err == nil {
					name = u
				}
			}
			if !strings.HasPrefix(name, "b/") {
				cur = nil // deleted
				continue
			}
			cur = map[int]bool{}
			out[filepath.Join(top, filepath.FromSlash(strings.TrimPrefix(name, "b/")))] = cur
		case strings.HasPrefix(l, "@@ ") && cur != nil:
			start, count, ok := hunkNew(l)
			if !ok {
				continue
			}
			for i := start; i < start+count; i++ {
				cur[i] = true
			}
		}
	}
	return out
}

// hunkNew reads the new-file range of "@@ -a,b +c,d @@".
func hunkNew(l string) (start, count int, ok bool) {
	fields := strings.Fields(l)
	if len(fields) < 3 || !strings.HasPrefix(fields[2], "+") {
		return 0, 0, false
	}
	spec := strings.TrimPrefix(fields[2], "+")
	s, n, hasCount := strings.Cut(spec, ",")
	start, err := strconv.Atoi(s)
	if err != nil {
		return 0, 0, false
	}
	count = 1
	if hasCount {
		if count, err = strconv.Atoi(n); err != nil {
			return 0, 0, false
		}
	}
	return start, count, true
}

func git(dir string, args ...string) (string, error) {
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		msg := strings.TrimSpace(stderr.String())
		if msg == "" {
			msg = err.Error()
		}
		return "", fmt.Errorf("git %s: %s", args[0], msg)
	}
	return stdout.String(), nil
}

// newBaseline writes the current findings to a baseline file.
func newBaseline(stdin io.Reader, stdout, stderr io.Writer) *cobra.Command {
	lf := newLintFlags()
	var output string
	cmd := &cobra.Command{
		Use:   "baseline [PATH...]",
		Short: "Record the current findings, so that lint --baseline reports only new ones",
		Long: `Record the current findings in a baseline file (default .corslint-baseline.json).
Findings are matched by fingerprint, which leaves out the line number: moving code does not
resurface a finding, while editing the statement does. Parse errors are never recorded.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			res, err := lf.collect(cmd.Flags(), args, stdin, stderr)
			if err != nil {
				return err
			}
			for _, err := range append(res.errs, res.internal...) {
				fmt.Fprintf(stderr, "corslint: %v\n", err)
			}
			switch {
			case len(res.internal) > 0:
				return exitError{exitInternal}
			case len(res.errs) > 0:
				return exitError{exitUsage}
			}
			dir := filepath.Dir(output)
			if output == "-" {
				dir = "."
			}
			b := findings.NewBaseline(res.findings, locator(dir, res.sources))
			if err := writeBaseline(output, b, stdout); err != nil {
				return err
			}
			parseErrors := 0
			for _, f := range res.findings {
				if f.RuleID == "CORS001" {
					parseErrors++
				}
			}
			if output != "-" {
				fmt.Fprintf(stderr, "corslint: recorded %d %s in %s\n", len(b.Findings), plural(len(b.Findings), "finding"), filepath.ToSlash(output))
			}
			if parseErrors > 0 {
				fmt.Fprintf(stderr, "corslint: %d parse %s not recorded; fix them (corslint lint shows where)\n", parseErrors, plural(parseErrors, "error"))
			}
			return nil
		},
	}
	f := cmd.Flags()
	lf.register(f, stderr)
	_ = f.MarkHidden("fail-on")
	f.StringVarP(&output, "output", "o", ".corslint-baseline.json", `baseline file to write ("-" for standard output)`)
	return cmd
}

// writeBaseline replaces path atomically, so an interrupted run never
// leaves half a baseline behind.
func writeBaseline(path string, b *findings.Baseline, stdout io.Writer) error {
	if path == "-" {
		return b.Write(stdout)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".corslint-baseline-*")
	if err != nil {
		return usageError{fmt.Errorf("writing baseline: %w", err)}
	}
	defer os.Remove(tmp.Name())
	werr := b.Write(tmp)
	cerr := tmp.Close()
	if err := errors.Join(werr, cerr); err != nil {
		return fmt.Errorf("writing baseline: %w", err)
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return fmt.Errorf("writing baseline: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("writing baseline: %w", err)
	}
	return nil
}

func plural(n int, s string) string {
	if n == 1 {
		return s
	}
	return s + "s"
}
