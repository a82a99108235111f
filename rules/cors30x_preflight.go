package rules

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/corslint/corslint/browser"
	"github.com/corslint/corslint/findings"
	"github.com/corslint/corslint/model"
	"github.com/corslint/corslint/serverside"
)

// carried returns the statement that puts header name on r as r is
// produced (its fixed status, or a 200 when the status varies), or nil.
func carried(r *model.Response, name string) *model.HeaderOp {
	status := r.Status
	if status == 0 {
		status = 200
	}
	for in := range r.EachInstance(status, r.Source) {
		if in.Name == name {
			return in.Op
		}
	}
	return nil
}

var simpleMethods = map[string]bool{"GET": true, "HEAD": true, "POST": true, "OPTIONS": true}

var preflightMissingAllowMethods = &Rule{
	Meta: Meta{
		ID: "CORS301", Slug: "preflight-missing-allow-methods", Severity: findings.Error,
		SecuritySeverity: "1.0",
		Summary:          "a preflight answer without Access-Control-Allow-Methods while other methods are allowed elsewhere",
		Doc: `## Why

A preflight for PUT, PATCH or DELETE passes only when the answer lists the method in
` + "`Access-Control-Allow-Methods`" + `. When the configuration allows those methods on its other responses but
the block that answers OPTIONS does not send the header, the browser blocks them with "Method PUT is
not allowed by Access-Control-Allow-Methods in preflight response."

## Bad

` + "```nginx" + `
if ($request_method = OPTIONS) {
    add_header Access-Control-Allow-Origin https://app.example.com always;
    return 204;
}
add_header Access-Control-Allow-Methods "GET, PUT, DELETE" always;
` + "```" + `

## Good

` + "```nginx" + `
if ($request_method = OPTIONS) {
    add_header Access-Control-Allow-Origin https://app.example.com always;
    add_header Access-Control-Allow-Methods "GET, PUT, DELETE" always;
    return 204;
}
` + "```" + `
`,
	},
	Run: func(p *Pass) {
		var wanted []string
		var where *model.HeaderOp
		for _, op := range p.File.Headers {
			if op.Name != model.ACAM || !adds(op) {
				continue
			}
			for _, t := range literalTexts(op.Value) {
				for _, m := range listItems(t) {
					if !simpleMethods[strings.ToUpper(m)] && m != "*" {
						wanted = append(wanted, m)
						if where == nil {
							where = op
						}
					}
				}
			}
		}
		if len(wanted) == 0 {
			return
		}
		for _, r := range p.File.Responses {
			if !r.IsPreflightAnswer() || refused(r) || lostByInheritance(r, model.ACAM) {
				continue
			}
			// Only an answer whose statements can send an origin, and
			// none that sends methods whatever the request, can lack
			// them; others are not asked about.
			if carried(r, model.ACAO) == nil {
				continue
			}
			if m := carried(r, model.ACAM); m != nil && m.When == nil && m.Value.Kind == model.Literal && m.Value.Text != "" {
				continue
			}
			possible := false
			if xs, ok := p.ask(r, preflightOf(r)); ok {
				// The evaluator's answers: a preflight this response
				// answers with success and an origin, but no methods.
				if !preflightLacks(xs, r, model.ACAM) {
					continue
				}
			} else {
				if carried(r, model.ACAM) != nil {
					continue
				}
				possible = true
			}
			f := p.Report(r.Span, "this preflight answer has no Access-Control-Allow-Methods, so the browser blocks %s; add Access-Control-Allow-Methods with them here", strings.Join(dedupe(wanted), ", "))
			f.Related = append(f.Related, findings.Related{Message: "methods allowed here", Span: where.Span})
			if possible {
				possibly(f)
			}
		}
	},
}

// preflightOf selects the exchanges whose preflight r answers.
func preflightOf(r *model.Response) func(*serverside.Exchange) bool {
	return func(x *serverside.Exchange) bool { return x.Preflight != nil && x.Preflight.From(r) }
}

// preflightLacks reports whether a predicted preflight answer from r
// succeeds with Access-Control-Allow-Origin but without header name.
func preflightLacks(xs []serverside.Exchange, r *model.Response, name string) bool {
	for _, x := range xs {
		a := x.Preflight
		if a != nil && a.From(r) && a.Status/100 == 2 && lineOf(a, model.ACAO) != nil && len(linesOf(a, name)) == 0 {
			return true
		}
	}
	return false
}

// lostByInheritance reports whether r lacks header name because a nested
// block's own headers dropped it, which CORS305 reports with its cause.
func lostByInheritance(r *model.Response, name string) bool {
	for _, d := range effectiveOwner(r.Scope).Dropped {
		if d.Name == name && adds(d) {
			return true
		}
	}
	return false
}

func dedupe(ss []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range ss {
		if !seen[strings.ToUpper(s)] {
			seen[strings.ToUpper(s)] = true
			out = append(out, s)
		}
	}
	return out
}

