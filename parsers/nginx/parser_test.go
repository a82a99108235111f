package nginx

import (
	"fmt"
	"strings"
	"testing"

	"github.com/corslint/corslint/model"
	"github.com/corslint/corslint/source"
)

func parseString(src string) *Config {
	return Parse("t.conf", []byte(src), Options{FS: source.Map{}})
}

func diags(c *Config) string {
	var b strings.Builder
	for _, d := range c.Diagnostics {
		note := ""
		if d.Note {
			note = " (note)"
		}
		fmt.Fprintf(&b, "%d:%d-%d:%d %s%s %s\n", d.Span.Line, d.Span.Col, d.Span.EndLine, d.Span.EndCol, d.RuleID, note, d.Message)
	}
	return b.String()
}

func lines(s ...string) string {
	if len(s) == 0 {
		return ""
	}
	return strings.Join(s, "\n") + "\n"
}

// TestParse checks the tree (names, arguments as written, exact spans) and
// the diagnostics of small inputs.
func TestParse(t *testing.T) {
	tests := []struct {
		name, src string
		tree      string
		diags     string
	}{
		{
			name: "positions of names, arguments and ends",
			src:  "worker_processes 4;\nhttp {\n    server_tokens  off;\n}\n",
			tree: lines(
				"1:1-1:20 worker_processes [1:18-1:19 4]",
				"2:1-4:2 http {",
				"  3:5-3:24 server_tokens [3:20-3:23 off]",
			),
		},
		{
			name: "block span starts at the name even when the brace is on a later line",
			src:  "location\n  /api/\n{\n  return 204;\n  }",
			tree: lines(
				"1:1-5:4 location [2:3-2:8 /api/] {",
				"  4:3-4:14 return [4:10-4:13 204]",
			),
		},
		{
			name: "words end at whitespace and ; { }",
			src:  "a b;c{d e;}f;",
			tree: lines(
				"1:1-1:5 a [1:3-1:4 b]",
				"1:5-1:12 c {",
				"  1:7-1:11 d [1:9-1:10 e]",
				"1:12-1:14 f",
			),
		},
		{
			name: "hash inside a word is part of it",
			src:  "add_header X-A a#b;",
			tree: lines("1:1-1:20 add_header [1:12-1:15 X-A] [1:16-1:19 a#b]"),
		},
		{
			name: "hash starting a token starts a comment, even mid-statement",
			src:  "add_header X-A # why\n  v;",
			tree: lines("1:1-2:5 add_header [1:12-1:15 X-A] [2:3-2:4 v]"),
		},
		{
			name: "variables with and without braces",
			src:  "set $a ${host}x$uri; return 200 \"${scheme}://$host\"; add_header X ${a}{b;",
			tree: lines(
				"1:1-1:21 set [1:5-1:7 $a] [1:8-1:20 ${host}x$uri]",
				"1:22-1:53 return [1:29-1:32 200] [1:33-1:52 \"${scheme}://$host\"]",
				"1:54-1:74 add_header [1:65-1:66 X] [1:67-1:71 ${a}] {",
				"  1:72-1:74 b",
			),
			diags: lines(`1:74-1:74 CORS001 unexpected end of file, expecting "}" (block opened at 1:71)`),
		},
		{
			name: "quoted strings keep raw text and span lines",
			src:  "add_header 'X' \"a\nb\" ;",
			tree: lines("1:1-2:5 add_header [1:12-1:15 'X'] [1:16-2:3 \"a\nb\"]"),
		},
		{
			name: "if: parentheses glued to the tokens are stripped",
			src:  "if ($http_origin ~* \"^https://(a|b)\\.example\\.com$\") { return 204; }",
			tree: lines(
				`1:1-1:69 if [1:5-1:17 $http_origin] [1:18-1:20 ~*] [1:21-1:52 "^https://(a|b)\.example\.com$"] {`,
				"  1:56-1:67 return [1:63-1:66 204]",
			),
		},
		{
			name: "if: parentheses separated by spaces",
			src:  "if ( $request_method = 'OPTIONS' ) {\n}",
			tree: lines("1:1-2:2 if [1:6-1:21 $request_method] [1:22-1:23 =] [1:24-1:33 'OPTIONS'] {"),
		},
		{
			name: "if: unquoted regex with groups, braces and an escaped paren",
			src:  "if ($uri ~ ^/(a|b){2,3}\\)x{1}$){return 403;}",
			tree: lines(
				`1:1-1:45 if [1:5-1:9 $uri] [1:10-1:11 ~] [1:12-1:31 ^/(a|b){2,3}\)x{1}$] {`,
				"  1:33-1:44 return [1:40-1:43 403]",
			),
		},
		{
			name: "if: a condition spanning lines, ')' then '{' on the next line",
			src:  "if ($a\n  = b)\n{ }",
			tree: lines("1:1-3:4 if [1:5-1:7 $a] [2:3-2:4 =] [2:5-2:6 b] {"),
		},
		{
			name: "if: without ') {' the words up to ';' are the condition, as nginx would read them",
			src:  "if ($a) return;",
			tree: lines("1:1-1:16 if [1:5-1:8 $a)] [1:9-1:15 return]"),
		},
		{
			name: "if: empty condition",
			src:  "if () {}",
			tree: lines("1:1-1:9 if {"),
		},
		{
			name: "map entries are directives; quoted keys keep their raw text",
			src:  "map $http_origin $cors {\n  default \"\";\n  \"~^https://a\\.example$\" $http_origin;\n  hostnames;\n}",
			tree: lines(
				"1:1-5:2 map [1:5-1:17 $http_origin] [1:18-1:23 $cors] {",
				"  2:3-2:14 default [2:11-2:13 \"\"]",
				"  3:3-3:40 \"~^https://a\\.example$\" [3:27-3:39 $http_origin]",
				"  4:3-4:13 hostnames",
			),
		},
		{
			name: "types, upstream, split_clients, geo and match blocks",
			src:  "types { text/html html htm; }\nupstream b { server 127.0.0.1:8080 weight=5; }\nsplit_clients \"${remote_addr}AAA\" $v { 0.5% .one; * \"\"; }\ngeo $g { default 0; 10.0.0.0/8 1; }\nmatch ok { status 200; }",
			tree: lines(
				"1:1-1:30 types {",
				"  1:9-1:28 text/html [1:19-1:23 html] [1:24-1:27 htm]",
				"2:1-2:47 upstream [2:10-2:11 b] {",
				"  2:14-2:45 server [2:21-2:35 127.0.0.1:8080] [2:36-2:44 weight=5]",
				"3:1-3:58 split_clients [3:15-3:34 \"${remote_addr}AAA\"] [3:35-3:37 $v] {",
				"  3:40-3:50 0.5% [3:45-3:49 .one]",
				"  3:51-3:56 * [3:53-3:55 \"\"]",
				"4:1-4:36 geo [4:5-4:7 $g] {",
				"  4:10-4:20 default [4:18-4:19 0]",
				"  4:21-4:34 10.0.0.0/8 [4:32-4:33 1]",
				"5:1-5:25 match [5:7-5:9 ok] {",
				"  5:12-5:23 status [5:19-5:22 200]",
			),
		},
		{
			name: "lua block: braces in strings, long strings and comments do not count",
			src: "content_by_lua_block {\n" +
				"  local t = { a = \"}\", b = '{' } -- }\n" +
				"  local s = [[ } ]] .. [==[ ]] } ]==]\n" +
				"  --[[ } ]] --[=[ { ]=]\n" +
				"  ngx.say(\"\\\"}\")\n" +
				"}\nnext;",
			tree: lines(
				"1:1-6:2 content_by_lua_block { body=\"\\n  local t = { a = \\\"}\\\", b = '{' } -- }\\n  local s = [[ } ]] .. [==[ ]] } ]==]\\n  --[[ } ]] --[=[ { ]=]\\n  ngx.say(\\\"\\\\\\\"}\\\")\\n\"",
				"7:1-7:6 next",
			),
		},
		{
			name: "lua block with an argument, and a trailing comment after it",
			src:  "set_by_lua_block $x { return 1 } # done",
			tree: lines("1:1-1:33 set_by_lua_block [1:18-1:20 $x] { body=\" return 1 \""),
		},
		{
			name:  "stray } at top level is reported and skipped",
			src:   "a;\n}\nb;",
			tree:  lines("1:1-1:3 a", "3:1-3:3 b"),
			diags: lines(`2:1-2:2 CORS001 unexpected "}"`),
		},
		{
			name:  "end of file inside a block",
			src:   "http {\n  server {\n    listen 80;\n",
			tree:  lines("1:1-4:1 http {", "  2:3-4:1 server {", "    3:5-3:15 listen [3:12-3:14 80]"),
			diags: lines(`4:1-4:1 CORS001 unexpected end of file, expecting "}" (block opened at 2:10)`),
		},
		{
			name:  "end of file inside a statement",
			src:   "events {}\nworker_processes 4",
			tree:  lines("1:1-1:10 events {", "2:1-2:19 worker_processes [2:18-2:19 4]"),
			diags: lines(`2:19-2:19 CORS001 unexpected end of file, expecting ";" or "}"`),
		},
		{
			name:  "semicolon with no statement",
			src:   "a;;\n  ;",
			tree:  lines("1:1-1:3 a"),
			diags: lines(`1:3-1:4 CORS001 unexpected ";"`, `2:3-2:4 CORS001 unexpected ";"`),
		},
		{
			name:  "block with no name is read and dropped",
			src:   "{ a; }\nb;",
			tree:  lines("2:1-2:3 b"),
			diags: lines(`1:1-1:2 CORS001 unexpected "{"`),
		},
		{
			name:  "} ending a statement closes the block",
			src:   "server {\n  return 200 }\nx;",
			tree:  lines("1:1-2:15 server {", "  2:3-2:13 return [2:10-2:13 200]", "3:1-3:3 x"),
			diags: lines(`2:14-2:15 CORS001 unexpected "}"`),
		},
		{
			name:  "unterminated string is reported at its start",
			src:   "a;\nadd_header X \"abc;\n}\n",
			tree:  lines("1:1-1:3 a", "2:1-2:13 add_header [2:12-2:13 X]"),
			diags: lines(`2:14-2:15 CORS001 unterminated string`),
		},
		{
			name:  "a closing quote must be followed by a separator",
			src:   "add_header \"X\"Y;",
			tree:  lines(`1:1-1:17 add_header [1:12-1:15 "X"] [1:15-1:16 Y]`),
			diags: lines(`1:15-1:16 CORS001 unexpected "Y"`),
		},
		{
			name: "template tags are opaque text inside words",
			src:  "server_name {{ domain }} <%= @name %>;\naccess_log /var/log/{{ d }}/a.log {# x #};",
			tree: lines(
				"1:1-1:39 server_name [1:13-1:25 {{ domain }}] [1:26-1:38 <%= @name %>]",
				"2:1-2:43 access_log [2:12-2:34 /var/log/{{ d }}/a.log] [2:35-2:42 {# x #}]",
			),
		},
		{
			name: "lines made only of template statements are skipped",
			src:  "{% if cors %}\nadd_header A '*';\n{% else %}  {# no #}\r\nadd_header A 'x';\n{% endif %} # end\n<% end -%>\n{{ end }}\n  {{- /* c */ -}}",
			tree: lines(
				"2:1-2:18 add_header [2:12-2:13 A] [2:14-2:17 '*']",
				"4:1-4:18 add_header [4:12-4:13 A] [4:14-4:17 'x']",
			),
		},
		{
			name: "envsubst variables are part of words",
			src:  "listen ${PORT};\nadd_header X \"${ORIGIN}\";",
			tree: lines("1:1-1:16 listen [1:8-1:15 ${PORT}]", "2:1-2:26 add_header [2:12-2:13 X] [2:14-2:25 \"${ORIGIN}\"]"),
		},
		{
			name: "a real brace followed by a comment is not a template tag",
			src:  "server {# main\n  listen 80;\n} #}",
			tree: lines("1:1-3:2 server {", "  2:3-2:13 listen [2:10-2:12 80]"),
		},
		{
			name:  "an unclosed template tag is ordinary text",
			src:   "a {{ b;\n}}",
			tree:  lines("1:1-2:3 a {"),
			diags: lines(`1:4-1:5 CORS001 unexpected "{"`),
		},
		{
			name:  "binary input",
			src:   "http {\x00}",
			diags: lines("1:1-1:1 CORS001 binary file"),
		},
		{
			name: "a BOM is skipped and columns stay byte columns",
			src:  "\xef\xbb\xbfuser nginx;",
			tree: lines("1:4-1:15 user [1:9-1:14 nginx]"),
		},
		{
			name: "CRLF line endings",
			src:  "a 1;\r\nhttp {\r\n  b 2;\r\n}\r\n",
			tree: lines("1:1-1:5 a [1:3-1:4 1]", "2:1-4:2 http {", "  3:3-3:7 b [3:5-3:6 2]"),
		},
		{
			name: "backslash newline stays inside a word",
			src:  "a b\\\nc;",
			tree: lines("1:1-2:3 a [1:3-2:2 b\\\nc]"),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := parseString(tt.src)
			if got := dump(c.Directives); got != tt.tree {
				t.Errorf("tree:\n%s\nwant:\n%s", got, tt.tree)
			}
			if got := diags(c); got != tt.diags {
				t.Errorf("diagnostics:\n%s\nwant:\n%s", got, tt.diags)
			}
		})
	}
}

