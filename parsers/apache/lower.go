package apache

import (
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/dlclark/regexp2"

	"github.com/corslint/corslint/model"
)

// Htaccess is a .htaccess file lowered together with the virtual hosts of
// the same run: Dir is the absolute directory it sits in.
type Htaccess struct {
	Config *Config
	Dir    string
}

// Lower turns a parsed configuration into the model. A file named
// .htaccess is lowered as a directory context for the folder it sits in.
func Lower(cfg *Config) *model.File {
	f, _ := LowerWith(cfg, nil)
	return f
}

// LowerWith lowers cfg together with .htaccess files: each one that a
// server of cfg reads (it lies under the DocumentRoot or a <Directory>
// whose AllowOverride allows FileInfo) becomes a directory section of
// that server. It returns the files it used; their findings keep their
// own paths and positions.
func LowerWith(cfg *Config, hts []*Htaccess) (*model.File, []*Htaccess) {
	l := newLowerer(cfg)
	main := l.build(cfg, strings.HasSuffix(filepath.Base(cfg.Path), ".htaccess"))
	var used []*Htaccess
	// the walk reads each linked file where the server sees it (a
	// repository's var/www/html/.htaccess in /var/www/html), as the
	// model's sections do
	walked := make([]*Htaccess, len(hts))
	copy(walked, hts)
	if !l.standalone {
		srvs := l.servers(main)
		for i, h := range hts {
			for _, srv := range srvs {
				if p, ok := srv.readsHtaccess(h.Dir); ok {
					walked[i] = &Htaccess{Config: h.Config, Dir: p}
					ht := l.htaccessSec(h.Config, p, main)
					if srv.s != main {
						ht.readBy = srv.s
					}
					l.absorb(h.Config)
					used = append(used, h)
					break
				}
			}
		}
	}
	l.collectEnv()
	l.lowerHeaders()
	for _, srv := range l.servers(main) {
		l.routes(srv)
	}
	l.finish()
	if !l.standalone {
		l.file.Walker = &walker{cfg: cfg, hts: walked}
	}
	return l.file, used
}

// absorb takes a linked file's sources, comments and diagnostics.
func (l *lowerer) absorb(c *Config) {
	l.file.Diagnostics = append(l.file.Diagnostics, c.Diagnostics...)
	l.file.Comments = append(l.file.Comments, c.Comments...)
	for p, src := range c.Sources {
		l.file.Sources[p] = src
	}
}

// lowerer holds the state of one lowering.
type lowerer struct {
	file  *model.File
	cfg   *Config
	layer model.Layer
	all   []*sec // every section, in reading order
	env   map[envKey][]envDef
	root  *sec // the main server
	// matchers already registered in file.Matchers.
	registered map[*model.Matcher]bool
	// rewrite rules by the section that holds them.
	rules       map[*sec][]*rwRule
	lineOffsets map[string][]int
	// standalone is set when the file itself is a .htaccess.
	standalone bool
}

func newLowerer(cfg *Config) *lowerer {
	sources := map[string][]byte{}
	for p, s := range cfg.Sources {
		sources[p] = s
	}
	return &lowerer{
		file: &model.File{
			Path:        cfg.Path,
			Dialect:     model.Apache,
			BaseDir:     cfg.ServerRoot,
			Sources:     sources,
			Comments:    append([]model.Comment(nil), cfg.Comments...),
			Diagnostics: append([]model.Diagnostic(nil), cfg.Diagnostics...),
			Serving: model.Serving{
				// httpd's default handler refuses any other method with
				// 405 before it looks the file up (httpd 2.4.71: DELETE,
				// PUT and PATCH got 405 for files present and absent
				// alike); its core answers OPTIONS for a file itself.
				FileMethods:   []string{"GET", "HEAD", "POST", "OPTIONS"},
				OptionsAsFile: true,
				HostsInOrder:  true,
				TagSections:   true,
			},
		},
		cfg:         cfg,
		env:         map[envKey][]envDef{},
		registered:  map[*model.Matcher]bool{},
		rules:       map[*sec][]*rwRule{},
		lineOffsets: map[string][]int{},
	}
}

