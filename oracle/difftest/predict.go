package difftest

import (
	"fmt"
	"path"
	"sort"
	"strings"

	"github.com/corslint/corslint/browser"
	"github.com/corslint/corslint/model"
	"github.com/corslint/corslint/oracle"
	"github.com/corslint/corslint/parsers/apache"
	"github.com/corslint/corslint/parsers/nginx"
	"github.com/corslint/corslint/parsers/vcl"
	"github.com/corslint/corslint/serverside"
	"github.com/corslint/corslint/source"
)

// Load builds the model of one configuration text whose companion files
// are in files (absolute path -> content). It is the one place that
// knows how to get from text to model, so that it can follow the CLI's
// loading when that changes.
func Load(server, dir, text string, files map[string]string) *model.File {
	fsys := source.Map{}
	for p, s := range files {
		fsys[p] = []byte(s)
	}
	name := path.Join(dir, ConfigName(server))
	switch server {
	case Nginx:
		return nginx.Lower(nginx.Parse(name, []byte(text), nginx.Options{
			Root: "/", AllowOutsideRoot: true, FS: fsys,
		}))
	case Apache:
		opts := apache.Options{ServerRoot: dir, Root: "/", AllowOutsideRoot: true, FS: fsys}
		var hts []*apache.Htaccess
		for p, src := range files {
			if path.Base(p) == ".htaccess" {
				hts = append(hts, &apache.Htaccess{Config: apache.Parse(p, []byte(src), opts), Dir: path.Dir(p)})
			}
		}
		sort.Slice(hts, func(i, j int) bool { return hts[i].Dir < hts[j].Dir })
		f, _ := apache.LowerWith(apache.Parse(name, []byte(text), opts), hts)
		return f
	case Varnish:
		return vcl.Lower(vcl.Parse(name, []byte(text), vcl.Options{Root: "/", AllowOutsideRoot: true, FS: fsys}))
	}
	return nil
}

// Model is the model of one case alone, as it would run under env.
func (c *Case) Model(env Env) *model.File {
	env.Ready = 0
	return Load(c.Server, env.Dir, Config(c.Server, []*Case{c}, []Env{env}), c.FileMap(env))
}

// Request is the prediction request for a probe against port.
func (c *Case) Request(p Probe, port int) serverside.Request {
	st := p.UpStatus()
	r := serverside.Request{
		Request: browser.Request{
			URL:    fmt.Sprintf("http://%s:%d%s", hostOnly(c.Host(p)), port, p.Path),
			Origin: p.Origin, Method: p.Method, Credentials: p.Credentials,
		},
		UpstreamStatus: st,
		// The test upstream answers every method, OPTIONS included, with
		// the path's status.
		UpstreamOptionsStatus: st,
		// Every probe has its own URL: before it, only its GETs from Prior
		// and Then reached the server with that URL (and the cache keys
		// of every case hold the URL, or the runner keeps cases apart).
		EarlierAll: true,
		// the runner connects to loopback whatever the Host
		Addr: "127.0.0.1",
	}
	if p.Prior != "" {
		for _, o := range append([]string{p.Prior}, p.Then...) {
			r.Earlier = append(r.Earlier, serverside.Earlier{Origin: o})
		}
	}
	for _, h := range p.Headers {
		r.Headers = append(r.Headers, browser.Header{Name: h.Name, Value: h.Value})
	}
	switch p.UpCORS {
	case "reflect":
		r.UpstreamHeaders = append(r.UpstreamHeaders, browser.Header{Name: model.ACAO, Value: "$origin"})
	case "star":
		r.UpstreamHeaders = append(r.UpstreamHeaders, browser.Header{Name: model.ACAO, Value: "*"})
	}
	return r
}

func hostOnly(h string) string {
	if i := strings.LastIndexByte(h, ':'); i >= 0 && !strings.Contains(h[i:], "]") {
		return h[:i]
	}
	return h
}

// Observed is what the real server sent for one probe.
type Observed struct {
	Preflight *oracle.Wire `json:"preflight,omitempty"` // nil when the request needs none
	Actual    *oracle.Wire `json:"actual"`
}

// Kind classifies a comparison.
type Kind int

// Comparison outcomes.
const (
	Agree Kind = iota
	Undecidable
	Disagree
)

func (k Kind) String() string {
	return [...]string{"agree", "undecidable", "disagree"}[k]
}

// Outcome is the comparison of one probe's prediction with the server.
type Outcome struct {
	Kind   Kind
	Reason string   // why the prediction is undecidable
	Diffs  []string // what differs, header by header
}

