// Package format writes findings as text for people, JSON, SARIF 2.1.0 for
// GitHub code scanning, and GitHub workflow commands.
package format

import (
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/corslint/corslint/findings"
	"github.com/corslint/corslint/model"
	"github.com/corslint/corslint/rules"
)

// Report is everything a formatter may print.
type Report struct {
	Findings []findings.Finding
	Rules    []*rules.Rule // every known rule, for SARIF rules[]
	// Sources returns the text of a file, for snippets and fingerprints.
	Sources func(path string) []byte
	// Root is the directory paths are made relative to (SARIF %SRCROOT%).
	Root    string
	Version string
	Color   bool
	// Files is how many files were linted.
	Files int

	lines map[string]*model.Lines // per-file line index, built on use
}

// Names lists the accepted --format values.
var Names = []string{"text", "json", "sarif", "github", "markdown"}

// Write prints r in the named format.
func Write(w io.Writer, name string, r *Report) error {
	switch name {
	case "text", "":
		return writeText(w, r)
	case "json":
		return writeJSON(w, r)
	case "sarif":
		return writeSARIF(w, r)
	case "github":
		return writeGitHub(w, r)
	case "markdown":
		return writeMarkdown(w, r)
	}
	return fmt.Errorf("unknown format %q (want %s)", name, strings.Join(Names, ", "))
}

func (r *Report) lineText(path string, n int) string {
	if r.Sources == nil {
		return ""
	}
	if r.lines == nil {
		r.lines = map[string]*model.Lines{}
	}
	idx, ok := r.lines[path]
	if !ok {
		idx = model.NewLines(r.Sources(path))
		r.lines[path] = idx
	}
	return idx.Line(n)
}

// stablePath names a file relative to the root whatever form it was given
// in (relative, absolute, with ./), for fingerprints; files outside the
// root keep their absolute path.
func (r *Report) stablePath(path string) string {
	if r.Root != "" {
		if abs, err := filepath.Abs(path); err == nil {
			if p, err := filepath.Rel(r.Root, abs); err == nil && !strings.HasPrefix(p, "..") {
				return filepath.ToSlash(p)
			}
			return filepath.ToSlash(abs)
		}
	}
	return filepath.ToSlash(filepath.Clean(path))
}

// fingerprint is f's line-independent identity (see Finding.Fingerprint).
func (r *Report) fingerprint(f findings.Finding) string {
	return f.FingerprintAt(r.stablePath(f.Span.File), r.lineText(f.Span.File, f.Span.Line))
}

// rel makes path relative to the root when it lies inside it, with
// forward slashes.
func (r *Report) rel(path string) string {
	if r.Root != "" && filepath.IsAbs(path) {
		if p, err := filepath.Rel(r.Root, path); err == nil && !strings.HasPrefix(p, "..") {
			path = p
		}
	}
	return filepath.ToSlash(path)
}
