package nginx

import (
	"slices"
	"testing"

	"github.com/corslint/corslint/model"
)

func TestConjunction(t *testing.T) {
	for _, tc := range []struct {
		passing []int
		n       int
		want    []int
		ok      bool
	}{
		{[]int{3}, 2, []int{1, 1}, true},       // both hold
		{[]int{1}, 2, []int{1, -1}, true},      // the first, not the second
		{[]int{1, 3}, 2, []int{1, 0}, true},    // the first, either second
		{[]int{1, 2}, 2, nil, false},           // one or the other: no conjunction
		{[]int{}, 2, nil, false},               // never
		{[]int{0, 1, 2, 3}, 2, nil, false},     // always
		{[]int{5, 7}, 3, []int{1, 0, 1}, true}, // first and third
	} {
		got, ok := conjunction(tc.passing, tc.n)
		if ok != tc.ok || ok && !slices.Equal(got, tc.want) {
			t.Errorf("conjunction(%v, %d) = %v, %v; want %v, %v", tc.passing, tc.n, got, ok, tc.want, tc.ok)
		}
	}
}

// TestFlagCondition: the flag built by ifs on the Origin and the method
// lowers to both tests; one set in the server, which runs before the
// location's, leaves it undecided.
func TestFlagCondition(t *testing.T) {
	const loc = `
    set $f "";
    if ($http_origin ~* "^https://app\.example\.com$") { set $f "o"; }
    if ($request_method = OPTIONS) { set $f "${f}p"; }
    if ($f = "op") { return 204; }
`
	for _, tc := range []struct {
		conf    string
		decided bool
	}{
		{"server { location / {" + loc + "} }", true},
		{"server { set $f x; location / {" + loc + "} }", false},
	} {
		f := Lower(Parse("nginx.conf", []byte(tc.conf), Options{}))
		found := false
		for _, r := range f.Responses {
			for _, c := range r.Conds {
				if c == nil || c.Text != "$f = op" {
					continue
				}
				found = true
				decided := c.Origin != nil && c.And != nil && slices.Equal(c.And.Methods, []string{"OPTIONS"}) && !c.Negated && !c.And.Negated
				if decided != tc.decided {
					t.Errorf("%s: decided %v (origin %v, and %+v), want %v", tc.conf, decided, c.Origin, c.And, tc.decided)
				}
			}
		}
		if !found {
			t.Errorf("%s: no response under if ($f = op)", tc.conf)
		}
	}
}

// TestMapTest: if ($cors != "") on an allowlist map is a test of the
// Origin against the map's keys; with a non-empty default it stays
// undecided.
func TestMapTest(t *testing.T) {
	for _, tc := range []struct {
		def, test string
		origins   map[string]bool // origin -> the if's block runs
	}{
		{`""`, `$cors != ""`, map[string]bool{"https://app.example.com": true, "https://APP.example.com": true, "https://admin.example.com": true, "https://evil.example": false}},
		{`""`, `$cors`, map[string]bool{"https://admin.example.com": true, "https://admin.example.com.evil": false}},
		{`""`, `$cors = ""`, map[string]bool{"https://app.example.com": false, "https://evil.example": true}},
		{`"*"`, `$cors != ""`, nil},
	} {
		conf := `map $http_origin $cors { default ` + tc.def + `; "https://app.example.com" $http_origin; ~^https://admin\.example\.com$ "yes"; }
server { location / { if (` + tc.test + `) { return 204; } } }`
		f := Lower(Parse("nginx.conf", []byte(conf), Options{}))
		var c *model.Condition
		for _, r := range f.Responses {
			if len(r.Conds) == 1 && r.Conds[0] != nil {
				c = r.Conds[0]
			}
		}
		if c == nil {
			t.Fatalf("%s: no conditional response", tc.test)
		}
		if tc.origins == nil {
			if c.Origin != nil {
				t.Errorf("%s with default %s: decided as %q", tc.test, tc.def, c.Origin.Pattern)
			}
			continue
		}
		if c.Origin == nil {
			t.Fatalf("%s: undecided", tc.test)
		}
		for o, want := range tc.origins {
			if got := c.Origin.Matches(o) != c.Negated; got != want {
				t.Errorf("%s from %s: runs %v, want %v", tc.test, o, got, want)
			}
		}
	}
}

// TestFlagUnderMapWithDefault: if ($cors != "") on a map whose default
// gives a value always holds, so the flag depends on the method alone.
func TestFlagUnderMapWithDefault(t *testing.T) {
	for _, tc := range []struct {
		def    string
		method bool // decided as a test of the method alone
	}{{`"*"`, true}, {`""`, false}} {
		conf := `map $http_origin $cors { default ` + tc.def + `; ~^https://app\. $http_origin; }
server { location / {
  set $f "";
  if ($cors != "") { set $f "o"; }
  if ($request_method = OPTIONS) { set $f "${f}p"; }
  if ($f = "op") { return 204; }
} }`
		f := Lower(Parse("nginx.conf", []byte(conf), Options{}))
		for _, r := range f.Responses {
			for _, c := range r.Conds {
				if c == nil || c.Text != "$f = op" {
					continue
				}
				got := c.Origin == nil && c.And == nil && slices.Equal(c.Methods, []string{"OPTIONS"})
				if got != tc.method {
					t.Errorf("default %s: method alone %v (origin %v, methods %v, and %v)", tc.def, got, c.Origin, c.Methods, c.And)
				}
			}
		}
	}
}
