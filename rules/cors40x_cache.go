package rules

import (
	"fmt"
	"strings"

	"github.com/corslint/corslint/findings"
	"github.com/corslint/corslint/model"
	"github.com/corslint/corslint/serverside"
)

var missingVaryOrigin = &Rule{
	Meta: Meta{
		ID: "CORS401", Slug: "missing-vary-origin", Severity: findings.Warning,
		SecuritySeverity: "4.3",
		Summary:          "Access-Control-Allow-Origin depends on Origin but responses don't say Vary: Origin",
		Doc: `## Why

When ` + "`Access-Control-Allow-Origin`" + ` depends on the request's ` + "`Origin`" + `, every cache on the way (the
browser's, a CDN, Varnish, a corporate proxy) must know it, or it serves the answer for one origin
to the next. The second site then sees "The 'Access-Control-Allow-Origin' header has a value
'https://a.example' that is not equal to the supplied origin." ` + "`Vary: Origin`" + ` says so.

## Bad

` + "```nginx" + `
add_header Access-Control-Allow-Origin $cors_origin always;
` + "```" + `

## Good

` + "```nginx" + `
add_header Access-Control-Allow-Origin $cors_origin always;
add_header Vary Origin always;
` + "```" + `
`,
	},
	Run: func(p *Pass) {
		type hit struct {
			op       *model.HeaderOp
			possible bool
		}
		hits := map[string]*hit{} // by the position of the statement
		var order []*hit
		note := func(op *model.HeaderOp, possible bool) {
			k := op.Span.String()
			if h := hits[k]; h != nil {
				h.possible = h.possible && possible
				return
			}
			h := &hit{op: op, possible: possible}
			hits[k] = h
			order = append(order, h)
		}
		for _, r := range p.File.Responses {
			// Preflight answers are not stored by HTTP caches.
			if r.IsPreflightAnswer() {
				continue
			}
			var deps []*model.HeaderOp
			for _, op := range r.Ops(model.ACAO) {
				if adds(op) && op.Value.DependsOnOrigin() {
					deps = append(deps, op)
				}
			}
			if len(deps) == 0 || variesAlways(r) {
				continue
			}
			if xs, ok := p.ask(r, succeeds); ok && varyKnown(xs, r) {
				// The evaluator's answers: a GET that gets an
				// origin-dependent Access-Control-Allow-Origin from one
				// of these statements, and no Vary naming Origin.
				for _, x := range xs {
					a := x.Actual
					if a == nil || !a.From(r) || variesOnOrigin(a) {
						continue
					}
					for _, l := range linesOf(a, model.ACAO) {
						if l.Op != nil && sameStatement(deps, l.Op) {
							note(l.Op, false)
						}
					}
				}
				continue
			} else if ok {
				p.asked(r, false)
			}
			if variesOnOriginAtEnd(r) {
				continue
			}
			status := r.Status
			if status == 0 {
				status = 200
			}
			for _, op := range deps {
				// a statement that does not reach this response (Varnish's
				// vcl_deliver on a synthetic one) needs no Vary here
				if op.Delivery.Reaches(status, r.Source) {
					note(op, true)
				}
			}
		}
		for _, h := range order {
			f := p.Report(h.op.Span, "Access-Control-Allow-Origin depends on the request's Origin, but the response has no Vary: Origin, so caches can serve one origin's answer to another; %s", adviceFor(p.File).VaryOrigin(h.op))
			if h.possible {
				possibly(f)
			}
		}
	},
}

// variesAlways reports whether r has a statement that puts a Vary naming
// Origin on every successful answer, whatever the request, and none that
// removes Vary or replaces it with one that does not: then no answer the rule asks about lacks it, and the
// evaluator need not be asked.
func variesAlways(r *model.Response) bool {
	status := r.Status
	if status == 0 {
		status = 200
	}
	found := false
	tables := map[string]bool{} // tables holding a Vary naming Origin
	for _, op := range r.Ops(model.Vary) {
		if !adds(op) {
			return false
		}
		// A later set that names no Origin replaces it (Express's
		// res.set('Vary', ...) after cors's res.vary).
		if op.Op == model.Set && tables[op.Table] && !(op.Value.Kind == model.Literal && model.VaryNamesOrigin(op.Value.Text)) {
			return false
		}
		if op.Value.Kind == model.Literal && model.VaryNamesOrigin(op.Value.Text) {
			tables[op.Table] = true
		}
		found = found || op.When == nil && op.Delivery.Reaches(status, r.Source) && op.Value.Kind == model.Literal && model.VaryNamesOrigin(op.Value.Text)
	}
	return found
}

