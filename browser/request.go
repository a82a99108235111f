package browser

import (
	"slices"
	"strings"
)

// prepared is a Request after what fetch() does to it before the network
// service sees it.
type prepared struct {
	url        string // as Chromium prints it in messages
	origin     string
	method     string // normalized
	headers    []reqHeader
	creds      bool
	httpScheme bool // http or https target (the wildcard check needs it)
	sameOrigin bool
}

type reqHeader struct {
	name  string // lowercased
	value string // normalized, repeated names combined
}

// prepare applies fetch()'s method and header rules. A non-nil Verdict is
// the TypeError fetch() rejects with.
//
// third_party/blink/renderer/core/fetch/request.cc (method checks),
// headers.cc (Headers.append: normalize, validate, drop forbidden),
// fetch_manager.cc (AddHttpHeaderField combines repeated names with ", ").
func prepare(r Request) (*prepared, *Verdict) {
	display, scheme, host, port := splitDisplayURL(r.URL)
	p := &prepared{
		url:    display,
		origin: r.Origin,
		creds:  r.Credentials,
	}
	p.httpScheme = scheme == "http" || scheme == "https"
	p.sameOrigin = sameOrigin(scheme, host, port, r.Origin)

	m := r.Method
	if m == "" {
		m = "GET"
	}
	if !isToken(m) {
		return nil, typeError(InvalidMethod, "'"+m+"' is not a valid HTTP method.")
	}
	if isForbiddenMethod(m) {
		return nil, typeError(ForbiddenMethod, "'"+m+"' HTTP method is unsupported.")
	}
	p.method = normalizeMethod(m)

	for _, h := range r.Headers {
		v := strings.Trim(h.Value, "\t\n\r ")
		if !isToken(h.Name) {
			return nil, typeError(InvalidHeader, "Invalid name")
		}
		if strings.ContainsAny(v, "\x00\r\n") {
			return nil, typeError(InvalidHeader, "Invalid value")
		}
		// The forbidden check sees the value before normalization, as in
		// Headers::append.
		if isForbiddenHeader(h.Name, h.Value) {
			continue
		}
		name := strings.ToLower(h.Name)
		if i := slices.IndexFunc(p.headers, func(x reqHeader) bool { return x.name == name }); i >= 0 {
			p.headers[i].value += ", " + v
			continue
		}
		p.headers = append(p.headers, reqHeader{name, v})
	}
	// The CORS header check walks the headers in the order of Blink's
	// header hash table (order.go); that order decides which header a
	// message names when several are not allowed.
	names := make([]string, len(p.headers))
	for i, h := range p.headers {
		names[i] = h.name
	}
	rank := map[string]int{}
	for i, n := range chromiumHeaderOrder(names, trustworthy(scheme, host)) {
		rank[n] = i
	}
	slices.SortFunc(p.headers, func(a, b reqHeader) int { return rank[a.name] - rank[b.name] })
	return p, nil
}

func typeError(reason Reason, msg string) *Verdict {
	return &Verdict{
		Stage:   BeforeSend,
		Reason:  reason,
		Message: "TypeError: Failed to execute 'fetch' on 'Window': " + msg,
	}
}

// normalizeMethod upper-cases the six methods the Fetch standard normalizes
// and leaves every other method as written (fetch_utils.cc NormalizeMethod).
func normalizeMethod(m string) string {
	for _, k := range [...]string{"GET", "POST", "DELETE", "HEAD", "OPTIONS", "PUT"} {
		if strings.EqualFold(m, k) {
			return k
		}
	}
	return m
}

// isForbiddenMethod: cors.cc IsForbiddenMethod.
func isForbiddenMethod(m string) bool {
	switch strings.ToUpper(m) {
	case "CONNECT", "TRACE", "TRACK":
		return true
	}
	return false
}

