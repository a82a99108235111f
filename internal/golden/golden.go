// Package golden holds the one layout every parser's golden tests share:
// each input under testdata/ is rendered to testdata/golden/<input>.txt
// as the parser's own tree (if it keeps one), the diagnostics, the
// comments, the lowered model (if the parser lowers) and any further
// section, and `go test ./parsers/<name> -run TestGolden -update`
// rewrites the goldens.
package golden

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/corslint/corslint/model"
)

// update is the test binary's -update flag; it is a flag, set once by the
// command line, as go test's own flags are.
var update = flag.Bool("update", false, "rewrite the golden files under testdata/golden")

// Inputs lists the regular files matching the glob patterns, sorted; the
// test fails when there are none, as a renamed testdata folder would
// otherwise pass silently.
func Inputs(t testing.TB, patterns ...string) []string {
	t.Helper()
	var out []string
	for _, pattern := range patterns {
		m, err := filepath.Glob(pattern)
		if err != nil {
			t.Fatalf("inputs %q: %v", pattern, err)
		}
		for _, p := range m {
			if st, err := os.Lstat(p); err == nil && st.Mode().IsRegular() {
				out = append(out, p)
			}
		}
	}
	if len(out) == 0 {
		t.Fatalf("no inputs match %v", patterns)
	}
	sort.Strings(out)
	return out
}

// Run renders each input in a subtest named after it and compares the
// result with its golden file, or rewrites that file under -update.
func Run(t *testing.T, inputs []string, render func(t *testing.T, path string) string) {
	t.Helper()
	for _, path := range inputs {
		t.Run(filepath.Base(path), func(t *testing.T) {
			compare(t, path, render(t, path))
		})
	}
}

// goldenPath is where the golden of an input lives: golden/<base>.txt beside
// the testdata folder the input sits in or below.
func goldenPath(input string) string {
	return filepath.Join("testdata", "golden", filepath.Base(input)+".txt")
}

// compare checks got against the input's golden file, or writes it under
// -update.
func compare(t *testing.T, input, got string) {
	t.Helper()
	golden := goldenPath(input)
	if *update {
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatalf("update golden: %v", err)
		}
		return
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -run TestGolden -update in the package and review the diff)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs from %s; run go test -run TestGolden -update in the package and review the diff\n%s", input, golden, firstDiff(string(want), got))
	}
}

func firstDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < len(w) || i < len(g); i++ {
		var a, b string
		if i < len(w) {
			a = w[i]
		}
		if i < len(g) {
			b = g[i]
		}
		if a != b {
			return fmt.Sprintf("line %d:\n want %q\n got  %q", i+1, a, b)
		}
	}
	return ""
}

// Section is a part of a golden file that only one parser has.
type Section struct {
	Name, Body string
}

// Doc is one golden file's content.
type Doc struct {
	// Path is the input: spans in it print without a file name, spans in
	// other files with their path relative to the input's folder.
	Path        string
	Tree        string // the parser's own tree dump, first, if it has one
	Diagnostics []model.Diagnostic
	Comments    []model.Comment
	Model       *model.File // the lowered model, if the parser lowers
	Extra       []Section
}

// String renders the sections in their fixed order. Paths below the
// input's folder are written relative to it everywhere, so that goldens
// do not depend on where the tests run.
func (d Doc) String() string {
	var b strings.Builder
	b.WriteString(d.Tree)
	b.WriteString("-- diagnostics --\n")
	for _, g := range d.Diagnostics {
		note := ""
		if g.Note {
			note = " (note)"
		}
		fmt.Fprintf(&b, "%s %s%s %s\n", d.at(g.Span), g.RuleID, note, g.Message)
	}
	b.WriteString("-- comments --\n")
	for _, c := range d.Comments {
		fmt.Fprintf(&b, "%s trailing=%v %q\n", d.at(c.Span), c.Trailing, c.Text)
	}
	if d.Model != nil {
		b.WriteString("-- model --\n")
		b.WriteString(modelText(d.Model))
	}
	for _, s := range d.Extra {
		fmt.Fprintf(&b, "-- %s --\n", s.Name)
		b.WriteString(s.Body)
	}
	return strings.ReplaceAll(b.String(), filepath.ToSlash(filepath.Dir(d.Path))+"/", "")
}

func (d Doc) at(s model.Span) string {
	return span(s, d.Path)
}

// span is a span's start and end, with its file unless that is the one
// being rendered.
func span(s model.Span, file string) string {
	pos := fmt.Sprintf("%d:%d-%d:%d", s.Line, s.Col, s.EndLine, s.EndCol)
	if s.File != file {
		return s.File + ":" + pos
	}
	return pos
}

