package rules

import (
	"testing"

	"github.com/corslint/corslint/model"
)

func TestRepairPattern(t *testing.T) {
	for _, c := range []struct {
		in, want string
		ci       bool
	}{
		{`^(api|dev|www)\.example\.com`, `^https://(api|dev|www)\.example\.com$`, false},
		{`example.com`, `^https://example\.com$`, true},
		{`^https?://(app|admin)\.example\.com$`, `^https://(app|admin)\.example\.com$`, false},
		{`^https://app.example.com$`, `^https://app\.example\.com$`, false},
		// a dot before the domain: subdomains only, never the bare domain
		{`.*\.example\.com$`, `^https://([a-z0-9-]+\.)+example\.com$`, false},
		{`^https://.*\.example\.com`, `^https://([a-z0-9-]+\.)+example\.com$`, false},
		{`\.example\.com$`, `^https://([a-z0-9-]+\.)+example\.com$`, false},
		{`.example\.com$`, `^https://([a-z0-9-]+\.)+example\.com$`, false},
		// an optional label: the bare domain too
		{`^https?://(.*\.)?example\.com$`, `^https://([a-z0-9-]+\.)*example\.com$`, false},
		{`^(https://www\.katiska\.eu|https://www\.eksis.\.one)$`, `^(https://www\.katiska\.eu|https://www\.eksis\.one)$`, false},
		{`^https://app\.example\.com(:[0-9]+)?/`, `^https://app\.example\.com(:[0-9]+)?$`, false},
	} {
		orig := &model.Matcher{Kind: model.MatchRegex, Pattern: c.in, CaseInsensitive: c.ci}
		got, ok := repairPattern(orig)
		if !ok || got != c.want {
			t.Errorf("repairPattern(%q) = %q, %v; want %q", c.in, got, ok, c.want)
		}
		// The repair never admits the bare domain the pattern kept out.
		fixed := &model.Matcher{Kind: model.MatchRegex, Pattern: got, CaseInsensitive: c.ci}
		if bare := "https://example.com"; ok && !orig.Matches(bare) && fixed.Matches(bare) {
			t.Errorf("repairPattern(%q) = %q admits %s, which the pattern did not", c.in, got, bare)
		}
	}
	// Nothing the author wrote names a host: no repair to offer.
	if got, ok := repairPattern(&model.Matcher{Kind: model.MatchRegex, Pattern: `.*`}); ok {
		t.Errorf("repairPattern(.*) = %q, want no repair", got)
	}
}
