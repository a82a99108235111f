package cli

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
func inlineIgnores(files []*model.File, perFile [][]findings.Finding, rs []*rules.Rule, o *lintOptions) []findings.Finding {
	if o.noInlineIgnore {
		return nil
	}
	ran := map[string]bool{}
	for _, r := range rs {
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
