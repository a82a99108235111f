package golden

import (
	"strings"
	"testing"

	"github.com/corslint/corslint/model"
)

// TestDoc renders one of each: a note diagnostic, a trailing comment, a
// span in an included file, a listed statement, a variant of one and a
// cache, and checks the lines and that the input's folder is dropped.
func TestDoc(t *testing.T) {
	in, inc := "testdata/site.conf", "testdata/inc/cors.conf"
	sp := func(file string, line int) model.Span {
		return model.Span{File: file, Line: line, Col: 1, EndLine: line, EndCol: 9}
	}
	server := &model.Scope{Kind: "server", Label: "a.example", Span: sp(in, 1)}
	op := &model.HeaderOp{Name: model.ACAO, Op: model.Set, Value: model.Value{Kind: model.Literal, Text: "https://a.example"}, Stored: true, Scope: server, Span: sp(inc, 2), Raw: "set"}
	variant := *op
	variant.Delivery = 1
	f := &model.File{
		Path:      in,
		Scopes:    []*model.Scope{server},
		Headers:   []*model.HeaderOp{op},
		Responses: []*model.Response{{Scope: server, Route: server, Headers: []*model.HeaderOp{op, &variant}, Span: sp(in, 3)}},
		Caches:    []*model.Cache{{Span: sp(in, 4), KeyHasOrigin: true}},
	}
	got := Doc{
		Path:        in,
		Tree:        "tree\n",
		Diagnostics: []model.Diagnostic{{RuleID: "CORS001", Message: "m", Span: sp(inc, 5), Note: true}},
		Comments:    []model.Comment{{Text: " c", Span: sp(in, 6), Trailing: true}},
		Model:       f,
		Extra:       []Section{{Name: "more", Body: "x\n"}},
	}.String()
	want := strings.Join([]string{
		"tree",
		"-- diagnostics --",
		"inc/cors.conf:5:1-5:9 CORS001 (note) m",
		"-- comments --",
		`6:1-6:9 trailing=true " c"`,
		"-- model --",
		`s1 1:1-1:9 server "a.example" role=other layer=edge parent=-`,
		`h1 inc/cors.conf:2:1-2:9 set Access-Control-Allow-Origin literal("https://a.example") stored delivery=0 scope=s1 raw="set"`,
		"response 3:1-3:9 source=server status=0 options=0 methods=[] scope=s1",
		`  h1 set Access-Control-Allow-Origin literal("https://a.example")`,
		`  variant of inc/cors.conf:2:1-2:9 set Access-Control-Allow-Origin literal("https://a.example") delivery=1`,
		`cache 4:1-4:9 key=[] origin=true storedVary=false deliveryVary=0`,
		"-- more --",
		"x",
		"",
	}, "\n")
	if got != want {
		t.Errorf("got:\n%s\nwant:\n%s\n%s", got, want, firstDiff(want, got))
	}
}

func TestValue(t *testing.T) {
	for _, tt := range []struct {
		v    model.Value
		want string
	}{
		{model.Value{Kind: model.Empty}, "empty"},
		{model.Value{Kind: model.Unknown, Raw: "$x"}, `unknown("$x")`},
		{model.Value{Kind: model.RequestHeader, Var: "Access-Control-Request-Headers"}, "request-header(Access-Control-Request-Headers)"},
		{model.Value{Kind: model.Reflected, Var: "$http_origin", Guards: []*model.Matcher{{}}}, "reflect($http_origin guards=1)"},
		{model.Value{Kind: model.Variable, Options: []model.Value{{Kind: model.Empty}, {Kind: model.Wildcard, Text: "*"}}}, `var(empty | wildcard("*"))`},
	} {
		if got := valueText(tt.v); got != tt.want {
			t.Errorf("Value(%+v) = %s, want %s", tt.v, got, tt.want)
		}
	}
}
