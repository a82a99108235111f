package difftest

import (
	"fmt"
	"strings"
)

// Candidates returns the one-step simplifications of a case that probes
// one request: each removable node dropped, and the request stripped of
// each of its optional parts. Every candidate gets a fresh name (from
// next) so that all of them can run on one server start.
func Candidates(c *Case, next func() string) []*Case {
	var out []*Case
	for k := 0; k < removable(c.Top); k++ {
		top, ok := without(c.Top, k)
		if !ok {
			break
		}
		out = append(out, c.renamed(next(), top, c.Probes[0]))
	}
	p := c.Probes[0]
	simpler := []func(Probe) (Probe, bool){
		func(p Probe) (Probe, bool) { ok := p.UpCORS != ""; p.UpCORS = ""; return p, ok },
		func(p Probe) (Probe, bool) { ok := p.Credentials; p.Credentials = false; return p, ok },
		func(p Probe) (Probe, bool) { ok := p.Prior != ""; p.Prior, p.Then = "", nil; return p, ok },
		func(p Probe) (Probe, bool) { ok := len(p.Then) > 0; p.Then = nil; return p, ok },
		func(p Probe) (Probe, bool) { ok := len(p.Headers) > 0; p.Headers = nil; return p, ok },
		func(p Probe) (Probe, bool) { ok := p.Method != "GET"; p.Method = "GET"; p.Headers = nil; return p, ok },
	}
	for _, s := range simpler {
		if q, ok := s(p); ok {
			out = append(out, c.renamed(next(), c.Top, q))
		}
	}
	return out
}

// renamed copies c under a new name with the given nodes and probe. The
// case's name is part of its variable names, which are renamed with it.
func (c *Case) renamed(name string, top []*Node, p Probe) *Case {
	old, repl := "$"+c.Name+"_", "$"+name+"_"
	var walk func([]*Node) []*Node
	walk = func(ns []*Node) []*Node {
		out := make([]*Node, len(ns))
		for i, n := range ns {
			cp := *n
			cp.Line = strings.ReplaceAll(n.Line, old, repl)
			cp.Kids = walk(n.Kids)
			out[i] = &cp
		}
		return out
	}
	files := make([]File, len(c.Files))
	for i, f := range c.Files {
		files[i] = File{Path: f.Path, Content: strings.ReplaceAll(f.Content, old, repl)}
	}
	return &Case{Server: c.Server, Name: name, Top: walk(top), Files: files, Probes: []Probe{p}}
}

// Single returns the case reduced to its pi-th probe.
func (c *Case) Single(pi int) *Case {
	return c.renamed(c.Name, c.Top, c.Probes[pi])
}

// namer hands out fresh case names for one shrink.
func namer(prefix string) func() string {
	n := 0
	return func() string {
		n++
		return fmt.Sprintf("%sz%d", prefix, n)
	}
}

// Size is how big a case is for the shrinker: its nodes and the parts of
// its request.
func (c *Case) Size() int {
	p := c.Probes[0]
	n := count(c.Top) + len(p.Headers)
	if p.UpCORS != "" {
		n++
	}
	if p.Credentials {
		n++
	}
	if p.Prior != "" {
		n++
	}
	if p.Method != "GET" {
		n++
	}
	return n
}
