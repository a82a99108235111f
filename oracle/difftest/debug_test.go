package difftest

import (
	"fmt"
	"os"
	"testing"

	"github.com/corslint/corslint/model"
)

// TestDebugRegression prints the model and the prediction of the
// regression named by DIFFTEST_DEBUG; it does nothing otherwise.
func TestDebugRegression(t *testing.T) {
	path := os.Getenv("DIFFTEST_DEBUG")
	if path == "" {
		t.Skip("DIFFTEST_DEBUG names no regression file")
	}
	g, err := LoadRegression(path)
	if err != nil {
		t.Fatal(err)
	}
	c := g.Case()
	m := c.Model(replayEnv)
	for _, r := range m.Responses {
		up := ""
		if r.Upstream != nil {
			up = fmt.Sprintf(" upstream=%s hidden=%v", r.Upstream.Target, r.Upstream.Hidden)
		}
		t.Logf("response route=%v scope=%v source=%v status=%d options=%d methods=%v conds=%d%s", r.Route.Path(), r.Scope.Label, r.Source, r.Status, r.OptionsStatus, r.Methods, len(r.Conds), up)
		for _, c := range r.Conds {
			if c != nil && c.Origin != nil {
				t.Logf("    cond %q negated=%v origin=%d %q", c.Text, c.Negated, c.Origin.Kind, c.Origin.Pattern)
			}
		}
		for _, h := range r.Headers {
			t.Logf("    %s %s %q delivery=%d table=%q when=%v", h.Op, h.Name, h.Value.Raw, h.Delivery, h.Table, h.When != nil)
		}
	}
	pr, err := predictFor(m, c, g.Probe, replayEnv.Port)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range []struct {
		what string
		a    any
	}{{"preflight", pr.Preflight}, {"actual", pr.Actual}} {
		t.Logf("%s: %+v", a.what, a.a)
	}
	t.Logf("observed preflight %s\nobserved actual %s", g.Observed.Preflight.String(), g.Observed.Actual.String())
	t.Logf("outcome %+v", Compare(pr, g.Observed))
	_ = model.ACAO
}