// sec is a configuration section (or the main server, or a .htaccess
// file) with its own directives, transparent wrappers such as <IfModule>
// already flattened.
type sec struct {
	kind   string // "server", "VirtualHost", "Directory", ..., ".htaccess"
	d      *Directive
	parent *sec
	scope  *model.Scope
	body   []*Directive
	kids   []*sec
	ops    []*model.HeaderOp

	path  string // Directory (absolute), Location, Files argument
	regex bool   // DirectoryMatch, LocationMatch, FilesMatch, or the ~ form
	// If, ElseIf, Else: the condition, the origin allowlists it applies,
	// and whether part of it could not be read.
	cond    *model.Condition
	guards  []*model.Matcher
	unknown bool
	// ht is the configuration of a .htaccess section.
	ht *Config
	// never says why requests can never reach the section (CORS308).
	never string
	// readBy is the virtual host that reads a linked .htaccess.
	readBy *sec
	// locPos is a <Location>'s position among its server's, for the
	// server's locIndex.
	locPos int
}

// sectionKinds are the sections that scope directives; every other section
// is transparent (IfModule, IfVersion, RequireAll, ...) or ignored (Macro).
var sectionKinds = map[string]string{
	"virtualhost": "VirtualHost", "directory": "Directory", "directorymatch": "DirectoryMatch",
	"files": "Files", "filesmatch": "FilesMatch", "location": "Location", "locationmatch": "LocationMatch",
	"if": "If", "elseif": "ElseIf", "else": "Else", "proxy": "Proxy", "proxymatch": "ProxyMatch",
	"limit": "Limit", "limitexcept": "LimitExcept",
}

// build reads the section tree of cfg under a main-server section.
func (l *lowerer) build(cfg *Config, htaccess bool) *sec {
	main := &sec{kind: "server"}
	l.root = main
	main.scope = &model.Scope{Kind: "server", Label: "main", Role: model.RoleFile, Span: model.Span{File: cfg.Path, Line: 1, Col: 1}}
	l.layer = fileLayer(cfg.Directives)
	main.scope.Layer = l.layer
	l.all = append(l.all, main)
	l.file.Scopes = append(l.file.Scopes, main.scope)
	if htaccess {
		l.standalone = true
		ht := l.htaccessSec(cfg, filepath.Dir(absPath(cfg.Path)), main)
		ht.scope.Span = model.Span{File: cfg.Path, Line: 1, Col: 1}
		return main
	}
	l.fill(main, cfg.Directives)
	inheritServerName(main)
	return main
}

// inheritServerName gives a <VirtualHost> without a ServerName the main
// server's, as httpd does.
func inheritServerName(main *sec) {
	var name []string
	for _, d := range main.body {
		if d.Is("ServerName") && len(d.Args) > 0 {
			name = vhostNames(&Directive{Children: []*Directive{d}})
		}
	}
	if name == nil {
		return
	}
	for _, k := range main.kids {
		if k.kind != "VirtualHost" {
			continue
		}
		named := false
		for _, c := range k.d.Children {
			named = named || !c.Section && c.Is("ServerName")
		}
		if !named {
			k.scope.Hosts = append(append([]string(nil), name...), k.scope.Hosts...)
		}
	}
}

// htaccessSec adds a .htaccess file as a directory section of main.
func (l *lowerer) htaccessSec(cfg *Config, dir string, main *sec) *sec {
	s := &sec{kind: ".htaccess", parent: main, path: dir, ht: cfg}
	s.scope = &model.Scope{Kind: ".htaccess", Label: dir, Role: model.RoleSection, Parent: main.scope, Layer: l.layer, Span: model.Span{File: cfg.Path, Line: 1, Col: 1}}
	main.kids = append(main.kids, s)
	l.all = append(l.all, s)
	l.file.Scopes = append(l.file.Scopes, s.scope)
	l.fill(s, cfg.Directives)
	return s
}

