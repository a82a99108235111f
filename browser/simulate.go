package browser

import (
	"strings"
)

// Header is one header field: a name and its value.
type Header struct{ Name, Value string }

// Request is what a page passes to fetch(), in mode "cors".
type Request struct {
	URL    string // absolute http(s) URL: "http://127.0.0.1:9001/api/items"
	Origin string // the page's serialized origin, "http://127.0.0.1:8001"
	// Method as the page passes it to fetch; empty means GET. fetch()
	// upper-cases only DELETE, GET, HEAD, OPTIONS, POST and PUT, so "patch"
	// stays "patch".
	Method string
	// Headers are the author request headers the page sets. Their order
	// does not matter (Chromium checks them in the order of its own header
	// table); a repeated name is combined with ", " in the order given, as
	// Headers.append does. Forbidden names (Cookie, Host, Sec-*, ...) are
	// dropped as fetch() drops them.
	Headers     []Header
	Credentials bool // credentials mode "include"
}

// Response is what a server sent back.
type Response struct {
	Status int
	// Headers as on the wire: a name sent twice is two entries, in order.
	// Names match case-insensitively; values are trimmed of spaces and tabs
	// as Chromium's parser does.
	Headers []Header
}

// Stage says where a request was blocked.
type Stage uint8

// Stages, in the order a request goes through them.
const (
	// NoStage is the stage of a verdict that allows the request.
	NoStage Stage = iota
	// BeforeSend: fetch() rejected the request before sending anything (a
	// forbidden or malformed method, a malformed header).
	BeforeSend
	// Preflight: the OPTIONS preflight failed; the actual request is never
	// sent.
	Preflight
	// Actual: the actual response failed the CORS check; the server did
	// handle the request, only the page cannot read the answer.
	Actual
)

// String returns a stable lowercase name, for JSON and tests.
func (s Stage) String() string {
	switch s {
	case NoStage:
		return "none"
	case BeforeSend:
		return "before-send"
	case Preflight:
		return "preflight"
	case Actual:
		return "actual"
	}
	return "stage(" + itoa(int(s)) + ")"
}

// Reason is the machine-readable cause of a verdict.
type Reason uint8

// Reasons. The comment gives the CorsError name Chromium uses for it (also
// shown by DevTools), where there is one.
const (
	// Allowed: nothing blocked the request.
	Allowed Reason = iota
	// InvalidMethod: the method is not an HTTP token; fetch() throws.
	InvalidMethod
	// ForbiddenMethod: CONNECT, TRACE or TRACK; fetch() throws.
	ForbiddenMethod
	// InvalidHeader: a header name that is not a token or a value with NUL,
	// CR or LF; fetch() throws.
	InvalidHeader
	// NoPreflightResponse: a preflight is needed but Evaluate got none. An
	// input problem, not something Chromium reports.
	NoPreflightResponse
	// NoActualResponse: Evaluate got no actual response to check. An input
	// problem, not something Chromium reports.
	NoActualResponse
	// PreflightRedirect: the preflight answered with a redirect
	// (PreflightDisallowedRedirect).
	PreflightRedirect
	// MissingACAO: no Access-Control-Allow-Origin (MissingAllowOriginHeader).
	MissingACAO
	// MultipleACAO: the value, after combining repeated headers with ", ",
	// contains a space or a comma (MultipleAllowOriginValues).
	MultipleACAO
	// InvalidACAO: the value is neither "null" nor a URL Chromium can parse
	// (InvalidAllowOriginValue).
	InvalidACAO
	// ACAOMismatch: the value is not the request's origin
	// (AllowOriginMismatch).
	ACAOMismatch
	// WildcardWithCredentials: "*" while credentials are included
	// (WildcardOriginNotAllowed).
	WildcardWithCredentials
	// CredentialsNotTrue: credentials are included and
	// Access-Control-Allow-Credentials is not exactly "true"
	// (InvalidAllowCredentials).
	CredentialsNotTrue
	// PreflightStatus: the preflight's status is not 2xx
	// (PreflightInvalidStatus).
	PreflightStatus
	// InvalidAllowMethods: Access-Control-Allow-Methods is not a list of
	// tokens (InvalidAllowMethodsPreflightResponse).
	InvalidAllowMethods
	// InvalidAllowHeaders: Access-Control-Allow-Headers is not a list of
	// tokens (InvalidAllowHeadersPreflightResponse).
	InvalidAllowHeaders
	// MethodNotAllowed: the method is neither safelisted nor listed
	// (MethodDisallowedByPreflightResponse).
	MethodNotAllowed
	// HeaderNotAllowed: a non-safelisted request header is not listed
	// (HeaderDisallowedByPreflightResponse).
	HeaderNotAllowed
)

