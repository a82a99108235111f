package apache

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// errRwVar is a mod_rewrite expansion the walk cannot follow: a value the
// configuration does not give (the client's address, the time, the query
// string) or a form it does not model (a lookahead, a RewriteMap).
var errRwVar = errors.New("not modelled")

// rwExpand is mod_rewrite's do_expand: in one pass, a backslash quotes
// the next character, $N is a group of the rule's pattern, %N one of
// the last RewriteCond that matched, %{NAME} a server variable; anything
// else stays as written. rule holds the rule's groups, file the current
// filename (REQUEST_FILENAME). It returns the request headers read that
// mod_rewrite adds to Vary when the condition holds.
func (ev *evalRun) rwExpand(s string, rule []string, file string) (string, []string, error) {
	if !strings.ContainsAny(s, `\$%`) {
		return s, nil, nil
	}
	var b strings.Builder
	var read []string
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\\' && i+1 < len(s):
			i++
			b.WriteByte(s[i])
		case (c == '$' || c == '%') && i+1 < len(s) && s[i+1] >= '0' && s[i+1] <= '9':
			n := int(s[i+1] - '0')
			groups := rule
			if c == '%' {
				groups = ev.condGroups
			}
			if n < len(groups) {
				b.WriteString(groups[n])
			}
			i++
		case c == '$' && i+1 < len(s) && s[i+1] == '{':
			return "", nil, fmt.Errorf("%w: RewriteMap lookup in %q", errRwVar, s)
		case c == '%' && i+1 < len(s) && s[i+1] == '{':
			end := closingCurly(s, i+2)
			if end < 0 {
				// no closing brace: mod_rewrite copies it as written
				b.WriteByte(c)
				continue
			}
			v, hdr, err := ev.rwVar(s[i+2:end], file)
			if err != nil {
				return "", nil, err
			}
			if hdr != "" && !containsFold(read, hdr) {
				read = append(read, hdr)
			}
			b.WriteString(v)
			i = end
		default:
			b.WriteByte(c)
		}
	}
	return b.String(), read, nil
}

// closingCurly is find_closing_curly: the index of the brace that closes
// the one before from, nested braces counted; -1 for none.
func closingCurly(s string, from int) int {
	depth := 1
	for j := from; j < len(s); j++ {
		switch s[j] {
		case '}':
			depth--
			if depth == 0 {
				return j
			}
		case '{':
			depth++
		}
	}
	return -1
}

