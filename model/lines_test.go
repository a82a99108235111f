package model

import "testing"

func TestLines(t *testing.T) {
	l := NewLines([]byte("a\r\nbb\n\nccc"))
	for n, want := range map[int]string{0: "", 1: "a", 2: "bb", 3: "", 4: "ccc", 5: ""} {
		if got := l.Line(n); got != want {
			t.Errorf("Line(%d) = %q, want %q", n, got, want)
		}
	}
	if l.Start(4) != 7 || l.Start(5) != -1 {
		t.Errorf("Start(4) = %d, Start(5) = %d", l.Start(4), l.Start(5))
	}
}
