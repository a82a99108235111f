package sam

import (
	"regexp"
	"strings"

	"github.com/corslint/corslint/model"
)

// gatewayPath is the requests an API Gateway resource path takes:
// {name} is one path segment, {name+} (a greedy proxy) one or more. The
// URL of a REST API's default endpoint starts with the stage
// (/Prod/items), a custom domain's does not, so a first segment before
// the path is allowed.
func gatewayPath(p string) *model.PathMatch {
	var b strings.Builder
	b.WriteString("^(/[^/]+)?")
	for rest := strings.TrimSuffix(p, "/"); rest != ""; {
		i := strings.IndexByte(rest, '{')
		if i < 0 {
			b.WriteString(regexp.QuoteMeta(rest))
			break
		}
		b.WriteString(regexp.QuoteMeta(rest[:i]))
		j := strings.IndexByte(rest[i:], '}')
		if j < 0 {
			b.WriteString(regexp.QuoteMeta(rest[i:]))
			break
		}
		if strings.HasSuffix(rest[i:i+j], "+") {
			b.WriteString(".+")
		} else {
			b.WriteString("[^/]+")
		}
		rest = rest[i+j+1:]
	}
	b.WriteString("/?$")
	return &model.PathMatch{Kind: model.PathRegex, Pattern: b.String()}
}
