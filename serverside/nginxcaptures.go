package serverside

import (
	"fmt"
	stdregexp "regexp"
	"strconv"
	"strings"

	"github.com/dlclark/regexp2"

	"github.com/corslint/corslint/internal/pcre"
	"github.com/corslint/corslint/model"
)

// patternVariable finds a variable in a regex written in an if: nginx
// then compiles it per request.
var patternVariable = stdregexp.MustCompile(`\$[A-Za-z_{]`)

// capState is what nginx holds for a request's captures: $1..$9 of the
// last regex that matched, the variables named captures set, and the
// maps already read (a map's value is computed once per request unless
// volatile). ngx_http_regex_exec sets them on every successful match
// (a regex without groups leaves $1..$9 empty: r->ncaptures counts only
// its whole match); a failed match leaves them, except in the rewrite
// module (if, rewrite), whose failure sets r->ncaptures to 0.
type capState struct {
	file    *model.File
	regexes *pcre.Cache // the query's, so that each pattern compiles once
	started bool
	groups  []string // $1..$N
	named   map[string]string
	read    map[string]bool
	// unknown says why the state is not known from the configuration.
	unknown string
}

// untraced forgets the state for a directive the replay does not follow
// (why names it), if any.
func (c *capState) untraced(why string) {
	if why != "" {
		c.forget(why)
	}
}

func (c *capState) forget(why string) {
	if c.unknown == "" {
		c.unknown = why
	}
}

// matches reports whether pattern matches s, as pcre.Match does.
func (c *capState) matches(pattern string, ci bool, s string) bool {
	re, err := c.regexes.Compile(pattern, ci)
	if err != nil {
		return false
	}
	ok, _ := re.MatchString(s)
	return ok
}

// match runs pattern on subject as ngx_http_regex_exec does; rewrite
// marks the rewrite module's regexes, whose failure empties $1..$9.
func (c *capState) match(pattern string, ci bool, subject string, rewrite bool) {
	re, err := c.regexes.Compile(pattern, ci)
	if err != nil {
		c.forget(fmt.Sprintf("the regex %q does not compile here", pattern))
		return
	}
	m, err := re.FindStringMatch(subject)
	if err != nil {
		c.forget(fmt.Sprintf("the regex %q timed out", pattern))
		return
	}
	if m == nil {
		if rewrite {
			c.groups = nil
		}
		return
	}
	c.groups = c.groups[:0:0]
	for _, g := range pcreGroups(pattern) {
		var grp *regexp2.Group
		if g.name != "" {
			grp = m.GroupByName(g.name)
		} else {
			grp = m.GroupByNumber(g.unnamed)
		}
		v := ""
		if grp != nil && len(grp.Captures) > 0 {
			v = grp.String()
		}
		c.groups = append(c.groups, v)
		if g.name != "" {
			if c.named == nil {
				c.named = map[string]string{}
			}
			c.named[g.name] = v
		}
	}
}

// pcreGroup is a capturing group in PCRE's numbering: its name, or its
// number among the unnamed groups (regexp2 numbers those first).
type pcreGroup struct {
	name    string
	unnamed int
}

// pcreGroups lists pattern's capturing groups in PCRE's order.
func pcreGroups(p string) []pcreGroup {
	var out []pcreGroup
	unnamed := 0
	inClass := false
	for i := 0; i < len(p); i++ {
		switch {
		case p[i] == '\\':
			i++
		case inClass:
			inClass = p[i] != ']'
		case p[i] == '[':
			inClass = true
			if i+1 < len(p) && p[i+1] == ']' {
				i++ // a ] first in a class is a member
			}
		case p[i] == '(' && (i+1 == len(p) || p[i+1] != '?'):
			unnamed++
			out = append(out, pcreGroup{unnamed: unnamed})
		case p[i] == '(':
			rest := p[i+2:]
			rest = strings.TrimPrefix(rest, "P")
			var end byte
			switch {
			case strings.HasPrefix(rest, "<") && !strings.HasPrefix(rest, "<=") && !strings.HasPrefix(rest, "<!"):
				end = '>'
			case strings.HasPrefix(rest, "'"):
				end = '\''
			default:
				continue
			}
			if j := strings.IndexByte(rest[1:], end); j > 0 {
				out = append(out, pcreGroup{name: rest[1 : 1+j]})
			}
		}
	}
	return out
}