var preflightMissingAllowHeaders = &Rule{
	Meta: Meta{
		ID: "CORS302", Slug: "preflight-missing-allow-headers", Severity: findings.Warning,
		SecuritySeverity: "1.0",
		Summary:          "a preflight answer without Access-Control-Allow-Headers, or relying on * for Authorization",
		Doc: `## Why

Most preflights happen because the request carries a header the browser does not consider safe:
` + "`Content-Type: application/json`" + `, ` + "`Authorization`" + `, ` + "`X-Requested-With`" + `. Each must be listed in
` + "`Access-Control-Allow-Headers`" + `, or the browser blocks the request with "Request header field
authorization is not allowed by Access-Control-Allow-Headers in preflight response."

` + "`*`" + ` covers every header except ` + "`Authorization`" + ` in the Fetch standard; Chromium 156 and Firefox let it
through today anyway, so a ` + "`*`" + ` answer relied on for ` + "`Authorization`" + ` is a note, not a block.

## Bad

` + "```nginx" + `
if ($request_method = OPTIONS) {
    add_header Access-Control-Allow-Origin https://app.example.com always;
    add_header Access-Control-Allow-Methods "GET, POST" always;
    return 204;
}
` + "```" + `

## Good

` + "```nginx" + `
if ($request_method = OPTIONS) {
    add_header Access-Control-Allow-Origin https://app.example.com always;
    add_header Access-Control-Allow-Methods "GET, POST" always;
    add_header Access-Control-Allow-Headers "Content-Type, Authorization" always;
    return 204;
}
` + "```" + `
`,
	},
	Run: func(p *Pass) {
		missing := map[*model.Response]bool{}
		report := func(r *model.Response) {
			if !missing[r] {
				missing[r] = true
				p.Report(r.Span, "this preflight answer has no Access-Control-Allow-Headers, so requests that send Content-Type: application/json or Authorization are blocked; %s", adviceFor(p.File).AllowHeaders(r.Scope))
			}
		}
		q := p.exchanges()
		for _, r := range p.File.Responses {
			if refused(r) {
				continue
			}
			if !r.IsPreflightAnswer() {
				// A response that is not OPTIONS's own but sends the
				// preflight headers (a location that answers OPTIONS
				// itself): only the evaluator can say whether a preflight
				// gets it, with Access-Control-Allow-Origin and without
				// Access-Control-Allow-Headers.
				// A statement that sends it only where its env= is set
				// counts where a trusted origin's preflight gets it.
				if addsHeader(r, model.ACAO) != nil && addsHeader(r, model.ACAM) != nil && !lostByInheritance(r, model.ACAH) {
					switch {
					case addsHeader(r, model.ACAH) == nil:
						if p.decides(r) && preflightLacksHeaders(q.For(r), r, true) {
							report(r)
						}
					case addsHeader(r, model.ACAH).When != nil && q.Decides(r) && preflightLacksHeaders(fromTrusted(q.For(r)), r, true):
						report(r)
					}
				}
				continue
			}
			if carried(r, model.ACAO) == nil {
				continue
			}
			if preflightsTakenElsewhere(q, p.File, r) {
				continue // what answers them instead is judged on its own
			}
			op := carried(r, model.ACAH)
			if op == nil && lostByInheritance(r, model.ACAH) {
				continue // CORS305 names the cause
			}
			if op == nil {
				// The evaluator's answers where they are decided; the
				// statements alone where they are not.
				if !p.decides(r) || preflightLacksHeaders(q.For(r), r, false) {
					report(r)
				}
				continue
			}
			if op.When != nil && q.Decides(r) && preflightLacksHeaders(fromTrusted(q.For(r)), r, false) {
				// the statement never reaches a trusted origin's
				// preflight (its env= is never set there); only a
				// conditional one is asked, which keeps the others'
				// routes unasked
				report(r)
				continue
			}
			if credentialsOn(r) != nil {
				continue // CORS203 covers * with credentials
			}
			for _, t := range literalTexts(op.Value) {
				if containsItem(t, "*") && !containsItem(t, "authorization") {
					f := p.Report(op.Span, "Access-Control-Allow-Headers \"*\" does not cover Authorization in the Fetch standard (Chromium and Firefox allow it today); list Authorization explicitly if clients send it")
					f.Severity = findings.Note
				}
			}
		}
		errorPagePreflights(p, q)
	},
}

// errorPagePreflights reports an error_page that turns a preflight's
// error into a success carrying Access-Control-Allow-Origin and -Methods
// but no -Allow-Headers: the browser takes the page's answer as the
// preflight's (nginx 1.22, difftest seed 11: a location's return 404
// through error_page 404 =200 /err.json).
func errorPagePreflights(p *Pass, q *serverside.Query) {
	reported := map[string]bool{}
	for _, r := range p.File.Responses {
		if len(r.ErrorPages) == 0 || r.Scope == nil {
			continue
		}
		for _, x := range q.Route(r) {
			a := x.Preflight
			if a == nil || a.Response != nil || a.Status/100 != 2 || !x.Decided() ||
				lineOf(a, model.ACAO) == nil || lineOf(a, model.ACAM) == nil || linesOf(a, model.ACAH) != nil {
				continue
			}
			for _, ep := range r.Scope.ErrorPages {
				at := ep.Span.String()
				if reported[at] || !strings.Contains(a.Route, "> error_page "+ep.Target+" >") {
					continue
				}
				reported[at] = true
				p.Report(ep.Span, "a preflight that fails here with %s goes through this error_page to %s, which answers it %d with Access-Control-Allow-Origin and -Methods but no Access-Control-Allow-Headers, so requests that send Content-Type: application/json or Authorization are blocked; add Access-Control-Allow-Headers (with always) to what %s answers, or answer OPTIONS before the error",
					errorOf(ep), ep.Target, a.Status, ep.Target)
			}
		}
	}
}

// errorOf names the errors an error page replaces, for messages.
func errorOf(ep *model.ErrorPage) string {
	cs := make([]string, len(ep.Codes))
	for i, c := range ep.Codes {
		cs[i] = strconv.Itoa(c)
	}
	return strings.Join(cs, " or ")
}

var preflightNotHandled = &Rule{
	Meta: Meta{
		ID: "CORS303", Slug: "preflight-not-handled", Severity: findings.Error,
		SecuritySeverity: "1.0",
		Summary:          "preflights are expected but OPTIONS gets an error",
		Doc: `## Why

When a location sends ` + "`Access-Control-Allow-Methods`" + ` or ` + "`Access-Control-Allow-Headers`" + `, it expects
preflights. If nothing answers OPTIONS there, nginx serves static files with 405, and the browser
blocks the request: "Response to preflight request doesn't pass access control check: It does not
have HTTP ok status." (or, without ` + "`always`" + `, "No 'Access-Control-Allow-Origin' header is present").
Plain ` + "`Access-Control-Allow-Origin`" + ` on static assets (fonts, images) is not a preflight case.

## Bad

` + "```nginx" + `
location /api/ {
    add_header Access-Control-Allow-Origin https://app.example.com always;
    add_header Access-Control-Allow-Methods "GET, PUT" always;
    root /srv/api;
}
` + "```" + `

## Good

` + "```nginx" + `
location /api/ {
    add_header Access-Control-Allow-Origin https://app.example.com always;
    add_header Access-Control-Allow-Methods "GET, PUT" always;
    if ($request_method = OPTIONS) {
        add_header Access-Control-Allow-Origin https://app.example.com always;
        add_header Access-Control-Allow-Methods "GET, PUT" always;
        return 204;
    }
    root /srv/api;
}
` + "```" + `
`,
	},
	Run: func(p *Pass) {
		// One walk over the responses; each reads the evaluator's answers
		// about its route once (preflightViews), shared by the three
		// judgements.
		answered := preflightRoutes(p.File)
		views := newPreflightViews(p)
		refusals := newRefusals()
		for _, r := range p.File.Responses {
			switch {
			case r.Methods == nil:
				if r.OptionsStatus/100 != 2 {
					unhandledPreflights(p, views, r, answered)
				}
			case !r.IsPreflightAnswer() || r.Source != model.FromServer:
			case r.Why != "":
				if r.Status/100 != 2 && r.Status/100 != 3 {
					refusals.add(p.File, r)
				}
			case r.Status >= 400:
				deniedPreflights(p, views, r)
			}
		}
		refusals.report(p)
	},
}

