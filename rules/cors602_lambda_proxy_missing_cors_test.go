package rules_test

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/corslint/corslint/model"
	"github.com/corslint/corslint/parsers/sam"
	"github.com/corslint/corslint/rules"
)

const gateway5xx = `      GatewayResponses:
        DEFAULT_5XX:
          ResponseParameters:
            Headers:
              Access-Control-Allow-Origin: "'https://app.example.com'"
`

// pathReader answers for one file and export with the paths it was given,
// as a language's reader would after reading the code.
type pathReader struct {
	file, export string
	paths        []model.CodeReturn
}

func (r pathReader) Returns(path string, _ []byte, export string) ([]model.CodeReturn, bool) {
	if filepath.Base(path) != r.file || export != r.export {
		return nil, false
	}
	return r.paths, true
}

// TestLambdaPaths: with the handler read path by path, CORS602 points at
// each path that answers without the header, and at a throw only when no
// gateway response for 5XX carries it.
func TestLambdaPaths(t *testing.T) {
	at := func(line int) model.Span { return model.Span{File: "app.js", Line: line, Col: 3} }
	ok := model.CodeReturn{Span: at(3), Status: 200, Headers: map[string]model.Span{model.ACAO: at(4)}}
	missing := model.CodeReturn{Span: at(7), Status: 404}
	throws := model.CodeReturn{Span: at(9), Throws: true}
	unknown := model.CodeReturn{Span: at(11), Undecidable: "the value comes from render()"}
	// The parser's own test template, with the handler an export of a
	// module in a subdirectory.
	tpl, err := os.ReadFile(filepath.Join("..", "parsers", "sam", "testdata", "handler", "template.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	tpl = []byte(strings.Replace(string(tpl), "Handler: app.handler", "Handler: handlers/app.api.get", 1))
	if !strings.Contains(string(tpl), "handlers/app.api.get") || !strings.Contains(string(tpl), "\n  Fn:\n") {
		t.Fatalf("the shared template changed:\n%s", tpl)
	}
	for _, c := range []struct {
		name     string
		gateway  string
		paths    []model.CodeReturn
		want     []string
		wantText string
	}{
		{"every path sets it", "", []model.CodeReturn{ok, ok}, nil, ""},
		{"one path lacks it", "", []model.CodeReturn{ok, missing}, []string{"7:3"}, "(statusCode 404)"},
		{"throw without gateway response", "", []model.CodeReturn{ok, throws}, []string{"9:3"}, "DEFAULT_5XX"},
		{"throw with gateway response", gateway5xx, []model.CodeReturn{ok, throws}, nil, ""},
		{"undecidable path", "", []model.CodeReturn{ok, unknown}, nil, ""},
		{"no path sets it", "", []model.CodeReturn{missing, throws}, []string{"7:3", "9:3"}, "'Access-Control-Allow-Origin': 'https://app.example.com'"},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			app := filepath.Join(dir, "src", "handlers", "app.js")
			if err := os.MkdirAll(filepath.Dir(app), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(app, []byte("exports.api = {};\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			paths := slices.Clone(c.paths)
			for i := range paths {
				paths[i].Span.File = app
			}
			top := filepath.Join(dir, "template.yaml")
			src := []byte(strings.Replace(string(tpl), "\n  Fn:\n", "\n"+c.gateway+"  Fn:\n", 1))
			f := sam.Lower(sam.Parse(top, src, sam.Options{Root: dir, Code: pathReader{"app.js", "api.get", paths}}))
			var got []string
			for _, x := range rules.Run(f, []*model.File{f}, rules.All(), &rules.Options{}) {
				if x.RuleID != "CORS602" {
					continue
				}
				if x.Span.File != app {
					t.Errorf("finding in %s, want the handler's file", x.Span.File)
				}
				got = append(got, fmt.Sprintf("%d:%d", x.Span.Line, x.Span.Col))
				if c.wantText != "" && !strings.Contains(x.Message, c.wantText) {
					t.Errorf("message %q lacks %q", x.Message, c.wantText)
				}
			}
			if !slices.Equal(got, c.want) {
				t.Errorf("CORS602 at %v, want %v", got, c.want)
			}
		})
	}
}
