package serverside_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/corslint/corslint/model"
	"github.com/corslint/corslint/parsers/nginx"
	"github.com/corslint/corslint/serverside"
)

// TestQueryReachesEveryRoute: the representative requests reach each
// server and route, regex and nested ones included, and every header line
// says which statement sent it.
func TestQueryReachesEveryRoute(t *testing.T) {
	conf := `
map $http_origin $cors { default ""; ~^https://(app|admin)\.example\.com$ $http_origin; }
server {
    listen 80; server_name a.test;
    location /api/ {
        add_header Access-Control-Allow-Origin $cors always;
        add_header Access-Control-Allow-Credentials true always;
        location ~ \.json$ { add_header Access-Control-Allow-Origin "*" always; return 200; }
        proxy_pass http://backend;
    }
    location ~* ^/v[0-9]+/ { add_header Access-Control-Allow-Origin "https://app.example.com"; return 204; }
    location = /exact { return 403; }
}
server {
    listen 80; server_name *.b.test;
    add_header Access-Control-Allow-Origin "*";
    location /static/ { root /srv; }
    location /odd/ { if ($arg_x) { add_header Access-Control-Allow-Origin "https://odd.example"; return 200; } return 404; }
}
`
	f := nginx.Lower(nginx.Parse("nginx.conf", []byte(conf), nginx.Options{}))
	q := serverside.NewQuery(f, nil)
	for _, r := range f.Responses {
		label := r.Route.Kind + " " + r.Route.Label
		switch {
		case len(r.Conds) > 0 && r.Route.Label == "/odd/":
			// the if's condition is not decidable: never spoken for
			if q.Decides(r) {
				t.Errorf("%s at %s: decided although its condition is unknown", label, r.Span)
			}
		case r.Source == model.FromUpstream:
			// how the upstream answers OPTIONS is unknown
			if len(q.For(r)) == 0 || q.Decides(r) {
				t.Errorf("%s at %s: %d exchanges, decided %v; want some, undecided", label, r.Span, len(q.For(r)), q.Decides(r))
			}
		case r.Route.Label == "/odd/":
		case !q.Decides(r):
			t.Errorf("%s at %s: no decided exchange reaches it", label, r.Span)
		}
	}
	// provenance: a GET from a trusted origin to /api/ carries the map's
	// origin from the add_header of the location
	found := false
	for _, r := range f.Responses {
		if r.Route.Label != "/api/" {
			continue
		}
		for _, x := range q.For(r) {
			if x.Actual == nil || x.Request.Origin != "https://app.example.com" {
				continue
			}
			for _, l := range x.Actual.Headers {
				if l.Name == model.ACAO {
					found = true
					if l.Op == nil || l.From.Line != 6 || l.Value != "https://app.example.com" {
						t.Errorf("ACAO line %+v: want the value of the map from line 6", l)
					}
				}
			}
		}
	}
	if !found {
		t.Error("no GET from a trusted origin reached /api/ with Access-Control-Allow-Origin")
	}
}

// TestQueryLargeFileIsBounded: the answers of one route in a file of
// thousands of routes are those of that route.
func TestQueryLargeFileIsBounded(t *testing.T) {
	var b strings.Builder
	b.WriteString("server { listen 80; server_name a.test;\n")
	for i := range 2000 {
		fmt.Fprintf(&b, "location /r%d/ { add_header Access-Control-Allow-Origin \"https://r%d.example\"; return 200; }\n", i, i)
	}
	b.WriteString("}\n")
	f := nginx.Lower(nginx.Parse("nginx.conf", []byte(b.String()), nginx.Options{}))
	q := serverside.NewQuery(f, nil)
	for _, i := range []int{0, 999, 1999} {
		r := f.Responses[i]
		xs := q.For(r)
		if len(xs) == 0 || !q.Decides(r) {
			t.Fatalf("route %d: %d exchanges, decided %v", i, len(xs), q.Decides(r))
		}
		want := fmt.Sprintf("https://r%d.example", i)
		if l := xs[0].Actual.Headers; len(l) != 1 || l[0].Value != want {
			t.Errorf("route %d answered %+v, want %s", i, l, want)
		}
	}
}

