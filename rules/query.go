package rules

import (
	"github.com/corslint/corslint/findings"
	"github.com/corslint/corslint/model"
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

// ask returns the exchanges answered from r that keep selects (all when
// keep is nil), and whether the evaluator decides them. When it does
// not, the rule falls back on its judgement from the statements, which
// is counted for Options.onAsk and reported as a possibility.
func (p *Pass) ask(r *model.Response, keep func(*serverside.Exchange) bool) ([]serverside.Exchange, bool) {
	xs, ok := p.exchanges().Ask(r, keep)
	p.asked(r, ok)
	return xs, ok
}

// decides is the query's Decides for r, counted for Options.onAsk as
// ask is: where it is false, the rule judges r from its statements.
func (p *Pass) decides(r *model.Response) bool {
	ok := p.exchanges().Decides(r)
	p.asked(r, ok)
	return ok
}

// asked records whether the rule judges r from the evaluator's answers
// (decided) or from the statements alone.
func (p *Pass) asked(r *model.Response, decided bool) {
	if p.Options != nil && p.Options.onAsk != nil {
		p.Options.onAsk(p.rule.ID, r, decided)
	}
}

// possibleNote ends the message of a finding judged from the statements
// because the evaluator could not decide which requests get the response.
const possibleNote = " (possible: which requests get this response is not decided by the configuration alone, so this is judged from its statements)"

// possibly marks f as judged from the statements alone.
func possibly(f *findings.Finding) {
	f.Message += possibleNote
}

// simpleGET selects the exchanges of a GET that needs no preflight.
func simpleGET(x *serverside.Exchange) bool {
	return x.Request.Method == "GET" && x.Preflight == nil
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
