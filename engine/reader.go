package engine

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/corslint/corslint/model"
)

var errTooLarge = errors.New("file too large")

// readLimited reads a file of at most max bytes.
func readLimited(path string, max int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if info.IsDir() {
		return nil, errors.New("is a directory")
	}
	if info.Size() > max {
		return nil, fmt.Errorf("%w: %d bytes, the limit is %d (--max-file-size)", errTooLarge, info.Size(), max)
	}
	// Read into a buffer of the file's size, as os.ReadFile does
	// (io.ReadAll would keep up to twice that); a device or a file that
	// grows while it is read stops at the limit.
	src := make([]byte, 0, info.Size()+512)
	for {
		if len(src) == cap(src) {
			src = append(src, 0)[:len(src)]
		}
		n, err := f.Read(src[len(src):cap(src)])
		src = src[:len(src)+n]
		if int64(len(src)) > max {
			return nil, fmt.Errorf("%w: more than %d bytes (--max-file-size)", errTooLarge, max)
		}
		if err == io.EOF {
			return src, nil
		}
		if err != nil {
			return nil, err
		}
	}
}

// includeReader reads the files a configuration includes. Unless
// --allow-outside-root, it refuses a file whose real path, symbolic links
// resolved, leaves the root: the parsers check an include's path as
// written, and a link committed to an untrusted repository must not put
// /etc into the output. It reads only regular files, so an include of a
// FIFO or a device can neither block nor stream forever.
type includeReader struct {
	root    string // real path of the root; "" when includes may leave it
	maxSize int64
}

func newIncludeReader(root string, o *Options) includeReader {
	r := includeReader{maxSize: o.maxFileSize()}
	if !o.AllowOutsideRoot {
		r.root = realPath(root)
	}
	return r
}

// errOutsideRoot ends the message of an include that a link leads out of
// the root.
var errOutsideRoot = errors.New("leads outside the linted root through a symbolic link; not read (use --allow-outside-root)")

// check refuses a path whose real location is outside the root.
func (r includeReader) check(path string) error {
	if r.root == "" {
		return nil
	}
	real, err := filepath.EvalSymlinks(path)
	if err != nil {
		return err
	}
	if abs, err := filepath.Abs(real); err != nil || !within(r.root, abs) {
		return fmt.Errorf("%s %w", path, errOutsideRoot)
	}
	return nil
}

// ReadFile reads an included file, at most one byte more than the size
// limit so that the parser can tell that it is too large.
func (r includeReader) ReadFile(path string) ([]byte, error) {
	if err := r.check(path); err != nil {
		return nil, err
	}
	info, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	switch {
	case info.IsDir():
		return nil, fmt.Errorf("%s is a directory", path)
	case !info.Mode().IsRegular():
		return nil, fmt.Errorf("%s is not a regular file", path)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(io.LimitReader(f, r.maxSize+1))
}

// Glob lists the files an include pattern matches; a pattern whose fixed
// directory a link leads out of the root lists nothing, so that not even
// the names of the files there reach the output.
func (r includeReader) Glob(pattern string) ([]string, error) {
	if r.root != "" {
		dir := pattern
		for strings.ContainsAny(dir, "*?[") {
			dir = filepath.Dir(dir)
		}
		if err := r.check(dir); err != nil && errors.Is(err, errOutsideRoot) {
			return nil, err
		}
	}
	return filepath.Glob(pattern)
}

// ListDir lists a directory's entries (Apache includes whole
// directories); ok is false when path is not a directory or a link leads
// it out of the root.
func (r includeReader) ListDir(path string) (names []string, ok bool) {
	if r.check(path) != nil {
		return nil, false
	}
	es, err := os.ReadDir(path)
	if err != nil {
		return nil, false
	}
	names = make([]string, len(es))
	for i, e := range es {
		names[i] = e.Name()
	}
	return names, true
}

// within reports whether p is root or lies under it; both are absolute
// and clean.
func within(root, p string) bool {
	rel, err := filepath.Rel(root, p)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}

// realPath is p absolute, symbolic links resolved where they exist.
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
	return fileError(path, "cannot read "+what+": "+msg)
}

// fileError is the model of a file that is reported, not read: one
// CORS001 at its start.
func fileError(path, msg string) *model.File {
	return &model.File{
		Path: path,
		Diagnostics: []model.Diagnostic{{
			RuleID: "CORS001", Message: msg,
			Span: model.Span{File: path, Line: 1, Col: 1},
		}},
	}
}
