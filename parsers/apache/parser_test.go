package apache

import (
	"fmt"
	"strings"
	"testing"

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
// the diagnostics of small inputs. The quoting and continuation cases were
// measured against httpd 2.4.71 (the values its mod_headers sent).
func TestParse(t *testing.T) {
	tests := []struct {
		name, src string
		tree      string
		diags     string
	}{
		{
			name: "directives, sections and closing tags",
			src:  "ServerName a\n<VirtualHost *:443>\n  Header always set X-A 1\n</VirtualHost>\n",
			tree: lines(
				"1:1-1:13 ServerName [1:12-1:13 a]",
				"2:1-4:15 <VirtualHost [2:14-2:19 *:443]> close=4:1-4:15",
				"  3:3-3:26 Header [3:10-3:16 always] [3:17-3:20 set] [3:21-3:24 X-A] [3:25-3:26 1]",
			),
		},
		{
			name: "comments only at the start of a line; # elsewhere is text",
			src:  "# top\n  # indented\nHeader set X-A a#b # not a comment\n",
			tree: lines(`3:1-3:35 Header [3:8-3:11 set] [3:12-3:15 X-A] [3:16-3:19 a#b] [3:20-3:21 #] [3:22-3:25 not] [3:26-3:27 a] [3:28-3:35 comment]`),
		},
		{
			// httpd 2.4.71: "X-G: g\"h", "x-h: i\j\k", "X-L: a\"b\"c", "X-K: a".
			name: "quotes and escapes as ap_getword_conf reads them",
			src:  "Header set X-G \"g\\\"h\"\nHeader set x-h \"i\\\\j\\k\"\nHeader set X-L a\"b\"c\nHeader set X-K \"a\nHeader set X-J 'a b'c\n",
			tree: lines(
				`1:1-1:22 Header [1:8-1:11 set] [1:12-1:15 X-G] [1:16-1:22 "g\"h" ="g\"h"]`,
				`2:1-2:24 Header [2:8-2:11 set] [2:12-2:15 x-h] [2:16-2:24 "i\\j\k" ="i\\j\\k"]`,
				`3:1-3:21 Header [3:8-3:11 set] [3:12-3:15 X-L] [3:16-3:21 a"b"c]`,
				`4:1-4:18 Header [4:8-4:11 set] [4:12-4:15 X-K] [4:16-4:18 "a ="a"]`,
				`5:1-5:22 Header [5:8-5:11 set] [5:12-5:15 X-J] [5:16-5:21 'a b' ="a b"] [5:21-5:22 c]`,
			),
		},
		{
			// httpd 2.4.71: "a\" + "b" sent "ab"; "\"a \" + "   b\"" sent "a    b";
			// a backslash followed by a space does not continue.
			name: "continuation lines keep physical positions",
			src:  "Header set X-A a\\\nb\nHeader set X-B \"a \\\n   b\"\nHeader set X-C c\\ \nX d\n",
			tree: lines(
				`1:1-2:2 Header [1:8-1:11 set] [1:12-1:15 X-A] [1:16-2:2 ab]`,
				`3:1-4:6 Header [3:8-3:11 set] [3:12-3:15 X-B] [3:16-4:6 "a    b" ="a    b"]`,
				`5:1-5:18 Header [5:8-5:11 set] [5:12-5:15 X-C] [5:16-5:18 c\]`,
				`6:1-6:4 X [6:3-6:4 d]`,
			),
		},
		{
			// httpd 2.4.71 did not send X-B: the comment took its line.
			name: "a comment ending in a backslash swallows the next line",
			src:  "# note \\\nHeader set X-B 1\nHeader set X-C 1\n",
			tree: lines(`3:1-3:17 Header [3:8-3:11 set] [3:12-3:15 X-C] [3:16-3:17 1]`),
		},
		{
			name: "directive names keep their case; Is compares without it",
			src:  "header ALWAYS SET x-h 1\n<ifmodule mod_headers.c>\n</IfModule>\n",
			tree: lines(
				"1:1-1:24 header [1:8-1:14 ALWAYS] [1:15-1:18 SET] [1:19-1:22 x-h] [1:23-1:24 1]",
				"2:1-3:12 <ifmodule [2:11-2:24 mod_headers.c]> close=3:1-3:12",
			),
		},
		{
			name: "section arguments end at the last '>' of the line",
			src:  "<If \"%{HTTP:Origin} =~ m#^https://a>b$#\">\n</If>",
			tree: lines(`1:1-2:6 <If [1:5-1:41 "%{HTTP:Origin} =~ m#^https://a>b$#" ="%{HTTP:Origin} =~ m#^https://a>b$#"]> close=2:1-2:6`),
		},
		{
			name:  "mismatched closing tag names where the section opened",
			src:   "<VirtualHost *:80>\n  <Location /a>\n  </Directory>\n  </Location>\n</VirtualHost>\n",
			tree:  lines("1:1-5:15 <VirtualHost [1:14-1:18 *:80]> close=5:1-5:15", "  2:3-4:14 <Location [2:13-2:15 /a]> close=4:3-4:14"),
			diags: lines("3:3-3:15 CORS001 expected </Location> but saw </Directory> (<Location> opened at 2:3)"),
		},
		{
			name:  "a closing tag of an outer section closes the inner ones",
			src:   "<VirtualHost *:80>\n  <Location /a>\n</VirtualHost>\nServerName x\n",
			tree:  lines("1:1-3:15 <VirtualHost [1:14-1:18 *:80]> close=3:1-3:15", "  2:3-3:15 <Location [2:13-2:15 /a]>", "4:1-4:13 ServerName [4:12-4:13 x]"),
			diags: lines("3:1-3:15 CORS001 expected </Location> but saw </VirtualHost> (<Location> opened at 2:3)"),
		},
		{
			name:  "unclosed sections are reported at the end of the file",
			src:   "<VirtualHost *:80>\n  <Directory /srv>\n    Header set X 1\n",
			tree:  lines("1:1-4:1 <VirtualHost [1:14-1:18 *:80]>", "  2:3-4:1 <Directory [2:14-2:18 /srv]>", "    3:5-3:19 Header [3:12-3:15 set] [3:16-3:17 X] [3:18-3:19 1]"),
			diags: lines("4:1-4:1 CORS001 <Directory> was not closed (opened at 2:3)"),
		},
		{
			name:  "a stray closing tag",
			src:   "</Location>\n",
			diags: lines("1:1-1:12 CORS001 </Location> without matching <Location> section"),
		},
		{
			name:  "a section line without '>'",
			src:   "<Location /a\n</Location>\n",
			tree:  lines("1:1-2:12 <Location [1:11-1:13 /a]> close=2:1-2:12"),
			diags: lines("1:1-1:13 CORS001 <Location directive missing closing '>'"),
		},
		{
			name:  "binary input",
			src:   "Header set X\x00 1",
			diags: lines("1:1-1:1 CORS001 binary file"),
		},
		{
			name: "a BOM is skipped and columns stay byte columns",
			src:  "\xef\xbb\xbfServerName a",
			tree: lines("1:4-1:16 ServerName [1:15-1:16 a]"),
		},
		{
			// httpd 2.4.71 joined "i\" CR LF "j" into "ij".
			name: "CRLF line endings, continuation included",
			src:  "Header set X-I i\\\r\nj\r\n<Location />\r\n</Location>\r\n",
			tree: lines(`1:1-2:2 Header [1:8-1:11 set] [1:12-1:15 X-I] [1:16-2:2 ij]`, "3:1-4:12 <Location [3:11-3:12 /]> close=4:1-4:12"),
		},
		{
			name: "template lines are skipped, tags inside words are opaque",
			src:  "<% if @cors %>\nHeader set X \"proxy:<%= @p %>\"\n{% endif %}\nServerName {{ host name }}\n",
			tree: lines(`2:1-2:31 Header [2:8-2:11 set] [2:12-2:13 X] [2:14-2:31 "proxy:<%= @p %>" ="proxy:<%= @p %>"]`, "4:1-4:27 ServerName [4:12-4:27 {{ host name }}]"),
		},
		{
			name: "Define, ${VAR} and IfDefine in reading order",
			src:  "Define ORIGIN https://a.example\nHeader set X ${ORIGIN}\n<IfDefine ORIGIN>\nHeader set Y 1\n</IfDefine>\n<IfDefine !ORIGIN>\nHeader set Z 1\n</IfDefine>\nHeader set W ${NOPE}\n",
			tree: lines(
				"1:1-1:32 Define [1:8-1:14 ORIGIN] [1:15-1:32 https://a.example]",
				`2:1-2:23 Header [2:8-2:11 set] [2:12-2:13 X] [2:14-2:23 ${ORIGIN} ="https://a.example"]`,
				"3:1-5:12 <IfDefine [3:11-3:17 ORIGIN]> close=5:1-5:12",
				"  4:1-4:15 Header [4:8-4:11 set] [4:12-4:13 Y] [4:14-4:15 1]",
				"6:1-8:12 <IfDefine [6:11-6:18 !ORIGIN]> close=8:1-8:12",
				"  7:1-7:15 Header [7:8-7:11 set] [7:12-7:13 Z] [7:14-7:15 1] inactive",
				"9:1-9:21 Header [9:8-9:11 set] [9:12-9:13 W] [9:14-9:21 ${NOPE}]",
			),
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
