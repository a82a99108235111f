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

// obj.hits is 0 for what vcl_deliver delivers fresh from the backend.
func TestObjHits(t *testing.T) {
	f := lower(t, "sub vcl_deliver {\n  if (obj.hits > 0) {\n    set resp.http.Access-Control-Allow-Origin = \"*\";\n  }\n}")
	if got := allowOrigins(f, "GET"); len(got) != 1 || got[0] != "" {
		t.Errorf("a fresh answer has no hits: got %q", got)
	}
	f = lower(t, "sub vcl_deliver {\n  if (obj.hits == 0) {\n    set resp.http.Access-Control-Allow-Origin = \"*\";\n  }\n}")
	if got := allowOrigins(f, "GET"); len(got) != 1 || got[0] != "*" {
		t.Errorf("a fresh answer has no hits: got %q", got)
	}
}

// A synth for a method regex answers only the methods it matches, OPTIONS
// among them.
func TestMethodRegexSynth(t *testing.T) {
	f := lower(t, "sub vcl_recv {\n  if (req.method ~ \"^(OPTIONS|PATCH)$\") {\n    return (synth(204));\n  }\n}")
	for _, r := range f.Responses {
		if r.Status != 204 {
			continue
		}
		if r.ForMethod("GET") || !r.ForMethod("OPTIONS") || !r.ForMethod("PATCH") {
			t.Errorf("the 204 is for OPTIONS and PATCH only, got methods %v", r.Methods)
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
				got = op.Value.Kind == model.Reflected
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
