package nginx

import (
	"slices"
	"testing"
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
