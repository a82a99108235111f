package sam

import (
	"regexp"
	"testing"

	"github.com/corslint/corslint/dialect/dialecttest"
)

// samSpec is what templateLike implements by hand.
var samSpec = regexp.MustCompile(`AWSTemplateFormatVersion|AWS::Serverless|"?Type"?\s*:\s*"?AWS::`)

var templateEdges = []string{
	"Type: AWS::S3::Bucket", "\"Type\" : \"AWS::Lambda\"", "Type:AWS", "Type :\n \"AWS::", "TypeType: AWS::", "Type\"\": AWS::",
}

func checkTemplateLike(t *testing.T, name string, src []byte) {
	t.Helper()
	if got, want := templateLike(src), samSpec.Match(src); got != want {
		t.Errorf("%s: templateLike %v, the expression says %v", name, got, want)
	}
}

func TestTemplateLikeMatchesSpec(t *testing.T) {
	for _, e := range templateEdges {
		checkTemplateLike(t, e, []byte(e))
	}
	for name, src := range dialecttest.Inputs(t, "../..") {
		checkTemplateLike(t, name, src)
	}
}

func FuzzTemplateLike(f *testing.F) {
	for _, e := range templateEdges {
		f.Add([]byte(e))
	}
	f.Fuzz(func(t *testing.T, src []byte) { checkTemplateLike(t, "fuzz", src) })
}
