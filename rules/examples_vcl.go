package rules

// vclExamples holds, per rule ID, the vcl example shown in the rule's
// documentation after the nginx one.
var vclExamples = map[string]docExample{
	"CORS001": {
		Title: "Varnish VCL", Lang: "vcl",
		Bad: `
sub vcl_deliver {
    set resp.http.Access-Control-Allow-Origin = "https://app.example.com"
}`,
		Good: `
sub vcl_deliver {
    set resp.http.Access-Control-Allow-Origin = "https://app.example.com";
}`,
		Note: "Plain strings end at their line and have no escapes, as in Varnish; `{\"...\"}` and `\"\"\"...\"\"\"` may span lines. Inline C (`C{ ... }C`) is skipped. VCL inside a varnishtest `.vtc` file (`-vcl {...}`, `-vcl+backend {...}`) is linted; `-errvcl` bodies are not.",
	},
	"CORS003": {
		Title: "Varnish VCL", Lang: "vcl",
		Bad: `
include "cors.vcl";   # no such file beside this one or the top file`,
		Good: `
include "./cors.vcl"; # "./" is relative to the including file`,
	},
	"CORS101": {
		Title: "Varnish VCL", Lang: "vcl",
		Bad: `
sub vcl_deliver {
    set resp.http.Access-Control-Allow-Origin = req.http.Origin;
    set resp.http.Access-Control-Allow-Credentials = "true";
}`,
		Good: `
sub vcl_deliver {
    if (req.http.Origin ~ "^https://(app|admin)\.example\.com$") {
        set resp.http.Access-Control-Allow-Origin = req.http.Origin;
        set resp.http.Access-Control-Allow-Credentials = "true";
    }
}`,
		Note: "A check in `vcl_recv` that saves the origin in a request header (`set req.http.X-Saved-Origin = req.http.Origin;` inside the `if`) guards what `vcl_deliver` later echoes from it.",
	},
	"CORS102": {
		Title: "Varnish VCL", Lang: "vcl",
		Bad: `
if (req.http.Origin ~ "example\.com$") {
    set resp.http.Access-Control-Allow-Origin = req.http.Origin;
}`,
		Good: `
if (req.http.Origin ~ "^https://(app|admin)\.example\.com$") {
    set resp.http.Access-Control-Allow-Origin = req.http.Origin;
}`,
		Note: "Varnish matches with PCRE2, case-sensitively unless the pattern starts with `(?i)`.",
	},
	"CORS103": {
		Title: "Varnish VCL", Lang: "vcl",
		Bad: `
if (req.http.Origin == "https://app.example.com" || req.http.Origin == "null") {
    set resp.http.Access-Control-Allow-Origin = req.http.Origin;
}`,
		Good: `
if (req.http.Origin == "https://app.example.com") {
    set resp.http.Access-Control-Allow-Origin = req.http.Origin;
}`,
	},
	"CORS104": {
		Title: "Varnish VCL", Lang: "vcl",
		Bad: `
set resp.http.Access-Control-Allow-Origin = "http://app.example.com";`,
		Good: `
set resp.http.Access-Control-Allow-Origin = "https://app.example.com";`,
	},
	"CORS105": {
		Title: "Varnish VCL", Lang: "vcl",
		Bad: `
set resp.http.Access-Control-Allow-Origin = "https://a.example.com, https://b.example.com";`,
		Good: `
if (req.http.Origin ~ "^https://(a|b)\.example\.com$") {
    set resp.http.Access-Control-Allow-Origin = req.http.Origin;
}`,
	},
	"CORS106": {
		Title: "Varnish VCL", Lang: "vcl",
		Bad: `
if (req.http.Origin == "https://partner.example.net") {
    set resp.http.Access-Control-Allow-Origin = req.http.Origin;
}`,
		Good: `
if (req.http.Origin == "https://app.example.com") {
    set resp.http.Access-Control-Allow-Origin = req.http.Origin;
}`,
	},
	"CORS201": {
		Title: "Varnish VCL", Lang: "vcl",
		Bad: `
set resp.http.Access-Control-Allow-Origin = "*";
set resp.http.Access-Control-Allow-Credentials = "true";`,
		Good: `
if (req.http.Origin ~ "^https://app\.example\.com$") {
    set resp.http.Access-Control-Allow-Origin = req.http.Origin;
    set resp.http.Access-Control-Allow-Credentials = "true";
}`,
	},
	"CORS202": {
		Title: "Varnish VCL", Lang: "vcl",
		Bad: `
set resp.http.Access-Control-Allow-Credentials = "True";`,
		Good: `
set resp.http.Access-Control-Allow-Credentials = "true";`,
	},
	"CORS203": {
		Title: "Varnish VCL", Lang: "vcl",
		Bad: `
set resp.http.Access-Control-Allow-Credentials = "true";
set resp.http.Access-Control-Allow-Headers = "*";`,
		Good: `
set resp.http.Access-Control-Allow-Credentials = "true";
set resp.http.Access-Control-Allow-Headers = "Content-Type, Authorization";`,
	},
	"CORS301": {
		Title: "Varnish VCL", Lang: "vcl",
		Bad: `
sub vcl_recv {
    if (req.method == "OPTIONS") { return (synth(204)); }
}
sub vcl_synth {
    if (resp.status == 204) {
        set resp.http.Access-Control-Allow-Origin = "https://app.example.com";
        set resp.http.Access-Control-Allow-Headers = "Content-Type";
        return (deliver);
    }
}
sub vcl_deliver {
    set resp.http.Access-Control-Allow-Methods = "GET, PUT, DELETE";
}`,
		Good: `
sub vcl_synth {
    if (resp.status == 204) {
        set resp.http.Access-Control-Allow-Origin = "https://app.example.com";
        set resp.http.Access-Control-Allow-Methods = "GET, PUT, DELETE";
        set resp.http.Access-Control-Allow-Headers = "Content-Type";
        return (deliver);
    }
}`,
	},
	"CORS302": {
		Title: "Varnish VCL", Lang: "vcl",
		Bad: `
sub vcl_synth {
    if (resp.status == 204) {
        set resp.http.Access-Control-Allow-Origin = "https://app.example.com";
        set resp.http.Access-Control-Allow-Methods = "GET, POST";
        return (deliver);
    }
}`,
		Good: `
sub vcl_synth {
    if (resp.status == 204) {
        set resp.http.Access-Control-Allow-Origin = "https://app.example.com";
        set resp.http.Access-Control-Allow-Methods = "GET, POST";
        set resp.http.Access-Control-Allow-Headers = "Content-Type, Authorization";
        return (deliver);
    }
}`,
	},
	"CORS303": {
		Title: "Varnish VCL", Lang: "vcl",
		Bad: `
sub vcl_recv {
    if (req.method != "GET" && req.method != "HEAD" && req.method != "PUT") {
        return (synth(405));
    }
}
sub vcl_deliver {
    set resp.http.Access-Control-Allow-Methods = "GET, PUT";
}`,
		Good: `
sub vcl_recv {
    if (req.method == "OPTIONS") {
        return (synth(204));
    }
    if (req.method != "GET" && req.method != "HEAD" && req.method != "PUT") {
        return (synth(405));
    }
}`,
		Note: "Without a `vcl_recv` of its own, Varnish's built-in one passes OPTIONS to the backend: headers that `vcl_deliver` adds then depend on the backend answering OPTIONS with 2xx.",
	},
	"CORS304": {
		Title: "Varnish VCL", Lang: "vcl",
		Bad: `
sub vcl_recv {
    if (req.method == "OPTIONS") { return (synth(204)); }
}
sub vcl_deliver {
    set resp.http.Access-Control-Allow-Origin = "https://app.example.com";
}`,
		Good: `
sub cors_origin {
    set resp.http.Access-Control-Allow-Origin = "https://app.example.com";
}
sub vcl_deliver { call cors_origin; }
sub vcl_synth { call cors_origin; }`,
		Note: "`vcl_deliver` runs for every response from the backend or the cache, of any status, but `return (synth(...))` goes to `vcl_synth` instead, so its headers are missing from synthetic preflight answers and errors.",
	},
	"CORS306": {
		Title: "Varnish VCL", Lang: "vcl",
		Bad: `
set resp.http.Access-Control-Max-Age = "1d";`,
		Good: `
set resp.http.Access-Control-Max-Age = "7200";`,
	},
	"CORS307": {
		Title: "Varnish VCL", Lang: "vcl",
		Bad: `
set resp.http.Access-Control-Allow-Methods = "GET POST PUT";`,
		Good: `
set resp.http.Access-Control-Allow-Methods = "GET, POST, PUT";`,
	},
	"CORS401": {
		Title: "Varnish VCL", Lang: "vcl",
		Bad: `
sub vcl_deliver {
    if (req.http.Origin ~ "^https://(app|admin)\.example\.com$") {
        set resp.http.Access-Control-Allow-Origin = req.http.Origin;
    }
}`,
		Good: `
sub vcl_deliver {
    if (req.http.Origin ~ "^https://(app|admin)\.example\.com$") {
        set resp.http.Access-Control-Allow-Origin = req.http.Origin;
    }
    if (resp.http.Vary) {
        set resp.http.Vary = resp.http.Vary + ", Origin";
    } else {
        set resp.http.Vary = "Origin";
    }
}`,
		Note: "A header set in `vcl_deliver` is computed per request, so the browser and caches after Varnish need the `Vary`; one set on `beresp` is stored, so Varnish's own cache needs it too (see CORS403).",
	},
	"CORS402": {
		Title: "Varnish VCL", Lang: "vcl",
		Bad: `
sub vcl_deliver {
    set resp.http.Vary = "Origin";
}`,
		Good: `
sub vcl_deliver {
    if (resp.http.Vary) {
        set resp.http.Vary = resp.http.Vary + ", Origin";
    } else {
        set resp.http.Vary = "Origin";
    }
}`,
		Note: "In `vcl_synth` there is no earlier `Vary` to lose, so `set` is fine there.",
	},
	"CORS403": {
		Title: "Varnish VCL", Lang: "vcl",
		Bad: `
sub vcl_deliver {
    set resp.http.Vary = "Origin";   # the backend echoes Origin
}`,
		Good: `
sub vcl_backend_response {
    if (beresp.http.Vary) {
        set beresp.http.Vary = beresp.http.Vary + ", Origin";
    } else {
        set beresp.http.Vary = "Origin";
    }
}`,
		Note: "Measured with Varnish 7.1 and Chromium: with the default VCL, or with `Vary` set only in `vcl_deliver`, the second origin got the first one's `Access-Control-Allow-Origin` from the cache; `Vary: Origin` from the backend or on `beresp`, or `hash_data(req.http.Origin)` in `vcl_hash`, gave each origin its own. corslint sees the backend when its configuration lies in the same directory as the VCL. Passing requests that carry an Origin (`return (pass)`), or replacing the header in `vcl_deliver` on every response, also avoids the problem.",
	},
	"CORS501": {
		Title: "Varnish VCL", Lang: "vcl",
		Bad: `
import header;
sub vcl_deliver {
    set resp.http.Access-Control-Allow-Origin = "https://app.example.com";
    header.append(resp.http.Access-Control-Allow-Origin, "https://app.example.com");
}`,
		Good: `
sub vcl_deliver {
    set resp.http.Access-Control-Allow-Origin = "https://app.example.com";
}`,
	},
	"CORS502": {
		Title: "Varnish VCL", Lang: "vcl",
		Bad: `
import header;
sub vcl_deliver {
    # the backend sends its own Access-Control-Allow-Origin
    header.append(resp.http.Access-Control-Allow-Origin, "https://app.example.com");
}`,
		Good: `
sub vcl_deliver {
    set resp.http.Access-Control-Allow-Origin = "https://app.example.com";
}`,
		Note: "`set` replaces whatever the backend sent, so Varnish never adds a second line that way.",
	},
}
