package js

import (
	"github.com/corslint/corslint/dialect"
	"github.com/corslint/corslint/model"
)

// Dialect is JavaScript and TypeScript application code for the lint
// engine.
type Dialect struct{}

// Name implements dialect.Dialect.
func (Dialect) Name() model.Dialect { return model.JavaScript }

// Detect implements dialect.Dialect.
func (Dialect) Detect(path string, head []byte) dialect.Score { return detect(path, head) }

// Parse implements dialect.Dialect.
func (Dialect) Parse(path string, src []byte, _ *dialect.Options) (dialect.Parsed, bool) {
	return dialect.Parsed{File: Lower(Parse(path, src))}, true
}

// Advice implements dialect.Dialect.
func (Dialect) Advice() model.Advice { return advice{} }

// Unavailable implements dialect.Unavailable: why this build cannot read
// the dialect's files, or "".
func (Dialect) Unavailable() string { return available }

// ReadsCode implements dialect.CodeReading: a Lambda's Handler names a
// file of application code, which this dialect reads.
func (Dialect) ReadsCode() bool { return true }
