package source

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
)

// FS is the file access a Reader goes through: the OS, or files already in
// memory when a configuration is read again from the text it was linted
// with.
type FS interface {
	// ReadFile returns at most limit+1 bytes of the regular file name, so
	// that a file over the limit is told apart without reading all of it.
	// Directories, FIFOs and devices are errors.
	ReadFile(name string, limit int64) ([]byte, error)
	// ReadDir returns the names of a directory's entries; an error when
	// name is not a directory.
	ReadDir(name string) ([]string, error)
	// Glob returns the names matching pattern, as filepath.Glob does.
	Glob(pattern string) ([]string, error)
	// RealPath returns name absolute, with symbolic links resolved.
	RealPath(name string) (string, error)
	// Exists reports whether name, links followed, names anything.
	Exists(name string) bool
}

// OS is the operating system's file system.
type OS struct{}

// ReadFile implements FS. It stats before opening, and opens without
// blocking, so that an include of a FIFO or a device can neither block nor
// stream forever, even one swapped in between.
func (OS) ReadFile(name string, limit int64) ([]byte, error) {
	if err := regular(os.Stat(name)); err != nil {
		return nil, prefix(name, err)
	}
	f, err := os.OpenFile(name, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	info, err := f.Stat()
	if err := regular(info, err); err != nil {
		return nil, prefix(name, err)
	}
	return readAtMost(f, info.Size(), limit)
}

var (
	errIsDir      = errors.New("is a directory")
	errNotRegular = errors.New("is not a regular file")
)

func regular(info fs.FileInfo, err error) error {
	switch {
	case err != nil:
		return err
	case info.IsDir():
		return errIsDir
	case !info.Mode().IsRegular():
		return errNotRegular
	}
	return nil
}

// prefix names the file in the two errors of its own kind; the others
// name it already.
func prefix(name string, err error) error {
	if errors.Is(err, errIsDir) || errors.Is(err, errNotRegular) {
		return fmt.Errorf("%s %w", name, err)
	}
	return err
}

// ReadDir implements FS.
func (OS) ReadDir(name string) ([]string, error) {
	es, err := os.ReadDir(name)
	if err != nil {
		return nil, err
	}
	names := make([]string, len(es))
	for i, e := range es {
		names[i] = e.Name()
	}
	return names, nil
}

// Glob implements FS.
func (OS) Glob(pattern string) ([]string, error) { return filepath.Glob(pattern) }

// RealPath implements FS.
func (OS) RealPath(name string) (string, error) {
	p, err := filepath.EvalSymlinks(name)
	if err != nil {
		return "", err
	}
	return filepath.Abs(p)
}

// Exists implements FS.
func (OS) Exists(name string) bool {
	_, err := os.Stat(name)
	return err == nil
}

// readAtMost reads at most limit+1 bytes into a buffer of the expected
// size, as os.ReadFile does (io.ReadAll would keep up to twice that).
func readAtMost(r io.Reader, size, limit int64) ([]byte, error) {
	buf := make([]byte, 0, min(size, limit)+512)
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		n, err := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if int64(len(buf)) > limit {
			return buf[:limit+1], nil
		}
		if errors.Is(err, io.EOF) {
			return buf, nil
		}
		if err != nil {
			return nil, err
		}
	}
}

// TooLargeError says that a file is over the size limit. Size is -1 when
// the file grew past the limit while it was read.
type TooLargeError struct{ Size, Limit int64 }

func (e *TooLargeError) Error() string {
	if e.Size < 0 {
		return fmt.Sprintf("file too large: more than %d bytes", e.Limit)
	}
	return fmt.Sprintf("file too large: %d bytes, the limit is %d", e.Size, e.Limit)
}

// ReadFile reads the file a run was asked to lint, at most limit bytes. A
// named file may be a pipe (a shell's process substitution), unlike an
// include; a directory is an error.
func ReadFile(name string, limit int64) ([]byte, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if info.IsDir() {
		return nil, errIsDir
	}
	if info.Size() > limit {
		return nil, &TooLargeError{Size: info.Size(), Limit: limit}
	}
	src, err := readAtMost(f, info.Size(), limit)
	if err != nil {
		return nil, err
	}
	if int64(len(src)) > limit {
		return nil, &TooLargeError{Size: -1, Limit: limit}
	}
	return src, nil
}

// Map is a file system in memory: file contents by absolute, clean path.
// Directories are implied by the files under them; there are no links.
type Map map[string][]byte

// ReadFile implements FS.
func (m Map) ReadFile(name string, limit int64) ([]byte, error) {
	name = filepath.Clean(name)
	if b, ok := m[name]; ok {
		if int64(len(b)) > limit {
			b = b[:limit+1]
		}
		return b, nil
	}
	if m.isDir(name) {
		return nil, fmt.Errorf("%s %w", name, errIsDir)
	}
	return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
}

func (m Map) isDir(name string) bool {
	prefix := strings.TrimSuffix(name, string(filepath.Separator)) + string(filepath.Separator)
	for k := range m {
		if strings.HasPrefix(k, prefix) {
			return true
		}
	}
	return false
}

// ReadDir implements FS.
func (m Map) ReadDir(name string) ([]string, error) {
	prefix := strings.TrimSuffix(filepath.Clean(name), string(filepath.Separator)) + string(filepath.Separator)
	seen := map[string]bool{}
	var names []string
	for k := range m {
		if rest, ok := strings.CutPrefix(k, prefix); ok {
			n, _, _ := strings.Cut(rest, string(filepath.Separator))
			if !seen[n] {
				seen[n] = true
				names = append(names, n)
			}
		}
	}
	if len(names) == 0 {
		return nil, &fs.PathError{Op: "readdir", Path: name, Err: fs.ErrNotExist}
	}
	sort.Strings(names)
	return names, nil
}

// Glob implements FS: files and the directories they imply.
func (m Map) Glob(pattern string) ([]string, error) {
	if _, err := filepath.Match(pattern, ""); err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	var out []string
	for k := range m {
		for p := k; p != filepath.Dir(p); p = filepath.Dir(p) {
			if seen[p] {
				break
			}
			seen[p] = true
			if ok, _ := filepath.Match(pattern, p); ok {
				out = append(out, p)
			}
		}
	}
	sort.Strings(out)
	return out, nil
}

// Exists implements FS.
func (m Map) Exists(name string) bool {
	name = filepath.Clean(name)
	_, ok := m[name]
	return ok || m.isDir(name)
}

// RealPath implements FS.
func (m Map) RealPath(name string) (string, error) {
	name = filepath.Clean(name)
	if _, ok := m[name]; !ok && !m.isDir(name) {
		return "", &fs.PathError{Op: "lstat", Path: name, Err: fs.ErrNotExist}
	}
	return filepath.Abs(name)
}