// value is capture ref ("1", "srv") as nginx's script reads it.
func (c *capState) value(ref string) string {
	if n, err := strconv.Atoi(ref); err == nil {
		if n >= 1 && n <= len(c.groups) {
			return c.groups[n-1]
		}
		return ""
	}
	return c.named[ref]
}

// caps is the capture state of the request being answered in f: each
// file in front of another has its own.
func (e *evaluator) caps(f *model.File) *capState {
	if e.capture == nil {
		e.capture = map[*model.File]*capState{}
	}
	c := e.capture[f]
	if c == nil {
		c = &capState{file: f, regexes: e.req.routes.compiler()}
		e.capture[f] = c
	}
	return c
}

// replayRewrite runs, in nginx's order, the regexes on the way to r in
// route: the server name (once per request), the server's if blocks, the
// regex locations that chose route, and the if blocks of its rewrite
// phase up to the one that answers. An internal redirect and an error
// page run them again on the same state; a named location only its
// own rewrite phase.
func (e *evaluator) replayRewrite(f *model.File, route *model.Scope, r *model.Response, named bool) {
	info := f.Serving.Captures
	if info == nil || !f.Serving.RewritePhase {
		return
	}
	c := e.caps(f)
	server := serverOf(r)
	if server == nil {
		c.forget("no virtual server answers")
		return
	}
	if !c.started {
		c.started = true
		c.untraced(info.Untraced[""])
		e.serverNameMatch(c, server)
	}
	if !named {
		for _, s := range f.Scopes {
			if s.Parent != server || s.Kind != "if" || !before(s, r, server) {
				continue
			}
			c.untraced(info.Untraced[s.Span.String()])
			e.runIf(c, s)
			if r.Scope == s {
				return // its return answers
			}
		}
		c.untraced(info.Untraced[server.Span.String()])
		if r.Route.Role == model.RoleServer {
			return // a server-level return: no location is looked for
		}
		var regexes []*model.Scope
		for s := route; s != nil && s != server; s = s.Parent {
			if s.Match != nil && s.Match.Kind == model.PathRegex {
				regexes = append([]*model.Scope{s}, regexes...)
			}
		}
		for _, s := range regexes {
			c.match(s.Match.Pattern, s.Match.CaseInsensitive, e.path, false)
		}
	}
	if e.beforeRewrite(r) {
		return
	}
	loc := locationScope(route)
	if loc == nil {
		return
	}
	c.untraced(info.Untraced[loc.Span.String()])
	for _, s := range f.Scopes {
		if s.Parent != loc || s.Kind != "if" || !before(s, r, loc) {
			continue
		}
		c.untraced(info.Untraced[s.Span.String()])
		e.runIf(c, s)
		if r.Scope == s && r.Status != 0 && !inheritsReturn(f, route, r) {
			return
		}
	}
}

// before reports whether if block s runs before r answers in block in:
// a return written in that block itself stops the ifs after it.
func before(s *model.Scope, r *model.Response, in *model.Scope) bool {
	if r.Scope != in || r.Status == 0 || r.Source != model.FromServer {
		return true
	}
	return s.Span.Before(r.Span)
}

// serverNameMatch runs the regex server_name that chose server for the
// request's host; exact and wildcard names run none.
func (e *evaluator) serverNameMatch(c *capState, server *model.Scope) {
	host := e.hostName()
	for _, h := range server.Hosts {
		if !strings.HasPrefix(h, "~") && nginxServerNamed([]*model.Scope{{Hosts: []string{h}}}, host) != nil {
			return
		}
	}
	for _, h := range server.Hosts {
		if strings.HasPrefix(h, "~") && c.matches(h[1:], true, host) {
			c.match(h[1:], true, host, false)
			return
		}
	}
}

