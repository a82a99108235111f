package vcl

import (
	"fmt"
	"strings"
	"testing"

	"github.com/corslint/corslint/model"
)

const head = "vcl 4.1;\nbackend default { .host = \"127.0.0.1\"; .port = \"8080\"; }\n"

func lower(t *testing.T, body string) *model.File {
	t.Helper()
	c := Parse("/x/default.vcl", []byte(head+body), Options{FS: noFiles()})
	for _, d := range c.Diagnostics {
		t.Fatalf("%s %s", d.Span, d.Message)
	}
	return Lower(c)
}

// responses summarises a file's responses: source, status, methods,
// OPTIONS status, and the headers each carries as produced.
func responses(f *model.File) string {
	var out []string
	for _, r := range f.Responses {
		status := r.Status
		if status == 0 {
			status = 200
		}
		var hs []string
		for _, in := range r.Instances(status, r.Source) {
			hs = append(hs, in.Name)
		}
		s := fmt.Sprintf("%s %d %v", r.Source, r.Status, r.Methods)
		if r.OptionsStatus != 0 {
			s += fmt.Sprintf(" options=%d", r.OptionsStatus)
		}
		out = append(out, s+" "+strings.Join(hs, ","))
	}
	return strings.Join(out, "\n")
}

func TestResponses(t *testing.T) {
	for _, tc := range []struct {
		name, body, want string
	}{
		{"built-in VCL passes every method to the backend", "", "upstream 0 [] "},
		{"synth preflight", `
sub vcl_recv {
    if (req.method == "OPTIONS") { return (synth(204)); }
}
sub vcl_synth {
    if (resp.status == 204) {
        set resp.http.Access-Control-Allow-Methods = "GET, PUT";
    }
    if (resp.status == 404) {
        set resp.http.X-Not-Found = "1";
    }
    if (req.method == "GET") {
        set resp.http.X-Get = "1";
    }
}
sub vcl_deliver {
    set resp.http.Access-Control-Allow-Origin = "https://app.example.com";
}`, "upstream 0 [] Access-Control-Allow-Origin\nserver 204 [OPTIONS] Access-Control-Allow-Methods"},
		{"OPTIONS refused by a method filter", `
sub vcl_recv {
    if (req.method != "GET" && req.method != "HEAD") { return (synth(405)); }
}`, "upstream 0 [] options=405 \nserver 405 [POST PUT DELETE PATCH] "},
		{"pipe skips vcl_deliver", `
sub vcl_recv {
    if (req.method == "OPTIONS") { return (pipe); }
}
sub vcl_deliver {
    set resp.http.Access-Control-Allow-Origin = "*";
}`, "upstream 0 [] Access-Control-Allow-Origin\nupstream 0 [OPTIONS] "},
		{"early return in vcl_deliver", `
sub vcl_deliver {
    if (req.method == "OPTIONS") {
        set resp.http.Access-Control-Allow-Methods = "GET";
        return (deliver);
    }
    set resp.http.X-Rest = "1";
}`, "upstream 0 [] X-Rest\nupstream 0 [OPTIONS] Access-Control-Allow-Methods"},
		{"a custom sub's bare return leaves only the sub", `
sub cors {
    set resp.http.Access-Control-Allow-Origin = "*";
    return;
}
sub vcl_deliver {
    call cors;
    set resp.http.X-After = "1";
}`, "upstream 0 [] Access-Control-Allow-Origin,X-After"},
		{"branches setting the same header stay apart", `
sub vcl_deliver {
    if (req.http.Origin == "https://a.example") {
        set resp.http.Access-Control-Allow-Origin = "https://a.example";
    } else {
        set resp.http.Access-Control-Allow-Origin = "*";
    }
}`, "upstream 0 [] Access-Control-Allow-Origin\nupstream 0 [] Access-Control-Allow-Origin"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := responses(lower(t, tc.body)); got != tc.want {
				t.Errorf("got:\n%s\nwant:\n%s", got, tc.want)
			}
		})
	}
}

