package serverside

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"strings"

	"github.com/corslint/corslint/model"
)

// FileKind is what a path names on the machine a server runs on.
type FileKind uint8

// File kinds.
const (
	FileUnknown FileKind = iota // cannot be known from here
	FileMissing
	FileRegular
	FileDir
)

// Files tells what paths name on the machine the server runs on, for the
// server's own file handler.
type Files interface {
	Kind(name string) FileKind
}

// OSFiles looks at this machine's filesystem: what `check` sees when it
// runs where the server does.
type OSFiles struct{}

// Kind stats name.
func (OSFiles) Kind(name string) FileKind {
	st, err := os.Stat(name)
	switch {
	case err == nil && st.IsDir():
		return FileDir
	case err == nil && st.Mode().IsRegular():
		return FileRegular
	case errors.Is(err, fs.ErrNotExist):
		return FileMissing
	}
	return FileUnknown
}

// maxRedirects is nginx's limit on internal redirects of one request
// (NGX_HTTP_MAX_URI_CHANGES); past it, nginx answers 500.
const maxRedirects = 10

// nginxStatic is the response of nginx's own content handlers (static,
// index) in scope, for a request no response of the model answers: a
// location without a handler of its own, or no location at all.
func nginxStatic(scope *model.Scope) *model.Response {
	r := &model.Response{Route: scope, Scope: scope, Source: model.FromHandler, Headers: scope.Effective, Span: scope.Span}
	for _, ep := range scope.ErrorPages {
		r.ErrorPages = append(r.ErrorPages, ep.Codes...)
	}
	return r
}

// nginxFile decides what nginx's static and index modules answer in the
// response's scope: 405 to a method other than GET, HEAD and POST; for a
// path ending in a slash an internal redirect to the first index file that
// exists (next), else 403 for an existing directory or 404; for a file 200,
// or 405 to POST; 301 for a directory; 404 for nothing. Without a file
// lookup it answers what the request says the path answers (--status).
func (e *evaluator) nginxFile(r *model.Response, a *Answer) (status int, source model.Source, next string) {
	if e.method != "GET" && e.method != "HEAD" && e.method != "POST" {
		return 405, model.FromServer, ""
	}
	kind := FileUnknown
	name := ""
	if e.req.Files != nil {
		name, kind = e.lookup(r.Scope.Static)
	}
	if kind == FileUnknown {
		if e.req.Files != nil {
			a.Notes = append(a.Notes, fmt.Sprintf("whether %s exists as a file is not known here; taken as --status says", e.path))
		}
		status = 200
		if e.req.UpstreamStatus != 0 {
			status = e.req.UpstreamStatus
		}
		if e.newURI != "" && e.req.UpstreamStatusFor != nil {
			// an error page's own file: what the request says that path
			// answers, not the status that sent it there
			status = e.req.UpstreamStatusFor(e.newURI)
		}
		if status >= 300 {
			return status, model.FromServer, ""
		}
		if e.method == "POST" {
			return 405, model.FromServer, ""
		}
		return status, model.FromHandler, ""
	}
	if strings.HasSuffix(e.path, "/") {
		for _, idx := range r.Scope.Static.Index {
			if strings.HasPrefix(idx, "/") {
				return 0, model.FromServer, idx // an absolute index is always tried last and taken
			}
			if e.req.Files.Kind(name+idx) == FileRegular {
				return 0, model.FromServer, e.path + idx
			}
		}
		if kind == FileDir {
			return 403, model.FromServer, ""
		}
		return 404, model.FromServer, ""
	}
	switch kind {
	case FileDir:
		return 301, model.FromServer, ""
	case FileRegular:
		if e.method == "POST" {
			return 405, model.FromServer, ""
		}
		return 200, model.FromHandler, ""
	}
	return 404, model.FromServer, ""
}

// lookup maps the request path to a file name under st and says what it
// is; FileUnknown when the root is not an absolute directory that exists
// here.
func (e *evaluator) lookup(st *model.Static) (string, FileKind) {
	if st == nil || !strings.HasPrefix(st.Root, "/") || strings.Contains(st.Root, "$") {
		return "", FileUnknown
	}
	if e.req.Files.Kind(st.Root) != FileDir {
		return "", FileUnknown
	}
	p := e.path
	if st.Alias {
		if !strings.HasPrefix(p, st.Prefix) {
			return "", FileUnknown
		}
		p = "/" + strings.TrimPrefix(p[len(st.Prefix):], "/")
	}
	p, err := unescapePath(p)
	if err != nil {
		return "", FileUnknown
	}
	name := strings.TrimSuffix(st.Root, "/") + p
	if strings.HasSuffix(p, "/") {
		return name, e.req.Files.Kind(strings.TrimSuffix(name, "/"))
	}
	return name, e.req.Files.Kind(path.Clean(name))
}

// unescapePath decodes %XX in a request path the way nginx does before
// looking for a file.
func unescapePath(p string) (string, error) {
	if !strings.Contains(p, "%") {
		return p, nil
	}
	var b strings.Builder
	for i := 0; i < len(p); i++ {
		if p[i] != '%' {
			b.WriteByte(p[i])
			continue
		}
		if i+2 >= len(p) || unhex(p[i+1]) < 0 || unhex(p[i+2]) < 0 {
			return "", fmt.Errorf("bad escape in %q", p)
		}
		b.WriteByte(byte(unhex(p[i+1])<<4 | unhex(p[i+2])))
		i += 2
	}
	return b.String(), nil
}

func unhex(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'a' && c <= 'f':
		return int(c-'a') + 10
	case c >= 'A' && c <= 'F':
		return int(c-'A') + 10
	}
	return -1
}

