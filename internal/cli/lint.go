package cli

import (
	"errors"
	"sort"
	"strings"

	"github.com/corslint/corslint/rules"
)

// selectRules applies --enable and --disable.
func selectRules(all []*rules.Rule, enable, disable []string) ([]*rules.Rule, error) {
	chosen := all
	if len(enable) > 0 {
		keep := map[string]bool{"CORS001": true}
		for _, n := range splitList(enable) {
			r, err := rules.Lookup(all, n)
			if err != nil {
				return nil, err
			}
			keep[r.ID] = true
		}
		chosen = nil
		for _, r := range all {
			if keep[r.ID] {
				chosen = append(chosen, r)
			}
		}
	}
	drop := map[string]bool{}
	for _, n := range splitList(disable) {
		r, err := rules.Lookup(all, n)
		if err != nil {
			return nil, err
		}
		if r.ID == "CORS001" {
			return nil, errors.New("CORS001 parse-error cannot be disabled")
		}
		drop[r.ID] = true
	}
	var out []*rules.Rule
	for _, r := range chosen {
		if !drop[r.ID] {
			out = append(out, r)
		}
	}
	return out, nil
}

func splitList(vs []string) []string {
	var out []string
	for _, v := range vs {
		for _, p := range strings.Split(v, ",") {
			if p = strings.TrimSpace(p); p != "" {
				out = append(out, p)
			}
		}
	}
	sort.Strings(out)
	return out
}
