package browser

import (
	"strings"
	"testing"
)

const (
	testURL    = "http://127.0.0.1:9001/api/items"
	testOrigin = "http://127.0.0.1:8001"

	// prefixes of every blocked console line (oracle-facts.md, introduction)
	blockedPrefix   = "Access to fetch at '" + testURL + "' from origin '" + testOrigin + "' has been blocked by CORS policy: "
	preflightPrefix = blockedPrefix + "Response to preflight request doesn't pass access control check: "
)

// Messages measured live on Chromium 156 (oracle-facts.md). They are the
// authority; the other expectations below come from
// third_party/blink/renderer/platform/loader/cors/cors_error_string.cc
// (GetErrorStringForConsoleMessage, fetch initiator) and were also
// confirmed by TestChromium.
const (
	// oracle-facts.md §1 nginx/§2 Apache: ACAO * with credentials.
	oracleWildcard = "The value of the 'Access-Control-Allow-Origin' header in the response must not be the wildcard '*' when the request's credentials mode is 'include'."
	// oracle-facts.md §1: preflight without Allow-Headers, Authorization sent.
	oracleAuthHeader = "Request header field authorization is not allowed by Access-Control-Allow-Headers in preflight response."
	// oracle-facts.md §1: add_header without always on a 500/404.
	oracleMissing = "No 'Access-Control-Allow-Origin' header is present on the requested resource."
	// oracle-facts.md §1: nginx add_header + upstream ACAO.
	oracleMultiple = "The 'Access-Control-Allow-Origin' header contains multiple values 'http://127.0.0.1:8001, http://127.0.0.1:8001', but only one is allowed. Have the server send the header with a valid value."
	// oracle-facts.md §2: Apache vhost + .htaccess both set ACAO *.
	oracleMultipleStar = "The 'Access-Control-Allow-Origin' header contains multiple values '*, *', but only one is allowed. Have the server send the header with a valid value."
	// oracle-facts.md §1: OPTIONS proxied to an upstream answering 405.
	oracleStatus = "It does not have HTTP ok status."
	// oracle-facts.md §3 Varnish: X's ACAO served to Y.
	oracleMismatch = "The 'Access-Control-Allow-Origin' header has a value 'http://127.0.0.1:8001' that is not equal to the supplied origin. Have the server send the header with a valid value."
)

func hdrs(kv ...string) []Header {
	var hs []Header
	for i := 0; i+1 < len(kv); i += 2 {
		hs = append(hs, Header{kv[i], kv[i+1]})
	}
	return hs
}

func resp(status int, kv ...string) *Response {
	return &Response{Status: status, Headers: hdrs(kv...)}
}

var (
	acaoOK   = []string{"Access-Control-Allow-Origin", testOrigin}
	credsOK  = []string{"Access-Control-Allow-Origin", testOrigin, "Access-Control-Allow-Credentials", "true"}
	simpleOK = resp(200, acaoOK...)
)

func plus(base []string, kv ...string) []string {
	return append(append([]string(nil), base...), kv...)
}

func get() Request { return Request{URL: testURL, Origin: testOrigin, Method: "GET"} }

func withMethod(m string) Request { r := get(); r.Method = m; return r }

func withHeaders(kv ...string) Request { r := get(); r.Headers = hdrs(kv...); return r }

func withCreds(r Request) Request { r.Credentials = true; return r }

