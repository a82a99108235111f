package cli

import (
	"encoding/json"
	"maps"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/txtar"

	"github.com/corslint/corslint/browser"
	"github.com/corslint/corslint/engine"
	"github.com/corslint/corslint/model"
	"github.com/corslint/corslint/oracle"
	"github.com/corslint/corslint/parsers/js"
	"github.com/corslint/corslint/rules"
	"github.com/corslint/corslint/serverside"
)

// untrusted is an origin no case trusts.
const untrusted = "https://attacker.invalid"

// TestCheckAgreesWithLint holds check and lint together on every rule case:
// a request from a trusted origin that check predicts blocked comes with a
// finding that explains it, and an untrusted origin that check lets read a
// credentialed response comes with CORS101 or CORS102.
func TestCheckAgreesWithLint(t *testing.T) {
	paths, err := filepath.Glob(filepath.Join("..", "..", "testdata", "rules", "*", "*.txtar"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no rule cases: %v", err)
	}
	var tally agreement
	for _, p := range paths {
		t.Run(filepath.Base(filepath.Dir(p))+"/"+strings.TrimSuffix(filepath.Base(p), ".txtar"), func(t *testing.T) {
			dir, configs, args := writeCase(t, p)
			stack := loadConfigs(t, dir, configs)
			if stack == nil {
				t.Skip("no single request path among the files")
			}
			ids := lintIDs(t, dir, args)
			trusted := trustedOrigins(stack, args)
			for _, req := range caseRequests(stack, trusted) {
				p := serverside.Predict(stack, req)
				if p.Unknown != "" {
					continue // the configuration cannot decide; nothing to hold lint to
				}
				if o := fixedOrigin(p); o != "" && o != req.Origin && slices.Contains(trusted, o) {
					continue // this route trusts another of the case's origins, not this one
				}
				tally.add(t, req, p, ids)
				if req.Origin == untrusted || !p.Verdict.Allowed {
					continue
				}
				var more []serverside.Request
				if sends(p, model.ACAC, "true") {
					// the response allows credentials: so must a credentialed fetch
					cred := req
					cred.Credentials = true
					more = append(more, cred)
				}
				// the methods and headers the configuration allows, preflighted
				more = append(more, preflighted(stack, req)...)
				for _, r := range more {
					if p := serverside.Predict(stack, r); p.Unknown == "" {
						tally.add(t, r, p, ids)
					}
				}
			}
		})
	}
	t.Logf("%d predictions checked against lint: %d trusted requests blocked, each explained by a finding; %d credentialed reads by an untrusted origin, each with CORS101 or CORS102",
		tally.checked, tally.blocked, tally.leaks)
	if tally.blocked == 0 || tally.leaks == 0 {
		t.Error("no case exercised one of the two checks")
	}
}

// agreement counts what the consistency checks saw.
type agreement struct{ checked, blocked, leaks int }

func (a *agreement) add(t *testing.T, req serverside.Request, p serverside.Prediction, ids map[string]bool) {
	t.Helper()
	a.checked++
	switch {
	case req.Origin != untrusted && !p.Verdict.Allowed && answersCORS(p):
		a.blocked++
	case req.Origin == untrusted && req.Credentials && p.Verdict.Allowed:
		a.leaks++
	}
	consistent(t, req, p, ids)
}

// TestCheckAgreesWithLintOnScenarios does the same on every oracle
// scenario, and holds check (through the CLI's loading and linking) to
// the verdict real servers and Chromium gave.
func TestCheckAgreesWithLintOnScenarios(t *testing.T) {
	v := oracle.Vars{
		Port: 9001, Upstream: "127.0.0.1:9100", UpstreamHost: "127.0.0.1", UpstreamPort: 9100,
		PageOrigin: "http://127.0.0.1:8101", PageOriginRE: `http://127\.0\.0\.1:8101`,
	}
	for _, s := range oracle.Scenarios() {
		t.Run(s.Name, func(t *testing.T) {
			dir := t.TempDir()
			v := v
			v.Dir, v.PrimeOrigin = dir, s.PrimeFrom
			name := map[string]string{"nginx": "nginx.conf", "apache": "httpd.conf", "varnish": "default.vcl"}[s.Server]
			configs := []string{name}
			write(t, dir, name, expand(t, s.Config, v))
			for f, body := range s.Files {
				write(t, dir, f, expand(t, body, v))
				if filepath.Base(f) == ".htaccess" {
					configs = append(configs, f)
				}
			}
			stack := loadConfigs(t, dir, configs)
			if len(stack) != 1 {
				t.Fatalf("%d files after linking, want 1", len(stack))
			}
			req := oracle.PredictionRequest(s, v, "http://127.0.0.1:9001", untrusted)
			p := serverside.Predict(stack, req)
			if p.Unknown != "" {
				t.Fatalf("undecidable: %s", p.Unknown)
			}
			if p.Verdict.Allowed != s.Expect.Allowed {
				t.Errorf("check predicts allowed=%v, real servers and Chromium gave allowed=%v", p.Verdict.Allowed, s.Expect.Allowed)
			}
			var args []string
			if s.Trusted {
				args = []string{"--trusted-origin", v.PageOrigin}
			}
			consistent(t, req, p, lintIDs(t, dir, args))
		})
	}
}

// TestCheckAgreesWithLintOnAppScenarios does the same on every measured
// application scenario (Express, TypeScript, Workers, and nginx in front
// of an Express application), loaded as check loads them. A scenario
// whose prediction is undecidable has nothing to hold lint to; the
// application oracle test lists why each one is.
func TestCheckAgreesWithLintOnAppScenarios(t *testing.T) {
	if why := (js.Dialect{}).Unavailable(); why != "" {
		t.Skip(why)
	}
	v := oracle.Vars{
		Port: 9001, Upstream: "127.0.0.1:9100", UpstreamHost: "127.0.0.1", UpstreamPort: 9100,
		PageOrigin: "http://127.0.0.1:8101", PageOriginRE: `http://127\.0\.0\.1:8101`,
	}
	var checked, blocked, leaks, undecided, asked int
	all := oracle.AppScenarios()
	for _, s := range all {
		t.Run(s.Name, func(t *testing.T) {
			dir := t.TempDir()
			v := v
			v.Dir = dir
			stack := writeApp(t, s, v)
			req := oracle.PredictionRequest(s, v, "http://127.0.0.1:9001", untrusted)
			if s.LookAlike != "" {
				req.Origin = "http://" + s.LookAlike + ":8102"
			}
			p := serverside.Predict(stack, req)
			if p.Unknown != "" {
				undecided++
				t.Skipf("undecidable: %s", p.Unknown)
			}
			trusted := s.Trusted || lookAlikeTrusted[s.Name]
			var args []string
			if trusted {
				args = []string{"--trusted-origin", req.Origin}
			}
			if s.UpstreamApp != "" {
				args = append(args, "--stack", "nginx.conf,app/app.js")
			}
			if trusted && clientAsksMore(p) {
				// The request asks for what the code never allows: only
				// clients: in .corslint.yaml can say it is meant, and then
				// CORS701 must explain the block.
				args = append(args, "--client", clientOf(t, req))
				checked++
				asked++
				if ids := lintIDs(t, dir, args); !ids["CORS701"] {
					t.Errorf("check blocks the declared client's %s %s (%s), but lint reports no CORS701 (only %v)", req.Method, req.URL, p.Verdict.Message, slices.Sorted(maps.Keys(ids)))
				}
				return
			}
			checked++
			switch {
			case trusted && !p.Verdict.Allowed && answersCORS(p):
				blocked++
			case !trusted && req.Credentials && p.Verdict.Allowed:
				leaks++
			}
			consistentFrom(t, trusted, req, p, lintIDs(t, dir, args))
		})
	}
	t.Logf("%d of %d application scenarios decided and checked against lint (%d undecidable): %d trusted requests blocked, each explained by a finding; %d more blocked for asking what the code never allows, each declared as a client and explained by CORS701; %d credentialed reads by an untrusted origin, each with CORS101 or CORS102",
		checked, len(all), undecided, blocked, asked, leaks)
	if checked+undecided != len(all) {
		t.Errorf("%d scenarios neither checked nor undecidable", len(all)-checked-undecided)
	}
}

// clientOf is req as a clients: entry of .corslint.yaml, for lintIDs's
// --client.
func clientOf(t *testing.T, req serverside.Request) string {
	t.Helper()
	u, err := url.Parse(req.URL)
	if err != nil {
		t.Fatal(err)
	}
	c := rules.Client{Origin: req.Origin, Methods: []string{req.Method}, Credentials: req.Credentials, Paths: []string{u.EscapedPath()}}
	if c.Methods[0] == "" {
		c.Methods[0] = "GET"
	}
	for _, h := range req.Headers {
		c.Headers = append(c.Headers, h.Name+": "+h.Value)
	}
	b, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// lookAlikeTrusted are the application scenarios whose look-alike page
// is an origin the code means to allow (a subdomain its allowlist
// names); every other look-alike page is an attacker's.
var lookAlikeTrusted = map[string]bool{
	"express/origin-array-regexp":      true,
	"express/origin-array-credentials": true,
}

// clientAsksMore reports whether a request is blocked only for asking
// what the configuration explicitly never allows: credentials where no
// answer carries Access-Control-Allow-Credentials, or a request header
// or method left out of the Access-Control-Allow-Headers or -Methods the
// preflight answer lists. That is the client's mismatch, not a
// configuration mistake lint could see.
func clientAsksMore(p serverside.Prediction) bool {
	msg := p.Verdict.Message
	has := func(a *serverside.Answer, name string) bool {
		if a == nil {
			return false
		}
		for _, l := range a.Headers {
			if l.Name == name {
				return true
			}
		}
		return false
	}
	switch {
	case strings.Contains(msg, "'Access-Control-Allow-Credentials' header in the response is ''"):
		return !has(p.Preflight, model.ACAC) && !has(p.Actual, model.ACAC)
	case strings.Contains(msg, "is not allowed by Access-Control-Allow-Headers in preflight response"):
		return has(p.Preflight, model.ACAH)
	case strings.Contains(msg, "is not allowed by Access-Control-Allow-Methods in preflight response"):
		return has(p.Preflight, model.ACAM)
	}
	return false
}

// writeApp writes an application scenario's code (and the proxy in front
// of it) to v.Dir and loads each file as check does, outermost first.
func writeApp(t *testing.T, s oracle.Scenario, v oracle.Vars) []*model.File {
	t.Helper()
	paths, err := oracle.WriteApp(v.Dir, s, v)
	if err != nil {
		t.Fatal(err)
	}
	var stack []*model.File
	for _, p := range paths {
		one, err := loadStack([]string{p}, &engine.Options{Jobs: 1})
		if err != nil {
			t.Fatalf("load %s: %v", p, err)
		}
		stack = append(stack, one...)
	}
	return stack
}

// consistent fails when a prediction and lint's findings contradict
// each other. A trusted request is held to lint only where the
// configuration answers it with CORS headers at all (a route without any
// is not meant for cross-origin reads), and only on what the
// configuration says (not on what an upstream or an earlier request adds).
func consistent(t *testing.T, req serverside.Request, p serverside.Prediction, ids map[string]bool) {
	t.Helper()
	consistentFrom(t, req.Origin != untrusted, req, p, ids)
}

// consistentFrom is consistent for a request whose origin the case
// trusts or not.
func consistentFrom(t *testing.T, trusted bool, req serverside.Request, p serverside.Prediction, ids map[string]bool) {
	t.Helper()
	fromConfig := len(req.UpstreamHeaders) == 0 && req.PriorOrigin == "" && len(req.Earlier) == 0
	switch {
	case trusted && !p.Verdict.Allowed && fromConfig && answersCORS(p) && !explainsBlock(ids):
		t.Errorf("check blocks %s %s from the trusted %s (%s), but lint finds nothing to explain it (only %v)", req.Method, req.URL, req.Origin, p.Verdict.Message, slices.Sorted(maps.Keys(ids)))
	case !trusted && req.Credentials && p.Verdict.Allowed && !ids["CORS101"] && !ids["CORS102"]:
		t.Errorf("check lets %s read a credentialed %s %s, but lint reports neither CORS101 nor CORS102", req.Origin, req.Method, req.URL)
	}
}

// explainsBlock reports whether one of the rules that fired can explain
// why the browser blocks a request: every rule but those about caches,
// plain-http origins and hygiene, which never block one by themselves
// (CORS106 does: an origin other than the trusted one is sent).
func explainsBlock(ids map[string]bool) bool {
	for id := range ids {
		switch id {
		case "CORS002", "CORS104", "CORS306", "CORS401", "CORS402", "CORS403":
		default:
			return true
		}
	}
	return false
}

// answersCORS reports whether a predicted answer carries any
// Access-Control-* header.
func answersCORS(p serverside.Prediction) bool {
	for _, a := range []*serverside.Answer{p.Preflight, p.Actual} {
		if a == nil {
			continue
		}
		for _, l := range a.Headers {
			if model.IsCORSHeader(l.Name) {
				return true
			}
		}
	}
	return false
}

// preflighted are requests like req that need a preflight: each method
// other than GET, HEAD and POST that an Access-Control-Allow-Methods of
// the stack lists, with the first request header an
// Access-Control-Allow-Headers lists.
func preflighted(stack []*model.File, req serverside.Request) []serverside.Request {
	var methods []string
	header := ""
	for _, f := range stack {
		for _, op := range f.Headers {
			if op.Op == model.Unset || op.Value.Kind != model.Literal {
				continue
			}
			for _, it := range strings.Split(op.Value.Text, ",") {
				it = strings.TrimSpace(it)
				switch {
				case it == "" || it == "*":
				case op.Name == model.ACAM && !slices.Contains([]string{"GET", "HEAD", "POST", "OPTIONS"}, strings.ToUpper(it)) && !slices.Contains(methods, strings.ToUpper(it)):
					methods = append(methods, strings.ToUpper(it))
				case op.Name == model.ACAH && header == "":
					header = it
				}
			}
		}
	}
	var out []serverside.Request
	for _, m := range methods {
		r := req
		r.Method = m
		if header != "" {
			r.Headers = []browser.Header{{Name: header, Value: "x"}}
		}
		out = append(out, r)
	}
	return out
}

// fixedOrigin is the one Access-Control-Allow-Origin value of the actual
// answer, or "".
func fixedOrigin(p serverside.Prediction) string {
	var vs []string
	if p.Actual != nil {
		for _, l := range p.Actual.Headers {
			if l.Name == model.ACAO {
				vs = append(vs, l.Value)
			}
		}
	}
	if len(vs) != 1 {
		return ""
	}
	return vs[0]
}

// sends reports whether the actual answer carries header name with value.
func sends(p serverside.Prediction, name, value string) bool {
	if p.Actual == nil {
		return false
	}
	for _, l := range p.Actual.Headers {
		if l.Name == name && strings.EqualFold(l.Value, value) {
			return true
		}
	}
	return false
}

// lintIDs lints dir as the CLI does and returns the IDs of the rules that
// report something.
func lintIDs(t *testing.T, dir string, args []string) map[string]bool {
	t.Helper()
	ropts := &rules.Options{}
	o := &engine.Options{Jobs: 2, Root: dir, Rules: rules.All(), RuleOptions: ropts}
	for i := 0; i+1 < len(args); i += 2 {
		switch args[i] {
		case "--trusted-origin":
			ropts.TrustedOrigins = append(ropts.TrustedOrigins, args[i+1])
		case "--client":
			var c rules.Client
			if err := json.Unmarshal([]byte(args[i+1]), &c); err != nil {
				t.Fatalf("--client %s: %v", args[i+1], err)
			}
			ropts.Clients = append(ropts.Clients, c)
		case "--stack":
			// the files of one request path, outermost first, as
			// stack: in .corslint.yaml lists them
			order := strings.Split(args[i+1], ",")
			o.StackRank = func(p string) int {
				rel, err := filepath.Rel(dir, p)
				if err != nil {
					return -1
				}
				return slices.Index(order, filepath.ToSlash(rel))
			}
		case "--nginx-prefix":
			o.BaseDir = map[model.Dialect]string{model.Nginx: filepath.Join(dir, args[i+1])}
		default:
			t.Fatalf("unknown case argument %q", args[i])
		}
	}
	res := engine.Lint([]string{dir}, nil, o)
	for _, err := range append(res.Errs, res.Internal...) {
		t.Fatal(err)
	}
	ids := map[string]bool{}
	for _, f := range res.Findings {
		ids[f.RuleID] = true
	}
	return ids
}

// writeCase writes a rule case's files to a directory and returns the
// names of those that are configurations, and the case's arguments.
func writeCase(t *testing.T, path string) (dir string, configs, args []string) {
	t.Helper()
	ar, err := txtar.ParseFile(path)
	if err != nil {
		t.Fatal(err)
	}
	dir = t.TempDir()
	for _, f := range ar.Files {
		switch f.Name {
		case "want":
			continue
		case "args":
			args = strings.Fields(string(f.Data))
			continue
		}
		write(t, dir, f.Name, string(f.Data))
		configs = append(configs, f.Name)
	}
	return dir, configs, args
}

func write(t *testing.T, dir, name, body string) {
	t.Helper()
	p := filepath.Join(dir, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
}

func expand(t *testing.T, text string, v oracle.Vars) string {
	t.Helper()
	out, err := oracle.Expand(text, v)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// loadConfigs loads the files check reads, as check does, outermost layer
// first; nil when they are not one request path (several files of the
// same layer that do not link).
func loadConfigs(t *testing.T, dir string, names []string) []*model.File {
	t.Helper()
	o := engine.Options{Jobs: 1}
	var paths []string
	for _, n := range names {
		p := filepath.Join(dir, filepath.FromSlash(n))
		if one, err := loadStack([]string{p}, &o); err == nil && len(one) == 1 {
			paths = append(paths, p)
		}
	}
	if len(paths) == 0 {
		return nil
	}
	stack, err := loadStack(paths, &o)
	if err != nil {
		return nil
	}
	sort.SliceStable(stack, func(i, j int) bool { return outermost(stack[i]) < outermost(stack[j]) })
	for i := 1; i < len(stack); i++ {
		if outermost(stack[i]) == outermost(stack[i-1]) {
			return nil
		}
	}
	return stack
}

func outermost(f *model.File) model.Layer {
	l := model.Origin
	for _, s := range f.Scopes {
		l = min(l, s.Layer)
	}
	return l
}

// caseRequests are the representative requests for a case: for each
// virtual server and route of the outermost file, a simple GET from each
// trusted origin and a credentialed GET from an untrusted one.
func caseRequests(stack []*model.File, trusted []string) []serverside.Request {
	f := stack[0]
	hosts := []string{""}
	paths := []string{"/"}
	for _, s := range f.Scopes {
		if s.Role == model.RoleServer {
			for _, h := range s.Hosts {
				if h != "_" && !strings.ContainsAny(h, "*~") && h != "" {
					hosts = append(hosts, strings.TrimPrefix(h, "."))
					break
				}
			}
		}
		if m := s.Match; m != nil && !m.Named && (m.Kind == model.PathPrefix || m.Kind == model.PathExact) && strings.HasPrefix(m.Pattern, "/") {
			p := m.Pattern
			if m.Kind == model.PathPrefix && strings.HasSuffix(p, "/") {
				p += "x"
			}
			if !slices.Contains(paths, p) {
				paths = append(paths, p)
			}
		}
	}
	var out []serverside.Request
	for _, h := range hosts {
		if h == "" {
			h = defaultHost(f)
		}
		for _, p := range paths {
			url := "https://" + h + p
			for _, o := range trusted {
				out = append(out, serverside.Request{Request: browser.Request{URL: url, Origin: o, Method: "GET"}})
			}
			out = append(out, serverside.Request{Request: browser.Request{URL: url, Origin: untrusted, Method: "GET", Credentials: true}})
		}
	}
	return out
}

func defaultHost(f *model.File) string {
	for _, s := range f.Scopes {
		if len(s.Hosts) > 0 && s.Hosts[0] != "_" && !strings.ContainsAny(s.Hosts[0], "*~") {
			return strings.TrimPrefix(s.Hosts[0], ".")
		}
	}
	return "localhost"
}

// trustedOrigins are the origins a case trusts: its --trusted-origin
// arguments, else the origins its configuration names (fixed
// Access-Control-Allow-Origin values and allowlist entries); none when
// it names none.
func trustedOrigins(stack []*model.File, args []string) []string {
	var out []string
	for i := 0; i+1 < len(args); i++ {
		if args[i] == "--trusted-origin" {
			out = append(out, args[i+1])
		}
	}
	if len(out) > 0 {
		return out
	}
	add := func(o string) {
		if strings.HasPrefix(o, "https://") && !strings.ContainsAny(o, "*$^\\ ") && !slices.Contains(out, o) {
			out = append(out, o)
		}
	}
	for _, f := range stack {
		for _, op := range f.Headers {
			if op.Name == model.ACAO && op.Op != model.Unset && op.Value.Kind == model.Literal {
				add(op.Value.Text)
			}
		}
		for _, m := range f.Matchers {
			if m.Kind == model.MatchExact {
				for _, e := range m.Exact {
					add(e)
				}
			}
		}
	}
	return out
}
