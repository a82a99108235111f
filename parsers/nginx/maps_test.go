package nginx

import "testing"

func TestWholeCapture(t *testing.T) {
	for _, tc := range []struct {
		key, ref string
		want     bool
	}{
		{`~^(https://[a-z]+\.example\.com)$`, "$1", true},
		{`~*^(https://app\.example\.com)$`, "$1", true},
		{`~^(https://[a-z]+)\.example\.com$`, "$1", false},
		{`~^https://([a-z]+)\.example\.com$`, "$1", false},
		{`~^(https)://(x)$`, "$1", false},
		{`~^(https://(a|b)\.example)$`, "$1", true},
		{`~^(https://(a|b)\.example)$`, "$2", false},
		{`~^(?<o>https://a\.example)$`, "$1", false},
		{`https://a.example`, "$1", false},
	} {
		if got := wholeCapture(tc.key, tc.ref); got != tc.want {
			t.Errorf("wholeCapture(%q, %q) = %v, want %v", tc.key, tc.ref, got, tc.want)
		}
	}
}
