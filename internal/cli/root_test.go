package cli

import (
	"io"
	"testing"
)

// TestCommandNames holds the list help builds from to the commands
// newCommand knows: each listed name builds the command of that name.
func TestCommandNames(t *testing.T) {
	for _, name := range commandNames() {
		c := newCommand(name, nil, io.Discard, io.Discard)
		if c == nil || c.Name() != name {
			t.Errorf("commandNames lists %q, newCommand builds %v", name, c)
		}
		if !isSubcommand(name) {
			t.Errorf("%q is not taken for a command", name)
		}
	}
	if newCommand("completion", nil, io.Discard, io.Discard) != nil {
		t.Error("newCommand builds cobra's completion command")
	}
}
