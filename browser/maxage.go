package browser

// Preflight cache lifetimes, in seconds.
const (
	// DefaultMaxAge is what Chromium uses without a usable
	// Access-Control-Max-Age (preflight_result.cc kDefaultTimeout).
	DefaultMaxAge = 5
	// ChromiumMaxAgeCap is Chromium's ceiling (kMaxTimeout, 2 hours).
	ChromiumMaxAgeCap = 7200
)

// MaxAge returns how long Chromium caches a preflight result for an
// Access-Control-Max-Age value, as ParseAccessControlMaxAge in
// services/network/cors/preflight_result.cc: a decimal integer (a leading
// sign allowed, as base::StringToInt64 allows it), negative meaning 0
// (not cached), capped at 7200. ok is false when Chromium cannot parse the
// value (empty, absent, "1.5", "1d", "600, 600" from two fields, out of
// int64 range) and falls back to DefaultMaxAge. CORS306 reads values with
// it, so the rule and the simulation cannot disagree.
func MaxAge(value string) (chromium int, ok bool) {
	n, ok := parseInt64(trimOWS(value))
	switch {
	case !ok:
		return DefaultMaxAge, false
	case n < 0:
		return 0, true
	case n >= ChromiumMaxAgeCap:
		return ChromiumMaxAgeCap, true
	}
	return int(n), true
}

// parseInt64 is base::StringToInt64: optional '-' or '+', then one or more
// digits, nothing else; false on overflow.
func parseInt64(s string) (int64, bool) {
	neg := false
	if s != "" && (s[0] == '-' || s[0] == '+') {
		neg = s[0] == '-'
		s = s[1:]
	}
	if s == "" {
		return 0, false
	}
	var n int64
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		d := int64(c - '0')
		if neg {
			if n < (-1<<63+d)/10 {
				return 0, false
			}
			n = n*10 - d
		} else {
			if n > (1<<63-1-d)/10 {
				return 0, false
			}
			n = n*10 + d
		}
	}
	return n, true
}

// trimOWS trims the spaces and tabs Chromium's header parser strips.
func trimOWS(s string) string {
	for s != "" && (s[0] == ' ' || s[0] == '\t') {
		s = s[1:]
	}
	for s != "" && (s[len(s)-1] == ' ' || s[len(s)-1] == '\t') {
		s = s[:len(s)-1]
	}
	return s
}
