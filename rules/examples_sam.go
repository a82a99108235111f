package rules

// samExamples holds, per rule ID, the sam example shown in the rule's
// documentation after the nginx one.
var samExamples = map[string]docExample{
	"CORS101": {
		Title: "AWS SAM / CloudFormation", Lang: "yaml",
		Bad: `
GatewayResponses:
  DEFAULT_4XX:
    ResponseParameters:
      Headers:
        Access-Control-Allow-Origin: method.request.header.Origin
        Access-Control-Allow-Credentials: "'true'"`,
		Good: `
GatewayResponses:
  DEFAULT_4XX:
    ResponseParameters:
      Headers:
        Access-Control-Allow-Origin: "'https://app.example.com'"
        Access-Control-Allow-Credentials: "'true'"`,
	},
	"CORS104": {
		Title: "AWS SAM / CloudFormation", Lang: "yaml",
		Bad: `
CorsRules:
  - AllowedOrigins: [http://app.example.com]
    AllowedMethods: [GET]`,
		Good: `
CorsRules:
  - AllowedOrigins: [https://app.example.com]
    AllowedMethods: [GET]`,
	},
	"CORS105": {
		Title: "AWS SAM / CloudFormation", Lang: "yaml",
		Bad: `
Cors:
  AllowOrigin: "'www.example.com'"`,
		Good: `
Cors:
  AllowOrigin: "'https://www.example.com'"`,
		Note: "SAM's documentation allows a comma-separated list in `AllowOrigin`, but the browser accepts exactly one origin: use an HTTP API, whose `AllowOrigins` answers with the matching entry.",
	},
	"CORS201": {
		Title: "AWS SAM / CloudFormation", Lang: "yaml",
		Bad: `
CorsConfiguration:
  AllowOrigins: ["*"]
  AllowCredentials: true`,
		Good: `
CorsConfiguration:
  AllowOrigins: [https://app.example.com]
  AllowCredentials: true`,
		Note: "HTTP APIs and Lambda function URLs refuse this combination at deploy; SAM refuses `AllowCredentials: true` with `AllowOrigin: \"'*'\"` on an `AWS::Serverless::Api`.",
	},
	"CORS302": {
		Title: "AWS SAM / CloudFormation", Lang: "yaml",
		Bad: `
CorsConfiguration:
  AllowOrigins: [https://app.example.com]
  AllowMethods: [GET, POST]`,
		Good: `
CorsConfiguration:
  AllowOrigins: [https://app.example.com]
  AllowMethods: [GET, POST]
  AllowHeaders: [Content-Type, Authorization]`,
	},
	"CORS303": {
		Title: "AWS SAM / CloudFormation", Lang: "yaml",
		Bad: `
Cors:
  AllowOrigin: "'https://app.example.com'"
Auth:
  DefaultAuthorizer: UserPool`,
		Good: `
Cors:
  AllowOrigin: "'https://app.example.com'"
Auth:
  DefaultAuthorizer: UserPool
  AddDefaultAuthorizerToCorsPreflight: false`,
		Note: "SAM puts the default authorizer (and a required API key) on the OPTIONS method it generates unless told not to; browsers send preflights without credentials, so API Gateway answers them with 401 or 403. A REST API path without any OPTIONS method answers preflights with 403 Missing Authentication Token.",
	},
	"CORS304": {
		Title: "AWS SAM / CloudFormation", Lang: "yaml",
		Bad: `
Cors:
  AllowOrigin: "'https://app.example.com'"
Auth:
  DefaultAuthorizer: UserPool`,
		Good: `
Cors:
  AllowOrigin: "'https://app.example.com'"
Auth:
  DefaultAuthorizer: UserPool
GatewayResponses:
  DEFAULT_4XX:
    ResponseParameters:
      Headers:
        Access-Control-Allow-Origin: "'https://app.example.com'"
  DEFAULT_5XX:
    ResponseParameters:
      Headers:
        Access-Control-Allow-Origin: "'https://app.example.com'"`,
		Note: "`Cors` only configures the OPTIONS answer. API Gateway's own errors (an authorizer's 401, a usage plan's 429, a missing API key's 403) carry CORS headers only through `GatewayResponses`.",
	},
	"CORS306": {
		Title: "AWS SAM / CloudFormation", Lang: "yaml",
		Bad: `
Cors:
  MaxAge: "'1d'"`,
		Good: `
Cors:
  MaxAge: "'7200'"`,
	},
	"CORS601": {
		Title: "AWS SAM / CloudFormation", Lang: "yaml",
		Bad: `
Cors:
  AllowOrigin: https://app.example.com
  AllowMethods: "'GET,POST''"
  MaxAge: 600`,
		Good: `
Cors:
  AllowOrigin: "'https://app.example.com'"
  AllowMethods: "'GET,POST'"
  MaxAge: "'600'"`,
	},
	"CORS602": {
		Title: "AWS SAM / CloudFormation", Lang: "yaml",
		Bad: `
Events:
  Api:
    Type: Api
    Properties: {RestApiId: !Ref Api, Path: /data, Method: GET}
# handler returns { statusCode: 200, body }`,
		Good: `
Events:
  Api:
    Type: Api
    Properties: {RestApiId: !Ref Api, Path: /data, Method: GET}
# handler returns { statusCode: 200, headers: { "Access-Control-Allow-Origin": "https://app.example.com" }, body }`,
	},
}
