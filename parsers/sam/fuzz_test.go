package sam

import (
	"os"
	"path/filepath"
	"testing"
)

func FuzzParse(f *testing.F) {
	paths, _ := filepath.Glob(filepath.Join("..", "..", "examples", "sam", "*"))
	for _, p := range paths {
		if src, err := os.ReadFile(p); err == nil {
			f.Add(src)
		}
	}
	f.Add([]byte("AWSTemplateFormatVersion: x\nResources: {A: {Type: AWS::Serverless::Api, Properties: {Cors: !If [C, \"'*'\", !Ref P]}}}\n"))
	f.Add([]byte(`{"Resources": {"B": {"Type": "AWS::S3::Bucket", "Properties": {"CorsConfiguration": {"CorsRules": [{"AllowedOrigins": ["https://*.example.com"]}]}}}}}`))
	f.Fuzz(func(t *testing.T, src []byte) {
		if tpl := Parse("fuzz.yaml", src, Options{}); tpl != nil {
			Lower(tpl)
		}
	})
}

func BenchmarkParseLower(b *testing.B) {
	src, err := os.ReadFile(filepath.Join("..", "..", "..", "shared", "corpus", "sam", "aws-samples__aws-bookstore-demo-app__template__master-fullstack.yaml"))
	if err != nil {
		b.Skip("corpus not present")
	}
	b.SetBytes(int64(len(src)))
	for b.Loop() {
		Lower(Parse("t.yaml", src, Options{}))
	}
}