// unhandledPreflights reports a route that expects preflights (its
// answers allow what only a preflight admits) where r, its answer to
// other methods, leaves OPTIONS to something that refuses it.
func unhandledPreflights(p *Pass, views *preflightViews, r *model.Response, answered map[*model.Scope]bool) {
	if answered[r.Route] {
		// The route's own answer to OPTIONS counts unless the
		// evaluator sends every preflight elsewhere (nginx's
		// limit_except takes the request before the if that
		// would return 204).
		if st := views.shadowed(r); st != 0 {
			if intent := preflightIntent(r); intent != nil && !unreachable(r.Route) {
				label := strings.TrimSpace(r.Route.Kind + " " + r.Route.Label)
				f := p.Report(r.Route.Span, "%s expects preflights (it sends %s) but answers OPTIONS with %d before its own OPTIONS answer is reached, so the browser blocks the request (\"It does not have HTTP ok status\"); %s", label, intent.Name, st, adviceFor(p.File).AnswerOptions("answer OPTIONS with 204 and the CORS headers"))
				f.Related = append(f.Related, findings.Related{Message: "preflight headers configured here", Span: intent.Span})
			}
		}
		return
	}
	if unreachable(r.Route) {
		return // CORS308 says so
	}
	if r.Route.Internal {
		// an internal location answers a request from outside
		// with 404 whatever its method, and is reached from
		// inside as GET (error_page): no page preflights it
		return
	}
	if refused(r) {
		// The route refuses every request (Require all denied on
		// .env): nothing there is meant to be read, so nothing
		// is meant to be preflighted either.
		return
	}
	// What shows preflights are expected: a method that needs one,
	// else the request headers allowed. "GET, POST, OPTIONS"
	// alone implies none.
	intent := preflightIntent(r)
	if intent == nil {
		if !answeredIntent(p, views.q, r) {
			errorPageIntent(p, views.q, r)
		}
		return
	}
	if preflightsTakenElsewhere(views.q, p.File, r) {
		return
	}
	if r.OptionsStatus == 0 {
		if r.Source != model.FromUpstream || r.Upstream == nil {
			return
		}
		// The proxy adds the preflight headers, so it means to
		// answer preflights, yet OPTIONS goes to the upstream,
		// which may well answer it. Only a method that needs a
		// preflight makes that worth a reviewer's time: "GET,
		// POST, OPTIONS" on fonts or pages implies none.
		methods := preflightedMethods(r)
		if len(methods) == 0 {
			return
		}
		f := p.Report(r.Route.Span, "%s allows %s in Access-Control-Allow-Methods, which browsers preflight, but passes OPTIONS to %s; unless the upstream answers OPTIONS with 2xx, the browser blocks the preflight (\"It does not have HTTP ok status\"); %s", strings.TrimSpace(r.Route.Kind+" "+r.Route.Label), strings.Join(methods, ", "), r.Upstream.Target, adviceFor(p.File).AnswerOptions("answer OPTIONS here with 204"))
		f.Severity = findings.Warning
		f.Related = append(f.Related, findings.Related{Message: "proxied here", Span: r.Upstream.Span})
		return
	}
	hasACAO := false
	for in := range r.EachInstance(r.OptionsStatus, model.FromServer) {
		hasACAO = hasACAO || in.Name == model.ACAO
	}
	outcome := "It does not have HTTP ok status"
	if !hasACAO {
		outcome = "No 'Access-Control-Allow-Origin' header is present"
	}
	label := r.Route.Kind + " " + r.Route.Label
	f := p.Report(r.Route.Span, "%s expects preflights (it sends %s) but answers OPTIONS with %d, so the browser blocks the request (%q); %s", strings.TrimSpace(label), intent.Name, r.OptionsStatus, outcome, adviceFor(p.File).AnswerOptions("answer OPTIONS with 204 and the CORS headers"))
	f.Related = append(f.Related, findings.Related{Message: "preflight headers configured here", Span: intent.Span})
}

// preflightsTakenElsewhere reports whether the evaluator answers every
// preflight sent to r's route, deciding each, from something other than
// r: where a rewrite phase runs first (nginx), a server-level if that
// returns before the route is chosen.
// What r would answer OPTIONS with then never goes out; a refusal there
// is deniedPreflights' to report.
func preflightsTakenElsewhere(q *serverside.Query, f *model.File, r *model.Response) bool {
	if !f.Serving.RewritePhase {
		return false // httpd's sections merge into one answer; Varnish has one route
	}
	return answeredElsewhere(q, f, r, true)
}

// errorPageIntent reports r when only an error page sends the preflight
// headers its requests get (nginx's error_page to a location with
// add_header Access-Control-Allow-Methods): the evaluator decides that
// r answers preflights with an error, which no error page replaces, and
// that the same route's requests get, through an error page, an
// Allow-Methods with a method that needs a preflight or an
// Allow-Headers.
func errorPageIntent(p *Pass, q *serverside.Query, r *model.Response) {
	if r.Scope == nil || len(r.Scope.ErrorPages) == 0 || r.OptionsStatus < 400 || !p.decides(r) {
		return // only a refusal the server makes itself (the static handler's 405)
	}
	st, outcome := 0, ""
	var at *serverside.Line
	var ep *model.ErrorPage
	for _, x := range q.For(r) {
		if a := x.Preflight; a != nil && a.From(r) {
			if a.Status == 0 || a.Status/100 == 2 {
				return
			}
			st = a.Status
			outcome = "It does not have HTTP ok status"
			if lineOf(a, model.ACAO) == nil {
				outcome = "No 'Access-Control-Allow-Origin' header is present"
			}
		}
	}
	// An error page's answer is the target's, not r's: look at every
	// request sent to the route, and at what a missing file gets there.
	for _, x := range append(q.Route(r), q.Missing(r)...) {
		a := x.Actual
		if a == nil || at != nil || !x.Decided() {
			continue
		}
		page := pageOf(r.Scope, a.Route)
		if page == nil || lineOf(a, model.ACAO) == nil {
			continue // no CORS on the request either: nothing it breaks
		}
		for _, l := range linesOf(a, model.ACAM) {
			for _, m := range listItems(l.Value) {
				if at == nil && l.Op != nil && !simpleMethods[strings.ToUpper(m)] {
					at, ep = &l, page
				}
			}
		}
		for _, l := range linesOf(a, model.ACAH) {
			if at == nil && l.Op != nil && strings.TrimSpace(l.Value) != "" {
				at, ep = &l, page
			}
		}
	}
	if st == 0 || at == nil {
		return
	}
	label := strings.TrimSpace(r.Route.Kind + " " + r.Route.Label)
	f := p.Report(r.Route.Span, "%s answers OPTIONS with %d, while its error page %s sends %s: %s on its other answers, so the browser blocks every request that needs a preflight (%q); %s", label, st, ep.Target, at.Name, at.Value, outcome, adviceFor(p.File).AnswerOptions("answer OPTIONS with 204 and the CORS headers"))
	f.Related = append(f.Related,
		findings.Related{Message: "error page set here", Span: ep.Span},
		findings.Related{Message: "preflight headers configured here", Span: at.Op.Span})
}

