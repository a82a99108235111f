package a_test

import (
	"testing"

	"example.com/mod/a"
)

func TestForTests(t *testing.T) {
	if a.ForTests != 1 {
		t.Fatal(a.ForTests)
	}
}
