package browser

import (
	"strings"
)

// The response headers the checks read.
const (
	hACAO = "access-control-allow-origin"
	hACAC = "access-control-allow-credentials"
	hACAM = "access-control-allow-methods"
	hACAH = "access-control-allow-headers"
)

// header returns the value Chromium's
// net::HttpResponseHeaders::GetNormalizedHeader gives: every field with that
// name, each trimmed of spaces and tabs, joined with ", "; ok is false when
// there is none.
func header(hs []Header, name string) (string, bool) {
	var vals []string
	found := false
	for _, h := range hs {
		if strings.EqualFold(h.Name, name) {
			found = true
			vals = append(vals, strings.Trim(h.Value, " \t"))
		}
	}
	return strings.Join(vals, ", "), found
}

// failure is a CORS error before it becomes a message: the reason and
// Chromium's failed_parameter ("hint").
type failure struct {
	reason Reason
	hint   string
}

// checkAccess is the CORS check, network::cors::CheckAccess in
// services/network/public/cpp/cors/cors.cc, step for step.
func (p *prepared) checkAccess(hs []Header) *failure {
	acao, hasACAO := header(hs, hACAO)
	switch {
	case hasACAO && acao == "*":
		if !p.creds {
			return nil
		}
		// Chromium skips the wildcard error outside HTTP(S) (a data: URL
		// hack) and falls through to the credentials check.
		if p.httpScheme {
			return &failure{reason: WildcardWithCredentials}
		}
	case !hasACAO:
		return &failure{reason: MissingACAO}
	case acao != p.origin:
		// The rest only picks the message; any value but the origin fails.
		if strings.ContainsAny(acao, " ,") {
			return &failure{MultipleACAO, acao}
		}
		if acao == "null" {
			return &failure{ACAOMismatch, acao}
		}
		if !gurlValid(acao) {
			return &failure{InvalidACAO, acao}
		}
		return &failure{ACAOMismatch, acao}
	}
	if p.creds {
		// Case-sensitive: "True" fails.
		if acac, _ := header(hs, hACAC); acac != "true" {
			return &failure{CredentialsNotTrue, acac}
		}
	}
	return nil
}

func (p *prepared) checkActual(a Response) Verdict {
	if f := p.checkAccess(a.Headers); f != nil {
		return p.blocked(Actual, *f)
	}
	v := Verdict{Allowed: true}
	if loc, ok := redirectTarget(a); ok {
		v.Note = "the response is a redirect to " + loc + "; Chromium follows it and checks the next response too, which was not simulated."
	}
	return v
}

// checkPreflight follows PreflightLoader::HandleResponseHeader,
// CreatePreflightResult and CheckPreflightResult in
// services/network/cors/preflight_controller.cc.
func (p *prepared) checkPreflight(pf Response) Verdict {
	// A redirect never reaches the header checks: HandleRedirect fails
	// the preflight first.
	if isRedirect(pf) {
		return p.blocked(Preflight, failure{reason: PreflightRedirect})
	}
	// CheckPreflightAccess: the CORS check runs first, with the actual
	// request's credentials mode, and its error wins over a bad status.
	if f := p.checkAccess(pf.Headers); f != nil {
		return p.blocked(Preflight, *f)
	}
	if pf.Status < 200 || pf.Status > 299 {
		return p.blocked(Preflight, failure{reason: PreflightStatus})
	}
	// PreflightResult::Parse: methods keep their case, headers are
	// lowercased.
	acam, _ := header(pf.Headers, hACAM)
	methods, ok := parseAllowList(acam)
	if !ok {
		return p.blocked(Preflight, failure{reason: InvalidAllowMethods})
	}
	acah, _ := header(pf.Headers, hACAH)
	allowHeaders, ok := parseAllowList(strings.ToLower(acah))
	if !ok {
		return p.blocked(Preflight, failure{reason: InvalidAllowHeaders})
	}
	// EnsureAllowedCrossOriginMethod, in the spec-conformant mode profiles
	// use (pref AccessControlAllowMethodsInCORSPreflightSpecConformant,
	// default true): the method as fetch() left it, compared
	// case-sensitively, so "patch" is not allowed by "PATCH".
	if !isSafelistedMethod(p.method) && !methods[p.method] && !(!p.creds && methods["*"]) {
		return p.blocked(Preflight, failure{MethodNotAllowed, p.method})
	}
	// EnsureAllowedCrossOriginHeaders. Without credentials "*" allows every
	// header, Authorization included, because the feature
	// CorsNonWildcardRequestHeadersSupport is disabled by default.
	if !p.creds && allowHeaders["*"] {
		v := Verdict{Allowed: true}
		if p.hasHeader("authorization") && !allowHeaders["authorization"] {
			v.Note = "allowed only because Chromium lets \"*\" in Access-Control-Allow-Headers cover Authorization; the Fetch standard says \"*\" never covers Authorization, so list authorization by name."
		}
		return v
	}
	for _, name := range p.unsafeNames() {
		if !allowHeaders[name] {
			return p.blocked(Preflight, failure{HeaderNotAllowed, name})
		}
	}
	return Verdict{Allowed: true}
}

func (p *prepared) hasHeader(name string) bool {
	for _, h := range p.headers {
		if h.name == name {
			return true
		}
	}
	return false
}

// isRedirect is net::HttpResponseHeaders::IsRedirect: a redirect status and
// a Location field with a value (empty ones do not count; Location is never
// combined, so each field is looked at alone).
func isRedirect(r Response) bool {
	_, ok := redirectTarget(r)
	return ok
}

func redirectTarget(r Response) (string, bool) {
	switch r.Status {
	case 301, 302, 303, 307, 308:
		for _, h := range r.Headers {
			if strings.EqualFold(h.Name, "location") {
				if v := strings.Trim(h.Value, " \t"); v != "" {
					return v, true
				}
			}
		}
	}
	return "", false
}

// parseAllowList is ParseAccessControlAllowList in preflight_result.cc:
// comma-separated, empty items skipped, each item trimmed of spaces and
// tabs and required to be a token; one bad item fails the whole header.
func parseAllowList(v string) (map[string]bool, bool) {
	set := map[string]bool{}
	for _, item := range splitList(v) {
		if !isToken(item) {
			return nil, false
		}
		set[item] = true
	}
	return set, true
}

// splitList splits a comma-separated header value the way
// net::HttpUtil::ValuesIterator does with empty values ignored. It does not
// honour quotes: an item holding a quote is never a token, so callers that
// require tokens fail either way.
func splitList(v string) []string {
	var out []string
	for _, item := range strings.Split(v, ",") {
		if item = strings.Trim(item, " \t"); item != "" {
			out = append(out, item)
		}
	}
	return out
}

// isToken is net::HttpUtil::IsToken (RFC 9110 token).
func isToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c <= 0x20 || c >= 0x7f || strings.IndexByte("()<>@,;:\\\"/[]?={}", c) >= 0 {
			return false
		}
	}
	return true
}
