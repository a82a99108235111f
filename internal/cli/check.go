package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/corslint/corslint/browser"
	"github.com/corslint/corslint/engine"
	"github.com/corslint/corslint/model"
	"github.com/corslint/corslint/serverside"
)

// checkFlags are the request `corslint check` predicts.
type checkFlags struct {
	origin          string
	method          string
	headers         []string
	credentials     bool
	path            string
	rawURL          string
	status          int
	optionsStatus   int
	upstreamHeaders []string
	priorOrigins    []string
	cold            bool
	formatName      string
	// urlNote says where the URL came from when --url was not given.
	urlNote string
}

// defaultURL is the URL check asks about when --url is not given: the
// first virtual server's first name, on a port it listens on. A server
// that does not listen on 443 is asked on its own port, since a request
// to 443 would reach another server (httpd's main server, for a lone
// <VirtualHost *:80>) or none: over https where it speaks TLS there
// (listen 8443 ssl), else over http. note says so, and what a page on
// https needs to reach an http one.
func defaultURL(f *model.File, path, origin string) (u, note string) {
	host := "localhost"
	var server *model.Scope
	for _, s := range f.Scopes {
		if len(s.Hosts) > 0 && s.Hosts[0] != "_" && !strings.ContainsAny(s.Hosts[0], "*~") {
			host = strings.TrimPrefix(s.Hosts[0], ".")
			server = s
			break
		}
	}
	if server == nil {
		for _, s := range f.Scopes {
			if s.Role == model.RoleServer {
				server = s
				break
			}
		}
	}
	if server == nil || len(server.Ports) == 0 || slices.Contains(server.Ports, 443) {
		return "https://" + host + path, ""
	}
	if len(server.TLSPorts) > 0 {
		port := server.TLSPorts[0]
		u = fmt.Sprintf("https://%s:%d%s", host, port, path)
		return u, fmt.Sprintf("--url not given: %s, on port %d, where the %s at %s listens with TLS; give --url for another", u, port, server.Kind, server.Span)
	}
	port := server.Ports[0]
	u = "http://" + host + path
	if port != 80 {
		u = fmt.Sprintf("http://%s:%d%s", host, port, path)
	}
	note = fmt.Sprintf("--url not given: %s, on port %d, where the %s at %s listens; give --url for another", u, port, server.Kind, server.Span)
	if strings.HasPrefix(origin, "https:") {
		note += "; a page on https reaches it only through TLS ended in front of it (Chromium blocks an http URL from an https page as mixed content)"
	}
	return u, note
}

