package vcl

import (
	"fmt"
	"os"
	"testing"
)

func TestScratchDump(t *testing.T) {
	f := os.Getenv("F")
	if f == "" {
		t.Skip()
	}
	src, _ := os.ReadFile(f)
	c := Parse(f, src, Options{})
	if os.Getenv("AST") != "" {
		fmt.Print(dumpAST(c))
	}
	for _, d := range c.Diagnostics {
		fmt.Println("diag", d.Span, d.Message)
	}
	fmt.Print(dumpModel(Lower(c)))
}
