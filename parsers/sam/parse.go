package sam

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v4"

	"github.com/corslint/corslint/model"
)

// Options control reading a template.
type Options struct {
	// Root is the directory function code may be read from.
	Root string
	// AllowOutsideRoot lets function code outside Root be read.
	AllowOutsideRoot bool
	// Code reads a Node.js handler's return paths; nil, or a reader that
	// cannot read the file, leaves a search of the code for the header.
	Code model.CodeReader
}

// Template is a parsed template.
type Template struct {
	Path string
	Src  []byte
	// Root is the top-level mapping; nil when the file did not parse.
	Root        *Node
	Diagnostics []model.Diagnostic
	Comments    []model.Comment
	// OpenAPI is true for a stand-alone OpenAPI document with API Gateway
	// extensions (a DefinitionUri or AWS::Include target).
	OpenAPI bool
	Options Options

	lines []int // byte offset of each line start
	bom   bool
}

// maxDepth bounds nesting; CloudFormation itself stops far earlier.
const maxDepth = 200

// Parse reads a template. It returns nil when src parses but is not a
// template (other YAML is not corslint's), and a template holding only a
// CORS001 diagnostic when it does not parse.
func Parse(path string, src []byte, o Options) *Template {
	t := &Template{Path: path, Src: src, Options: o}
	t.index()
	if bytes.HasPrefix(src, []byte{0xFF, 0xFE}) || bytes.HasPrefix(src, []byte{0xFE, 0xFF}) {
		t.errorAt(t.offsetSpan(0), "the file is UTF-16; CloudFormation reads templates as UTF-8: convert it")
		return t
	}
	if i := bytes.IndexByte(src, 0); i >= 0 {
		t.errorAt(t.offsetSpan(i), "binary file: it contains a NUL byte, so it is no template")
		return t
	}
	if !utf8.Valid(src) {
		i := firstInvalid(src)
		t.errorAt(t.offsetSpan(i), fmt.Sprintf("invalid UTF-8 (byte 0x%02X): CloudFormation reads templates as UTF-8", src[i]))
		return t
	}
	t.bom = bytes.HasPrefix(src, []byte{0xEF, 0xBB, 0xBF})

	docs, err := load(src)
	if err != nil {
		t.errorAt(t.errSpan(err), yamlMessage(err))
		return t
	}
	if len(docs) == 0 {
		return nil
	}
	c := &converter{t: t, done: map[*yaml.Node]*Node{}, active: map[*yaml.Node]bool{}}
	root := c.convert(docs[0], 0)
	if c.tooDeep {
		t.errorAt(c.deepAt, fmt.Sprintf("nesting deeper than %d levels", maxDepth))
		return t
	}
	if root == nil || root.Kind != Map {
		return nil
	}
	switch {
	case isTemplate(root):
	case isOpenAPI(root):
		t.OpenAPI = true
	default:
		return nil
	}
	t.Root = root
	if len(docs) > 1 {
		t.errorAt(t.span(docs[1].Line, docs[1].Column), "a second YAML document: a template is a single document")
	}
	dups(t, docs[0], map[*yaml.Node]bool{})
	t.Comments = comments(t)
	return t
}

// load parses every document of src.
func load(src []byte) (docs []*yaml.Node, err error) {
	defer func() {
		// The YAML library is not ours; a panic on hostile input must not
		// take the run down.
		if p := recover(); p != nil {
			err = fmt.Errorf("YAML parser failure: %v", p)
		}
	}()
	l, err := yaml.NewLoader(bytes.NewReader(src), yaml.WithUniqueKeys(false))
	if err != nil {
		return nil, fmt.Errorf("reading YAML: %w", err)
	}
	for {
		var n yaml.Node
		err := l.Load(&n)
		if errors.Is(err, io.EOF) {
			return docs, nil
		}
		if err != nil {
			return docs, err
		}
		if n.Kind == yaml.DocumentNode && len(n.Content) > 0 {
			docs = append(docs, n.Content[0])
		} else {
			docs = append(docs, &n)
		}
	}
}

