package oracle

import (
	"regexp"
	"strconv"
	"strings"

	"github.com/corslint/corslint/browser"
	"github.com/corslint/corslint/model"
	"github.com/corslint/corslint/serverside"
)

var (
	statusPath = regexp.MustCompile(`^/status/(\d{3})`)
	proxyPass  = regexp.MustCompile(`ProxyPass "([^"]+)"`)
)

// PredictionRequest is a scenario's fetch as check is asked it, sent to
// baseURL (scheme, host and port) from the page's origin, or from
// untrusted when the scenario's origin is not trusted. It states what the
// harness's upstream does: it answers OPTIONS with 405 and /status/NNN
// with NNN, and adds what the scenario says; httpd answers a static file
// that is not there with its own 404.
func PredictionRequest(s Scenario, v Vars, baseURL, untrusted string) serverside.Request {
	origin := v.PageOrigin
	if !s.Trusted {
		origin = untrusted
	}
	method := s.Request.Method
	if method == "" {
		method = "GET"
	}
	r := serverside.Request{
		Request: browser.Request{
			URL: baseURL + s.Request.Path, Origin: origin, Method: method, Credentials: s.Request.Credentials,
		},
		UpstreamOptionsStatus: 405,
		PriorOrigin:           s.PrimeFrom,
		// each scenario's server sees only its own requests
		EarlierAll: true,
	}
	for k, val := range s.Request.Headers {
		r.Headers = append(r.Headers, browser.Header{Name: k, Value: val})
	}
	if m := statusPath.FindStringSubmatch(s.Request.Path); m != nil {
		r.UpstreamStatus, _ = strconv.Atoi(m[1])
	}
	if strings.Contains(s.Config, "DocumentRoot") && s.Files != nil && !proxied(s) {
		if _, ok := s.Files["www"+s.Request.Path]; !ok {
			r.UpstreamStatus = 404
		}
	}
	switch {
	case s.Upstream.ReflectOrigin:
		r.UpstreamHeaders = append(r.UpstreamHeaders, browser.Header{Name: model.ACAO, Value: "$origin"})
	case s.Upstream.ACAO != "":
		acao, _ := Expand(s.Upstream.ACAO, v)
		r.UpstreamHeaders = append(r.UpstreamHeaders, browser.Header{Name: model.ACAO, Value: acao})
	}
	if s.Upstream.Vary != "" {
		r.UpstreamHeaders = append(r.UpstreamHeaders, browser.Header{Name: "Vary", Value: s.Upstream.Vary})
	}
	return r
}

// proxied reports whether an Apache ProxyPass takes the scenario's path,
// so the status is the upstream's rather than a missing file's 404.
func proxied(s Scenario) bool {
	for _, m := range proxyPass.FindAllStringSubmatch(s.Config, -1) {
		if strings.HasPrefix(s.Request.Path, m[1]) {
			return true
		}
	}
	return false
}
