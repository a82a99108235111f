package config

import (
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"

	yaml "go.yaml.in/yaml/v4"
)

// keys are the top-level keys, in the order `corslint init` writes them.
var keys = []string{"trusted-origins", "rules", "exclude", "fail-on", "nginx-prefix", "apache-root", "clients", "stack"}

var clientKeys = []string{"origin", "methods", "headers", "credentials", "paths"}

type decoder struct {
	file   string
	lookup RuleLookup
	cfg    *Config
	errs   []error
}

func (d *decoder) errorf(n *yaml.Node, format string, args ...any) {
	d.errs = append(d.errs, &posError{File: d.file, Line: n.Line, Col: n.Column, Msg: fmt.Sprintf(format, args...)})
}

func (d *decoder) decode(src []byte) {
	var doc yaml.Node
	if err := yaml.Unmarshal(src, &doc); err != nil {
		var le *yaml.LoadError
		if errors.As(err, &le) {
			d.errs = append(d.errs, &posError{File: d.file, Line: le.Mark.Line, Col: le.Mark.Column, Msg: "invalid YAML: " + le.Message})
			return
		}
		d.errs = append(d.errs, &posError{File: d.file, Msg: "invalid YAML: " + err.Error()})
		return
	}
	root := &doc
	if root.Kind == yaml.DocumentNode && len(root.Content) > 0 {
		root = root.Content[0]
	}
	root = deref(root)
	if root.Kind == 0 || root.Kind == yaml.DocumentNode || isNull(root) {
		return // an empty file, or only comments
	}
	if root.Kind != yaml.MappingNode {
		d.errorf(root, "the configuration must be a mapping of keys (%s)", strings.Join(keys, ", "))
		return
	}
	d.mapping(root, keys, func(k, v *yaml.Node) {
		switch k.Value {
		case "trusted-origins":
			d.cfg.TrustedOrigins = []string{}
			for _, n := range d.list(v, "a list of origins") {
				if s, ok := d.str(n, "an origin"); ok {
					if err := validOrigin(s); err != nil {
						d.errorf(n, "%v", err)
						continue
					}
					d.cfg.TrustedOrigins = append(d.cfg.TrustedOrigins, s)
				}
			}
		case "rules":
			d.rules(v)
		case "exclude":
			d.cfg.Exclude = d.globs(v)
		case "fail-on":
			if s, ok := d.str(v, "error, warning, note or none"); ok {
				switch s {
				case "error", "warning", "note", "none":
					d.cfg.FailOn = s
				default:
					d.errorf(v, "fail-on is %q; want error, warning, note or none", s)
				}
			}
		case "nginx-prefix":
			d.cfg.NginxPrefix = d.dir(v)
		case "apache-root":
			d.cfg.ApacheRoot = d.dir(v)
		case "clients":
			for _, n := range d.list(v, "a list of clients") {
				d.client(n)
			}
		case "stack":
			d.cfg.Stack = d.globs(v)
		}
	})
}

// mapping calls f for each key of n, rejecting non-mappings, unknown keys
// and duplicates.
func (d *decoder) mapping(n *yaml.Node, known []string, f func(k, v *yaml.Node)) {
	n = deref(n)
	if n.Kind != yaml.MappingNode {
		d.errorf(n, "want a mapping with keys %s", strings.Join(known, ", "))
		return
	}
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := deref(n.Content[i]), deref(n.Content[i+1])
		if k.Kind != yaml.ScalarNode {
			d.errorf(k, "a key must be a plain name")
			continue
		}
		if !contains(known, k.Value) {
			d.errorf(k, "unknown key %q%s (want %s)", k.Value, suggest(k.Value, known), strings.Join(known, ", "))
			continue
		}
		if seen[k.Value] {
			d.errorf(k, "duplicate key %q", k.Value)
			continue
		}
		seen[k.Value] = true
		f(k, v)
	}
}

func (d *decoder) rules(n *yaml.Node) {
	d.cfg.Rules = map[string]Level{}
	n = deref(n)
	if n.Kind != yaml.MappingNode {
		d.errorf(n, "rules: want a mapping of rule IDs or slugs to off, error, warning or note")
		return
	}
	where := map[string]string{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := deref(n.Content[i]), deref(n.Content[i+1])
		if k.Kind != yaml.ScalarNode {
			d.errorf(k, "a rule must be named by its ID or slug")
			continue
		}
		id := k.Value
		if d.lookup != nil {
			var err error
			if id, err = d.lookup(k.Value); err != nil {
				d.errorf(k, "%v", err)
				continue
			}
		}
		if prev, dup := where[id]; dup {
			d.errorf(k, "%s is already configured at %s", id, prev)
			continue
		}
		where[id] = fmt.Sprintf("line %d", k.Line)
		s, ok := d.str(v, "off, error, warning or note")
		if !ok {
			continue
		}
		lvl := Level(s)
		switch lvl {
		case LevelOff, LevelError, LevelWarning, LevelNote:
		default:
			d.errorf(v, "%s: level %q; want off, error, warning or note", k.Value, s)
			continue
		}
		if lvl == LevelOff && id == "CORS001" {
			d.errorf(v, "CORS001 parse-error cannot be turned off: a file that does not parse is not checked")
			continue
		}
		d.cfg.Rules[id] = lvl
	}
}

