package vcl

import (
	"strings"
	"testing"
)

func TestFastlySubfield(t *testing.T) {
	src := "sub vcl_deliver {\n  set resp.http.Vary:Origin = \"\";\n  set req.http.S = req.http.Cookie:__Host-session;\n  unset resp.http.Cache-Control:private;\n  unset resp.http.X-Amz-*;\n}\n"
	c := Parse("/x/f.vcl", []byte(src), Options{FS: noFiles()})
	checkSpans(t, c)
	if e := firstError(c); e != "" {
		t.Fatalf("unexpected error %s", e)
	}
	body := c.subs("vcl_deliver")[0].Body.Stmts
	if got := body[0].(*Set).Target.Name; got != "resp.http.Vary:Origin" {
		t.Errorf("target %q, want resp.http.Vary:Origin", got)
	}
	if got := body[1].(*Set).Value.(*Ident).Name; got != "req.http.Cookie:__Host-session" {
		t.Errorf("value %q, want req.http.Cookie:__Host-session", got)
	}
	if got := body[2].(*Unset).Target.Span; got.Col != 9 || got.EndCol != 40 {
		t.Errorf("unset target span %d-%d, want 9-40", got.Col, got.EndCol)
	}
	if got := body[3].(*Unset).Target; got.Name != "resp.http.X-Amz-*" || got.Span.EndCol != 26 {
		t.Errorf("prefix unset target %q ending at %d, want resp.http.X-Amz-* ending at 26", got.Name, got.Span.EndCol)
	}
	if !c.Fastly {
		t.Error("a header subfield is Fastly's syntax; Fastly = false")
	}
	if v, k := subfield("resp.http.Vary:Origin"); v != "resp.http.Vary" || k != "Origin" {
		t.Errorf("subfield = %q, %q", v, k)
	}
	if v, k := subfield("var.x"); v != "var.x" || k != "" {
		t.Errorf("subfield of a plain name = %q, %q", v, k)
	}
}

func TestFastlySnippet(t *testing.T) {
	cases := []struct{ path, src, want string }{
		{"/x/add_cors_headers.vcl", "if (req.http.Origin) {\n  set resp.http.Access-Control-Allow-Origin = \"*\";\n}\n", "vcl_deliver"},
		{"/x/cleanup.vcl", "unset beresp.http.x-amz-id-2;\nset beresp.ttl = 1h;\n", "vcl_fetch"},
		{"/x/forward.vcl", "if (req.method == \"GET\") {\n  set bereq.url = \"/${hostname}\" + req.url;\n}\n", "vcl_miss"},
		{"/x/preflight.vcl", "if (obj.status == 601) {\n  set obj.status = 204;\n  synthetic \"\";\n  return(deliver);\n}\n", "vcl_error"},
		{"/x/recv_fixups.vcl", "set resp.http.X = \"1\";\n", "vcl_recv"}, // the name wins
		{"/x/purge.vcl", "set req.http.Fastly-Purge-Requires-Auth = \"1\";\nstd.collect(req.http.Cookie);\n", "vcl_recv"},
	}
	for _, tc := range cases {
		c := Parse(tc.path, []byte(tc.src), Options{FS: noFiles()})
		checkSpans(t, c)
		if e := firstError(c); e != "" {
			t.Errorf("%s: unexpected error %s", tc.path, e)
			continue
		}
		if len(c.Decls) != 1 {
			t.Errorf("%s: %d declarations, want one snippet", tc.path, len(c.Decls))
			continue
		}
		s := c.Decls[0].(*Sub)
		if !s.Snippet || s.Name != tc.want {
			t.Errorf("%s: snippet=%v name=%q, want a snippet in %s", tc.path, s.Snippet, s.Name, tc.want)
		}
		if !c.Fastly {
			t.Errorf("%s: a snippet is Fastly's; Fastly = false", tc.path)
		}
	}
}

// TestSnippetStrict: a VCL 4 file keeps refusing statements outside subs.
func TestSnippetStrict(t *testing.T) {
	c := Parse("/x/v.vcl", []byte("vcl 4.1;\nset req.url = \"/\";\n"), Options{FS: noFiles()})
	if e := firstError(c); !strings.HasPrefix(e, "2:1 expected one of") {
		t.Errorf("first error %q, want the top-level error at 2:1", e)
	}
	if c.Fastly {
		t.Error("VCL 4.1 is Varnish's")
	}
}