// pageOf returns the error_page of s that an answer's route went
// through, or nil.
func pageOf(s *model.Scope, route string) *model.ErrorPage {
	for _, ep := range s.ErrorPages {
		if strings.Contains(route, " > error_page "+ep.Target+" > ") {
			return ep
		}
	}
	return nil
}

// preflightIntent returns the statement that shows preflights are
// expected on r: a method that needs one, else the request headers
// allowed. "GET, POST, OPTIONS" alone implies none.
func preflightIntent(r *model.Response) *model.HeaderOp {
	intent := addsHeader(r, model.ACAM)
	if intent == nil || len(preflightedMethods(r)) == 0 {
		intent = addsHeader(r, model.ACAH)
	}
	return intent
}

// preflightViews reads, once per response, what the evaluator's
// exchanges say about preflights; CORS303's judgements share them.
type preflightViews struct {
	p *Pass
	q *serverside.Query
	m map[*model.Response]*preflightView
	// deniedAt holds the refusals reported from the statements, by
	// position: the responses a virtual host's RewriteRule gives on
	// each of its routes are one statement.
	deniedAt map[string]bool
}

// preflightView is what the exchanges answered from r show: whether the
// evaluator decides them, the statuses of the preflights r answered, and
// every answer of those exchanges.
type preflightView struct {
	decided bool
	// passed is set when r let a preflight through (or gave it no
	// status); failed lists the statuses of those it refused.
	passed  bool
	failed  []int
	answers []*serverside.Answer
}

func newPreflightViews(p *Pass) *preflightViews {
	return &preflightViews{p: p, q: p.exchanges(), m: map[*model.Response]*preflightView{}, deniedAt: map[string]bool{}}
}

// of returns r's view, reading the exchanges on first use.
func (vs *preflightViews) of(r *model.Response) *preflightView {
	if v, ok := vs.m[r]; ok {
		return v
	}
	v := &preflightView{decided: vs.p.decides(r)}
	vs.m[r] = v
	if !v.decided {
		return v
	}
	for _, x := range vs.q.For(r) {
		v.answers = append(v.answers, x.Answers()...)
		if a := x.Preflight; a != nil && a.From(r) {
			if a.Status == 0 || a.Status/100 == 2 {
				v.passed = true
			} else {
				v.failed = append(v.failed, a.Status)
			}
		}
	}
	return v
}

// shadowed returns the status the evaluator gives every preflight sent
// to r's route when r answers them and none succeeds, else 0.
func (vs *preflightViews) shadowed(r *model.Response) int {
	v := vs.of(r)
	if !v.decided || v.passed || len(v.failed) == 0 {
		return 0
	}
	return v.failed[len(v.failed)-1]
}

// deniedPreflights reports an explicit refusal of OPTIONS (a rewrite to
// 403, a return 405) on a route whose own answers allow methods that only
// a preflight admits: the configuration asks for preflights and refuses
// every one. The evaluator decides that preflights reach the refusal and
// that the route's other answers carry those methods. A refusal it does
// not decide (no sampled path reaches it: RewriteRule \.json$ - [G] on
// OPTIONS) is judged from the statements, and only when the route's
// answers allow a method that needs a preflight (a deliberate refusal
// on a route that means no CORS is a choice, which CORS304 speaks about
// when it loses the CORS headers).
func deniedPreflights(p *Pass, views *preflightViews, r *model.Response) {
	if r.Why != "" {
		return
	}
	if v := views.of(r); !v.decided {
		// only where the server's own walk answers the route's sampled
		// requests, so that an undecided refusal is one no sampled path
		// reaches (not an answer the model cannot know)
		if p.File.Walker != nil && len(views.q.Route(r)) > 0 && !views.deniedAt[r.Span.String()] {
			views.deniedAt[r.Span.String()] = deniedAsWritten(p, r)
		}
		return
	} else if !slices.Contains(v.failed, r.Status) {
		return
	}
	// the methods the route's answers allow, the refusal's own
	// included (a header set for successes only is on the others), and
	// those of the routes inside it, whose preflights the refusal
	// answers too (a RewriteRule of the virtual host, a server-level if)
	var answers []*serverside.Answer
	for _, o := range p.File.Responses {
		if within(o.Route, r.Route) {
			answers = append(answers, views.of(o).answers...)
		}
	}
	var methods []string
	var at *model.HeaderOp
	for _, a := range answers {
		for _, l := range linesOf(a, model.ACAM) {
			for _, m := range listItems(l.Value) {
				if !simpleMethods[strings.ToUpper(m)] && !slices.Contains(methods, m) {
					methods = append(methods, m)
					if at == nil {
						at = l.Op
					}
				}
			}
		}
	}
	what := "Access-Control-Allow-Methods allows " + strings.Join(methods, ", ")
	if len(methods) == 0 {
		// else request headers allowed, which only a preflight admits
		for _, a := range answers {
			for _, l := range linesOf(a, model.ACAH) {
				if at == nil && l.Op != nil && strings.TrimSpace(l.Value) != "" {
					at, what = l.Op, "Access-Control-Allow-Headers allows "+l.Value
				}
			}
		}
	}
	if at == nil {
		// a route inside whose answers the evaluator does not decide:
		// its statements say whether it expects preflights
		for _, o := range p.File.Responses {
			if at == nil && within(o.Route, r.Route) && !views.of(o).decided {
				if op := preflightIntent(o); op != nil {
					at, what = op, op.Name+" allows "+op.Value.Raw
				}
			}
		}
	}
	if at == nil {
		return
	}
	f := p.Report(r.Span, "OPTIONS is answered with %d here, so every preflight fails (%q) although %s, which browsers send only after a preflight; %s", r.Status, refusedPreflightMessage(r), what, adviceFor(p.File).AnswerOptions("answer OPTIONS with 204 and the CORS headers"))
	f.Related = append(f.Related, findings.Related{Message: "preflight headers configured here", Span: at.Span})
}

