package format

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

type jsonPos struct {
	File    string `json:"file"`
	Line    int    `json:"line"`
	Col     int    `json:"col"`
	EndLine int    `json:"end_line,omitempty"`
	EndCol  int    `json:"end_col,omitempty"`
}

type jsonRelated struct {
	Message string `json:"message"`
	jsonPos
}

type jsonFinding struct {
	Rule     string `json:"rule"`
	Slug     string `json:"slug"`
	Severity string `json:"severity"`
	Message  string `json:"message"`
	jsonPos
	IncludedFrom []jsonPos     `json:"included_from,omitempty"`
	Related      []jsonRelated `json:"related,omitempty"`
	Fingerprint  string        `json:"fingerprint"`
	Suppressed   string        `json:"suppressed,omitempty"`
}

func writeJSON(w io.Writer, r *Report) error {
	out := make([]jsonFinding, 0, len(r.Findings))
	for _, f := range r.Findings {
		jf := jsonFinding{
			Rule: f.RuleID, Slug: f.Slug, Severity: f.Severity.String(), Message: f.Message,
			jsonPos:     jsonPos{r.rel(f.Span.File), f.Span.Line, f.Span.Col, f.Span.EndLine, f.Span.EndCol},
			Fingerprint: r.fingerprint(f),
		}
		for _, v := range f.Span.Via {
			jf.IncludedFrom = append(jf.IncludedFrom, jsonPos{r.rel(v.File), v.Line, v.Col, v.EndLine, v.EndCol})
		}
		for _, rel := range f.Related {
			jf.Related = append(jf.Related, jsonRelated{rel.Message, jsonPos{r.rel(rel.Span.File), rel.Span.Line, rel.Span.Col, rel.Span.EndLine, rel.Span.EndCol}})
		}
		if f.Suppressed != nil {
			jf.Suppressed = f.Suppressed.Reason
		}
		out = append(out, jf)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

// writeGitHub prints workflow commands, which GitHub Actions shows as
// annotations on the pull request's diff.
func writeGitHub(w io.Writer, r *Report) error {
	for _, f := range r.Findings {
		if f.Suppressed != nil {
			continue
		}
		level := map[string]string{"error": "error", "warning": "warning", "note": "notice"}[f.Severity.String()]
		_, err := fmt.Fprintf(w, "::%s file=%s,line=%d,col=%d,endLine=%d,endColumn=%d,title=%s::%s\n",
			level, ghProp(r.rel(f.Span.File)), f.Span.Line, f.Span.Col, max(f.Span.EndLine, f.Span.Line), max(f.Span.EndCol, f.Span.Col),
			ghProp(f.RuleID+" "+f.Slug), ghData(f.Message))
		if err != nil {
			return err
		}
	}
	return nil
}

func ghData(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

func ghProp(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}
