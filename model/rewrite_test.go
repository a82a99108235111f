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
