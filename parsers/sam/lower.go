package sam

import (
	"sort"
	"strings"

	"github.com/corslint/corslint/model"
)

// Lower turns a template into the model. Every resource that shapes CORS
// becomes a scope of the Gateway layer with the responses it produces:
// what API Gateway answers to preflights, what the integration returns,
// what API Gateway's own errors carry.
func Lower(t *Template) *model.File {
	f := &model.File{
		Path:        t.Path,
		Dialect:     model.SAM,
		Sources:     map[string][]byte{t.Path: t.Src},
		Diagnostics: t.Diagnostics,
		Comments:    t.Comments,
	}
	if t.Root == nil {
		return f
	}
	l := &lowerer{t: t, e: newEvaluator(t.Root), file: f, funcs: map[string]*function{}, gwMemo: map[*Node][]*model.HeaderOp{}}
	if t.OpenAPI {
		l.openAPIFile()
		return f
	}
	l.resources = t.Root.Get("Resources")
	l.globals = t.Root.Get("Globals")
	l.collectFunctions()
	l.restAPIs()
	l.httpAPIs()
	l.lambdaURLs()
	l.buckets()
	l.cloudFront()
	sort.SliceStable(f.Matchers, func(i, j int) bool { return f.Matchers[i].Span.Before(f.Matchers[j].Span) })
	sort.SliceStable(f.Headers, func(i, j int) bool { return f.Headers[i].Span.Before(f.Headers[j].Span) })
	return f
}

type lowerer struct {
	t         *Template
	e         *evaluator
	file      *model.File
	resources *Node
	globals   *Node
	funcs     map[string]*function
	fnOrder   []string
	gwMemo    map[*Node][]*model.HeaderOp
}

// resource is one entry of Resources.
type resource struct {
	id    string
	key   *Node // the logical ID as written
	typ   string
	props *Node
}

// each calls fn for every resource of one of the given types, in order.
func (l *lowerer) each(fn func(r resource), types ...string) {
	if l.resources == nil || l.resources.Kind != Map {
		return
	}
	for i, k := range l.resources.Keys {
		v := l.resources.Vals[i]
		typ := v.Get("Type").Text()
		for _, want := range types {
			if typ == want {
				fn(resource{id: k.Str, key: k, typ: typ, props: v.Get("Properties")})
				break
			}
		}
	}
}

// withGlobals merges a Globals section into a resource's properties the
// way SAM does: maps merge (the resource's keys win), lists append, and
// any other value of the resource replaces the global one.
func withGlobals(global, local *Node) *Node {
	switch {
	case global == nil:
		return local
	case local == nil:
		return global
	}
	_, gi := global.IsIntrinsic()
	_, li := local.IsIntrinsic()
	if global.Kind == Map && local.Kind == Map && !gi && !li {
		m := &Node{Kind: Map, Span: local.Span}
		for i, k := range global.Keys {
			if !local.Has(k.Str) {
				m.Keys = append(m.Keys, k)
				m.Vals = append(m.Vals, global.Vals[i])
			}
		}
		for i, k := range local.Keys {
			m.Keys = append(m.Keys, k)
			m.Vals = append(m.Vals, withGlobals(global.Get(k.Str), local.Vals[i]))
		}
		return m
	}
	if global.Kind == Seq && local.Kind == Seq {
		return &Node{Kind: Seq, Span: local.Span, Items: append(append([]*Node(nil), global.Items...), local.Items...)}
	}
	return local
}

// refTarget returns the logical ID a {Ref: X} or {Fn::GetAtt: [X, ...]}
// points to, or "".
func refTarget(n *Node) string {
	fn, ok := n.IsIntrinsic()
	if !ok {
		return ""
	}
	arg := n.Vals[0]
	switch fn {
	case "Ref":
		return arg.Text()
	case "Fn::GetAtt":
		if arg.Kind == Scalar {
			id, _, _ := strings.Cut(arg.Str, ".")
			return id
		}
		if arg.Kind == Seq && len(arg.Items) > 0 {
			return arg.Items[0].Text()
		}
	case "Fn::Sub":
		// arn:...:functions/${MyFunction.Arn}/invocations
		s := arg.Text()
		if arg.Kind == Seq && len(arg.Items) > 0 {
			s = arg.Items[0].Text()
		}
		if i := strings.Index(s, "${"); i >= 0 {
			if j := strings.IndexByte(s[i:], '}'); j > 0 {
				id, _, _ := strings.Cut(s[i+2:i+j], ".")
				return id
			}
		}
	}
	return ""
}

