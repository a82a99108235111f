package serverside

import (
	"strings"

	"github.com/corslint/corslint/model"
)

// optionsSource is where the answer to OPTIONS that r's route gives
// itself comes from. Where the server answers OPTIONS for a file as it
// would the file (httpd's core, 200 and Allow through the ordinary output
// filters, so both Header tables reach it: httpd 2.4.71, even for a file
// that does not exist), a success is the handler's; a refusal (403) is an
// error response of the server's own.
func optionsSource(f *model.File, r *model.Response) model.Source {
	if f.Serving.OptionsAsFile && r.Source == model.FromHandler && r.OptionsStatus < 300 {
		return model.FromHandler
	}
	return model.FromServer
}

// apacheLayer answers from the dialect's own walk of the request
// (f.Walker) when the configuration uses only what that walk follows; it
// reports false otherwise, and the generic responses answer instead.
func (e *evaluator) apacheLayer(f *model.File, a *Answer) bool {
	if f.Walker == nil {
		return false
	}
	req := model.WalkRequest{
		Method: e.method, Host: e.host, Port: e.port, Path: e.path,
		FileStatus: e.req.UpstreamStatus, UpstreamStatus: e.req.UpstreamStatus,
		UpstreamOptionsStatus: e.req.UpstreamOptionsStatus,
	}
	if files := e.req.Files; files != nil {
		// a file a rewrite maps to: where the files are known, one that
		// is missing answers 404
		req.FileStatusFor = func(name string) int {
			if files.Kind(name) == FileMissing {
				return 404
			}
			return e.req.UpstreamStatus
		}
	}
	if e.origin != "" {
		req.Headers = append(req.Headers, [2]string{"Origin", e.origin})
	}
	if e.method == "OPTIONS" && e.req.Method != "OPTIONS" {
		m := e.req.Method
		if m == "" {
			m = "GET"
		}
		req.Headers = append(req.Headers, [2]string{"Access-Control-Request-Method", m})
		// Chromium lists the request's non-safelisted header names,
		// lower-case and sorted (Header echo can copy them).
		if names := e.req.preflightNames(); len(names) > 0 {
			req.Headers = append(req.Headers, [2]string{"Access-Control-Request-Headers", strings.Join(names, ",")})
		}
	} else {
		for _, h := range e.req.Headers {
			req.Headers = append(req.Headers, [2]string{h.Name, h.Value})
		}
	}
	for _, h := range e.req.UpstreamHeaders {
		v := h.Value
		if v == "$origin" {
			v = e.origin
		}
		req.UpstreamHeaders = append(req.UpstreamHeaders, [2]string{h.Name, v})
	}
	res := f.Walker.Walk(req)
	if res.Unmodelled != "" {
		return false
	}
	a.Status, a.By, a.Route = res.Status, res.By, strings.TrimPrefix(res.Route, " > ")
	if res.Unknown != "" {
		a.Notes = append(a.Notes, res.Unknown)
		a.upstreamOptions = e.method == "OPTIONS"
	}
	for _, l := range res.Lines {
		line := Line{Name: l.Name, Value: l.Value, From: l.From}
		if l.Upstream {
			line.Upstream = "upstream"
		}
		a.Headers = append(a.Headers, line)
	}
	return true
}
