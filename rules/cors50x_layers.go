package rules

import (
	"slices"
	"sort"

	"github.com/corslint/corslint/findings"
	"github.com/corslint/corslint/model"
)

var duplicateCORSHeader = &Rule{
	Meta: Meta{
		ID: "CORS501", Slug: "duplicate-cors-header", Severity: findings.Error,
		SecuritySeverity: "1.0",
		Summary:          "one response carries the same Access-Control-* header twice",
		Doc: `## Why

Two ` + "`Access-Control-Allow-Origin`" + ` lines reach the browser as one value, "a, b", and it blocks the
response: "The 'Access-Control-Allow-Origin' header contains multiple values '*, *', but only one
is allowed." The same goes for ` + "`Access-Control-Allow-Credentials`" + ` ("true, true" is not "true") and
` + "`Access-Control-Max-Age`" + `. Repeated ` + "`add_header`" + ` lines, Apache's separate ` + "`always`" + ` and
` + "`onsuccess`" + ` tables, and ` + "`Header add`" + ` all produce this.

## Bad

` + "```nginx" + `
add_header Access-Control-Allow-Origin https://app.example.com always;
add_header Access-Control-Allow-Origin https://app.example.com always;
` + "```" + `

## Good

` + "```nginx" + `
add_header Access-Control-Allow-Origin https://app.example.com always;
` + "```" + `
`,
	},
	Run: func(p *Pass) {
		seen := map[*model.HeaderOp]bool{}
		report := func(name string, f0, op *model.HeaderOp) {
			if seen[op] {
				return
			}
			seen[op] = true
			f := p.Report(op.Span, "%s is sent a second time on the same response (first at %s), and the browser rejects the combined value; keep one", name, f0.Span)
			if name == model.ACMA {
				f.Severity = findings.Warning
			}
			f.Related = append(f.Related, findings.Related{Message: "first " + name, Span: f0.Span})
		}
		q := p.exchanges()
		// Two statements on the responses of one route that add the same
		// single-valued header: only then can the evaluator's answers
		// carry it twice where a response's own statements do not
		// (httpd's <If> sections add theirs to the host's). Asking the
		// evaluator about every route would cost a query per section.
		byRoute := map[*model.Scope][]*model.HeaderOp{}
		for _, r := range p.File.Responses {
			byRoute[r.Route] = append(byRoute[r.Route], r.Headers...)
		}
		twice := map[*model.Scope]bool{}
		var all []*model.HeaderOp
		for route, ops := range byRoute {
			twice[route] = repeatsIn(ops)
			all = append(all, ops...)
		}
		// Two statements on different routes can meet too, where the
		// server merges the sections one request walks through (httpd:
		// a <Files> inside a <DirectoryMatch>'s directory, seed 99 a76).
		twiceInFile := repeatsIn(all)
		// directory sections (a <DirectoryMatch>), whose statements a
		// file's section meets only on the walk's answers
		var dirs []*model.Response
		for _, r := range p.File.Responses {
			if r.Route != nil && r.Route.Role == model.RoleSection && !namesFiles(p.File, r) && addsSingleValued(r) {
				dirs = append(dirs, r)
			}
		}
		for _, r := range p.File.Responses {
			type dup struct {
				name      string
				first, op *model.HeaderOp
			}
			var dups []dup
			for _, st := range statusesOf(r) {
				first := map[string]*model.HeaderOp{}
				for in := range r.EachInstance(st.status, st.from) {
					switch in.Name {
					case model.ACAO, model.ACAC, model.ACMA:
					default:
						continue
					}
					if f0, ok := first[in.Name]; ok {
						dups = append(dups, dup{in.Name, f0, in.Op})
						continue
					}
					first[in.Name] = in.Op
				}
			}
			// a repeat across routes is looked for only where the
			// evaluator answers: r's own statements show none
			across := len(dups) == 0 && !repeats(r) && !twice[r.Route] && twiceInFile && namesFiles(p.File, r) && addsSingleValued(r) && meetsDirs(r, dirs)
			if across {
				if !q.Decides(r) {
					continue
				}
				p.asked(r, true)
			}
			if !across && len(dups) == 0 && !repeats(r) && !(twice[r.Route] && p.decides(r)) {
				continue
			}
			if across || p.decides(r) {
				// The evaluator's answers: only lines that go out twice
				// on some response (statements whose own conditions
				// exclude each other never meet).
				dups = dups[:0]
				for _, x := range q.For(r) {
					for _, a := range x.Answers() {
						if !a.From(r) {
							continue
						}
						first := map[string]*model.HeaderOp{}
						for _, l := range a.Headers {
							switch l.Name {
							case model.ACAO, model.ACAC, model.ACMA:
							default:
								continue
							}
							if l.Op == nil {
								continue // an upstream's line is CORS502's
							}
							if f0, ok := first[l.Name]; ok {
								// the statement that runs later is
								// reported, whatever order the server
								// writes the lines in; of one of r's
								// own and a directory's the walk merged
								// in, r's own section (httpd's <Files>
								// or <Location>) merges last
								a, b := f0, l.Op
								if ia, ib := slices.Index(r.Headers, a), slices.Index(r.Headers, b); ia >= 0 && (ib >= 0 && ib < ia || ib < 0 && inDirectory(b)) {
									a, b = b, a
								}
								dups = append(dups, dup{l.Name, a, b})
								continue
							}
							first[l.Name] = l.Op
						}
					}
				}
			}
			for _, d := range dups {
				report(d.name, d.first, d.op)
			}
		}
	},
}

