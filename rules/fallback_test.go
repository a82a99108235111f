package rules_test

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
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

// isScript reports whether a file is application code, which the
// evaluator does not answer for yet.
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

// TestFallbackUse counts how often the rules still judge a response from
// its statements rather than from the request evaluator, on the rule
// cases, the examples and the shared corpus, per rule as the responses judged so of those asked about, and the
// findings marked possible. Findings marked possible must come from a
// response judged so.
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
	}
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