// refusedPreflightMessage is Chromium's console message for a preflight
// refused with r's status: Chromium checks Access-Control-Allow-Origin
// before the status, so an error without it fails on the header.
func refusedPreflightMessage(r *model.Response) string {
	for in := range r.EachInstance(r.Status, model.FromServer) {
		if in.Name == model.ACAO {
			return "Response to preflight request doesn't pass access control check: It does not have HTTP ok status."
		}
	}
	return "Response to preflight request doesn't pass access control check: No 'Access-Control-Allow-Origin' header is present on the requested resource."
}

// deniedAsWritten is deniedPreflights from the statements: the methods
// that need a preflight which the other answers of r's route allow,
// else the request headers they allow (httpd 2.4.71, difftest seed 2027
// case a87: a RewriteRule [F] on OPTIONS refused a GET with
// X-Requested-With that the route's Access-Control-Allow-Headers
// admits). It reports whether it found them.
func deniedAsWritten(p *Pass, r *model.Response) bool {
	var methods []string
	var at, headers *model.HeaderOp
	for _, o := range p.File.Responses {
		if o == r || !within(o.Route, r.Route) || o.IsPreflightAnswer() && refused(o) {
			continue
		}
		for _, m := range preflightedMethods(o) {
			if m != "*" && !slices.Contains(methods, m) {
				methods = append(methods, m)
				if at == nil {
					at = addsHeader(o, model.ACAM)
				}
			}
		}
		if op := addsHeader(o, model.ACAH); headers == nil && op != nil && strings.TrimSpace(strings.Join(literalTexts(op.Value), "")) != "" {
			headers = op
		}
	}
	what := "Access-Control-Allow-Methods allows " + strings.Join(methods, ", ")
	if at == nil && headers != nil {
		at, what = headers, "Access-Control-Allow-Headers allows "+headers.Value.Raw
	}
	if at == nil {
		return false
	}
	f := p.Report(r.Span, "OPTIONS is answered with %d here, so every preflight fails (%q) although %s, which browsers send only after a preflight; %s", r.Status, refusedPreflightMessage(r), what, adviceFor(p.File).AnswerOptions("answer OPTIONS with 204 and the CORS headers"))
	f.Related = append(f.Related, findings.Related{Message: "preflight headers configured here", Span: at.Span})
	p.asked(r, false)
	possibly(f)
	return true
}

// unreachable reports whether no request ever reaches scope s or a
// scope enclosing it.
func unreachable(s *model.Scope) bool {
	for c := s; c != nil; c = c.Parent {
		if c.NeverMatches != "" {
			return true
		}
	}
	return false
}

// preflightedMethods lists the methods r's Access-Control-Allow-Methods
// allows that browsers send only after a preflight (all but GET, HEAD,
// POST and OPTIONS itself); "*" counts as one. A value not known from
// the configuration lists none.
func preflightedMethods(r *model.Response) []string {
	var out []string
	for _, op := range r.Ops(model.ACAM) {
		if !adds(op) {
			continue
		}
		for _, t := range literalTexts(op.Value) {
			for _, m := range listItems(t) {
				switch strings.ToUpper(m) {
				case "GET", "HEAD", "POST", "OPTIONS":
					continue
				}
				if !slices.Contains(out, m) {
					out = append(out, m)
				}
			}
		}
	}
	return out
}

// refusals collects answers to OPTIONS that the configuration implies
// are errors (an authorizer that guards OPTIONS, a route without an
// OPTIONS method), where CORS is evidently meant; one finding per
// statement and reason names every route it refuses.
type refusals struct {
	hits   []*refusal
	bySpan map[string]*refusal
}

type refusal struct {
	r      *model.Response
	intent *model.HeaderOp
	routes []string
}

func newRefusals() *refusals { return &refusals{bySpan: map[string]*refusal{}} }

// add takes r, a refusal the configuration implies (Why says how); an
// explicit return 403 to OPTIONS is a choice, left to deniedPreflights
// and CORS304.
func (rs *refusals) add(f *model.File, r *model.Response) {
	intent := corsIntent(f, r)
	if intent == nil {
		return
	}
	label := strings.TrimSpace(r.Route.Kind + " " + r.Route.Label)
	k := r.Span.String() + "|" + r.Why
	if h, ok := rs.bySpan[k]; ok {
		h.routes = append(h.routes, label)
		return
	}
	h := &refusal{r: r, intent: intent, routes: []string{label}}
	rs.bySpan[k] = h
	rs.hits = append(rs.hits, h)
}

func (rs *refusals) report(p *Pass) {
	for _, h := range rs.hits {
		f := p.Report(h.r.Span, "preflights to %s get %d, so the browser blocks the request (%q): %s", strings.Join(h.routes, ", "), h.r.Status, refusedPreflightMessage(h.r), h.r.Why)
		f.Related = append(f.Related, findings.Related{Message: "CORS configured here", Span: h.intent.Span})
	}
}

// corsIntent returns a statement that shows CORS is meant for r's route:
// a CORS header on r, on another response of the route, or in a scope
// enclosing it.
func corsIntent(f *model.File, r *model.Response) *model.HeaderOp {
	pick := func(ops []*model.HeaderOp) *model.HeaderOp {
		for _, op := range ops {
			if adds(op) && (op.Name == model.ACAO || op.Name == model.ACAM || op.Name == model.ACAH) {
				return op
			}
		}
		return nil
	}
	if op := pick(r.Headers); op != nil {
		return op
	}
	for _, o := range f.Responses {
		if o.Route == r.Route {
			if op := pick(o.Headers); op != nil {
				return op
			}
		}
	}
	for s := r.Route; s != nil; s = s.Parent {
		if op := pick(s.Own); op != nil {
			return op
		}
	}
	return nil
}

// fromTrusted keeps the exchanges sent from an origin the query trusts:
// not the untrusted one, nor null.
func fromTrusted(xs []serverside.Exchange) []serverside.Exchange {
	var out []serverside.Exchange
	for _, x := range xs {
		if x.Request.Origin != serverside.Untrusted && x.Request.Origin != "null" {
			out = append(out, x)
		}
	}
	return out
}

