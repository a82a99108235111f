package rules

import "github.com/corslint/corslint/model"

// refusedAtDeploy says, for messages, when the platform that owns a
// statement's scope refuses "*" with credentials before any browser sees
// it.
func refusedAtDeploy(s *model.Scope) string {
	for ; s != nil; s = s.Parent {
		switch s.Kind {
		case "AWS::Serverless::HttpApi", "AWS::ApiGatewayV2::Api":
			return " (API Gateway refuses this combination at deploy for HTTP APIs)"
		case "AWS::Lambda::Url":
			return " (Lambda refuses this combination at deploy for function URLs)"
		case "AWS::Serverless::Api":
			return " (SAM refuses AllowCredentials: true with AllowOrigin \"'*'\" at deploy)"
		}
	}
	return ""
}

// allowHeadersFix says where to list the allowed request headers.
func allowHeadersFix(d model.Dialect, s *model.Scope) string {
	if d != model.SAM {
		return "add Access-Control-Allow-Headers \"Content-Type, Authorization\" here"
	}
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
