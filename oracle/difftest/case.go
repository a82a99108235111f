package difftest

import (
	"fmt"
	"sort"
	"strings"
)

// Servers the generator writes configurations for.
const (
	Nginx   = "nginx"
	Apache  = "apache"
	Varnish = "varnish"
)

// Origins the probes send. The generated configurations trust TrustedA
// and TrustedB and nothing else.
const (
	TrustedA  = "https://app.example.com"
	TrustedB  = "https://admin.example.com"
	Untrusted = "https://evil.example"
	LookAlike = "https://app.example.com.evil.example"
	Insecure  = "http://app.example.com"
	NullOrig  = "null"
)

// File is a file a case needs beside its configuration (a document root
// entry, an .htaccess, an nginx include), relative to the case directory.
type File struct {
	Path    string
	Content string
}

// Case is one generated configuration with the requests that probe it.
// The configuration text uses placeholders that the runner and the
// replay fill in: @PORT@, @UP@ (host:port of the upstream), @UPHOST@,
// @UPPORT@ and @DIR@ (the case directory).
type Case struct {
	Server string
	Name   string // unique within a batch: n17, a3, v40
	Top    []*Node
	Files  []File
	Probes []Probe
}

// Header is one request header.
type Header struct {
	Name  string
	Value string
}

// Probe is one request and what the upstream does with it.
type Probe struct {
	Host        string // the Host header; "" means the case's default
	Path        string // path, ending in -NNN where the upstream must answer NNN
	Origin      string
	Method      string
	Headers     []Header
	Credentials bool
	// UpCORS is what the upstream adds: "" nothing, "reflect" its own
	// Access-Control-Allow-Origin echoing Origin, "star" one with *.
	UpCORS string
	// Prior is the origin of a GET for the same URL made just before
	// (Varnish: the cache then holds that answer).
	Prior string
	// Then are the origins of further GETs for the URL, after Prior's
	// and before the probe.
	Then []string `json:",omitempty"`
	Fams []string // request-side families
}

// UpStatus is the status the upstream (and a static file lookup) gives the
// probe's path: the -NNN suffix, 200 without one.
func (p Probe) UpStatus() int {
	return statusOf(p.Path)
}

func statusOf(path string) int {
	base := path[strings.LastIndexByte(path, '/')+1:]
	if i := strings.LastIndexByte(base, '.'); i >= 0 {
		base = base[:i]
	}
	if i := strings.LastIndexByte(base, '-'); i >= 0 {
		var n int
		if _, err := fmt.Sscanf(base[i+1:], "%d", &n); err == nil && n >= 200 && n <= 599 {
			return n
		}
	}
	return 200
}

// Families is every family the probe exercises on its case: the
// configuration's and the request's.
func (c *Case) Families(p Probe) []string {
	fams := families(c.Top, map[string]bool{}, nil)
	fams = append(fams, p.Fams...)
	sort.Strings(fams)
	return dedup(fams)
}

func dedup(xs []string) []string {
	out := xs[:0]
	for i, x := range xs {
		if i == 0 || x != xs[i-1] {
			out = append(out, x)
		}
	}
	return out
}

// Text renders the case's own part of a configuration.
func (c *Case) Text() string {
	var b strings.Builder
	render(&b, c.Top, 0)
	return b.String()
}

// String describes a probe in one line.
func (p Probe) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s Host=%s Origin=%s", p.Method, p.Path, p.Host, p.Origin)
	for _, h := range p.Headers {
		fmt.Fprintf(&b, " %s=%q", h.Name, h.Value)
	}
	if p.Credentials {
		b.WriteString(" credentials")
	}
	if p.UpCORS != "" {
		b.WriteString(" upstream-acao=" + p.UpCORS)
	}
	if p.Prior != "" {
		b.WriteString(" after-a-GET-from=" + p.Prior)
	}
	for _, o := range p.Then {
		b.WriteString(" then-from=" + o)
	}
	return b.String()
}
