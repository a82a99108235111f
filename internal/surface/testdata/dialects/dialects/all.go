package dialects

import "example.com/dialects/model"

var all = []model.Dialect{model.Foo, model.Bar}
