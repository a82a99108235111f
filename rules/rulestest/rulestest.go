// Package rulestest runs rule cases, written as txtar archives of
// configuration files and the findings they must produce, through the
// lint engine, as analysistest does for go/analysis passes.
package rulestest

import (
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/txtar"

	"github.com/corslint/corslint/dialects"
	"github.com/corslint/corslint/engine"
	"github.com/corslint/corslint/findings"
	"github.com/corslint/corslint/model"
	"github.com/corslint/corslint/rules"
)

// Run runs every txtar case in the folders of dir (one folder per rule
// ID): the files of a case are linted together through the lint engine,
// as the command line lints them, and the findings must be exactly the
// case's "want" section, one per line:
//
//	FILE:LINE:COL SEVERITY RULE [~ substring of the message]
//
// An empty want section asserts that the configuration is clean. An
// "args" section may hold --trusted-origin ORIGIN, --client JSON and
// --include-root DIR or DIALECT=DIR. Every rule of rs that is not a
// diagnostic needs two cases at least: the finding fires on the bad
// configuration and stays silent on the good one.
func Run(t *testing.T, dir string, rs []*rules.Rule) {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join(dir, "*", "*.txtar"))
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) == 0 {
		t.Fatal("no rule cases found")
	}
	covered := map[string]int{}
	for _, p := range paths {
		name := strings.TrimSuffix(filepath.Base(p), ".txtar")
		covered[filepath.Base(filepath.Dir(p))]++
		t.Run(filepath.Base(filepath.Dir(p))+"/"+name, func(t *testing.T) {
			runCase(t, p)
		})
	}
	for _, r := range rs {
		if !r.Diagnostic && covered[r.ID] < 2 {
			t.Errorf("%s has %d cases; want a bad and a good one at least", r.ID, covered[r.ID])
		}
	}
}

// runCase runs one txtar case (see Run).
func runCase(t *testing.T, path string) {
	t.Helper()
	ar, err := txtar.ParseFile(path)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	var want []string
	var opts []string
	var files []string
	for _, f := range ar.Files {
		switch f.Name {
		case "want":
			for _, l := range strings.Split(string(f.Data), "\n") {
				if l = strings.TrimSpace(l); l != "" {
					want = append(want, l)
				}
			}
			continue
		case "args":
			opts = strings.Fields(string(f.Data))
			continue
		}
		p := filepath.Join(dir, filepath.FromSlash(f.Name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, f.Data, 0o644); err != nil {
			t.Fatal(err)
		}
		files = append(files, f.Name)
	}
	got := lintDir(t, dir, opts)
	var gotKeys []string
	for _, g := range got {
		gotKeys = append(gotKeys, g.key)
	}
	sort.Strings(gotKeys)
	matched := make([]bool, len(got))
	var missing []string
	for _, w := range want {
		key, sub, _ := strings.Cut(w, "~")
		key, sub = strings.TrimSpace(key), strings.TrimSpace(sub)
		found := false
		for i, g := range got {
			if !matched[i] && g.key == key && strings.Contains(g.message, sub) {
				matched[i], found = true, true
				break
			}
		}
		if !found {
			missing = append(missing, w)
		}
	}
	var extra []string
	for i, g := range got {
		if !matched[i] {
			extra = append(extra, g.key+" ~ "+g.message)
		}
	}
	if len(missing) > 0 || len(extra) > 0 {
		t.Errorf("%s (files %v):\nmissing:\n  %s\nunexpected:\n  %s", path, files, strings.Join(missing, "\n  "), strings.Join(extra, "\n  "))
	}
}

type gotFinding struct{ key, message string }

// lintDir lints dir as the CLI would and returns each finding as
// "FILE:LINE:COL SEVERITY RULE" with paths relative to dir.
func lintDir(t *testing.T, dir string, args []string) []gotFinding {
	t.Helper()
	ropts := &rules.Options{}
	o := &engine.Options{Jobs: 2, Root: dir, Rules: rules.All(), RuleOptions: ropts}
	for i := 0; i < len(args); i++ {
		switch args[i] {
		case "--trusted-origin":
			i++
			ropts.TrustedOrigins = append(ropts.TrustedOrigins, args[i])
		case "--client":
			i++
			var c rules.Client
			if err := json.Unmarshal([]byte(args[i]), &c); err != nil {
				t.Fatalf("--client %s: %v", args[i], err)
			}
			ropts.Clients = append(ropts.Clients, c)
		case "--include-root":
			// DIR for every dialect, or DIALECT=DIR, as on the command line
			i++
			if o.BaseDir == nil {
				o.BaseDir = map[model.Dialect]string{}
			}
			name, root, one := strings.Cut(args[i], "=")
			for _, d := range dialects.All() {
				switch {
				case !one:
					o.BaseDir[d.Name()] = filepath.Join(dir, args[i])
				case d.Name() == model.Dialect(name):
					o.BaseDir[d.Name()] = filepath.Join(dir, root)
				}
			}
		default:
			t.Fatalf("unknown case argument %q", args[i])
		}
	}
	res := engine.Lint([]string{dir}, nil, o)
	for _, err := range append(res.Errs, res.Internal...) {
		t.Fatal(err)
	}
	fs := res.Findings
	findings.RelativeMessages(fs, dir)
	listed := map[string]findings.Severity{}
	for _, r := range rules.All() {
		listed[r.ID] = r.Severity
	}
	var out []gotFinding
	for _, f := range fs {
		// What corslint rules lists is the most a finding of the rule is
		// printed as, so --fail-on and the list never disagree.
		if f.Severity > listed[f.RuleID] {
			t.Errorf("%s at %s printed as %s, but corslint rules lists it as %s", f.RuleID, f.Span, f.Severity, listed[f.RuleID])
		}
		rel, err := filepath.Rel(dir, f.Span.File)
		if err != nil {
			rel = f.Span.File
		}
		out = append(out, gotFinding{
			key:     filepath.ToSlash(rel) + ":" + strconv.Itoa(f.Span.Line) + ":" + strconv.Itoa(f.Span.Col) + " " + f.Severity.String() + " " + f.RuleID,
			message: f.Message,
		})
	}
	return out
}
