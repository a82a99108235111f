package difftest

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/corslint/corslint/browser"
	"github.com/corslint/corslint/findings"
	"github.com/corslint/corslint/model"
	"github.com/corslint/corslint/oracle"
	"github.com/corslint/corslint/rules"
	"github.com/corslint/corslint/serverside"
)

// A Property is something a real server showed that lint rules speak
// about, with the rules whose findings claim it.
type Property struct {
	Name  string
	Rules []string
}

// The properties the lint check derives from real answers.
var (
	PropUntrustedReflected = Property{"untrusted origin answered with itself and credentials", []string{"CORS101", "CORS102", "CORS103", "CORS104"}}
	PropWildcardCreds      = Property{"* with credentials", []string{"CORS201"}}
	PropDuplicate          = Property{"two lines of a single-valued Access-Control-* header", []string{"CORS501"}}
	PropMissingOnError     = Property{"CORS headers missing on an error response", []string{"CORS304", "CORS305"}}
	PropPreflightFails     = Property{"preflight answered with an error where the request gets CORS headers", []string{"CORS303"}}
	// A header lost to nginx's add_header inheritance is CORS305's to
	// name, and "*" read literally because credentials are on CORS203's.
	PropPreflightHeaders = Property{"preflight lacking a requested header", []string{"CORS302", "CORS305", "CORS203"}}
	PropNoVary           = Property{"origin-dependent answer without Vary: Origin", []string{"CORS401", "CORS403"}}
)

// Shown is a property together with the probe that showed it.
type Shown struct {
	Prop  Property
	Probe string
	// Unseen says why no rule can be asked to claim the property: check
	// answers the probe as undecidable, or the upstream, whose answer the
	// configuration does not give, answered the preflight. Empty when a
	// rule should claim it.
	Unseen string
}

