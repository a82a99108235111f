package sam

import "testing"

func TestGatewayPath(t *testing.T) {
	for _, tc := range []struct {
		path string
		yes  []string
		no   []string
	}{
		{"/items", []string{"/items", "/Prod/items", "/items/"}, []string{"/items/1", "/a/b/items", "/itemsx"}},
		{"/items/{id}", []string{"/items/1", "/Prod/items/1"}, []string{"/items", "/items/1/2"}},
		{"/{proxy+}", []string{"/a", "/a/b/c"}, []string{"/"}},
		{"/", []string{"/", "/Prod"}, []string{"/a/b"}},
		{"/v1.0/x", []string{"/v1.0/x"}, []string{"/v1x0/x"}},
	} {
		m := gatewayPath(tc.path)
		for _, p := range tc.yes {
			if !m.Matches(p) {
				t.Errorf("%s (%s) refuses %s", tc.path, m.Pattern, p)
			}
		}
		for _, p := range tc.no {
			if m.Matches(p) {
				t.Errorf("%s (%s) takes %s", tc.path, m.Pattern, p)
			}
		}
	}
}
