package model

type Dialect string

const (
	Foo Dialect = "foo"
	Bar Dialect = "bar"
)

type File struct{ Dialect Dialect }
