package serverside_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/corslint/corslint/engine"
	"github.com/corslint/corslint/model"
	"github.com/corslint/corslint/oracle"
	"github.com/corslint/corslint/parsers/js"
	"github.com/corslint/corslint/serverside"
)

// loadApp writes an application scenario's code where the harness writes
// it and loads it as check does; nil when no dialect reads it.
func loadApp(t *testing.T, s oracle.Scenario, v oracle.Vars) []*model.File {
	t.Helper()
	paths, err := oracle.WriteApp(v.Dir, s, v)
	if err != nil {
		t.Fatal(err)
	}
	var files []*model.File
	for _, p := range paths {
		one, err := engine.Load([]string{p}, &engine.Options{Jobs: 1})
		if err != nil {
			t.Fatalf("load %s: %v", p, err)
		}
		files = append(files, one...)
	}
	return files
}

// appRequest is Request for an application: the application is the origin
// server, so nothing stands behind it.
func appRequest(s oracle.Scenario, v oracle.Vars) serverside.Request {
	r := Request(s, v)
	if s.LookAlike != "" {
		r.Origin = "http://" + s.LookAlike + ":8102"
	}
	return r
}

// appGaps are the scenarios whose prediction does not yet match what the
// real runtime and Chromium did, with what differs. A listed scenario that
// starts to agree fails the test, so the list only shrinks.
var appGaps = map[string]string{}

// TestAppScenarios predicts every measured Express and Worker scenario
// from its code alone and compares verdict, console message and the CORS
// headers with what the real runtime and Chromium did.
func TestAppScenarios(t *testing.T) {
	if why := (js.Dialect{}).Unavailable(); why != "" {
		t.Skip(why)
	}
	agree := 0
	all := oracle.AppScenarios()
	for _, s := range all {
		t.Run(s.Name, func(t *testing.T) {
			v := vars
			v.Dir = t.TempDir()
			files := loadApp(t, s, v)
			if len(files) == 0 {
				t.Skipf("no dialect reads the %s code", s.Server)
			}
			req := appRequest(s, v)
			v.URL, v.Origin = req.URL, req.Origin
			diffs := appDiffs(s, serverside.Predict(files, req), v)
			gap, listed := appGaps[s.Name]
			switch {
			case len(diffs) == 0 && listed:
				t.Errorf("agrees now; remove it from appGaps (%s)", gap)
			case len(diffs) == 0:
				agree++
			case listed:
				t.Logf("known gap (%s):\n%s", gap, strings.Join(diffs, "\n"))
			default:
				t.Error(strings.Join(diffs, "\n"))
			}
		})
	}
	t.Logf("%d of %d application scenarios predicted as measured", agree, len(all))
}

// appDiffs lists how a prediction differs from the scenario's facts.
func appDiffs(s oracle.Scenario, p serverside.Prediction, v oracle.Vars) []string {
	if p.Unknown != "" {
		return []string{"undecidable: " + p.Unknown}
	}
	var diffs []string
	console, _ := oracle.Expand(s.Expect.Console, v)
	if p.Verdict.Allowed != s.Expect.Allowed || p.Verdict.Message != console {
		diffs = append(diffs, fmt.Sprintf("verdict: want allowed=%v %q\n got allowed=%v %q\npreflight %s\nactual %s",
			s.Expect.Allowed, console, p.Verdict.Allowed, p.Verdict.Message, describe(p.Preflight), describe(p.Actual)))
	}
	diffs = append(diffs, factDiffs("preflight", s.Expect.Preflight, p.Preflight, v)...)
	if s.Expect.Actual != nil && p.Actual != nil {
		diffs = append(diffs, factDiffs("actual", s.Expect.Actual, p.Actual, v)...)
	}
	return diffs
}

// factDiffs is checkFacts returning its differences.
func factDiffs(what string, want *oracle.WireFacts, got *serverside.Answer, v oracle.Vars) []string {
	if want == nil || got == nil {
		if (want == nil) != (got == nil) {
			return []string{fmt.Sprintf("%s: want sent=%v, predicted sent=%v", what, want != nil, got != nil)}
		}
		return nil
	}
	var diffs []string
	if want.Status != 0 && got.Status != want.Status {
		diffs = append(diffs, fmt.Sprintf("%s status: want %d, predicted %d", what, want.Status, got.Status))
	}
	for name, tvals := range want.Headers {
		var wv, gv []string
		for _, tv := range tvals {
			x, _ := oracle.Expand(tv, v)
			wv = append(wv, x)
		}
		for _, l := range got.Headers {
			if strings.EqualFold(l.Name, name) {
				gv = append(gv, l.Value)
			}
		}
		if strings.Join(wv, "\x00") != strings.Join(gv, "\x00") {
			diffs = append(diffs, fmt.Sprintf("%s %s: want %q, predicted %q", what, name, wv, gv))
		}
	}
	return diffs
}