// functionRef finds the Lambda function an integration URI names: a
// Ref, GetAtt or ${X.Arn} anywhere inside it that is a function of this
// template, else the first resource it names.
func (l *lowerer) functionRef(n *Node) string {
	var first string
	var walk func(n *Node, depth int) string
	walk = func(n *Node, depth int) string {
		if n == nil || depth > 20 {
			return ""
		}
		if fn, ok := n.IsIntrinsic(); ok && fn == "Fn::Sub" {
			s := n.Vals[0].Text()
			if n.Vals[0].Kind == Seq && len(n.Vals[0].Items) > 0 {
				s = n.Vals[0].Items[0].Text()
			}
			for {
				i := strings.Index(s, "${")
				if i < 0 {
					break
				}
				j := strings.IndexByte(s[i:], '}')
				if j < 0 {
					break
				}
				id, _, _ := strings.Cut(s[i+2:i+j], ".")
				if l.funcs[id] != nil {
					return id
				}
				if first == "" && !strings.HasPrefix(id, "AWS::") {
					first = id
				}
				s = s[i+j+1:]
			}
		}
		if id := refTarget(n); id != "" && !strings.HasPrefix(id, "AWS::") {
			if l.funcs[id] != nil {
				return id
			}
			if first == "" {
				first = id
			}
		}
		for _, v := range n.Vals {
			if id := walk(v, depth+1); id != "" {
				return id
			}
		}
		for _, it := range n.Items {
			if id := walk(it, depth+1); id != "" {
				return id
			}
		}
		return ""
	}
	if id := walk(n, 0); id != "" {
		return id
	}
	return first
}

// raw is the source line of a node, trimmed, for HeaderOp.Raw.
func (l *lowerer) raw(n *Node) string {
	return strings.TrimSpace(l.t.line(n.Span.Line))
}

// scope adds a scope of the Gateway layer.
func (l *lowerer) scope(kind, label string, parent *model.Scope, at model.Span) *model.Scope {
	s := &model.Scope{Kind: kind, Label: label, Role: roleOf(kind, parent), Parent: parent, Layer: model.Gateway, Span: at}
	l.file.Scopes = append(l.file.Scopes, s)
	return s
}

// roleOf is a scope's role: a resource at the top has a URL of its own, a
// path is a route, the rest (CORS rules, gateway responses) select nothing
// by themselves.
func roleOf(kind string, parent *model.Scope) model.Role {
	switch {
	case parent == nil:
		return model.RoleEndpoint
	case kind == "path":
		return model.RoleRoute
	}
	return model.RoleOther
}

// op adds a header statement to a scope.
func (l *lowerer) op(s *model.Scope, name string, v model.Value, at *Node, d model.Delivery) *model.HeaderOp {
	h := &model.HeaderOp{
		Name: model.CanonicalName(name), Op: model.Set, Value: v, Delivery: d,
		Scope: s, Layer: model.Gateway, Span: at.Span, Raw: l.raw(at),
	}
	s.Own = append(s.Own, h)
	s.Effective = append(s.Effective, h)
	l.file.Headers = append(l.file.Headers, h)
	return h
}

// respond adds a response.
func (l *lowerer) respond(r *model.Response) {
	l.file.Responses = append(l.file.Responses, r)
}

// variants returns the values a property can take, and whether they come
// from different condition branches (then each gets its own statement,
// so a finding names its condition).
func condOf(n *Node) *model.Condition {
	if n == nil || n.Cond == "" {
		return nil
	}
	return &model.Condition{Text: "condition " + n.Cond, Span: n.Span}
}

var standardMethods = []string{"GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"}

// varyOrigin is the Vary the managed CORS implementations (S3, HTTP APIs,
// Lambda URLs, CloudFront) add when the allowed origin depends on Origin.
func (l *lowerer) varyOrigin(s *model.Scope, at *Node) *model.HeaderOp {
	h := &model.HeaderOp{
		Name: model.Vary, Op: model.Merge, Value: model.LiteralValue("Origin", at.Span), Delivery: model.Always,
		Scope: s, Layer: model.Gateway, Span: at.Span, Raw: l.raw(at),
	}
	s.Effective = append(s.Effective, h)
	return h
}
