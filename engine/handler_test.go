package engine_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/corslint/corslint/browser"
	"github.com/corslint/corslint/engine"
	"github.com/corslint/corslint/model"
	"github.com/corslint/corslint/parsers/js"
	"github.com/corslint/corslint/serverside"
)

// TestLoadPairsSAMHandlers: check given a SAM template alone reads each
// function's handler from CodeUri and Handler, as lint does, and each
// route reaches its own function's code.
func TestLoadPairsSAMHandlers(t *testing.T) {
	if why := (js.Dialect{}).Unavailable(); why != "" {
		t.Skip(why)
	}
	dir := t.TempDir()
	files := map[string]string{
		"template.yaml": `Transform: AWS::Serverless-2016-10-31
Globals:
  Function:
    Runtime: nodejs20.x
Resources:
  WithHeader:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: with/
      Handler: index.handler
      Events:
        Api:
          Type: Api
          Properties:
            Path: /with
            Method: GET
  Without:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: without/
      Handler: app.main
      Events:
        Api:
          Type: Api
          Properties:
            Path: /items/{id}
            Method: GET
`,
		// Neither file imports a framework: the Handler names them.
		"with/index.js":   "exports.handler = async () => ({ statusCode: 200, headers: { 'Access-Control-Allow-Origin': 'https://app.example.com' }, body: '{}' });\n",
		"without/app.mjs": "export const main = async () => ({ statusCode: 200, body: '{}' });\n",
	}
	for name, text := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	stack, err := engine.Load([]string{filepath.Join(dir, "template.yaml")}, &engine.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(stack) != 3 || stack[1].Dialect != model.JavaScript || stack[2].Dialect != model.JavaScript {
		t.Fatalf("got %d models, want the template and its two handlers", len(stack))
	}
	for _, tc := range []struct {
		path    string
		allowed bool
	}{
		{"/Prod/with", true},
		{"/Prod/items/42", false},
		{"/items/42", false}, // a custom domain: no stage in the path
	} {
		p := serverside.Predict(stack, serverside.Request{Request: browser.Request{
			URL: "https://abc.execute-api.us-east-1.amazonaws.com" + tc.path, Origin: "https://app.example.com",
		}})
		if p.Unknown != "" || p.Verdict.Allowed != tc.allowed {
			t.Errorf("%s: allowed=%v (%s), want allowed=%v", tc.path, p.Verdict.Allowed, p.Unknown, tc.allowed)
		}
	}
}