// isSafelistedMethod: cors.cc IsCorsSafelistedMethod, which compares
// case-insensitively.
func isSafelistedMethod(m string) bool {
	switch strings.ToUpper(m) {
	case "GET", "HEAD", "POST":
		return true
	}
	return false
}

// forbiddenHeaderNames is kForbiddenHeaderFields in net/http/http_util.cc,
// which Blink's cors::IsForbiddenRequestHeader uses via IsSafeHeader.
// User-Agent is still on it there (crbug.com/571722) though the Fetch
// standard dropped it.
var forbiddenHeaderNames = [...]string{
	"accept-charset", "accept-encoding", "access-control-request-headers",
	"access-control-request-method", "connection", "content-length",
	"cookie", "cookie2", "date", "dnt", "expect", "host", "keep-alive",
	"origin", "referer", "set-cookie", "te", "trailer", "transfer-encoding",
	"upgrade", "user-agent", "via",
}

// isForbiddenHeader is !net::HttpUtil::IsSafeHeader(name, value): fetch()
// silently drops these.
func isForbiddenHeader(name, value string) bool {
	l := strings.ToLower(name)
	if strings.HasPrefix(l, "proxy-") || strings.HasPrefix(l, "sec-") {
		return true
	}
	if slices.Contains(forbiddenHeaderNames[:], l) {
		return true
	}
	switch l {
	case "x-http-method", "x-http-method-override", "x-method-override":
		for _, m := range splitList(value) {
			if isForbiddenMethod(m) {
				return true
			}
		}
	}
	return false
}

// unsafeNames lists the request header names that need a preflight, in the
// order Chromium's header check walks them: first the headers unsafe on
// their own, then, when the safelisted values together exceed 1024 bytes,
// the safelisted ones too (cors_util.cc
// CorsUnsafeNotForbiddenRequestHeaderNames).
func (p *prepared) unsafeNames() []string {
	var unsafe, safe []string
	size := 0
	for _, h := range p.headers {
		if isSafelistedHeader(h.name, h.value) {
			safe = append(safe, h.name)
			size += len(h.value)
		} else {
			unsafe = append(unsafe, h.name)
		}
	}
	if size > 1024 {
		unsafe = append(unsafe, safe...)
	}
	return unsafe
}

// chromiumOnlySafelisted names the first request header that Chromium
// safelists but the Fetch standard does not, or "".
func (p *prepared) chromiumOnlySafelisted() string {
	for _, h := range p.headers {
		switch h.name {
		case "intervention", "device-memory", "dpr", "width", "viewport-width",
			"rtt", "downlink", "ect", "save-data":
			if isSafelistedHeader(h.name, h.value) {
				return h.name
			}
		}
	}
	return ""
}

// preflightWhy says in words why a preflight is sent.
func (p *prepared) preflightWhy(unsafe []string) string {
	var why []string
	if !isSafelistedMethod(p.method) {
		why = append(why, "the method "+p.method+" is not GET, HEAD or POST")
	}
	if len(unsafe) > 0 {
		why = append(why, "the request headers "+strings.Join(unsafe, ", ")+" are not CORS-safelisted")
	}
	return strings.Join(why, " and ")
}

func sortedUnique(names []string) []string {
	if len(names) == 0 {
		return nil
	}
	out := slices.Clone(names)
	slices.Sort(out)
	return slices.Compact(out)
}

// isSafelistedHeader is cors.cc IsCorsSafelistedHeader: name is lowercased.
func isSafelistedHeader(name, value string) bool {
	if len(value) > 128 {
		return false
	}
	switch name {
	case "accept":
		return !hasUnsafeByte(value)
	case "accept-language", "content-language":
		for i := 0; i < len(value); i++ {
			c := value[i]
			ok := c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' ||
				c == ' ' || c == '*' || c == ',' || c == '-' || c == '.' || c == ';' || c == '='
			if !ok {
				return false
			}
		}
		return true
	case "content-type":
		return isSafelistedContentType(strings.ToLower(value))
	case "range":
		return isSimpleRange(strings.ToLower(value))
	case "intervention":
		return true
	case "device-memory", "dpr", "downlink":
		return isDoubleABNF(value)
	case "width", "viewport-width", "rtt":
		return isIntABNF(value)
	case "ect":
		// kWebEffectiveConnectionTypeMapping in client_hints.cc.
		switch value {
		case "slow-2g", "2g", "3g", "4g":
			return true
		}
		return false
	case "save-data":
		return strings.ToLower(value) == "on"
	}
	// The sec-ch-* client hints are on Chromium's list too, but Sec- names
	// are forbidden to pages, so they never get here.
	return false
}