func newCheck(stdout, stderr io.Writer) *cobra.Command {
	var cf checkFlags
	o := engine.Options{Jobs: 1}
	roots := newIncludeRoots()
	cmd := &cobra.Command{
		Use:   "check --origin URL [flags] CONFIG...",
		Short: "Predict what Chromium does with a cross-origin request to this configuration",
		Long: `Predict, from configuration alone, the preflight and the actual response a
cross-origin request gets, the headers each carries and the statement that put each one
there, and Chromium's verdict with its console message.

CONFIG files given together form one request path, outermost first (a Varnish VCL, then
the nginx behind it): a response an outer file proxies is what the next file answers.

Exit codes: 0 allowed, 1 blocked or undecidable from the configuration, 2 usage error.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if cf.origin == "" {
				return usageError{errors.New("--origin is required, e.g. --origin https://app.example.com")}
			}
			if cf.formatName != "text" && cf.formatName != "json" {
				return usageError{fmt.Errorf("unknown format %q (want text or json)", cf.formatName)}
			}
			o.BaseDir = roots.baseDirs()
			stack, err := loadStack(args, &o)
			if err != nil {
				return err
			}
			req, err := cf.request(stack)
			if err != nil {
				return usageError{err}
			}
			p := serverside.Predict(stack, req)
			if cf.formatName == "json" {
				err = writeCheckJSON(stdout, req, p, cf.urlNote)
			} else {
				err = writeCheckText(stdout, req, p, cf.urlNote)
			}
			if err != nil {
				return fmt.Errorf("writing output: %w", err)
			}
			if p.Unknown != "" || !p.Verdict.Allowed {
				return exitError{exitFindings}
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&cf.origin, "origin", "", "the page's origin, e.g. https://app.example.com")
	f.StringVarP(&cf.method, "method", "X", "GET", "request method")
	f.StringArrayVarP(&cf.headers, "header", "H", nil, `request header the page sets, "Name" or "Name: value" (repeatable)`)
	f.BoolVar(&cf.credentials, "credentials", false, "fetch with credentials: 'include'")
	f.StringVar(&cf.path, "path", "/", "request path")
	f.StringVar(&cf.rawURL, "url", "", "full request URL (default: the first server name, on a port that server listens on: https for 443, a TLS port or no port written, else http)")
	f.IntVar(&cf.status, "status", 0, "status the upstream answers the actual request with (default 200)")
	f.IntVar(&cf.optionsStatus, "upstream-options-status", 0, "status the upstream answers OPTIONS with (default: unknown)")
	f.StringArrayVar(&cf.upstreamHeaders, "upstream-header", nil, `header the upstream adds itself, "Name: value"; "$origin" echoes the origin (repeatable)`)
	f.StringArrayVar(&cf.priorOrigins, "after", nil, "an origin whose GET for the same URL came before, filling caches on the path (a Varnish in front); repeatable, in order, the first one the first request since the server started")
	f.BoolVar(&cf.cold, "cold", false, "no request reached the server before this one (and the --after ones): a cache in front holds nothing else")
	f.StringVarP(&cf.formatName, "format", "f", "text", "output format: text or json")
	roots.register(f, stderr)
	f.BoolVar(&o.AllowOutsideRoot, "allow-outside-root", false, "follow includes that leave the configuration's directory")
	return cmd
}

// loadStack reads each CONFIG in order, as lint reads it (a .htaccess
// linked into the virtual host that reads it). A file that does not parse
// is a usage error: a prediction from half a configuration would mislead.
func loadStack(args []string, o *engine.Options) ([]*model.File, error) {
	stack, err := engine.Load(args, o)
	if engine.IsInput(err) {
		return nil, usageError{err}
	}
	return stack, err
}

func (cf *checkFlags) request(stack []*model.File) (serverside.Request, error) {
	u := cf.rawURL
	if u == "" {
		u, cf.urlNote = defaultURL(stack[0], cf.path, cf.origin)
	}
	if _, err := url.Parse(u); err != nil {
		return serverside.Request{}, fmt.Errorf("--url: %w", err)
	}
	req := serverside.Request{
		Request: browser.Request{
			URL: u, Origin: strings.TrimSuffix(cf.origin, "/"), Method: cf.method, Credentials: cf.credentials,
		},
		UpstreamStatus:        cf.status,
		UpstreamOptionsStatus: cf.optionsStatus,
		EarlierAll:            cf.cold || len(cf.priorOrigins) > 0,
		// a document root that exists here is looked at, where the
		// server's own file handler answers
		Files: serverside.OSFiles{},
	}
	for _, o := range cf.priorOrigins {
		req.Earlier = append(req.Earlier, serverside.Earlier{Origin: strings.TrimSuffix(o, "/")})
	}
	for _, h := range cf.headers {
		name, value, _ := strings.Cut(h, ":")
		req.Headers = append(req.Headers, browser.Header{Name: strings.TrimSpace(name), Value: strings.TrimSpace(value)})
	}
	for _, h := range cf.upstreamHeaders {
		name, value, ok := strings.Cut(h, ":")
		if !ok {
			return serverside.Request{}, fmt.Errorf("--upstream-header %q: want \"Name: value\"", h)
		}
		req.UpstreamHeaders = append(req.UpstreamHeaders, browser.Header{Name: strings.TrimSpace(name), Value: strings.TrimSpace(value)})
	}
	return req, nil
}

func writeCheckText(w io.Writer, req serverside.Request, p serverside.Prediction, note string) error {
	var b strings.Builder
	section := func(name string, a *serverside.Answer) {
		if a == nil {
			return
		}
		status := "?"
		if a.Status != 0 {
			status = fmt.Sprint(a.Status)
		}
		fmt.Fprintf(&b, "%s: %s %s -> %s\n", name, a.Method, req.URL, status)
		if a.Route != "" {
			fmt.Fprintf(&b, "  route: %s\n", a.Route)
		}
		if !a.By.IsZero() {
			fmt.Fprintf(&b, "  answered by: %s\n", a.By)
		}
		width := 0
		for _, l := range a.Headers {
			width = max(width, len(l.Name)+len(l.Value)+2)
		}
		for _, l := range a.Headers {
			from := l.From.String()
			switch {
			case !l.From.IsZero():
			case l.Upstream == "":
				// no statement and no upstream: the server's own line
				// (mod_rewrite's or an httpd <If>'s Vary)
				from = "from the server"
			case l.Upstream == "upstream":
				from = "from the upstream" // httpd's walk names none
			default:
				from = "from the upstream " + l.Upstream
			}
			fmt.Fprintf(&b, "  %-*s  %s\n", width, l.Name+": "+l.Value, from)
		}
		for _, n := range a.Notes {
			fmt.Fprintf(&b, "  note: %s\n", n)
		}
	}
	if note != "" {
		fmt.Fprintf(&b, "note: %s\n", note)
	}
	if p.Preflight == nil {
		b.WriteString("preflight: none (a simple request)\n")
	}
	section("preflight", p.Preflight)
	section("actual", p.Actual)
	switch {
	case p.Unknown != "":
		fmt.Fprintf(&b, "verdict: undecidable, because %s\n", p.Unknown)
	case p.Verdict.Allowed:
		b.WriteString("verdict: allowed\n")
	default:
		fmt.Fprintf(&b, "verdict: blocked (%s)\n", p.Verdict.Stage)
		if p.Verdict.Message != "" {
			fmt.Fprintf(&b, "  %s\n", p.Verdict.Message)
		}
	}
	if p.Verdict.Note != "" {
		fmt.Fprintf(&b, "note: %s\n", p.Verdict.Note)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

type checkJSONLine struct {
	Name     string `json:"name"`
	Value    string `json:"value"`
	From     string `json:"from,omitempty"`
	Upstream string `json:"upstream,omitempty"`
}

type checkJSONAnswer struct {
	Method  string          `json:"method"`
	Status  int             `json:"status"`
	Route   string          `json:"route,omitempty"`
	By      string          `json:"answered_by,omitempty"`
	Headers []checkJSONLine `json:"headers"`
	Notes   []string        `json:"notes,omitempty"`
}

type checkJSON struct {
	URL       string           `json:"url"`
	URLNote   string           `json:"url_note,omitempty"`
	Origin    string           `json:"origin"`
	Preflight *checkJSONAnswer `json:"preflight"`
	Actual    *checkJSONAnswer `json:"actual"`
	Allowed   bool             `json:"allowed"`
	Unknown   string           `json:"unknown,omitempty"`
	Stage     string           `json:"stage,omitempty"`
	Reason    string           `json:"reason,omitempty"`
	Message   string           `json:"message,omitempty"`
	Note      string           `json:"note,omitempty"`
}

func writeCheckJSON(w io.Writer, req serverside.Request, p serverside.Prediction, urlNote string) error {
	conv := func(a *serverside.Answer) *checkJSONAnswer {
		if a == nil {
			return nil
		}
		out := &checkJSONAnswer{Method: a.Method, Status: a.Status, Route: a.Route, Notes: a.Notes, Headers: []checkJSONLine{}}
		if !a.By.IsZero() {
			out.By = a.By.String()
		}
		for _, l := range a.Headers {
			jl := checkJSONLine{Name: l.Name, Value: l.Value, Upstream: l.Upstream}
			if !l.From.IsZero() {
				jl.From = l.From.String()
			}
			out.Headers = append(out.Headers, jl)
		}
		return out
	}
	out := checkJSON{
		URL: req.URL, URLNote: urlNote, Origin: req.Origin, Preflight: conv(p.Preflight), Actual: conv(p.Actual),
		Allowed: p.Unknown == "" && p.Verdict.Allowed, Unknown: p.Unknown, Message: p.Verdict.Message, Note: p.Verdict.Note,
	}
	if !out.Allowed && p.Unknown == "" {
		out.Stage, out.Reason = p.Verdict.Stage.String(), p.Verdict.Reason.String()
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(out)
}
