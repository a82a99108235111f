package format

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/owenrumney/go-sarif/v3/pkg/report/v210/sarif"

	"github.com/corslint/corslint/findings"
	"github.com/corslint/corslint/model"
)

// sarifOf renders r, validates it against the SARIF 2.1.0 schema and
// decodes it into corslint's own structs for field checks.
func sarifOf(t *testing.T, r *Report) sarifLog {
	t.Helper()
	out := render(t, "sarif", r)
	rep, err := sarif.FromBytes([]byte(out))
	if err != nil {
		t.Fatalf("parse: %v\n%s", err, out)
	}
	if err := rep.Validate(); err != nil {
		t.Fatalf("invalid SARIF: %v\n%s", err, out)
	}
	var log sarifLog
	if err := json.Unmarshal([]byte(out), &log); err != nil {
		t.Fatal(err)
	}
	if len(log.Runs) != 1 {
		t.Fatalf("want one run, got %d", len(log.Runs))
	}
	return log
}

func TestSARIFReport(t *testing.T) {
	run := sarifOf(t, fxReport()).Runs[0]
	if got := run.OriginalURIBase["SRCROOT"].URI; got != "file:///repo/" {
		t.Errorf("SRCROOT = %q", got)
	}
	if run.Tool.Driver.Version != "1.2.3" || len(run.Tool.Driver.Rules) != 3 {
		t.Errorf("driver: version %q, %d rules", run.Tool.Driver.Version, len(run.Tool.Driver.Rules))
	}
	if len(run.Results) != 4 {
		t.Fatalf("want all 4 results, suppressed included, got %d", len(run.Results))
	}
	for _, res := range run.Results {
		if rule := run.Tool.Driver.Rules[res.RuleIndex]; rule.ID != res.RuleID {
			t.Errorf("%s points at rule %d (%s)", res.RuleID, res.RuleIndex, rule.ID)
		}
	}
	first := run.Results[0]
	if first.Level != "error" || run.Results[1].Level != "warning" || run.Results[3].Level != "note" {
		t.Errorf("levels: %s %s %s", first.Level, run.Results[1].Level, run.Results[3].Level)
	}
	wantLoc := sarifPhysical{sarifArtifactLoc{URI: "conf/site.conf", URIBaseID: "SRCROOT"}, sarifRegion{3, 5, 3, 15}}
	if first.Locations[0].PhysicalLocation != wantLoc {
		t.Errorf("location: %+v", first.Locations[0].PhysicalLocation)
	}
	rel := first.RelatedLocations
	if len(rel) != 2 {
		t.Fatalf("want the related location and the include, got %+v", rel)
	}
	if rel[0].ID != 1 || rel[0].Message.Text != "in this server" || rel[0].PhysicalLocation.Region.StartLine != 1 {
		t.Errorf("related location: %+v", rel[0])
	}
	if rel[1].ID != 2 || rel[1].Message.Text != "included from here" ||
		rel[1].PhysicalLocation.ArtifactLocation.URI != "nginx.conf" || rel[1].PhysicalLocation.Region.StartLine != 2 {
		t.Errorf("include location: %+v", rel[1])
	}
	if s := run.Results[2].Suppressions; len(s) != 1 || s[0].Kind != "inSource" || s[0].Justification != "reviewed in #12" {
		t.Errorf("suppression: %+v", s)
	}
	if run.Results[0].Suppressions != nil {
		t.Error("an unsuppressed result has suppressions")
	}
	if got := run.Results[1].Locations[0].PhysicalLocation.ArtifactLocation.URI; got != "./a,b:c%25d%20e.conf" {
		t.Errorf("a relative path must be escaped into a URI reference, got %q", got)
	}
	if got := run.Results[1].Message.Text; got != fxMessage {
		t.Errorf("message %q, want %q", got, fxMessage)
	}
	out := run.Results[3].Locations[0].PhysicalLocation.ArtifactLocation
	if out.URI != "file:///etc/other.conf" || out.URIBaseID != "" {
		t.Errorf("a file outside the root needs an absolute URI, got %+v", out)
	}
}

