// Package a declares names that package b uses, or does not.
package a

// Shared is used by b.
func Shared() Result { return Result{Kept: 1} }

// Result is named only by Shared's signature: a caller may need to name it.
type Result struct {
	Kept  int // read by b
	Alone int // read here only
}

// Mode is an enum that Shared's result does not name.
type Mode int

// Modes: only this package uses them.
const (
	ModeA Mode = iota
	ModeB
)

// Local is used only in this package.
func Local() Mode { return ModeA + ModeB + Mode(Result{}.Alone) }

// Dead is used by nothing.
func Dead() {}

// ForTests is used only by this package's tests.
var ForTests = 1

// Printer implements b's interface and fmt.Stringer, neither of which names its methods.
type Printer struct{}

// Print implements b.Printer.
func (Printer) Print() {}

// String implements fmt.Stringer.
func (Printer) String() string { return "" }

// Other implements nothing and nobody calls it.
func (Printer) Other() {}

var _ = Local