// TestVerdicts runs one case per Reason, with the exact line Chromium
// prints.
func TestVerdicts(t *testing.T) {
	const otherOrigin = "http://127.0.0.1:8002"
	tests := []struct {
		name      string
		req       Request
		preflight *Response
		actual    *Response
		stage     Stage
		reason    Reason
		msg       string // whole line; "" when Chromium prints nothing
	}{
		{
			name: "allowed simple", req: get(), actual: simpleOK,
			reason: Allowed,
		},
		{
			// request.cc: "'<method>' is not a valid HTTP method." (TestChromium).
			name: "method not a token", req: withMethod("BAD METHOD"), actual: simpleOK,
			stage: BeforeSend, reason: InvalidMethod,
			msg: "TypeError: Failed to execute 'fetch' on 'Window': 'BAD METHOD' is not a valid HTTP method.",
		},
		{
			// request.cc: "'<method>' HTTP method is unsupported." (TestChromium).
			name: "forbidden method", req: withMethod("trace"), actual: simpleOK,
			stage: BeforeSend, reason: ForbiddenMethod,
			msg: "TypeError: Failed to execute 'fetch' on 'Window': 'trace' HTTP method is unsupported.",
		},
		{
			// headers.cc Headers::append: ThrowTypeError("Invalid name").
			name: "header name not a token", req: withHeaders("Bad Name", "x"), actual: simpleOK,
			stage: BeforeSend, reason: InvalidHeader,
			msg: "TypeError: Failed to execute 'fetch' on 'Window': Invalid name",
		},
		{
			// headers.cc Headers::append: ThrowTypeError("Invalid value").
			name: "header value with NUL", req: withHeaders("X-A", "a\x00b"), actual: simpleOK,
			stage: BeforeSend, reason: InvalidHeader,
			msg: "TypeError: Failed to execute 'fetch' on 'Window': Invalid value",
		},
		{
			name: "preflight needed but not given", req: withMethod("PUT"), actual: simpleOK,
			stage: Preflight, reason: NoPreflightResponse,
		},
		{
			name: "actual not given", req: get(),
			stage: Actual, reason: NoActualResponse,
		},
		{
			// cors_error_string.cc kPreflightDisallowedRedirect.
			name: "preflight redirect", req: withMethod("PUT"),
			preflight: resp(302, plus(acaoOK, "Location", "/login")...), actual: simpleOK,
			stage: Preflight, reason: PreflightRedirect,
			msg: preflightPrefix + "Redirect is not allowed for a preflight request.",
		},
		{
			name: "missing ACAO on actual", req: get(), actual: resp(500),
			stage: Actual, reason: MissingACAO,
			msg: blockedPrefix + oracleMissing,
		},
		{
			// oracle-facts.md §1: static nginx 405 without CORS headers: the
			// missing-ACAO message wins over the status.
			name: "missing ACAO on preflight beats 405", req: withMethod("PUT"),
			preflight: resp(405), actual: simpleOK,
			stage: Preflight, reason: MissingACAO,
			msg: preflightPrefix + oracleMissing,
		},
		{
			name: "ACAO sent twice", req: get(),
			actual: resp(200, "Access-Control-Allow-Origin", testOrigin, "access-control-allow-origin", testOrigin),
			stage:  Actual, reason: MultipleACAO,
			msg: blockedPrefix + oracleMultiple,
		},
		{
			name: "ACAO * sent twice", req: get(),
			actual: resp(200, "Access-Control-Allow-Origin", "*", "Access-Control-Allow-Origin", "*"),
			stage:  Actual, reason: MultipleACAO,
			msg: blockedPrefix + oracleMultipleStar,
		},
		{
			// cors.cc: a space alone also counts as several values.
			name: "ACAO list with spaces", req: get(),
			actual: resp(200, "Access-Control-Allow-Origin", "https://a.example https://b.example"),
			stage:  Actual, reason: MultipleACAO,
			msg: blockedPrefix + "The 'Access-Control-Allow-Origin' header contains multiple values 'https://a.example https://b.example', but only one is allowed. Have the server send the header with a valid value.",
		},
		{
			// cors_error_string.cc kInvalidAllowOriginValue (TestChromium).
			name: "ACAO without scheme", req: get(),
			actual: resp(200, "Access-Control-Allow-Origin", "example.com"),
			stage:  Actual, reason: InvalidACAO,
			msg: blockedPrefix + "The 'Access-Control-Allow-Origin' header contains the invalid value 'example.com'. Have the server send the header with a valid value.",
		},
		{
			name: "ACAO empty", req: get(),
			actual: resp(200, "Access-Control-Allow-Origin", ""),
			stage:  Actual, reason: InvalidACAO,
			msg: blockedPrefix + "The 'Access-Control-Allow-Origin' header contains the invalid value ''. Have the server send the header with a valid value.",
		},
		{
			// EncodeHint: bytes outside printable ASCII become \uXXXX.
			name: "ACAO with control byte", req: get(),
			actual: resp(200, "Access-Control-Allow-Origin", "\x01example.com\xff"),
			stage:  Actual, reason: InvalidACAO,
			msg: blockedPrefix + `The 'Access-Control-Allow-Origin' header contains the invalid value '\u0001example.com\u00FF'. Have the server send the header with a valid value.`,
		},
		{
			name: "ACAO of another origin", req: Request{URL: testURL, Origin: otherOrigin},
			actual: resp(200, acaoOK...),
			stage:  Actual, reason: ACAOMismatch,
			msg: "Access to fetch at '" + testURL + "' from origin '" + otherOrigin + "' has been blocked by CORS policy: " + oracleMismatch,
		},
		{
			// cors.cc: "null" is checked before GURL and reported as a mismatch.
			name: "ACAO null", req: get(), actual: resp(200, "Access-Control-Allow-Origin", "null"),
			stage: Actual, reason: ACAOMismatch,
			msg: blockedPrefix + "The 'Access-Control-Allow-Origin' header has a value 'null' that is not equal to the supplied origin. Have the server send the header with a valid value.",
		},
		{
			name: "ACAO with trailing slash", req: get(), actual: resp(200, "Access-Control-Allow-Origin", testOrigin+"/"),
			stage: Actual, reason: ACAOMismatch,
			msg: blockedPrefix + "The 'Access-Control-Allow-Origin' header has a value 'http://127.0.0.1:8001/' that is not equal to the supplied origin. Have the server send the header with a valid value.",
		},
		{
			name: "wildcard with credentials", req: withCreds(get()),
			actual: resp(200, "Access-Control-Allow-Origin", "*", "Access-Control-Allow-Credentials", "true"),
			stage:  Actual, reason: WildcardWithCredentials,
			msg: blockedPrefix + oracleWildcard,
		},
		{
			// oracle-facts.md §1: for a PUT the same after the preflight prefix.
			name: "wildcard with credentials on preflight", req: withCreds(withMethod("PUT")),
			preflight: resp(204, "Access-Control-Allow-Origin", "*", "Access-Control-Allow-Credentials", "true", "Access-Control-Allow-Methods", "PUT"),
			actual:    simpleOK,
			stage:     Preflight, reason: WildcardWithCredentials,
			msg: preflightPrefix + oracleWildcard,
		},
		{
			// cors_error_string.cc kInvalidAllowCredentials; value missing.
			name: "credentials without ACAC", req: withCreds(get()), actual: resp(200, acaoOK...),
			stage: Actual, reason: CredentialsNotTrue,
			msg: blockedPrefix + "The value of the 'Access-Control-Allow-Credentials' header in the response is '' which must be 'true' when the request's credentials mode is 'include'.",
		},
		{
			name: "credentials with ACAC True", req: withCreds(get()),
			actual: resp(200, plus(acaoOK, "Access-Control-Allow-Credentials", "True")...),
			stage:  Actual, reason: CredentialsNotTrue,
			msg: blockedPrefix + "The value of the 'Access-Control-Allow-Credentials' header in the response is 'True' which must be 'true' when the request's credentials mode is 'include'.",
		},
		{
			name: "preflight 405 with CORS headers", req: withMethod("PUT"),
			preflight: resp(405, plus(acaoOK, "Access-Control-Allow-Methods", "PUT")...), actual: simpleOK,
			stage: Preflight, reason: PreflightStatus,
			msg: preflightPrefix + oracleStatus,
		},
		{
			// cors_error_string.cc kInvalidAllowMethodsPreflightResponse: no
			// preflight prefix.
			name: "Allow-Methods not tokens", req: withMethod("PUT"),
			preflight: resp(204, plus(acaoOK, "Access-Control-Allow-Methods", "PUT;")...), actual: simpleOK,
			stage: Preflight, reason: InvalidAllowMethods,
			msg: blockedPrefix + "Cannot parse Access-Control-Allow-Methods response header field in preflight response.",
		},
		{
			name: "Allow-Headers not tokens", req: withHeaders("X-Custom", "1"),
			preflight: resp(204, plus(acaoOK, "Access-Control-Allow-Headers", "x-custom, (bad)")...), actual: simpleOK,
			stage: Preflight, reason: InvalidAllowHeaders,
			msg: blockedPrefix + "Cannot parse Access-Control-Allow-Headers response header field in preflight response.",
		},
		{
			// cors_error_string.cc kMethodDisallowedByPreflightResponse.
			name: "method not listed", req: withMethod("PUT"),
			preflight: resp(204, plus(acaoOK, "Access-Control-Allow-Methods", "GET, POST")...), actual: simpleOK,
			stage: Preflight, reason: MethodNotAllowed,
			msg: blockedPrefix + "Method PUT is not allowed by Access-Control-Allow-Methods in preflight response.",
		},
		{
			name: "authorization not listed", req: withHeaders("Authorization", "Bearer x"),
			preflight: resp(204, plus(acaoOK, "Access-Control-Allow-Methods", "GET, PUT")...), actual: simpleOK,
			stage: Preflight, reason: HeaderNotAllowed,
			msg: blockedPrefix + oracleAuthHeader,
		},
	}
	seen := map[Reason]bool{}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := Evaluate(tt.req, tt.preflight, tt.actual)
			seen[v.Reason] = true
			if v.Reason != tt.reason || v.Stage != tt.stage || v.Allowed != (tt.reason == Allowed) {
				t.Fatalf("got %v/%v allowed=%v, want %v/%v\n%s", v.Stage, v.Reason, v.Allowed, tt.stage, tt.reason, v.Message)
			}
			if v.Message != tt.msg {
				t.Errorf("message\n got %q\nwant %q", v.Message, tt.msg)
			}
		})
	}
	for r := range reasonNames {
		if !seen[Reason(r)] {
			t.Errorf("no case for reason %v", Reason(r))
		}
	}
}

