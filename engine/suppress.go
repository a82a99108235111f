package engine

import (
	"strings"

	"github.com/corslint/corslint/findings"
	"github.com/corslint/corslint/model"
	"github.com/corslint/corslint/rules"
)

// inlineIgnores marks the findings each file's corslint:ignore comments
// suppress and returns CORS002 findings for invalid or unused ignores, when
// CORS002 runs. Usage is judged over the whole run, so an ignore in a
// snippet that several files include counts as used if any use needs it.
func inlineIgnores(files []*model.File, perFile [][]findings.Finding, o *Options) []findings.Finding {
	if o.NoInlineIgnore {
		return nil
	}
	ran := map[string]bool{}
	for _, r := range o.Rules {
		ran[r.ID] = true
	}
	all := rules.All()
	lookup := func(name string) (string, bool) {
		r, err := rules.Lookup(all, name)
		if err != nil {
			return "", false
		}
		return r.ID, true
	}
	s := findings.NewSuppressor(lookup, func(id string) bool { return ran[id] })
	any := false
	for i, f := range files {
		if !hasDirective(f.Comments) {
			continue
		}
		any = true
		s.Apply(perFile[i], f.Comments, f.Sources)
	}
	if !any || !ran[findings.UnusedSuppressionID] {
		return nil
	}
	return s.Unused()
}

func hasDirective(cs []model.Comment) bool {
	for _, c := range cs {
		if strings.Contains(c.Text, "corslint:") {
			return true
		}
	}
	return false
}

// adjust applies severity overrides and drops findings located in
// excluded files (reached through an include).
func adjust(fs []findings.Finding, o *Options) []findings.Finding {
	if len(o.Severity) == 0 && o.Exclude == nil {
		return fs
	}
	out := fs[:0]
	for _, f := range fs {
		if o.Exclude != nil && f.RuleID != "CORS001" && o.Exclude(f.Span.File) {
			continue
		}
		if sev, ok := o.Severity[f.RuleID]; ok {
			f.Severity = sev
		}
		out = append(out, f)
	}
	return out
}
