package nginx

import (
	"strconv"
	"strings"

	"github.com/corslint/corslint/model"
)

// staticOf is where the static module looks for files in a block: its own
// root or alias and index, else what it inherits.
func staticOf(self, parent *model.Scope, ds []*Directive) *model.Static {
	st := &model.Static{Index: []string{"index.html"}}
	if parent != nil && parent.Static != nil {
		*st = *parent.Static // a nested location inherits an alias too, with its prefix
	}
	for _, d := range ds {
		switch d.Name {
		case "root", "alias":
			if len(d.Args) == 1 {
				st.Root, st.Alias, st.Prefix = d.Arg(0), d.Name == "alias", ""
				if st.Alias && self != nil && self.Match != nil {
					st.Prefix = self.Match.Pattern
					if self.Match.Kind == model.PathRegex {
						st.Prefix = "" // the alias then uses captures: not followed
						st.Root = ""
					}
				}
			}
		case "index":
			if len(d.Args) > 0 {
				st.Index = nil
				for _, a := range d.Args {
					st.Index = append(st.Index, a.Value)
				}
			}
		}
	}
	return st
}

// errorPagesOf returns the error_page directives in effect in a block: its
// own, which replace every inherited one, else its parent's.
func errorPagesOf(parent *model.Scope, ds []*Directive) []*model.ErrorPage {
	var own []*model.ErrorPage
	for _, d := range ds {
		if d.Name != "error_page" || len(d.Args) < 2 {
			continue
		}
		ep := &model.ErrorPage{Overwrite: -1, Target: d.Args[len(d.Args)-1].Value, Span: d.Span}
		for _, a := range d.Args[:len(d.Args)-1] {
			v := a.Value
			if strings.HasPrefix(v, "=") {
				n, err := strconv.Atoi(v[1:])
				if v == "=" {
					n, err = 0, nil
				}
				if err == nil {
					ep.Overwrite = n
				}
				continue
			}
			if n, err := strconv.Atoi(v); err == nil && n >= 300 && n <= 599 {
				ep.Codes = append(ep.Codes, n)
			}
		}
		own = append(own, ep)
	}
	if own != nil || parent == nil {
		return own
	}
	return parent.ErrorPages
}
