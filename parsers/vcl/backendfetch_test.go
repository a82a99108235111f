package vcl

import (
	"testing"

	"github.com/corslint/corslint/model"
)

func upstreamOf(f *model.File) *model.Upstream {
	for _, r := range f.Responses {
		if r.Upstream != nil {
			return r.Upstream
		}
	}
	return nil
}

func TestOriginToBackend(t *testing.T) {
	for _, tc := range []struct {
		name, body        string
		always, sometimes bool
	}{
		{"unset at the top", "sub vcl_backend_fetch {\n  unset bereq.http.Origin;\n}", true, false},
		{"unset under an if", "sub vcl_backend_fetch {\n  if (bereq.url ~ \"^/a\") {\n    unset bereq.http.Origin;\n  }\n}", false, true},
		{"set to another value", "sub vcl_backend_fetch {\n  set bereq.http.Origin = \"https://x.example\";\n}", false, true},
		{"after a return", "sub vcl_backend_fetch {\n  return (fetch);\n  unset bereq.http.Origin;\n}", false, false},
		{"another header", "sub vcl_backend_fetch {\n  unset bereq.http.Cookie;\n}", false, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			u := upstreamOf(lower(t, tc.body))
			if u == nil {
				t.Fatal("no upstream response")
			}
			if got := !u.OriginRemoved.IsZero(); got != tc.always {
				t.Errorf("OriginRemoved set = %v, want %v", got, tc.always)
			}
			if got := !u.OriginRemovedIf.IsZero(); got != tc.sometimes {
				t.Errorf("OriginRemovedIf set = %v, want %v", got, tc.sometimes)
			}
		})
	}
}

func TestCachedStatuses(t *testing.T) {
	f := lower(t, "sub vcl_recv {\n  return (hash);\n}")
	if len(f.Caches) != 1 || len(f.Caches[0].Statuses) == 0 {
		t.Fatalf("want a cache limited to the cacheable statuses, got %+v", f.Caches)
	}
	for _, s := range f.Caches[0].Statuses {
		if s == 500 {
			t.Errorf("a 500 is listed as cached")
		}
	}
	f = lower(t, "sub vcl_backend_response {\n  set beresp.ttl = 60s;\n}")
	if len(f.Caches) != 1 || f.Caches[0].Statuses != nil {
		t.Fatalf("with beresp.ttl set every status is cached, got %+v", f.Caches)
	}
}

func TestHitThatPassesHasNoCache(t *testing.T) {
	if f := lower(t, "sub vcl_hit {\n  return (pass);\n}"); len(f.Caches) != 0 {
		t.Errorf("vcl_hit never delivers, yet a cache is recorded: %+v", f.Caches[0])
	}
	if f := lower(t, "sub vcl_hit {\n  return (deliver);\n}"); len(f.Caches) != 1 {
		t.Errorf("vcl_hit delivers, want a cache, got %d", len(f.Caches))
	}
}

func TestURLCondition(t *testing.T) {
	f := lower(t, "sub vcl_recv {\n  if (req.url ~ \"^/api/\") {\n    return (pass);\n  }\n}")
	var uncached, cached int
	for _, r := range f.Responses {
		if r.Source != model.FromUpstream {
			continue
		}
		for _, c := range r.Conds {
			if c.URL == nil || c.URL.Pattern != "^/api/" {
				t.Errorf("condition %q without its URL test", c.Text)
			}
		}
		if r.Uncached {
			uncached++
		} else {
			cached++
		}
	}
	if uncached == 0 || cached == 0 {
		t.Errorf("want a passed and a cached response, got %d and %d", uncached, cached)
	}
}

// An abandon answers 503 only for requests that reach the backend: the
// paths that lead to it stay apart from a pipe the URL decides, and are
// merged as before when nothing the request shows decides the pipe.
func TestAbandonLeavesPipe(t *testing.T) {
	const abandon = "sub vcl_backend_response {\n  return (abandon);\n}\n"
	abandoned := func(f *model.File) []*model.Response {
		var out []*model.Response
		for _, r := range f.Responses {
			if r.Source == model.FromServer && r.Status == 503 {
				out = append(out, r)
			}
		}
		return out
	}
	holdsFor := func(r *model.Response, url string) bool {
		for _, c := range r.Conds {
			if c.URL != nil && c.URL.Matches(url) == c.Negated {
				return false
			}
		}
		return true
	}
	f := lower(t, "sub vcl_recv {\n  if (req.url ~ \"^/api/\") {\n    return (pass);\n  }\n  if (req.url ~ \"^/static/\") {\n    return (pipe);\n  }\n}\n"+abandon)
	rs := abandoned(f)
	if len(rs) == 0 {
		t.Fatal("no 503 for the abandon")
	}
	for _, url := range []string{"/api/x", "/other"} {
		n := 0
		for _, r := range rs {
			if holdsFor(r, url) {
				n++
			}
		}
		if n == 0 {
			t.Errorf("no abandon 503 holds for %s, which reaches the backend", url)
		}
	}
	for _, r := range rs {
		if holdsFor(r, "/static/f") {
			t.Errorf("the abandon 503 at %s holds for the piped /static/f (conditions %d)", r.Span, len(r.Conds))
		}
	}

	f = lower(t, "sub vcl_recv {\n  if (req.url ~ \"^/api/\") {\n    return (pass);\n  }\n  if (req.http.User-Agent ~ \"certbot\") {\n    return (pipe);\n  }\n}\n"+abandon)
	if rs := abandoned(f); len(rs) != 1 {
		t.Errorf("a pipe on User-Agent sets nothing apart: want one 503 response, got %d", len(rs))
	}
}