// modelText renders what lowering produced: scopes, header statements,
// matchers, responses and caches, each with the span it points at.
func modelText(f *model.File) string {
	var b strings.Builder
	at := func(s model.Span) string { return span(s, f.Path) }
	scopes := map[*model.Scope]string{}
	for i, s := range f.Scopes {
		scopes[s] = fmt.Sprintf("s%d", i+1)
		parent := "-"
		if s.Parent != nil {
			parent = scopes[s.Parent]
		}
		fmt.Fprintf(&b, "s%d %s %s %q role=%s layer=%s parent=%s\n", i+1, at(s.Span), s.Kind, s.Label, s.Role, s.Layer, parent)
	}
	scope := func(s *model.Scope) string {
		if id, ok := scopes[s]; ok {
			return id
		}
		if s == nil {
			return "-"
		}
		// A scope the file does not list (VCL's subs): its kind and label.
		return fmt.Sprintf("%s:%q", s.Kind, s.Label)
	}
	ids := map[*model.HeaderOp]string{}
	for i, op := range f.Headers {
		ids[op] = fmt.Sprintf("h%d", i+1)
		stored := ""
		if op.Stored {
			stored = " stored"
		}
		fmt.Fprintf(&b, "h%d %s %s %s %s%s delivery=%d scope=%s%s raw=%q\n", i+1, at(op.Span), op.Op, op.Name, valueText(op.Value), stored, op.Delivery, scope(op.Scope), when(op.When), op.Raw)
	}
	for _, m := range f.Matchers {
		fmt.Fprintf(&b, "matcher %s kind=%d %q exact=%q ci=%v hostnames=%v dynamic=%v\n", at(m.Span), m.Kind, m.Pattern, m.Exact, m.CaseInsensitive, m.Hostnames, m.Dynamic)
	}
	for _, r := range f.Responses {
		fmt.Fprintf(&b, "response %s source=%s status=%d options=%d methods=%v scope=%s\n", at(r.Span), r.Source, r.Status, r.OptionsStatus, r.Methods, scope(r.Scope))
		for _, c := range r.Conds {
			fmt.Fprintf(&b, "  cond %q\n", c.Text)
		}
		for _, op := range r.Headers {
			// A listed statement's delivery is on its own line; a variant
			// (a copy made for one response) says its own.
			id, delivery := ids[op], ""
			if id == "" {
				id = "variant of " + at(op.Span)
				delivery = fmt.Sprintf(" delivery=%d", op.Delivery)
			}
			fmt.Fprintf(&b, "  %s %s %s %s%s\n", id, op.Op, op.Name, valueText(op.Value), delivery)
		}
		if u := r.Upstream; u != nil {
			fmt.Fprintf(&b, "  upstream %q function=%v adds=%d hidden=%d\n", u.Target, u.Function, len(u.Adds), len(u.Hidden))
		}
	}
	for _, c := range f.Caches {
		fmt.Fprintf(&b, "cache %s key=%q origin=%v storedVary=%v deliveryVary=%d\n", at(c.Span), c.Key, c.KeyHasOrigin, c.StoredVaryOrigin, len(c.DeliveryVary))
	}
	return b.String()
}

func when(c *model.Condition) string {
	if c == nil {
		return ""
	}
	return fmt.Sprintf(" when=%q", c.Text)
}

// valueText renders a header value by kind: the options of a variable, the
// variable a reflection copies and how many guards it has, the text of
// the rest.
func valueText(v model.Value) string {
	switch v.Kind {
	case model.Variable:
		var parts []string
		for _, o := range v.Options {
			parts = append(parts, valueText(o))
		}
		return "var(" + strings.Join(parts, " | ") + ")"
	case model.Reflected:
		return fmt.Sprintf("reflect(%s guards=%d)", v.Var, len(v.Guards))
	case model.Empty:
		return "empty"
	case model.RequestHeader:
		return fmt.Sprintf("request-header(%s)", v.Var)
	case model.Unknown:
		return fmt.Sprintf("unknown(%q)", v.Raw)
	}
	g := ""
	if len(v.Guards) > 0 {
		g = fmt.Sprintf(" guards=%d", len(v.Guards))
	}
	return fmt.Sprintf("%s(%q)%s", v.Kind, v.Text, g)
}

// CheckSpans asserts that everything a single-file model points at lies
// inside src, with the end after the start.
func CheckSpans(t testing.TB, f *model.File, src []byte) {
	t.Helper()
	lines := strings.Split(string(src), "\n")
	check := func(what string, s model.Span) {
		if s.File != f.Path {
			t.Errorf("%s: names %q, not the file", what, s.File)
			return
		}
		if s.Line < 1 || s.Line > len(lines) || s.Col < 1 || s.Col > len(lines[s.Line-1])+1 {
			t.Errorf("%s: %d:%d is outside the file", what, s.Line, s.Col)
		}
		if s.EndLine < s.Line || s.EndLine == s.Line && s.EndCol < s.Col {
			t.Errorf("%s: %d:%d ends before it starts (%d:%d)", what, s.Line, s.Col, s.EndLine, s.EndCol)
		}
	}
	for _, s := range f.Scopes {
		check("scope "+s.Kind, s.Span)
	}
	for _, op := range f.Headers {
		check("header "+op.Name, op.Span)
	}
	for _, m := range f.Matchers {
		check("matcher "+m.Pattern, m.Span)
	}
	for _, d := range f.Diagnostics {
		check("diagnostic "+d.Message, d.Span)
	}
}