var reasonNames = [...]string{
	Allowed:                 "allowed",
	InvalidMethod:           "invalid-method",
	ForbiddenMethod:         "forbidden-method",
	InvalidHeader:           "invalid-header",
	NoPreflightResponse:     "no-preflight-response",
	NoActualResponse:        "no-actual-response",
	PreflightRedirect:       "preflight-redirect",
	MissingACAO:             "missing-allow-origin",
	MultipleACAO:            "multiple-allow-origin",
	InvalidACAO:             "invalid-allow-origin",
	ACAOMismatch:            "allow-origin-mismatch",
	WildcardWithCredentials: "wildcard-with-credentials",
	CredentialsNotTrue:      "credentials-not-true",
	PreflightStatus:         "preflight-status",
	InvalidAllowMethods:     "invalid-allow-methods",
	InvalidAllowHeaders:     "invalid-allow-headers",
	MethodNotAllowed:        "method-not-allowed",
	HeaderNotAllowed:        "header-not-allowed",
}

// String returns a stable kebab-case name, for JSON and tests.
func (r Reason) String() string {
	if int(r) < len(reasonNames) {
		return reasonNames[r]
	}
	return "reason(" + itoa(int(r)) + ")"
}

// Verdict is the outcome of a simulated request.
type Verdict struct {
	Allowed bool
	Stage   Stage  // where it was blocked; NoStage when allowed
	Reason  Reason // why; Allowed when allowed
	// Message is the console line Chromium prints, word for word; for a
	// BeforeSend verdict, the TypeError fetch() rejects with. Empty when
	// allowed and for the input problems NoPreflightResponse and
	// NoActualResponse, which Chromium never reports.
	Message string
	// Note adds what Chromium does not print: where the Fetch standard
	// says otherwise than Chromium does (a "*" in Access-Control-Allow-Headers
	// covering Authorization), and what an input problem was.
	Note string
}

// corsError returns the name of Chromium's network::mojom::CorsError for a
// blocked verdict, as DevTools shows it (e.g. "PreflightMissingAllowOriginHeader"),
// or "" when there is none.
func (v Verdict) corsError() string {
	var base string
	switch v.Reason {
	case MissingACAO:
		base = "MissingAllowOriginHeader"
	case MultipleACAO:
		base = "MultipleAllowOriginValues"
	case InvalidACAO:
		base = "InvalidAllowOriginValue"
	case ACAOMismatch:
		base = "AllowOriginMismatch"
	case WildcardWithCredentials:
		base = "WildcardOriginNotAllowed"
	case CredentialsNotTrue:
		base = "InvalidAllowCredentials"
	case PreflightStatus:
		return "PreflightInvalidStatus"
	case PreflightRedirect:
		return "PreflightDisallowedRedirect"
	case InvalidAllowMethods:
		return "InvalidAllowMethodsPreflightResponse"
	case InvalidAllowHeaders:
		return "InvalidAllowHeadersPreflightResponse"
	case MethodNotAllowed:
		return "MethodDisallowedByPreflightResponse"
	case HeaderNotAllowed:
		return "HeaderDisallowedByPreflightResponse"
	default:
		return ""
	}
	// The CORS-check errors have a Preflight twin (preflight_controller.cc,
	// map_to_preflight_error_codes).
	if v.Stage == Preflight {
		return "Preflight" + base
	}
	return base
}

// NeedsPreflight reports whether Chromium sends a CORS preflight before r,
// and the header names it lists in Access-Control-Request-Headers
// (lowercased, sorted, without duplicates; nil when there are none).
//
// A preflight is sent for a method other than GET, HEAD and POST, or for any
// request header that is not CORS-safelisted: by name, by value (the
// Content-Type and Range value rules, the 128-byte limit per value), or
// because the safelisted values together exceed 1024 bytes. Chromium also
// safelists a few client-hint names the Fetch standard does not (Save-Data,
// DPR, Width, ...). Same-origin requests and requests fetch() rejects send no
// preflight.
func NeedsPreflight(r Request) (bool, []string) { return Prepare(r).NeedsPreflight() }

