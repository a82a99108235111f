// Package surface lists the exported names of a module's packages that no other package refers
// to: names that could be unexported, or deleted where nothing refers to them at all.
//
// A name counts as shared when another package refers to it, the tests of other packages
// included. A method also counts as shared when it implements an interface of another package
// (fmt.Stringer, dialect.Dialect), since calls through the interface name no method. The tests
// of a package, internal or external (package x_test), are the package itself: an export that
// only they use is a test-only export.
package surface

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"sort"
	"strings"

	"golang.org/x/tools/go/packages"
)

// use says who refers to an exported name.
type use int

// How far a name is used, from least to most.
const (
	unused   use = iota // nothing refers to it, not even its own package
	testOnly            // only its own package's tests
	local               // its own package's code
	exposed             // named by the signature or type of a shared name, or an enum value of such a type
	shared              // another package
)

func (u use) String() string {
	switch u {
	case unused:
		return "unused"
	case testOnly:
		return "test-only"
	case local:
		return "local"
	case exposed:
		return "exposed"
	}
	return "shared"
}

// name is one exported identifier of a package.
type name struct {
	pkg  string // import path
	name string // Foo, or Type.Method, or Type.Field
	pos  token.Position
	use  use
}

// id is how allowlists name it: the import path, a dot, the name.
func (n name) id() string { return n.pkg + "." + n.name }

// unshared loads the packages that patterns name, relative to dir, with their tests and the
// given build tags, and returns their exported names that no other package uses, sorted by ID.
// Package main is left out: nothing can import it.
func unshared(dir string, tags []string, patterns ...string) ([]name, error) {
	cfg := &packages.Config{
		Mode: packages.NeedName | packages.NeedFiles | packages.NeedSyntax |
			packages.NeedTypes | packages.NeedTypesInfo | packages.NeedImports,
		Dir:   dir,
		Tests: true,
	}
	if len(tags) > 0 {
		cfg.BuildFlags = []string{"-tags=" + strings.Join(tags, ",")}
	}
	pkgs, err := packages.Load(cfg, patterns...)
	if err != nil {
		return nil, fmt.Errorf("loading %s: %w", strings.Join(patterns, " "), err)
	}
	var problems []string
	packages.Visit(pkgs, nil, func(p *packages.Package) {
		for _, e := range p.Errors {
			problems = append(problems, e.Error())
		}
	})
	if len(problems) > 0 {
		return nil, fmt.Errorf("loading %s: %s", strings.Join(patterns, " "), strings.Join(problems, "; "))
	}
	if len(pkgs) == 0 {
		return nil, fmt.Errorf("loading %s: no packages", strings.Join(patterns, " "))
	}
	fset := pkgs[0].Fset

	cands := map[string]*name{}
	var named []*types.TypeName // exported types, for the interface check
	for _, p := range pkgs {
		if p.ID != p.PkgPath || p.Name == "main" || p.Types == nil {
			continue // test variants and external tests declare nothing importable
		}
		add := func(obj types.Object, id string) {
			pos := fset.Position(obj.Pos())
			cands[key(pos)] = &name{pkg: p.PkgPath, name: id, pos: pos}
		}
		scope := p.Types.Scope()
		for _, n := range scope.Names() {
			obj := scope.Lookup(n)
			if !obj.Exported() {
				continue
			}
			add(obj, n)
			tn, ok := obj.(*types.TypeName)
			if !ok || tn.IsAlias() {
				continue
			}
			nt, ok := tn.Type().(*types.Named)
			if !ok {
				continue
			}
			named = append(named, tn)
			for i := range nt.NumMethods() {
				if m := nt.Method(i); m.Exported() {
					add(m, n+"."+m.Name())
				}
			}
			st, ok := nt.Underlying().(*types.Struct)
			if !ok {
				continue
			}
			for i := range st.NumFields() {
				f := st.Field(i)
				// Embedded fields are reached through promotion, and tagged ones
				// through reflection (encoding/json, yaml), neither of which names them.
				if f.Exported() && !f.Embedded() && st.Tag(i) == "" {
					add(f, n+"."+f.Name())
				}
			}
		}
	}

	raise := func(k string, u use) {
		if c := cands[k]; c != nil && u > c.use {
			c.use = u
		}
	}
	for _, p := range pkgs {
		if p.TypesInfo == nil {
			continue
		}
		home := strings.TrimSuffix(p.PkgPath, "_test")
		for id, obj := range p.TypesInfo.Uses {
			if obj.Pkg() == nil || !obj.Exported() {
				continue
			}
			u := local
			switch {
			case obj.Pkg().Path() != home:
				u = shared
			case strings.HasSuffix(fset.Position(id.Pos()).Filename, "_test.go"):
				u = testOnly
			}
			raise(key(fset.Position(obj.Pos())), u)
		}
	}

	for _, c := range implementers(fset, pkgs, named) {
		raise(c.key, c.use)
	}

	expose(fset, pkgs, cands)

	out := make([]name, 0, len(cands))
	for _, c := range cands {
		if c.use < exposed {
			out = append(out, *c)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].id() < out[j].id() })
	return out, nil
}

func key(p token.Position) string { return fmt.Sprintf("%s:%d:%d", p.Filename, p.Line, p.Column) }

type implUse struct {
	key string
	use use
}