// Compare holds a prediction against what the server sent: the status
// and every Access-Control-* and Vary line of the preflight and, when the
// prediction gets that far, of the actual request.
func Compare(p serverside.Prediction, obs Observed) Outcome {
	var o Outcome
	if p.Preflight != nil {
		o.Diffs = append(o.Diffs, wireDiffs("preflight", p.Preflight, obs.Preflight)...)
	}
	if p.Actual != nil {
		o.Diffs = append(o.Diffs, wireDiffs("actual", p.Actual, obs.Actual)...)
	}
	if r := undecided(p); r != "" {
		o.Kind, o.Reason = Undecidable, r
		return o
	}
	if len(o.Diffs) > 0 {
		o.Kind = Disagree
	}
	return o
}

// undecided returns why the prediction says it cannot know, or "".
func undecided(p serverside.Prediction) string {
	if p.Unknown != "" {
		return p.Unknown
	}
	for _, a := range []*serverside.Answer{p.Preflight, p.Actual} {
		if a == nil {
			continue
		}
		for _, n := range a.Notes {
			for _, marker := range []string{"is taken as false", "is not known", "no route matches", "nothing answers", "undecidable"} {
				if strings.Contains(n, marker) {
					return n
				}
			}
		}
	}
	return ""
}

// corsLines are the lines compared: lower-case name, value as sent,
// sorted by name only. Lines of one name keep their order, which the
// browser shows (two Access-Control-Allow-Origin values are quoted in
// the order sent in Chromium's console message).
func corsLines[T any](items []T, name, value func(T) string) []string {
	var out []string
	for _, it := range items {
		n := strings.ToLower(name(it))
		if strings.HasPrefix(n, "access-control-") || n == "vary" {
			out = append(out, n+": "+value(it))
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		ni, _, _ := strings.Cut(out[i], ":")
		nj, _, _ := strings.Cut(out[j], ":")
		return ni < nj
	})
	return out
}

func wireDiffs(what string, a *serverside.Answer, w *oracle.Wire) []string {
	if w == nil {
		return []string{what + ": predicted a response, none observed"}
	}
	var diffs []string
	if a.Status != w.Status {
		diffs = append(diffs, fmt.Sprintf("%s status: predicted %d, server %d", what, a.Status, w.Status))
	}
	got := corsLines(a.Headers, func(l serverside.Line) string { return l.Name }, func(l serverside.Line) string { return l.Value })
	want := corsLines(w.Headers, func(h oracle.Header) string { return h.Name }, func(h oracle.Header) string { return h.Value })
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		diffs = append(diffs, fmt.Sprintf("%s headers: predicted %q, server %q", what, got, want))
	}
	return diffs
}

// predictFor predicts one probe from a case's model; a panic in the
// model code is an error, never a verdict.
func predictFor(m *model.File, c *Case, p Probe, port int) (pr serverside.Prediction, err error) {
	defer func() {
		if x := recover(); x != nil {
			err = fmt.Errorf("predict panicked: %v", x)
		}
	}()
	req := c.Request(p, port)
	if c.Server == Nginx || c.Server == Apache {
		dir := path.Dir(m.Path)
		req.Files = caseFiles{dir: dir, files: c.FileMap(Env{Dir: dir})}
	}
	if c.Server == Nginx {
		req.UpstreamStatusFor = statusOf // the test upstream answers every path by its -NNN
	}
	pr = serverside.Predict([]*model.File{m}, req)
	if c.Server != Nginx && req.UpstreamStatus != 200 && req.UpstreamStatus != 404 && fromHandler(m, pr) {
		// Only the -200 files exist: a file lookup answers 404 where the
		// upstream would have answered the path's status.
		req.UpstreamStatus = 404
		pr = serverside.Predict([]*model.File{m}, req)
	}
	return pr, nil
}

// fromHandler reports whether a predicted answer comes from the server's
// own file handler.
func fromHandler(m *model.File, pr serverside.Prediction) bool {
	for _, a := range []*serverside.Answer{pr.Preflight, pr.Actual} {
		if a == nil {
			continue
		}
		for _, r := range m.Responses {
			if r.Source == model.FromHandler && r.Span.String() == a.By.String() {
				return true
			}
		}
	}
	return false
}

// Result is one probe's observation and comparison.
type Result struct {
	Case    *Case
	Probe   int
	Obs     Observed
	Outcome Outcome
	Err     error
}

// caseFiles is a case's directory as the server sees it: its files, and
// nothing else, exist; outside it nothing is known.
type caseFiles struct {
	dir   string
	files map[string]string
}

func (c caseFiles) Kind(name string) serverside.FileKind {
	name = path.Clean(name)
	if name != c.dir && !strings.HasPrefix(name, c.dir+"/") {
		return serverside.FileUnknown
	}
	if _, ok := c.files[name]; ok {
		return serverside.FileRegular
	}
	for f := range c.files {
		if strings.HasPrefix(f, name+"/") {
			return serverside.FileDir
		}
	}
	return serverside.FileMissing
}
