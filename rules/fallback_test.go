package rules_test

import (
	"flag"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/rogpeppe/go-internal/txtar"

	"github.com/corslint/corslint/engine"
	"github.com/corslint/corslint/model"
	"github.com/corslint/corslint/rules"
)

// fallbackTally counts, per rule, the responses judged from the
// statements because the evaluator did not decide them, and the findings
// that say so.
type fallbackTally struct {
	mu        sync.Mutex
	asked     map[string]int
	responses map[string]int
	findings  map[string]int
}

func (ft *fallbackTally) lint(t *testing.T, dir string) {
	t.Helper()
	opts := &rules.Options{}
	type key struct {
		rule string
		r    *model.Response
	}
	asked, fell := map[key]bool{}, map[key]bool{}
	rules.OnAsk(opts, func(rule string, r *model.Response, decided bool) {
		ft.mu.Lock()
		defer ft.mu.Unlock()
		if isScript(r.Span.File) {
			rule += " (application code)"
		}
		k := key{rule, r}
		if !asked[k] {
			asked[k] = true
			ft.asked[rule]++
		}
		if !decided && !fell[k] {
			fell[k] = true
			ft.responses[rule]++
		}
	})
	res := engine.Lint([]string{dir}, nil, &engine.Options{Jobs: 1, Root: dir, Rules: rules.All(), RuleOptions: opts})
	for _, f := range res.Findings {
		if strings.HasSuffix(f.Message, rules.PossibleNote) {
			id := f.RuleID
			if isScript(f.Span.File) {
				id += " (application code)"
			}
			ft.findings[id]++
		}
	}
}

// isScript reports whether a file is application code, whose counts are
// kept apart: the evaluator answers for it only where the framework's
// own answers are known.
func isScript(path string) bool {
	switch filepath.Ext(path) {
	case ".js", ".mjs", ".cjs", ".jsx", ".ts", ".mts", ".cts", ".tsx":
		return true
	}
	return false
}

func (ft *fallbackTally) String() string {
	var ids []string
	for id := range ft.asked {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	var b strings.Builder
	for _, id := range ids {
		fmt.Fprintf(&b, "\n\t%s: %d of %d (%d findings marked possible)", id, ft.responses[id], ft.asked[id], ft.findings[id])
	}
	return b.String()
}

// fallbackFile records, per tree and rule, the counts TestFallbackUse
// holds down.
const fallbackFile = "testdata/fallback.txt"

// TestFallbackUse counts how often the rules still judge a response from
// its statements rather than from the request evaluator, on the rule
// cases, the examples and the shared corpus, per rule as the responses
// judged so of those asked about, and the findings marked possible.
// Findings marked possible must come from a response judged so. The
// counts are a ratchet: testdata/fallback.txt holds them, a count that
// grows fails, and one that shrinks fails until the file is rewritten
// with -update, so that it stays as low as it got. The corpus is
// compared only where it was read.
func TestFallbackUse(t *testing.T) {
	trees := map[string][]string{}
	cases, err := filepath.Glob(filepath.Join("..", "testdata", "rules", "*", "*.txtar"))
	if err != nil || len(cases) == 0 {
		t.Fatalf("no rule cases: %v", err)
	}
	for _, p := range cases {
		trees["testdata/rules"] = append(trees["testdata/rules"], writeArchive(t, p))
	}
	trees["examples"] = []string{filepath.Join("..", "examples")}
	if dir := corpusDir(); dir != "" {
		trees["corpus"] = []string{dir}
	}
	got := map[string]*fallbackTally{}
	for _, name := range []string{"testdata/rules", "examples", "corpus"} {
		dirs, ok := trees[name]
		if !ok {
			continue
		}
		ft := &fallbackTally{asked: map[string]int{}, responses: map[string]int{}, findings: map[string]int{}}
		for _, d := range dirs {
			ft.lint(t, d)
		}
		for id, n := range ft.findings {
			if ft.responses[id] == 0 {
				t.Errorf("%s: %d findings of %s marked possible, but no response was judged from its statements", name, n, id)
			}
		}
		t.Logf("%s: responses judged from the statements, per rule:%s", name, ft)
		got[name] = ft
	}
	recorded, err := readFallbackCounts(fallbackFile)
	if err != nil && !updating() {
		t.Fatalf("%v; write it with go test ./rules/ -run TestFallbackUse -update", err)
	}
	if updating() {
		if err := writeFallbackCounts(fallbackFile, got, recorded); err != nil {
			t.Fatal(err)
		}
		return
	}
	for _, msg := range compareFallbackCounts(got, recorded) {
		t.Error(msg)
	}
}

// fallbackCount is one line of testdata/fallback.txt.
type fallbackCount struct {
	judged, asked, possible int
}

// updating reports whether the test run was given -update (the flag the
// docs test defines).
func updating() bool {
	f := flag.Lookup("update")
	return f != nil && f.Value.String() == "true"
}

// readFallbackCounts reads testdata/fallback.txt: by tree, then rule,
// the responses judged from their statements, those asked about, and
// the findings marked possible.
func readFallbackCounts(path string) (map[string]map[string]fallbackCount, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read the recorded fallback counts: %w", err)
	}
	out := map[string]map[string]fallbackCount{}
	for i, line := range strings.Split(string(data), "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Split(line, "\t")
		if len(f) != 5 {
			return nil, fmt.Errorf("%s:%d: want tree, rule and three counts separated by tabs, got %q", path, i+1, line)
		}
		var c fallbackCount
		for j, p := range []*int{&c.judged, &c.asked, &c.possible} {
			n, err := strconv.Atoi(f[2+j])
			if err != nil {
				return nil, fmt.Errorf("%s:%d: %w", path, i+1, err)
			}
			*p = n
		}
		if out[f[0]] == nil {
			out[f[0]] = map[string]fallbackCount{}
		}
		out[f[0]][f[1]] = c
	}
	return out, nil
}

