package js

import (
	"net/url"
	"strings"
)

// fetchTarget is the origin a Worker's fetch(...) call sends the request
// to when the code names it: a URL written out ('https://origin.example.com'
// + path, a template, new Request(url, init)), or new URL(request.url)
// whose hostname the code sets. "" when the request goes where it was
// addressed (fetch(request)), which only the zone's DNS decides.
func (l *lowerer) fetchTarget(call *Node) string {
	as := args(call)
	if len(as) == 0 {
		return ""
	}
	return l.urlTarget(as[0], 0)
}

func (l *lowerer) urlTarget(n *Node, depth int) string {
	n = l.unparen(n)
	if n == nil || depth > 8 {
		return ""
	}
	switch n.Type {
	case "identifier":
		name := l.t.Text(n)
		if host := l.hostAssigned(name); host != "" {
			return "https://" + host
		}
		if r := l.resolve(n); r != n {
			return l.urlTarget(r, depth+1)
		}
	case "string":
		s, _ := l.str(n)
		return originOf(s)
	case "template_string":
		var b strings.Builder
		for _, k := range n.Kids {
			if k.Type == "template_substitution" {
				break
			}
			if k.Type == "string_fragment" {
				b.WriteString(l.t.Text(k))
			}
		}
		return originOf(b.String())
	case "binary_expression":
		if l.t.Text(n.Child("operator")) == "+" {
			return l.urlTarget(n.Child("left"), depth+1)
		}
	case "call_expression":
		// url.toString()
		if obj, m := l.method(n); obj != nil && m == "toString" {
			return l.urlTarget(obj, depth+1)
		}
	case "member_expression":
		// url.href
		if l.t.Text(n.Child("property")) == "href" {
			return l.urlTarget(n.Child("object"), depth+1)
		}
	case "new_expression":
		switch l.t.Text(n.Child("constructor")) {
		case "Request", "URL":
			if as := n.Child("arguments").Named(); len(as) > 0 {
				return l.urlTarget(as[0], depth+1)
			}
		}
	}
	return ""
}

// hostAssigned is the host a statement name.hostname = '...' (or .host)
// gives a URL held in name, when exactly one does.
func (l *lowerer) hostAssigned(name string) string {
	host, n := "", 0
	walk(l.t.Root, func(x *Node) bool {
		if x.Type != "assignment_expression" {
			return true
		}
		switch l.path(x.Child("left")) {
		case name + ".hostname", name + ".host":
			n++
			host, _ = l.str(x.Child("right"))
		}
		return true
	})
	if n != 1 {
		return ""
	}
	return strings.ToLower(host)
}

// originOf is the scheme and host of an absolute http(s) URL, or "".
func originOf(s string) string {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return ""
	}
	return u.Scheme + "://" + strings.ToLower(u.Host)
}
