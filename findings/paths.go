package findings

import (
	"path/filepath"
	"sort"
	"strings"
)

// RelativeMessages rewrites the absolute paths of the run's files inside
// messages as paths relative to root, the way positions are printed, so
// that SARIF, pull-request comments and fingerprints never carry a
// machine's directories. Files outside root keep their absolute path, as
// their positions do.
func RelativeMessages(fs []Finding, root string) {
	if root == "" {
		return
	}
	rel := map[string]string{}
	note := func(p string) {
		if !filepath.IsAbs(p) {
			return
		}
		if _, ok := rel[p]; ok {
			return
		}
		r, err := filepath.Rel(root, p)
		if err != nil || r == ".." || strings.HasPrefix(r, ".."+string(filepath.Separator)) {
			return
		}
		rel[p] = filepath.ToSlash(r)
	}
	for _, f := range fs {
		note(f.Span.File)
		for _, v := range f.Span.Via {
			note(v.File)
		}
		for _, r := range f.Related {
			note(r.Span.File)
			for _, v := range r.Span.Via {
				note(v.File)
			}
		}
	}
	if len(rel) == 0 {
		return
	}
	// Longest first, so a file never loses the tail of a longer path that
	// starts with its own.
	abs := make([]string, 0, len(rel))
	for p := range rel {
		abs = append(abs, p)
	}
	sort.Slice(abs, func(i, j int) bool { return len(abs[i]) > len(abs[j]) })
	pairs := make([]string, 0, 2*len(abs))
	for _, p := range abs {
		pairs = append(pairs, p, rel[p])
	}
	r := strings.NewReplacer(pairs...)
	for i := range fs {
		fs[i].Message = r.Replace(fs[i].Message)
		for j := range fs[i].Related {
			fs[i].Related[j].Message = r.Replace(fs[i].Related[j].Message)
		}
	}
}