// preflightLacksHeaders reports whether a predicted preflight answer from
// r succeeds with Access-Control-Allow-Origin (and, when methods is set,
// Access-Control-Allow-Methods) but no Access-Control-Allow-Headers.
func preflightLacksHeaders(xs []serverside.Exchange, r *model.Response, methods bool) bool {
	for _, x := range xs {
		a := x.Preflight
		if a == nil || !a.From(r) || a.Status/100 != 2 || lineOf(a, model.ACAO) == nil || linesOf(a, model.ACAH) != nil {
			continue
		}
		if !methods || lineOf(a, model.ACAM) != nil {
			return true
		}
	}
	return false
}

// refused reports whether a preflight answer has a fixed status the
// browser rejects whatever its headers (CORS303 and CORS304 say why).
func refused(r *model.Response) bool {
	return r.Status != 0 && r.Status/100 != 2
}

// preflightRoutes returns the routes that have a response dedicated to
// OPTIONS.
func preflightRoutes(f *model.File) map[*model.Scope]bool {
	out := map[*model.Scope]bool{}
	for _, r := range f.Responses {
		if r.IsPreflightAnswer() {
			out[r.Route] = true
		}
	}
	return out
}

var missingAlways = &Rule{
	Meta: Meta{
		ID: "CORS304", Slug: "missing-always", Severity: findings.Error,
		SecuritySeverity: "1.0",
		Summary:          "CORS headers that vanish on error responses",
		Doc: `## Why

nginx's ` + "`add_header`" + ` without ` + "`always`" + ` only reaches 200, 201, 204, 206, 301, 302, 303, 304, 307 and
308 responses. When the upstream answers 401, 404 or 500, the response leaves without
` + "`Access-Control-Allow-Origin`" + `, and the script sees only "TypeError: Failed to fetch" instead of the
status it could have handled. Apache's ` + "`Header set`" + ` without ` + "`always`" + ` likewise misses the responses
httpd generates itself, an R=204 preflight included.

## Bad

` + "```nginx" + `
add_header Access-Control-Allow-Origin https://app.example.com;
proxy_pass http://backend;
` + "```" + `

## Good

` + "```nginx" + `
add_header Access-Control-Allow-Origin https://app.example.com always;
proxy_pass http://backend;
` + "```" + `
`,
	},
	Run: func(p *Pass) {
		type hit struct {
			op       *model.HeaderOp
			sev      findings.Severity
			msg      string
			possible bool
		}
		worst := map[string]*hit{} // by the position of the statement
		var order []*hit
		note := func(op *model.HeaderOp, sev findings.Severity, msg string, possible bool) {
			k := op.Span.String()
			h := worst[k]
			if h == nil {
				h = &hit{op: op, sev: sev, msg: msg, possible: possible}
				worst[k] = h
				order = append(order, h)
				return
			}
			// a definite finding wins over a possible one, then the
			// more severe
			if h.possible && !possible || h.possible == possible && sev > h.sev {
				h.sev, h.msg = sev, msg
			}
			h.possible = h.possible && possible
		}
		fix := adviceFor(p.File).Always()
		for _, r := range p.File.Responses {
			if r.Status == 0 && r.Source == model.FromServer {
				continue
			}
			// Only a statement whose delivery leaves the error's status
			// out can be lost there; a response without one is not asked
			// about.
			errStatus, errFrom := r.Status, r.Source
			switch {
			case r.Status != 0:
			case r.Source == model.FromUpstream:
				errStatus = 500
			default:
				errStatus, errFrom = 404, model.FromServer
			}
			var ops []*model.HeaderOp
			for _, op := range r.Ops(model.ACAO) {
				if adds(op) && op.Delivery != model.Always && !op.Delivery.Reaches(errStatus, errFrom) {
					ops = append(ops, op)
				}
			}
			if len(ops) == 0 {
				continue
			}
			if r.Source == model.FromHandler && r.Status == 0 && plainOrigin(r) {
				continue // fonts and images opened to every site
			}
			if losses, ok := p.lostOnErrors(r, ops); ok {
				for _, l := range losses {
					note(l.op, l.sev, l.message(r, fix), false)
				}
				continue
			}
			for _, l := range lostOnErrorsAsWritten(r, ops) {
				note(l.op, l.sev, l.message(r, fix), true)
			}
		}
		for _, l := range errorPageLosses(p) {
			note(l.op, findings.Warning, l.msg, false)
		}
		for _, h := range order {
			f := p.Report(h.op.Span, "%s", h.msg)
			f.Severity = h.sev
			if h.possible {
				possibly(f)
			}
		}
		lostOnCodeFailures(p)
	},
}

// pageLoss is a statement of an error page's target that does not reach
// the error status the page answers with.
type pageLoss struct {
	op  *model.HeaderOp
	msg string
}

// errorPageLosses asks the evaluator, for each route whose successful
// answers to a trusted origin carry Access-Control-Allow-Origin, whether
// its errors, answered through an error page (nginx's error_page), lose
// it: the target's statements without always do not reach the error's
// status. Each such statement is returned; a target without one says
// nothing about CORS, which may well be meant.
func errorPageLosses(p *Pass) []pageLoss {
	q := p.exchanges()
	var out []pageLoss
	seen := map[string]bool{}
	done := map[*model.Scope]bool{}
	for _, r := range p.File.Responses {
		if r.Scope == nil || len(r.Scope.ErrorPages) == 0 || done[r.Route] || addsHeader(r, model.ACAO) == nil {
			continue // nothing on the route's own answers to lose
		}
		done[r.Route] = true
		ok := map[string]bool{} // origins whose success carries the header
		for _, x := range q.Route(r) {
			if simpleGET(&x) && x.Request.UpstreamStatus == 0 && x.Actual != nil && x.Actual.Status/100 == 2 && lineOf(x.Actual, model.ACAO) != nil {
				ok[x.Request.Origin] = true
			}
		}
		for _, x := range q.Route(r) {
			a := x.Actual
			if !simpleGET(&x) || x.Request.UpstreamStatus < 400 || a == nil || a.Status < 400 || !x.Decided() ||
				!ok[x.Request.Origin] || x.Request.Origin == serverside.Untrusted || x.Request.Origin == "null" || len(linesOf(a, model.ACAO)) > 0 {
				continue
			}
			ep := pageOf(r.Scope, a.Route)
			if ep == nil {
				continue
			}
			label := strings.TrimSpace(r.Route.Kind + " " + r.Route.Label)
			for _, o := range p.File.Responses {
				if o.Span.File != a.By.File || o.Span.Line != a.By.Line || o.Span.Col != a.By.Col {
					continue
				}
				for _, op := range o.Ops(model.ACAO) {
					if adds(op) && !op.Delivery.Reaches(a.Status, model.FromServer) && !seen[op.Span.String()] {
						seen[op.Span.String()] = true
						out = append(out, pageLoss{op: op, msg: fmt.Sprintf("Access-Control-Allow-Origin is not sent on the %d answer of error_page %s, which %s's errors get, so the browser blocks them and scripts see only \"Failed to fetch\" instead of the status; %s", a.Status, ep.Target, label, adviceFor(p.File).Always())})
					}
				}
			}
		}
	}
	return out
}

