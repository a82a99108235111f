//go:build !cgo

package js

import "errors"

// errUnavailable is what parsing returns in a build without the parser.
var errUnavailable = errors.New("the JavaScript and TypeScript parser is not part of this build")

// available says why this build reads no JavaScript: the parser is
// tree-sitter's, which needs cgo.
const available = "this corslint was built without cgo (CGO_ENABLED=0), and its JavaScript and TypeScript parser (tree-sitter) needs it; build with cgo to lint application code"

func parseSyntax(string, []byte) (*Node, bool, error) {
	return nil, false, errUnavailable
}