// implementers finds the methods of the given types that implement a method of an interface
// known to the loaded packages: declared in them or in anything they import, or written as an
// interface literal in their code. Such a method is used by the interface's package.
func implementers(fset *token.FileSet, pkgs []*packages.Package, named []*types.TypeName) []implUse {
	type iface struct {
		t   *types.Interface
		pkg string
	}
	byMethod := map[string][]iface{}
	seenIface := map[*types.Interface]bool{}
	addIface := func(t *types.Interface, pkg string) {
		if seenIface[t] || t.NumMethods() == 0 {
			return
		}
		seenIface[t] = true
		for i := range t.NumMethods() {
			m := t.Method(i).Name()
			byMethod[m] = append(byMethod[m], iface{t, pkg})
		}
	}
	addIface(types.Universe.Lookup("error").Type().Underlying().(*types.Interface), "")
	seenPkg := map[*types.Package]bool{}
	var walk func(tp *types.Package)
	walk = func(tp *types.Package) {
		if tp == nil || seenPkg[tp] {
			return
		}
		seenPkg[tp] = true
		scope := tp.Scope()
		for _, n := range scope.Names() {
			tn, ok := scope.Lookup(n).(*types.TypeName)
			if !ok {
				continue
			}
			if nt, ok := tn.Type().(*types.Named); ok && nt.TypeParams().Len() > 0 {
				continue // a generic interface needs instantiating first
			}
			if it, ok := tn.Type().Underlying().(*types.Interface); ok {
				addIface(it, tp.Path())
			}
		}
		for _, imp := range tp.Imports() {
			walk(imp)
		}
	}
	for _, p := range pkgs {
		walk(p.Types)
		if p.TypesInfo == nil {
			continue
		}
		home := strings.TrimSuffix(p.PkgPath, "_test")
		for _, f := range p.Syntax {
			ast.Inspect(f, func(n ast.Node) bool {
				if lit, ok := n.(*ast.InterfaceType); ok {
					if it, ok := p.TypesInfo.TypeOf(lit).(*types.Interface); ok {
						addIface(it, home)
					}
				}
				return true
			})
		}
	}

	var out []implUse
	for _, tn := range named {
		nt := tn.Type().(*types.Named)
		if types.IsInterface(nt) {
			continue
		}
		ptr := types.NewPointer(nt)
		for i := range nt.NumMethods() {
			m := nt.Method(i)
			if !m.Exported() {
				continue
			}
			for _, it := range byMethod[m.Name()] {
				if !types.Implements(nt, it.t) && !types.Implements(ptr, it.t) {
					continue
				}
				u := shared
				if it.pkg == tn.Pkg().Path() {
					u = local
				}
				out = append(out, implUse{key(fset.Position(m.Pos())), u})
			}
		}
	}
	return out
}

// expose marks the exported types that a shared name's signature or type reaches: a caller of
// an exported function needs to be able to name what it takes and returns, even when none does
// yet. An exposed type's exported fields and methods stay as they are used; its constants (an
// enum's values) go with it.
func expose(fset *token.FileSet, pkgs []*packages.Package, cands map[string]*name) {
	objs := map[string]types.Object{}
	for _, p := range pkgs {
		if p.ID != p.PkgPath || p.Types == nil {
			continue
		}
		scope := p.Types.Scope()
		for _, n := range scope.Names() {
			obj := scope.Lookup(n)
			objs[key(fset.Position(obj.Pos()))] = obj
			nt, ok := obj.Type().(*types.Named)
			if _, isType := obj.(*types.TypeName); !isType || !ok {
				continue
			}
			for i := range nt.NumMethods() {
				objs[key(fset.Position(nt.Method(i).Pos()))] = nt.Method(i)
			}
			if st, ok := nt.Underlying().(*types.Struct); ok {
				for i := range st.NumFields() {
					objs[key(fset.Position(st.Field(i).Pos()))] = st.Field(i)
				}
			}
		}
	}
	var queue []types.Object
	seen := map[types.Type]bool{}
	var walk func(t types.Type)
	mark := func(obj types.Object) {
		k := key(fset.Position(obj.Pos()))
		if c := cands[k]; c != nil && c.use < exposed {
			c.use = exposed
			queue = append(queue, objs[k])
		}
	}
	walk = func(t types.Type) {
		if t == nil || seen[t] {
			return
		}
		seen[t] = true
		switch t := t.(type) {
		case *types.Alias:
			mark(t.Obj())
			walk(types.Unalias(t))
		case *types.Named:
			mark(t.Obj())
			for i := range t.TypeArgs().Len() {
				walk(t.TypeArgs().At(i))
			}
		case *types.Pointer:
			walk(t.Elem())
		case *types.Slice:
			walk(t.Elem())
		case *types.Array:
			walk(t.Elem())
		case *types.Chan:
			walk(t.Elem())
		case *types.Map:
			walk(t.Key())
			walk(t.Elem())
		case *types.Signature:
			for i := range t.Params().Len() {
				walk(t.Params().At(i).Type())
			}
			for i := range t.Results().Len() {
				walk(t.Results().At(i).Type())
			}
		case *types.Struct:
			for i := range t.NumFields() {
				if f := t.Field(i); f.Exported() {
					walk(f.Type())
				}
			}
		case *types.Interface:
			for i := range t.NumMethods() {
				walk(t.Method(i).Type())
			}
		}
	}
	for k, c := range cands {
		if c.use == shared && objs[k] != nil {
			queue = append(queue, objs[k])
		}
	}
	for len(queue) > 0 {
		obj := queue[0]
		queue = queue[1:]
		if obj == nil {
			continue
		}
		if tn, ok := obj.(*types.TypeName); ok {
			walk(tn.Type().Underlying())
			continue
		}
		walk(obj.Type())
	}
	for k, c := range cands {
		if c.use >= exposed {
			continue
		}
		if cn, ok := objs[k].(*types.Const); ok {
			if nt, ok := cn.Type().(*types.Named); ok {
				if t := cands[key(fset.Position(nt.Obj().Pos()))]; t != nil && t.use >= exposed {
					c.use = exposed
				}
			}
		}
	}
}
