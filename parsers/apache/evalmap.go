package apache

import (
	"fmt"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/corslint/corslint/model"
)

// aliasHit is the Alias or AliasMatch that mapped a request.
type aliasHit struct {
	file string // the file the request maps to
	fake string // the URL prefix, "" for AliasMatch
	real string // the directory it stands for
	// cgi is set for ScriptAlias and ScriptAliasMatch: the file is a
	// script that answers the request
	cgi bool
	at  model.Span // the statement
}

// alias is mod_alias's translate_name: the first Alias, AliasMatch,
// ScriptAlias or ScriptAliasMatch (one list, in the order written) of
// the virtual host, then of the main server, whose URL prefix (a whole
// segment, any run of slashes matching any other) or regex matches the
// path. A relative target is relative to ServerRoot.
func (ev *evalRun) alias(server, locs []*esec) (aliasHit, bool) {
	// try_alias first: the one-argument Alias of the <Location>s that
	// apply (the last), which maps the whole request to its target
	var local *Directive
	for _, l := range locs {
		for _, d := range l.body {
			if d.Is("Alias") && len(d.Args) == 1 {
				local = d
			}
		}
	}
	if local != nil {
		if strings.ContainsAny(local.Arg(0), "%$") {
			ev.refuse("Alias %q: an expression is not modelled", local.Arg(0))
			return aliasHit{}, false
		}
		return aliasHit{file: ev.absTarget(local.Arg(0)), at: local.Span}, true
	}
	for i := len(server) - 1; i >= 0; i-- {
		for _, d := range server[i].body {
			cgi := d.Is("ScriptAlias") || d.Is("ScriptAliasMatch")
			switch {
			case d.Is("Alias"), d.Is("ScriptAlias"):
				if len(d.Args) != 2 {
					ev.refuse("%s form is not modelled", d.Name)
					return aliasHit{}, false
				}
				if l := aliasMatches(ev.req.Path, d.Arg(0)); l > 0 {
					real := ev.absTarget(d.Arg(1))
					return aliasHit{file: real + ev.req.Path[l:], fake: d.Arg(0), real: real, cgi: cgi, at: d.Span}, true
				}
			case d.Is("AliasMatch"), d.Is("ScriptAliasMatch"):
				if len(d.Args) != 2 {
					ev.refuse("%s form is not modelled", d.Name)
					return aliasHit{}, false
				}
				re, err := ev.patterns().Compile(d.Arg(0), false)
				if err != nil {
					ev.refuse("AliasMatch %q: %v", d.Arg(0), err)
					return aliasHit{}, false
				}
				m, _ := re.FindStringMatch(ev.req.Path)
				if m == nil {
					continue
				}
				g := m.Groups()
				file := replaceDollarRefs(d.Arg(1), func(x string) string {
					n, _ := strconv.Atoi(x[1:])
					if n < len(g) {
						return g[n].String()
					}
					return ""
				})
				return aliasHit{file: ev.absTarget(file), cgi: cgi, at: d.Span}, true
			}
		}
	}
	return aliasHit{}, false
}

// absTarget resolves an Alias target as ap_server_root_relative does,
// keeping a trailing slash.
func (ev *evalRun) absTarget(p string) string {
	if strings.HasPrefix(p, "/") {
		return p
	}
	return strings.TrimSuffix(ev.cfgRoot, "/") + "/" + p
}

// aliasMatches is mod_alias's alias_matches: how many characters of uri
// the prefix fake covers, 0 for none.
func aliasMatches(uri, fake string) int {
	if fake == "" {
		return 0
	}
	u, a := 0, 0
	for a < len(fake) {
		if fake[a] == '/' {
			if u >= len(uri) || uri[u] != '/' {
				return 0
			}
			for a < len(fake) && fake[a] == '/' {
				a++
			}
			for u < len(uri) && uri[u] == '/' {
				u++
			}
			continue
		}
		if u >= len(uri) || uri[u] != fake[a] {
			return 0
		}
		u++
		a++
	}
	if fake[len(fake)-1] != '/' && u < len(uri) && uri[u] != '/' {
		return 0
	}
	return u
}

