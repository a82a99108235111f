package rules_test

import (
	"path/filepath"
	"testing"

	"github.com/corslint/corslint/rules"
	"github.com/corslint/corslint/rules/rulestest"
)

// TestCases runs the rule cases of testdata/rules.
func TestCases(t *testing.T) {
	rulestest.Run(t, filepath.Join("..", "testdata", "rules"), rules.All())
}