// repeats reports whether two statements on r add the same
// single-valued CORS header, which only the evaluator can tell apart when
// the statuses they reach differ from what r's own status shows (httpd's
// own answer to OPTIONS takes both tables).
func repeats(r *model.Response) bool {
	return repeatsIn(r.Headers)
}

// inDirectory reports whether op is written in a section that applies
// by the file a request maps to and tests no file name (httpd's
// <Directory>, .htaccess), which merges before <Files> and <Location>.
func inDirectory(op *model.HeaderOp) bool {
	return op.Scope != nil && op.Scope.Role == model.RoleSection && !op.Scope.Match.NamesFile()
}

// namesFiles reports whether r's route is one the server's own walk
// merges with the sections of whatever directory its URL maps to: one
// that tests the file name only (httpd's <Files>; the query asks it in
// those directories too), or a route by URL (a <Location>), merged
// after the directory sections of the file it names (a one-argument Alias may map it
// anywhere; difftest seed 7, a145).
func namesFiles(f *model.File, r *model.Response) bool {
	return f.Walker != nil && (r.Route.Role == model.RoleRoute || r.Route.Match.NamesFile())
}

// meetsDirs reports whether one of the directory sections' responses,
// on a route that is not r's or above it, adds a single-valued header r
// adds.
func meetsDirs(r *model.Response, dirs []*model.Response) bool {
	names := map[string]bool{}
	for _, op := range r.Headers {
		if adds(op) {
			names[op.Name] = true
		}
	}
	for _, o := range dirs {
		above := false
		for s := r.Route; s != nil; s = s.Parent {
			if s == o.Route {
				above = true
				break
			}
		}
		if above {
			continue
		}
		for _, op := range o.Headers {
			switch op.Name {
			case model.ACAO, model.ACAC, model.ACMA:
				if adds(op) && names[op.Name] {
					return true
				}
			}
		}
	}
	return false
}

// addsSingleValued reports whether a statement on r adds a
// single-valued CORS header.
func addsSingleValued(r *model.Response) bool {
	for _, op := range r.Headers {
		switch op.Name {
		case model.ACAO, model.ACAC, model.ACMA:
			if adds(op) {
				return true
			}
		}
	}
	return false
}

// repeatsIn reports whether two statements among ops (each counted
// once) add the same single-valued CORS header.
func repeatsIn(ops []*model.HeaderOp) bool {
	n := map[string]int{}
	seen := map[*model.HeaderOp]bool{}
	for _, op := range ops {
		switch op.Name {
		case model.ACAO, model.ACAC, model.ACMA:
			if adds(op) && !seen[op] {
				seen[op] = true
				n[op.Name]++
				if n[op.Name] > 1 {
					return true
				}
			}
		}
	}
	return false
}

type statusAt struct {
	status int
	from   model.Source
}

// statusesOf lists the statuses worth checking for a response: its fixed
// status, or a success and an error when it varies.
func statusesOf(r *model.Response) []statusAt {
	if r.Status != 0 {
		return []statusAt{{r.Status, r.Source}}
	}
	out := []statusAt{{200, r.Source}, {500, r.Source}}
	if r.Source == model.FromHandler {
		out[1] = statusAt{404, model.FromServer}
	}
	return out
}

