package nginx

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/corslint/corslint/model"
)

// namedGroup finds the named groups of a PCRE pattern: (?<name>,
// (?P<name> and (?'name'.
var namedGroup = regexp.MustCompile(`\(\?P?(?:<([A-Za-z_][A-Za-z0-9_]*)>|'([A-Za-z_][A-Za-z0-9_]*)')`)

// untracedRegex are directives that may run a regex (and so set
// r->captures through ngx_http_regex_exec) where the capture replay does
// not look: a capture read after one of them is not known.
var untracedRegex = map[string]bool{
	"rewrite": true, "fastcgi_split_path_info": true, "valid_referers": true,
	"proxy_redirect": true, "proxy_cookie_path": true, "proxy_cookie_domain": true,
}

// captures describes what replaying nginx's captures for a request needs:
// the maps, by variable, as ngx_http_map_find searches them; the names
// the regexes capture; and the first directive that runs a regex or reads
// a map where the replay does not look.
func (l *lowerer) captures(ds []*Directive) *model.Captures {
	c := &model.Captures{Maps: map[string]*model.VarMap{}, Named: map[string]bool{}, Untraced: map[string]string{}}
	for name, d := range l.maps {
		vm := l.varMap(d)
		vm.Value = l.mapValue(name)
		c.Maps[name] = vm
	}
	named := func(pattern string) {
		for _, m := range namedGroup.FindAllStringSubmatch(pattern, -1) {
			c.Named[m[1]+m[2]] = true
		}
	}
	var parents []*Directive
	untraced := func(d *Directive, why string) {
		key := ""
		for i := len(parents) - 1; i >= 0; i-- {
			if p := parents[i]; p.Name == "server" || p.Name == "location" || p.Name == "if" {
				key = p.Span.String()
				break
			}
		}
		if d.Name == "map" {
			key = ""
		}
		if c.Untraced[key] == "" {
			c.Untraced[key] = fmt.Sprintf("%s at %s %s", d.Name, d.Span, why)
		}
	}
	readsMap := func(s string) bool {
		for i := 0; i < len(s); i++ {
			if s[i] != '$' {
				continue
			}
			name := strings.TrimPrefix(s[i+1:], "{")
			end := strings.IndexFunc(name, func(r rune) bool {
				return r != '_' && (r < 'a' || r > 'z') && (r < 'A' || r > 'Z') && (r < '0' || r > '9')
			})
			if end >= 0 {
				name = name[:end]
			}
			if l.maps[name] != nil {
				return true
			}
		}
		return false
	}
	walk(ds, func(d *Directive, ps []*Directive) bool {
		parents = ps
		switch {
		case d.Name == "map" && d.IsBlock:
			for _, e := range d.Block {
				named(e.Name)
				for _, a := range e.Args {
					if readsMap(a.Value) {
						untraced(d, "gives a value read from another map")
					}
				}
				if e.Name == "include" {
					untraced(d, "includes its entries")
				}
			}
			return false
		case d.Name == "server_name" || d.Name == "location" || d.Name == "if":
			for _, a := range d.Args {
				named(a.Value)
			}
		case d.Name == "add_header":
		case untracedRegex[d.Name]:
			for _, a := range d.Args {
				named(a.Value)
			}
			if d.Name == "rewrite" || hasRegexArg(d) {
				untraced(d, "runs a regex")
			}
		default:
			for _, a := range d.Args {
				if readsMap(a.Value) {
					untraced(d, "reads a map")
				}
			}
		}
		if d.Name == "if" {
			for _, a := range d.Args[min(1, len(d.Args)):] {
				if readsMap(a.Value) {
					untraced(d, "compares with a map's value")
				}
			}
		}
		return true
	})
	return c
}

// hasRegexArg reports whether a directive's argument is a regex
// (proxy_redirect ~^http://..., valid_referers ~\.example\.).
func hasRegexArg(d *Directive) bool {
	if d.Name == "fastcgi_split_path_info" {
		return true
	}
	for _, a := range d.Args {
		if strings.HasPrefix(a.Value, "~") {
			return true
		}
	}
	return false
}

// varMap is map block d as ngx_http_map_find searches it.
func (l *lowerer) varMap(d *Directive) *model.VarMap {
	vm := &model.VarMap{Source: d.Arg(0)}
	hostnames := false
	for _, e := range d.Block {
		if len(e.Args) == 0 {
			switch e.Name {
			case "hostnames":
				hostnames = true
			case "volatile":
				vm.Volatile = true
			}
		}
	}
	for _, e := range d.Block {
		if len(e.Args) == 0 || e.Name == "include" || e.Name == "default" && e.NameQuote == 0 {
			continue
		}
		var m *model.Matcher
		if hostnames || vm.Source == "$host" || vm.Source == "${host}" {
			m = hostMatcher(e, hostnames)
		} else {
			m = l.mapMatcher(e, false)
		}
		if m.Kind == model.MatchRegex {
			vm.Regexes = append(vm.Regexes, m)
		} else {
			vm.Keys = append(vm.Keys, m)
		}
	}
	return vm
}
