package difftest

import (
	"strings"
)

// Node is one statement or block of a generated configuration. A block
// renders as Line, its kids indented, then Close; a statement is Line
// alone. The shrinker removes nodes, so everything a configuration needs
// to stay valid is marked Fixed.
type Node struct {
	Line  string
	Close string
	Kids  []*Node
	// Fixed nodes are never removed: the configuration would not load
	// without them (a map another statement uses, a listen).
	Fixed bool
	// Fams are the mechanism families the node exercises.
	Fams []string
}

// stmt and block build nodes.
func stmt(line string, fams ...string) *Node { return &Node{Line: line, Fams: fams} }

func fixed(line string, fams ...string) *Node { return &Node{Line: line, Fixed: true, Fams: fams} }

func block(open, closing string, kids []*Node, fams ...string) *Node {
	return &Node{Line: open, Close: closing, Kids: kids, Fams: fams}
}

// render writes nodes with two spaces of indent per level.
func render(b *strings.Builder, nodes []*Node, depth int) {
	ind := strings.Repeat("  ", depth)
	for _, n := range nodes {
		b.WriteString(ind)
		b.WriteString(n.Line)
		b.WriteByte('\n')
		if n.Close == "" && len(n.Kids) == 0 {
			continue
		}
		render(b, n.Kids, depth+1)
		b.WriteString(ind)
		b.WriteString(n.Close)
		b.WriteByte('\n')
	}
}

// count returns how many nodes the forest holds.
func count(nodes []*Node) int {
	n := 0
	for _, x := range nodes {
		n += 1 + count(x.Kids)
	}
	return n
}

// families collects the families of a forest, each once, in first-seen
// order.
func families(nodes []*Node, seen map[string]bool, out []string) []string {
	for _, n := range nodes {
		for _, f := range n.Fams {
			if !seen[f] {
				seen[f] = true
				out = append(out, f)
			}
		}
		out = families(n.Kids, seen, out)
	}
	return out
}

// without returns a deep copy of nodes minus the k-th removable node in
// depth-first order, and whether there was one.
func without(nodes []*Node, k int) ([]*Node, bool) {
	idx := 0
	var walk func([]*Node) []*Node
	removed := false
	walk = func(ns []*Node) []*Node {
		out := make([]*Node, 0, len(ns))
		for _, n := range ns {
			if !n.Fixed {
				if idx == k && !removed {
					removed = true
					idx++
					continue
				}
				idx++
			}
			c := *n
			c.Kids = walk(n.Kids)
			out = append(out, &c)
		}
		return out
	}
	res := walk(nodes)
	return res, removed
}

// removable counts the nodes without could remove.
func removable(nodes []*Node) int {
	n := 0
	for _, x := range nodes {
		if !x.Fixed {
			n++
		}
		n += removable(x.Kids)
	}
	return n
}
