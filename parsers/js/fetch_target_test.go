package js

import "testing"

func TestWorkerFetchTarget(t *testing.T) {
	for _, tc := range []struct{ fetch, want string }{
		{"fetch('https://Origin.example.com' + url.pathname, request)", "https://origin.example.com"},
		{"fetch(`https://origin.example.com:8443${url.pathname}`, request)", "https://origin.example.com:8443"},
		{"fetch(new Request('http://origin.example.com/api', request))", "http://origin.example.com"},
		{"fetch(url.toString(), request)", "https://api-origin.example.com"},
		{"fetch(request)", "the origin"},           // goes where it was addressed
		{"fetch(request.url)", "the origin"},       // the same
		{"fetch(env.ORIGIN + path)", "the origin"}, // known at run time only
	} {
		src := `export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    url.hostname = 'api-origin.example.com';
    const path = url.pathname;
    const upstream = await ` + tc.fetch + `;
    const response = new Response(upstream.body, upstream);
    response.headers.set('Access-Control-Allow-Origin', '*');
    return response;
  },
};
`
		f := lowerSrc(t, "worker.js", src)
		if len(f.Upstreams) != 1 {
			t.Fatalf("%s: %d upstreams, want 1", tc.fetch, len(f.Upstreams))
		}
		if got := f.Upstreams[0].Target; got != tc.want {
			t.Errorf("%s: target %q, want %q", tc.fetch, got, tc.want)
		}
	}
}
