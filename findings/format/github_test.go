package format

import (
	"strings"
	"testing"
)

func TestGitHubReport(t *testing.T) {
	got := render(t, "github", fxReport())
	want := "::error file=conf/site.conf,line=3,col=5,endLine=3,endColumn=15,title=CORS101 reflected-origin::the Origin header is reflected\n" +
		"::warning file=a%2Cb%3Ac%25d e.conf,line=1,col=1,endLine=1,endColumn=7,title=CORS401 wildcard-origin::value | \"100%25\" <b>%0D%0Anext, line: x\n" +
		"::notice file=/etc/other.conf,line=1,col=1,endLine=1,endColumn=1,title=CORS301 missing-vary::outside the root\n"
	if got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
	if strings.Contains(got, "suppressed note") {
		t.Error("suppressed findings must not become annotations")
	}
}

// Workflow commands split properties on "," and ":" and end at a newline;
// data ends only at a newline. See GitHub's toolkit/core command.ts.
func TestGitHubEscaping(t *testing.T) {
	tests := []struct{ in, prop, data string }{
		{"plain", "plain", "plain"},
		{"100%", "100%25", "100%25"},
		{"%0A", "%250A", "%250A"},
		{"a\r\nb", "a%0D%0Ab", "a%0D%0Ab"},
		{"a:b,c", "a%3Ab%2Cc", "a:b,c"},
		{"::error::x", "%3A%3Aerror%3A%3Ax", "::error::x"},
	}
	for _, tt := range tests {
		if got := ghProp(tt.in); got != tt.prop {
			t.Errorf("ghProp(%q) = %q, want %q", tt.in, got, tt.prop)
		}
		if got := ghData(tt.in); got != tt.data {
			t.Errorf("ghData(%q) = %q, want %q", tt.in, got, tt.data)
		}
	}
}

// TestGitHubOneLinePerFinding holds that no message can break out of its
// annotation into a command of its own.
func TestGitHubOneLinePerFinding(t *testing.T) {
	r := fxReport()
	r.Findings[0].Message = "x\n::error file=evil::injected"
	got := render(t, "github", r)
	lines := strings.Split(strings.TrimSuffix(got, "\n"), "\n")
	if len(lines) != 3 {
		t.Fatalf("want 3 lines, got %d:\n%s", len(lines), got)
	}
	for _, l := range lines {
		if !strings.HasPrefix(l, "::") {
			t.Errorf("line does not start a command: %q", l)
		}
	}
}