// TestPairs puts allowed and blocked side by side: one detail flips the
// verdict.
func TestPairs(t *testing.T) {
	put, putCreds := withMethod("PUT"), withCreds(withMethod("PUT"))
	auth := withHeaders("Authorization", "Bearer x")
	authCreds := withCreds(auth)
	tests := []struct {
		name          string
		req           Request
		good, bad     *Response // preflight when the request needs one
		actual        *Response
		reason        Reason
		noteOnAllowed string // substring of the Note on the allowed side
	}{
		{
			name: "ACAO matches or not", req: get(), actual: nil,
			good: resp(200, acaoOK...), bad: resp(200, "Access-Control-Allow-Origin", "https://app.example"),
			reason: ACAOMismatch,
		},
		{
			name: "wildcard without or with credentials",
			req:  get(), good: resp(200, "Access-Control-Allow-Origin", "*"),
			bad: resp(200, "Access-Control-Allow-Origin", "*"), reason: WildcardWithCredentials,
		},
		{
			name: "ACAC true or TRUE", req: withCreds(get()),
			good: resp(200, credsOK...), bad: resp(200, plus(acaoOK, "Access-Control-Allow-Credentials", "TRUE")...),
			reason: CredentialsNotTrue,
		},
		{
			name: "preflight 204 or 404", req: put, actual: simpleOK,
			good: resp(204, plus(acaoOK, "Access-Control-Allow-Methods", "PUT")...),
			bad:  resp(404, plus(acaoOK, "Access-Control-Allow-Methods", "PUT")...), reason: PreflightStatus,
		},
		{
			name: "method case: PUT listed for put (normalized) vs PATCH listed for patch", req: withMethod("put"), actual: simpleOK,
			good: resp(204, plus(acaoOK, "Access-Control-Allow-Methods", "PUT")...),
			bad:  resp(204, plus(acaoOK, "Access-Control-Allow-Methods", "put")...), reason: MethodNotAllowed,
		},
		{
			name: "methods * without or with credentials", req: put, actual: simpleOK,
			good: resp(204, plus(acaoOK, "Access-Control-Allow-Methods", "*")...),
			bad:  resp(204, plus(acaoOK, "Access-Control-Allow-Methods", "GET")...), reason: MethodNotAllowed,
		},
		{
			name: "headers * covers Authorization only without credentials", req: auth, actual: simpleOK,
			good:          resp(204, plus(acaoOK, "Access-Control-Allow-Headers", "*")...),
			bad:           resp(204, plus(acaoOK, "Access-Control-Allow-Headers", "x-other")...),
			reason:        HeaderNotAllowed,
			noteOnAllowed: "the Fetch standard says \"*\" never covers Authorization",
		},
		{
			name: "headers listed case-insensitively", req: withHeaders("X-Custom", "1"), actual: simpleOK,
			good: resp(204, plus(acaoOK, "Access-Control-Allow-Headers", "X-CUSTOM")...),
			bad:  resp(204, plus(acaoOK, "Access-Control-Allow-Headers", "X-Customer")...), reason: HeaderNotAllowed,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			good, bad := tt.req, tt.req
			var gv, bv Verdict
			switch {
			case tt.name == "wildcard without or with credentials":
				bad = withCreds(bad)
				gv, bv = Evaluate(good, nil, tt.good), Evaluate(bad, nil, tt.bad)
			case tt.actual == nil:
				gv, bv = Evaluate(good, nil, tt.good), Evaluate(bad, nil, tt.bad)
			default:
				gv, bv = Evaluate(good, tt.good, tt.actual), Evaluate(bad, tt.bad, tt.actual)
			}
			if !gv.Allowed {
				t.Errorf("good side blocked: %v %s", gv.Reason, gv.Message)
			}
			if !strings.Contains(gv.Note, tt.noteOnAllowed) {
				t.Errorf("good side note %q lacks %q", gv.Note, tt.noteOnAllowed)
			}
			if bv.Allowed || bv.Reason != tt.reason {
				t.Errorf("bad side: allowed=%v reason=%v, want %v", bv.Allowed, bv.Reason, tt.reason)
			}
		})
	}

	// With credentials "*" is a literal name in Allow-Methods and
	// Allow-Headers (preflight_result.cc).
	if v := Evaluate(putCreds, resp(204, plus(credsOK, "Access-Control-Allow-Methods", "*")...), resp(200, credsOK...)); v.Reason != MethodNotAllowed {
		t.Errorf("methods * with credentials: %v", v.Reason)
	}
	if v := Evaluate(authCreds, resp(204, plus(credsOK, "Access-Control-Allow-Headers", "*")...), resp(200, credsOK...)); v.Reason != HeaderNotAllowed ||
		v.Message != blockedPrefix+oracleAuthHeader {
		t.Errorf("headers * with credentials: %v %s", v.Reason, v.Message)
	}
}

