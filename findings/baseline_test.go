package findings

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/corslint/corslint/model"
)

func TestBaselineRoundTrip(t *testing.T) {
	lines := map[int]string{3: "add_header A $http_origin;", 9: "add_header A $http_origin;", 5: "add_header Vary x;"}
	loc := func(f Finding) (string, string) { return "conf/a.conf", lines[f.Span.Line] }
	mk := func(rule string, line int) Finding {
		return Finding{RuleID: rule, Message: "m " + rule, Span: model.Span{File: "/abs/conf/a.conf", Line: line}}
	}
	old := []Finding{mk("CORS101", 3), mk("CORS401", 5), mk("CORS001", 7)}
	old[1].Suppressed = &Suppression{Reason: "x"}
	b := NewBaseline(old, loc)
	if len(b.Findings) != 1 || b.Findings[0].Rule != "CORS101" || b.Findings[0].File != "conf/a.conf" {
		t.Fatalf("baseline holds %+v; want only the unsuppressed CORS101", b.Findings)
	}
	var buf bytes.Buffer
	if err := b.Write(&buf); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "baseline.json")
	if err := os.WriteFile(p, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	rb, err := ReadBaseline(p)
	if err != nil {
		t.Fatal(err)
	}
	// The accepted finding moved from line 3 to 4: still accepted. A second
	// copy of the same statement at line 9 is new.
	lines[4] = lines[3]
	now := []Finding{mk("CORS101", 4), mk("CORS101", 9), mk("CORS001", 7)}
	kept, dropped := rb.Filter(now, loc)
	if dropped != 1 || len(kept) != 2 || kept[0].Span.Line != 9 || kept[1].RuleID != "CORS001" {
		t.Errorf("dropped %d, kept %+v", dropped, kept)
	}
	// Changing the statement resurfaces it.
	lines[4] = "add_header A $http_origin always;"
	if _, dropped := rb.Filter([]Finding{mk("CORS101", 4)}, loc); dropped != 0 {
		t.Error("an edited statement must not match the baseline")
	}
}

func TestReadBaselineErrors(t *testing.T) {
	dir := t.TempDir()
	for name, c := range map[string]struct{ data, want string }{
		"empty":   {"", "the file is empty"},
		"json":    {"{", "unexpected EOF"},
		"unknown": {`{"version":1,"findings":[],"extra":1}`, `unknown field "extra"`},
		"version": {`{"version":2,"findings":[]}`, "version 2"},
		"nofp":    {`{"version":1,"findings":[{"rule":"CORS101"}]}`, "entry 1 has no fingerprint"},
	} {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(c.data), 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := ReadBaseline(p); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want %s", name, err, c.want)
		}
	}
	if _, err := ReadBaseline(filepath.Join(dir, "missing")); err == nil {
		t.Error("missing file")
	}
}
