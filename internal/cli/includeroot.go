package cli

import (
	"fmt"
	"io"
	"strings"

	"github.com/spf13/pflag"

	"github.com/corslint/corslint/dialects"
	"github.com/corslint/corslint/model"
)

// includeRoots holds --include-root: the directory relative includes
// resolve against (nginx's prefix, httpd's ServerRoot), for every dialect
// that has includes, or for one dialect written DIALECT=DIR.
type includeRoots struct {
	all string
	per map[model.Dialect]string
	// changed records which dialects the command line set, so that the
	// configuration file fills only the others.
	changed map[model.Dialect]bool
}

func newIncludeRoots() *includeRoots {
	return &includeRoots{per: map[model.Dialect]string{}, changed: map[model.Dialect]bool{}}
}

// register adds --include-root and its deprecated per-dialect aliases
// --nginx-prefix and --apache-root, which still work, hidden from the
// help, and print a notice on stderr (never on stdout, where the findings
// go).
func (r *includeRoots) register(f *pflag.FlagSet, stderr io.Writer) {
	names := make([]string, 0, 4)
	for _, d := range dialects.All() {
		names = append(names, string(d.Name()))
	}
	f.Func("include-root", "directory that relative includes resolve against (nginx's prefix, httpd's ServerRoot), for every dialect, or for one as DIALECT=DIR ("+strings.Join(names, ", ")+"); repeatable (default: the top file's directory)", r.set)
	alias := func(name string, d model.Dialect) {
		f.Func(name, "deprecated: use --include-root "+string(d)+"=DIR", func(dir string) error {
			fmt.Fprintf(stderr, "corslint: --%s is deprecated; use --include-root %s=%s\n", name, d, dir)
			return r.set(string(d) + "=" + dir)
		})
		// MarkHidden fails only for a flag that does not exist.
		_ = f.MarkHidden(name)
	}
	alias("nginx-prefix", model.Nginx)
	alias("apache-root", model.Apache)
}

// set takes one --include-root value.
func (r *includeRoots) set(v string) error {
	if v == "" {
		return fmt.Errorf("empty directory")
	}
	if name, dir, ok := strings.Cut(v, "="); ok {
		for _, d := range dialects.All() {
			if d.Name() == model.Dialect(name) {
				if dir == "" {
					return fmt.Errorf("%s=: empty directory", name)
				}
				r.per[d.Name()] = dir
				r.changed[d.Name()] = true
				return nil
			}
		}
	}
	// A directory whose name has "=" in it, or no dialect prefix.
	r.all = v
	for _, d := range dialects.All() {
		r.changed[d.Name()] = true
	}
	return nil
}

// fill sets dialect d's directory from the configuration file unless the
// command line set it.
func (r *includeRoots) fill(d model.Dialect, dir string) {
	if dir != "" && !r.changed[d] {
		r.per[d] = dir
	}
}

// baseDirs is engine.Options.BaseDir: per dialect, the directory relative
// includes resolve against; a dialect's own value wins over one for
// every dialect.
func (r *includeRoots) baseDirs() map[model.Dialect]string {
	out := map[model.Dialect]string{}
	for _, d := range dialects.All() {
		if dir, ok := r.per[d.Name()]; ok {
			out[d.Name()] = dir
		} else if r.all != "" {
			out[d.Name()] = r.all
		}
	}
	return out
}
