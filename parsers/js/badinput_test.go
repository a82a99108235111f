package js

import (
	"strings"
	"testing"
	"time"
)

// TestBadInput: binary, huge, deeply nested and broken files give a
// CORS001 diagnostic or a clean model, never a panic or a hang.
func TestBadInput(t *testing.T) {
	if available != "" {
		t.Skip(available)
	}
	head := "const express = require('express');\nconst app = express();\n"
	deep := head + "app.use((req, res, next) => { res.setHeader('Access-Control-Allow-Origin', " + strings.Repeat("(", 5000) + "req.headers.origin" + strings.Repeat(")", 5000) + "); next(); });\n"
	deepIf := head + "app.use((req, res, next) => {\n" + strings.Repeat("if (req.method === 'OPTIONS') {\n", 3000) + "res.sendStatus(204);\n" + strings.Repeat("}\n", 3000) + "next(); });\n"
	many := head + strings.Repeat("app.get('/x', (req, res) => { res.setHeader('Access-Control-Allow-Origin', '*'); res.end(); });\n", 20000)
	tests := []struct {
		name, src string
		want      string // a substring of the first diagnostic; "" for none
	}{
		{"binary", "\x7fELF\x02\x01\x01\x00\x00", "binary file"},
		{"syntax error", head + "app.use((req, res) => { res.setHeader('A', \n", "syntax error"},
		{"unclosed template", head + "const x = `abc ${", "syntax error"},
		{"deeply nested parentheses", deep, ""},
		{"deeply nested ifs", deepIf, ""},
		{"many routes", many, ""},
		{"a very long line", head + "const s = '" + strings.Repeat("a", 1<<20) + "';\n", ""},
		{"only punctuation", strings.Repeat("({[", 10000), "syntax error"},
		{"too large", head + strings.Repeat("// padding\n", maxSource/11+1), "not read"},
		{"invalid UTF-8", head + "res.setHeader('X', '\xff\xfe');\n", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			done := make(chan string, 1)
			go func() {
				f := Lower(Parse("bad.js", []byte(tt.src)))
				got := ""
				if len(f.Diagnostics) > 0 {
					got = f.Diagnostics[0].Message
				}
				done <- got
			}()
			select {
			case got := <-done:
				if tt.want == "" && got != "" || !strings.Contains(got, tt.want) {
					t.Errorf("first diagnostic %q, want one containing %q", got, tt.want)
				}
			case <-time.After(60 * time.Second):
				t.Fatal("parse and lowering did not finish")
			}
		})
	}
}