// variesOnOriginAtEnd is Response.VariesOnOrigin where a later set of
// Vary whose value names no Origin replaces an earlier one in its table
// (Express's res.set('Vary', 'Accept-Encoding') after cors's res.vary).
func variesOnOriginAtEnd(r *model.Response) bool {
	tables := map[string]bool{}
	for _, op := range r.Ops(model.Vary) {
		if !adds(op) {
			continue
		}
		names := false
		for p := range op.Value.All() {
			switch p.Kind {
			case model.Literal, model.Wildcard, model.Null:
				names = names || model.VaryNamesOrigin(p.Text)
			}
		}
		switch {
		case names:
			tables[op.Table] = true
		case op.Op == model.Set && op.When == nil && op.Value.Kind == model.Literal:
			tables[op.Table] = false
		}
	}
	for _, v := range tables {
		if v {
			return true
		}
	}
	return false
}

// varyKnown reports whether the answers from r carry a line from each of
// r's statements that add Vary. The evaluator leaves out a Vary whose
// value the configuration does not give (Varnish's resp.http.Vary +
// ", Origin" on a backend's unknown Vary), which then cannot be judged
// from the answers.
func varyKnown(xs []serverside.Exchange, r *model.Response) bool {
	var varies []*model.HeaderOp
	for _, op := range r.Ops(model.Vary) {
		if adds(op) {
			varies = append(varies, op)
		}
	}
	for _, x := range xs {
		a := x.Actual
		if a == nil || !a.From(r) {
			continue
		}
		for _, op := range varies {
			found := false
			for _, l := range linesOf(a, model.Vary) {
				found = found || l.Op != nil && sameStatement([]*model.HeaderOp{op}, l.Op)
				// a later statement that sets Vary replaced it
				// (res.set('Vary', ...) in a route after cors)
				found = found || l.Op != nil && l.Op.Op == model.Set && l.Op.Span.File == op.Span.File && op.Span.Before(l.Op.Span)
			}
			// A statement whose own test failed for this request (a
			// Vary set only for allowed origins) is rightly missing.
			if !found && x.Holds(a, op) && op.Delivery.Reaches(a.Status, r.Source) {
				return false
			}
		}
	}
	return true
}

// succeeds selects the exchanges of a simple GET that the upstream or
// the file handler answers with success, what caches store.
func succeeds(x *serverside.Exchange) bool { return simpleGET(x) && x.Request.UpstreamStatus == 0 }

// variesOnOrigin reports whether an answer carries a Vary line that
// names Origin (or *).
func variesOnOrigin(a *serverside.Answer) bool {
	for _, l := range linesOf(a, model.Vary) {
		if model.VaryNamesOrigin(l.Value) {
			return true
		}
	}
	return false
}

var varyOverwritten = &Rule{
	Meta: Meta{
		ID: "CORS402", Slug: "vary-overwritten", Severity: findings.Warning,
		SecuritySeverity: "3.0",
		Summary:          "Vary is replaced rather than extended",
		Doc: `## Why

Setting ` + "`Vary: Origin`" + ` with an operation that replaces the header throws away what was there,
typically ` + "`Accept-Encoding`" + `: caches then serve gzip to clients that cannot read it. Extend the
header instead.

## Bad

` + "```apache" + `
Header set Vary Origin
` + "```" + `

## Good

` + "```apache" + `
Header merge Vary Origin
` + "```" + `
`,
	},
	Run: func(p *Pass) {
		for _, op := range p.File.Headers {
			// A table of its own holds no Vary another module added,
			// only what earlier statements in it added (mayMeetVary).
			if op.Name != model.Vary || op.Op != model.Set {
				continue
			}
			keeps := false
			for _, t := range literalTexts(op.Value) {
				keeps = keeps || containsItem(t, "accept-encoding") || containsItem(t, "*")
			}
			if keeps || op.Value.Kind == model.Unknown || strings.Contains(op.Value.Raw, "Vary") || !mayMeetVary(p.File, op) {
				continue
			}
			p.Report(op.Span, "this replaces Vary with %q, dropping what the response already varied on (such as Accept-Encoding); %s", op.Value.Raw, adviceFor(p.File).VaryAppend(op))
		}
	},
}

// mayMeetVary reports whether a statement that sets Vary can find one
// already there: some response it applies to comes from an upstream or a
// handler (which may send its own Vary), or an earlier statement adds one.
// A statement that only builds responses the server makes itself (a
// Varnish vcl_synth) replaces nothing. One no response uses is judged on
// its own. A statement in a table of its own (OwnTable) meets only
// what earlier statements in that table added.
func mayMeetVary(f *model.File, op *model.HeaderOp) bool {
	used := false
	for _, r := range f.Responses {
		for i, h := range r.Headers {
			if h != op && (h.Span.File != op.Span.File || h.Span.Line != op.Span.Line || h.Span.Col != op.Span.Col) {
				continue // another statement (a lowering may copy one statement per path)
			}
			used = true
			if r.Source != model.FromServer && !op.OwnTable {
				return true
			}
			for _, e := range r.Headers[:i] {
				if op.OwnTable && (e.Table != op.Table || keptBy(e, op)) {
					continue
				}
				if e.Name == model.Vary && adds(e) && e.Delivery.Reaches(r.Status, r.Source) {
					return true
				}
			}
		}
	}
	return !used && !op.OwnTable
}

