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
