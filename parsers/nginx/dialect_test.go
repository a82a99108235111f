package nginx

import (
	"regexp"
	"strconv"
	"testing"

	"github.com/corslint/corslint/dialect"
	"github.com/corslint/corslint/dialect/dialecttest"
)

var scanner = dialecttest.Scanner{
	Name:  "nginx",
	Spec:  regexp.MustCompile(`(?m)^\s*(?:(?:server|http|location|upstream|map|events)\b[^;{\n]*\{|(?:add_header|proxy_pass|server_name|listen|more_set_headers|proxy_hide_header)\s[^\n]*;)`),
	At:    statementAt,
	Limit: 8,
}

var scannerEdges = []string{
	"server{", "server {\n", "server;{", "servers {", "server_name a;", "server_name\na;", "server_name a", "listen\n80;",
	"listen 80; # x;", "  \n\n  http {", "map$a $b {", "http\n{", "events{}", "location /a;{",
	"add_header A B;\nadd_header C D;", "proxy_pass\t;", "\flisten ;", "\vlisten 1;",
	"server {\nlisten 80;\n}\n" + "add_header a b;\nadd_header a b;\nadd_header a b;\nadd_header a b;\nadd_header a b;\nadd_header a b;\nadd_header a b;\nadd_header a b;\nadd_header a b;\n",
}

func TestStatementAtMatchesSpec(t *testing.T) {
	for i, e := range scannerEdges {
		scanner.Check(t, "edge "+strconv.Itoa(i), []byte(e))
	}
	for name, src := range dialecttest.Inputs(t, "../..") {
		scanner.Check(t, name, src)
	}
}

func FuzzStatementAt(f *testing.F) {
	for _, e := range scannerEdges {
		f.Add([]byte(e))
	}
	f.Fuzz(func(t *testing.T, src []byte) { scanner.Check(t, "fuzz", src) })
}

func TestDetect(t *testing.T) {
	for _, c := range []struct {
		path, src string
		want      dialect.Confidence
	}{
		{"etc/nginx.conf", "", dialect.Certain},
		{"site.conf", "server {\n    listen 80;\n}\n", dialect.Likely},
		{"site.txt", "server {\n    listen 80;\n}\n", dialect.Possible},
		{"snippet.conf", "root /srv/www;\nindex index.html;\n", dialect.Possible},
		{"supervisord.conf", "[supervisord]\nnodaemon=true\n", dialect.None},
		{"template.yaml", "server {\n    listen 80;\n}\n", dialect.None},
	} {
		if got := (Dialect{}).Detect(c.path, []byte(c.src)).Confidence; got != c.want {
			t.Errorf("Detect(%s, %q) = %d, want %d", c.path, c.src, got, c.want)
		}
	}
}
