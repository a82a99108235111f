package nginx

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/corslint/corslint/source"
)

// FuzzParse asserts that no input panics and that every span lies within
// the file it names and holds the text it claims. The input is also
// reachable through includes of itself, so cycles and splicing are fuzzed.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"http { server { listen 80; location / { add_header A $http_origin always; } } }",
		"map $http_origin $cors { default \"\"; \"~^https://a\\.example$\" $http_origin; }",
		"if ($http_origin ~* ^https://(a|b){2,3}\\.x$) { return 204; }",
		"content_by_lua_block { local s = [==[ } ]==] -- }\n ngx.say('{') }",
		"{% if x %}\nserver_name {{ a }} <%= b %>;\n{% endif %}\n",
		"include self.conf; include *.conf; a \"b\\\"c\" 'd' ${e}f;",
		"\xef\xbb\xbfa;\r\n}# c\r\n\"unterminated",
	} {
		f.Add([]byte(s))
	}
	if entries, err := os.ReadDir("testdata"); err == nil {
		for _, e := range entries {
			if src, err := os.ReadFile(filepath.Join("testdata", e.Name())); err == nil && e.Type().IsRegular() {
				f.Add(src)
			}
		}
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		opts := Options{
			Prefix: "/fz",
			FS: source.Map{
				"/fz/self.conf":  src,
				"/fz/other.conf": []byte("include self.conf;\nother;\n"),
			},
		}
		c := Parse("/fz/self.conf", src, opts)
		checkSpans(t, c)
	})
}
