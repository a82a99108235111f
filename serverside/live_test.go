//go:build oracle

package serverside_test

import (
	"strings"
	"testing"

	"github.com/corslint/corslint/model"
	"github.com/corslint/corslint/oracle"
	"github.com/corslint/corslint/serverside"
)

// TestLive runs every scenario against the real server and Chromium and
// compares, verdict by verdict and CORS header by CORS header, what
// corslint predicted from the configuration with what happened.
func TestLive(t *testing.T) {
	for _, s := range oracle.Scenarios() {
		t.Run(s.Name, func(t *testing.T) {
			if parse(t, s, vars) == nil {
				t.Skipf("%s is not predicted yet", s.Server)
			}
			t.Parallel()
			obs, v := oracle.RunVars(t, s)
			f := parse(t, s, v)
			req := Request(s, v)
			req.Origin = v.Origin
			req.URL = v.URL
			p := serverside.Predict([]*model.File{f}, req)
			var diffs []string
			if p.Verdict.Allowed != obs.Allowed {
				diffs = append(diffs, "allowed differs")
			}
			if p.Verdict.Message != obs.Console {
				diffs = append(diffs, "console message differs")
			}
			diffs = append(diffs, wireDiffs("preflight", p.Preflight, obs.Preflight)...)
			if obs.Actual != nil && p.Actual != nil {
				diffs = append(diffs, wireDiffs("actual", p.Actual, obs.Actual)...)
			}
			if len(diffs) > 0 {
				t.Errorf("%s\npredicted: allowed=%v %q\n  preflight %s\n  actual %s\nobserved: %s",
					strings.Join(diffs, "; "), p.Verdict.Allowed, p.Verdict.Message, describe(p.Preflight), describe(p.Actual), obs.Describe())
			}
		})
	}
}

// wireDiffs compares status and Access-Control-* and Vary lines.
func wireDiffs(what string, a *serverside.Answer, w *oracle.Wire) []string {
	if (a == nil) != (w == nil) {
		return []string{what + ": sent differs"}
	}
	if a == nil {
		return nil
	}
	var diffs []string
	if a.Status != w.Status {
		diffs = append(diffs, what+" status differs")
	}
	pick := func(name string) bool {
		return strings.HasPrefix(strings.ToLower(name), "access-control-") || strings.EqualFold(name, "vary")
	}
	var got, want []string
	for _, l := range a.Headers {
		if pick(l.Name) {
			got = append(got, strings.ToLower(l.Name)+": "+l.Value)
		}
	}
	for _, h := range w.Headers {
		if pick(h.Name) {
			want = append(want, strings.ToLower(h.Name)+": "+h.Value)
		}
	}
	if strings.Join(sorted(got), "\n") != strings.Join(sorted(want), "\n") {
		diffs = append(diffs, what+" CORS headers differ")
	}
	return diffs
}

func sorted(ss []string) []string {
	out := append([]string(nil), ss...)
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j] < out[j-1]; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}
