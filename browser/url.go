package browser

import (
	"net/url"
	"strconv"
	"strings"
)

// defaultPorts are the special schemes' default ports, which origins and
// Chromium's canonical URLs leave out.
var defaultPorts = map[string]string{"http": "80", "https": "443", "ws": "80", "wss": "443", "ftp": "21"}

// splitURL returns the lowercased scheme, host and port of an absolute
// URL (port "" when default or absent).
func splitURL(raw string) (scheme, host, port string) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return "", "", ""
	}
	return urlParts(u)
}

// urlParts is splitURL of a parsed URL.
func urlParts(u *url.URL) (scheme, host, port string) {
	if u.Scheme == "" {
		return "", "", ""
	}
	scheme = strings.ToLower(u.Scheme)
	host = strings.ToLower(u.Hostname())
	port = u.Port()
	if port == defaultPorts[scheme] {
		port = ""
	}
	return scheme, host, port
}

// displayURL approximates GURL's canonical spelling, which Chromium prints:
// lowercase scheme and host, no default port, "/" for an empty path, no
// fragment (the network request has none). Anything that does not parse is
// printed as given.
func displayURL(raw string) string {
	display, _, _, _ := splitDisplayURL(raw)
	return display
}

// splitDisplayURL is displayURL and splitURL of raw, parsed once: every
// request the evaluator sends is prepared this way.
func splitDisplayURL(raw string) (display, scheme, host, port string) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return raw, "", "", ""
	}
	scheme, host, port = urlParts(u)
	if u.Scheme == "" || u.Host == "" {
		return raw, scheme, host, port
	}
	return canonicalURL(u, scheme, host, port), scheme, host, port
}

// canonicalURL spells u as displayURL does, from its split parts.
func canonicalURL(u *url.URL, scheme, host, port string) string {
	var b strings.Builder
	b.WriteString(scheme + "://")
	if u.User != nil {
		b.WriteString(u.User.String() + "@")
	}
	if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	b.WriteString(host)
	if port != "" {
		b.WriteString(":" + port)
	}
	path := u.EscapedPath()
	if path == "" {
		path = "/"
	}
	b.WriteString(path)
	if u.RawQuery != "" || u.ForceQuery {
		b.WriteString("?" + u.RawQuery)
	}
	return b.String()
}

// sameOrigin reports whether the target URL, split, has the page's
// origin; such requests are not CORS requests (cors.cc ShouldCheckCors).
func sameOrigin(ts, th, tp, origin string) bool {
	if origin == "null" {
		return false
	}
	os, oh, op := splitURL(origin)
	return ts != "" && ts == os && th == oh && tp == op
}

// gurlValid approximates GURL::is_valid for a would-be origin, which
// CheckAccess uses only to choose between "contains the invalid value" and
// "not equal to the supplied origin". A scheme is required ("example.com"
// is invalid, "localhost:3000" is a valid URL with scheme "localhost");
// special schemes need a host and a port that fits in 16 bits.
func gurlValid(s string) bool {
	// GURL trims leading and trailing C0 controls and spaces.
	s = strings.TrimFunc(s, func(r rune) bool { return r <= 0x20 })
	colon := strings.IndexByte(s, ':')
	if colon <= 0 {
		return false
	}
	scheme := strings.ToLower(s[:colon])
	for i := 0; i < len(scheme); i++ {
		c := scheme[i]
		letter := c >= 'a' && c <= 'z'
		if i == 0 && !letter || !letter && !(c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.') {
			return false
		}
	}
	if _, special := defaultPorts[scheme]; !special {
		// file: and non-special schemes parse almost anything.
		return true
	}
	rest := strings.TrimLeft(s[colon+1:], `/\`)
	if end := strings.IndexAny(rest, `/\?#`); end >= 0 {
		rest = rest[:end]
	}
	if at := strings.LastIndexByte(rest, '@'); at >= 0 {
		rest = rest[at+1:]
	}
	host, port := rest, ""
	if strings.HasPrefix(host, "[") {
		end := strings.IndexByte(host, ']')
		if end < 0 {
			return false
		}
		host, port = host[:end+1], host[end+1:]
		if port != "" && port[0] != ':' {
			return false
		}
		port = strings.TrimPrefix(port, ":")
	} else if c := strings.LastIndexByte(host, ':'); c >= 0 {
		host, port = host[:c], host[c+1:]
	}
	if host == "" || strings.ContainsAny(host, " <>^|\x7f") || !validPercent(host) ||
		strings.ContainsFunc(host, func(r rune) bool { return r < 0x20 }) {
		return false
	}
	if port != "" {
		n, err := strconv.Atoi(port)
		if err != nil || n < 0 || n > 65535 || strings.TrimLeft(port, "0123456789") != "" {
			return false
		}
	}
	return true
}

// validPercent reports whether every "%" in s starts a %XX escape.
func validPercent(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] != '%' {
			continue
		}
		if i+2 >= len(s) || !isHex(s[i+1]) || !isHex(s[i+2]) {
			return false
		}
	}
	return true
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

func itoa(n int) string { return strconv.Itoa(n) }
