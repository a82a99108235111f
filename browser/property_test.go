package browser

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// Pools the random cases draw from: values that matter to the checks, and
// some that should not.
var (
	poolMethods  = []string{"GET", "get", "POST", "HEAD", "PUT", "put", "PATCH", "patch", "DELETE", "OPTIONS", "X-Custom", "TRACE", "BAD METHOD", ""}
	poolReqNames = []string{"Authorization", "Content-Type", "X-Requested-With", "Accept", "Range", "Cookie", "Save-Data", "X-Api-Key", "x-api-key", "Bad Name"}
	poolReqVals  = []string{"x", "application/json", "text/plain", "bytes=0-1", "on", "", strings.Repeat("v", 129), "a\nb"}
	poolOrigins  = []string{testOrigin, "http://127.0.0.1:9001", "null", "https://app.example"}
	poolRespName = []string{
		"Access-Control-Allow-Origin", "access-control-allow-origin", "Access-Control-Allow-Credentials",
		"Access-Control-Allow-Methods", "Access-Control-Allow-Headers", "Access-Control-Max-Age", "Location", "Vary",
	}
	poolRespVals = []string{
		testOrigin, "*", "null", "", "true", "True", "https://app.example", "example.com",
		"PUT", "PUT, PATCH", "*", "GET;", "authorization", "x-api-key, content-type", "(bad)", "600", " /next ",
	}
	poolStatus = []int{200, 204, 301, 302, 404, 405, 500, 0}
)

func pick[T any](r *rand.Rand, xs []T) T { return xs[r.IntN(len(xs))] }

func randomRequest(r *rand.Rand) Request {
	req := Request{URL: testURL, Origin: pick(r, poolOrigins), Method: pick(r, poolMethods), Credentials: r.IntN(2) == 0}
	for range r.IntN(4) {
		req.Headers = append(req.Headers, Header{pick(r, poolReqNames), pick(r, poolReqVals)})
	}
	return req
}

func randomResponse(r *rand.Rand) *Response {
	if r.IntN(8) == 0 {
		return nil
	}
	res := &Response{Status: pick(r, poolStatus)}
	for range r.IntN(6) {
		res.Headers = append(res.Headers, Header{pick(r, poolRespName), pick(r, poolRespVals)})
	}
	return res
}

// checkInvariants states what must hold between the four entry points for
// any request and responses.
func checkInvariants(t *testing.T, req Request, p, a *Response) {
	t.Helper()
	v := Evaluate(req, p, a)
	need, names := NeedsPreflight(req)

	if v.Allowed != (v.Reason == Allowed) || v.Allowed != (v.Stage == NoStage) {
		t.Fatalf("inconsistent verdict %+v", v)
	}
	switch {
	case v.Allowed, v.Reason == NoPreflightResponse, v.Reason == NoActualResponse:
		if v.Message != "" {
			t.Fatalf("message without a Chromium block: %+v", v)
		}
	case v.Stage == BeforeSend:
		if !strings.HasPrefix(v.Message, "TypeError: ") || need || names != nil {
			t.Fatalf("fetch() error but a request is sent: %+v need=%v", v, need)
		}
	default:
		if !strings.HasPrefix(v.Message, "Access to fetch at '"+testURL+"' from origin '"+req.Origin+"' has been blocked by CORS policy: ") {
			t.Fatalf("message prefix: %q", v.Message)
		}
	}
	if len(names) > 0 && !need {
		t.Fatalf("header names %v without a preflight", names)
	}

	// The property the brief asks for: never allowed when the actual
	// response fails the CORS check.
	if a != nil {
		if ca := checkActual(req, *a); !ca.Allowed && v.Allowed {
			t.Fatalf("Evaluate allows what CheckActual blocks: %+v", ca)
		} else if v.Stage == Actual && v.Reason != NoActualResponse && (v.Reason != ca.Reason || v.Message != ca.Message) {
			t.Fatalf("Evaluate %+v differs from CheckActual %+v", v, ca)
		}
	}
	// And never allowed when a needed preflight fails; the first block is
	// the preflight's.
	if need && p != nil {
		if cp := CheckPreflight(req, *p); !cp.Allowed {
			if v.Allowed || v.Message != cp.Message || v.Reason != cp.Reason {
				t.Fatalf("preflight blocks with %+v but Evaluate says %+v", cp, v)
			}
		}
	}
	if need && p == nil && v.Stage != BeforeSend && v.Reason != NoPreflightResponse {
		t.Fatalf("needed preflight missing but verdict %+v", v)
	}
}

func TestEvaluateProperties(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for range 20000 {
		checkInvariants(t, randomRequest(r), randomResponse(r), randomResponse(r))
	}
}

// FuzzEvaluate feeds arbitrary header sets through every entry point:
// nothing may panic and the invariants must hold. Header blobs are
// "name:value" lines.
func FuzzEvaluate(f *testing.F) {
	f.Add("PUT", "Authorization:x\nContent-Type:application/json", true, 204,
		"Access-Control-Allow-Origin:"+testOrigin+"\nAccess-Control-Allow-Methods:PUT", 200, "Access-Control-Allow-Origin:*")
	f.Add("patch", "X-A:1\nx-a:2", false, 302, "Location: /x", 500, "Access-Control-Allow-Origin:null")
	f.Add("GET", "Range:bytes=0-\nSave-Data:on", true, 200, "", 200, "Access-Control-Allow-Origin:a, b")
	f.Fuzz(func(t *testing.T, method, reqBlob string, creds bool, pStatus int, pBlob string, aStatus int, aBlob string) {
		req := Request{URL: testURL, Origin: testOrigin, Method: method, Headers: parseBlob(reqBlob), Credentials: creds}
		p := &Response{Status: pStatus, Headers: parseBlob(pBlob)}
		a := &Response{Status: aStatus, Headers: parseBlob(aBlob)}
		checkInvariants(t, req, p, a)
		checkInvariants(t, req, nil, a)
		checkInvariants(t, req, p, nil)
		for _, h := range p.Headers {
			if n, _ := MaxAge(h.Value); n < 0 || n > ChromiumMaxAgeCap {
				t.Fatalf("maxAge(%q) = %d", h.Value, n)
			}
		}
		_ = gurlValid(aBlob)
		_ = displayURL(reqBlob)
	})
}

func parseBlob(s string) []Header {
	var hs []Header
	for _, line := range strings.Split(s, "\n") {
		if name, value, ok := strings.Cut(line, ":"); ok {
			hs = append(hs, Header{name, value})
		}
	}
	return hs
}

// checkActual runs the CORS check on the actual response a: the response
// status does not matter, only Access-Control-Allow-Origin and, with
// credentials, Access-Control-Allow-Credentials.
func checkActual(r Request, a Response) Verdict {
	pr, bad := prepare(r)
	if bad != nil {
		return *bad
	}
	if pr.sameOrigin {
		return sameOriginVerdict()
	}
	return pr.checkActual(a)
}