func yamlMessage(err error) string {
	var le *yaml.LoadError
	if errors.As(err, &le) {
		msg := le.Message
		if le.ContextMsg != "" {
			msg = le.ContextMsg + ": " + msg
		}
		return "YAML syntax error: " + msg
	}
	return "YAML syntax error: " + err.Error()
}

func (t *Template) errSpan(err error) model.Span {
	var le *yaml.LoadError
	if errors.As(err, &le) && le.Mark.Line > 0 {
		return t.span(le.Mark.Line, le.Mark.Column)
	}
	return model.Span{File: t.Path, Line: 1, Col: 1, EndLine: 1, EndCol: 1}
}

func (t *Template) errorAt(at model.Span, msg string) {
	t.Diagnostics = append(t.Diagnostics, model.Diagnostic{RuleID: "CORS001", Message: msg, Span: at})
}

func firstInvalid(b []byte) int {
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n <= 1 {
			return i
		}
		i += n
	}
	return 0
}

// isTemplate reports whether a document is a CloudFormation template.
func isTemplate(root *Node) bool {
	if root.Has("AWSTemplateFormatVersion") {
		return true
	}
	if tr := root.Get("Transform"); tr != nil {
		for _, s := range scalarsOf(tr) {
			if strings.HasPrefix(s, "AWS::Serverless") {
				return true
			}
		}
	}
	res := root.Get("Resources")
	if res == nil || res.Kind != Map {
		return false
	}
	for _, r := range res.Vals {
		if strings.HasPrefix(r.Get("Type").Text(), "AWS::") {
			return true
		}
	}
	return false
}

// isOpenAPI reports whether a document is an OpenAPI definition that uses
// API Gateway's extensions.
func isOpenAPI(root *Node) bool {
	if !(root.Has("openapi") || root.Has("swagger")) || root.Get("paths") == nil {
		return false
	}
	return hasAPIGatewayExtension(root, 0)
}

func hasAPIGatewayExtension(n *Node, depth int) bool {
	if n == nil || depth > maxDepth {
		return false
	}
	for i, k := range n.Keys {
		if strings.HasPrefix(k.Str, "x-amazon-apigateway-") || hasAPIGatewayExtension(n.Vals[i], depth+1) {
			return true
		}
	}
	for _, it := range n.Items {
		if hasAPIGatewayExtension(it, depth+1) {
			return true
		}
	}
	return false
}

func scalarsOf(n *Node) []string {
	if n == nil {
		return nil
	}
	if n.Kind == Scalar {
		return []string{n.Str}
	}
	var out []string
	for _, it := range n.Items {
		out = append(out, scalarsOf(it)...)
	}
	return out
}

// converter turns yaml.Nodes into Nodes.
type converter struct {
	t       *Template
	done    map[*yaml.Node]*Node // anchors are converted once and shared
	active  map[*yaml.Node]bool  // guards recursive aliases
	tooDeep bool
	deepAt  model.Span
}

func (c *converter) convert(y *yaml.Node, depth int) *Node {
	if y == nil {
		return nil
	}
	if depth > maxDepth {
		if !c.tooDeep {
			c.tooDeep, c.deepAt = true, c.t.span(y.Line, y.Column)
		}
		return &Node{Kind: Null, Span: c.t.span(y.Line, y.Column)}
	}
	if y.Kind == yaml.AliasNode {
		if y.Alias == nil || c.active[y.Alias] {
			return &Node{Kind: Null, Span: c.t.span(y.Line, y.Column)}
		}
		return c.convert(y.Alias, depth+1)
	}
	if n, ok := c.done[y]; ok {
		return n
	}
	c.active[y] = true
	defer delete(c.active, y)
	n := c.node(y, depth)
	c.done[y] = n
	return n
}

