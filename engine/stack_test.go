package engine

import (
	"testing"

	"github.com/corslint/corslint/model"
)

func TestHostPairs(t *testing.T) {
	server := func(path string, hosts ...string) *model.File {
		return &model.File{Path: path, Dialect: model.Nginx, Scopes: []*model.Scope{{Kind: "server", Role: model.RoleServer, Hosts: hosts}}}
	}
	worker := func(path, target string) *model.File {
		return &model.File{Path: path, Dialect: model.JavaScript, Upstreams: []*model.Upstream{{Target: target, Directive: "fetch", ByHost: true}}}
	}
	w := worker("w/index.js", "https://origin.example.com")
	addressed := worker("x/index.js", "the origin")
	a := server("a/nginx.conf", "origin.example.com", "www.origin.example.com")
	b := server("b/nginx.conf", "other.example.com")
	pairs := hostPairs([]*model.File{w, addressed, a, b})
	if st := pairs[w]; len(st) != 2 || st[0] != w || st[1] != a {
		t.Errorf("the Worker's stack is %v, want the Worker in front of a/nginx.conf", st)
	}
	if st := pairs[a]; len(st) != 2 || st[0] != w {
		t.Errorf("a/nginx.conf's stack is %v, want the Worker's", st)
	}
	if _, ok := pairs[addressed]; ok {
		t.Error("a Worker that fetches the request as addressed is paired; the zone's DNS decides where it goes")
	}
	if _, ok := pairs[b]; ok {
		t.Error("a server no Worker names is paired")
	}
	// Two files serve the host: which one the name reaches is not in the run.
	c := server("c/nginx.conf", "origin.example.com")
	if st, ok := hostPairs([]*model.File{w, a, c})[w]; ok {
		t.Errorf("paired with %v although two files serve origin.example.com", st)
	}
	// A file checked alone keeps what pairing reads.
	if s := stub(a); !servesHost(s, "origin.example.com") {
		t.Error("the stub of a checked file lost its hosts")
	}
	if s := stub(w); fetchHost(s.Upstreams[0]) != "origin.example.com" {
		t.Error("the stub of a checked Worker lost its fetch host")
	}
}
