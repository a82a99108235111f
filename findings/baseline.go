package findings

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sort"
)

// A baseline records the findings a project has accepted for now, so a
// review reports only new ones. Entries are matched by fingerprint, which
// leaves out the line number: moving code does not resurface a finding,
// while changing the statement does. Parse errors (CORS001) are never
// baselined, since a file that does not parse is not checked at all.

// baselineVersion is the format version written and understood.
const baselineVersion = 1

// Baseline is the content of a baseline file.
type Baseline struct {
	Version  int             `json:"version"`
	Findings []BaselineEntry `json:"findings"`
}

// BaselineEntry is one accepted finding. Only Fingerprint is matched; the
// rest helps a reviewer read the file.
type BaselineEntry struct {
	Fingerprint string `json:"fingerprint"`
	Rule        string `json:"rule"`
	File        string `json:"file"`
	Line        int    `json:"line"`
	Message     string `json:"message"`
}

// FingerprintAt is f's fingerprint with its file named rel (relative to a
// stable directory, forward slashes), so it does not depend on how the
// file was named on the command line.
func (f Finding) FingerprintAt(rel, lineText string) string {
	g := f
	g.Span.File = rel
	return g.Fingerprint(lineText)
}

// Locator names a finding's file relative to the baseline's directory and
// returns the text of its line.
type Locator func(f Finding) (rel, lineText string)

// NewBaseline records every unsuppressed finding but parse errors.
func NewBaseline(fs []Finding, loc Locator) *Baseline {
	b := &Baseline{Version: baselineVersion, Findings: []BaselineEntry{}}
	for _, f := range fs {
		if f.Suppressed != nil || f.RuleID == "CORS001" {
			continue
		}
		rel, text := loc(f)
		b.Findings = append(b.Findings, BaselineEntry{
			Fingerprint: f.FingerprintAt(rel, text), Rule: f.RuleID, File: rel, Line: f.Span.Line, Message: f.Message,
		})
	}
	sort.SliceStable(b.Findings, func(i, j int) bool {
		a, c := b.Findings[i], b.Findings[j]
		if a.File != c.File {
			return a.File < c.File
		}
		if a.Line != c.Line {
			return a.Line < c.Line
		}
		return a.Fingerprint < c.Fingerprint
	})
	return b
}

// ReadBaseline reads a baseline file.
func ReadBaseline(path string) (*Baseline, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading baseline: %w", err)
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, fmt.Errorf("reading baseline %s: the file is empty (write it with corslint baseline)", path)
	}
	var b Baseline
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&b); err != nil {
		return nil, fmt.Errorf("reading baseline %s: %w", path, err)
	}
	if b.Version != baselineVersion {
		return nil, fmt.Errorf("reading baseline %s: version %d; this corslint reads version %d (write it again with corslint baseline)", path, b.Version, baselineVersion)
	}
	for i, e := range b.Findings {
		if e.Fingerprint == "" {
			return nil, fmt.Errorf("reading baseline %s: entry %d has no fingerprint", path, i+1)
		}
	}
	return &b, nil
}

// Write prints b as indented JSON.
func (b *Baseline) Write(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(b)
}

// Filter drops the findings b holds. Each entry absorbs one finding, so a
// second copy of an accepted statement is still reported. Suppressed
// findings pass through untouched. It returns the kept findings and how
// many were dropped.
func (b *Baseline) Filter(fs []Finding, loc Locator) ([]Finding, int) {
	if b == nil {
		return fs, 0
	}
	left := map[string]int{}
	for _, e := range b.Findings {
		left[e.Fingerprint]++
	}
	out := fs[:0:0]
	dropped := 0
	for _, f := range fs {
		if f.Suppressed == nil && f.RuleID != "CORS001" {
			rel, text := loc(f)
			if fp := f.FingerprintAt(rel, text); left[fp] > 0 {
				left[fp]--
				dropped++
				continue
			}
		}
		out = append(out, f)
	}
	return out, dropped
}
