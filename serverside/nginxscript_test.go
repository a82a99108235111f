package serverside

import (
	"reflect"
	"testing"
)

// scanScript reads a value as ngx_http_script_compile does: a dollar and
// one digit is a capture, ${1} is a variable named "1" (nginx 1.22
// refuses it at start: unknown "1" variable), an unclosed or empty ${
// does not start.
func TestScanScript(t *testing.T) {
	for _, tc := range []struct {
		raw  string
		want []scriptPart
		ok   bool
	}{
		{"X-$1-$srv", []scriptPart{{text: "X-"}, {capture: 1}, {text: "-"}, {name: "srv"}}, true},
		{"$12", []scriptPart{{capture: 1}, {text: "2"}}, true},
		{"${1}", []scriptPart{{name: "1"}}, true},
		{"https://${sub}.example.com", []scriptPart{{text: "https://"}, {name: "sub"}, {text: ".example.com"}}, true},
		{"a$-b$", []scriptPart{{text: "a$-b$"}}, true},
		{"$0x", []scriptPart{{name: "0x"}}, true},
		{"${sub", nil, false},
		{"${}", nil, false},
		{"${a-b}", nil, false},
	} {
		got, ok := scanScript(tc.raw)
		if ok != tc.ok || !reflect.DeepEqual(got, tc.want) {
			t.Errorf("scanScript(%q) = %+v, %v; want %+v, %v", tc.raw, got, ok, tc.want, tc.ok)
		}
	}
}