var doubleLayerCORS = &Rule{
	Meta: Meta{
		ID: "CORS502", Slug: "double-layer-cors", Severity: findings.Error,
		SecuritySeverity: "1.0",
		Summary:          "two layers both add CORS headers",
		Doc: `## Why

When a proxy adds ` + "`Access-Control-Allow-Origin`" + ` to responses from an upstream that sends its own,
the browser receives two values and blocks the response ("contains multiple values ..., but only
one is allowed"). Set CORS in one layer, or make the proxy hide the upstream's headers. This is reported when the run shows
that the upstream adds the header too: its configuration or code is linted in the same stack (a
directory with a VCL, or ` + "`stack:`" + ` in ` + "`.corslint.yaml`" + `, which names an application's file such as
` + "`app/server.js`" + ` or a Worker in front of an origin like any configuration), or its code is part of the
template. A layer in between that removes the header from what it proxies (nginx
` + "`proxy_hide_header`" + `, Apache ` + "`Header unset`" + `, a Worker's ` + "`headers.set`" + ` on the copy) stops the one behind it.
When nothing is known about the upstream, nothing is reported.

## Bad

` + "```nginx" + `
location /api/ {
    add_header Access-Control-Allow-Origin https://app.example.com always;
    proxy_pass http://backend;
}
` + "```" + `

## Good

` + "```nginx" + `
location /api/ {
    proxy_hide_header Access-Control-Allow-Origin;
    add_header Access-Control-Allow-Origin https://app.example.com always;
    proxy_pass http://backend;
}
` + "```" + `
`,
	},
	Run: func(p *Pass) {
		seen := map[*model.HeaderOp]bool{}
		for _, r := range p.File.Responses {
			if r.Source != model.FromUpstream || r.Upstream == nil {
				continue
			}
			op := addsHeader(r, model.ACAO)
			if op == nil || seen[op] {
				continue
			}
			if _, hidden := r.Upstream.Hidden[model.ACAO]; hidden {
				continue
			}
			seen[op] = true
			if inner := innerACAO(p, r); inner != nil {
				f := p.Report(op.Span, "Access-Control-Allow-Origin is added here and again by the upstream (%s), so the browser sees two values and blocks the response; set CORS in one layer, or hide the upstream's: %s", inner.Span, hideFixFor(p.File, r.Upstream))
				f.Related = append(f.Related, findings.Related{Message: "upstream adds it too", Span: inner.Span})
				continue
			}
			if at, ok := r.Upstream.Adds[model.ACAO]; ok {
				f := p.Report(op.Span, "Access-Control-Allow-Origin is added here and again by %s (%s), so the browser sees two values and blocks the response; set CORS in one layer, or hide the upstream's: %s", r.Upstream.Target, at, hideFixFor(p.File, r.Upstream))
				f.Related = append(f.Related, findings.Related{Message: "upstream adds it too", Span: at})
			}
			// Nothing in the run says what the upstream sends: most
			// proxied applications send no CORS headers of their own, so a
			// guess here would be noise on nearly every proxy.
		}
	},
}

// hideFixFor is the dialect's advice for hiding u's header: the
// directive can depend on the module that talks to u (nginx's
// proxy_hide_header does nothing to a fastcgi_pass response).
func hideFixFor(f *model.File, u *model.Upstream) string {
	return adviceFor(f).HideUpstream(u)
}

// innerACAO finds, among the run's other files of a deeper layer, a
// statement that adds ACAO and reaches r's proxy: the deeper files are
// walked from the nearest layer inwards, and a layer that hides the
// header on every response it proxies (nginx proxy_hide_header, Apache
// Header unset, a Worker's headers.set) stops what lies behind it.
func innerACAO(p *Pass, r *model.Response) *model.HeaderOp {
	outer := r.Route.Layer
	// A file is deeper when its layer is, or when it has the same layer
	// and comes later in the stack (stack: lists the request path
	// outermost first: Apache in front of nginx, both proxies).
	var deeper []*model.File
	after := false
	for _, f := range p.Stack {
		if f == p.File {
			after = true
			continue
		}
		if l := fileLayer(f); l > outer || l == outer && after {
			deeper = append(deeper, f)
		}
	}
	sort.SliceStable(deeper, func(i, j int) bool { return fileLayer(deeper[i]) < fileLayer(deeper[j]) })
	for _, f := range deeper {
		for _, op := range f.Headers {
			if op.Name == model.ACAO && adds(op) && op.Layer >= outer {
				return op
			}
		}
		if hidesFromBehind(f, model.ACAO) {
			return nil
		}
	}
	return nil
}

// fileLayer is the outermost layer of f's scopes: where f sits in the
// request path.
func fileLayer(f *model.File) model.Layer {
	l, found := model.Origin, false
	for _, s := range f.Scopes {
		if !found || s.Layer < l {
			l, found = s.Layer, true
		}
	}
	return l
}

// hidesFromBehind reports whether every response f proxies drops the
// upstream's header name, so nothing behind f sends it on.
func hidesFromBehind(f *model.File, name string) bool {
	proxied := false
	for _, r := range f.Responses {
		if r.Source != model.FromUpstream || r.Upstream == nil {
			continue
		}
		proxied = true
		if _, hidden := r.Upstream.Hidden[name]; !hidden {
			return false
		}
	}
	return proxied
}
