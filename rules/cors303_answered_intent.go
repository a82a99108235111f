package rules

import (
	"strings"

	"github.com/corslint/corslint/findings"
	"github.com/corslint/corslint/model"
	"github.com/corslint/corslint/serverside"
)

// answeredIntent reports r, a route's answer to every method that
// refuses OPTIONS, where its own statements show no preflight is
// expected but the evaluator's answers to the route's other requests do:
// an <If> on the method sends Access-Control-Allow-Methods with a method
// that needs a preflight, or Access-Control-Allow-Headers, to the actual
// request only, while every preflight the route gets is decided and
// refused (httpd 2.4.71, difftest seed 2027 case a485: a <Limit OPTIONS>
// Require all denied beside an <If> on the method). It reports whether
// it found them.
func answeredIntent(p *Pass, q *serverside.Query, r *model.Response) bool {
	if r.OptionsStatus < 400 || !branchIntent(p.File, r) {
		return false
	}
	var intent *serverside.Line
	status, hasACAO := 0, false
	for _, x := range q.Route(r) {
		if !x.Decided() {
			return false
		}
		if a := x.Preflight; a != nil {
			if a.Response == nil || a.Response.Route != r.Route || a.Status < 400 {
				return false // some preflight gets through, or is not the route's
			}
			status, hasACAO = a.Status, lineOf(a, model.ACAO) != nil
		}
		a := x.Actual
		if a == nil || intent != nil || a.Response == nil || a.Response.Route != r.Route || lineOf(a, model.ACAO) == nil {
			continue
		}
		for _, l := range linesOf(a, model.ACAM) {
			for _, m := range listItems(l.Value) {
				if intent == nil && l.Op != nil && !simpleMethods[strings.ToUpper(m)] {
					intent = &l
				}
			}
		}
		for _, l := range linesOf(a, model.ACAH) {
			if intent == nil && l.Op != nil && strings.TrimSpace(l.Value) != "" {
				intent = &l
			}
		}
	}
	if intent == nil || status == 0 {
		return false
	}
	outcome := "It does not have HTTP ok status"
	if !hasACAO {
		outcome = "No 'Access-Control-Allow-Origin' header is present"
	}
	label := strings.TrimSpace(r.Route.Kind + " " + r.Route.Label)
	f := p.Report(r.Route.Span, "%s expects preflights (its other answers send %s: %s) but answers OPTIONS with %d, so the browser blocks the request (%q); %s", label, intent.Name, intent.Value, status, outcome, adviceFor(p.File).AnswerOptions("answer OPTIONS with 204 and the CORS headers"))
	f.Related = append(f.Related, findings.Related{Message: "preflight headers configured here", Span: intent.Op.Span})
	return true
}

// branchIntent reports whether another response of r's route, for some
// methods but not OPTIONS (an <If> on the method), has statements that
// show preflights are expected: only then are the answers worth asking.
func branchIntent(f *model.File, r *model.Response) bool {
	for _, o := range f.Responses {
		if o != r && o.Route == r.Route && o.Methods != nil && !o.ForMethod("OPTIONS") && preflightIntent(o) != nil {
			return true
		}
	}
	return false
}
