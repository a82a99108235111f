package sam

import (
	"strconv"
	"strings"
)

// maxAlts bounds how many alternative values one property may take
// (combinations of Fn::If branches and parameter values).
const maxAlts = 16

// evaluator resolves intrinsic functions as far as the template alone
// determines them: parameters through their Default and AllowedValues,
// mappings, conditions (every branch), Sub, Join, Select, Split. What
// needs a deployed stack (GetAtt, ImportValue, pseudo parameters) stays
// Unknown, keeping whatever literal text surrounds it.
type evaluator struct {
	params   *Node
	mappings *Node
	depth    int
}

func newEvaluator(root *Node) *evaluator {
	return &evaluator{params: root.Get("Parameters"), mappings: root.Get("Mappings")}
}

// eval returns the values n can take. A nil element stands for
// AWS::NoValue: the property is absent on that branch.
func (e *evaluator) eval(n *Node) []*Node {
	if n == nil {
		return []*Node{nil}
	}
	fn, ok := n.IsIntrinsic()
	if !ok || e.depth > 20 {
		return []*Node{n}
	}
	e.depth++
	defer func() { e.depth-- }()
	arg := n.Vals[0]
	var out []*Node
	switch fn {
	case "Ref":
		out = e.ref(arg.Text(), n)
	case "Fn::If":
		out = e.ifBranches(arg)
	case "Fn::Sub":
		out = e.sub(arg, n)
	case "Fn::Join":
		out = e.join(arg, n)
	case "Fn::FindInMap":
		out = e.findInMap(arg, n)
	case "Fn::Select":
		out = e.selectItem(arg, n)
	case "Fn::Split":
		out = e.split(arg, n)
	default:
		out = []*Node{unknown(n, fn+" "+describe(arg))}
	}
	if len(out) > maxAlts {
		out = out[:maxAlts]
	}
	return out
}

// scalars returns the scalar values n can take; lists are flattened.
func (e *evaluator) scalars(n *Node) []*Node {
	var out []*Node
	for _, v := range e.eval(n) {
		switch {
		case v == nil:
		case v.Kind == Seq:
			for _, it := range v.Items {
				out = append(out, withCond(e.scalars(it), v.Cond)...)
			}
		case v.Kind == Scalar:
			out = append(out, v)
		}
	}
	return out
}

// items returns every item a list-valued property can hold, each item's
// intrinsics resolved.
func (e *evaluator) items(n *Node) []*Node {
	var out []*Node
	for _, v := range e.eval(n) {
		switch {
		case v == nil:
		case v.Kind == Seq:
			for _, it := range v.Items {
				out = append(out, withCond(e.scalars(it), v.Cond)...)
			}
		case v.Kind == Scalar:
			out = append(out, v) // a single value where a list was expected
		}
	}
	return out
}

func unknown(at *Node, via string) *Node {
	return &Node{Kind: Scalar, Type: "str", Unknown: true, Via: via, Span: at.Span}
}

func describe(n *Node) string {
	switch {
	case n == nil:
		return ""
	case n.Kind == Scalar:
		return n.Str
	case n.Kind == Seq:
		var parts []string
		for _, it := range n.Items {
			parts = append(parts, describe(it))
		}
		return strings.Join(parts, ".")
	}
	if fn, ok := n.IsIntrinsic(); ok {
		return fn
	}
	return "{...}"
}

// withCond marks values as belonging to a condition branch.
func withCond(vs []*Node, cond string) []*Node {
	if cond == "" {
		return vs
	}
	out := make([]*Node, len(vs))
	for i, v := range vs {
		if v == nil {
			continue
		}
		c := *v
		if c.Cond == "" {
			c.Cond = cond
		} else {
			c.Cond = cond + " and " + c.Cond
		}
		out[i] = &c
	}
	return out
}

func (e *evaluator) ifBranches(arg *Node) []*Node {
	if arg == nil || arg.Kind != Seq || len(arg.Items) != 3 {
		return []*Node{unknown(orNode(arg), "Fn::If")}
	}
	cond := arg.Items[0].Text()
	var out []*Node
	out = append(out, withCond(e.eval(arg.Items[1]), cond)...)
	out = append(out, withCond(e.eval(arg.Items[2]), "!"+cond)...)
	return out
}

func orNode(n *Node) *Node {
	if n == nil {
		return &Node{}
	}
	return n
}

