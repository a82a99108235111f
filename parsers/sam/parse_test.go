package sam

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func lower(t *testing.T, name, src string) *Template {
	t.Helper()
	return Parse(name, []byte(src), Options{})
}

// TestCorpus reads every template of the shared corpus: none may panic,
// and templates without CORS give no header statements.
func TestCorpus(t *testing.T) {
	paths, _ := filepath.Glob(filepath.Join("..", "..", "..", "shared", "corpus", "sam", "*"))
	if len(paths) == 0 {
		t.Skip("corpus not present")
	}
	for _, p := range paths {
		src, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		tpl := Parse(p, src, Options{})
		if tpl == nil {
			continue // not a template (a bare OpenAPI file without extensions)
		}
		f := Lower(tpl)
		if !strings.Contains(strings.ToLower(string(src)), "cors") && !strings.Contains(string(src), "Access-Control") && len(f.Headers) > 0 {
			t.Errorf("%s: no CORS in the template, yet %d header statements", p, len(f.Headers))
		}
	}
}

func TestNotATemplate(t *testing.T) {
	for _, src := range []string{
		"name: build\non: push\njobs: {}\n",
		"apiVersion: v1\nkind: ConfigMap\n",
		"",
		"[1, 2]\n",
	} {
		if tpl := lower(t, "x.yaml", src); tpl != nil {
			t.Errorf("%q: want nil (not a template), got %+v", src, tpl.Diagnostics)
		}
	}
}

func TestBadInput(t *testing.T) {
	cases := []struct{ name, src, want string }{
		{"syntax", "Resources:\n  A:\n   Type: AWS::S3::Bucket\n  - x\n", "YAML syntax error"},
		{"nul", "AWSTemplateFormatVersion: x\x00", "binary file"},
		{"utf8", "AWSTemplateFormatVersion: '\xff'\n", "invalid UTF-8"},
		{"utf16", "\xff\xfeA\x00", "UTF-16"},
		{"tab", "Resources:\n\tA: 1\n", "YAML syntax error"},
		{"dup", "AWSTemplateFormatVersion: x\nResources:\n  A: {Type: AWS::S3::Bucket}\n  A: {Type: AWS::S3::Bucket}\n", "duplicate key \"A\" (first at line 3)"},
		{"deep", "AWSTemplateFormatVersion: x\nX: " + strings.Repeat("[", 5000) + strings.Repeat("]", 5000) + "\n", ""},
		{"second doc", "AWSTemplateFormatVersion: x\n---\nb: 1\n", "second YAML document"},
	}
	for _, c := range cases {
		tpl := lower(t, c.name+".yaml", c.src)
		if tpl == nil {
			t.Errorf("%s: nil template", c.name)
			continue
		}
		if c.want == "" {
			if len(tpl.Diagnostics) == 0 {
				t.Errorf("%s: want a diagnostic", c.name)
			}
			continue
		}
		found := false
		for _, d := range tpl.Diagnostics {
			found = found || strings.Contains(d.Message, c.want) && d.RuleID == "CORS001" && d.Span.Line > 0
		}
		if !found {
			t.Errorf("%s: want CORS001 containing %q, got %+v", c.name, c.want, tpl.Diagnostics)
		}
	}
}

func TestAliasBombBounded(t *testing.T) {
	src := "AWSTemplateFormatVersion: x\na: &a [x, x, x, x, x, x, x, x, x]\n"
	prev := "a"
	for i := 0; i < 12; i++ {
		name := string(rune('b' + i))
		src += name + ": &" + name + " [*" + prev + ", *" + prev + ", *" + prev + ", *" + prev + ", *" + prev + ", *" + prev + ", *" + prev + ", *" + prev + "]\n"
		prev = name
	}
	tpl := lower(t, "bomb.yaml", src)
	if tpl == nil {
		t.Fatal("nil template")
	}
	Lower(tpl)
}

