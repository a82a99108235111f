package apache

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/corslint/corslint/model"
	"github.com/corslint/corslint/rules"
	"github.com/corslint/corslint/source"
)

// FuzzParse asserts that no input panics, in the parser, the lowering or
// the rules, and that every span lies within the file it names. The input
// is also reachable through includes of itself, so cycles and splicing are
// fuzzed.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"<VirtualHost *:80>\nHeader always set Access-Control-Allow-Origin expr=%{req:Origin}\n</VirtualHost>\n",
		"SetEnvIfNoCase Origin \"^https://(a|b)\\.x$\" C=$0\nHeader set A \"%{C}e\" env=C\n",
		"<If \"%{HTTP:Origin} =~ m#^https://a>b$# && %{REQUEST_METHOD} == 'OPTIONS'\">\nRewriteEngine On\nRewriteRule ^ - [R=204,L]\n</If>\n<Else>\n</Else>\n",
		"RewriteCond %{HTTP:Origin} ^(https://a\\.x)$ [NC,OR]\nRewriteCond %{REQUEST_METHOD} !^(GET|POST)$\nRewriteRule .* - [E=O:%1,R=204]\n",
		"Include self.conf\nIncludeOptional *.conf\nDefine X ${X}${X}\nHeader set \"a\\\"b\" 'c' ${X}\n",
		"<FilesMatch \"^/api/\">\nHeader set Access-Control-Allow-Origin *\n</Location>\n",
		"\xef\xbb\xbfHeader set X a\\\r\n b\r\n# c \\\nd\n\"unterminated",
		"<% if x %>\n<VirtualHost {{ h }}>\n<% end %>\n",
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
			ServerRoot: "/fz",
			FS: source.Map{
				"/fz/self.conf":  src,
				"/fz/other.conf": []byte("Include self.conf\nHeader set Other 1\n"),
			},
		}
		c := Parse("/fz/self.conf", src, opts)
		checkSpans(t, c)
		file := Lower(c)
		rules.Run(file, []*model.File{file}, rules.All(), &rules.Options{TrustedOrigins: []string{"https://a.x"}})
		ht := Parse("/fz/www/.htaccess", src, opts)
		LowerWith(Parse("/fz/httpd.conf", []byte("DocumentRoot /fz/www\n<Directory /fz/www>\nAllowOverride All\n</Directory>\n"), opts),
			[]*Htaccess{{Config: ht, Dir: "/fz/www"}})
	})
}

// checkSpans verifies that every directive, argument and diagnostic points
// into the text of its file.
func checkSpans(t *testing.T, c *Config) {
	t.Helper()
	valid := func(what string, sp model.Span) {
		src, ok := c.Sources[sp.File]
		if !ok {
			t.Fatalf("%s: span in unknown file %q", what, sp.File)
		}
		lines := strings.Count(string(src), "\n") + 1
		if sp.Line < 1 || sp.Line > lines || sp.Col < 1 || sp.EndLine < sp.Line || sp.EndLine > lines+1 {
			t.Fatalf("%s: span %d:%d-%d:%d outside %d lines", what, sp.Line, sp.Col, sp.EndLine, sp.EndCol, lines)
		}
	}
	walkDirectives(c.Directives, func(d *Directive, _ []*Directive) bool {
		valid(d.Name, d.Span)
		for _, a := range d.Args {
			valid(d.Name+" argument", a.Span)
		}
		return true
	})
	for _, d := range c.Diagnostics {
		if d.Span.File != "" {
			valid("diagnostic "+d.Message, d.Span)
		}
	}
}