func (d *decoder) client(n *yaml.Node) {
	n = deref(n)
	c := Client{Line: n.Line, Col: n.Column}
	hasOrigin := false
	d.mapping(n, clientKeys, func(k, v *yaml.Node) {
		switch k.Value {
		case "origin":
			if s, ok := d.str(v, "an origin"); ok {
				if err := validOrigin(s); err != nil {
					d.errorf(v, "%v", err)
				}
				c.Origin, hasOrigin = s, true
			}
		case "methods":
			c.Methods = []string{}
			for _, m := range d.list(v, "a list of methods") {
				if s, ok := d.str(m, "a method"); ok {
					if !isToken(s) {
						d.errorf(m, "method %q is not an HTTP token", s)
						continue
					}
					c.Methods = append(c.Methods, s)
				}
			}
		case "headers":
			c.Headers = []string{}
			for _, h := range d.list(v, `a list of header names or "Name: value"`) {
				if s, ok := d.str(h, "a header"); ok {
					name, _, _ := strings.Cut(s, ":")
					if !isToken(strings.TrimSpace(name)) || strings.TrimSpace(name) != name {
						d.errorf(h, "header %q: the name is not an HTTP token (write Name or \"Name: value\")", s)
						continue
					}
					c.Headers = append(c.Headers, s)
				}
			}
		case "credentials":
			if v.Kind != yaml.ScalarNode || v.ShortTag() != "!!bool" {
				d.errorf(v, "credentials: want true or false")
				return
			}
			c.Credentials = v.Value == "true"
		case "paths":
			c.Paths = []string{}
			for _, p := range d.list(v, "a list of paths") {
				if s, ok := d.str(p, "a path"); ok {
					if !strings.HasPrefix(s, "/") {
						d.errorf(p, "path %q must start with /", s)
						continue
					}
					c.Paths = append(c.Paths, s)
				}
			}
		}
	})
	if n.Kind != yaml.MappingNode {
		return
	}
	if !hasOrigin {
		d.errorf(n, "a client needs an origin")
	}
	if len(c.Methods) == 0 {
		c.Methods = []string{"GET"}
	}
	if len(c.Paths) == 0 {
		c.Paths = []string{"/"}
	}
	d.cfg.Clients = append(d.cfg.Clients, c)
}

func (d *decoder) globs(n *yaml.Node) []string {
	out := []string{}
	for _, g := range d.list(n, "a list of path globs") {
		if s, ok := d.str(g, "a path glob"); ok {
			if err := validGlob(s); err != nil || s == "" {
				d.errorf(g, "bad glob %q", s)
				continue
			}
			out = append(out, s)
		}
	}
	return out
}

func (d *decoder) dir(n *yaml.Node) string {
	s, ok := d.str(n, "a directory")
	if !ok {
		return ""
	}
	p := s
	if !filepath.IsAbs(p) {
		p = filepath.Join(d.cfg.Dir, p)
	}
	if info, err := os.Stat(p); err != nil || !info.IsDir() {
		d.errorf(n, "%q is not a directory", s)
		return ""
	}
	return filepath.Clean(p)
}

func (d *decoder) list(n *yaml.Node, what string) []*yaml.Node {
	n = deref(n)
	if n.Kind != yaml.SequenceNode {
		d.errorf(n, "want %s", what)
		return nil
	}
	out := make([]*yaml.Node, len(n.Content))
	for i, c := range n.Content {
		out[i] = deref(c)
	}
	return out
}

func (d *decoder) str(n *yaml.Node, what string) (string, bool) {
	n = deref(n)
	if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!str" {
		d.errorf(n, "want %s as a string", what)
		return "", false
	}
	return n.Value, true
}

func deref(n *yaml.Node) *yaml.Node {
	for n != nil && n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	return n
}

func isNull(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null"
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// suggest names the known key a misspelt one was probably meant to be.
func suggest(k string, known []string) string {
	norm := func(s string) string {
		return strings.NewReplacer("_", "", "-", "", " ", "").Replace(strings.ToLower(s))
	}
	cands := []string{}
	for _, c := range known {
		if norm(c) == norm(k) || norm(c) == norm(k)+"s" || norm(c)+"s" == norm(k) {
			cands = append(cands, c)
		}
	}
	sort.Strings(cands)
	if len(cands) == 0 {
		return ""
	}
	return fmt.Sprintf("; did you mean %q?", cands[0])
}

// validOrigin checks that s is a serialised origin as browsers send it:
// scheme://host[:port], lower case, without path, query or trailing slash.
func validOrigin(s string) error {
	bad := func(why string) error {
		return fmt.Errorf("%q is not an origin: %s (write scheme://host[:port], e.g. https://app.example.com)", s, why)
	}
	u, err := url.Parse(s)
	if err != nil || u.Scheme == "" || u.Host == "" || u.Opaque != "" {
		return bad("no scheme://host")
	}
	switch {
	case u.User != nil:
		return bad("it has user information")
	case u.Path != "" || u.RawQuery != "" || u.Fragment != "" || strings.HasSuffix(s, "?") || strings.HasSuffix(s, "#"):
		return bad("it has a path, query or trailing slash")
	case s != strings.ToLower(s):
		return bad("browsers send origins in lower case")
	case strings.Trim(u.Hostname(), "abcdefghijklmnopqrstuvwxyz0123456789.-:") != "":
		return bad("the host is not a name or address (patterns are not origins)")
	}
	if p := u.Port(); p != "" || strings.HasSuffix(u.Host, ":") {
		for _, r := range p {
			if r < '0' || r > '9' {
				return bad("the port is not a number")
			}
		}
		if p == "" {
			return bad("the port is empty")
		}
	}
	return nil
}

// isToken reports whether s is an HTTP token (RFC 9110 tchar+).
func isToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		case strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0:
		default:
			return false
		}
	}
	return true
}