// ShownProperties derives, from the real answers to a case's probes, the
// properties the server showed. Answers shaped by the upstream's own CORS
// headers are left out: no configuration rule can see the upstream.
func ShownProperties(c *Case, results []Result) []Shown {
	var out []Shown
	at := map[string]int{}
	var m *model.File
	// probes on which check disagrees with the server: a rule judges by
	// the same evaluator, so what the server showed there is the
	// disagreement's to fix (the batch counts it), not a rule's
	disagreed := map[string]bool{}
	for _, r := range results {
		if r.Err == nil && r.Outcome.Kind == Disagree {
			disagreed[c.Probes[r.Probe].String()] = true
		}
	}
	unseen := func(p Property, pr Probe) string {
		if disagreed[pr.String()] {
			return "check disagrees with the server on the probe: a disagreement of the batch"
		}
		if m == nil {
			m = c.Model(replayEnv)
		}
		pred, err := predictFor(m, c, pr, replayEnv.Port)
		if err != nil {
			return ""
		}
		if why := undecided(pred); why != "" {
			return "check answers it as undecidable: " + why
		}
		if p.Name == PropPreflightHeaders.Name && pred.Preflight != nil && fromUpstream(m, pred.Preflight) {
			return "the upstream answered the preflight, and the configuration does not say how"
		}
		return ""
	}
	// listsOthers reports whether a preflight answer lists request headers,
	// only not the one the probe sends: which headers a page sends only
	// its requests say (clients:, CORS701), not the configuration.
	listsOthers := func(pf *oracle.Wire, pr Probe) bool {
		v := strings.Join(pf.Values(model.ACAH), ",")
		return strings.TrimSpace(v) != "" && !(containsToken(v, "*") && pr.Credentials)
	}
	addWhy := func(p Property, pr Probe, why func() string) {
		i, ok := at[p.Name]
		if ok && out[i].Unseen == "" {
			return
		}
		sh := Shown{p, pr.String(), why()}
		if !ok {
			at[p.Name] = len(out)
			out = append(out, sh)
			return
		}
		if sh.Unseen == "" {
			out[i] = sh // a probe a rule should explain outweighs one it cannot
		}
	}
	add := func(p Property, pr Probe) { addWhy(p, pr, func() string { return unseen(p, pr) }) }
	addUnseen := func(p Property, pr Probe, why string) { addWhy(p, pr, func() string { return why }) }
	type key struct{ host, base, method string }
	// an origin's successes with CORS headers: its own errors without
	// them show the property; another origin's, which the configuration
	// may not serve at all, do not
	type originKey struct {
		key
		origin string
	}
	withACAO := map[originKey]*oracle.Wire{}
	byOrigin := map[key]map[string]*oracle.Wire{}
	for _, r := range results {
		if r.Err != nil || r.Obs.Actual == nil {
			continue
		}
		p := c.Probes[r.Probe]
		if p.UpCORS != "" || p.Prior != "" {
			continue
		}
		act := r.Obs.Actual
		acao := act.Values(model.ACAO)
		creds := strings.Join(act.Values(model.ACAC), ",") == "true"
		untrusted := p.Origin != TrustedA && p.Origin != TrustedB
		if untrusted && len(acao) == 1 && acao[0] == p.Origin && creds {
			add(PropUntrustedReflected, p)
		}
		for _, w := range []*oracle.Wire{r.Obs.Preflight, act} {
			// "*" on one line of several is sent with credentials all the
			// same (a doubled line is CORS501's besides)
			if w != nil && slices.Contains(w.Values(model.ACAO), "*") && slices.Contains(w.Values(model.ACAC), "true") {
				add(PropWildcardCreds, p)
			}
		}
		for _, w := range []*oracle.Wire{r.Obs.Preflight, act} {
			if w != nil && duplicated(w) {
				add(PropDuplicate, p)
			}
		}
		if pf := r.Obs.Preflight; pf != nil && (pf.Status < 200 || pf.Status > 299) && len(acao) > 0 && act.Status < 300 {
			if expectsPreflights(pf) || expectsPreflights(act) {
				add(PropPreflightFails, p)
			} else {
				addUnseen(PropPreflightFails, p, "the answers carry no Allow-Methods with a method that needs a preflight, nor Allow-Headers: nothing says the configuration means to answer preflights, only simple requests (Access-Control-Allow-Origin on static files)")
			}
		}
		if pf := r.Obs.Preflight; pf != nil && pf.Status >= 200 && pf.Status < 300 {
			// Only a preflight the browser refuses for a request header
			// shows the property: one that already fails on its origin
			// or credentials lacks something else first, and a "*" the
			// browser accepts is no lack.
			req := c.Request(p, 80).Request
			if v := browser.CheckPreflight(req, asResponse(pf)); v.Reason == browser.HeaderNotAllowed {
				switch {
				case listsOthers(pf, p):
					addUnseen(PropPreflightHeaders, p, "the preflight lists other request headers: which ones a page sends, only its requests say (clients:, CORS701)")
				case len(pf.Values(model.ACAM)) == 0 && len(pf.Values(model.ACAH)) == 0:
					addUnseen(PropPreflightHeaders, p, "the answer carries no Allow-Methods or Allow-Headers: nothing says the configuration means to answer preflights, only simple requests")
				default:
					add(PropPreflightHeaders, p)
				}
			}
		}
		k := key{c.Host(p), basePath(p.Path), p.Method}
		st := act.Status
		if st >= 200 && st < 300 && len(acao) > 0 {
			withACAO[originKey{k, p.Origin}] = act
		}
		if byOrigin[k] == nil {
			byOrigin[k] = map[string]*oracle.Wire{}
		}
		// Only what a cache may store can be served to another origin:
		// answers to PUT and DELETE are not cacheable (RFC 9110
		// 9.3.4-9.3.5), a POST's only with explicit freshness and
		// Content-Location, which no configuration here sends.
		if st >= 200 && st < 300 && (p.Method == "GET" || p.Method == "HEAD") {
			byOrigin[k][p.Origin] = act
		}
	}
	for _, r := range results {
		if r.Err != nil || r.Obs.Actual == nil {
			continue
		}
		p := c.Probes[r.Probe]
		if p.UpCORS != "" || p.Prior != "" {
			continue
		}
		act := r.Obs.Actual
		// Only a trusted origin's error counts: refusing an origin the
		// configuration does not serve (a synth(403) for it) without
		// CORS headers is what it means to do.
		trusted := p.Origin == TrustedA || p.Origin == TrustedB
		if trusted && act.Status >= 400 && len(act.Values(model.ACAO)) == 0 && withACAO[originKey{key{c.Host(p), basePath(p.Path), p.Method}, p.Origin}] != nil {
			add(PropMissingOnError, p)
		}
	}
	keys := make([]key, 0, len(byOrigin))
	for k := range byOrigin {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return fmt.Sprint(keys[i]) < fmt.Sprint(keys[j]) })
	for _, k := range keys {
		if originDependent(byOrigin[k]) {
			add(PropNoVary, Probe{Host: k.host, Path: k.base, Method: k.method})
		}
	}
	return out
}

// fromUpstream reports whether a predicted answer is the upstream's: its
// response says so, or, where the dialect's own request walk names only
// the statement (httpd's), the model's response at that statement does.
func fromUpstream(m *model.File, a *serverside.Answer) bool {
	if a.Response != nil {
		return a.Response.Source == model.FromUpstream
	}
	for _, r := range m.Responses {
		if r.Source == model.FromUpstream && r.Span.String() == a.By.String() {
			return true
		}
	}
	return false
}

