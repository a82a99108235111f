package foo

import "example.com/dialects/model"

func lower() *model.File {
	f := &model.File{Dialect: model.Foo}
	if f.Dialect == model.Bar {
		return nil
	}
	return f
}
