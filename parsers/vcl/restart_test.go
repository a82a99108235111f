package vcl

import (
	"strings"
	"testing"

	"github.com/corslint/corslint/model"
)

// allowOrigins lists the Access-Control-Allow-Origin values of every response
// the file gives requests with method m, as written, with the response's
// status.
func allowOrigins(f *model.File, m string) []string {
	var out []string
	for _, r := range f.Responses {
		if !r.ForMethod(m) {
			continue
		}
		var vs []string
		for _, in := range r.Instances(200, r.Source) {
			if in.Name == model.ACAO {
				vs = append(vs, in.Value.Raw)
			}
		}
		out = append(out, strings.Join(vs, ","))
	}
	return out
}

// A restart runs vcl_recv again with req.restarts one higher: the
// response is the one the second round delivers.
func TestRestart(t *testing.T) {
	f := lower(t, `
sub vcl_deliver {
  if (req.restarts == 0) {
    return (restart);
  }
  if (req.restarts > 0) {
    set resp.http.Access-Control-Allow-Origin = "*";
  }
}`)
	got := allowOrigins(f, "GET")
	if len(got) != 1 || got[0] != "*" {
		t.Errorf("after the restart vcl_deliver sets *: got %q", got)
	}
	for _, r := range f.Responses {
		for _, c := range r.Conds {
			if strings.Contains(c.Text, "restarts") {
				t.Errorf("req.restarts is known on every path, yet %q is a condition", c.Text)
			}
		}
	}

	// Restarting every time ends in vcl_synth's 503 past max_restarts.
	f = lower(t, "sub vcl_deliver {\n  return (restart);\n}\n")
	var synth503 bool
	for _, r := range f.Responses {
		if r.Source == model.FromUpstream {
			t.Errorf("no backend answer is ever delivered, yet one is at %s", r.Span)
		}
		synth503 = synth503 || r.Source == model.FromServer && r.Status == 503
	}
	if !synth503 {
		t.Error("want the 503 of too many restarts")
	}
}

// obj.hits is 0 for what vcl_deliver delivers fresh from the backend, and
// the count of hits for what the cache delivers: a lookup's statements
// under a test of it carry the test, which the prediction decides; a
// passed request is never a hit.
func TestObjHits(t *testing.T) {
	for _, tc := range []struct {
		test       string
		at0, at1   bool
		passedSets bool
	}{
		{"obj.hits > 0", false, true, false},
		{"obj.hits == 0", true, false, true},
	} {
		f := lower(t, "sub vcl_recv {\n  if (req.url ~ \"^/p/\") {\n    return (pass);\n  }\n}\nsub vcl_deliver {\n  if ("+tc.test+") {\n    set resp.http.Access-Control-Allow-Origin = \"*\";\n  }\n}")
		var looked, passed bool
		for _, r := range f.Responses {
			for _, op := range r.Headers {
				if op.Name != model.ACAO {
					continue
				}
				if r.Uncached {
					passed = true
					if op.When != nil && op.When.Hits != nil && !op.When.Hits.Holds(0) {
						t.Errorf("%s: a passed request's statement is under %q, which fails for its 0", tc.test, op.When.Text)
					}
					continue
				}
				looked = true
				if op.When == nil || op.When.Hits == nil {
					t.Fatalf("%s: the statement carries no test of obj.hits", tc.test)
				}
				if op.When.Hits.Holds(0) != tc.at0 || op.When.Hits.Holds(1) != tc.at1 {
					t.Errorf("%s: holds at 0 %v, at 1 %v", tc.test, op.When.Hits.Holds(0), op.When.Hits.Holds(1))
				}
			}
		}
		if !looked || passed != tc.passedSets {
			t.Errorf("%s: looked-up answer with the statement %v, passed answer with it %v", tc.test, looked, passed)
		}
	}
}

func TestIdentityRegsub(t *testing.T) {
	for _, tc := range []struct {
		call string
		want bool
	}{
		{`regsub(req.http.Origin, "^https://(app|admin)\.example\.com$", "https://\1.example.com")`, true},
		{`regsuball(req.http.Origin, "^(https://[a-z]+)\.example\.com$", "\1.example.com")`, true},
		{`regsub(req.http.Origin, "^http://", "https://")`, false},
		{`regsub(req.http.Origin, "^https://(app|admin)\.example\.com$", "https://\1.example.org")`, false},
		{`regsub(req.http.Origin, "^https://(app|admin)\.example\.com", "https://\1.example.com")`, false},
		{`regsub(req.http.Origin, "^https://(?:app|admin)\.example\.com$", "https://app.example.com")`, false},
		{`regsub(req.http.Origin, "^(.*)$", "\0")`, false},
		{`regsub(req.http.Origin, "(https://app\.example\.com)$", "\1")`, false},
	} {
		f := lower(t, "sub vcl_deliver {\n  set resp.http.Access-Control-Allow-Origin = "+tc.call+";\n}")
		got := false
		for _, op := range f.Headers {
			if op.Name == model.ACAO {
				got = op.Value.Kind == model.Reflected && op.Value.Rewrite == nil
			}
		}
		if got != tc.want {
			t.Errorf("%s: reflected %v, want %v", tc.call, got, tc.want)
		}
	}
}

