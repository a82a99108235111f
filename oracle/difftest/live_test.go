//go:build oracle

package difftest

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/corslint/corslint/model"
)

// TestLive runs the regression files DIFFTEST_LIVE names (a glob) on the
// real server again and prints what it sent beside the prediction; with
// DIFFTEST_LIVE_SAVE set it saves each, with the answer just observed,
// into that directory. A file may leave "observed" out: that is how a
// hand-written case gets its real answer. It does nothing otherwise.
func TestLive(t *testing.T) {
	glob := os.Getenv("DIFFTEST_LIVE")
	if glob == "" {
		t.Skip("DIFFTEST_LIVE names no regression files")
	}
	paths, err := filepath.Glob(glob)
	if err != nil || len(paths) == 0 {
		t.Fatalf("DIFFTEST_LIVE %q matches no file (%v)", glob, err)
	}
	byServer := map[string][]*Case{}
	regs := map[*Case]*Regression{}
	for i, p := range paths {
		g, err := LoadRegression(p)
		if err != nil {
			t.Fatal(err)
		}
		c := g.Case()
		c.Name = fmt.Sprintf("live%d", i)
		byServer[g.Server] = append(byServer[g.Server], c)
		regs[c] = g
	}
	r := NewRunner(t)
	for server, cases := range byServer {
		for _, res := range r.Batch(server, cases) {
			g := regs[res.Case]
			if res.Err != nil {
				t.Errorf("%s: %v", res.Case.Name, res.Err)
				continue
			}
			t.Logf("%s %s: %s%s\nobserved preflight %s\nobserved actual %s\n%s %s",
				server, res.Case.Probes[0], res.Outcome.Kind, walkRefusal(res.Case), res.Obs.Preflight.String(), res.Obs.Actual.String(),
				strings.Join(res.Outcome.Diffs, "\n"), res.Outcome.Reason)
			if dir := os.Getenv("DIFFTEST_LIVE_SAVE"); dir != "" {
				g.Observed, g.Diffs = res.Obs, res.Outcome.Diffs
				path, err := g.Save(dir)
				if err != nil {
					t.Fatal(err)
				}
				t.Logf("saved %s", path)
			}
		}
	}
}

// walkRefusal says why the dialect's own walk of the request, when the
// model has one, left the answer to the generic responses.
func walkRefusal(c *Case) string {
	m := c.Model(replayEnv)
	if m == nil || m.Walker == nil {
		return ""
	}
	p := c.Probes[0]
	res := m.Walker.Walk(model.WalkRequest{Method: p.Method, Host: hostOnly(c.Host(p)), Port: replayEnv.Port, Path: p.Path,
		Headers: [][2]string{{"Origin", p.Origin}}, FileStatus: p.UpStatus(), UpstreamStatus: p.UpStatus()})
	if res.Unmodelled == "" {
		return " (walked)"
	}
	return " (walk refused: " + res.Unmodelled + ")"
}