// rwVar is mod_rewrite's lookup_variable for %{name}: its value and the
// request header it read, which lookup_header adds to Vary only when the
// request has it, and never for Host. Names httpd does not know expand to
// the empty string (%{HTTP_ORIGIN} too: only %{HTTP:Origin} reads that
// header).
func (ev *evalRun) rwVar(name, file string) (string, string, error) {
	header := func(h string) (string, string, error) {
		v, ok := reqHeader(ev.req, h)
		if !ok || strings.EqualFold(h, "Host") {
			return v, "", nil
		}
		return v, h, nil
	}
	if len(name) < 4 {
		return "", "", nil
	}
	switch {
	case name[3] == ':':
		switch {
		case len(name) > 4 && strings.EqualFold(name[:3], "ENV"):
			// notes, then the environment, then the process's own
			// environment, which holds none of the names a
			// configuration sets
			return ev.env[name[4:]], "", nil
		case len(name) > 4 && strings.EqualFold(name[:3], "SSL"):
			return "", "", fmt.Errorf("%w: %%{%s}", errRwVar, name)
		}
		return "", "", nil
	case name[4] == ':':
		switch {
		case len(name) == 5:
			return "", "", nil
		case strings.EqualFold(name[:4], "HTTP"):
			return header(name[5:])
		case strings.EqualFold(name[:4], "LA-U"), strings.EqualFold(name[:4], "LA-F"):
			return "", "", fmt.Errorf("%w: lookahead %%{%s}", errRwVar, name)
		}
		return "", "", nil
	}
	switch strings.ToUpper(name) {
	case "HTTP_HOST":
		return ev.hostHeader(), "", nil
	case "HTTP_ACCEPT":
		return header("Accept")
	case "HTTP_COOKIE":
		return header("Cookie")
	case "HTTP_REFERER":
		return header("Referer")
	case "HTTP_FORWARDED":
		return header("Forwarded")
	case "HTTP_USER_AGENT":
		return header("User-Agent")
	case "HTTP_PROXY_CONNECTION":
		return header("Proxy-Connection")
	case "REQUEST_URI":
		return ev.req.Path, "", nil
	case "REQUEST_METHOD":
		return ev.req.Method, "", nil
	case "REQUEST_FILENAME", "SCRIPT_FILENAME":
		return file, "", nil
	case "HTTPS":
		if ev.https {
			return "on", "", nil
		}
		return "off", "", nil
	case "REQUEST_SCHEME":
		if ev.https {
			return "https", "", nil
		}
		return "http", "", nil
	case "SERVER_NAME":
		// UseCanonicalName Off (the default): the request's host name
		if ev.canonicalName != "" {
			return ev.canonicalName, "", nil
		}
		return strings.ToLower(ev.req.Host), "", nil
	case "DOCUMENT_ROOT":
		return ev.docroot, "", nil
	case "IS_SUBREQ":
		return "false", "", nil
	case "TIME", "IPV6", "TIME_DAY", "TIME_SEC", "TIME_MIN", "TIME_MON", "TIME_WDAY", "TIME_YEAR", "TIME_HOUR",
		"PATH_INFO", "AUTH_TYPE", "REMOTE_ADDR", "SERVER_ADDR", "THE_REQUEST", "API_VERSION", "SERVER_PORT",
		"REMOTE_HOST", "REMOTE_PORT", "REMOTE_USER", "SCRIPT_USER", "SCRIPT_GROUP", "REMOTE_IDENT", "QUERY_STRING",
		"SERVER_ADMIN", "CONTEXT_PREFIX", "SERVER_PROTOCOL", "SERVER_SOFTWARE", "CONN_REMOTE_ADDR", "CONTEXT_DOCUMENT_ROOT":
		// the client, the clock, the query string, the build: nothing
		// the configuration gives
		return "", "", fmt.Errorf("%w: %%{%s}", errRwVar, name)
	}
	return "", "", nil
}

// hostHeader is the request's Host header: the one given, else the host
// the request names (the port is not part of it: a request on a
// non-default port that names it in Host is asked with that header).
func (ev *evalRun) hostHeader() string {
	if v, ok := reqHeader(ev.req, "Host"); ok {
		return v
	}
	return ev.req.Host
}

// serverVars reads what mod_rewrite's variables take from the server the
// request reached: whether its connection is TLS (SSLEngine on), its
// document root, and its ServerName under UseCanonicalName On.
func (ev *evalRun) serverVars(server []*esec, docroot string) {
	ev.docroot, ev.https, ev.canonicalName = docroot, false, ""
	canonical, name := false, ""
	for _, s := range server {
		if d, ok := lastArg(s.body, "SSLEngine"); ok {
			ev.https = strings.EqualFold(d.Arg(0), "on")
		}
		if d, ok := lastArg(s.body, "UseCanonicalName"); ok {
			canonical = !strings.EqualFold(d.Arg(0), "off")
			if strings.EqualFold(d.Arg(0), "dns") {
				ev.refuse("UseCanonicalName DNS is not modelled")
			}
		}
		if d, ok := lastArg(s.body, "ServerName"); ok {
			name = d.Arg(0)
		}
	}
	// ServerName's port, which a request without one in Host names
	ev.serverPort = ""
	if i := strings.LastIndexByte(name, ':'); i >= 0 {
		if _, err := strconv.Atoi(name[i+1:]); err == nil {
			ev.serverPort = name[i+1:]
		}
	}
	if canonical {
		// ServerName's host, without a scheme or port
		name = strings.TrimPrefix(strings.TrimPrefix(name, "https://"), "http://")
		if h, p, ok := strings.Cut(name, ":"); ok {
			if _, err := strconv.Atoi(p); err == nil {
				name = h
			}
		}
		if name == "" {
			ev.refuse("UseCanonicalName On without ServerName is not modelled")
		}
		ev.canonicalName = strings.ToLower(name)
	}
}