func TestIsFastly(t *testing.T) {
	cases := []struct {
		name, src string
		want      bool
	}{
		{"macro", "sub vcl_recv {\n#FASTLY recv\n}\n", true},
		{"generated macro", "sub vcl_recv {\n#--FASTLY RECV BEGIN\n}\n", true},
		{"table", "table origins { \"https://a.example\": \"1\", }\nsub vcl_recv { }\n", true},
		{"declare local", "sub vcl_recv { declare local var.x STRING; }\n", true},
		{"fastly variable", "sub vcl_deliver { if (fastly.ff.visits_this_service == 0) { } }\n", true},
		{"req.hash", "sub vcl_hash { set req.hash += req.url; }\n", true},
		{"snippet", "set req.url = querystring.remove(req.url);\n", true},
		{"varnish 4", "vcl 4.1;\nbackend b { .host = \"x\"; }\nsub vcl_deliver { set resp.http.X = \"1\"; }\n", false},
		{"varnish 3", "backend b { .host = \"x\"; }\nsub vcl_recv { if (req.request == \"PURGE\") { error 405 \"No\"; } }\n", false},
		{"include fragment", "sub my_headers { set resp.http.X = \"1\"; }\n", false},
		{"shell script", "#!/bin/sh\nset -e\necho \"$var.x\" req.url\n", false},
		{"javascript", "if (req.headers.origin) { resp.setHeader('Access-Control-Allow-Origin', '*'); }\n", false},
		{"no variables", "# nothing here\n", false},
	}
	for _, tc := range cases {
		if got := IsFastly("/x/t.vcl", []byte(tc.src)); got != tc.want {
			t.Errorf("%s: IsFastly = %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestFastlyTable(t *testing.T) {
	src := "table origins BOOL {\n  \"https://a.example\": true,\n  \"https://b.example\": false\n}\n" +
		"table names { \"https://c.example\": \"yes\", \"https://d.example\": \"no\", }\n" +
		"sub vcl_deliver {\n" +
		"  if (table.lookup(origins, req.http.Origin)) { set resp.http.Access-Control-Allow-Origin = req.http.Origin; }\n" +
		"  if (table.lookup(names, req.http.Origin) == \"no\") { set resp.http.X-No = \"1\"; }\n" +
		"  if (table.contains(names, req.http.Origin)) { set resp.http.X-Known = \"1\"; }\n" +
		"}\n"
	c := Parse("/x/t.vcl", []byte(src), Options{FS: noFiles()})
	checkSpans(t, c)
	if e := firstError(c); e != "" {
		t.Fatalf("unexpected error %s", e)
	}
	tb, ok := c.Decls[0].(*Table)
	if !ok || tb.Name != "origins" || tb.Type != "BOOL" || len(tb.Entries) != 2 || tb.Entries[1].Key.Value != "https://b.example" {
		t.Fatalf("first declaration %#v, want table origins BOOL with two entries", c.Decls[0])
	}
	f := Lower(c)
	var got []string
	for _, m := range f.Matchers {
		got = append(got, m.Pattern+" "+strings.Join(m.Exact, ","))
	}
	want := []string{
		"table origins https://a.example",                 // false is refused
		"table names https://d.example",                   // == "no"
		"table names https://c.example,https://d.example", // contains: every key
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("matchers\n got  %q\n want %q", got, want)
	}
	if op := f.Headers[0]; op.Value.Kind.String() != "reflected" || len(op.Value.Guards) != 1 || op.Value.Guards[0] != f.Matchers[0] {
		t.Errorf("the echo is not guarded by the table: %+v", op.Value)
	}
}

// TestFastlyErrorFlow: an error statement reaches vcl_error with its
// status (503 when it has none), obj.status changes it, and vcl_deliver
// then runs on the synthetic answer.
func TestFastlyErrorFlow(t *testing.T) {
	src := "sub vcl_recv {\n#FASTLY recv\n  if (req.method == \"OPTIONS\") { error 601; }\n  if (req.method == \"DELETE\") { error; }\n}\n" +
		"sub vcl_error {\n  if (obj.status == 601) { set obj.status = 204; set obj.http.Access-Control-Allow-Methods = \"PUT\"; return(deliver); }\n}\n" +
		"sub vcl_deliver {\n  set resp.http.Access-Control-Allow-Origin = \"https://a.example\";\n}\n"
	c := Parse("/x/s.vcl", []byte(src), Options{FS: noFiles()})
	f := Lower(c)
	statuses := map[string]int{}
	for _, r := range f.Responses {
		if r.Source.String() != "server" {
			continue
		}
		for _, m := range r.Methods {
			statuses[m] = r.Status
		}
		if len(r.Ops("Access-Control-Allow-Origin")) == 0 {
			t.Errorf("the %d answer lacks vcl_deliver's Allow-Origin", r.Status)
		}
		for _, c := range r.Conds {
			if strings.Contains(c.Text, "obj.status") {
				t.Errorf("the %d answer keeps %q as a condition, which its status decides", r.Status, c.Text)
			}
		}
	}
	if statuses["OPTIONS"] != 204 || statuses["DELETE"] != 503 {
		t.Errorf("synthetic statuses %v, want OPTIONS 204 and DELETE 503", statuses)
	}
}

func TestFastlyAssignOps(t *testing.T) {
	var b strings.Builder
	b.WriteString("sub vcl_recv {\n  declare local var.n INTEGER;\n")
	for _, op := range []string{"=", "+=", "-=", "*=", "/=", "%=", "|=", "&=", "^=", "<<=", ">>=", "&&=", "||="} {
		b.WriteString("  set var.n " + op + " 1;\n")
	}
	b.WriteString("}\n")
	c := Parse("/x/ops.vcl", []byte(b.String()), Options{FS: noFiles()})
	checkSpans(t, c)
	if e := firstError(c); e != "" {
		t.Errorf("unexpected error %s", e)
	}
	if got := len(c.subs("vcl_recv")[0].Body.Stmts); got != 14 {
		t.Errorf("%d statements, want 14", got)
	}
	strict := Parse("/x/v.vcl", []byte("vcl 4.1;\nsub vcl_recv { set req.http.X %= 1; }\n"), Options{FS: noFiles()})
	if e := firstError(strict); !strings.Contains(e, "expected '=' after req.http.X") {
		t.Errorf("VCL 4.1 has no %%=: first error %q", e)
	}
}

// TestTerraformNested: a Terraform interpolation nests braces and quotes
// (${indent(2, file("${path}/x.vcl"))}) and still ends where Terraform
// ends it.
func TestTerraformNested(t *testing.T) {
	src := "sub vcl_recv {\n  ${indent(2, file(\"${module_path}/../shared/_headers.vcl.tftpl\"))}\n" +
		"  %{ if environment != \"production\" ~}\n  set req.http.X = \"${lookup(var.m, \"k\")}\";\n  %{ endif ~}\n}\n"
	c := Parse("/x/www.vcl.tftpl", []byte(src), Options{FS: noFiles()})
	checkSpans(t, c)
	if e := firstError(c); e != "" {
		t.Fatalf("unexpected error %s", e)
	}
	body := c.subs("vcl_recv")[0].Body.Stmts
	if len(body) != 1 {
		t.Fatalf("%d statements, want only the set: lines of template tags are read past", len(body))
	}
	if s := body[0].(*Set).Value.(*String); s.Value != `${lookup(var.m, "k")}` {
		t.Errorf("value %q, want the interpolation with its quotes", s.Value)
	}
}

func TestFastlyHeaderFunctions(t *testing.T) {
	src := "sub vcl_deliver {\n#FASTLY deliver\n  header.set(resp, \"access-control-allow-origin\", \"https://a.example\");\n" +
		"  header.unset(resp, \"Access-Control-Allow-Credentials\");\n  header.set(resp, req.http.Name, \"x\");\n  header.filter_except(resp, \"Vary\");\n}\n"
	f := Lower(Parse("/x/h.vcl", []byte(src), Options{FS: noFiles()}))
	var got []string
	for _, op := range f.Headers {
		got = append(got, op.Op.String()+" "+op.Name+" "+op.Value.Text)
	}
	want := "set Access-Control-Allow-Origin https://a.example|unset Access-Control-Allow-Credentials "
	if strings.Join(got, "|") != want {
		t.Errorf("ops %q, want %q (a name only known at run time is no op)", strings.Join(got, "|"), want)
	}
}

// TestFastlyRestart: restart ends the path; only the other branch answers.
func TestFastlyRestart(t *testing.T) {
	src := "sub vcl_deliver {\n#FASTLY deliver\n  if (resp.status >= 500 && req.restarts < 1) {\n    set resp.http.X-Retry = \"1\";\n    restart;\n  }\n  set resp.http.Access-Control-Allow-Origin = \"*\";\n}\n"
	f := Lower(Parse("/x/r.vcl", []byte(src), Options{FS: noFiles()}))
	if len(f.Responses) == 0 {
		t.Fatal("no responses")
	}
	for _, r := range f.Responses {
		if len(r.Ops("X-Retry")) > 0 {
			t.Errorf("a response carries X-Retry, set only on the path that restarts")
		}
		if len(r.Ops("Access-Control-Allow-Origin")) == 0 {
			t.Errorf("a response lacks Allow-Origin")
		}
	}
}

// TestFastlyFunctionsAndPlaceholders: typed subs return values, names may
// start with '_', and ####NAME#### placeholders stand for values.
func TestFastlyFunctionsAndPlaceholders(t *testing.T) {
	src := "sub is_allowed BOOL {\n  if (req.method == \"POST\") {\n    return true;\n  }\n  return (req.http.X == \"1\");\n}\n" +
		"sub vcl_recv {\n#FASTLY recv\n  set var.p = table.lookup(__config_table__, \"PATH\");\n" +
		"  if (req.method != \"FASTLYPURGE\" && ( ####BLOCKED_ITEMS#### )) {\n    error 405 \"Not allowed\";\n  }\n" +
		"  set bereq.first_byte_timeout = ####ADMIN_PATH_TIMEOUT####s;\n  ####EXTRA_RECV####\n}\n" +
		"sub vcl_error {\n  synthetic.base64 \"SGVsbG8=\";\n  esi;\n  log \"syslog \" req.service_id \" x :: \" req.url;\n}\n"
	c := Parse("/x/f.vcl", []byte(src), Options{FS: noFiles()})
	checkSpans(t, c)
	if e := firstError(c); e != "" {
		t.Fatalf("unexpected error %s", e)
	}
	fn := c.subs("is_allowed")[0]
	if fn.Type != "BOOL" {
		t.Errorf("type %q, want BOOL", fn.Type)
	}
	if r, ok := fn.Body.Stmts[1].(*Return); !ok || r.Action != "value" || exprText(r.Args[0]) != `req.http.X == "1"` {
		t.Errorf("last statement %#v, want return of a value", fn.Body.Stmts[1])
	}
	if got := len(c.subs("vcl_recv")[0].Body.Stmts); got != 3 {
		t.Errorf("vcl_recv has %d statements, want 3 (a line of one placeholder is read past)", got)
	}
}

func TestFastlyAffixMatchers(t *testing.T) {
	src := "sub vcl_deliver {\n" +
		"  if (std.prefixof(req.http.Origin, \"https://\") && std.suffixof(req.http.Origin, \".example.com\")) { set resp.http.A = \"1\"; }\n" +
		"  if (std.prefixof(req.http.Origin, \"https://app.example.com\")) { set resp.http.B = \"1\"; }\n" +
		"  if (std.suffixof(req.url, \".js\")) { set resp.http.C = \"1\"; }\n}\n"
	f := Lower(Parse("/x/a.vcl", []byte(src), Options{FS: noFiles()}))
	var got []string
	for _, m := range f.Matchers {
		got = append(got, m.Pattern)
	}
	want := `\.example\.com$|^https://app\.example\.com` // the scheme check and the URL test are no allowlists
	if strings.Join(got, "|") != want {
		t.Errorf("matchers %q, want %q", strings.Join(got, "|"), want)
	}
}

// TestOptionsWithoutOrigin: OPTIONS without Origin is no preflight, so
// the 405 that only such a request gets is no answer to OPTIONS.
func TestOptionsWithoutOrigin(t *testing.T) {
	src := "sub vcl_recv {\n#FASTLY recv\n  if (req.method == \"OPTIONS\" && req.http.Origin) {\n    error 601;\n  }\n" +
		"  if (req.method != \"GET\" && req.method != \"HEAD\") {\n    error 405;\n  }\n}\n" +
		"sub vcl_error {\n  if (obj.status == 601) { set obj.status = 204; return(deliver); }\n}\n"
	f := Lower(Parse("/x/o.vcl", []byte(src), Options{FS: noFiles()}))
	var options []int
	for _, r := range f.Responses {
		if r.Methods != nil && r.ForMethod("OPTIONS") {
			options = append(options, r.Status)
		}
	}
	if len(options) != 1 || options[0] != 204 {
		t.Errorf("OPTIONS gets %v, want only the 204 preflight answer", options)
	}
}
