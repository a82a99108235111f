package sam

import (
	"bytes"
	"path/filepath"

	"github.com/corslint/corslint/dialect"
	"github.com/corslint/corslint/model"
)

// Dialect is AWS SAM and CloudFormation for the lint engine.
type Dialect struct {
	// Code reads the return paths of Node.js handlers under a local
	// CodeUri; nil searches their text for the header instead.
	Code model.CodeReader
}

// Name implements dialect.Dialect.
func (Dialect) Name() model.Dialect { return model.SAM }

// Detect implements dialect.Dialect: a YAML or JSON file that reads like
// a CloudFormation template. Other names are never templates here.
func (Dialect) Detect(path string, head []byte) dialect.Score {
	switch filepath.Ext(dialect.BaseName(path)) {
	case ".yaml", ".yml", ".json":
	default:
		return dialect.Score{}
	}
	if head == nil || templateLike(head) {
		return dialect.Score{Confidence: dialect.Certain}
	}
	return dialect.Score{}
}

// Parse implements dialect.Dialect. YAML that is not a template is not
// corslint's.
func (d Dialect) Parse(path string, src []byte, o *dialect.Options) (dialect.Parsed, bool) {
	t := Parse(path, src, Options{Root: o.Root, AllowOutsideRoot: o.AllowOutsideRoot, Code: d.Code})
	if t == nil {
		return dialect.Parsed{}, false
	}
	return dialect.Parsed{File: Lower(t)}, true
}

// Advice implements dialect.Dialect.
func (Dialect) Advice() model.Advice { return advice{} }

// templateLike reports whether a YAML or JSON file reads like a
// CloudFormation template. It implements by hand, for speed, what this
// expression does (the cross-check test holds them together):
//
//	AWSTemplateFormatVersion|AWS::Serverless|"?Type"?\s*:\s*"?AWS::
func templateLike(head []byte) bool {
	if bytes.Contains(head, []byte("AWSTemplateFormatVersion")) || bytes.Contains(head, []byte("AWS::Serverless")) {
		return true
	}
	for from := 0; ; {
		k := bytes.Index(head[from:], []byte("Type"))
		if k < 0 {
			return false
		}
		j := from + k + len("Type")
		if j < len(head) && head[j] == '"' {
			j++
		}
		if j = dialect.SkipSpace(head, j); j < len(head) && head[j] == ':' {
			if j = dialect.SkipSpace(head, j+1); j < len(head) && head[j] == '"' {
				j++
			}
			if bytes.HasPrefix(head[j:], []byte("AWS::")) {
				return true
			}
		}
		from = j
	}
}

// advice is API Gateway's, Lambda's, S3's and CloudFront's fix advice.
type advice struct{}

func (advice) Allowlist() string {
	return "send a fixed trusted origin such as \"'https://app.example.com'\" instead, or use an HTTP API whose CorsConfiguration AllowOrigins lists the trusted origins"
}

func (advice) VaryOrigin(*model.HeaderOp) string {
	return "add a Vary header with the value \"'Origin'\" beside it"
}

func (advice) VaryAppend(*model.HeaderOp) string {
	return "add a Vary line instead of replacing it (add_header Vary Origin always;)"
}

func (advice) CacheKey() string {
	return "add hash_data(req.http.Origin) in vcl_hash, or set Vary: Origin on beresp in vcl_backend_response"
}

func (advice) HideUpstream(*model.Upstream) string {
	return "set CORS in one place: the gateway's configuration or the function, not both"
}

func (advice) AnswerOptions(generic string) string { return generic }

func (advice) Always() string {
	return "API Gateway puts Cors headers on the OPTIONS answer only: add GatewayResponses (DEFAULT_4XX, DEFAULT_5XX) whose ResponseParameters.Headers set Access-Control-Allow-Origin"
}

// AllowHeaders names the setting of the resource that answers the
// preflight.
func (advice) AllowHeaders(s *model.Scope) string {
	for ; s != nil; s = s.Parent {
		switch s.Kind {
		case "AWS::Serverless::Api":
			return "add AllowHeaders: \"'Content-Type,Authorization'\" to Cors"
		case "AWS::ApiGateway::RestApi", "OpenAPI":
			return "add method.response.header.Access-Control-Allow-Headers: \"'Content-Type,Authorization'\" to the OPTIONS method's integration response"
		case "AWS::Serverless::HttpApi", "AWS::ApiGatewayV2::Api", "AWS::Lambda::Url":
			return "add AllowHeaders: [Content-Type, Authorization] to the CORS configuration"
		case "AWS::S3::Bucket":
			return "add AllowedHeaders: [Content-Type, Authorization] to the CORS rule"
		case "AWS::CloudFront::ResponseHeadersPolicy":
			return "add AccessControlAllowHeaders Items: [Content-Type, Authorization] to CorsConfig"
		}
	}
	return "list Content-Type and Authorization in the allowed headers"
}
