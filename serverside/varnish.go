package serverside

import (
	"fmt"
	"slices"

	"github.com/corslint/corslint/model"
)

// echoedOrigin is the Origin an upstream that echoes it sees behind r for
// a request from origin: none when the proxy removes it from every
// forwarded request (VCL unset bereq.http.Origin in vcl_backend_fetch).
// A removal under a condition the model does not follow makes the echo
// undecidable, noted on a when a is given.
func echoedOrigin(r *model.Response, origin string, a *Answer) (string, bool) {
	if r.Upstream == nil {
		return origin, true
	}
	if !r.Upstream.OriginRemoved.IsZero() {
		return "", false
	}
	if at := r.Upstream.OriginRemovedIf; !at.IsZero() && a != nil {
		note := fmt.Sprintf("whether the upstream sees the Origin it echoes depends on the condition around %s, which is undecidable here", at)
		a.Notes = append(a.Notes, note)
		a.Undecidable = append(a.Undecidable, note)
	}
	return origin, true
}

// storesStatus reports whether cache c stores an upstream answer with
// status: Varnish gives statuses outside RFC 7231's cacheable list a
// negative TTL, so a 500 is fetched again for the next request.
func storesStatus(c *model.Cache, status int) bool {
	if status == 0 {
		status = 200
	}
	return c.Statuses == nil || slices.Contains(c.Statuses, status)
}

// url is the request's path with its query, as VCL's req.url reads it.
func (e *evaluator) url() string {
	if e.query == "" {
		return e.path
	}
	return e.path + "?" + e.query
}

// priorStores reports whether the earlier request from PriorOrigin got
// the same response r from the upstream, so that the cache stored it: one
// the configuration answered itself (a synth(403) for an origin it
// refuses) or passed stores nothing.
func (e *evaluator) priorStores(f *model.File, route *model.Scope, r *model.Response) bool {
	prior := *e
	prior.origin, prior.req.Origin, prior.storedOrigin = e.req.PriorOrigin, e.req.PriorOrigin, ""
	return prior.response(f, route, &Answer{}) == r
}
