package format

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"
)

func TestJSONReport(t *testing.T) {
	out := render(t, "json", fxReport())
	var got []jsonFinding
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("invalid JSON: %v\n%s", err, out)
	}
	if len(got) != 4 {
		t.Fatalf("want all 4 findings, suppressed included, got %d", len(got))
	}
	first := got[0]
	if first.Rule != "CORS101" || first.Slug != "reflected-origin" || first.Severity != "error" {
		t.Errorf("first finding: %+v", first)
	}
	if first.jsonPos != (jsonPos{"conf/site.conf", 3, 5, 3, 15}) {
		t.Errorf("position: %+v", first.jsonPos)
	}
	if len(first.IncludedFrom) != 1 || first.IncludedFrom[0] != (jsonPos{"nginx.conf", 2, 5, 2, 27}) {
		t.Errorf("included_from: %+v", first.IncludedFrom)
	}
	if len(first.Related) != 1 || first.Related[0].Message != "in this server" || first.Related[0].jsonPos != (jsonPos{"conf/site.conf", 1, 1, 1, 7}) {
		t.Errorf("related: %+v", first.Related)
	}
	if got[1].Message != fxMessage || got[1].File != "a,b:c%d e.conf" {
		t.Errorf("special characters did not survive: %q in %q", got[1].Message, got[1].File)
	}
	if got[2].Suppressed != "reviewed in #12" || got[0].Suppressed != "" {
		t.Errorf("suppressed: %q and %q", got[2].Suppressed, got[0].Suppressed)
	}
	if got[3].File != fxOutside {
		t.Errorf("a file outside the root keeps its path, got %q", got[3].File)
	}
	hex := regexp.MustCompile(`^[0-9a-f]{32}$`)
	seen := map[string]bool{}
	for _, f := range got {
		if !hex.MatchString(f.Fingerprint) || seen[f.Fingerprint] {
			t.Errorf("fingerprint %q is malformed or repeated", f.Fingerprint)
		}
		seen[f.Fingerprint] = true
	}
}

// TestJSONFingerprintPath names the file relative to the root in the
// fingerprint, so that a checkout elsewhere keeps the same identities, and
// keeps the absolute path of a file outside the root.
func TestJSONFingerprintPath(t *testing.T) {
	var got []jsonFinding
	if err := json.Unmarshal([]byte(render(t, "json", fxReport())), &got); err != nil {
		t.Fatal(err)
	}
	fs := fxFindings()
	for i, rel := range map[int]string{0: "conf/site.conf", 1: "a,b:c%d e.conf", 3: "/etc/other.conf"} {
		lines := strings.Split(fxSources[fs[i].Span.File], "\n")
		if want := fs[i].FingerprintAt(rel, lines[fs[i].Span.Line-1]); got[i].Fingerprint != want {
			t.Errorf("finding %d: fingerprint %s, want the one of %q", i, got[i].Fingerprint, rel)
		}
	}
}

// TestJSONFingerprintIgnoresLine keeps a finding's identity when lines are
// added above it, and changes it when the statement itself changes.
func TestJSONFingerprintIgnoresLine(t *testing.T) {
	fp := func(src string, line int) string {
		r := fxReport()
		r.Findings = r.Findings[:1]
		r.Findings[0].Span.Line = line
		r.Sources = func(string) []byte { return []byte(src) }
		var got []jsonFinding
		if err := json.Unmarshal([]byte(render(t, "json", r)), &got); err != nil {
			t.Fatal(err)
		}
		return got[0].Fingerprint
	}
	a := fp("x;\nadd_header A $http_origin;\n", 2)
	if b := fp("# new\n\nx;\nadd_header A $http_origin;\n", 4); a != b {
		t.Errorf("fingerprint moved with the line: %s vs %s", a, b)
	}
	if c := fp("x;\nadd_header A *;\n", 2); a == c {
		t.Errorf("fingerprint ignores the statement's text")
	}
}

func TestJSONEmpty(t *testing.T) {
	r := fxReport()
	r.Findings = nil
	if got := render(t, "json", r); got != "[]\n" {
		t.Errorf("want an empty array, got %q", got)
	}
}

func TestUnknownFormat(t *testing.T) {
	if err := Write(nil, "xml", fxReport()); err == nil {
		t.Error("want an error for an unknown format")
	}
}
