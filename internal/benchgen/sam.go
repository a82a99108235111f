package benchgen

import "strings"

func (g *gen) samYAML(size int) []byte {
	s := g.svc
	g.f("AWSTemplateFormatVersion: '2010-09-09'\nTransform: AWS::Serverless-2016-10-31\nDescription: >\n  %s (%s team)\n\n", s.name, s.team)
	g.f("Parameters:\n  Stage:\n    Type: String\n    Default: %s\n    AllowedValues: [prod, staging, dev]\n  AllowedOrigin:\n    Type: String\n    Default: https://%s\n\n", g.pick(envs[:3]), s.host(s.clients[0]))
	g.f("Conditions:\n  IsProd: !Equals [!Ref Stage, prod]\n\n")
	g.f("Globals:\n  Function:\n    Timeout: %d\n    MemorySize: %d\n    Runtime: %s\n    Tracing: Active\n\n", 3+g.r.IntN(27), 128<<g.r.IntN(4), g.pick(runtimes))
	g.f("Resources:\n")
	for i := 0; g.b.Len() < size-300 || i == 0; i++ {
		g.samResource(i)
	}
	g.f("Outputs:\n  ApiUrl:\n    Value: !Sub \"https://${Api0}.execute-api.${AWS::Region}.amazonaws.com/${Stage}\"\n")
	return g.b.Bytes()
}

func (g *gen) samResource(i int) {
	s := g.svc
	origin := "'https://" + s.host(s.clients[0]) + "'"
	switch i % 5 {
	case 0:
		g.f("  Api%d:\n    Type: AWS::Serverless::Api\n    Properties:\n      StageName: !Ref Stage\n", i)
		switch g.r.IntN(3) {
		case 0:
			g.f("      Cors: \"'*'\"\n")
		case 1:
			g.f("      Cors:\n        AllowMethods: \"'GET,POST,PUT,DELETE,OPTIONS'\"\n        AllowHeaders: \"'Content-Type,Authorization'\"\n")
			g.f("        AllowOrigin: \"%s\"\n        AllowCredentials: true\n        MaxAge: \"'600'\"\n", origin)
		default:
			g.f("      Cors:\n        AllowMethods: \"GET,POST\"\n        AllowOrigin: \"https://%s\"\n", s.host(s.clients[0]))
		}
		g.f("      GatewayResponses:\n        DEFAULT_4XX:\n          ResponseParameters:\n            Headers:\n              Access-Control-Allow-Origin: \"%s\"\n\n", origin)
	case 1, 2:
		g.f("  %sFunction%d:\n    Type: AWS::Serverless::Function\n    Properties:\n      CodeUri: src/%s/\n      Handler: index.handler\n", title(g.pick(nouns)), i, g.pick(nouns))
		g.f("      Environment:\n        Variables:\n          TABLE: !Ref Table%d\n          ALLOWED_ORIGIN: !Ref AllowedOrigin\n", i)
		g.f("      Policies:\n        - DynamoDBCrudPolicy:\n            TableName: !Ref Table%d\n", i)
		g.f("      Events:\n")
		for j := 0; j < 1+g.r.IntN(4); j++ {
			g.f("        Route%d:\n          Type: Api\n          Properties:\n            RestApiId: !Ref Api%d\n            Path: /%s/{id}\n            Method: %s\n", j, i-i%5, g.pick(nouns), g.pick([]string{"get", "post", "put", "delete", "any"}))
		}
		g.f("\n  Table%d:\n    Type: AWS::DynamoDB::Table\n    Properties:\n      BillingMode: PAY_PER_REQUEST\n", i)
		g.f("      AttributeDefinitions:\n        - AttributeName: pk\n          AttributeType: S\n      KeySchema:\n        - AttributeName: pk\n          KeyType: HASH\n\n")
	case 3:
		g.f("  HttpApi%d:\n    Type: AWS::Serverless::HttpApi\n    Properties:\n      CorsConfiguration:\n        AllowOrigins:\n", i)
		for _, c := range s.clients {
			g.f("          - https://%s\n", s.host(c))
		}
		g.f("        AllowHeaders: [content-type, authorization]\n        AllowMethods: [GET, POST, OPTIONS]\n        AllowCredentials: %v\n        MaxAge: %d\n\n", g.chance(50), 600*g.r.IntN(20))
	default:
		g.f("  Bucket%d:\n    Type: AWS::S3::Bucket\n    Properties:\n      CorsConfiguration:\n        CorsRules:\n          - AllowedOrigins:\n", i)
		g.f("              - %q\n", g.pick([]string{"*", "https://*." + s.domain, "https://" + s.host(s.clients[0])}))
		g.f("            AllowedMethods: [GET, HEAD]\n            AllowedHeaders: ['*']\n            MaxAge: 3000\n\n")
		g.f("  UrlFunction%d:\n    Type: AWS::Serverless::Function\n    Properties:\n      CodeUri: src/url/\n      Handler: app.handler\n", i)
		g.f("      FunctionUrlConfig:\n        AuthType: NONE\n        Cors:\n          AllowOrigins: [\"https://%s\"]\n          AllowMethods: [GET]\n\n", s.host(s.clients[0]))
	}
}