// runIf runs the test of if block s: the maps its subject reads, then
// its regex, if it has one.
func (e *evaluator) runIf(c *capState, s *model.Scope) {
	cond := s.When
	if cond == nil {
		return
	}
	parts := strings.SplitN(cond.Text, " ", 3)
	e.readMaps(c, parts[0])
	if len(parts) < 3 {
		return
	}
	op := strings.TrimPrefix(parts[1], "!")
	if op != "~" && op != "~*" {
		return
	}
	pattern := parts[2]
	var subject string
	switch parts[0] {
	case "$http_origin", "${http_origin}":
		subject = e.origin
	case "$host", "${host}":
		subject = e.hostName()
	case "$uri", "${uri}":
		subject = e.path
	case "$request_uri", "${request_uri}":
		subject = e.url()
	default:
		c.forget(fmt.Sprintf("the if at %s matches %s, which the model does not know, against a regex", s.Span, parts[0]))
		return
	}
	if patternVariable.MatchString(pattern) {
		c.forget(fmt.Sprintf("the regex of the if at %s has variables", s.Span))
		return
	}
	c.match(pattern, op == "~*", subject, true)
}

// readMaps evaluates the maps raw reads that this request has not read
// yet, in the order raw names them.
func (e *evaluator) readMaps(c *capState, raw string) {
	info := c.file.Serving.Captures
	if info == nil {
		return
	}
	for _, name := range captureNames(raw) {
		vm := info.Maps[name]
		if vm == nil || c.read[name] && !vm.Volatile {
			continue
		}
		if c.read == nil {
			c.read = map[string]bool{}
		}
		c.read[name] = true
		var subject string
		switch vm.Source {
		case "$http_origin", "${http_origin}":
			subject = e.origin
		case "$host", "${host}":
			subject = strings.TrimSuffix(e.hostName(), ".")
		default:
			if len(vm.Regexes) > 0 {
				c.forget(fmt.Sprintf("the map of $%s matches %s, which the model does not know, against regexes", name, vm.Source))
			}
			continue
		}
		hit := false
		for _, k := range vm.Keys {
			hit = hit || k.Matches(subject)
		}
		if hit {
			continue // the hash answers before any regex runs
		}
		for _, m := range vm.Regexes {
			if c.matches(m.Pattern, m.CaseInsensitive, subject) {
				c.match(m.Pattern, m.CaseInsensitive, subject, false)
				break
			}
		}
	}
}

// captured evaluates raw, a header value written with captures
// ("X-$1", "X-$srv"), from the request's capture state; false when raw
// reads anything else or the state is not known.
func (c *capState) captured(raw string) (string, bool, string) {
	info := c.file.Serving.Captures
	refs := captureNames(raw)
	uses := false
	for _, ref := range refs {
		if ref[0] >= '1' && ref[0] <= '9' || info.Named[ref] {
			uses = true
			continue
		}
		return "", false, ""
	}
	if !uses {
		return "", false, ""
	}
	if c.unknown != "" {
		return "", false, c.unknown
	}
	var b strings.Builder
	for i := 0; i < len(raw); i++ {
		if raw[i] != '$' || i+1 == len(raw) {
			b.WriteByte(raw[i])
			continue
		}
		j := i + 1
		switch {
		case raw[j] == '{':
			end := strings.IndexByte(raw[j:], '}')
			if end < 0 {
				return "", false, ""
			}
			b.WriteString(c.value(raw[j+1 : j+end]))
			i = j + end
		case raw[j] >= '1' && raw[j] <= '9':
			b.WriteString(c.value(raw[j : j+1]))
			i = j
		default:
			k := j
			for k < len(raw) && (raw[k] == '_' || raw[k] >= 'a' && raw[k] <= 'z' || raw[k] >= 'A' && raw[k] <= 'Z' || raw[k] >= '0' && raw[k] <= '9') {
				k++
			}
			if k == j {
				b.WriteByte('$')
				continue
			}
			b.WriteString(c.value(raw[j:k]))
			i = k - 1
		}
	}
	return b.String(), true, ""
}