// fill adds ds to s: directives to its body, sections as children.
func (l *lowerer) fill(s *sec, ds []*Directive) {
	for _, d := range ds {
		if d.Inactive {
			continue
		}
		if !d.Section {
			s.body = append(s.body, d)
			continue
		}
		lower := strings.ToLower(d.Name)
		kind, scoped := sectionKinds[lower]
		switch {
		case lower == "ifmodule":
			if !strings.HasPrefix(d.Arg(0), "!") {
				l.fill(s, d.Children)
			}
		case lower == "macro":
			// a template, applied only through Use
		case !scoped:
			l.fill(s, d.Children)
		default:
			c := &sec{kind: kind, d: d, parent: s}
			c.path, c.regex = sectionPath(d, kind)
			if kind == "Directory" && !c.regex {
				c.path = l.absDir(c.path)
			}
			c.scope = &model.Scope{Kind: kind, Label: d.ArgsText(), Role: roleOf(kind), Parent: s.scope, Layer: l.layer, Span: d.Span}
			c.scope.Match = sectionMatch(kind, c.path, c.regex)
			if kind == "VirtualHost" {
				c.scope.Label = vhostLabel(d)
				c.scope.Hosts, c.scope.Ports = vhostNames(d), vhostPorts(d)
			}
			c.never = neverMatches(c)
			c.scope.NeverMatches = c.never
			s.kids = append(s.kids, c)
			l.all = append(l.all, c)
			l.file.Scopes = append(l.file.Scopes, c.scope)
			l.fill(c, d.Children)
			if kind == "VirtualHost" && sslEngineOn(c.body) {
				c.scope.TLSPorts = c.scope.Ports
			}
			if kind == "Limit" || kind == "LimitExcept" {
				// Only access control depends on the method: every
				// other statement applies to all methods, where it is
				// written (httpd 2.4.71 sent a Header inside
				// <LimitExcept GET POST OPTIONS> to GET too).
				var keep []*Directive
				for _, b := range c.body {
					if b.Is("Require") {
						keep = append(keep, b)
					} else {
						s.body = append(s.body, b)
					}
				}
				c.body = keep
			}
		}
	}
}

func sectionPath(d *Directive, kind string) (string, bool) {
	regex := strings.HasSuffix(kind, "Match")
	if d.Arg(0) == "~" && len(d.Args) > 1 {
		return d.Arg(1), true
	}
	return d.Arg(0), regex
}

// absDir resolves a Directory or DocumentRoot path: relative paths are
// relative to ServerRoot.
func (l *lowerer) absDir(p string) string {
	if p == "" {
		return ""
	}
	if !filepath.IsAbs(p) {
		root := l.cfg.ServerRoot
		if root == "" {
			root = filepath.Dir(l.cfg.Path)
		}
		p = filepath.Join(absPath(root), p)
	}
	return filepath.Clean(p)
}

// roleOf is the role of a section kind in request processing.
func roleOf(kind string) model.Role {
	switch kind {
	case "VirtualHost":
		return model.RoleServer
	case "Location", "LocationMatch":
		return model.RoleRoute
	case "If", "ElseIf", "Else", "Limit", "LimitExcept":
		return model.RoleCondition
	}
	return model.RoleSection
}

// sectionMatch is the request path test of a <Location> or <Files>
// section; nil for the others, which the path reaches only through the
// file it maps to.
func sectionMatch(kind, p string, regex bool) *model.PathMatch {
	switch kind {
	case "Location", "LocationMatch":
		if regex {
			return &model.PathMatch{Kind: model.PathRegex, Pattern: p}
		}
		if strings.ContainsAny(p, "*?[") {
			// httpd matches a wildcard Location with fnmatch against the
			// whole path, * not crossing a slash
			return &model.PathMatch{Kind: model.PathRegex, Pattern: "^" + globRegex(p) + "$"}
		}
		// httpd's location walk: a path not ending in a slash matches
		// only up to a segment boundary
		return &model.PathMatch{Kind: model.PathPrefix, Pattern: p, Segment: true}
	case "Files", "FilesMatch":
		if regex {
			return &model.PathMatch{Kind: model.PathFileRegex, Pattern: p}
		}
		return &model.PathMatch{Kind: model.PathFileGlob, Pattern: p}
	}
	return nil
}

