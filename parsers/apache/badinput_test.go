package apache

import (
	"strings"
	"testing"
	"time"
)

// TestBadInput: hostile or broken files give a clear CORS001 with a
// position, never a panic or a hang.
func TestBadInput(t *testing.T) {
	deep := strings.Repeat("<Location />\n", 300) + "Header set X 1\n" + strings.Repeat("</Location>\n", 300)
	tests := []struct {
		name, src string
		diags     string
	}{
		{"deep nesting", deep, lines("257:1-257:13 CORS001 sections nested too deeply (limit 256)")},
		{"deep nesting, unclosed", strings.Repeat("<If true>\n", 300), lines(
			"257:1-257:10 CORS001 sections nested too deeply (limit 256)",
			"301:1-301:1 CORS001 <If> was not closed (opened at 257:1)",
		)},
		{"binary", "\x7fELF\x02\x01\x01\x00\x00", lines("1:1-1:1 CORS001 binary file")},
		{"non-UTF-8 is read as httpd reads it: bytes", "Header set X \"caf\xe9\"\n# \xff\xfe\n", ""},
		{"a lone backslash at the end of the file", "Header set X a\\", ""},
		{"only a section mark", "<\n>\n</>\n", lines(
			"1:1-1:2 CORS001 a section needs a name right after '<'",
			"3:1-3:4 CORS001 a closing tag needs the name of the section it closes, such as </VirtualHost>",
		)},
		{"a very long line", "Header set X " + strings.Repeat("a", 1<<20) + "\n", ""},
		{"many unclosed quotes", strings.Repeat("Header set X \"a\n", 1000), ""},
		{"a template tag that never closes", "<% if x\nHeader set X 1\n", lines(
			"1:1-1:8 CORS001 <% directive missing closing '>'",
			"3:1-3:1 CORS001 <%> was not closed (opened at 1:1)",
		)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			done := make(chan *Config, 1)
			go func() { done <- parseString(tt.src) }()
			select {
			case c := <-done:
				if got := diags(c); got != tt.diags {
					t.Errorf("diagnostics:\n%s\nwant:\n%s", got, tt.diags)
				}
				Lower(c) // lowering must not panic either
			case <-time.After(10 * time.Second):
				t.Fatal("parse did not finish")
			}
		})
	}
}

func TestTooLarge(t *testing.T) {
	c := Parse("big.conf", make([]byte, 100), Options{MaxFileSize: 10})
	if got, want := diags(c), lines("1:1-1:1 CORS001 file too large: more than 10 bytes"); got != want {
		t.Errorf("got %s want %s", got, want)
	}
}