// TestSARIFDuplicateFingerprints numbers identical statements so that code
// scanning keeps them apart.
func TestSARIFDuplicateFingerprints(t *testing.T) {
	r := fxReport()
	f := r.Findings[0]
	r.Findings = []findings.Finding{f, f, f}
	run := sarifOf(t, r).Runs[0]
	base := run.Results[0].PartialFingerprints["corslint/v1"]
	if len(base) != 32 {
		t.Fatalf("fingerprint %q", base)
	}
	for i, want := range []string{base, base + ":2", base + ":3"} {
		if got := run.Results[i].PartialFingerprints["corslint/v1"]; got != want {
			t.Errorf("result %d: fingerprint %q, want %q", i, got, want)
		}
	}
}

func TestSARIFNoRoot(t *testing.T) {
	r := fxReport()
	r.Root = ""
	run := sarifOf(t, r).Runs[0]
	if run.OriginalURIBase != nil {
		t.Errorf("no root, yet originalUriBaseIds: %+v", run.OriginalURIBase)
	}
	if got := run.Results[0].Locations[0].PhysicalLocation.ArtifactLocation; got.URI != "file:///repo/conf/site.conf" || got.URIBaseID != "" {
		t.Errorf("location: %+v", got)
	}
}

func TestSARIFEmpty(t *testing.T) {
	r := fxReport()
	r.Findings = nil
	run := sarifOf(t, r).Runs[0]
	if run.Results == nil || len(run.Results) != 0 {
		t.Errorf("want an empty results array, got %+v", run.Results)
	}
}

// TestSARIFParseErrors reports CORS001 both as a result and as a tool
// notification, since code scanning shows the latter on the run.
func TestSARIFParseErrors(t *testing.T) {
	r := fxReport()
	r.Findings = append(r.Findings, findings.Finding{RuleID: "CORS001", Slug: "parse-error", Severity: findings.Error,
		Message: "unexpected }", Span: model.Span{File: fxSite, Line: 4, Col: 1}})
	run := sarifOf(t, r).Runs[0]
	n := run.Invocations[0].ToolExecutionNotifications
	if len(n) != 1 || n[0].Message.Text != "unexpected }" || n[0].Descriptor.ID != "CORS001" {
		t.Errorf("notifications: %+v", n)
	}
	if len(run.Results) != 5 {
		t.Errorf("the parse error is also a result; got %d results", len(run.Results))
	}
}

func TestSARIFRegion(t *testing.T) {
	r := &Report{Root: fxRoot}
	tests := []struct {
		name                     string
		line, col, endLine, endC int
		want                     sarifRegion
	}{
		{"range on one line", 3, 5, 3, 15, sarifRegion{3, 5, 3, 15}},
		{"range over lines", 3, 5, 6, 1, sarifRegion{3, 5, 6, 1}},
		{"no end", 3, 5, 0, 0, sarifRegion{3, 5, 0, 0}},
		{"empty range", 3, 5, 3, 5, sarifRegion{3, 5, 0, 0}},
		{"end before start", 3, 5, 2, 9, sarifRegion{3, 5, 0, 0}},
		{"no position", 0, 0, 0, 0, sarifRegion{1, 1, 0, 0}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := r.sarifLoc("/repo/x.conf", tt.line, tt.col, tt.endLine, tt.endC).PhysicalLocation.Region
			if got != tt.want {
				t.Errorf("region %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestSARIFVersion(t *testing.T) {
	for in, want := range map[string]string{"": "", "v1.2.0": "1.2.0", "1.2.0": "1.2.0", "dev": "0.0.0-dev", "v": "0.0.0-"} {
		if got := sarifVersion(in); got != want {
			t.Errorf("sarifVersion(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestFileURI(t *testing.T) {
	for in, want := range map[string]string{
		"/etc/nginx.conf": "file:///etc/nginx.conf",
		"/a b/c#d%e.conf": "file:///a%20b/c%23d%25e.conf",
	} {
		if got := fileURI(in); got != want {
			t.Errorf("fileURI(%q) = %q, want %q", in, got, want)
		}
		if !strings.HasPrefix(want, "file:///") {
			t.Fatal("bad table")
		}
	}
}
