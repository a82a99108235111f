package rules

import (
	"github.com/corslint/corslint/serverside"
)

// exchanges returns the representative requests of the file with what the
// evaluator check uses predicts for each, so that a rule asking what a
// response carries gets the answer check gives.
func (p *Pass) exchanges() *serverside.Query {
	if p.query == nil {
		p.query = serverside.NewQuery(p.File, nil)
	}
	return p.query
}

// lineOf returns the first line of header name in a, from a statement of
// the configuration (not the upstream), or nil.
func lineOf(a *serverside.Answer, name string) *serverside.Line {
	for i := range a.Headers {
		if l := &a.Headers[i]; l.Name == name && l.Op != nil {
			return l
		}
	}
	return nil
}

// linesOf returns every line of header name in a, from the configuration
// or the upstream.
func linesOf(a *serverside.Answer, name string) []serverside.Line {
	var out []serverside.Line
	for _, l := range a.Headers {
		if l.Name == name {
			out = append(out, l)
		}
	}
	return out
}