func TestCacheFacts(t *testing.T) {
	for _, tc := range []struct {
		name, body, want string // want: "none" or "origin=.. stored=.. delivery=N"
	}{
		{"built-in hash", "", "origin=false stored=false delivery=0 key=[req.url req.http.host]"},
		{"hash_data of the origin", "sub vcl_hash { hash_data(req.http.Origin); }", "origin=true stored=false delivery=0 key=[req.http.Origin req.url req.http.host]"},
		{"hash_data of a copy of the origin", `
sub vcl_recv { set req.http.X-O = std.tolower(req.http.Origin); set req.http.X-Copy = req.http.Origin; }
sub vcl_hash { hash_data(req.http.X-Copy); }`, "origin=true stored=false delivery=0 key=[req.http.X-Copy req.url req.http.host]"},
		{"Vary on beresp", `sub vcl_backend_response { set beresp.http.Vary = beresp.http.Vary + ",Origin"; }`, "origin=false stored=true delivery=0 key=[req.url req.http.host]"},
		{"Vary on delivery only", `sub vcl_deliver { set resp.http.Vary = "Origin"; }`, "origin=false stored=false delivery=1 key=[req.url req.http.host]"},
		{"CORS requests passed", `sub vcl_recv { if (req.http.Origin) { return (pass); } }`, "none"},
		{"everything passed", `sub vcl_recv { return (pass); }`, "none"},
		{"uncacheable", `sub vcl_backend_response { set beresp.uncacheable = true; }`, "none"},
		{"zero TTL", `sub vcl_backend_response { set beresp.ttl = 0s; return (deliver); }`, "none"},
		{"a user vcl_hash that returns skips the built-in key", `sub vcl_hash { hash_data(req.url); return (lookup); }`, "origin=false stored=false delivery=0 key=[req.url]"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := lower(t, tc.body)
			got := "none"
			if len(f.Caches) > 0 {
				c := f.Caches[0]
				got = fmt.Sprintf("origin=%v stored=%v delivery=%d key=%v", c.KeyHasOrigin, c.StoredVaryOrigin, len(c.DeliveryVary), c.Key)
			}
			if got != tc.want {
				t.Errorf("got %s, want %s", got, tc.want)
			}
		})
	}
}

func TestStored(t *testing.T) {
	f := lower(t, `
sub vcl_recv {
    if (req.url ~ "^/api/") { return (pass); }
}
sub vcl_backend_response {
    if (bereq.url ~ "^/api/") {
        set beresp.http.Access-Control-Allow-Origin = bereq.http.Origin;
    }
    set beresp.http.X-All = "1";
}
sub vcl_backend_error {
    set beresp.http.Access-Control-Allow-Origin = bereq.http.Origin;
}`)
	got := map[int]bool{}
	for _, op := range f.Headers {
		got[op.Span.Line] = op.Stored
	}
	// Line numbers count the two lines of head.
	want := map[int]bool{
		9:  true,  // reached on a cached path as far as the VCL knows (bereq.url is not decided)
		11: true,  // on every stored object
		14: false, // vcl_backend_error's objects are not cached
	}
	for line, w := range want {
		if got[line] != w {
			t.Errorf("line %d: Stored=%v, want %v", line, got[line], w)
		}
	}
	only := lower(t, `
sub vcl_recv {
    if (req.http.Origin) { return (pass); }
}
sub vcl_backend_response {
    if (bereq.http.Origin) {
        set beresp.http.Access-Control-Allow-Origin = bereq.http.Origin;
    }
}`)
	if op := only.Headers[0]; op.Stored {
		t.Errorf("%s runs only for passed requests, yet Stored", op.Raw)
	}
}

// guards lists, for each header statement, its value's kind and the
// patterns that gate it.
func guards(f *model.File) string {
	var out []string
	for _, op := range f.Headers {
		var gs []string
		for _, p := range op.Value.Possible() {
			for _, g := range p.Guards {
				gs = append(gs, g.Pattern)
			}
		}
		out = append(out, fmt.Sprintf("%s %s %v", op.Name, op.Value.Kind, gs))
	}
	for _, m := range f.Matchers {
		out = append(out, fmt.Sprintf("matcher %q ci=%v kind=%d", m.Pattern, m.CaseInsensitive, m.Kind))
	}
	return strings.Join(out, "\n")
}