// loss is a statement whose Access-Control-Allow-Origin does not reach
// an error answer.
type loss struct {
	op     *model.HeaderOp
	sev    findings.Severity
	status int // the error's status when the server makes it itself
}

func (l loss) message(r *model.Response, fix string) string {
	switch {
	case l.status != 0:
		return fmt.Sprintf("Access-Control-Allow-Origin is not sent on the %d response produced at %s, so the browser blocks it; %s", l.status, r.Span, fix)
	case r.Source == model.FromUpstream:
		return "Access-Control-Allow-Origin is not sent when the upstream answers with an error (4xx, 5xx), so scripts see only \"Failed to fetch\" instead of the status; " + fix
	}
	return "Access-Control-Allow-Origin is not sent on error responses (404 and the like); " + fix
}

// lostOnErrors asks the evaluator which of ops, put on r's successful
// answers to a trusted origin, are missing from its error answers: the
// status r has when the server makes it, else what the same origin gets
// when the upstream or the file handler fails. False when the evaluator
// does not decide those answers.
func (p *Pass) lostOnErrors(r *model.Response, ops []*model.HeaderOp) ([]loss, bool) {
	trusted := func(x *serverside.Exchange) bool {
		return x.Request.Origin != serverside.Untrusted && x.Request.Origin != "null"
	}
	if r.Status != 0 {
		xs, ok := p.ask(r, trusted)
		if !ok {
			return nil, false
		}
		var out []loss
		for _, x := range xs {
			for _, a := range x.Answers() {
				if !a.From(r) || len(linesOf(a, model.ACAO)) > 0 {
					continue
				}
				sev := findings.Warning
				if r.IsPreflightAnswer() {
					sev = findings.Error
				}
				// the statements whose delivery leaves this status out
				for _, op := range ops {
					if !op.Delivery.Reaches(a.Status, r.Source) {
						out = append(out, loss{op: op, sev: sev, status: a.Status})
					}
				}
			}
		}
		return out, true
	}
	xs, ok := p.ask(r, func(x *serverside.Exchange) bool { return trusted(x) && simpleGET(x) })
	if !ok {
		return nil, false
	}
	failed := map[string]*serverside.Answer{} // by origin
	for _, x := range p.exchanges().Route(r) {
		if x.Request.UpstreamStatus >= 400 && simpleGET(&x) && x.Actual != nil {
			if !x.Actual.From(r) || !x.Decided() {
				return nil, false // another response answers the error: not this rule's judgement
			}
			failed[x.Request.Origin] = x.Actual
		}
	}
	sev, errStatus, errFrom := findings.Warning, 500, model.FromUpstream
	if r.Source == model.FromHandler {
		sev, errStatus, errFrom = findings.Note, 404, model.FromServer
	}
	var out []loss
	for _, x := range xs {
		if x.Request.UpstreamStatus != 0 || x.Actual == nil || !x.Actual.From(r) {
			continue
		}
		e := failed[x.Request.Origin]
		if e == nil {
			return nil, false
		}
		if lineOf(e, model.ACAO) != nil {
			continue // another statement sends it on errors
		}
		for _, l := range linesOf(x.Actual, model.ACAO) {
			if l.Op != nil && sameStatement(ops, l.Op) && !l.Op.Delivery.Reaches(errStatus, errFrom) {
				out = append(out, loss{op: l.Op, sev: sev})
			}
		}
	}
	return out, true
}

// lostOnErrorsAsWritten is lostOnErrors from r's statements alone: each
// statement that does not reach r's fixed status, or an error of the
// upstream or the file handler, while no other statement sends the header
// there.
func lostOnErrorsAsWritten(r *model.Response, ops []*model.HeaderOp) []loss {
	var out []loss
	for _, op := range ops {
		switch {
		case r.Status != 0:
			if op.Delivery.Reaches(r.Status, r.Source) || sendsACAO(r, r.Status, r.Source) {
				continue
			}
			sev := findings.Warning
			if r.IsPreflightAnswer() {
				sev = findings.Error
			}
			out = append(out, loss{op: op, sev: sev, status: r.Status})
		case r.Source == model.FromUpstream:
			// Apache's onsuccess table reaches proxied errors too;
			// and another statement may send ACAO on errors anyway.
			if op.Delivery.Reaches(500, model.FromUpstream) || sendsACAO(r, 500, model.FromUpstream) {
				continue
			}
			out = append(out, loss{op: op, sev: findings.Warning})
		case r.Source == model.FromHandler:
			if sendsACAO(r, 404, model.FromServer) {
				continue
			}
			out = append(out, loss{op: op, sev: findings.Note})
		}
	}
	return out
}

// plainOrigin reports whether r's only CORS header is
// Access-Control-Allow-Origin: *: static files opened to every site (fonts,
// images, tiles), fetched by elements or simple GETs, where a missing
// file's 404 only turns into a CORS error, which is not worth a finding.
func plainOrigin(r *model.Response) bool {
	for _, op := range r.Headers {
		if !adds(op) || !model.IsCORSHeader(op.Name) {
			continue
		}
		if op.Name != model.ACAO || !hasLiteral(op.Value, "*") || len(literalTexts(op.Value)) != 1 {
			return false
		}
	}
	return true
}

// sendsACAO reports whether r carries Access-Control-Allow-Origin at a
// status, from whichever statement.
func sendsACAO(r *model.Response, status int, from model.Source) bool {
	for in := range r.EachInstance(status, from) {
		if in.Name == model.ACAO {
			return true
		}
	}
	return false
}