func TestPreflightOrder(t *testing.T) {
	put := withHeaders("X-Custom", "1")
	put.Method = "PUT"
	tests := []struct {
		name   string
		p      *Response
		reason Reason
	}{
		// A redirect is handled before any header is read.
		{"redirect first", resp(307, "Location", "http://elsewhere/"), PreflightRedirect},
		// A redirect status without Location is just a bad status.
		{"3xx without location", resp(302, acaoOK...), PreflightStatus},
		// The CORS check beats the status (preflight_controller.cc
		// CheckPreflightAccess).
		{"mismatch beats status", resp(500, "Access-Control-Allow-Origin", "https://x.example"), ACAOMismatch},
		// The status beats the list parsing.
		{"status beats parsing", resp(500, plus(acaoOK, "Access-Control-Allow-Methods", "(")...), PreflightStatus},
		// Allow-Methods is parsed before Allow-Headers.
		{"methods parsed first", resp(204, plus(acaoOK, "Access-Control-Allow-Methods", "(", "Access-Control-Allow-Headers", "(")...), InvalidAllowMethods},
		// The method is checked before the headers.
		{"method before headers", resp(204, acaoOK...), MethodNotAllowed},
		{"then headers", resp(204, plus(acaoOK, "Access-Control-Allow-Methods", "PUT")...), HeaderNotAllowed},
		{"all allowed", resp(204, plus(acaoOK, "Access-Control-Allow-Methods", "PUT", "Access-Control-Allow-Headers", "x-custom")...), Allowed},
	}
	for _, tt := range tests {
		if v := CheckPreflight(put, *tt.p); v.Reason != tt.reason {
			t.Errorf("%s: got %v (%s), want %v", tt.name, v.Reason, v.Message, tt.reason)
		}
	}
}

