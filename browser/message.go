package browser

import "strings"

// Message texts, from GetErrorStringForConsoleMessage in
// third_party/blink/renderer/platform/loader/cors/cors_error_string.cc, for
// a fetch() initiator (which adds kNoCorsInformation to the three
// Access-Control-Allow-Origin value errors; the older ", or, if an opaque
// response serves your needs, ..." wording is gone in Chromium 156, as
// oracle-facts.md shows).
const (
	msgPreflightPrefix = "Response to preflight request doesn't pass access control check: "
	msgNoCorsInfo      = " Have the server send the header with a valid value."

	msgWildcard = "The value of the 'Access-Control-Allow-Origin' header in the response must not be the wildcard '*' when the request's credentials mode is 'include'."
	msgMissing  = "No 'Access-Control-Allow-Origin' header is present on the requested resource."
	msgStatus   = "It does not have HTTP ok status."
	msgRedirect = "Redirect is not allowed for a preflight request."
	msgBadACAM  = "Cannot parse Access-Control-Allow-Methods response header field in preflight response."
	msgBadACAH  = "Cannot parse Access-Control-Allow-Headers response header field in preflight response."
)

// blocked turns a failure into a verdict with Chromium's console line.
func (p *prepared) blocked(stage Stage, f failure) Verdict {
	var b strings.Builder
	b.WriteString("Access to fetch at '")
	b.WriteString(p.url)
	b.WriteString("' from origin '")
	b.WriteString(p.origin)
	b.WriteString("' has been blocked by CORS policy: ")
	// IsPreflightError: only the CORS-check errors and the status and
	// redirect errors get the prefix; the method, header and parse errors
	// of a preflight do not.
	if stage == Preflight {
		switch f.reason {
		case WildcardWithCredentials, MissingACAO, MultipleACAO, InvalidACAO,
			ACAOMismatch, CredentialsNotTrue, PreflightStatus, PreflightRedirect:
			b.WriteString(msgPreflightPrefix)
		}
	}
	hint := encodeHint(f.hint)
	switch f.reason {
	case WildcardWithCredentials:
		b.WriteString(msgWildcard)
	case MissingACAO:
		b.WriteString(msgMissing)
	case MultipleACAO:
		b.WriteString("The 'Access-Control-Allow-Origin' header contains multiple values '" + hint + "', but only one is allowed." + msgNoCorsInfo)
	case InvalidACAO:
		b.WriteString("The 'Access-Control-Allow-Origin' header contains the invalid value '" + hint + "'." + msgNoCorsInfo)
	case ACAOMismatch:
		b.WriteString("The 'Access-Control-Allow-Origin' header has a value '" + hint + "' that is not equal to the supplied origin." + msgNoCorsInfo)
	case CredentialsNotTrue:
		b.WriteString("The value of the 'Access-Control-Allow-Credentials' header in the response is '" + hint + "' which must be 'true' when the request's credentials mode is 'include'.")
	case PreflightStatus:
		b.WriteString(msgStatus)
	case PreflightRedirect:
		b.WriteString(msgRedirect)
	case InvalidAllowMethods:
		b.WriteString(msgBadACAM)
	case InvalidAllowHeaders:
		b.WriteString(msgBadACAH)
	case MethodNotAllowed:
		b.WriteString("Method " + hint + " is not allowed by Access-Control-Allow-Methods in preflight response.")
	case HeaderNotAllowed:
		b.WriteString("Request header field " + hint + " is not allowed by Access-Control-Allow-Headers in preflight response.")
	}
	return Verdict{Stage: stage, Reason: f.reason, Message: b.String()}
}

// encodeHint is EncodeHint in cors_error_string.cc: bytes outside printable
// ASCII are shown as \uXXXX (each byte is one Latin-1 character there).
func encodeHint(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x20 && c <= 0x7e {
			b.WriteByte(c)
			continue
		}
		const hex = "0123456789ABCDEF"
		b.WriteString(`\u00`)
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&0xf])
	}
	return b.String()
}