// keptBy reports whether every Vary item the earlier statement e adds
// is in what op sets, so replacing it loses nothing.
func keptBy(e, op *model.HeaderOp) bool {
	sets := literalTexts(op.Value)
	added := literalTexts(e.Value)
	if len(sets) == 0 || len(added) == 0 {
		return false
	}
	for _, a := range added {
		for _, it := range listItems(a) {
			for _, t := range sets {
				if !containsItem(t, it) {
					return false
				}
			}
		}
	}
	return true
}

var cacheKeyMissingOrigin = &Rule{
	Meta: Meta{
		ID: "CORS403", Slug: "cache-key-missing-origin", Severity: findings.Error,
		SecuritySeverity: "5.3",
		Summary:          "a cache stores origin-dependent responses under a key without Origin",
		Doc: `## Why

A cache that stores a response whose ` + "`Access-Control-Allow-Origin`" + ` depends on the request's
` + "`Origin`" + `, under a key that does not include it, serves the first origin's answer to every later
one. In Varnish, ` + "`Vary`" + ` set only in ` + "`vcl_deliver`" + ` does not help: it is added after the object was
stored, so Varnish's own cache never varies on it.

## Bad

` + "```vcl" + `
sub vcl_deliver {
    set resp.http.Vary = "Origin";
}
` + "```" + `

## Good

` + "```vcl" + `
sub vcl_hash {
    if (req.http.Origin) { hash_data(req.http.Origin); }
}
` + "```" + `
`,
	},
	Run: func(p *Pass) {
		for _, c := range p.File.Caches {
			if c.SeparatesOrigins() {
				continue
			}
			why := ""
			if len(c.DeliveryVary) > 0 {
				why = fmt.Sprintf(" (the Vary set at %s is added on delivery, after the object was stored, so it does not vary this cache)", c.DeliveryVary[0])
			}
			fix := adviceFor(p.File).CacheKey()
			for _, op := range p.File.Headers {
				if op.Name == model.ACAO && op.Stored && adds(op) && op.Value.DependsOnOrigin() {
					f := p.Report(op.Span, "this origin-dependent Access-Control-Allow-Origin is stored in the cache under a key without Origin%s: the next origin gets this one's answer; %s", why, fix)
					f.Related = append(f.Related, findings.Related{Message: "cache", Span: c.Span})
				}
			}
			// An inner layer of the same run that varies its answer on
			// Origin without saying so poisons this cache too, unless this
			// layer replaces the header on every response it serves.
			if replacesOnDelivery(p.File, model.ACAO) {
				continue
			}
			for _, inner := range p.Stack {
				if inner == p.File || len(inner.Responses) == 0 || inner.Responses[0].Route == nil || inner.Responses[0].Route.Layer <= layerOf(p.File) {
					continue
				}
				for _, r := range inner.Responses {
					if r.IsPreflightAnswer() || r.VariesOnOrigin() || r.NotShared() {
						continue
					}
					for _, op := range r.Ops(model.ACAO) {
						if adds(op) && op.Value.DependsOnOrigin() {
							f := p.Report(c.Span, "this cache stores responses whose Access-Control-Allow-Origin depends on Origin (set at %s) under a key without Origin%s: the next origin gets the first one's answer; %s", op.Span, why, fix)
							f.Related = append(f.Related, findings.Related{Message: "origin-dependent header", Span: op.Span})
						}
					}
				}
			}
		}
	},
}

// replacesOnDelivery reports whether f itself, unconditionally, sets or
// removes header name on every response it serves from its upstream or
// cache, so what the upstream stored never reaches the client.
func replacesOnDelivery(f *model.File, name string) bool {
	served := false
	for _, r := range f.Responses {
		if r.Source != model.FromUpstream {
			continue
		}
		served = true
		replaced := false
		for _, op := range r.Ops(name) {
			replaced = replaced || (op.Op == model.Set || op.Op == model.Unset) && op.When == nil && op.Delivery.Reaches(200, model.FromUpstream)
		}
		if !replaced {
			return false
		}
	}
	return served
}

// layerOf is the outermost layer of a file's scopes.
func layerOf(f *model.File) model.Layer {
	l := model.Origin
	for _, s := range f.Scopes {
		if s.Layer < l {
			l = s.Layer
		}
	}
	return l
}
