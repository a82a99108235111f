package difftest

import (
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Regression is a shrunk disagreement with the real server's answer, so
// that a plain go test can hold the prediction against it offline.
type Regression struct {
	Server string `json:"server"`
	// Config is the case's own part of the configuration, with the
	// placeholders of Case.
	Config   string   `json:"config"`
	Files    []File   `json:"files,omitempty"`
	Probe    Probe    `json:"probe"`
	Observed Observed `json:"observed"`
	// Diffs are what differed when the case was found.
	Diffs []string `json:"diffs,omitempty"`
	// Known, when set, says why the disagreement is not fixed yet; the
	// replay then requires that it still disagrees, so a fix shows.
	Known string `json:"known,omitempty"`
	// Fact, when set, is the server behaviour the case shows, for
	// docs/server-facts.md.
	Fact string `json:"fact,omitempty"`
	// Lint, when set, names the property (Property.Name) the server
	// showed that once had no finding: the replay requires one.
	Lint string `json:"lint,omitempty"`
}

// replayEnv is where replayed cases pretend to run; the ports and paths
// do not reach any header the comparison looks at.
var replayEnv = Env{Port: 8080, Dir: "/difftest/case", BatchDir: "/difftest", UpHost: "127.0.0.1", UpPort: 9000}

// Case rebuilds the case the regression was shrunk to.
func (g *Regression) Case() *Case {
	return &Case{
		Server: g.Server, Name: "r",
		Top:   []*Node{{Line: strings.TrimRight(g.Config, "\n")}},
		Files: g.Files, Probes: []Probe{g.Probe},
	}
}

// Replay predicts the regression's probe and compares it with what the
// server sent.
func (g *Regression) Replay() (Outcome, error) {
	c := g.Case()
	pr, err := predictFor(c.Model(replayEnv), c, g.Probe, replayEnv.Port)
	if err != nil {
		return Outcome{}, err
	}
	return Compare(pr, g.Observed), nil
}

// LintMiss reports the shown property named by g.Lint that no finding
// claims, or "" when a finding claims it (or g.Lint is empty).
func (g *Regression) LintMiss() string {
	if g.Lint == "" {
		return ""
	}
	c := g.Case()
	shown := ShownProperties(c, []Result{{Case: c, Probe: 0, Obs: g.Observed}})
	held := false
	for _, s := range shown {
		held = held || s.Prop.Name == g.Lint
	}
	if !held {
		return "the observed answers no longer show " + g.Lint
	}
	for _, s := range LintMisses(shown, IDs(Findings(c.Model(replayEnv)))) {
		if s.Prop.Name == g.Lint {
			return fmt.Sprintf("%s, shown by %s, has no %v finding", s.Prop.Name, s.Probe, s.Prop.Rules)
		}
	}
	return ""
}

// NewRegression records a result whose case has one probe.
func NewRegression(res Result) *Regression {
	c := res.Case
	return &Regression{
		Server: c.Server, Config: c.Text(), Files: c.Files, Probe: c.Probes[res.Probe],
		Observed: res.Obs, Diffs: res.Outcome.Diffs,
	}
}

// Save writes the regression into dir under a name derived from its
// content, and returns the path.
func (g *Regression) Save(dir string) (string, error) {
	b, err := json.MarshalIndent(g, "", "  ")
	if err != nil {
		return "", fmt.Errorf("encode regression: %w", err)
	}
	sum := sha256.Sum256([]byte(g.Config + g.Probe.String()))
	path := filepath.Join(dir, fmt.Sprintf("%s-%x.json", g.Server, sum[:4]))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("regression dir: %w", err)
	}
	if err := os.WriteFile(path, append(b, '\n'), 0o644); err != nil {
		return "", fmt.Errorf("write regression: %w", err)
	}
	return path, nil
}

// LoadRegression reads one saved regression.
func LoadRegression(path string) (*Regression, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read regression: %w", err)
	}
	var g Regression
	if err := json.Unmarshal(b, &g); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &g, nil
}
