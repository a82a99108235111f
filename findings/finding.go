// Package findings holds what rules report, and how reports are ordered,
// deduplicated and fingerprinted.
package findings

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sort"
	"strings"

	"github.com/corslint/corslint/model"
)

// Severity ranks findings. The zero value is Note so that a higher value is
// more severe.
type Severity uint8

// Severities, mapped 1:1 onto SARIF levels.
const (
	Note Severity = iota
	Warning
	Error
)

func (s Severity) String() string {
	return [...]string{"note", "warning", "error"}[s]
}

// ParseSeverity reads "error", "warning" or "note".
func ParseSeverity(s string) (Severity, error) {
	switch strings.ToLower(s) {
	case "error":
		return Error, nil
	case "warning":
		return Warning, nil
	case "note":
		return Note, nil
	}
	return 0, fmt.Errorf("unknown severity %q (want error, warning or note)", s)
}

// Related is a second location that explains a finding: the parent block
// whose headers are lost, the other layer that adds the same header.
type Related struct {
	Message string
	Span    model.Span
}

// Suppression records that an ignore comment silenced a finding.
type Suppression struct {
	Reason string
	Span   model.Span
}

// Finding is one problem at one place.
type Finding struct {
	RuleID     string
	Slug       string
	Severity   Severity
	Message    string
	Span       model.Span
	Related    []Related
	Suppressed *Suppression
}

// Fingerprint identifies a finding independently of its line number, so a
// baseline or code scanning keeps recognising it when code moves: the rule,
// the file, the message and the source line's text.
func (f Finding) Fingerprint(lineText string) string {
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00%s\x00%s", f.RuleID, f.Span.File, f.Message, strings.TrimSpace(lineText))
	return hex.EncodeToString(h.Sum(nil))[:32]
}

// Sort orders findings by file, position, then rule, so output never
// depends on scheduling.
func Sort(fs []Finding) {
	sort.SliceStable(fs, func(i, j int) bool {
		a, b := fs[i].Span, fs[j].Span
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		if a.Col != b.Col {
			return a.Col < b.Col
		}
		if fs[i].RuleID != fs[j].RuleID {
			return fs[i].RuleID < fs[j].RuleID
		}
		return fs[i].Message < fs[j].Message
	})
}

// Dedupe keeps one finding per rule and position, the most severe (the
// first in order among equals): one statement that reaches several
// responses, or an included file read from two places, is one thing to
// fix. fs must be sorted.
func Dedupe(fs []Finding) []Finding {
	out := fs[:0]
	for _, f := range fs {
		if n := len(out); n > 0 {
			p := &out[n-1]
			if p.RuleID == f.RuleID && p.Span.File == f.Span.File && p.Span.Line == f.Span.Line && p.Span.Col == f.Span.Col {
				if f.Severity > p.Severity {
					*p = f
				}
				continue
			}
		}
		out = append(out, f)
	}
	return out
}
