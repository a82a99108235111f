package vcl

import (
	"fmt"
	"strings"

	"github.com/corslint/corslint/model"
)

// fastlyAdvice is the fix advice for Fastly's VCL, where Varnish's does
// not apply: Fastly has vcl_fetch rather than vcl_backend_response,
// req.hash += rather than hash_data, error and vcl_error rather than
// synth, and subfield assignments that add one token to Vary.
type fastlyAdvice struct{ advice }

var _ model.Advice = fastlyAdvice{}

// varyObject is the object a Vary fix belongs on: the one op writes.
func varyObject(op *model.HeaderOp) string {
	switch {
	case strings.Contains(op.Raw, "beresp."):
		return "beresp"
	case strings.Contains(op.Raw, "obj."):
		return "obj"
	}
	return "resp"
}

func (fastlyAdvice) VaryOrigin(op *model.HeaderOp) string {
	if op.Stored {
		return "add Origin to the stored object's Vary in vcl_fetch, so Fastly's cache varies too: set beresp.http.Vary:Origin = \"\";"
	}
	return fmt.Sprintf("add Origin to Vary where the header is set: set %s.http.Vary:Origin = \"\";", varyObject(op))
}

func (fastlyAdvice) VaryAppend(op *model.HeaderOp) string {
	token := strings.TrimSpace(op.Value.Text)
	if op.Value.Kind != model.Literal || token == "" || strings.ContainsAny(token, ", ") {
		token = "Origin"
	}
	return fmt.Sprintf("add each token instead, which keeps the others: set %s.http.Vary:%s = \"\";", varyObject(op), token)
}

func (fastlyAdvice) CacheKey() string {
	return "add set req.hash += req.http.Origin; in vcl_hash, or set beresp.http.Vary:Origin = \"\"; in vcl_fetch"
}

func (fastlyAdvice) AnswerOptions(string) string {
	return "answer OPTIONS in vcl_recv with error 601, and in vcl_error: if (obj.status == 601) { set obj.status = 204; set obj.http.Access-Control-Allow-Methods = ...; return(deliver); }"
}

func (fastlyAdvice) Always() string {
	return "an error statement drops the backend's response: set it in vcl_deliver, which Fastly runs after vcl_error too"
}

func (fastlyAdvice) AllowHeaders(*model.Scope) string {
	return "set obj.http.Access-Control-Allow-Headers = \"Content-Type, Authorization\"; in vcl_error where this answer is built"
}