// ref resolves Ref: parameters to their AllowedValues or Default,
// AWS::NoValue to nothing, anything else to Unknown.
func (e *evaluator) ref(name string, at *Node) []*Node {
	if name == "AWS::NoValue" {
		return []*Node{nil}
	}
	p := e.params.Get(name)
	if p == nil || p.Kind != Map {
		return []*Node{unknown(at, "Ref "+name)}
	}
	list := strings.HasPrefix(p.Get("Type").Text(), "List<") || p.Get("Type").Text() == "CommaDelimitedList"
	var out []*Node
	if av := p.Get("AllowedValues"); av != nil && av.Kind == Seq && len(av.Items) > 0 {
		for _, it := range av.Items {
			if it.Kind == Scalar {
				out = append(out, e.paramValue(it, at, list, "one of parameter "+name+"'s AllowedValues"))
			}
		}
		return out
	}
	if d := p.Get("Default"); d != nil && d.Kind != Map {
		return []*Node{e.paramValue(d, at, list, "parameter "+name+"'s Default")}
	}
	return []*Node{unknown(at, "parameter "+name+", which has no Default")}
}

func (e *evaluator) paramValue(v, at *Node, list bool, via string) *Node {
	if v.Kind == Seq {
		c := &Node{Kind: Seq, Span: at.Span, Via: via}
		for _, it := range v.Items {
			x := it.withSpan(at.Span)
			x.Via = via
			c.Items = append(c.Items, x)
		}
		return c
	}
	if list {
		c := &Node{Kind: Seq, Span: at.Span, Via: via}
		for _, s := range strings.Split(v.Str, ",") {
			c.Items = append(c.Items, &Node{Kind: Scalar, Type: "str", Str: strings.TrimSpace(s), Span: at.Span, Via: via})
		}
		return c
	}
	x := v.withSpan(at.Span)
	x.Via = via
	x.Type = "str"
	return x
}

// sub resolves Fn::Sub: variables from its map, parameters, ${!x}
// escapes; anything else stays as written and makes the value Unknown.
func (e *evaluator) sub(arg, at *Node) []*Node {
	tmpl := arg
	var vars *Node
	if arg != nil && arg.Kind == Seq && len(arg.Items) >= 1 {
		tmpl = arg.Items[0]
		if len(arg.Items) > 1 {
			vars = arg.Items[1]
		}
	}
	if tmpl == nil || tmpl.Kind != Scalar {
		return []*Node{unknown(at, "Fn::Sub")}
	}
	type piece struct {
		lit  string
		alts []*Node
	}
	var pieces []piece
	s := tmpl.Str
	for {
		i := strings.Index(s, "${")
		if i < 0 {
			pieces = append(pieces, piece{lit: s})
			break
		}
		j := strings.IndexByte(s[i:], '}')
		if j < 0 {
			pieces = append(pieces, piece{lit: s})
			break
		}
		name := s[i+2 : i+j]
		pieces = append(pieces, piece{lit: s[:i]})
		switch {
		case strings.HasPrefix(name, "!"):
			pieces = append(pieces, piece{lit: "${" + name[1:] + "}"})
		case vars.Get(name) != nil:
			pieces = append(pieces, piece{alts: e.scalars(vars.Get(name))})
		case e.params.Get(name) != nil:
			pieces = append(pieces, piece{alts: e.scalars(&Node{Kind: Map, Keys: []*Node{{Kind: Scalar, Str: "Ref"}}, Vals: []*Node{{Kind: Scalar, Str: name}}, Span: at.Span})})
		default:
			pieces = append(pieces, piece{alts: []*Node{{Kind: Scalar, Str: "${" + name + "}", Unknown: true}}})
		}
		s = s[i+j+1:]
	}
	results := []*Node{{Kind: Scalar, Type: "str", Span: at.Span, Quote: tmpl.Quote}}
	for _, p := range pieces {
		if p.alts == nil {
			for _, r := range results {
				r.Str += p.lit
			}
			continue
		}
		var next []*Node
		for _, r := range results {
			for _, a := range p.alts {
				if len(next) >= maxAlts {
					break
				}
				c := *r
				str := a.Str
				if a.Unknown && str == "" {
					str = "${" + a.Via + "}"
				}
				c.Str += str
				c.Unknown = c.Unknown || a.Unknown
				c.Cond = joinCond(c.Cond, a.Cond)
				if a.Via != "" && !a.Unknown {
					c.Via = a.Via
				}
				next = append(next, &c)
			}
		}
		if len(next) == 0 {
			next = results
		}
		results = next
	}
	return results
}