func TestValues(t *testing.T) {
	tests := []struct {
		src   string
		want  []string
		quote []byte
	}{
		{`x "a\"b" 'c\'d' "e\\f" "g\.h" "\n\t\r";`, []string{`a"b`, `c'd`, `e\f`, `g\.h`, "\n\t\r"}, []byte{'"', '\'', '"', '"', '"'}},
		{`x ~*\.php$ a\"b a\\b a\;b;`, []string{`~*\.php$`, `a"b`, `a\b`, `a\;b`}, []byte{0, 0, 0, 0}},
		{`x "it's" 'say "hi"' a"b"c;`, []string{`it's`, `say "hi"`, `a"b"c`}, []byte{'"', '\'', 0}},
		{`if ($a = "x\"y") {}`, []string{`$a`, `=`, `x"y`}, []byte{0, 0, '"'}},
		{`if ($a ~ \(x\)) {}`, []string{`$a`, `~`, `\(x\)`}, []byte{0, 0, 0}},
	}
	for _, tt := range tests {
		c := parseString(tt.src)
		if len(c.Directives) != 1 || len(c.Diagnostics) != 0 {
			t.Errorf("%s: got %d directives, diagnostics %v", tt.src, len(c.Directives), c.Diagnostics)
			continue
		}
		d := c.Directives[0]
		var got []string
		var quotes []byte
		for i, a := range d.Args {
			got = append(got, a.Value)
			quotes = append(quotes, a.Quote)
			if d.Arg(i) != a.Value {
				t.Errorf("Arg(%d) = %q, want %q", i, d.Arg(i), a.Value)
			}
		}
		if fmt.Sprintf("%q %v", got, quotes) != fmt.Sprintf("%q %v", tt.want, tt.quote) {
			t.Errorf("%s:\n got %q %v\nwant %q %v", tt.src, got, quotes, tt.want, tt.quote)
		}
	}
}

