package browser

import (
	"encoding/binary"
	"math/bits"
	"strings"
)

// When several request headers are not allowed, Chromium names the first one
// in the order of network::ResourceRequest::headers, and that order is the
// iteration order of Blink's HTTPHeaderMap: a WTF HashMap keyed with
// CaseFoldingHash. PopulateResourceRequest
// (third_party/blink/renderer/platform/loader/fetch/url_loader/request_conversion.cc)
// copies it entry by entry. So to name the same header we rebuild that hash
// table.
//
// What goes into it, in order: the page's headers, sorted case-insensitively
// (FetchHeaderList is a multimap with that order, and fetch_manager.cc adds
// them one by one), then User-Agent, then, when the target URL is
// potentially trustworthy, the client hints sec-ch-ua, sec-ch-ua-mobile and
// sec-ch-ua-platform that Blink adds before the request leaves the renderer.
// This was measured against Chromium 156: the order of 28 header sets on the
// wire (1 to 65 headers) and the header named in console messages matched
// this model exactly; see TestChromiumHeaderOrder and TestChromium.

// chromiumHeaderOrder returns names (lowercase, distinct) in the order
// Chromium's CORS header check visits them.
func chromiumHeaderOrder(names []string, trustworthyTarget bool) []string {
	var t wtfTable
	sorted := sortedUnique(names)
	for _, n := range sorted {
		t.insert(n)
	}
	t.insert("user-agent")
	if trustworthyTarget {
		for _, n := range [...]string{"sec-ch-ua", "sec-ch-ua-mobile", "sec-ch-ua-platform"} {
			t.insert(n)
		}
	}
	isAuthor := make(map[string]bool, len(sorted))
	for _, n := range sorted {
		isAuthor[n] = true
	}
	out := make([]string, 0, len(sorted))
	for _, n := range t.buckets {
		if isAuthor[n] {
			out = append(out, n)
		}
	}
	return out
}

// wtfTable is the shape of WTF::HashTable
// (third_party/blink/renderer/platform/wtf/hash_table.h): open addressing
// with quadratic probing (i += ++probe_count), a minimum size of 8, doubling
// when key_count * 2 >= table_size, and a rehash that reinserts in bucket
// order. Keys are distinct and never erased here.
type wtfTable struct {
	buckets []string // "" is an empty bucket
	count   int
}

func (t *wtfTable) insert(key string) {
	if t.buckets == nil {
		t.buckets = make([]string, 8)
	}
	place(t.buckets, key)
	t.count++
	if t.count*2 >= len(t.buckets) {
		old := t.buckets
		t.buckets = make([]string, 2*len(old))
		for _, k := range old {
			if k != "" {
				place(t.buckets, k)
			}
		}
	}
}

func place(buckets []string, key string) {
	mask := uint32(len(buckets) - 1)
	i := caseFoldingHash(key) & mask
	for probe := uint32(1); buckets[i] != ""; probe++ {
		i = (i + probe) & mask
	}
	buckets[i] = key
}

// caseFoldingHash is WTF::CaseFoldingHash for an ASCII string: rapidhash
// over the case-folded string widened to UTF-16 (CaseFoldingHashReader has
// kExpansionFactor 2), cut to 24 bits by StringHasher::MaskTop8Bits.
func caseFoldingHash(s string) uint32 {
	s = strings.ToLower(s)
	wide := make([]byte, 2*len(s))
	for i := 0; i < len(s); i++ {
		wide[2*i] = s[i]
	}
	h := rapidhash(wide) & (1<<24 - 1)
	if h == 0 {
		h = 0x80000000 >> 8
	}
	return uint32(h)
}

// rapidhash is third_party/rapidhash/rapidhash.h with Chromium's default seed
// and secrets. The one place Chromium's reader differs from plain bytes is
// ReadSmall for a single UTF-16 unit: CaseFoldingHashReader returns just the
// folded character.
func rapidhash(p []byte) uint64 {
	secret := [3]uint64{0x2d358dccaa6c78a5, 0x8bb84b93962eacc9, 0x4b33a62ed433d4a3}
	mix := func(a, b uint64) uint64 {
		hi, lo := bits.Mul64(a, b)
		return hi ^ lo
	}
	r64 := func(b []byte) uint64 { return binary.LittleEndian.Uint64(b) }
	r32 := func(b []byte) uint64 { return uint64(binary.LittleEndian.Uint32(b)) }

	n := uint64(len(p))
	seed := uint64(0xbdd89aa982704029)
	seed ^= mix(seed^secret[0], secret[1]) ^ n
	var a, b uint64
	switch {
	case n > 16:
		i, q := n, p
		if i > 48 {
			see1, see2 := seed, seed
			for i >= 48 {
				seed = mix(r64(q)^secret[0], r64(q[8:])^seed)
				see1 = mix(r64(q[16:])^secret[1], r64(q[24:])^see1)
				see2 = mix(r64(q[32:])^secret[2], r64(q[40:])^see2)
				q, i = q[48:], i-48
			}
			seed ^= see1 ^ see2
		}
		if i > 16 {
			seed = mix(r64(q)^secret[2], r64(q[8:])^seed^secret[1])
			if i > 32 {
				seed = mix(r64(q[16:])^secret[2], r64(q[24:])^seed)
			}
		}
		// The last 16 bytes, which may reach back before q.
		a, b = r64(p[n-16:]), r64(p[n-8:])
	case n >= 4:
		delta := (n & 24) >> (n >> 3)
		a = r32(p)<<32 | r32(p[n-4:])
		b = r32(p[delta:])<<32 | r32(p[n-4-delta:])
	case n > 0:
		a = uint64(p[0]) // CaseFoldingHashReader::ReadSmall
	}
	a ^= secret[1]
	b ^= seed
	hi, lo := bits.Mul64(a, b)
	return mix(lo^secret[0]^n, hi^secret[1])
}

// trustworthy approximates network::IsUrlPotentiallyTrustworthy for the
// target, split: https and wss, and loopback hosts.
func trustworthy(scheme, host string) bool {
	switch scheme {
	case "https", "wss":
		return true
	case "http", "ws":
		return host == "localhost" || strings.HasSuffix(host, ".localhost") ||
			strings.HasPrefix(host, "127.") || host == "::1"
	}
	return false
}