// TestPositions checks that spans are byte columns of the key as written,
// in YAML (after multi-byte text and a BOM) and in JSON (with \/).
func TestPositions(t *testing.T) {
	yamlSrc := "\uFEFFDescription: \"café ü\"\nResources:\n  Api:\n    Type: AWS::Serverless::Api\n    Properties:\n      Cors: {AllowHeaders: \"'X'\", AllowOrigin: \"'http://a.example'\"}\n"
	jsonSrc := "{\"AWSTemplateFormatVersion\": \"2010-09-09\", \"Resources\": {\"Api\": {\"Type\": \"AWS::Serverless::Api\",\n \"Properties\": {\"Cors\": {\"AllowOrigin\": \"'https:\\/\\/é.example'\"}}}}}\n"
	for _, c := range []struct {
		name, src   string
		line, col   int
		value, text string
	}{
		{"t.yaml", yamlSrc, 6, 35, "http://a.example", "AllowOrigin"},
		{"t.json", jsonSrc, 2, 26, "https://é.example", "\"AllowOrigin\""},
	} {
		f := Lower(lower(t, c.name, c.src))
		var found bool
		for _, op := range f.Headers {
			if op.Name != "Access-Control-Allow-Origin" {
				continue
			}
			found = true
			if op.Span.Line != c.line || op.Span.Col != c.col || op.Value.Text != c.value {
				t.Errorf("%s: ACAO at %d:%d value %q; want %d:%d %q", c.name, op.Span.Line, op.Span.Col, op.Value.Text, c.line, c.col, c.value)
			}
			line := strings.Split(c.src, "\n")[c.line-1]
			if got := line[op.Span.Col-1 : op.Span.EndCol-1]; got != c.text {
				t.Errorf("%s: span text %q, want %q", c.name, got, c.text)
			}
		}
		if !found {
			t.Errorf("%s: no ACAO statement", c.name)
		}
	}
}

func TestIntrinsics(t *testing.T) {
	src := `AWSTemplateFormatVersion: '2010-09-09'
Parameters:
  Domain:
    Type: String
  Env:
    Type: String
    AllowedValues: [prod, dev]
Mappings:
  Origins:
    prod: {Url: "'https://app.example.com'"}
    dev: {Url: "'http://localhost:3000'"}
Conditions:
  IsProd: !Equals [!Ref Env, prod]
Globals:
  Api:
    Cors:
      AllowHeaders: "'Content-Type'"
Resources:
  A:
    Type: AWS::Serverless::Api
    Properties:
      StageName: x
      Cors:
        AllowOrigin: !Sub "'http://${Domain}'"
  B:
    Type: AWS::Serverless::Api
    Properties:
      StageName: x
      Cors:
        AllowOrigin: !FindInMap [Origins, !Ref Env, Url]
  C:
    Type: AWS::Serverless::Api
    Properties:
      StageName: x
      Cors:
        AllowOrigin: !If [IsProd, "'https://app.example.com'", !Join ["", ["'", "https://dev.example.com", "'"]]]
  base: &base
    Type: AWS::Serverless::Api
  D:
    <<: *base
    Properties:
      StageName: x
      Cors: "'*'"
`
	f := Lower(lower(t, "i.yaml", src))
	var got []string
	for _, op := range f.Headers {
		if op.Name != "Access-Control-Allow-Origin" {
			continue
		}
		s := op.Value.Kind.String() + ":" + op.Value.Raw
		if op.Value.Kind == 0 || op.Value.Kind == 1 {
			s = op.Value.Kind.String() + ":" + op.Value.Text
		}
		for _, o := range op.Value.Options {
			s += "|" + o.Text
		}
		if op.When != nil {
			s += " when " + op.When.Text
		}
		got = append(got, s)
	}
	want := []string{
		"wildcard:*", // base: Globals Cors without AllowOrigin means SAM's default "'*'"
		"unknown:http://${parameter Domain, which has no Default}",
		"variable:Fn::FindInMap|https://app.example.com|http://localhost:3000",
		"literal:https://app.example.com when condition IsProd",
		"literal:https://dev.example.com when condition !IsProd",
		"wildcard:*",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	for _, op := range f.Headers {
		if op.Name == "Access-Control-Allow-Headers" && op.Span.Line != 17 {
			t.Errorf("Globals Cors AllowHeaders at line %d, want 17", op.Span.Line)
		}
	}
}
