package foo

import "example.com/dialects/model"

type Dialect struct{}

func (Dialect) Name() model.Dialect { return model.Foo }