// globRegex turns an fnmatch pattern into a regex whose wildcards do not
// cross a slash.
func globRegex(p string) string {
	var b strings.Builder
	for i := 0; i < len(p); i++ {
		switch c := p[i]; c {
		case '*':
			b.WriteString("[^/]*")
		case '?':
			b.WriteString("[^/]")
		case '[':
			if j := strings.IndexByte(p[i:], ']'); j > 0 {
				b.WriteString(p[i : i+j+1])
				i += j
				continue
			}
			b.WriteString(`\[`)
		default:
			b.WriteString(regexp2.Escape(string(c)))
		}
	}
	return b.String()
}

// vhostNames lists the host names a <VirtualHost> answers: its ServerName
// (without scheme or port) and ServerAlias entries, as written.
func vhostNames(d *Directive) []string {
	var out []string
	for _, c := range d.Children {
		switch {
		case c.Section:
		case c.Is("ServerName") && len(c.Args) > 0:
			name := c.Arg(0)
			if i := strings.Index(name, "://"); i >= 0 {
				name = name[i+3:]
			}
			if i := strings.LastIndexByte(name, ':'); i >= 0 && !strings.HasSuffix(name, "]") {
				name = name[:i]
			}
			out = append([]string{name}, out...)
		case c.Is("ServerAlias"):
			for _, a := range c.Args {
				out = append(out, a.Value)
			}
		}
	}
	return out
}

// vhostPorts lists the ports of a <VirtualHost>'s addresses; empty when
// one of them names none (it then takes any port httpd listens on).
func vhostPorts(d *Directive) []int {
	var out []int
	for _, a := range d.Args {
		i := strings.LastIndexByte(a.Value, ':')
		if i < 0 || strings.HasSuffix(a.Value, "]") || a.Value[i+1:] == "*" {
			return nil
		}
		n, err := strconv.Atoi(a.Value[i+1:])
		if err != nil {
			return nil
		}
		out = append(out, n)
	}
	return out
}

// sslEngineOn reports whether the last SSLEngine of a section's own
// directives (<IfModule> already flattened) turns TLS on.
func sslEngineOn(body []*Directive) bool {
	on := false
	for _, d := range body {
		if d.Is("SSLEngine") && len(d.Args) > 0 {
			on = strings.EqualFold(d.Arg(0), "on")
		}
	}
	return on
}

func vhostLabel(d *Directive) string {
	for _, c := range d.Children {
		if !c.Section && c.Is("ServerName") && len(c.Args) > 0 {
			return c.Arg(0)
		}
	}
	return d.ArgsText()
}

// fileLayer is Proxy when the file proxies anywhere, else Origin.
func fileLayer(ds []*Directive) model.Layer {
	layer := model.Origin
	walkDirectives(ds, func(d *Directive, _ []*Directive) bool {
		switch {
		case d.Is("ProxyPass") && d.Arg(len(d.Args)-1) != "!" && len(d.Args) > 0,
			d.Is("ProxyPassMatch") && len(d.Args) > 1 && d.Arg(1) != "!",
			d.Is("RewriteRule") && rewriteProxies(d),
			d.Is("SetHandler") && strings.HasPrefix(strings.ToLower(d.Arg(0)), "proxy:"):
			layer = model.Proxy
		}
		return true
	})
	return layer
}

// finish orders the matchers as written.
func (l *lowerer) finish() {
	sort.SliceStable(l.file.Matchers, func(i, j int) bool { return l.file.Matchers[i].Span.Before(l.file.Matchers[j].Span) })
}

// register adds origin allowlists that gate a reflected origin to the
// file's matchers, once each, so CORS102-104 probe them.
func (l *lowerer) register(ms []*model.Matcher) {
	for _, m := range ms {
		if m != nil && !l.registered[m] {
			l.registered[m] = true
			l.file.Matchers = append(l.file.Matchers, m)
		}
	}
}

// ifGuards returns the origin allowlists of the <If> sections enclosing s
// (s included).
func ifGuards(s *sec) []*model.Matcher {
	var out []*model.Matcher
	for c := s; c != nil; c = c.parent {
		out = append(out, c.guards...)
	}
	return out
}