var headerInheritanceLoss = &Rule{
	Meta: Meta{
		ID: "CORS305", Slug: "header-inheritance-loss", Severity: findings.Error,
		Dialects:         []model.Dialect{model.Nginx},
		SecuritySeverity: "1.0",
		Summary:          "a nested block's own add_header silently drops inherited CORS headers",
		Doc: `## Why

nginx inherits ` + "`add_header`" + ` from the enclosing level only when a level has no ` + "`add_header`" + ` of its
own. One ` + "`add_header X-Frame-Options DENY;`" + ` in a location drops every CORS header set on the server,
and the browser reports "No 'Access-Control-Allow-Origin' header is present on the requested
resource." Only headers that matter for the responses of that block are reported:
` + "`Access-Control-Expose-Headers`" + ` lost in a block that only answers preflights is harmless.

## Bad

` + "```nginx" + `
server {
    add_header Access-Control-Allow-Origin https://app.example.com always;
    location /api/ {
        add_header X-Frame-Options DENY;
        proxy_pass http://backend;
    }
}
` + "```" + `

## Good

` + "```nginx" + `
server {
    location /api/ {
        add_header X-Frame-Options DENY;
        add_header Access-Control-Allow-Origin https://app.example.com always;
        proxy_pass http://backend;
    }
}
` + "```" + `
`,
	},
	Run: func(p *Pass) {
		// One finding per add_header statement that causes the loss,
		// naming every header it drops.
		type loss struct {
			names []string
			ops   []*model.HeaderOp
			sev   findings.Severity
		}
		byOwner := map[*model.Scope]*loss{}
		var order []*model.Scope
		for _, r := range p.File.Responses {
			owner := effectiveOwner(r.Scope)
			if len(owner.Dropped) == 0 || len(owner.Own) == 0 {
				continue
			}
			for _, d := range owner.Dropped {
				if !adds(d) || !mattersFor(d.Name, r) || addsHeader(r, d.Name) != nil {
					continue
				}
				l := byOwner[owner]
				if l == nil {
					l = &loss{sev: findings.Warning}
					byOwner[owner] = l
					order = append(order, owner)
				}
				if slices.Contains(l.ops, d) {
					continue
				}
				l.ops = append(l.ops, d)
				if !slices.Contains(l.names, d.Name) {
					l.names = append(l.names, d.Name)
				}
				if d.Name == model.ACAO {
					l.sev = findings.Error
				}
			}
		}
		for _, owner := range order {
			l := byOwner[owner]
			from := l.ops[0].Scope
			f := p.Report(owner.Own[0].Span, "this add_header drops the %s inherited from %s (nginx inherits add_header only into levels that have none of their own); repeat %s here", joinAnd(l.names), strings.TrimSpace(from.Kind+" "+from.Label), pronoun(len(l.names)))
			f.Severity = l.sev
			for _, d := range l.ops {
				f.Related = append(f.Related, findings.Related{Message: "lost " + d.Name + " set here", Span: d.Span})
			}
		}
	},
}

// joinAnd lists names as "a", "a and b" or "a, b and c".
func joinAnd(names []string) string {
	if len(names) < 2 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}

func pronoun(n int) string {
	if n == 1 {
		return "it"
	}
	return "them"
}

// mattersFor reports whether losing header name changes what the browser
// does with r.
func mattersFor(name string, r *model.Response) bool {
	switch name {
	case model.ACAO, model.ACAC:
		return true
	case model.ACAM, model.ACAH:
		return r.IsPreflightAnswer() || r.Methods == nil
	case model.ACEH, model.Vary:
		return !r.IsPreflightAnswer()
	}
	return false
}

var maxAgeExcessive = &Rule{
	Meta: Meta{
		ID: "CORS306", Slug: "max-age-excessive", Severity: findings.Note,
		SecuritySeverity: "0.0",
		Summary:          "an Access-Control-Max-Age that is not a number of seconds",
		Doc: `## Why

A value that is not a number of seconds is ignored, and the browser falls back to 5 seconds: the
preflight is repeated for nearly every request. Values above what browsers honour (Chromium caps
at 7200 seconds, Firefox at 86400) are capped silently and change nothing, so they are not
reported; nor are negative numbers, which Chromium reads as 0 (not cached, as -1 is written to
ask). The value is read as Chromium reads it, with the parser ` + "`corslint check`" + ` uses.

## Bad

` + "```nginx" + `
add_header Access-Control-Max-Age 1d always;
` + "```" + `

## Good

` + "```nginx" + `
add_header Access-Control-Max-Age 7200 always;
` + "```" + `
`,
	},
	Run: func(p *Pass) {
		for _, op := range p.File.Headers {
			if op.Name != model.ACMA || !adds(op) {
				continue
			}
			for _, t := range literalTexts(op.Value) {
				// A negative number parses: Chromium caches nothing, as -1 is written to ask.
				if _, ok := browser.MaxAge(t); !ok {
					p.Report(op.Span, "Access-Control-Max-Age %q is not a number of seconds, so browsers ignore it and cache the preflight for %d seconds; write e.g. %d",
						t, browser.DefaultMaxAge, browser.ChromiumMaxAgeCap)
				}
			}
		}
	},
}

var invalidToken = &Rule{
	Meta: Meta{
		ID: "CORS307", Slug: "invalid-token", Severity: findings.Error,
		SecuritySeverity: "1.0",
		Summary:          "a method or header name in Allow-Methods or Allow-Headers that is not an HTTP token",
		Doc: `## Why

The browser parses ` + "`Access-Control-Allow-Methods`" + ` and ` + "`Access-Control-Allow-Headers`" + ` as
comma-separated lists of HTTP tokens. A space-separated list, a quote or a slash makes the whole
header unparsable, and the preflight fails.

## Bad

` + "```nginx" + `
add_header Access-Control-Allow-Methods "GET POST PUT" always;
` + "```" + `

## Good

` + "```nginx" + `
add_header Access-Control-Allow-Methods "GET, POST, PUT" always;
` + "```" + `
`,
	},
	Run: func(p *Pass) {
		for _, op := range p.File.Headers {
			if (op.Name != model.ACAM && op.Name != model.ACAH) || !adds(op) {
				continue
			}
			for _, t := range literalTexts(op.Value) {
				for _, it := range listItems(t) {
					if isToken(it) {
						continue
					}
					fix := strings.Join(strings.Fields(strings.NewReplacer(",", " ", "\"", "", "'", "").Replace(t)), ", ")
					p.Report(op.Span, "%s item %q is not an HTTP token, so the browser cannot parse the header and the preflight fails; separate names with commas: %q", op.Name, it, fix)
					break
				}
			}
		}
	},
}

func isToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' {
			continue
		}
		if strings.IndexByte("!#$%&'*+-.^_`|~", c) < 0 {
			return false
		}
	}
	return true
}