// TestQueryAskAndFrom: a rule that asks only about simple GETs gets a
// decided answer from a proxied route whose preflights reach an upstream
// that nobody knows answers OPTIONS; From sends an origin of the rule's
// choosing to the route.
func TestQueryAskAndFrom(t *testing.T) {
	conf := `
map $http_origin $cors { default ""; "https://app.example.com" $http_origin; }
server {
    listen 80; server_name a.test;
    location /api/ {
        add_header Access-Control-Allow-Origin $cors always;
        proxy_pass http://backend;
    }
}
`
	f := nginx.Lower(nginx.Parse("nginx.conf", []byte(conf), nginx.Options{}))
	q := serverside.NewQuery(f, nil)
	var r *model.Response
	for _, o := range f.Responses {
		if o.Source == model.FromUpstream {
			r = o
		}
	}
	if r == nil {
		t.Fatal("no proxied response")
	}
	if q.Decides(r) {
		t.Error("decided although OPTIONS goes to an unknown upstream")
	}
	simple := func(x *serverside.Exchange) bool { return x.Request.Method == "GET" && x.Preflight == nil }
	xs, ok := q.Ask(r, simple)
	if !ok || len(xs) == 0 {
		t.Fatalf("simple GETs: %d exchanges, decided %v; want some, decided", len(xs), ok)
	}
	for _, x := range xs {
		if x.Request.Method != "GET" {
			t.Errorf("Ask kept a %s", x.Request.Method)
		}
	}
	if _, ok := q.Ask(r, nil); ok {
		t.Error("every exchange decided although the preflight's is not")
	}
	if n := len(q.Route(r)); n < len(xs) {
		t.Errorf("Route gave %d exchanges, fewer than the %d Ask kept", n, len(xs))
	}
	for _, origin := range []string{"https://app.example.com", "https://other.example"} {
		got := ""
		for _, x := range q.From(r, origin) {
			if x.Request.Origin != origin {
				t.Errorf("From(%s) sent %s", origin, x.Request.Origin)
			}
			if x.Request.Method != "GET" || x.Request.UpstreamStatus != 0 {
				t.Errorf("From sent %s with upstream status %d, want a GET that succeeds", x.Request.Method, x.Request.UpstreamStatus)
			}
			if x.Actual != nil {
				for _, l := range x.Actual.Headers {
					if l.Name == model.ACAO {
						got = l.Value
					}
				}
			}
		}
		want := ""
		if origin == "https://app.example.com" {
			want = origin
		}
		if got != want {
			t.Errorf("From(%s): Access-Control-Allow-Origin %q, want %q", origin, got, want)
		}
	}
}

// TestQueryOriginPresence: if ($http_origin) holds for every request that
// sends an Origin, "null" included (nginx 1.22 answered Origin: null from
// inside it), so the answers inside it are decided.
func TestQueryOriginPresence(t *testing.T) {
	conf := `
server {
    listen 80; server_name a.test;
    location / {
        if ($http_origin) {
            add_header Access-Control-Allow-Origin $http_origin always;
            return 200;
        }
        return 404;
    }
}
`
	f := nginx.Lower(nginx.Parse("nginx.conf", []byte(conf), nginx.Options{}))
	q := serverside.NewQuery(f, nil)
	for _, r := range f.Responses {
		if len(r.Conds) == 0 {
			continue
		}
		if !q.Decides(r) {
			t.Fatalf("the response inside if ($http_origin) at %s is not decided", r.Span)
		}
		origins := map[string]bool{}
		for _, x := range q.For(r) {
			if x.Actual != nil && x.Actual.Response == r {
				origins[x.Request.Origin] = true
				if l := x.Actual.Headers; len(l) != 1 || l[0].Value != x.Request.Origin {
					t.Errorf("%s got %+v, want its origin echoed", x.Request.Origin, l)
				}
			}
		}
		if !origins["null"] || !origins[serverside.Untrusted] {
			t.Errorf("answered from inside the if: %v; want null and the unrelated origin among them", origins)
		}
	}
}

// TestQueryMissing: a GET for a missing file goes through the error page
// for 404 (the sampled errors are 500s, which it does not replace) and
// carries the headers of the page's location; only the file handler's
// responses are asked so, once per route.
func TestQueryMissing(t *testing.T) {
	conf := `
server {
    listen 80; server_name a.test;
    location /files/ {
        root /srv;
        error_page 404 /missing.json;
        add_header Access-Control-Allow-Origin "https://app.example.com" always;
    }
    location = /missing.json { add_header Access-Control-Allow-Origin "*" always; return 404; }
}
`
	f := nginx.Lower(nginx.Parse("nginx.conf", []byte(conf), nginx.Options{}))
	q := serverside.NewQuery(f, nil)
	var handler, page *model.Response
	for _, r := range f.Responses {
		switch {
		case r.Route.Label == "/files/" && r.Source == model.FromHandler:
			handler = r
		case strings.HasSuffix(r.Route.Label, "/missing.json"):
			page = r
		}
	}
	if handler == nil || page == nil {
		t.Fatalf("responses not found: handler %v, page %v", handler, page)
	}
	for _, x := range q.Route(handler) {
		if x.Actual != nil && strings.Contains(x.Actual.Route, "error_page") {
			t.Errorf("sampled %s %s (upstream %d) went through the error page: %s", x.Request.Method, x.Request.URL, x.Request.UpstreamStatus, x.Actual.Route)
		}
	}
	xs := q.Missing(handler)
	if len(xs) == 0 {
		t.Fatal("no request for a missing file sent")
	}
	for _, x := range xs {
		if x.Request.Method != "GET" || x.Request.Origin == serverside.Untrusted || x.Request.Origin == "null" {
			t.Errorf("sent %s from %s; want a GET from a trusted origin", x.Request.Method, x.Request.Origin)
		}
		a := x.Actual
		if a == nil || !strings.Contains(a.Route, " > error_page /missing.json > ") {
			t.Fatalf("missing file answered without the error page: %+v", a)
		}
		var acao []string
		for _, l := range a.Headers {
			if l.Name == model.ACAO {
				acao = append(acao, l.Value)
			}
		}
		if len(acao) != 1 || acao[0] != "*" {
			t.Errorf("Access-Control-Allow-Origin %q; want the error page's \"*\" alone", acao)
		}
	}
	if again := q.Missing(handler); len(again) != len(xs) || &again[0] != &xs[0] {
		t.Error("Missing sent its requests again instead of remembering them")
	}
	if got := q.Missing(page); got != nil {
		t.Errorf("the error page's own return was asked for a missing file: %d exchanges", len(got))
	}
}