// TestHeaderNamedFirst: with several headers not allowed, the message names
// the one Chromium's header table visits first (measured: order-* cases in
// TestChromium), which is not alphabetical.
func TestHeaderNamedFirst(t *testing.T) {
	tests := []struct {
		headers []string
		allow   string
		want    string
	}{
		{[]string{"X-Requested-With", "x", "Content-Type", "application/json", "Authorization", "x"}, "", "authorization"},
		{[]string{"Content-Type", "application/json", "Authorization", "x", "X-Requested-With", "x"}, "authorization", "x-requested-with"},
		{[]string{"X-Api-Key", "k", "X-Request-Id", "1", "X-Csrf-Token", "t", "Content-Type", "application/json"}, "x-request-id", "x-csrf-token"},
		{[]string{"Zeta", "1", "Alpha", "1"}, "", "alpha"},
	}
	for _, tt := range tests {
		r := withHeaders(tt.headers...)
		v := CheckPreflight(r, *resp(204, plus(acaoOK, "Access-Control-Allow-Headers", tt.allow)...))
		want := blockedPrefix + "Request header field " + tt.want + " is not allowed by Access-Control-Allow-Headers in preflight response."
		if v.Message != want {
			t.Errorf("%v allow %q:\n got %s\nwant %s", tt.headers, tt.allow, v.Message, want)
		}
	}
}