func joinCond(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "" || a == b:
		return a
	}
	return a + " and " + b
}

// join resolves Fn::Join [delimiter, [values]].
func (e *evaluator) join(arg, at *Node) []*Node {
	if arg == nil || arg.Kind != Seq || len(arg.Items) != 2 {
		return []*Node{unknown(at, "Fn::Join")}
	}
	delim := arg.Items[0].Text()
	var lists [][]*Node
	for _, l := range e.eval(arg.Items[1]) {
		if l == nil || l.Kind != Seq {
			continue
		}
		var parts []*Node
		for _, it := range l.Items {
			vs := e.scalars(it)
			if len(vs) == 0 {
				continue
			}
			parts = append(parts, vs[0])
		}
		lists = append(lists, withCond(parts, l.Cond))
	}
	if len(lists) == 0 {
		return []*Node{unknown(at, "Fn::Join")}
	}
	var out []*Node
	for _, parts := range lists {
		r := &Node{Kind: Scalar, Type: "str", Span: at.Span}
		strs := make([]string, 0, len(parts))
		for _, p := range parts {
			s := p.Str
			if p.Unknown && s == "" {
				s = "${" + p.Via + "}"
			}
			strs = append(strs, s)
			r.Unknown = r.Unknown || p.Unknown
			r.Cond = joinCond(r.Cond, p.Cond)
		}
		r.Str = strings.Join(strs, delim)
		out = append(out, r)
	}
	return out
}

// findInMap resolves Fn::FindInMap; an unknown top-level key (such as
// AWS::Region) yields the value under every key.
func (e *evaluator) findInMap(arg, at *Node) []*Node {
	if arg == nil || arg.Kind != Seq || len(arg.Items) < 3 {
		return []*Node{unknown(at, "Fn::FindInMap")}
	}
	m := e.mappings.Get(arg.Items[0].Text())
	if m == nil || m.Kind != Map {
		return []*Node{unknown(at, "Fn::FindInMap")}
	}
	var tops []*Node
	for _, k := range e.scalars(arg.Items[1]) {
		if k.Unknown {
			tops = m.Vals
			break
		}
		if v := m.Get(k.Str); v != nil {
			tops = append(tops, v)
		}
	}
	var out []*Node
	for _, k := range e.scalars(arg.Items[2]) {
		for _, top := range tops {
			if v := top.Get(k.Str); v != nil && !k.Unknown {
				x := v.withSpan(at.Span)
				x.Via = "mapping " + arg.Items[0].Text()
				out = append(out, x)
			}
		}
	}
	if len(out) == 0 {
		return []*Node{unknown(at, "Fn::FindInMap")}
	}
	return out
}

func (e *evaluator) selectItem(arg, at *Node) []*Node {
	if arg == nil || arg.Kind != Seq || len(arg.Items) != 2 {
		return []*Node{unknown(at, "Fn::Select")}
	}
	var out []*Node
	for _, idx := range e.scalars(arg.Items[0]) {
		i, err := strconv.Atoi(idx.Str)
		if err != nil {
			continue
		}
		for _, l := range e.eval(arg.Items[1]) {
			if l != nil && l.Kind == Seq && i >= 0 && i < len(l.Items) {
				out = append(out, withCond(e.eval(l.Items[i]), l.Cond)...)
			}
		}
	}
	if len(out) == 0 {
		return []*Node{unknown(at, "Fn::Select")}
	}
	return out
}

func (e *evaluator) split(arg, at *Node) []*Node {
	if arg == nil || arg.Kind != Seq || len(arg.Items) != 2 {
		return []*Node{unknown(at, "Fn::Split")}
	}
	delim := arg.Items[0].Text()
	var out []*Node
	for _, s := range e.scalars(arg.Items[1]) {
		l := &Node{Kind: Seq, Span: at.Span, Cond: s.Cond}
		if s.Unknown || delim == "" {
			l.Items = []*Node{s}
		} else {
			for _, p := range strings.Split(s.Str, delim) {
				l.Items = append(l.Items, &Node{Kind: Scalar, Type: "str", Str: p, Span: at.Span})
			}
		}
		out = append(out, l)
	}
	return out
}
