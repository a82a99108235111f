package sam

import (
	"fmt"
	"strings"

	"github.com/corslint/corslint/model"
)

// corsWithDefinitionURI reports an API whose CORS setting (prop: Cors or
// CorsConfiguration) SAM must write into an OpenAPI definition it does not
// have: the definition lives on S3 (DefinitionUri), and SAM refuses the
// template ("Cors works only with inline Swagger specified in
// 'DefinitionBody' property.", samtranslator's api_generator).
func (l *lowerer) corsWithDefinitionURI(props *Node, prop string) {
	cors, key := props.Get(prop), props.Key(prop)
	if cors == nil || key == nil || props.Get("DefinitionBody") != nil {
		return
	}
	if on, quoted := cors.Bool(); cors.Kind == Scalar && !quoted && !on {
		return // Cors: false adds nothing
	}
	uri := props.Get("DefinitionUri")
	if uri == nil {
		return
	}
	where := ""
	switch {
	case uri.Kind == Map && uri.Has("Bucket") && uri.Has("Key"):
		where = fmt.Sprintf("s3://%s/%s", firstText(l.e, uri.Get("Bucket")), firstText(l.e, uri.Get("Key")))
	default:
		if t := firstText(l.e, uri); strings.HasPrefix(strings.ToLower(t), "s3://") {
			where = t
		}
	}
	if where == "" {
		return // a local file, which sam package uploads; not decided here
	}
	quote := "Cors works only with inline Swagger specified in 'DefinitionBody' property."
	if prop == "CorsConfiguration" {
		quote = "Cors works only with inline OpenApi specified in 'DefinitionBody' property."
	}
	l.file.Diagnostics = append(l.file.Diagnostics, model.Diagnostic{RuleID: "CORS001", Span: key.Span,
		Message: fmt.Sprintf("SAM refuses the template: %s works only with an inline DefinitionBody, and the definition is at %s (%q); put the CORS settings into that definition (x-amazon-apigateway-cors or OPTIONS methods) and drop %s, or inline it with DefinitionBody: Fn::Transform: {Name: AWS::Include, Parameters: {Location: %s}}", prop, where, quote, prop, where)})
}
