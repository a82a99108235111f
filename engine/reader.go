package engine

import (
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/corslint/corslint/model"
	"github.com/corslint/corslint/source"
)

// readLimited reads a file to lint; one over the limit is an error that
// names the flag raising it.
func readLimited(path string, max int64) ([]byte, error) {
	src, err := source.ReadFile(path, max)
	var tl *source.TooLargeError
	if errors.As(err, &tl) {
		return nil, fmt.Errorf("%w (--max-file-size)", err)
	}
	return src, err
}

// unreadable is the model of a file that could not be read: one CORS001.
func unreadable(path string, err error) *model.File {
	msg := err.Error()
	var pe *fs.PathError
	if errors.As(err, &pe) {
		msg = pe.Err.Error()
	}
	what := "file"
	if info, statErr := os.Stat(path); statErr == nil && info.IsDir() {
		what = "directory"
	}
	return fileError(path, "cannot read "+what+": "+msg)
}

// fileError is the model of a file that is reported, not read: one
// CORS001 at its start.
func fileError(path, msg string) *model.File {
	return &model.File{
		Path: path,
		Diagnostics: []model.Diagnostic{{
			RuleID: "CORS001", Message: msg,
			Span: model.Span{File: path, Line: 1, Col: 1},
		}},
	}
}