func TestGuards(t *testing.T) {
	for _, tc := range []struct {
		name, body, want string
	}{
		{"regex", `
sub vcl_deliver {
    if (req.http.Origin ~ "^https://a\.example$") {
        set resp.http.Access-Control-Allow-Origin = req.http.Origin;
    }
}`, "Access-Control-Allow-Origin reflected [^https://a\\.example$]\nmatcher \"^https://a\\\\.example$\" ci=false kind=0"},
		{"negated regex, else branch", `
sub vcl_deliver {
    if (req.http.Origin !~ "^https://a\.example$") {
        unset resp.http.Access-Control-Allow-Origin;
    } else {
        set resp.http.Access-Control-Allow-Origin = req.http.Origin;
    }
}`, "Access-Control-Allow-Origin literal []\nAccess-Control-Allow-Origin reflected [^https://a\\.example$]\nmatcher \"^https://a\\\\.example$\" ci=false kind=0"},
		{"presence only is no allowlist", `
sub vcl_deliver {
    if (req.http.Origin) {
        set resp.http.Access-Control-Allow-Origin = req.http.Origin;
    }
}`, "Access-Control-Allow-Origin reflected []"},
		{"exact matches joined by ||, lowered", `
sub vcl_deliver {
    if (std.tolower(req.http.Origin) == "https://a.example" || req.http.Origin.lower() == "https://b.example") {
        set resp.http.Access-Control-Allow-Origin = req.http.Origin;
    }
}`, "Access-Control-Allow-Origin reflected [https://a.example https://b.example]\nmatcher \"https://a.example\" ci=true kind=1\nmatcher \"https://b.example\" ci=true kind=1"},
		{"one side of || unchecked", `
sub vcl_deliver {
    if (req.http.Origin == "https://a.example" || req.url ~ "^/public/") {
        set resp.http.Access-Control-Allow-Origin = req.http.Origin;
    }
}`, "Access-Control-Allow-Origin reflected []\nmatcher \"https://a.example\" ci=false kind=1"},
		{"a flag set in vcl_recv", `
sub vcl_recv {
    if (req.http.Origin ~ "^https://a\.example$") {
        set req.http.X-CORS = "1";
    }
}
sub vcl_deliver {
    if (req.http.X-CORS == "1") {
        set resp.http.Access-Control-Allow-Origin = req.http.Origin;
        set resp.http.Access-Control-Allow-Credentials = "true";
    }
}`, "Access-Control-Allow-Origin reflected [^https://a\\.example$]\nAccess-Control-Allow-Credentials variable [^https://a\\.example$]\nmatcher \"^https://a\\\\.example$\" ci=false kind=0"},
		{"template pattern", `
sub vcl_deliver {
    if (req.http.Origin ~ "<%= @cors %>") {
        set resp.http.Access-Control-Allow-Origin = req.http.Origin;
    }
}`, "Access-Control-Allow-Origin reflected [<%= @cors %>]\nmatcher \"<%= @cors %>\" ci=false kind=0"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := guards(lower(t, tc.body)); got != tc.want {
				t.Errorf("got:\n%s\nwant:\n%s", got, tc.want)
			}
		})
	}
}

func TestHeaderOps(t *testing.T) {
	f := lower(t, `
sub vcl_deliver {
    set resp.http.Vary += ", Origin";
    set resp.http.Vary = resp.http.Vary + ", Origin";
    if (!resp.http.Vary) {
        set resp.http.Vary = "Origin";
    }
    set resp.http.Vary = "Origin";
    header.append(resp.http.Access-Control-Allow-Origin, "https://a.example");
    set resp.http.access-control-allow-methods = "GET";
    set resp.http.X-Templated = "<%= @x %>";
    if (req.http.Origin == "https://a.example") {
        set resp.http.Access-Control-Max-Age = "60";
    }
    if (req.http.Origin) {
        set resp.http.Access-Control-Expose-Headers = "X-Id";
    }
}`)
	var got []string
	for _, op := range f.Headers {
		got = append(got, fmt.Sprintf("%s %s %s %q origin-dependent=%v", op.Op, op.Name, op.Value.Kind, op.Value.Text, op.Value.DependsOnOrigin()))
	}
	want := []string{
		`append Vary literal "Origin" origin-dependent=false`,
		`append Vary literal "Origin" origin-dependent=false`,
		`append Vary literal "Origin" origin-dependent=false`,
		`set Vary literal "Origin" origin-dependent=false`,
		`add Access-Control-Allow-Origin literal "https://a.example" origin-dependent=false`,
		`set Access-Control-Allow-Methods literal "GET" origin-dependent=false`,
		`set X-Templated unknown "" origin-dependent=false`,
		`set Access-Control-Max-Age variable "" origin-dependent=true`,
		`set Access-Control-Expose-Headers literal "X-Id" origin-dependent=false`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	for _, op := range f.Headers {
		if op.Delivery != model.Delivered {
			t.Errorf("%s in vcl_deliver: delivery %d", op.Raw, op.Delivery)
		}
	}
}

// A file without `vcl 4.x;` (an include, Fastly's or Varnish 3's VCL) has
// no request flow, but its header statements are checked.
func TestNoFlowWithoutVersion(t *testing.T) {
	c := Parse("/x/cors.inc.vcl", []byte("sub cors {\n    set resp.http.Access-Control-Allow-Origin = \"*\";\n}\n"), Options{FS: noFiles()})
	f := Lower(c)
	if len(f.Headers) != 1 || len(f.Responses) != 0 || len(f.Caches) != 0 {
		t.Errorf("headers=%d responses=%d caches=%d", len(f.Headers), len(f.Responses), len(f.Caches))
	}
}