// regsub(Vary, "^, *", "") after appending ", Origin" strips the comma
// Varnish sends where the backend sent no Vary.
func TestVaryTrim(t *testing.T) {
	for _, tc := range []struct {
		trim   string
		concat string
	}{
		{`set beresp.http.Vary = regsub(beresp.http.Vary, "^, *", "");`, ""},
		{`set beresp.http.Vary = regsub(beresp.http.Vary, "^, *Accept", "");`, ", "},
		{``, ", "},
	} {
		f := lower(t, "sub vcl_backend_response {\n  set beresp.http.Vary = beresp.http.Vary + \", Origin\";\n  "+tc.trim+"\n}")
		n := 0
		for _, op := range f.Headers {
			if op.Name == model.Vary && op.Op == model.Append {
				n++
				if op.Concat != tc.concat {
					t.Errorf("%q: concat %q, want %q", tc.trim, op.Concat, tc.concat)
				}
			}
		}
		if n != 1 {
			t.Errorf("%q: %d appends to Vary, want 1", tc.trim, n)
		}
	}
}

// A test of obj.hits around a CORS statement is recorded on the cache, so
// that an answer from the cache says it is not followed; one around other
// headers is not.
func TestHitTests(t *testing.T) {
	for _, tc := range []struct {
		stmt string
		want int
	}{
		{`set resp.http.Access-Control-Allow-Origin = "*";`, 1},
		{`set resp.http.X-Cache = "HIT";`, 0},
	} {
		f := lower(t, "sub vcl_deliver {\n  if (obj.hits > 0) {\n    "+tc.stmt+"\n  }\n}")
		if len(f.Caches) != 1 {
			t.Fatalf("%s: want a cache, got %d", tc.stmt, len(f.Caches))
		}
		if got := len(f.Caches[0].HitTests); got != tc.want {
			t.Errorf("%s: %d hit tests, want %d", tc.stmt, got, tc.want)
		}
	}
}

// regsub of the Origin carries the rewrite, which the request applies:
// an origin the regex does not match comes back unchanged, one it
// matches is rewritten by the replacement, \N by group.
func TestOriginRegsub(t *testing.T) {
	for _, tc := range []struct {
		call, origin, want string
	}{
		{`regsub(req.http.Origin, "^http://", "https://")`, "http://app.example.com", "https://app.example.com"},
		{`regsub(req.http.Origin, "^http://", "https://")`, "https://evil.example", "https://evil.example"},
		{`regsub(req.http.Origin, "^https://([a-z]+)\.example\.com$", "https://\1.example.org")`, "https://app.example.com", "https://app.example.org"},
		{`regsub(req.http.Origin, "a", "\0\0")`, "https://a.a", "https://aa.a"},
		{`regsuball(req.http.Origin, "a", "\0\0")`, "https://a.a", "https://aa.aa"},
		{`regsub(req.http.Origin, "^(https)(x)?://", "\2\1\9\\q:")`, "https://a", "https\\q:a"},
	} {
		f := lower(t, "sub vcl_deliver {\n  set resp.http.Access-Control-Allow-Origin = "+tc.call+";\n}")
		var v model.Value
		for _, op := range f.Headers {
			if op.Name == model.ACAO {
				v = op.Value
			}
		}
		if v.Kind != model.Reflected || v.Rewrite == nil {
			t.Fatalf("%s: want the origin with its rewrite, got %+v", tc.call, v)
		}
		if got, ok := v.Rewrite.Apply(tc.origin); !ok || got != tc.want {
			t.Errorf("%s on %s: got %q %v, want %q", tc.call, tc.origin, got, ok, tc.want)
		}
	}
}

// A request header set to a rewritten origin is not the origin: a regex
// on it is no origin allowlist.
func TestRewrittenOriginIsNoOrigin(t *testing.T) {
	for _, tc := range []struct {
		value string
		want  int
	}{
		{`regsub(req.http.Origin, "^http://", "https://")`, 0},
		{`req.http.Origin`, 1},
	} {
		f := lower(t, "sub vcl_recv {\n  set req.http.X-O = "+tc.value+";\n}\nsub vcl_deliver {\n  if (req.http.X-O ~ \"^https://app\\.example\\.com$\") {\n    set resp.http.Access-Control-Allow-Origin = \"https://app.example.com\";\n  }\n}")
		if got := len(f.Matchers); got != tc.want {
			t.Errorf("%s: %d origin allowlists, want %d", tc.value, got, tc.want)
		}
	}
}
