package rules

import m "example.com/dialects/model"

var _ = m.Foo
