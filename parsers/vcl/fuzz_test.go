package vcl

import (
	"os"
	"path/filepath"
	"testing"

	srcread "github.com/corslint/corslint/source"
)

// FuzzParse asserts that no input panics or hangs the parser or the
// lowering, and that every span lies within the file it names. The input
// can include itself, so cycles and splicing are fuzzed too.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"vcl 4.1;\nbackend b { .host = \"x\"; .probe = { .url = \"/\"; } }\nsub vcl_recv { if (req.method == \"OPTIONS\") { return (synth(204)); } }",
		"sub vcl_deliver { if (req.http.Origin ~ \"^https://a\\.example$\") { set resp.http.Access-Control-Allow-Origin = req.http.Origin; } }",
		"vcl 4.1; include \"self.vcl\"; include +glob \"*.vcl\"; sub vcl_hash { hash_data(req.http.Origin); }",
		"C{ }C {\" \"} \"\"\" \"\"\" /* */ // \n # \n <% x %> {{ y }} ${z} :YWJj: 1.5s",
		"\xef\xbb\xbfvcl 4.1;\r\nsub vcl_synth { synthetic({\"<p>\"} + resp.reason); }\r\n",
		"sub a { if (((((! ! !x)))) { } elsif (y) { } else if (z) { } else { call a; } }",
		"acl a { \"1.2.3.4\"/8; ! \"x\"; (\"y\" / 2); } import std as s from \"p\";",
		"varnish v1 -vcl+backend { sub vcl_deliver { set resp.http.X = \"y\"; } } -start",
		// Fastly: a snippet, subfields, a table allowlist, the error flow,
		// assignment operators and nested Terraform tags.
		"if (req.http.Origin) { set resp.http.Vary:Origin = \"\"; unset resp.http.Vary:Cookie; }\nset req.http.S = req.http.Cookie:id;",
		"table t BOOL { \"https://a.example\": true, \"x\": false, }\nsub vcl_deliver { if (table.lookup(t, req.http.Origin) == \"true\") { set resp.http.Access-Control-Allow-Origin = req.http.Origin; } }",
		"sub vcl_recv {\n#FASTLY recv\n if (req.method == \"OPTIONS\") { error 601 \"x\"; } error; }\nsub vcl_error { if (obj.status == 601) { set obj.status = 204; synthetic {\"\"}; return(deliver); } }",
		"sub vcl_recv { declare local var.n INTEGER; set var.n %= 2; set var.n <<= 1; set var.b ||= true; goto l; l: restart; }",
		"sub vcl_recv { ${indent(2, file(\"${p}/x.vcl\"))} %{ if a != \"}\" ~} set req.url = \"${f(\"{\")}\"; %{ endif } }",
		"sub is_ok BOOL { return (std.suffixof(req.http.Origin, \".example.com\")); }\nsub vcl_deliver { header.set(resp, \"Vary\", \"Origin\"); header.unset(resp, \"X\"); unset resp.http.X-*; }",
		"if (req.method != \"FASTLYPURGE\" && ( ####BLOCKED#### )) { error 405; }\nset bereq.first_byte_timeout = ####T####s;\n####EXTRA####\nset var._x = table.lookup(__t__, \"k\");",
	} {
		f.Add([]byte(s))
	}
	for _, pattern := range []string{"testdata/*.*", "testdata/valid/*.vcl"} {
		paths, _ := filepath.Glob(pattern)
		for _, p := range paths {
			if src, err := os.ReadFile(p); err == nil {
				f.Add(src)
			}
		}
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		files := srcread.Map{"/fz/self.vcl": src, "/fz/other.vcl": src}
		for _, name := range []string{"/fz/self.vcl", "/fz/t.vtc"} {
			c := Parse(name, src, Options{Root: "/fz", FS: files})
			checkSpans(t, c)
			Lower(c)
		}
	})
}
