package engine

import (
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// candidate is a file to lint.
type candidate struct {
	path string
	root string
	// explicit is set for a file named on the command line: one that is
	// not recognised is reported rather than skipped.
	explicit bool
	stdin    []byte // set for "-"
	err      error  // set for a directory the walk could not read
}

// skipDirs are never descended into.
var skipDirs = map[string]bool{".git": true, "node_modules": true, "vendor": true, ".hg": true, ".svn": true}

// discover expands the command-line paths into files. Missing paths are
// returned as errors; the rest is still linted.
func discover(args []string, stdin io.Reader, o *Options) ([]candidate, []error) {
	var out []candidate
	var errs []error
	cwd, _ := os.Getwd()
	for _, arg := range args {
		if arg == "-" {
			src, err := io.ReadAll(io.LimitReader(stdin, o.maxFileSize()+1))
			if err != nil {
				errs = append(errs, fmt.Errorf("reading standard input: %w", err))
				continue
			}
			name := o.StdinFilename
			if name == "" {
				name = "<stdin>"
			}
			out = append(out, candidate{path: name, root: o.rootOr(cwd), explicit: true, stdin: src})
			continue
		}
		if o.Exclude != nil && o.Exclude(arg) {
			o.skipped(arg, "excluded by the configuration")
			continue
		}
		info, err := os.Stat(arg)
		if err != nil {
			errs = append(errs, fmt.Errorf("cannot lint %s: %w", arg, err))
			continue
		}
		root := o.rootOr(rootFor(arg, info.IsDir(), cwd))
		if !info.IsDir() {
			out = append(out, candidate{path: filepath.Clean(arg), root: root, explicit: !o.SkipUnknown})
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
			if p != arg && o.Exclude != nil && o.Exclude(p) {
				o.skipped(p, "excluded by the configuration")
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
				o.skipped(p, "not a regular file (symbolic links are followed only through includes)")
				return nil
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

func (o *Options) rootOr(root string) string {
	if o.Root != "" {
		return o.Root
	}
	return root
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
