package model

import "testing"

// The answers varnishd 7.1 gave for these calls in vcl_synth (set
// resp.http.X = regsub(req.http.Origin, ...)), for three origins.
func TestRewriteApply(t *testing.T) {
	for _, tc := range []struct {
		pattern, sub string
		all          bool
		in, want     string
	}{
		{`^http://`, `https://`, false, "https://a.a", "https://a.a"},
		{`^http://`, `https://`, false, "http://app.example.com", "https://app.example.com"},
		{`a`, `\0\0`, true, "http://app.example.com", "http://aapp.exaample.com"},
		{`a`, `\0\0`, false, "http://app.example.com", "http://aapp.example.com"},
		{`^(https)(x)?://`, `\2\1\9\\q:`, false, "https://ax.b", `https\q:ax.b`},
		{`^(https)(x)?://`, `\2\1\9\\q:`, false, "http://app.example.com", "http://app.example.com"},
		{`^.`, `Z`, true, "https://ax.b", "Zttps://ax.b"},
		{`x*`, `-`, false, "https://ax.b", "-https://ax.b"},
		{`é`, `e`, true, "https://é.éx", "https://e.ex"},
	} {
		rw := &Rewrite{Pattern: tc.pattern, Replacement: tc.sub, All: tc.all}
		if got, ok := rw.Apply(tc.in); !ok || got != tc.want {
			t.Errorf("%s %q %q on %s: got %q %v, want %q", map[bool]string{true: "regsuball", false: "regsub"}[tc.all], tc.pattern, tc.sub, tc.in, got, ok, tc.want)
		}
	}
	// varnishd gave "-https://a-.b": after an empty match PCRE2 looks for a
	// non-empty one, which the engine here cannot; that is not guessed.
	rw := &Rewrite{Pattern: `x*`, Replacement: `-`, All: true}
	if got, ok := rw.Apply("https://ax.b"); ok {
		t.Errorf("regsuball after an empty match: got %q, want undecided", got)
	}
	if _, ok := (&Rewrite{Pattern: `(`, Replacement: ``}).Apply("x"); ok {
		t.Error("a pattern that does not compile rewrites nothing")
	}
}

// Constant answers only where every value, none included, comes out the
// same; each true case was checked with varnishd 7.1 (see Constant).
func TestRewriteConstant(t *testing.T) {
	for _, tc := range []struct {
		pattern, sub string
		want         string
		ok           bool
	}{
		{`^.*$`, `https://app.example.com`, "https://app.example.com", true},
		{`.*`, `X`, "X", true},
		{`^(.*)$`, `a\.b`, "a.b", true},
		{`(?s)\A.*\z`, `X`, "X", true},
		{`^[\s\S]*`, `X`, "X", true},
		{`^[^\n]*$`, `X`, "X", true},
		{`^.*?$`, `X`, "X", true},
		{`^(.*)$`, `\1`, "", false},      // the value itself
		{`^.*$`, `x\0`, "", false},       // the value itself
		{`^.+$`, `X`, "", false},         // an absent origin stays empty
		{`^.*?`, `X`, "", false},         // matches nothing, keeps the rest
		{`^https://.*$`, `X`, "", false}, // other origins come back as they are
		{`^[a-z]*$`, `X`, "", false},
		{`^.*$|x`, `X`, "", false},
		{`^.*\Z`, `X`, "", false}, // not judged
		{`(`, `X`, "", false},
	} {
		got, ok := (&Rewrite{Pattern: tc.pattern, Replacement: tc.sub}).Constant()
		if ok != tc.ok || got != tc.want {
			t.Errorf("regsub %q %q: got %q %v, want %q %v", tc.pattern, tc.sub, got, ok, tc.want, tc.ok)
		}
		// A constant is what Apply gives any origin.
		if ok {
			for _, in := range []string{"https://evil.example", "null", ""} {
				if out, applied := (&Rewrite{Pattern: tc.pattern, Replacement: tc.sub}).Apply(in); applied && out != got {
					t.Errorf("regsub %q %q on %q: Apply gives %q, Constant %q", tc.pattern, tc.sub, in, out, got)
				}
			}
		}
	}
}
