package engine

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/corslint/corslint/model"
)

// inputError is a file Load cannot build a model from: not recognised,
// or not parsing. A prediction from half a configuration would mislead.
type inputError struct{ Msg string }

func (e *inputError) Error() string { return e.Msg }

// Load reads the files of `corslint check` into the models lint checks:
// each file recognised and parsed as lint does, includes resolved within
// its directory, and a .htaccess linked into the configuration whose
// virtual host reads it (it then has no model of its own). The models
// come in the order of paths, outermost first.
func Load(paths []string, o *Options) ([]*model.File, error) {
	ds := o.dialects()
	results := make([]result, len(paths))
	keep := make([]int, len(paths))
	for i, a := range paths {
		abs, err := filepath.Abs(a)
		if err != nil {
			abs = a
		}
		res := parseOne(candidate{path: a, root: filepath.Dir(abs), explicit: true}, ds, o)
		if res.internal != nil {
			return nil, res.internal
		}
		if res.parsed.File == nil {
			return nil, &inputError{fmt.Sprintf("%s: not a configuration corslint reads", a)}
		}
		for _, d := range res.parsed.File.Diagnostics {
			if d.RuleID == "CORS001" {
				return nil, &inputError{fmt.Sprintf("%s: %s", d.Span, strings.TrimSuffix(d.Message, skipHint))}
			}
		}
		results[i], keep[i] = res, i
	}
	var stack []*model.File
	for _, f := range link(ds, results, keep, o) {
		if f != nil {
			stack = append(stack, f)
		}
	}
	for _, p := range handlerFiles(stack) {
		// A handler that cannot be read leaves the integration's answer
		// as it was without it.
		if f := parseHandler(ds, p, o); f != nil {
			stack = append(stack, f)
		}
	}
	return stack, nil
}

// IsInput reports whether err is the user's input's fault.
func IsInput(err error) bool {
	var ie *inputError
	return errors.As(err, &ie)
}
