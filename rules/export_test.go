package rules

import "github.com/corslint/corslint/model"

// OnAsk sets the hook that counts the responses rules ask the evaluator
// about, and those they judge from their statements.
func OnAsk(o *Options, f func(rule string, r *model.Response, decided bool)) { o.onAsk = f }

// PossibleNote is the end of a finding judged from the statements.
const PossibleNote = possibleNote