// Prepared is a Request after fetch()'s method and header rules, for
// asking several questions of one request without preparing it again.
type Prepared struct {
	p   *prepared
	bad *Verdict // the TypeError fetch() rejects the request with
}

// Prepare applies fetch()'s rules to r once.
func Prepare(r Request) Prepared {
	p, bad := prepare(r)
	return Prepared{p: p, bad: bad}
}

// NeedsPreflight is NeedsPreflight for the prepared request.
func (pr Prepared) NeedsPreflight() (bool, []string) {
	p := pr.p
	if pr.bad != nil || p.sameOrigin {
		return false, nil
	}
	names := sortedUnique(p.unsafeNames())
	return !isSafelistedMethod(p.method) || len(names) > 0, names
}

// CheckPreflight checks a preflight response p for request r, in Chromium's
// order: redirect, the CORS check on Access-Control-Allow-Origin and
// -Credentials (so a missing ACAO wins over a bad status), the ok status,
// parsing Access-Control-Allow-Methods then -Headers, and last whether the
// method and then the headers are allowed.
//
// It checks p whether or not r needs a preflight; Evaluate only calls it
// when one is sent.
func CheckPreflight(r Request, p Response) Verdict { return Prepare(r).CheckPreflight(p) }

// CheckPreflight is CheckPreflight for the prepared request.
func (pr Prepared) CheckPreflight(p Response) Verdict {
	if pr.bad != nil {
		return *pr.bad
	}
	if pr.p.sameOrigin {
		return sameOriginVerdict()
	}
	return pr.p.checkPreflight(p)
}

// Evaluate runs the whole flow for r: the preflight when NeedsPreflight says
// one is sent, then the actual request; it returns the first block, or an
// allowing verdict. preflight may be nil when no preflight is sent; when one
// is sent and preflight is nil, the verdict is NoPreflightResponse. A nil
// actual gives NoActualResponse once everything before it passed.
func Evaluate(r Request, preflight, actual *Response) Verdict {
	return Prepare(r).Evaluate(preflight, actual)
}

// Evaluate is Evaluate for the prepared request.
func (prep Prepared) Evaluate(preflight, actual *Response) Verdict {
	if prep.bad != nil {
		return *prep.bad
	}
	pr := prep.p
	if pr.sameOrigin {
		return sameOriginVerdict()
	}
	var notes []string
	unsafe := sortedUnique(pr.unsafeNames())
	needed := !isSafelistedMethod(pr.method) || len(unsafe) > 0
	if n := pr.chromiumOnlySafelisted(); n != "" && !needed {
		notes = append(notes, "Chromium treats the "+n+" request header as CORS-safelisted and sends no preflight; the Fetch standard does not safelist it, so browsers that follow the standard send one.")
	}
	switch {
	case needed && preflight == nil:
		return Verdict{
			Stage:  Preflight,
			Reason: NoPreflightResponse,
			Note:   "no preflight response was given, but Chromium sends an OPTIONS preflight first: " + pr.preflightWhy(unsafe) + ".",
		}
	case needed:
		v := pr.checkPreflight(*preflight)
		if !v.Allowed {
			return v
		}
		notes = appendNote(notes, v.Note)
	case preflight != nil:
		notes = append(notes, "no preflight is sent for this request (safelisted method and headers), so the preflight response was not used.")
	}
	if actual == nil {
		return Verdict{
			Stage:  Actual,
			Reason: NoActualResponse,
			Note:   joinNotes(appendNote(notes, "no actual response was given to check.")),
		}
	}
	v := pr.checkActual(*actual)
	v.Note = joinNotes(appendNote(notes, v.Note))
	return v
}

func sameOriginVerdict() Verdict {
	return Verdict{Allowed: true, Note: "same-origin request: CORS does not apply."}
}

func appendNote(notes []string, n string) []string {
	if n == "" {
		return notes
	}
	return append(notes, n)
}

func joinNotes(notes []string) string { return strings.Join(notes, " ") }
