package rules

import m "example.com/dialects/model"

type Rule struct{ d interface{ Name() m.Dialect } }

func check(f *m.File) bool {
	_ = f.Dialect == "" // an empty literal names no dialect either way
	if f.Dialect == m.Foo {
		return true
	}
	return f.Dialect == m.Dialect("bar")
}

func (r *Rule) dialect() bool { return r.d.Name() == "foo" }

func unrelated(s struct{ Name string }) bool { return s.Name == "x" }

var meta = struct{ Dialects []m.Dialect }{
	Dialects: []m.Dialect{m.Bar},
}