// proxySections are the <Proxy> and <ProxyMatch> sections that apply to a
// request proxied to target, in mod_proxy's proxy_walk order: the main
// server's, then the virtual host's, each as written. <Proxy> compares a
// prefix, or with a wildcard the whole URL by fnmatch (a star crosses
// slashes); <ProxyMatch> is a regex.
func (ev *evalRun) proxySections(server []*esec, target string) []*esec {
	var out []*esec
	for _, s := range server {
		for _, k := range s.kids {
			switch {
			case k.kind != "Proxy" && k.kind != "ProxyMatch":
				continue
			case k.re:
				if ev.patterns().Match(k.path, false, target) {
					out = append(out, k)
				}
			case strings.ContainsAny(k.path, "*?["):
				re, err := regexp.Compile("^" + fnmatchRegex(k.path) + "$")
				if err != nil {
					ev.refuse("<Proxy %s>: %v", k.path, err)
					return nil
				}
				if re.MatchString(target) {
					out = append(out, k)
				}
			case strings.HasPrefix(target, k.path):
				out = append(out, k)
			}
		}
	}
	return out
}

// fnmatchRegex turns an apr_fnmatch pattern without flags into a regex.
func fnmatchRegex(p string) string {
	var b strings.Builder
	for i := 0; i < len(p); i++ {
		switch c := p[i]; c {
		case '*':
			b.WriteString(".*")
		case '?':
			b.WriteString(".")
		case '[':
			j := strings.IndexByte(p[i:], ']')
			if j < 0 {
				b.WriteString(`\[`)
				continue
			}
			class := p[i+1 : i+j]
			if strings.HasPrefix(class, "!") {
				class = "^" + class[1:]
			}
			b.WriteString("[" + strings.ReplaceAll(class, `\`, `\\`) + "]")
			i += j
		default:
			b.WriteString(regexp.QuoteMeta(string(c)))
		}
	}
	return b.String()
}

// perDirRules finds the RewriteRules mod_rewrite's fixup runs for a
// request, merging the sections that hold a mod_rewrite statement in
// merge order as config_perdir_merge does: a section's own rules replace
// the merged ones, unless its options (its own RewriteOptions, else the
// merged ones, a server-context line included) say Inherit (its rules
// first) or InheritBefore (the inherited first), or the merged ones say
// InheritDown or InheritDownBefore and it does not say IgnoreInherit. A
// section without one leaves the merged rules alone. They run under the
// last RewriteEngine, a server-context one included: httpd sets the
// directories' base state from it too (httpd 2.4.71 ran a <Directory>'s
// rules under the virtual host's RewriteEngine On). It returns the rules
// with the RewriteBase of the last such section, and its prefix; ok is
// false when no rule runs.
func (ev *evalRun) perDirRules(chain []*esec) (ds []*Directive, perdir string, ok bool) {
	var last *esec
	var merged []*Directive
	var opts rwOptions
	on := false
	for _, s := range chain {
		own, sopts, set := []*Directive(nil), rwOptions{}, false
		for _, d := range s.body {
			if !isRewrite(d) {
				continue
			}
			name := strings.ToLower(d.Name)
			switch name {
			case "rewriteengine":
				on = strings.EqualFold(d.Arg(0), "on")
			case "rewriteoptions":
				o, err := parseRwOptions(d)
				if err != nil {
					ev.refuse("%v", err)
					return nil, "", false
				}
				sopts, set = sopts.or(o), true
			case "rewritebase", "rewriterule", "rewritecond":
				// a RewriteBase alone replaces the inherited rules too
				// (httpd 2.4.71 passed a file through untouched under a
				// <Directory> with only RewriteBase); the base is the
				// rules' own section's, never inherited (httpd 2.4.71)
				if name != "rewritebase" {
					own = append(own, d)
				}
			default:
				ev.refuse("%s in a directory is not modelled", d.Name)
				return nil, "", false
			}
		}
		if s.kind == "server" || s.kind == "VirtualHost" {
			// a server-context RewriteOptions sets the base directory
			// configuration's options as well; its rules are the
			// server's own, which no directory inherits
			if set {
				opts = sopts
			}
			continue
		}
		if !set && len(own) == 0 && !hasRewrite(s.body) {
			continue
		}
		last = s
		// conditions after a section's last rule belong to no rule
		for len(own) > 0 && own[len(own)-1].Is("RewriteCond") {
			own = own[:len(own)-1]
		}
		base := opts
		if set {
			opts = sopts
		}
		switch {
		case opts.inherit || base.inheritDown && !opts.ignore:
			merged = append(own, merged...)
		case opts.inheritBefore || base.inheritDownBefore && !opts.ignore:
			merged = append(append([]*Directive(nil), merged...), own...)
		default:
			merged = own
		}
	}
	if last == nil || !on || !slices.ContainsFunc(merged, func(d *Directive) bool { return d.Is("RewriteRule") }) {
		return nil, "", false
	}
	for _, d := range last.body {
		if d.Is("RewriteBase") {
			merged = append(merged, d)
		}
	}
	ds = merged
	switch {
	case last.kind == ".htaccess":
		return ds, strings.TrimSuffix(last.path, "/") + "/", true
	case last.kind == "Directory" && !last.re && !strings.ContainsAny(last.path, "*?["):
		return ds, strings.TrimSuffix(ev.absDir(last.path), "/") + "/", true
	case last.kind == "Location" && !last.re && !strings.ContainsAny(last.path, "*?["):
		// The section's path is the prefix, but it is a URL and the
		// rules see the filename: they match the whole of it, and a
		// relative substitution gets the path (httpd 2.4: a <Location
		// /sub/> rule to g-200.txt redirected to /sub/g-200.txt).
		return ds, strings.TrimSuffix(last.path, "/") + "/", true
	}
	// <DirectoryMatch>, <Files>, <LocationMatch>, <If>, <Proxy>: the
	// rules match the whole filename too ("proxy:" and the URL for a
	// proxied request); the prefix a relative substitution gets is the
	// section's argument as written, with a slash (httpd 2.4.71: 400 for
	// ^/srv/www/st.*/g-200.txt, f-200.txt/g-200.txt, a filename that is
	// no absolute path; 404 for /srv/www/st.*/g-200.txt, the URL
	// /st.*/g-200.txt below the DocumentRoot). A <Proxy>'s stands for a
	// prefix the walk does not follow, which no filename starts with.
	switch last.kind {
	case "Directory", "DirectoryMatch", "Location", "LocationMatch", "Files", "FilesMatch":
		if last.path != "" {
			return ds, strings.TrimSuffix(last.path, "/") + "/", true
		}
	case "If", "ElseIf", "Else":
		// no absolute path either (httpd 2.4.71 answered 400 for an
		// <If>'s relative substitution, in a virtual host and in a
		// <Directory>)
		return ds, last.kind + "/", true
	}
	return ds, noPrefix, true
}

// hasRewrite reports whether ds holds a mod_rewrite statement.
func hasRewrite(ds []*Directive) bool {
	return slices.ContainsFunc(ds, isRewrite)
}

// isRewrite reports whether d is a mod_rewrite statement (its name starts
// with Rewrite, in any case), without the copy a lowered name would cost
// on every walk.
func isRewrite(d *Directive) bool {
	return len(d.Name) >= len("rewrite") && strings.EqualFold(d.Name[:len("rewrite")], "rewrite")
}

// rwOptions are the RewriteOptions that decide how a section's rules
// merge with those above it.
type rwOptions struct {
	inherit, inheritBefore, inheritDown, inheritDownBefore, ignore bool
}

func (o rwOptions) or(p rwOptions) rwOptions {
	return rwOptions{o.inherit || p.inherit, o.inheritBefore || p.inheritBefore, o.inheritDown || p.inheritDown,
		o.inheritDownBefore || p.inheritDownBefore, o.ignore || p.ignore}
}

// parseRwOptions reads a RewriteOptions line; the options that change
// how a substitution is read (AllowNoSlash, AllowAnyURI, MergeBase,
// IgnoreContextInfo, LegacyPrefixDocRoot) are not followed.
func parseRwOptions(d *Directive) (rwOptions, error) {
	var o rwOptions
	for _, a := range d.Args {
		switch w := strings.ToLower(a.Value); {
		case w == "inherit":
			o.inherit = true
		case w == "inheritbefore":
			o.inheritBefore = true
		case w == "inheritdown":
			o.inheritDown = true
		case w == "inheritdownbefore":
			o.inheritDownBefore = true
		case w == "ignoreinherit":
			o.ignore = true
		case strings.HasPrefix(w, "maxredirects="):
			// ignored by httpd 2.4 (LimitInternalRecursion instead)
		default:
			return o, fmt.Errorf("RewriteOptions %s is not modelled", a.Value)
		}
	}
	return o, nil
}

// noPrefix is the per-directory prefix of a section whose own a relative
// substitution cannot use.
const noPrefix = "?"

// symlinksAllowed reports whether the Options of chain leave
// FollowSymLinks or SymLinksIfOwnerMatch on, without which mod_rewrite
// refuses a directory's rules with 403. httpd's default has
// FollowSymLinks.
func symlinksAllowed(chain []*esec) bool {
	on := map[string]bool{"followsymlinks": true}
	for _, s := range chain {
		for _, d := range s.body {
			if !d.Is("Options") {
				continue
			}
			relative := true
			for _, a := range d.Args {
				if !strings.HasPrefix(a.Value, "+") && !strings.HasPrefix(a.Value, "-") {
					relative = false
				}
			}
			if !relative {
				on = map[string]bool{}
			}
			for _, a := range d.Args {
				v := strings.ToLower(a.Value)
				switch {
				case v == "all":
					on["followsymlinks"] = true
				case v == "none":
					on = map[string]bool{}
				case strings.HasPrefix(v, "-"):
					delete(on, v[1:])
				default:
					on[strings.TrimPrefix(v, "+")] = true
				}
			}
		}
	}
	return on["followsymlinks"] || on["symlinksifownermatch"]
}

// baseURI is mod_rewrite's subst_prefix_path: a filename inside the
// rules' directory gets the RewriteBase, with one slash, in place of the
// directory; any other stays as it is.
func baseURI(file, perdir, base string) (string, bool) {
	dir := strings.TrimSuffix(perdir, "/")
	if !strings.HasPrefix(file, dir+"/") {
		return "", false
	}
	return strings.TrimSuffix(base, "/") + "/" + file[len(dir)+1:], true
}

// redirectURI turns the filename a directory's rewrite made into the URL
// of mod_rewrite's internal redirect: without the document root, or for
// a directory an Alias maps, with the Alias's prefix in place of its
// target.
func redirectURI(file, docroot string, hit aliasHit) string {
	if docroot != "" && strings.HasPrefix(file, strings.TrimSuffix(docroot, "/")+"/") {
		return file[len(strings.TrimSuffix(docroot, "/")):]
	}
	if hit.fake != "" && strings.HasPrefix(file, hit.real) {
		return path.Clean(hit.fake + "/" + file[len(hit.real):])
	}
	return file
}

// scriptAnswer is the answer of the CGI script a ScriptAlias maps the
// request to. The script answers every method, OPTIONS too (httpd 2.4
// with mod_cgi or mod_cgid), so it stands where an upstream stands: its
// status and lines are the request's upstream ones. mod_cgi puts the
// script's header lines in err_headers_out, the always table, so a plain
// Header set does not replace them and adds a second line, while Header
// always set does; before mod_headers' filter runs, mod_cgi has put every
// request header in the environment as HTTP_*.
// vary is what mod_rewrite and <If> put in headers_out's Vary before.
func (ev *evalRun) scriptAnswer(res Result, chain []*esec, hit aliasHit, vary []string) Result {
	r := ev.req
	res.Source, res.By = model.FromUpstream, hit.at
	st := r.UpstreamStatus
	if r.Method == "OPTIONS" {
		st = r.UpstreamOptionsStatus
		if st == 0 {
			res.Unknown = fmt.Sprintf("OPTIONS goes to the script %s, which answers it itself, with what the configuration does not show (pass --upstream-options-status)", hit.file)
		}
	} else if st == 0 {
		st = 200
	}
	res.Status = st
	var t tables
	for _, v := range vary {
		t.out = mergeLine(t.out, "Vary", v, model.Span{})
	}
	for _, h := range r.UpstreamHeaders {
		t.err = append(t.err, Line{Name: model.CanonicalName(h[0]), Value: h[1], Upstream: true})
	}
	for _, h := range r.Headers {
		name := strings.ToUpper(h[0])
		switch name {
		case "CONTENT-TYPE", "CONTENT-LENGTH", "AUTHORIZATION", "PROXY-AUTHORIZATION":
			// CONTENT_TYPE and CONTENT_LENGTH instead; the credentials
			// are withheld without CGIPassAuth
			continue
		}
		ev.env["HTTP_"+cgiName(name)] = h[1]
	}
	ev.applyTables(&t, chain, true)
	res.Lines = t.sent()
	return ev.done(res)
}

// cgiName is a header name as ap_add_common_vars' http2env writes it:
// every character but a letter or digit becomes '_'.
func cgiName(name string) string {
	b := []byte(name)
	for i, c := range b {
		if !(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			b[i] = '_'
		}
	}
	return string(b)
}
