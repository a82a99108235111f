package surface

import (
	"bufio"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// dialectRef is one place outside a dialect's own package that names a
// dialect: a model constant (model.Nginx), a string literal converted to
// model.Dialect, or one compared with a Dialect field or a Name() call.
type dialectRef struct {
	file string // slash-separated, relative to the module root
	fn   string // the enclosing function (Type.Method for a method), or the package-level name
	name string // the constant's name, or the literal as written
	line int
}

func (r dialectRef) key() string { return r.file + " " + r.fn + " " + r.name }

// dialectRefs lists the references to dialects in the non-test Go files
// under root, leaving out package model (which defines them), package
// dialects (the registry) and, in each parser package, its own dialect:
// the constant its Dialect's Name method returns.
func dialectRefs(root, modelPath string, consts map[string]bool) ([]dialectRef, error) {
	var out []dialectRef
	fset := token.NewFileSet()
	own := map[string]string{} // parser directory -> its own constant
	var files []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if d.IsDir() {
			if p != root && (name == "testdata" || strings.HasPrefix(name, ".") || name == "node_modules") {
				return filepath.SkipDir
			}
			return nil
		}
		if strings.HasSuffix(name, ".go") && !strings.HasSuffix(name, "_test.go") {
			files = append(files, p)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("walking %s: %w", root, err)
	}
	parsed := map[string]*ast.File{}
	for _, p := range files {
		f, err := parser.ParseFile(fset, p, nil, parser.SkipObjectResolution)
		if err != nil {
			return nil, fmt.Errorf("parsing %s: %w", p, err)
		}
		parsed[p] = f
		if c := ownDialect(f); c != "" {
			own[filepath.Dir(p)] = c
		}
	}
	for _, p := range files {
		rel, err := filepath.Rel(root, p)
		if err != nil {
			return nil, fmt.Errorf("locating %s: %w", p, err)
		}
		rel = filepath.ToSlash(rel)
		if strings.HasPrefix(rel, "model/") || strings.HasPrefix(rel, "dialects/") {
			continue
		}
		f := parsed[p]
		model := importName(f, modelPath)
		for _, decl := range f.Decls {
			fn := declName(decl)
			ast.Inspect(decl, func(n ast.Node) bool {
				name := ""
				switch n := n.(type) {
				case *ast.SelectorExpr:
					if x, ok := n.X.(*ast.Ident); ok && model != "" && x.Name == model && consts[n.Sel.Name] {
						name = n.Sel.Name
					}
				case *ast.CallExpr:
					if sel, ok := n.Fun.(*ast.SelectorExpr); ok && len(n.Args) == 1 && isModelSel(sel, model, "Dialect") {
						name = stringLit(n.Args[0])
					}
				case *ast.BinaryExpr:
					if n.Op == token.EQL || n.Op == token.NEQ {
						if namesDialect(n.X) {
							name = stringLit(n.Y)
						} else if namesDialect(n.Y) {
							name = stringLit(n.X)
						}
					}
				}
				if name == "" || own[filepath.Dir(p)] == name {
					return true
				}
				out = append(out, dialectRef{file: rel, fn: fn, name: name, line: fset.Position(n.Pos()).Line})
				return true
			})
		}
	}
	slices.SortFunc(out, func(a, b dialectRef) int {
		if c := strings.Compare(a.file, b.file); c != 0 {
			return c
		}
		return a.line - b.line
	})
	return out, nil
}

// ownDialect is the constant a parser package's Name method returns
// (func (Dialect) Name() model.Dialect { return model.Nginx }), or "".
func ownDialect(f *ast.File) string {
	for _, decl := range f.Decls {
		fd, ok := decl.(*ast.FuncDecl)
		if !ok || fd.Recv == nil || fd.Name.Name != "Name" || fd.Body == nil || len(fd.Body.List) != 1 {
			continue
		}
		ret, ok := fd.Body.List[0].(*ast.ReturnStmt)
		if !ok || len(ret.Results) != 1 {
			continue
		}
		if sel, ok := ret.Results[0].(*ast.SelectorExpr); ok {
			return sel.Sel.Name
		}
	}
	return ""
}

// importName is the name the package at path is imported as in f, or
// "".
func importName(f *ast.File, path string) string {
	for _, im := range f.Imports {
		if p, _ := strconv.Unquote(im.Path.Value); p == path {
			if im.Name != nil {
				return im.Name.Name
			}
			return filepath.Base(path)
		}
	}
	return ""
}

func isModelSel(sel *ast.SelectorExpr, model, name string) bool {
	x, ok := sel.X.(*ast.Ident)
	return ok && model != "" && x.Name == model && sel.Sel.Name == name
}

// namesDialect reports whether e reads a dialect: a Dialect field or a
// Name() call.
func namesDialect(e ast.Expr) bool {
	switch e := e.(type) {
	case *ast.SelectorExpr:
		return e.Sel.Name == "Dialect"
	case *ast.CallExpr:
		sel, ok := e.Fun.(*ast.SelectorExpr)
		return ok && sel.Sel.Name == "Name" && len(e.Args) == 0
	}
	return false
}

// stringLit is a non-empty string literal as written, quotes included,
// or "" (the empty string names no dialect).
func stringLit(e ast.Expr) string {
	if lit, ok := e.(*ast.BasicLit); ok && lit.Kind == token.STRING {
		if v, err := strconv.Unquote(lit.Value); err == nil && v != "" {
			return lit.Value
		}
	}
	return ""
}

// declName names a top-level declaration: its function (Type.Method for
// a method) or its first name.
func declName(d ast.Decl) string {
	switch d := d.(type) {
	case *ast.FuncDecl:
		if d.Recv != nil && len(d.Recv.List) == 1 {
			t := d.Recv.List[0].Type
			if s, ok := t.(*ast.StarExpr); ok {
				t = s.X
			}
			if id, ok := t.(*ast.Ident); ok {
				return id.Name + "." + d.Name.Name
			}
		}
		return d.Name.Name
	case *ast.GenDecl:
		for _, s := range d.Specs {
			switch s := s.(type) {
			case *ast.ValueSpec:
				return s.Names[0].Name
			case *ast.TypeSpec:
				return s.Name.Name
			}
		}
	}
	return "-"
}

// readDialectConsts lists the constants of type Dialect that a model
// package declares in dir.
func readDialectConsts(t *testing.T, dir string) map[string]bool {
	t.Helper()
	fset := token.NewFileSet()
	out := map[string]bool{}
	matches, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range matches {
		if strings.HasSuffix(p, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, p, nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range f.Decls {
			g, ok := d.(*ast.GenDecl)
			if !ok || g.Tok != token.CONST {
				continue
			}
			for _, s := range g.Specs {
				v := s.(*ast.ValueSpec)
				if id, ok := v.Type.(*ast.Ident); ok && id.Name == "Dialect" {
					for _, n := range v.Names {
						out[n.Name] = true
					}
				}
			}
		}
	}
	return out
}

// dialectAllow is one line of dialects.txt: a reference's key and why it
// stays.
type dialectAllow struct {
	key, reason string
	line        int
}

// readDialectAllow reads lines of a file, a function, a dialect name and
// the reason, separated by white space. Blank lines and # comments are
// skipped.
func readDialectAllow(t *testing.T, path string) []dialectAllow {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []dialectAllow
	sc := bufio.NewScanner(f)
	for line := 1; sc.Scan(); line++ {
		text := strings.TrimSpace(sc.Text())
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		fields := strings.Fields(text)
		if len(fields) < 4 {
			t.Errorf("%s:%d: want a file, a function, a dialect and the reason", path, line)
			continue
		}
		out = append(out, dialectAllow{key: strings.Join(fields[:3], " "), reason: strings.Join(fields[3:], " "), line: line})
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestDialectRefsFixture(t *testing.T) {
	root := filepath.Join("testdata", "dialects")
	consts := readDialectConsts(t, filepath.Join(root, "model"))
	if !consts["Foo"] || !consts["Bar"] || len(consts) != 2 {
		t.Fatalf("dialect constants: %v, want Foo and Bar", consts)
	}
	refs, err := dialectRefs(root, "example.com/dialects/model", consts)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range refs {
		got = append(got, fmt.Sprintf("%s:%d %s %s", r.file, r.line, r.fn, r.name))
	}
	want := []string{
		"parsers/foo/lower.go:7 lower Bar",
		`rules/r.go:9 check Foo`,
		`rules/r.go:12 check "bar"`,
		`rules/r.go:15 Rule.dialect "foo"`,
		`rules/r.go:20 meta Bar`,
	}
	if !slices.Equal(got, want) {
		t.Errorf("references:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestDialectRefs holds the line that adding a dialect touches nothing
// outside its own package but the registry: code elsewhere asks the
// model what a file means (model.Serving, scope roles, the dialect's
// Advice) rather than which dialect wrote it. Each reference that stays
// is listed in dialects.txt with why; a new one fails, and so does a
// line nothing matches any more.
func TestDialectRefs(t *testing.T) {
	consts := readDialectConsts(t, "../../model")
	if len(consts) == 0 {
		t.Fatal("no dialect constants found in model")
	}
	refs, err := dialectRefs("../..", module+"/model", consts)
	if err != nil {
		t.Fatal(err)
	}
	allow := readDialectAllow(t, "dialects.txt")
	left := map[string]int{}
	for _, a := range allow {
		left[a.key]++
	}
	for _, r := range refs {
		if left[r.key()] > 0 {
			left[r.key()]--
			continue
		}
		t.Errorf("%s:%d: %s names the dialect %s: give the model a property the dialect sets when it lowers (model.Serving, a scope role, its Advice) and test that, or list it in dialects.txt with the reason", r.file, r.line, r.fn, r.name)
	}
	for _, a := range allow {
		if left[a.key] > 0 {
			left[a.key]--
			t.Errorf("dialects.txt:%d: %s is no longer there: remove the line", a.line, a.key)
		}
	}
}
