package serverside

import (
	"testing"

	"github.com/corslint/corslint/model"
)

// A regex allowlist that only fixes a suffix still gives a sample origin
// it accepts, dot included, so the rules can ask what such origins get.
func TestTrustedOriginsSuffix(t *testing.T) {
	for _, tc := range []struct{ pattern, want string }{
		{`\.example\.com$`, "https://x.example.com"},
		{`^https://(app|admin)\.example\.com$`, "https://app.example.com"},
	} {
		m := &model.Matcher{Kind: model.MatchRegex, Pattern: tc.pattern}
		f := &model.File{Matchers: []*model.Matcher{m}}
		got := trustedOrigins(f, &model.Response{}, nil)
		if len(got) == 0 || got[0] != tc.want {
			t.Errorf("%s: samples %q, want %s first", tc.pattern, got, tc.want)
		}
	}
}