func (c *converter) node(y *yaml.Node, depth int) *Node {
	at := c.t.span(y.Line, y.Column)
	var n *Node
	switch y.Kind {
	case yaml.DocumentNode:
		if len(y.Content) == 0 {
			return &Node{Kind: Null, Span: at}
		}
		return c.convert(y.Content[0], depth+1)
	case yaml.ScalarNode:
		n = &Node{Kind: Scalar, Str: y.Value, Type: scalarType(y), Span: at}
		switch y.Style {
		case yaml.SingleQuotedStyle:
			n.Quote = '\''
		case yaml.DoubleQuotedStyle:
			n.Quote = '"'
		}
		if n.Type == "null" && n.Quote == 0 {
			n.Kind = Null
		}
		n.Span = c.t.scalarSpan(y, at)
	case yaml.SequenceNode:
		n = &Node{Kind: Seq, Span: at}
		for _, it := range y.Content {
			n.Items = append(n.Items, c.convert(it, depth+1))
		}
	case yaml.MappingNode:
		n = &Node{Kind: Map, Span: at}
		c.mapping(n, y, depth)
	default:
		return &Node{Kind: Null, Span: at}
	}
	if fn := intrinsicTag(y.Tag); fn != "" {
		content := n
		if content.Kind == Scalar {
			content = &Node{Kind: Scalar, Str: n.Str, Type: "str", Quote: n.Quote, Span: n.Span}
		}
		key := &Node{Kind: Scalar, Str: fn, Type: "str", Span: at}
		n = &Node{Kind: Map, Keys: []*Node{key}, Vals: []*Node{content}, Span: at}
	}
	return n
}

// mapping fills a map, expanding merge keys: keys written in the map win
// over merged ones, and earlier merged maps over later ones.
func (c *converter) mapping(n *Node, y *yaml.Node, depth int) {
	var merged []*Node
	for i := 0; i+1 < len(y.Content); i += 2 {
		k, v := y.Content[i], y.Content[i+1]
		if k.Kind == yaml.ScalarNode && k.Tag == "!!merge" {
			mv := c.convert(v, depth+1)
			switch mv.Kind {
			case Map:
				merged = append(merged, mv)
			case Seq:
				merged = append(merged, mv.Items...)
			}
			continue
		}
		kn := c.convert(k, depth+1)
		if kn.Kind != Scalar {
			kn = &Node{Kind: Scalar, Str: "", Type: "str", Span: kn.Span}
		}
		n.Keys = append(n.Keys, kn)
		n.Vals = append(n.Vals, c.convert(v, depth+1))
	}
	for _, m := range merged {
		if m == nil || m.Kind != Map {
			continue
		}
		for i, k := range m.Keys {
			if !n.Has(k.Str) {
				n.Keys = append(n.Keys, k)
				n.Vals = append(n.Vals, m.Vals[i])
			}
		}
	}
}

// intrinsicTag maps a short-form tag to its function name.
func intrinsicTag(tag string) string {
	if !strings.HasPrefix(tag, "!") || strings.HasPrefix(tag, "!!") || len(tag) < 2 {
		return ""
	}
	switch name := tag[1:]; name {
	case "Ref", "Condition":
		return name
	default:
		return "Fn::" + name
	}
}

func scalarType(y *yaml.Node) string {
	switch y.Tag {
	case "!!int":
		return "int"
	case "!!bool":
		return "bool"
	case "!!float":
		return "float"
	case "!!null":
		return "null"
	}
	return "str"
}

// dups reports keys that appear twice in one mapping.
func dups(t *Template, y *yaml.Node, seen map[*yaml.Node]bool) {
	if y == nil || seen[y] {
		return
	}
	seen[y] = true
	if y.Kind == yaml.MappingNode {
		first := map[string]*yaml.Node{}
		for i := 0; i+1 < len(y.Content); i += 2 {
			k := y.Content[i]
			if k.Kind != yaml.ScalarNode || k.Tag == "!!merge" {
				continue
			}
			if f, ok := first[k.Value]; ok {
				t.errorAt(t.scalarSpan(k, t.span(k.Line, k.Column)), fmt.Sprintf("duplicate key %q (first at line %d): CloudFormation refuses templates with duplicate keys, and YAML tools disagree on which one counts", k.Value, f.Line))
				continue
			}
			first[k.Value] = k
		}
	}
	for _, ch := range y.Content {
		dups(t, ch, seen)
	}
}