// internalRedirect answers a as nginx does after an internal redirect to
// uri (an index file): the location search starts again.
func (e *evaluator) internalRedirect(stack []*model.File, a *Answer, uri string) {
	e.redirects++
	if e.redirects > maxRedirects {
		a.Status = 500
		a.Notes = append(a.Notes, "more than 10 internal redirects: nginx answers 500")
		return
	}
	e.path = uri
	*a = Answer{Method: a.Method, Notes: a.Notes, Undecidable: a.Undecidable, upstreamOptions: a.upstreamOptions}
	e.layer(stack, a)
}

// nginxErrorPage follows the error_page that replaces status in the
// response's scope, if any, and reports whether it answered a: a URI is
// an internal redirect with the method changed to GET (HEAD stays), a
// named location keeps the method, anything else redirects the client.
// The client gets the error's own status, or the target's with "=", or
// the one after "=", unless the target itself fails; the headers are the
// target's, for the status the client gets. With recursive_error_pages
// off (the default) an error page's own errors are not replaced again.
func (e *evaluator) nginxErrorPage(stack []*model.File, r *model.Response, status int, a *Answer) bool {
	if e.errStatus != 0 || status < 300 {
		return false
	}
	applies := false
	for _, c := range r.ErrorPages {
		applies = applies || c == status
	}
	if !applies || r.Scope == nil {
		return false
	}
	var ep *model.ErrorPage
	for _, p := range r.Scope.ErrorPages {
		if p.For(status) {
			ep = p
			break
		}
	}
	if ep == nil {
		return false
	}
	sub := *e
	sub.errStatus, sub.overwrite = status, ep.Overwrite
	target := ep.Target
	switch {
	case strings.HasPrefix(target, "@"):
		named := namedLocation(stack[0], r.VirtualServer(), target)
		if named == nil {
			return false
		}
		sub.forced = named
	case strings.HasPrefix(target, "/"):
		if i := strings.IndexByte(target, '?'); i >= 0 {
			target = target[:i]
		}
		sub.path = target
		sub.newURI = target
		if sub.method != "HEAD" {
			sub.method = "GET"
		}
	default:
		return false // a redirect to a URL: the current scope answers it
	}
	na := &Answer{Method: a.Method}
	sub.layer(stack, na)
	route := a.Route
	*a = Answer{Method: a.Method, Status: na.Status, Headers: na.Headers, By: na.By,
		Notes: append(a.Notes, na.Notes...), Undecidable: append(a.Undecidable, na.Undecidable...),
		Route: route + " > error_page " + ep.Target + " > " + na.Route, upstreamOptions: na.upstreamOptions}
	return true
}

// errorStatus is the status the client gets when an error page answers:
// the target's own error or redirect (a status it produces itself),
// else the one error_page says.
func (e *evaluator) errorStatus(r *model.Response, status int, source model.Source) int {
	if status >= 300 && source == model.FromServer && !r.Direct {
		return status
	}
	switch {
	case e.overwrite > 0:
		return e.overwrite
	case e.overwrite < 0:
		return e.errStatus
	}
	return status
}

// namedLocation finds location @name in server (or anywhere in f when
// server is nil).
func namedLocation(f *model.File, server *model.Scope, name string) *model.Scope {
	for _, s := range f.Scopes {
		if s.Role == model.RoleRoute && s.Match != nil && s.Match.Named && s.Match.Pattern == name &&
			(server == nil || isAncestor(server, s)) {
			return s
		}
	}
	return nil
}

// denied reports whether limit_except refuses the request's method in
// r's route.
func (e *evaluator) denied(r *model.Response) bool {
	for _, m := range r.Denied {
		if strings.EqualFold(m, e.method) {
			return true
		}
	}
	return false
}

// autoRedirects reports whether location s is proxied by a *_pass
// directive of its own: a request for its name without the final slash
// then gets a 301 to it (ngx_http_core_find_static_location).
func autoRedirects(f *model.File, s *model.Scope) bool {
	if !strings.HasSuffix(s.Match.Pattern, "/") {
		return false
	}
	for _, r := range f.Responses {
		if r.Route == s && r.Scope == s && r.Upstream != nil && strings.HasSuffix(r.Upstream.Directive, "_pass") {
			return true
		}
	}
	return false
}

// nginxFindConfig is what nginx answers once it has chosen the location,
// before the location's own rewrite phase: a 301 to the path with a slash
// (auto redirect), or 404 for an internal location reached from outside.
func (e *evaluator) nginxFindConfig(route *model.Scope) *model.Response {
	status := 0
	switch {
	case e.autoRedirect:
		status = 301
	case route.Internal && e.errStatus == 0 && e.redirects == 0:
		status = 404
	default:
		return nil
	}
	r := &model.Response{Route: route, Scope: route, Source: model.FromServer, Status: status, Headers: route.Effective, Span: route.Span}
	for _, ep := range route.ErrorPages {
		r.ErrorPages = append(r.ErrorPages, ep.Codes...)
	}
	e.early = r
	return r
}

// beforeRewrite reports whether r is answered before the location's
// rewrite phase runs its set and if: limit_except refusing the method, an
// auto redirect, an internal location.
func (e *evaluator) beforeRewrite(r *model.Response) bool {
	return e.denied(r) || r == e.early
}

// locationScope is the location a route is (or is in), or nil at server
// level.
func locationScope(route *model.Scope) *model.Scope {
	for s := route; s != nil; s = s.Parent {
		switch s.Role {
		case model.RoleRoute:
			return s
		case model.RoleServer:
			return nil
		}
	}
	return nil
}
