package model

import "strings"

// VaryNamesOrigin reports whether a Vary value makes a cache keep one
// variant per Origin: it lists Origin, or * (which no cache reuses).
func VaryNamesOrigin(v string) bool {
	for _, it := range strings.Split(v, ",") {
		it = strings.TrimSpace(it)
		if strings.EqualFold(it, "origin") || it == "*" {
			return true
		}
	}
	return false
}

// VariesOnOrigin reports whether r carries a Vary header, from a statement
// that adds one, whose value can name Origin (or *).
func (r *Response) VariesOnOrigin() bool {
	for _, op := range r.Ops(Vary) {
		if op.Op == Unset || op.Op == Hide {
			continue
		}
		for p := range op.Value.All() {
			switch p.Kind {
			case Literal, Wildcard, Null:
				if VaryNamesOrigin(p.Text) {
					return true
				}
			}
		}
	}
	return false
}

// SeparatesOrigins reports whether the cache keeps what it stores for one
// origin away from another: Origin is in its key, or the stored object says
// Vary: Origin.
func (c *Cache) SeparatesOrigins() bool {
	return c.KeyHasOrigin || c.StoredVaryOrigin
}

// NotShared reports whether a response tells shared caches not to store
// it: Cache-Control private, no-store or no-cache, or a Set-Cookie (which
// Varnish and nginx do not cache by default).
func (r *Response) NotShared() bool {
	for _, op := range r.Headers {
		if op.Op == Unset || op.Op == Hide {
			continue
		}
		if op.Name == "Set-Cookie" {
			return true
		}
		if op.Name != "Cache-Control" {
			continue
		}
		for p := range op.Value.All() {
			if p.Kind != Literal {
				continue
			}
			if KeepsOutOfSharedCaches(p.Text) {
				return true
			}
		}
	}
	return false
}

// KeepsOutOfSharedCaches reports whether a Cache-Control value tells
// shared caches not to store the response: private, no-store or no-cache.
func KeepsOutOfSharedCaches(cacheControl string) bool {
	for _, it := range strings.Split(cacheControl, ",") {
		it = strings.ToLower(strings.TrimSpace(it))
		if it == "private" || it == "no-store" || it == "no-cache" || strings.HasPrefix(it, "private=") || strings.HasPrefix(it, "no-cache=") {
			return true
		}
	}
	return false
}
