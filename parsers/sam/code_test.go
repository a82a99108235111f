package sam

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/corslint/corslint/model"
)

// handlerTemplate is testdata/handler/template.yaml with edits: pairs of
// old and new text, each of which must apply.
func handlerTemplate(t *testing.T, edits ...string) []byte {
	t.Helper()
	src, err := os.ReadFile(filepath.Join("testdata", "handler", "template.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(edits); i += 2 {
		if !strings.Contains(string(src), edits[i]) {
			t.Fatalf("template.yaml has no %q", edits[i])
		}
		src = []byte(strings.Replace(string(src), edits[i], edits[i+1], 1))
	}
	return src
}

// codeAdds returns the files of the headers the function's code sets.
func codeAdds(t *testing.T, path string, o Options) []string {
	t.Helper()
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var files []string
	for _, r := range Lower(Parse(path, src, o)).Responses {
		if r.Upstream == nil {
			continue
		}
		if sp, ok := r.Upstream.Adds[model.ACAO]; ok {
			files = append(files, sp.File)
		}
	}
	return files
}

// TestCodeStaysInRoot: the handler's code is read only when its real path
// lies in the linted root; a committed link does not lead out of it.
func TestCodeStaysInRoot(t *testing.T) {
	handler := "exports.handler = async () => ({ headers: { \"Access-Control-Allow-Origin\": \"*\" } });\n"
	outside := t.TempDir()
	if err := os.WriteFile(filepath.Join(outside, "app.js"), []byte(handler), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, linked := range []bool{false, true} {
		dir := t.TempDir()
		if err := os.MkdirAll(filepath.Join(dir, "src"), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "template.yaml"), handlerTemplate(t), 0o644); err != nil {
			t.Fatal(err)
		}
		app := filepath.Join(dir, "src", "app.js")
		if linked {
			if err := os.Symlink(filepath.Join(outside, "app.js"), app); err != nil {
				t.Skip(err)
			}
		} else if err := os.WriteFile(app, []byte(handler), 0o644); err != nil {
			t.Fatal(err)
		}
		top := filepath.Join(dir, "template.yaml")
		got := codeAdds(t, top, Options{Root: dir})
		if want := 1; linked {
			want = 0
			if len(got) != want {
				t.Errorf("code through a link out of the root: read from %v", got)
			}
		} else if len(got) != want || got[0] != app {
			t.Errorf("code in the root: %v", got)
		}
		if linked {
			if got := codeAdds(t, top, Options{Root: dir, AllowOutsideRoot: true}); len(got) != 1 {
				t.Errorf("allowed outside: %v", got)
			}
		}
	}
}

// TestSplitHandler: the module and export the Node.js runtime loads for a
// Handler (its UserFunction: the directory up to the last slash, the
// module up to the first dot of the rest).
func TestSplitHandler(t *testing.T) {
	for _, c := range []struct{ in, dir, module, export string }{
		{"app.handler", "", "app", "handler"},
		{"src/index.lambdaHandler", "src", "index", "lambdaHandler"},
		{"src/handlers/app.api.get", "src/handlers", "app", "api.get"},
		{"dist/v1.2/app.handler", "dist/v1.2", "app", "handler"},
		{"handler", "", "", ""},
		{".handler", "", "", ""},
		{"app.", "", "", ""},
	} {
		dir, module, export, ok := splitHandler(c.in)
		if dir != c.dir || module != c.module || export != c.export || ok != (c.module != "") {
			t.Errorf("splitHandler(%q) = %q %q %q %v", c.in, dir, module, export, ok)
		}
	}
}

// TestCodeFromGlobals: CodeUri, Handler and Runtime from Globals find the
// handler, in a subdirectory, as an .mjs module.
func TestCodeFromGlobals(t *testing.T) {
	dir := t.TempDir()
	tpl := handlerTemplate(t,
		"      CodeUri: src/\n      Handler: app.handler\n      Runtime: nodejs20.x\n", "",
		"Resources:\n", "Globals:\n  Function:\n    CodeUri: fn/\n    Handler: lib/main.handler\n    Runtime: nodejs22.x\nResources:\n")
	main := filepath.Join(dir, "fn", "lib", "main.mjs")
	if err := os.MkdirAll(filepath.Dir(main), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(main, []byte("export const handler = async () => ({ headers: { 'Access-Control-Allow-Origin': '*' } });\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	top := filepath.Join(dir, "template.yaml")
	if err := os.WriteFile(top, tpl, 0o644); err != nil {
		t.Fatal(err)
	}
	if got := codeAdds(t, top, Options{Root: dir}); len(got) != 1 || got[0] != main {
		t.Errorf("code from Globals: %v\n%s", got, tpl)
	}
}
