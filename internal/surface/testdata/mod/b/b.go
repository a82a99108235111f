// Package b uses package a.
package b

import (
	"fmt"

	"example.com/mod/a"
)

// Printer is implemented by a.Printer.
type Printer interface{ Print() }

// Use uses a.
func Use(p Printer) int {
	p.Print()
	return a.Shared().Kept
}

var _ = Use(a.Printer{}) + len(fmt.Sprint(a.Printer{}))
