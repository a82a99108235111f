// Package config reads .corslint.yaml: which origins are trusted, rule
// severities, excluded paths, the exit threshold, per-format options, and
// the clients and layer stack the simulation uses.
//
// Decoding is strict: an unknown key, a duplicate key or a bad value is an
// error with its file:line:col, so a typo never silently turns a check off.
package config

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// FileNames are the names looked for, in order; both in one directory is an
// error.
var FileNames = []string{".corslint.yaml", ".corslint.yml"}

// Config is a decoded configuration file. Paths in it are absolute,
// resolved against the directory of the file.
type Config struct {
	// Path is the file read; Dir is its directory (absolute).
	Path string
	Dir  string

	// TrustedOrigins feeds CORS106; nil when the key is absent.
	TrustedOrigins []string
	// Rules maps rule IDs (resolved from IDs or slugs) to a level.
	Rules map[string]Level
	// Exclude holds path globs relative to Dir.
	Exclude []string
	// FailOn is "error", "warning", "note", "none", or "" when unset.
	FailOn string
	// NginxPrefix and ApacheRoot are absolute directories, or "".
	NginxPrefix string
	ApacheRoot  string
	// Clients are the cross-origin requests a frontend makes.
	Clients []Client
	// Stack lists path globs (relative to Dir), outermost layer first.
	Stack []string
}

// Level is a rule's configured level.
type Level string

// Levels accepted under rules:.
const (
	LevelOff     Level = "off"
	LevelError   Level = "error"
	LevelWarning Level = "warning"
	LevelNote    Level = "note"
)

// Client is one request a frontend makes: from Origin, with each method,
// to each path, sending the headers, with or without credentials.
type Client struct {
	Origin      string
	Methods     []string
	Headers     []string // "Name" or "Name: value"
	Credentials bool
	Paths       []string
	// Line and Col locate the entry in the configuration file.
	Line, Col int
}

// posError is a problem at a position in a configuration file.
type posError struct {
	File      string
	Line, Col int
	Msg       string
}

func (e *posError) Error() string {
	if e.Line == 0 {
		return fmt.Sprintf("%s: %s", e.File, e.Msg)
	}
	return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Line, e.Col, e.Msg)
}

// RuleLookup resolves a rule ID or slug to its ID.
type RuleLookup func(name string) (id string, err error)

// Find looks for a configuration file in start and its parents up to the
// repository root (the first directory holding .git). Outside a repository
// only start itself is searched, so a stray file in a parent of an
// unrelated directory is never picked up. It returns "" when none exists.
func Find(start string) (string, error) {
	dir, err := filepath.Abs(start)
	if err != nil {
		return "", fmt.Errorf("finding %s: %w", FileNames[0], err)
	}
	dirs := []string{dir}
	if repo := repoRoot(dir); repo != "" {
		dirs = nil
		for d := dir; ; d = filepath.Dir(d) {
			dirs = append(dirs, d)
			if d == repo || filepath.Dir(d) == d {
				break
			}
		}
	}
	for _, d := range dirs {
		var found []string
		for _, n := range FileNames {
			p := filepath.Join(d, n)
			if info, err := os.Stat(p); err == nil && !info.IsDir() {
				found = append(found, p)
			}
		}
		switch len(found) {
		case 1:
			return found[0], nil
		case 2:
			return "", fmt.Errorf("both %s and %s exist; keep one", found[0], found[1])
		}
	}
	return "", nil
}

func repoRoot(dir string) string {
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, ".git")); err == nil {
			return d
		}
		if filepath.Dir(d) == d {
			return ""
		}
	}
}

// Load reads and decodes the file at path.
func Load(path string, lookup RuleLookup) (*Config, error) {
	src, err := os.ReadFile(path)
	if err != nil {
		var pe *os.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return nil, &posError{File: path, Msg: "cannot read configuration: " + err.Error()}
	}
	return Parse(path, src, lookup)
}

// Parse decodes src, the text of the file at path. Every problem found is
// returned, joined, each as an *Error.
func Parse(path string, src []byte, lookup RuleLookup) (*Config, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("resolving %s: %w", path, err)
	}
	d := &decoder{file: path, lookup: lookup, cfg: &Config{Path: path, Dir: filepath.Dir(abs)}}
	d.decode(src)
	if len(d.errs) > 0 {
		return nil, errors.Join(d.errs...)
	}
	return d.cfg, nil
}

// Excluded reports whether path (as given on the command line or found
// while walking) matches an exclude glob. Paths outside Dir never do.
func (c *Config) Excluded(path string) bool {
	if c == nil || len(c.Exclude) == 0 {
		return false
	}
	rel, ok := c.rel(path)
	if !ok {
		return false
	}
	for _, g := range c.Exclude {
		if matchPrefix(g, rel) {
			return true
		}
	}
	return false
}

// rel makes path relative to Dir with forward slashes; false when path
// lies outside Dir.
func (c *Config) rel(path string) (string, bool) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", false
	}
	rel, err := filepath.Rel(c.Dir, abs)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return "", false
	}
	return filepath.ToSlash(rel), true
}

// StackRank returns the index of the first stack: glob that path matches,
// which is its place in the request path (0 outermost), or -1.
func (c *Config) StackRank(path string) int {
	if c == nil {
		return -1
	}
	rel, ok := c.rel(path)
	if !ok {
		return -1
	}
	for i, g := range c.Stack {
		if match(g, rel) {
			return i
		}
	}
	return -1
}