func (g *gen) cfnJSON(size int) []byte {
	s := g.svc
	g.f("{\n  \"AWSTemplateFormatVersion\": \"2010-09-09\",\n  \"Description\": \"%s REST API (%s)\",\n  \"Resources\": {\n", s.name, s.team)
	g.f("    \"RestApi\": {\n      \"Type\": \"AWS::ApiGateway::RestApi\",\n      \"Properties\": {\"Name\": \"%s\"}\n    }", s.name)
	for i := 0; g.b.Len() < size-200 || i == 0; i++ {
		g.f(",\n    \"Resource%d\": {\n      \"Type\": \"AWS::ApiGateway::Resource\",\n", i)
		g.f("      \"Properties\": {\"RestApiId\": {\"Ref\": \"RestApi\"}, \"ParentId\": {\"Fn::GetAtt\": [\"RestApi\", \"RootResourceId\"]}, \"PathPart\": \"%s%d\"}\n    },\n", g.pick(nouns), i)
		g.f("    \"Options%d\": {\n      \"Type\": \"AWS::ApiGateway::Method\",\n      \"Properties\": {\n", i)
		g.f("        \"RestApiId\": {\"Ref\": \"RestApi\"},\n        \"ResourceId\": {\"Ref\": \"Resource%d\"},\n        \"HttpMethod\": \"OPTIONS\",\n        \"AuthorizationType\": \"NONE\",\n", i)
		g.f("        \"Integration\": {\n          \"Type\": \"MOCK\",\n          \"RequestTemplates\": {\"application/json\": \"{\\\"statusCode\\\": 200}\"},\n")
		g.f("          \"IntegrationResponses\": [{\n            \"StatusCode\": \"200\",\n            \"ResponseParameters\": {\n")
		g.f("              \"method.response.header.Access-Control-Allow-Headers\": \"'Content-Type,Authorization,X-Amz-Date'\",\n")
		g.f("              \"method.response.header.Access-Control-Allow-Methods\": \"'GET,POST,OPTIONS'\",\n")
		g.f("              \"method.response.header.Access-Control-Allow-Origin\": \"'%s'\"\n            }\n          }]\n        },\n", g.pick([]string{"*", "https://" + s.host(s.clients[0])}))
		g.f("        \"MethodResponses\": [{\n          \"StatusCode\": \"200\",\n          \"ResponseParameters\": {\n")
		g.f("            \"method.response.header.Access-Control-Allow-Headers\": true,\n            \"method.response.header.Access-Control-Allow-Methods\": true,\n")
		g.f("            \"method.response.header.Access-Control-Allow-Origin\": true\n          }\n        }]\n      }\n    },\n")
		g.f("    \"Get%d\": {\n      \"Type\": \"AWS::ApiGateway::Method\",\n      \"Properties\": {\n", i)
		g.f("        \"RestApiId\": {\"Ref\": \"RestApi\"},\n        \"ResourceId\": {\"Ref\": \"Resource%d\"},\n        \"HttpMethod\": \"GET\",\n        \"AuthorizationType\": \"NONE\",\n", i)
		g.f("        \"Integration\": {\n          \"Type\": \"AWS_PROXY\",\n          \"IntegrationHttpMethod\": \"POST\",\n")
		g.f("          \"Uri\": {\"Fn::Sub\": \"arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${Handler%d.Arn}/invocations\"}\n        }\n      }\n    }", i)
	}
	g.f("\n  }\n}\n")
	return g.b.Bytes()
}

func title(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