func TestNeedsPreflight(t *testing.T) {
	long := strings.Repeat("a", 128)
	digits := strings.Repeat("1", 128)
	tests := []struct {
		name  string
		req   Request
		need  bool
		names string
	}{
		{"simple GET", get(), false, ""},
		{"POST", withMethod("POST"), false, ""},
		{"lowercase post is normalized", withMethod("post"), false, ""},
		{"PUT", withMethod("PUT"), true, ""},
		{"PATCH", withMethod("PATCH"), true, ""},
		{"form POST", Request{URL: testURL, Origin: testOrigin, Method: "POST", Headers: hdrs("Content-Type", "application/x-www-form-urlencoded")}, false, ""},
		{"text/plain with charset", withHeaders("Content-Type", "text/plain;charset=UTF-8"), false, ""},
		{"multipart with boundary", withHeaders("Content-Type", "multipart/form-data; boundary=x"), false, ""},
		{"JSON", withHeaders("Content-Type", "application/json"), true, "content-type"},
		{"quoted charset has an unsafe byte", withHeaders("Content-Type", `text/plain; charset="utf-8"`), true, "content-type"},
		{"type with space before slash", withHeaders("Content-Type", "text /plain"), true, "content-type"},
		{"Accept plain", withHeaders("Accept", "application/json"), false, ""},
		{"Accept 129 bytes", withHeaders("Accept", long+"b"), true, "accept"},
		{"Accept 128 bytes", withHeaders("Accept", long), false, ""},
		{"Accept-Language", withHeaders("Accept-Language", "en-US,en;q=0.9"), false, ""},
		{"Content-Language with underscore", withHeaders("Content-Language", "en_US"), true, "content-language"},
		{"Range simple", withHeaders("Range", "bytes=0-100"), false, ""},
		{"Range open", withHeaders("Range", "bytes=5-"), false, ""},
		{"Range suffix", withHeaders("Range", "bytes=-5"), true, "range"},
		{"Range two", withHeaders("Range", "bytes=0-1,3-4"), true, "range"},
		{"Range reversed", withHeaders("Range", "bytes=5-1"), true, "range"},
		{"Authorization", withHeaders("Authorization", "Bearer x"), true, "authorization"},
		{"sorted and lowercased", withHeaders("X-B", "1", "Authorization", "x", "x-a", "1"), true, "authorization,x-a,x-b"},
		{"repeated name once", withHeaders("X-A", "1", "x-a", "2"), true, "x-a"},
		{"repeated Accept combined", withHeaders("Accept", "a", "accept", "b"), false, ""},
		{"forbidden names dropped", withHeaders("Cookie", "a=b", "Sec-Foo", "1", "Proxy-X", "1", "User-Agent", "x", "Host", "h"), false, ""},
		{"method override with TRACE dropped", withHeaders("X-HTTP-Method-Override", "TRACE"), false, ""},
		{"method override with PUT kept", withHeaders("X-HTTP-Method-Override", "PUT"), true, "x-http-method-override"},
		{"Save-Data safelisted by Chromium", withHeaders("Save-Data", "on"), false, ""},
		{"Save-Data off is not", withHeaders("Save-Data", "off"), true, "save-data"},
		{"DPR number", withHeaders("DPR", "1.5"), false, ""},
		{"DPR bad", withHeaders("DPR", "1."), true, "dpr"},
		{"ECT", withHeaders("ECT", "4g"), false, ""},
		{"over 1024 safelisted bytes", withHeaders(
			"Accept", long, "Accept-Language", long, "Content-Language", long, "Intervention", long,
			"DPR", digits, "Width", digits, "Viewport-Width", digits, "RTT", digits, "Downlink", digits),
			true, "accept,accept-language,content-language,downlink,dpr,intervention,rtt,viewport-width,width"},
		{"same origin", Request{URL: "http://127.0.0.1:8001/x", Origin: testOrigin, Method: "PUT"}, false, ""},
		{"same origin default port", Request{URL: "https://App.example/x", Origin: "https://app.example:443", Method: "PUT"}, false, ""},
		{"fetch throws", withMethod("CONNECT"), false, ""},
	}
	for _, tt := range tests {
		need, names := NeedsPreflight(tt.req)
		if need != tt.need || strings.Join(names, ",") != tt.names {
			t.Errorf("%s: got %v %q, want %v %q", tt.name, need, strings.Join(names, ","), tt.need, tt.names)
		}
	}
}