// expectsPreflights reports whether an answer shows that preflights are
// meant, as CORS303 reads a configuration: Access-Control-Allow-Methods
// with a method only a preflight admits, or Access-Control-Allow-Headers.
func expectsPreflights(w *oracle.Wire) bool {
	for _, v := range w.Values(model.ACAM) {
		for _, m := range strings.Split(v, ",") {
			switch strings.ToUpper(strings.TrimSpace(m)) {
			case "", "GET", "HEAD", "POST", "OPTIONS":
			default:
				return true
			}
		}
	}
	return strings.TrimSpace(strings.Join(w.Values(model.ACAH), "")) != ""
}

// asResponse is a real answer as the browser's algorithm reads it.
func asResponse(w *oracle.Wire) browser.Response {
	r := browser.Response{Status: w.Status}
	for _, h := range w.Headers {
		r.Headers = append(r.Headers, browser.Header{Name: h.Name, Value: h.Value})
	}
	return r
}

// duplicated reports whether a header whose value must be single
// (Access-Control-Allow-Origin, -Allow-Credentials, -Max-Age) has two
// lines. Two lines of a list header (Allow-Methods, Allow-Headers,
// Expose-Headers) combine into one valid list, which the browser accepts.
func duplicated(w *oracle.Wire) bool {
	n := map[string]int{}
	for _, h := range w.Headers {
		name := model.CanonicalName(h.Name)
		switch name {
		case model.ACAO, model.ACAC, model.ACMA:
			n[name]++
			if n[name] > 1 {
				return true
			}
		}
	}
	return false
}

// originDependent reports whether successful answers to the same request
// from different origins carry different Access-Control-Allow-Origin
// values while none of them says Vary: Origin.
func originDependent(byOrigin map[string]*oracle.Wire) bool {
	vals := map[string]bool{}
	for _, w := range byOrigin {
		for _, v := range w.Values("Vary") {
			if containsToken(v, "origin") || containsToken(v, "*") {
				return false
			}
		}
		vals[strings.Join(w.Values(model.ACAO), ",")] = true
	}
	return len(vals) > 1
}

func containsToken(list, tok string) bool {
	for _, it := range strings.Split(list, ",") {
		if strings.EqualFold(strings.TrimSpace(it), tok) {
			return true
		}
	}
	return false
}

// basePath strips the -NNN status suffix, so that the same route answered
// with different statuses compares.
func basePath(p string) string {
	dir, base := p[:strings.LastIndexByte(p, '/')+1], p[strings.LastIndexByte(p, '/')+1:]
	ext := ""
	if i := strings.LastIndexByte(base, '.'); i >= 0 {
		base, ext = base[:i], base[i:]
	}
	if i := strings.LastIndexByte(base, '-'); i >= 0 && statusOf(p) != 200 {
		base = base[:i]
	}
	return dir + base + ext
}

// Findings runs every rule over the case's model, as lint does.
func Findings(m *model.File) []findings.Finding {
	return rules.Run(m, []*model.File{m}, rules.All(), &rules.Options{})
}

// IDs returns the rule IDs among fs.
func IDs(fs []findings.Finding) map[string]bool {
	ids := map[string]bool{}
	for _, f := range fs {
		ids[f.RuleID] = true
	}
	return ids
}

// LintMisses returns the shown properties that no finding claims, leaving
// out those no rule can see (Shown.Unseen).
func LintMisses(shown []Shown, ids map[string]bool) []Shown {
	var out []Shown
	for _, s := range shown {
		found := false
		for _, r := range s.Prop.Rules {
			found = found || ids[r]
		}
		if !found && s.Unseen == "" {
			out = append(out, s)
		}
	}
	return out
}

// Unshown is a finding whose property no probe of the case showed.
type Unshown struct {
	RuleID  string
	Finding findings.Finding
	// Probed is set when check predicts, for a probe whose answer it got
	// right header by header, the answer the finding describes, which the
	// server then did not show: the finding claims what did not happen.
	Probed bool
	// Disagreed is set when check predicts that answer only for probes on
	// which it disagrees with the server (counted as disagreements of the
	// batch). With neither set, no probe gets the answer the finding
	// describes (none reaches the statement, or none with the status or
	// method it needs), and the batch cannot confirm the finding either
	// way.
	Disagreed bool
}

