package serverside

import (
	"fmt"
	stdregexp "regexp"
	"slices"
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
	// maps holds each map's value as computed when the request first
	// read it (every read, for a volatile one): nginx keeps that value,
	// captures and all, for the rest of the request.
	maps map[string]mapRead
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

// lookup is what a reference of an nginx value reads in this state:
// $1..$9 the last match's groups (empty past them), a name a regex
// captures its value, a map the request has read the value it got then.
// false for any other variable, which the state does not give.
func (c *capState) lookup(p scriptPart) (string, bool) {
	if p.capture > 0 {
		if p.capture <= len(c.groups) {
			return c.groups[p.capture-1], true
		}
		return "", true
	}
	if m, ok := c.maps[p.name]; ok {
		return m.val, m.known
	}
	if c.file != nil && c.file.Serving.Captures != nil && c.file.Serving.Captures.Named[p.name] {
		return c.named[p.name], true
	}
	return "", false
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
	server := r.VirtualServer()
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
	for _, name := range scriptNames(raw) {
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
		// the hash answers before any regex runs, and an empty subject
		// runs none (ngx_http_map_find); the first regex that matches
		// chooses the entry
		var chosen *model.Matcher
		for _, m := range vm.Regexes {
			if hit || subject == "" {
				break
			}
			if c.matches(m.Pattern, m.CaseInsensitive, subject) {
				c.match(m.Pattern, m.CaseInsensitive, subject, false)
				chosen = m
				break
			}
		}
		if vm.Value != nil {
			if c.maps == nil {
				c.maps = map[string]mapRead{}
			}
			c.maps[name] = e.mapResult(c, *vm.Value, chosen)
		}
	}
}

// mapRead is the value a map gave when the request read it.
type mapRead struct {
	val   string
	known bool
	why   string // why it is not known, when the capture state says
}

// mapResult computes map v's value for the request the way
// ngx_http_map_variable does: the entry chosen (the regex key chosen
// matched, else an exact key or the default), its value evaluated at
// once with the captures the request holds now, which are the regex
// key's, or, under an exact key or the default, whatever the regexes
// before left.
func (e *evaluator) mapResult(c *capState, v model.Value, chosen *model.Matcher) mapRead {
	var pick *model.Value
	isRegex := func(g *model.Matcher) bool { return g.Kind == model.MatchRegex }
	for i := range v.Options {
		o := &v.Options[i]
		if o.Kind == model.Variable {
			return mapRead{} // another variable's options: left to the evaluator
		}
		if chosen != nil && slices.ContainsFunc(o.Guards, func(g *model.Matcher) bool { return isRegex(g) && samePlace(g.Span, chosen.Span) }) {
			pick = o
		}
	}
	if chosen != nil && pick == nil {
		return mapRead{} // no entry of the model is that key
	}
	if chosen == nil {
		v.Options = slices.DeleteFunc(slices.Clone(v.Options), func(o model.Value) bool { return slices.ContainsFunc(o.Guards, isRegex) })
		pick = e.option(v)
	}
	if pick == nil {
		return mapRead{known: true}
	}
	switch pick.Kind {
	case model.Literal, model.Wildcard, model.Null:
		return mapRead{val: pick.Text, known: true}
	case model.Empty:
		return mapRead{known: true}
	case model.Reflected:
		p := *pick
		p.Guards = nil
		s, _ := e.reflected(p)
		return mapRead{val: s, known: true}
	case model.Unknown:
		s, ok, why := c.captured(pick.Raw)
		return mapRead{val: s, known: ok, why: why}
	}
	return mapRead{}
}

// captured evaluates raw, a header value written with captures
// ("X-$1", "X-$srv") or maps already read, from the request's capture
// state; false when raw reads anything else or the state is not known
// (why says why, then).
func (c *capState) captured(raw string) (string, bool, string) {
	parts, ok := scanScript(raw)
	if !ok {
		return "", false, ""
	}
	uses := false
	for _, p := range parts {
		if p.capture == 0 && p.name == "" {
			continue
		}
		if _, known := c.lookup(p); !known {
			if m, read := c.maps[p.name]; read && m.why != "" {
				return "", false, m.why
			}
			return "", false, ""
		}
		uses = true
	}
	if !uses {
		return "", false, ""
	}
	if c.unknown != "" {
		return "", false, c.unknown
	}
	return expandScript(parts, c.lookup)
}

// scriptPart is one piece of an nginx value as ngx_http_script_compile
// reads it: text; a capture, a dollar and one digit from 1 to 9 ($12 is
// $1 and "2"); or a variable, $name or ${name} (${1} names a variable,
// which nginx refuses at start: unknown "1" variable).
type scriptPart struct {
	text    string
	name    string
	capture int
}

// scanScript splits raw into its parts; false when a ${ is not closed,
// which nginx refuses. A $ followed by no name is kept as text.
func scanScript(raw string) ([]scriptPart, bool) {
	var parts []scriptPart
	text := 0 // where the current text began
	flush := func(end int) {
		if end > text {
			parts = append(parts, scriptPart{text: raw[text:end]})
		}
	}
	for i := 0; i+1 < len(raw); i++ {
		if raw[i] != '$' {
			continue
		}
		j := i + 1
		switch {
		case raw[j] >= '1' && raw[j] <= '9':
			flush(i)
			parts = append(parts, scriptPart{capture: int(raw[j] - '0')})
			text = j + 1
		case raw[j] == '{':
			end := strings.IndexByte(raw[j:], '}')
			if end < 0 || end == 1 || strings.IndexFunc(raw[j+1:j+end], func(r rune) bool { return r > 0x7f || !isNameByte(byte(r)) }) >= 0 {
				return nil, false
			}
			flush(i)
			parts = append(parts, scriptPart{name: raw[j+1 : j+end]})
			text = j + end + 1
		default:
			k := j
			for k < len(raw) && isNameByte(raw[k]) {
				k++
			}
			if k == j {
				continue
			}
			flush(i)
			parts = append(parts, scriptPart{name: raw[j:k]})
			text = k
		}
		i = text - 1
	}
	flush(len(raw))
	return parts, true
}

func isNameByte(b byte) bool {
	return b == '_' || b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9'
}

// expandScript joins parts, each reference read through lookup; false
// when lookup does not know one.
func expandScript(parts []scriptPart, lookup func(scriptPart) (string, bool)) (string, bool, string) {
	var b strings.Builder
	for _, p := range parts {
		if p.capture == 0 && p.name == "" {
			b.WriteString(p.text)
			continue
		}
		v, ok := lookup(p)
		if !ok {
			return "", false, ""
		}
		b.WriteString(v)
	}
	return b.String(), true, ""
}

// scriptNames lists the variables raw reads ($name, ${name}; "1" for
// $1), in order.
func scriptNames(raw string) []string {
	parts, _ := scanScript(raw)
	var out []string
	for _, p := range parts {
		switch {
		case p.capture > 0:
			out = append(out, strconv.Itoa(p.capture))
		case p.name != "":
			out = append(out, p.name)
		}
	}
	return out
}
