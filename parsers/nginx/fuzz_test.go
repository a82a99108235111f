package nginx

import (
	"io/fs"
	"os"
	"path/filepath"
	"testing"
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
	if entries, err := os.ReadDir(testdataDir); err == nil {
		for _, e := range entries {
			if src, err := os.ReadFile(filepath.Join(testdataDir, e.Name())); err == nil && e.Type().IsRegular() {
				f.Add(src)
			}
		}
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		opts := Options{
			Prefix: "/fz",
			ReadFile: func(p string) ([]byte, error) {
				switch filepath.ToSlash(p) {
				case "/fz/self.conf":
					return src, nil
				case "/fz/other.conf":
					return []byte("include self.conf;\nother;\n"), nil
				}
				return nil, &fs.PathError{Op: "open", Path: p, Err: fs.ErrNotExist}
			},
			Glob: func(string) ([]string, error) { return []string{"/fz/other.conf"}, nil },
		}
		c := Parse("/fz/self.conf", src, opts)
		checkSpans(t, c)
	})
}
