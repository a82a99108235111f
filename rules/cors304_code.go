package rules

import (
	"slices"

	"github.com/corslint/corslint/findings"
	"github.com/corslint/corslint/model"
)

// lostOnCodeFailures reports, in application code, an answer given only
// when something fails (a catch block, an error check that answers 5xx)
// that carries no Access-Control-Allow-Origin while the route's other
// answers for the same requests send it. Code has no delivery tables:
// the loss is a path that builds its response without the headers.
// Only code marks failure paths (Condition.Failure), so configurations,
// whose losses are their delivery tables', never get here.
func lostOnCodeFailures(p *Pass) {
	fix := adviceFor(p.File).Always()
	for _, r := range p.File.Responses {
		if r.Status < 500 || r.Source != model.FromServer || !failurePath(r) || sendsACAO(r, r.Status, r.Source) {
			continue
		}
		var other *model.HeaderOp
		for _, o := range p.File.Responses {
			if o == r || o.Route != r.Route || failurePath(o) || !methodsOverlap(o, r) {
				continue
			}
			for _, op := range o.Ops(model.ACAO) {
				if other == nil && adds(op) {
					other = op
				}
			}
		}
		if other == nil {
			continue
		}
		f := p.Report(r.Span, "the %d answered here when something fails carries no Access-Control-Allow-Origin, which the other answers of this route send, so the browser hides the error from the script (\"No 'Access-Control-Allow-Origin' header is present on the requested resource\") and it sees only \"Failed to fetch\"; %s", r.Status, fix)
		f.Severity = findings.Warning
		f.Related = append(f.Related, findings.Related{Message: "sent on success here", Span: other.Span})
	}
}

// failurePath reports whether a response is given only when something
// fails.
func failurePath(r *model.Response) bool {
	return slices.ContainsFunc(r.Conds, func(c *model.Condition) bool { return c != nil && c.Failure && !c.Negated })
}

// methodsOverlap reports whether some request method gets both a and b
// (nil methods take any).
func methodsOverlap(a, b *model.Response) bool {
	if a.Methods == nil || b.Methods == nil {
		return true
	}
	return slices.ContainsFunc(a.Methods, b.ForMethod)
}
