package rules

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite docs/rules from the rule metadata")

// TestDocsInStep keeps docs/rules/ generated from the metadata: run
// `go test ./rules -run TestDocsInStep -update` after changing a rule.
func TestDocsInStep(t *testing.T) {
	dir := filepath.Join("..", "docs", "rules")
	want := map[string]string{"README.md": "# Rules\n\nGenerated from the rule metadata by `go test ./rules -run TestDocsInStep -update`; do not edit.\n\n" + index(All())}
	for _, r := range All() {
		want[r.ID+".md"] = Markdown(r)
	}
	if *update {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		old, _ := filepath.Glob(filepath.Join(dir, "*.md"))
		for _, p := range old {
			if _, ok := want[filepath.Base(p)]; !ok {
				if err := os.Remove(p); err != nil {
					t.Fatal(err)
				}
			}
		}
		for name, text := range want {
			if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		return
	}
	have, _ := filepath.Glob(filepath.Join(dir, "*.md"))
	for _, p := range have {
		if _, ok := want[filepath.Base(p)]; !ok {
			t.Errorf("%s documents no rule; run go test ./rules -run TestDocsInStep -update", p)
		}
	}
	for name, text := range want {
		got, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil || string(got) != text {
			t.Errorf("docs/rules/%s is out of step with the rule metadata; run go test ./rules -run TestDocsInStep -update", name)
		}
	}
}

// TestMetadata checks what every rule must carry.
func TestMetadata(t *testing.T) {
	seen := map[string]bool{}
	for _, r := range All() {
		if seen[r.ID] || seen[r.Slug] {
			t.Errorf("%s %s: duplicate ID or slug", r.ID, r.Slug)
		}
		seen[r.ID], seen[r.Slug] = true, true
		for _, sec := range []string{"## Why", "## Bad", "## Good"} {
			if !strings.Contains(r.Doc, sec) {
				t.Errorf("%s: doc lacks %q", r.ID, sec)
			}
		}
		if r.Summary == "" || r.SecuritySeverity == "" {
			t.Errorf("%s: summary and security severity are required", r.ID)
		}
		if !r.Diagnostic && r.Run == nil {
			t.Errorf("%s: no Run", r.ID)
		}
	}
}

// TestReadmeInStep keeps the README's rule table generated.
func TestReadmeInStep(t *testing.T) {
	path := filepath.Join("..", "README.md")
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	const begin, end = "<!-- rules:begin -->\n", "<!-- rules:end -->"
	i, j := strings.Index(string(src), begin), strings.Index(string(src), end)
	if i < 0 || j < i {
		t.Fatalf("README.md lacks the %q ... %q markers", begin, end)
	}
	table := strings.ReplaceAll(index(All()), "](CORS", "](docs/rules/CORS")
	want := string(src[:i+len(begin)]) + table + string(src[j:])
	if *update {
		if err := os.WriteFile(path, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if string(src) != want {
		t.Error("README.md's rule table is out of step; run go test ./rules -run TestReadmeInStep -update")
	}
}

// index renders the rule table for docs/rules/README.md and the README.
func index(rs []*Rule) string {
	var b strings.Builder
	b.WriteString("| ID | Slug | Severity | Finds |\n|---|---|---|---|\n")
	for _, r := range rs {
		fmt.Fprintf(&b, "| [%s](%s.md) | %s | %s | %s |\n", r.ID, r.ID, r.Slug, r.Severity, r.Summary)
	}
	return b.String()
}
