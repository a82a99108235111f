//go:build !cgo

package js

// available says why this build reads no JavaScript: the parser is
// tree-sitter's, which needs cgo.
const available = "this corslint was built without cgo (CGO_ENABLED=0), and its JavaScript and TypeScript parser (tree-sitter) needs it; build with cgo to lint application code"

func parseSyntax(string, []byte) (*Node, bool, error) {
	return nil, false, errUnavailable
}