func TestNames(t *testing.T) {
	c := parseString(`map $a $b { "~^x$" 1; 'y' 2; z 3; }`)
	var got []string
	for _, d := range c.Directives[0].Block {
		got = append(got, fmt.Sprintf("%s|%s|%d", d.Name, d.NameRaw, d.NameQuote))
	}
	want := []string{`~^x$|"~^x$"|34`, `y|'y'|39`, `z|z|0`}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("got %v, want %v", got, want)
	}
}

func TestCommentAfterTemplateLine(t *testing.T) {
	c := parseString("{% endif %} # end\na;")
	if len(c.Comments) != 1 || c.Comments[0].Text != " end" || !c.Comments[0].Trailing || c.Comments[0].Span.Col != 13 {
		t.Errorf("comments %+v", c.Comments)
	}
	if dump(c.Directives) != lines("2:1-2:3 a") {
		t.Errorf("tree %s", dump(c.Directives))
	}
}

func TestComments(t *testing.T) {
	src := "# top\r\nserver { # open\n  a 1; #x#y\n\t# own line\n  b \"#not\" c#d;\n}#end"
	c := parseString(src)
	var got []string
	for _, cm := range c.Comments {
		got = append(got, fmt.Sprintf("%d:%d-%d:%d %q %v", cm.Span.Line, cm.Span.Col, cm.Span.EndLine, cm.Span.EndCol, cm.Text, cm.Trailing))
	}
	want := []string{
		`1:1-1:6 " top" false`,
		`2:10-2:16 " open" true`,
		`3:8-3:12 "x#y" true`,
		`4:2-4:12 " own line" false`,
		`6:2-6:6 "end" true`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if n := len(c.Directives[0].Block); n != 2 {
		t.Errorf("got %d children, want 2", n)
	}
}

func TestLuaBlockUnterminated(t *testing.T) {
	c := parseString("server {\n  access_by_lua_block {\n    local s = \"}\"\n")
	want := lines(`4:1-4:1 CORS001 unexpected end of file, expecting "}" (block opened at 2:23)`)
	if got := diags(c); got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
	d := c.Directives[0].Block[0]
	if d.Body != "\n    local s = \"}\"\n" || d.Span.EndLine != 4 {
		t.Errorf("body %q, span %v", d.Body, d.Span)
	}
}

func TestDepthLimit(t *testing.T) {
	const n = 10000
	src := strings.Repeat("a {\n", n) + strings.Repeat("}\n", n) + "after;\n"
	c := parseString(src)
	want := lines("257:1-257:2 CORS001 blocks nested too deeply (limit 256)")
	if got := diags(c); got != want {
		t.Fatalf("got:\n%s\nwant:\n%s", got, want)
	}
	if len(c.Directives) != 2 || c.Directives[1].Name != "after" {
		t.Fatalf("parsing did not continue after the deep block: %d top-level directives", len(c.Directives))
	}
	depth := 0
	walk(c.Directives, func(d *Directive, parents []*Directive) bool {
		depth = max(depth, len(parents)+1)
		return true
	})
	if depth != 257 {
		t.Errorf("kept depth %d, want 257 (256 blocks and the one reported)", depth)
	}
	deepest := c.Directives[0]
	for len(deepest.Block) > 0 {
		deepest = deepest.Block[0]
	}
	if deepest.Span.Line != 257 || deepest.Span.EndLine != 2*n-256 || !deepest.IsBlock {
		t.Errorf("deepest kept directive %+v", deepest.Span)
	}

	c = Parse("t.conf", []byte("a { b { c { } } }"), Options{MaxDepth: 2})
	if got, want := diags(c), lines("1:9-1:10 CORS001 blocks nested too deeply (limit 2)"); got != want {
		t.Errorf("MaxDepth 2: got %s, want %s", got, want)
	}
}

func TestTooManyErrors(t *testing.T) {
	c := parseString(strings.Repeat("}\n", 500) + "a;")
	if len(c.Diagnostics) != maxErrors || len(c.Directives) != 0 {
		t.Fatalf("got %d diagnostics, %d directives", len(c.Diagnostics), len(c.Directives))
	}
	last := c.Diagnostics[maxErrors-1]
	if want := "100:1 too many syntax errors (100); the rest of the file is not read"; fmt.Sprintf("%d:%d %s", last.Span.Line, last.Span.Col, last.Message) != want {
		t.Errorf("last diagnostic %v %q, want %s", last.Span, last.Message, want)
	}
}

func TestFileTooLarge(t *testing.T) {
	c := Parse("t.conf", []byte("a 1;\nb 2;\n"), Options{MaxFileSize: 5})
	if got, want := diags(c), lines("1:1-1:1 CORS001 file too large: more than 5 bytes"); got != want {
		t.Errorf("got %s, want %s", got, want)
	}
	if len(c.Directives) != 0 {
		t.Errorf("directives read from a file too large")
	}
}

func TestWalk(t *testing.T) {
	c := parseString("a { b { c; } d; } e;")
	var got []string
	walk(c.Directives, func(d *Directive, parents []*Directive) bool {
		var names []string
		for _, p := range parents {
			names = append(names, p.Name)
		}
		got = append(got, strings.Join(append(names, d.Name), "/"))
		return d.Name != "b"
	})
	if want := "a a/b a/d e"; strings.Join(got, " ") != want {
		t.Errorf("got %q, want %q", strings.Join(got, " "), want)
	}
	var d Directive
	if d.Arg(0) != "" || d.Arg(-1) != "" {
		t.Errorf("Arg on a directive without arguments")
	}
}

// TestSpansMatchSource checks that every span points at the text it claims
// to, on inputs mixing everything above.
func TestSpansMatchSource(t *testing.T) {
	for _, src := range []string{
		"\xef\xbb\xbfhttp {\r\n  map $a $b { \"~x\" 1; }\r\n  if ($a ~ \"(x)\") { a 'b\nc'; }\r\n}",
		"content_by_lua_block { a = '}' }\nif ($x ~ ^a{2}$) { return 403; } # c",
		"{% if x %}\nserver_name {{ a }};\n{% endif %}\n",
	} {
		checkSpans(t, parseString(src))
	}
}

// checkSpans asserts that spans lie within the file they name and that
// names, arguments and comments are found where their spans say.
func checkSpans(t *testing.T, c *Config) {
	t.Helper()
	type file struct {
		src    []byte
		starts []int
	}
	files := map[string]*file{}
	get := func(name string) *file {
		f := files[name]
		if f == nil {
			src, ok := c.Sources[name]
			if !ok {
				t.Errorf("span in %q, which is not in Sources", name)
			}
			f = &file{src: src, starts: []int{0}}
			for i, b := range src {
				if b == '\n' {
					f.starts = append(f.starts, i+1)
				}
			}
			files[name] = f
		}
		return f
	}
	off := func(f *file, line, col int) (int, bool) {
		if line < 1 || line > len(f.starts) || col < 1 {
			return 0, false
		}
		end := len(f.src)
		if line < len(f.starts) {
			end = f.starts[line] - 1
		}
		o := f.starts[line-1] + col - 1
		return o, o <= end
	}
	var text func(what string, s model.Span) (string, bool)
	text = func(what string, s model.Span) (string, bool) {
		f := get(s.File)
		a, ok1 := off(f, s.Line, s.Col)
		b, ok2 := off(f, s.EndLine, s.EndCol)
		if !ok1 || !ok2 || b < a {
			t.Errorf("%s: span %s-%d:%d outside the source", what, s, s.EndLine, s.EndCol)
			return "", false
		}
		for _, v := range s.Via {
			text("include of "+what, v)
		}
		return string(f.src[a:b]), true
	}
	walk(c.Directives, func(d *Directive, _ []*Directive) bool {
		if s, ok := text("directive "+d.Name, d.Span); ok && !strings.HasPrefix(s, d.NameRaw) {
			t.Errorf("directive span %v holds %q, not name %q", d.Span, s, d.NameRaw)
		}
		for _, arg := range d.Args {
			if s, ok := text("argument "+arg.Raw, arg.Span); ok && s != arg.Raw {
				t.Errorf("argument span %v holds %q, not %q", arg.Span, s, arg.Raw)
			}
		}
		return true
	})
	for _, cm := range c.Comments {
		if s, ok := text("comment", cm.Span); ok && s != "#"+cm.Text {
			t.Errorf("comment span %v holds %q, not %q", cm.Span, s, "#"+cm.Text)
		}
	}
	for _, d := range c.Diagnostics {
		text("diagnostic "+d.Message, d.Span)
	}
}
