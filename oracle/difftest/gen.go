package difftest

import (
	"fmt"
	"math/rand"
)

// Generate returns n cases for server, the same for the same seed.
func Generate(server string, seed int64, n int) []*Case {
	// A seeded generator per call, so nothing is shared between calls.
	r := rand.New(rand.NewSource(seed))                                     //nolint:gosec // reproducible test input, not security
	g := &gen{r: r, more: &gen{r: rand.New(rand.NewSource(seed ^ 0x5eed))}} //nolint:gosec // as above
	out := make([]*Case, 0, n)
	for i := 0; i < n; i++ {
		var c *Case
		switch server {
		case Nginx:
			c = g.nginxCase(fmt.Sprintf("n%d", i))
		case Apache:
			c = g.apacheCase(fmt.Sprintf("a%d", i))
		case Varnish:
			c = g.varnishCase(fmt.Sprintf("v%d", i))
		default:
			return nil
		}
		c.Server = server
		out = append(out, c)
	}
	return out
}

type gen struct {
	r *rand.Rand
	// more draws for mechanisms added after a seed's cases were fixed,
	// so that adding them leaves every earlier draw of r, and the cases
	// known seeds give, as they were
	more *gen
}

func (g *gen) chance(p float64) bool { return g.r.Float64() < p }

func (g *gen) pick(xs ...string) string { return xs[g.r.Intn(len(xs))] }

// subset keeps each of xs with probability p, in order.
func (g *gen) subset(p float64, xs ...*Node) []*Node {
	var out []*Node
	for _, x := range xs {
		if g.chance(p) {
			out = append(out, x)
		}
	}
	return out
}

var originKinds = []struct{ origin, fam string }{
	{TrustedA, "origin:trusted"},
	{TrustedB, "origin:trusted"},
	{Untrusted, "origin:untrusted"},
	{LookAlike, "origin:look-alike"},
	{Insecure, "origin:http"},
	{NullOrig, "origin:null"},
}

// probe fills the request dimensions around a path and host.
func (g *gen) probe(host, path string) Probe {
	o := originKinds[g.r.Intn(len(originKinds))]
	if g.chance(0.3) {
		o = originKinds[0] // the trusted origin most often, so allowed answers get tested
	}
	p := Probe{Host: host, Path: path, Origin: o.origin, Fams: []string{o.fam}}
	switch g.r.Intn(6) {
	case 0, 1:
		p.Method = "GET"
		p.Fams = append(p.Fams, "method:simple")
	case 2:
		p.Method = "POST"
		p.Headers = append(p.Headers, Header{"Content-Type", "text/plain"})
		p.Fams = append(p.Fams, "method:simple")
	case 3:
		p.Method = "PUT"
		p.Fams = append(p.Fams, "method:preflighted")
	case 4:
		p.Method = "DELETE"
		p.Fams = append(p.Fams, "method:preflighted")
	default:
		p.Method = "PATCH"
		p.Fams = append(p.Fams, "method:preflighted")
	}
	switch g.r.Intn(4) {
	case 1:
		p.Headers = append(p.Headers, Header{"Authorization", "Bearer t"})
		p.Fams = append(p.Fams, "request-headers")
	case 2:
		p.Headers = append(p.Headers, Header{"X-Requested-With", "fetch"})
		p.Fams = append(p.Fams, "request-headers")
	}
	if g.chance(0.4) {
		p.Credentials = true
		p.Fams = append(p.Fams, "credentials")
	}
	switch g.r.Intn(4) {
	case 1:
		p.UpCORS = "reflect"
		p.Fams = append(p.Fams, "upstream-cors")
	case 2:
		p.UpCORS = "star"
		p.Fams = append(p.Fams, "upstream-cors")
	}
	if s := statusOf(path); s != 200 {
		p.Fams = append(p.Fams, fmt.Sprintf("status:%d", s))
	}
	return p
}

// docroot returns the files of www/ for the paths whose status is 200,
// so that a static lookup answers what the upstream would.
func docroot(paths []string) []File {
	var out []File
	for _, p := range paths {
		if statusOf(p) == 200 && p != "/" {
			out = append(out, File{Path: "www" + p, Content: "{}\n"})
		}
	}
	return out
}