// writeFallbackCounts writes the counts of the trees read, keeping the
// recorded lines of a tree that was not (the corpus, when absent).
func writeFallbackCounts(path string, got map[string]*fallbackTally, recorded map[string]map[string]fallbackCount) error {
	all := map[string]map[string]fallbackCount{}
	for tree, rs := range recorded {
		if got[tree] == nil {
			all[tree] = rs
		}
	}
	for tree, ft := range got {
		all[tree] = ft.counts()
	}
	var b strings.Builder
	b.WriteString("# Responses the rules judge from their statements because the request evaluator does not\n")
	b.WriteString("# decide them, held down by TestFallbackUse. Rewrite with: go test ./rules/ -run TestFallbackUse -update\n")
	b.WriteString("# tree\trule\tjudged from statements\tasked about\tfindings marked possible\n")
	for _, tree := range slices.Sorted(maps.Keys(all)) {
		for _, id := range slices.Sorted(maps.Keys(all[tree])) {
			c := all[tree][id]
			fmt.Fprintf(&b, "%s\t%s\t%d\t%d\t%d\n", tree, id, c.judged, c.asked, c.possible)
		}
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("write the fallback counts: %w", err)
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		return fmt.Errorf("write the fallback counts: %w", err)
	}
	return nil
}

// counts returns the tally per rule.
func (ft *fallbackTally) counts() map[string]fallbackCount {
	out := map[string]fallbackCount{}
	for id, n := range ft.asked {
		out[id] = fallbackCount{judged: ft.responses[id], asked: n, possible: ft.findings[id]}
	}
	return out
}

// compareFallbackCounts lists, for the trees read, each count of
// responses judged from their statements or of findings marked possible
// that differs from the recorded one: growth is a regression, and a
// count that shrank is to be recorded so that it cannot grow back.
func compareFallbackCounts(got map[string]*fallbackTally, recorded map[string]map[string]fallbackCount) []string {
	var out []string
	for _, tree := range slices.Sorted(maps.Keys(got)) {
		now, was := got[tree].counts(), recorded[tree]
		ids := map[string]bool{}
		for id := range now {
			ids[id] = true
		}
		for id := range was {
			ids[id] = true
		}
		for _, id := range slices.Sorted(maps.Keys(ids)) {
			n, w := now[id], was[id]
			for _, c := range []struct {
				what     string
				now, was int
			}{
				{"responses judged from their statements", n.judged, w.judged},
				{"findings marked possible", n.possible, w.possible},
			} {
				switch {
				case c.now > c.was:
					out = append(out, fmt.Sprintf("%s: %s: %d %s, %d recorded in %s: the rules fall back on the statements more than before; make the evaluator decide these responses (or, for new cases it cannot decide, say why in the commit and run go test ./rules/ -run TestFallbackUse -update)", tree, id, c.now, c.what, c.was, "rules/"+fallbackFile))
				case c.now < c.was:
					out = append(out, fmt.Sprintf("%s: %s: %d %s, down from %d: record the lower count with go test ./rules/ -run TestFallbackUse -update", tree, id, c.now, c.what, c.was))
				}
			}
		}
	}
	return out
}

// writeArchive writes a rule case's configuration files to a directory.
func writeArchive(t *testing.T, path string) string {
	t.Helper()
	ar, err := txtar.ParseFile(path)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for _, f := range ar.Files {
		if f.Name == "want" || f.Name == "args" {
			continue
		}
		p := filepath.Join(dir, filepath.FromSlash(f.Name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, f.Data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// TestCompareFallbackCounts: a count that grows or shrinks is reported,
// and a tree that was not read (the corpus, when absent) is not
// compared.
func TestCompareFallbackCounts(t *testing.T) {
	tally := func(judged, possible int) *fallbackTally {
		return &fallbackTally{
			asked:     map[string]int{"CORS101": 5},
			responses: map[string]int{"CORS101": judged},
			findings:  map[string]int{"CORS101": possible},
		}
	}
	recorded := map[string]map[string]fallbackCount{
		"examples": {"CORS101": {judged: 2, asked: 5, possible: 1}},
		"corpus":   {"CORS401": {judged: 9, asked: 9, possible: 9}},
	}
	for _, c := range []struct {
		name             string
		judged, possible int
		want             string
	}{
		{"same", 2, 1, ""},
		{"grew", 3, 1, "more than before"},
		{"possible grew", 2, 2, "more than before"},
		{"shrank", 1, 1, "record the lower count"},
	} {
		msgs := compareFallbackCounts(map[string]*fallbackTally{"examples": tally(c.judged, c.possible)}, recorded)
		switch {
		case c.want == "" && len(msgs) > 0:
			t.Errorf("%s: unexpected %q", c.name, msgs)
		case c.want != "" && (len(msgs) != 1 || !strings.Contains(msgs[0], c.want)):
			t.Errorf("%s: got %q, want one message saying %q", c.name, msgs, c.want)
		}
	}
}