// isUnsafeByte is IsCorsUnsafeRequestHeaderByte (cors.cc), the Fetch
// standard's CORS-unsafe request-header byte.
func isUnsafeByte(c byte) bool {
	return c < 0x20 && c != 0x09 || c == '"' || c == '(' || c == ')' || c == ':' ||
		c == '<' || c == '>' || c == '?' || c == '@' || c == '[' || c == '\\' ||
		c == ']' || c == '{' || c == '}' || c == 0x7f
}

func hasUnsafeByte(v string) bool {
	for i := 0; i < len(v); i++ {
		if isUnsafeByte(v[i]) {
			return true
		}
	}
	return false
}

// isSafelistedContentType: IsCorsSafelistedLowerCaseContentType (cors.cc)
// with net::ExtractMimeTypeFromMediaType (net/base/mime_util.cc): no unsafe
// byte anywhere, then the essence before ";" must be token/token.
func isSafelistedContentType(v string) bool {
	if hasUnsafeByte(v) {
		return false
	}
	essence, _, _ := strings.Cut(v, ";")
	typ, sub, ok := strings.Cut(essence, "/")
	if !ok || strings.Contains(sub, "/") {
		return false
	}
	typ = strings.TrimLeft(typ, asciiSpace)
	sub = strings.TrimRight(sub, asciiSpace)
	if !isToken(typ) || !isToken(sub) {
		return false
	}
	switch typ + "/" + sub {
	case "application/x-www-form-urlencoded", "multipart/form-data", "text/plain":
		return true
	}
	return false
}

// asciiSpace is base::kWhitespaceASCII.
const asciiSpace = "\t\n\v\f\r "

// isSimpleRange: cors.cc's Range rule: no whitespace or comma, then
// net::HttpUtil::ParseRangeHeader must give one range that is not a suffix
// range. That parser accepts a little more than the Fetch standard's
// "bytes=N-[M]" (a sign on the numbers, "bytes=0--1").
func isSimpleRange(v string) bool {
	if strings.ContainsAny(v, " \t,") {
		return false
	}
	unit, spec, ok := strings.Cut(v, "=")
	if !ok || unit != "bytes" {
		return false
	}
	firstS, lastS, ok := strings.Cut(spec, "-")
	if !ok || firstS == "" {
		// An empty first position is a suffix range (or nothing at all).
		return false
	}
	first, ok := parseInt64(firstS)
	if !ok {
		return false
	}
	last := int64(-1)
	if lastS != "" {
		if last, ok = parseInt64(lastS); !ok {
			return false
		}
	}
	// HttpByteRange::IsValid; -1 means "no last position".
	return first >= 0 && (last == -1 || last >= first)
}

// isDoubleABNF: 1*DIGIT [ "." 1*DIGIT ] (cors.cc IsSimilarToDoubleABNF).
func isDoubleABNF(v string) bool {
	intPart, frac, hasDot := strings.Cut(v, ".")
	if !isIntABNF(intPart) {
		return false
	}
	return !hasDot || isIntABNF(frac)
}

// isIntABNF: 1*DIGIT (cors.cc IsSimilarToIntABNF).
func isIntABNF(v string) bool {
	if v == "" {
		return false
	}
	for i := 0; i < len(v); i++ {
		if v[i] < '0' || v[i] > '9' {
			return false
		}
	}
	return true
}