// LintUnshown returns the findings that claim a property no probe of the
// case showed. Only the properties the probes can show wherever they
// reach count (* with credentials, duplicate lines); each finding is
// looked for in what check predicts for every probe.
func LintUnshown(c *Case, results []Result, shown []Shown, found []findings.Finding) []Unshown {
	has := map[string]bool{}
	for _, s := range shown {
		has[s.Prop.Name] = true
	}
	type pred struct {
		serverside.Prediction
		agreed bool
	}
	var out []Unshown
	var preds []pred
	for _, f := range found {
		var prop Property
		switch f.RuleID {
		case "CORS201":
			prop = PropWildcardCreds
		case "CORS501":
			prop = PropDuplicate
		default:
			continue
		}
		if has[prop.Name] {
			continue
		}
		if preds == nil {
			m := c.Model(replayEnv)
			for _, r := range results {
				p := c.Probes[r.Probe]
				if r.Err != nil || p.UpCORS != "" || p.Prior != "" {
					continue
				}
				if pr, err := predictFor(m, c, p, replayEnv.Port); err == nil && undecided(pr) == "" {
					preds = append(preds, pred{pr, r.Outcome.Kind == Agree})
				}
			}
		}
		u := Unshown{RuleID: f.RuleID, Finding: f}
		for _, pr := range preds {
			for _, a := range []*serverside.Answer{pr.Preflight, pr.Actual} {
				if a != nil && predictedAt(a, f.RuleID, f.Span) {
					u.Probed = u.Probed || pr.agreed
					u.Disagreed = u.Disagreed || !pr.agreed
				}
			}
		}
		if u.Probed {
			u.Disagreed = false
		}
		out = append(out, u)
	}
	return out
}

// predictedAt reports whether a predicted answer shows the property of
// rule id with a line from the statement at span.
func predictedAt(a *serverside.Answer, id string, span model.Span) bool {
	from := false
	n := map[string]int{}
	for _, l := range a.Headers {
		from = from || l.From.File == span.File && l.From.Line == span.Line && l.From.Col == span.Col
		n[l.Name]++
	}
	if !from {
		return false
	}
	if id == "CORS501" {
		return n[model.ACAO] > 1 || n[model.ACAC] > 1 || n[model.ACMA] > 1
	}
	star, creds := false, false
	for _, l := range a.Headers {
		star = star || l.Name == model.ACAO && l.Value == "*"
		creds = creds || l.Name == model.ACAC && l.Value == "true"
	}
	return star && creds
}

// TargetFindings adds to c, for each CORS201 and CORS501 finding that no
// probe of c is predicted to show, the first request of the plan's space
// (every host and path the generator uses, GET and PUT, trusted and
// untrusted origins, with credentials) that check predicts shows it. The
// random probes reach only some routes of a case; with this the server
// is asked about every finding that some request can confirm, and a
// finding no request is predicted to show stays unprobed, which says
// the statement it points at is out of every request's way (or the
// finding is wrong). It returns how many probes it added.
func TargetFindings(c *Case) int {
	m := c.Model(replayEnv)
	if m == nil {
		return 0
	}
	type want struct {
		id   string
		span model.Span
	}
	var wants []want
	for _, f := range Findings(m) {
		if f.RuleID == "CORS201" || f.RuleID == "CORS501" {
			wants = append(wants, want{f.RuleID, f.Span})
		}
	}
	if len(wants) == 0 {
		return 0
	}
	shows := func(p Probe, w want) bool {
		pr, err := predictFor(m, c, p, replayEnv.Port)
		if err != nil || undecided(pr) != "" {
			return false
		}
		for _, a := range []*serverside.Answer{pr.Preflight, pr.Actual} {
			if a != nil && predictedAt(a, w.id, w.span) {
				return true
			}
		}
		return false
	}
	added := 0
	for _, w := range wants {
		probed := false
		for _, p := range c.Probes {
			if p.UpCORS == "" && p.Prior == "" && shows(p, w) {
				probed = true
				break
			}
		}
		if probed {
			continue
		}
		for _, p := range targetSpace(c.Server) {
			if shows(p, w) {
				c.Probes = append(c.Probes, p)
				added++
				break
			}
		}
	}
	return added
}

// targetSpace lists the requests TargetFindings tries, in a fixed order.
func targetSpace(server string) []Probe {
	hosts, paths := []string{""}, varnishPaths
	switch server {
	case Nginx:
		hosts, paths = nginxHosts, nginxPaths
	case Apache:
		hosts, paths = apacheHosts, apachePaths
	}
	var out []Probe
	for _, method := range []string{"GET", "PUT"} {
		for _, o := range []struct{ origin, fam string }{originKinds[0], originKinds[2], originKinds[1]} {
			for _, h := range hosts {
				for _, path := range paths {
					mfam := "method:simple"
					if method != "GET" {
						mfam = "method:preflighted"
					}
					p := Probe{Host: h, Path: path, Origin: o.origin, Method: method, Credentials: true,
						Fams: []string{o.fam, mfam, "credentials"}}
					if s := statusOf(path); s != 200 {
						p.Fams = append(p.Fams, fmt.Sprintf("status:%d", s))
					}
					out = append(out, p)
				}
			}
		}
	}
	return out
}