func TestMaxAge(t *testing.T) {
	tests := []struct {
		in   string
		want int
		ok   bool
	}{
		{"", DefaultMaxAge, false},
		{"600", 600, true},
		{" 600 ", 600, true},
		{"+600", 600, true},
		{"7199", 7199, true},
		{"7200", 7200, true},
		{"86400", ChromiumMaxAgeCap, true},
		{"-1", 0, true},
		{"-0", 0, true},
		{"0", 0, true},
		{"1.5", DefaultMaxAge, false},
		{"600, 600", DefaultMaxAge, false},
		{"abc", DefaultMaxAge, false},
		{"+", DefaultMaxAge, false},
		{"9223372036854775807", ChromiumMaxAgeCap, true},
		{"9223372036854775808", DefaultMaxAge, false},
		{"-9223372036854775808", 0, true},
		{"-9223372036854775809", DefaultMaxAge, false},
	}
	for _, tt := range tests {
		got, ok := MaxAge(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("maxAge(%q) = %d, %v; want %d, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestNotes(t *testing.T) {
	// Chromium-only safelisted header: allowed without preflight, with a note.
	v := Evaluate(withHeaders("Save-Data", "on"), nil, simpleOK)
	if !v.Allowed || !strings.Contains(v.Note, "save-data") {
		t.Errorf("save-data: %+v", v)
	}
	// A preflight given for a simple request is ignored, with a note.
	v = Evaluate(get(), resp(500), simpleOK)
	if !v.Allowed || !strings.Contains(v.Note, "not used") {
		t.Errorf("unused preflight: %+v", v)
	}
	// Same origin: no CORS at all.
	v = Evaluate(Request{URL: "http://127.0.0.1:8001/x", Origin: testOrigin, Method: "DELETE"}, nil, resp(500))
	if !v.Allowed || !strings.Contains(v.Note, "same-origin") {
		t.Errorf("same origin: %+v", v)
	}
	// A redirect passes the CORS check; what follows was not simulated.
	v = checkActual(get(), *resp(302, plus(acaoOK, "Location", "https://elsewhere.example/")...))
	if !v.Allowed || !strings.Contains(v.Note, "redirect") {
		t.Errorf("redirect: %+v", v)
	}
	// The missing preflight says why one is sent.
	v = Evaluate(withCreds(withHeaders("Authorization", "x", "Content-Type", "application/json")), nil, simpleOK)
	if v.Reason != NoPreflightResponse || !strings.Contains(v.Note, "authorization, content-type") {
		t.Errorf("missing preflight: %+v", v)
	}
}

func TestCorsError(t *testing.T) {
	tests := []struct {
		v    Verdict
		want string
	}{
		{Verdict{Stage: Actual, Reason: MissingACAO}, "MissingAllowOriginHeader"},
		{Verdict{Stage: Preflight, Reason: MissingACAO}, "PreflightMissingAllowOriginHeader"},
		{Verdict{Stage: Preflight, Reason: WildcardWithCredentials}, "PreflightWildcardOriginNotAllowed"},
		{Verdict{Stage: Preflight, Reason: HeaderNotAllowed}, "HeaderDisallowedByPreflightResponse"},
		{Verdict{Stage: Preflight, Reason: PreflightStatus}, "PreflightInvalidStatus"},
		{Verdict{Stage: BeforeSend, Reason: ForbiddenMethod}, ""},
		{Verdict{Allowed: true}, ""},
	}
	for _, tt := range tests {
		if got := tt.v.corsError(); got != tt.want {
			t.Errorf("%v/%v: %q, want %q", tt.v.Stage, tt.v.Reason, got, tt.want)
		}
	}
	if Stage(9).String() != "stage(9)" || Reason(200).String() != "reason(200)" || Preflight.String() != "preflight" {
		t.Error("String")
	}
}

func TestDisplayURL(t *testing.T) {
	tests := map[string]string{
		"http://127.0.0.1:9001/api/items": "http://127.0.0.1:9001/api/items",
		"HTTP://API.Example:80":           "http://api.example/",
		"https://api.example:443/x?y=1#f": "https://api.example/x?y=1",
		"https://api.example:8443":        "https://api.example:8443/",
		"not a url":                       "not a url",
	}
	for in, want := range tests {
		if got := displayURL(in); got != want {
			t.Errorf("displayURL(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestGURLValid(t *testing.T) {
	valid := []string{"http://a.example", "https://a.example:8443", "localhost:3000", "foo:bar", "file:///x", "HTTP://A", "http:a.example", "http://[::1]:80"}
	invalid := []string{"", "example.com", "127.0.0.1:8001", "http://", "https://:443", "http://a.example:99999", "http://a.example:8x", "1http://a", "http://a%zz", "http://[::1"}
	for _, s := range valid {
		if !gurlValid(s) {
			t.Errorf("%q should be valid", s)
		}
	}
	for _, s := range invalid {
		if gurlValid(s) {
			t.Errorf("%q should be invalid", s)
		}
	}
}
