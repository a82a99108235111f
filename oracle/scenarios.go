// Package oracle checks what real servers (nginx, Apache httpd, Varnish)
// send and what a real browser (Chromium) makes of it, so that the
// linter's model of CORS is held to measured behaviour rather than to the
// specifications alone.
//
// The scenario list and its expectations live in this file without a build
// tag so other packages can compare their predictions with them. Running
// the scenarios needs the servers and Chromium installed and the build tag
// "oracle":
//
//	go test -tags oracle ./oracle/
package oracle

import (
	"fmt"
	"strings"
	"text/template"
)

// Request is the fetch() the page makes against the server under test.
type Request struct {
	Path        string
	Method      string // "" means GET
	Headers     map[string]string
	Credentials bool // credentials: 'include', with a cookie set first
}

// Header is one header line as sent; Wire keeps them in order, repeats
// included, because a duplicated Access-Control-Allow-Origin is itself a
// verdict-changing fact.
type Header struct {
	Name  string
	Value string
}

// Wire is one response as the server put it on the wire.
type Wire struct {
	Status  int
	Headers []Header
}

// Values returns every value of the named header (case-insensitive), in
// wire order.
func (w *Wire) Values(name string) []string {
	var vs []string
	for _, h := range w.Headers {
		if strings.EqualFold(h.Name, name) {
			vs = append(vs, h.Value)
		}
	}
	return vs
}

func (w *Wire) String() string {
	if w == nil {
		return "(not sent)"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%d", w.Status)
	for _, h := range w.Headers {
		fmt.Fprintf(&b, "\n    %s: %s", h.Name, h.Value)
	}
	return b.String()
}

// Observation is what one scenario run produced.
type Observation struct {
	Preflight *Wire // nil when no preflight was sent
	Actual    *Wire // nil when the browser never sent it
	Allowed   bool
	Console   string // the exact Chromium CORS message, "" when allowed
}

// UpstreamOptions configures the Go upstream that proxied cases talk to.
type UpstreamOptions struct {
	// ReflectOrigin makes the upstream echo the request's Origin into its
	// own Access-Control-Allow-Origin.
	ReflectOrigin bool
	// ACAO, when set and ReflectOrigin is not, is sent as the upstream's
	// own Access-Control-Allow-Origin (a template, like Config).
	ACAO string
	// Vary, when set, is sent as the upstream's Vary header.
	Vary string
	// Cacheable adds Cache-Control: max-age=60 so Varnish stores responses.
	Cacheable bool
}

// WireFacts are the facts about one response that a scenario pins down.
type WireFacts struct {
	Status int // 0: not checked
	// Headers maps a header name to all its values in wire order (values
	// are templates). A listed name with no values means the header must
	// be absent; names not listed are not checked.
	Headers map[string][]string
}

// Expect is the measured outcome from oracle-facts.md.
type Expect struct {
	Allowed bool
	// Console is the exact Chromium message, a template over Vars
	// ({{.URL}}, {{.Origin}}, {{.PageOrigin}}, {{.PrimeOrigin}}).
	Console   string
	Preflight *WireFacts // nil: no preflight reaches the server
	Actual    *WireFacts // nil: the browser never sends the request
}

// Scenario is one measured case: a server config, a fetch, and what
// happened.
type Scenario struct {
	Name   string
	Server string // "nginx", "apache", "varnish", "express", "fastify", "koa", "hono", "workerd"
	// Config is the server's configuration, or for the Node frameworks
	// and workerd the application's JavaScript; a template over Vars.
	Config string
	// AppFile is the file name a Node framework's Config is written
	// under: "" means app.js; a .ts name is compiled to .js and run.
	AppFile  string
	Upstream UpstreamOptions
	// UpstreamApp, when set, is an Express application (a template over
	// Vars) run with node as the upstream instead of the Go one.
	UpstreamApp string
	Request     Request
	// PrimeFrom is an origin that requests the same URL first (Varnish:
	// the cache then holds that origin's response).
	PrimeFrom string
	// Trusted: the fetch comes from the page origin the config trusts
	// ({{.PageOrigin}}); otherwise from a second, untrusted page origin.
	Trusted bool
	// LookAlike, when set, is the host name of the untrusted page instead
	// of 127.0.0.1: a name under .localhost, which Chromium resolves to
	// loopback itself, made to pass a careless allowlist.
	LookAlike string
	// Files are written under {{.Dir}} before the server starts (name ->
	// template), e.g. a document root or an .htaccess.
	Files map[string]string
	// Source names the oracle-facts.md row the scenario reproduces.
	Source string
	Expect Expect
}

// Vars are the values templates see; they are only known once ports are
// allocated.
type Vars struct {
	Port         int    // the server under test
	Upstream     string // host:port of the Go upstream
	UpstreamHost string
	UpstreamPort int
	Dir          string // the run's temp dir
	PageOrigin   string // the trusted page origin
	PageOriginRE string // PageOrigin quoted for a regular expression
	URL          string // the URL the page fetched
	Origin       string // the origin the page fetched from
	PrimeOrigin  string // Scenario.PrimeFrom
}

// Expand renders a template over v.
func Expand(text string, v Vars) (string, error) {
	tpl, err := template.New("").Option("missingkey=error").Parse(text)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	if err := tpl.Execute(&b, v); err != nil {
		return "", err
	}
	return b.String(), nil
}

// Check compares an observation with the scenario's expectation and
// returns one line per difference.
func (s Scenario) Check(obs Observation, v Vars) []string {
	var diffs []string
	if obs.Allowed != s.Expect.Allowed {
		diffs = append(diffs, fmt.Sprintf("allowed: want %v, got %v", s.Expect.Allowed, obs.Allowed))
	}
	console, err := Expand(s.Expect.Console, v)
	if err != nil {
		diffs = append(diffs, fmt.Sprintf("console template: %v", err))
	} else if console != obs.Console {
		diffs = append(diffs, fmt.Sprintf("console:\n  want %q\n  got  %q", console, obs.Console))
	}
	diffs = append(diffs, checkWire("preflight", s.Expect.Preflight, obs.Preflight, v)...)
	diffs = append(diffs, checkWire("actual", s.Expect.Actual, obs.Actual, v)...)
	return diffs
}

func checkWire(what string, want *WireFacts, got *Wire, v Vars) []string {
	switch {
	case want == nil && got == nil:
		return nil
	case want == nil:
		return []string{fmt.Sprintf("%s: want none sent, got %d", what, got.Status)}
	case got == nil:
		return []string{fmt.Sprintf("%s: want one sent, got none", what)}
	}
	var diffs []string
	if want.Status != 0 && want.Status != got.Status {
		diffs = append(diffs, fmt.Sprintf("%s status: want %d, got %d", what, want.Status, got.Status))
	}
	for name, tvals := range want.Headers {
		wvals := make([]string, 0, len(tvals))
		for _, tv := range tvals {
			ev, err := Expand(tv, v)
			if err != nil {
				diffs = append(diffs, fmt.Sprintf("%s %s template: %v", what, name, err))
				continue
			}
			wvals = append(wvals, ev)
		}
		gvals := got.Values(name)
		if strings.Join(wvals, "\x00") != strings.Join(gvals, "\x00") || len(wvals) != len(gvals) {
			diffs = append(diffs, fmt.Sprintf("%s %s: want %q, got %q", what, name, wvals, gvals))
		}
	}
	return diffs
}

// Describe renders the expectation for printing next to an observation.
func (e Expect) Describe(v Vars) string {
	var b strings.Builder
	console, _ := Expand(e.Console, v)
	fmt.Fprintf(&b, "allowed=%v\n  console: %q", e.Allowed, console)
	for _, p := range []struct {
		what string
		f    *WireFacts
	}{{"preflight", e.Preflight}, {"actual", e.Actual}} {
		if p.f == nil {
			fmt.Fprintf(&b, "\n  %s: (not sent)", p.what)
			continue
		}
		fmt.Fprintf(&b, "\n  %s: status %d", p.what, p.f.Status)
		for name, vals := range p.f.Headers {
			var ev []string
			for _, tv := range vals {
				s, _ := Expand(tv, v)
				ev = append(ev, s)
			}
			fmt.Fprintf(&b, "\n    %s: %q", name, ev)
		}
	}
	return b.String()
}

// Describe renders an observation for printing.
func (o Observation) Describe() string {
	return fmt.Sprintf("allowed=%v\n  console: %q\n  preflight: %s\n  actual: %s",
		o.Allowed, o.Console, o.Preflight.String(), o.Actual.String())
}

// Header names and Chromium's message parts, spelled once.
const (
	acao = "Access-Control-Allow-Origin"
	acac = "Access-Control-Allow-Credentials"
	acam = "Access-Control-Allow-Methods"
	acah = "Access-Control-Allow-Headers"
	acma = "Access-Control-Max-Age"

	consolePrefix   = "Access to fetch at '{{.URL}}' from origin '{{.Origin}}' has been blocked by CORS policy: "
	preflightPrefix = "Response to preflight request doesn't pass access control check: "

	reasonWildcard    = "The value of the 'Access-Control-Allow-Origin' header in the response must not be the wildcard '*' when the request's credentials mode is 'include'."
	reasonNoACAO      = "No 'Access-Control-Allow-Origin' header is present on the requested resource."
	reasonAuthHeader  = "Request header field authorization is not allowed by Access-Control-Allow-Headers in preflight response."
	reasonNotOK       = "It does not have HTTP ok status."
	reasonMultipleFmt = "The 'Access-Control-Allow-Origin' header contains multiple values '%s', but only one is allowed. Have the server send the header with a valid value."
	reasonNotEqualFmt = "The 'Access-Control-Allow-Origin' header has a value '%s' that is not equal to the supplied origin. Have the server send the header with a valid value."
)

func blocked(reason string) string          { return consolePrefix + reason }
func blockedPreflight(reason string) string { return consolePrefix + preflightPrefix + reason }

// The fixed parts of each server's config: where its pid, logs and temp
// files go, so that every run is self-contained under {{.Dir}}.
const nginxHead = `worker_processes 1;
pid {{.Dir}}/nginx.pid;
error_log {{.Dir}}/error.log;
events { worker_connections 64; }
http {
    access_log off;
    client_body_temp_path {{.Dir}}/client_body_temp;
    proxy_temp_path {{.Dir}}/proxy_temp;
    fastcgi_temp_path {{.Dir}}/fastcgi_temp;
    uwsgi_temp_path {{.Dir}}/uwsgi_temp;
    scgi_temp_path {{.Dir}}/scgi_temp;
`

const apacheHead = `ServerRoot "{{.Dir}}"
ServerName 127.0.0.1
Listen 127.0.0.1:{{.Port}}
LoadModule mpm_event_module /usr/lib/apache2/modules/mod_mpm_event.so
# Without authz_core, httpd answers every request that reaches a handler
# with 500 "couldn't check user"; it is not built in.
LoadModule authz_core_module /usr/lib/apache2/modules/mod_authz_core.so
LoadModule headers_module /usr/lib/apache2/modules/mod_headers.so
LoadModule rewrite_module /usr/lib/apache2/modules/mod_rewrite.so
LoadModule setenvif_module /usr/lib/apache2/modules/mod_setenvif.so
LoadModule proxy_module /usr/lib/apache2/modules/mod_proxy.so
LoadModule proxy_http_module /usr/lib/apache2/modules/mod_proxy_http.so
User www-data
Group www-data
PidFile {{.Dir}}/httpd.pid
DefaultRuntimeDir {{.Dir}}
ErrorLog {{.Dir}}/error.log
LogLevel warn
StartServers 1
ThreadsPerChild 10
MinSpareThreads 5
MaxSpareThreads 20
MaxRequestWorkers 20
`

const varnishHead = `vcl 4.1;

backend default {
    .host = "{{.UpstreamHost}}";
    .port = "{{.UpstreamPort}}";
}
`

func nginxConfig(body string) string  { return nginxHead + body + "}\n" }
func apacheConfig(body string) string { return apacheHead + body }
func varnishVCL(body string) string   { return varnishHead + body }

const staticJSON = `{"static": true}` + "\n"

// Scenarios returns every case of oracle-facts.md §1–§3 with its measured
// outcome. It builds a fresh list each call so callers may modify it.
func Scenarios() []Scenario {
	var all []Scenario
	all = append(all, nginxScenarios()...)
	all = append(all, apacheScenarios()...)
	all = append(all, varnishScenarios()...)
	all = append(all, routingScenarios()...)
	return all
}

// routingScenarios pin down which configuration answers a request: the
// virtual server chosen by Host, ProxyPass only under its own path, and a
// .htaccess read together with its virtual host.
func routingScenarios() []Scenario {
	www := map[string]string{"www/data.json": staticJSON}
	htaccess := func(body string) map[string]string {
		return map[string]string{"www/data.json": staticJSON, "www/.htaccess": body}
	}
	proxyBesideStatic := apacheConfig(`<VirtualHost 127.0.0.1:{{.Port}}>
    DocumentRoot "{{.Dir}}/www"
    <Directory "{{.Dir}}/www">
        Header always set Access-Control-Allow-Origin "{{.PageOrigin}}"
        Header always set Access-Control-Allow-Headers "X-Requested-With"
    </Directory>
    ProxyPass "/api/" "http://{{.Upstream}}/"
</VirtualHost>
`)
	return []Scenario{
		{
			Name:   "apache/vhost-by-host",
			Source: "§2 two name-based <VirtualHost>s on one address: the one whose ServerName is the Host answers",
			Server: "apache",
			Config: apacheConfig(`<VirtualHost 127.0.0.1:{{.Port}}>
    ServerName other.invalid
    DocumentRoot "{{.Dir}}/www"
    Header set Access-Control-Allow-Origin "https://other.invalid"
</VirtualHost>
<VirtualHost 127.0.0.1:{{.Port}}>
    ServerName 127.0.0.1
    DocumentRoot "{{.Dir}}/www"
    Header set Access-Control-Allow-Origin "{{.PageOrigin}}"
</VirtualHost>
`),
			Files:   www,
			Request: Request{Path: "/data.json"},
			Trusted: true,
			Expect: Expect{
				Allowed: true,
				Actual:  &WireFacts{Status: 200, Headers: map[string][]string{acao: {"{{.PageOrigin}}"}}},
			},
		},
		{
			Name:   "apache/vhost-default-first",
			Source: "§2 two name-based <VirtualHost>s, neither names the Host: the first one answers",
			Server: "apache",
			Config: apacheConfig(`<VirtualHost 127.0.0.1:{{.Port}}>
    ServerName first.invalid
    DocumentRoot "{{.Dir}}/www"
    Header set Access-Control-Allow-Origin "https://first.invalid"
</VirtualHost>
<VirtualHost 127.0.0.1:{{.Port}}>
    ServerName second.invalid
    DocumentRoot "{{.Dir}}/www"
    Header set Access-Control-Allow-Origin "{{.PageOrigin}}"
</VirtualHost>
`),
			Files:   www,
			Request: Request{Path: "/data.json"},
			Trusted: true,
			Expect: Expect{
				Console: blocked(fmt.Sprintf(reasonNotEqualFmt, "https://first.invalid")),
				Actual:  &WireFacts{Status: 200, Headers: map[string][]string{acao: {"https://first.invalid"}}},
			},
		},
		{
			Name:   "nginx/default-server-by-host",
			Source: "§1 two servers, neither names the Host: the default_server answers, not the first",
			Server: "nginx",
			Config: nginxConfig(`    server {
        listen 127.0.0.1:{{.Port}};
        server_name first.invalid;
        location / {
            add_header Access-Control-Allow-Origin "https://first.invalid";
            proxy_pass http://{{.Upstream}};
        }
    }
    server {
        listen 127.0.0.1:{{.Port}} default_server;
        server_name second.invalid;
        location / {
            add_header Access-Control-Allow-Origin "{{.PageOrigin}}";
            proxy_pass http://{{.Upstream}};
        }
    }
`),
			Request: Request{Path: "/api/data"},
			Trusted: true,
			Expect: Expect{
				Allowed: true,
				Actual:  &WireFacts{Status: 200, Headers: map[string][]string{acao: {"{{.PageOrigin}}"}}},
			},
		},
		{
			Name:    "apache/proxypass-beside-static",
			Source:  "§2 ProxyPass /api/ beside a DocumentRoot: a static file gets httpd's own OPTIONS answer and the <Directory> headers",
			Server:  "apache",
			Config:  proxyBesideStatic,
			Files:   www,
			Request: Request{Path: "/data.json", Headers: map[string]string{"X-Requested-With": "fetch"}},
			Trusted: true,
			Expect: Expect{
				Allowed:   true,
				Preflight: &WireFacts{Status: 200, Headers: map[string][]string{acao: {"{{.PageOrigin}}"}}},
				Actual:    &WireFacts{Status: 200, Headers: map[string][]string{acao: {"{{.PageOrigin}}"}}},
			},
		},
		{
			Name:    "apache/proxypass-skips-directory",
			Source:  "§2 ProxyPass /api/ beside a DocumentRoot: a proxied path gets no <Directory> headers",
			Server:  "apache",
			Config:  proxyBesideStatic,
			Files:   www,
			Request: Request{Path: "/api/data"},
			Trusted: true,
			Expect: Expect{
				Console: blocked(reasonNoACAO),
				Actual:  &WireFacts{Status: 200, Headers: map[string][]string{acao: nil}},
			},
		},
		{
			Name:   "apache/location-segment-boundary",
			Source: "§2 <Location /ap> does not apply to /api/data: httpd matches a path without a trailing slash only up to a segment boundary",
			Server: "apache",
			Config: apacheConfig(`<VirtualHost 127.0.0.1:{{.Port}}>
    <Location "/api">
        Header set Access-Control-Allow-Origin "{{.PageOrigin}}"
    </Location>
    <Location "/ap">
        Header set Access-Control-Allow-Origin "https://other.invalid"
    </Location>
    ProxyPass "/" "http://{{.Upstream}}/"
</VirtualHost>
`),
			Request: Request{Path: "/api/data"},
			Trusted: true,
			Expect: Expect{
				Allowed: true,
				Actual:  &WireFacts{Status: 200, Headers: map[string][]string{acao: {"{{.PageOrigin}}"}}},
			},
		},
		{
			Name:   "apache/htaccess-sets-acao",
			Source: "§2 vhost with AllowOverride All + .htaccess Header set ACAO: the .htaccess answers",
			Server: "apache",
			Config: apacheConfig(`<VirtualHost 127.0.0.1:{{.Port}}>
    DocumentRoot "{{.Dir}}/www"
    <Directory "{{.Dir}}/www">
        AllowOverride All
    </Directory>
</VirtualHost>
`),
			Files:   htaccess(`Header set Access-Control-Allow-Origin "{{.PageOrigin}}"` + "\n"),
			Request: Request{Path: "/data.json"},
			Trusted: true,
			Expect: Expect{
				Allowed: true,
				Actual:  &WireFacts{Status: 200, Headers: map[string][]string{acao: {"{{.PageOrigin}}"}}},
			},
		},
		{
			Name:   "apache/htaccess-allowoverride-all-duplicates",
			Source: "§2 vhost Header always set ACAO + .htaccess Header set ACAO with AllowOverride All: two values",
			Server: "apache",
			Config: apacheConfig(`<VirtualHost 127.0.0.1:{{.Port}}>
    DocumentRoot "{{.Dir}}/www"
    <Directory "{{.Dir}}/www">
        AllowOverride All
    </Directory>
    Header always set Access-Control-Allow-Origin "{{.PageOrigin}}"
</VirtualHost>
`),
			Files:   htaccess(`Header set Access-Control-Allow-Origin "{{.PageOrigin}}"` + "\n"),
			Request: Request{Path: "/data.json"},
			Trusted: true,
			Expect: Expect{
				Console: blocked(fmt.Sprintf(reasonMultipleFmt, "{{.Origin}}, {{.Origin}}")),
				Actual:  &WireFacts{Status: 200, Headers: map[string][]string{acao: {"{{.PageOrigin}}", "{{.PageOrigin}}"}}},
			},
		},
	}
}

func nginxScenarios() []Scenario {
	reflectCredentials := nginxConfig(`    server {
        listen 127.0.0.1:{{.Port}};
        location / {
            add_header Access-Control-Allow-Origin $http_origin;
            add_header Access-Control-Allow-Credentials "true";
            proxy_pass http://{{.Upstream}};
        }
    }
`)
	noAlways := nginxConfig(`    server {
        listen 127.0.0.1:{{.Port}};
        location / {
            add_header Access-Control-Allow-Origin "{{.PageOrigin}}";
            proxy_pass http://{{.Upstream}};
        }
    }
`)
	serverLevel := nginxConfig(`    server {
        listen 127.0.0.1:{{.Port}};
        add_header Access-Control-Allow-Origin "{{.PageOrigin}}";
        location /api/ {
            add_header X-Other "1";
            proxy_pass http://{{.Upstream}};
        }
        location / {
            proxy_pass http://{{.Upstream}};
        }
    }
`)
	allowlist := nginxConfig(`    map $http_origin $cors_allow_origin {
        default "";
        "{{.PageOrigin}}" $http_origin;
    }
    server {
        listen 127.0.0.1:{{.Port}};
        location / {
            add_header Access-Control-Allow-Origin $cors_allow_origin always;
            add_header Access-Control-Allow-Credentials "true" always;
            add_header Access-Control-Allow-Methods "GET, POST, PUT, DELETE" always;
            add_header Access-Control-Allow-Headers "Authorization, Content-Type" always;
            add_header Access-Control-Max-Age "600" always;
            add_header Vary "Origin" always;
            if ($request_method = OPTIONS) {
                return 204;
            }
            proxy_pass http://{{.Upstream}};
        }
    }
`)
	allowlistRequest := Request{
		Path:        "/api/data",
		Method:      "PUT",
		Headers:     map[string]string{"Content-Type": "application/json", "Authorization": "Bearer t"},
		Credentials: true,
	}
	authRequest := Request{Path: "/api/data", Headers: map[string]string{"Authorization": "Bearer t"}}

	return []Scenario{
		{
			Name:   "nginx/wildcard-with-credentials",
			Source: "§1 add_header ACAO * + ACAC true, credentials: 'include'",
			Server: "nginx",
			Config: nginxConfig(`    server {
        listen 127.0.0.1:{{.Port}};
        location / {
            add_header Access-Control-Allow-Origin "*";
            add_header Access-Control-Allow-Credentials "true";
            proxy_pass http://{{.Upstream}};
        }
    }
`),
			Request: Request{Path: "/api/data", Credentials: true},
			Trusted: true,
			Expect: Expect{
				Console: blocked(reasonWildcard),
				Actual:  &WireFacts{Status: 200, Headers: map[string][]string{acao: {"*"}, acac: {"true"}}},
			},
		},
		{
			Name:   "nginx/wildcard-with-credentials-put",
			Source: "§1 add_header ACAO * + ACAC true, credentials: 'include', PUT",
			Server: "nginx",
			Config: nginxConfig(`    server {
        listen 127.0.0.1:{{.Port}};
        location / {
            add_header Access-Control-Allow-Origin "*";
            add_header Access-Control-Allow-Credentials "true";
            add_header Access-Control-Allow-Methods "GET, PUT";
            if ($request_method = OPTIONS) {
                return 204;
            }
            proxy_pass http://{{.Upstream}};
        }
    }
`),
			Request: Request{Path: "/api/data", Method: "PUT", Credentials: true},
			Trusted: true,
			Expect: Expect{
				Console:   blockedPreflight(reasonWildcard),
				Preflight: &WireFacts{Status: 204, Headers: map[string][]string{acao: {"*"}, acac: {"true"}}},
			},
		},
		{
			Name:    "nginx/reflect-origin-with-credentials",
			Source:  "§1 ACAO $http_origin + ACAC true, no allowlist (trusted page)",
			Server:  "nginx",
			Config:  reflectCredentials,
			Request: Request{Path: "/api/data", Credentials: true},
			Trusted: true,
			Expect: Expect{
				Allowed: true,
				Actual:  &WireFacts{Status: 200, Headers: map[string][]string{acao: {"{{.Origin}}"}, acac: {"true"}}},
			},
		},
		{
			Name:    "nginx/reflect-origin-with-credentials-untrusted",
			Source:  "§1 ACAO $http_origin + ACAC true, no allowlist (untrusted page reads the credentialed response)",
			Server:  "nginx",
			Config:  reflectCredentials,
			Request: Request{Path: "/api/data", Credentials: true},
			Expect: Expect{
				Allowed: true,
				Actual:  &WireFacts{Status: 200, Headers: map[string][]string{acao: {"{{.Origin}}"}, acac: {"true"}}},
			},
		},
		{
			Name:   "nginx/preflight-without-allow-headers",
			Source: "§1 preflight without Allow-Headers, request sends Authorization",
			Server: "nginx",
			Config: nginxConfig(`    server {
        listen 127.0.0.1:{{.Port}};
        location / {
            if ($request_method = OPTIONS) {
                add_header Access-Control-Allow-Origin "{{.PageOrigin}}";
                add_header Access-Control-Allow-Methods "GET, POST, PUT";
                return 204;
            }
            add_header Access-Control-Allow-Origin "{{.PageOrigin}}";
            proxy_pass http://{{.Upstream}};
        }
    }
`),
			Request: authRequest,
			Trusted: true,
			Expect: Expect{
				Console: blocked(reasonAuthHeader),
				Preflight: &WireFacts{Status: 204, Headers: map[string][]string{
					acao: {"{{.PageOrigin}}"}, acam: {"GET, POST, PUT"}, acah: nil,
				}},
			},
		},
		{
			Name:    "nginx/add-header-without-always-500",
			Source:  "§1 add_header without always, upstream answers 500",
			Server:  "nginx",
			Config:  noAlways,
			Request: Request{Path: "/status/500"},
			Trusted: true,
			Expect: Expect{
				Console: blocked(reasonNoACAO),
				Actual:  &WireFacts{Status: 500, Headers: map[string][]string{acao: nil}},
			},
		},
		{
			Name:    "nginx/add-header-without-always-404",
			Source:  "§1 add_header without always, upstream answers 404",
			Server:  "nginx",
			Config:  noAlways,
			Request: Request{Path: "/status/404"},
			Trusted: true,
			Expect: Expect{
				Console: blocked(reasonNoACAO),
				Actual:  &WireFacts{Status: 404, Headers: map[string][]string{acao: nil}},
			},
		},
		{
			Name:   "nginx/add-header-always-500",
			Source: "§1 add_header with always, upstream answers 500: JS reads the 500",
			Server: "nginx",
			Config: nginxConfig(`    server {
        listen 127.0.0.1:{{.Port}};
        location / {
            add_header Access-Control-Allow-Origin "{{.PageOrigin}}" always;
            proxy_pass http://{{.Upstream}};
        }
    }
`),
			Request: Request{Path: "/status/500"},
			Trusted: true,
			Expect: Expect{
				Allowed: true,
				Actual:  &WireFacts{Status: 500, Headers: map[string][]string{acao: {"{{.PageOrigin}}"}}},
			},
		},
		{
			Name:    "nginx/server-add-header-lost-in-location",
			Source:  "§1 server-level add_header ACAO, the location has its own add_header X-Other",
			Server:  "nginx",
			Config:  serverLevel,
			Request: Request{Path: "/api/data"},
			Trusted: true,
			Expect: Expect{
				Console: blocked(reasonNoACAO),
				Actual:  &WireFacts{Status: 200, Headers: map[string][]string{acao: nil, "X-Other": {"1"}}},
			},
		},
		{
			Name:    "nginx/server-add-header-inherited",
			Source:  "§1 same config: a location without any add_header inherits the server's",
			Server:  "nginx",
			Config:  serverLevel,
			Request: Request{Path: "/data"},
			Trusted: true,
			Expect: Expect{
				Allowed: true,
				Actual:  &WireFacts{Status: 200, Headers: map[string][]string{acao: {"{{.PageOrigin}}"}}},
			},
		},
		{
			Name:     "nginx/upstream-also-sends-acao",
			Source:   "§1 add_header ACAO and the proxied upstream also sends ACAO",
			Server:   "nginx",
			Config:   noAlways,
			Upstream: UpstreamOptions{ReflectOrigin: true},
			Request:  Request{Path: "/api/data"},
			Trusted:  true,
			Expect: Expect{
				Console: blocked(fmt.Sprintf(reasonMultipleFmt, "{{.Origin}}, {{.Origin}}")),
				Actual:  &WireFacts{Status: 200, Headers: map[string][]string{acao: {"{{.Origin}}", "{{.Origin}}"}}},
			},
		},
		{
			Name:   "nginx/options-proxied-405",
			Source: "§1 OPTIONS proxied to an upstream that answers 405, CORS headers with always",
			Server: "nginx",
			Config: nginxConfig(`    server {
        listen 127.0.0.1:{{.Port}};
        location / {
            add_header Access-Control-Allow-Origin "{{.PageOrigin}}" always;
            add_header Access-Control-Allow-Methods "GET, PUT, DELETE" always;
            add_header Access-Control-Allow-Headers "Content-Type, Authorization" always;
            proxy_pass http://{{.Upstream}};
        }
    }
`),
			Request: Request{Path: "/api/data", Method: "PUT"},
			Trusted: true,
			Expect: Expect{
				Console: blockedPreflight(reasonNotOK),
				Preflight: &WireFacts{Status: 405, Headers: map[string][]string{
					acao: {"{{.PageOrigin}}"}, acam: {"GET, PUT, DELETE"}, acah: {"Content-Type, Authorization"},
				}},
			},
		},
		{
			Name:   "nginx/static-options-405",
			Source: "§1 static location, no OPTIONS handling: 405 without CORS headers",
			Server: "nginx",
			Config: nginxConfig(`    server {
        listen 127.0.0.1:{{.Port}};
        location / {
            root {{.Dir}}/www;
            add_header Access-Control-Allow-Origin "{{.PageOrigin}}";
            add_header Access-Control-Allow-Headers "X-Requested-With";
        }
    }
`),
			Files:   map[string]string{"www/data.json": staticJSON},
			Request: Request{Path: "/data.json", Headers: map[string]string{"X-Requested-With": "fetch"}},
			Trusted: true,
			Expect: Expect{
				Console:   blockedPreflight(reasonNoACAO),
				Preflight: &WireFacts{Status: 405, Headers: map[string][]string{acao: nil}},
			},
		},
		{
			Name:   "nginx/allow-headers-wildcard-authorization",
			Source: "§1 ACAH * without credentials, request sends Authorization: Chromium lets it through",
			Server: "nginx",
			Config: nginxConfig(`    server {
        listen 127.0.0.1:{{.Port}};
        location / {
            if ($request_method = OPTIONS) {
                add_header Access-Control-Allow-Origin "{{.PageOrigin}}";
                add_header Access-Control-Allow-Methods "GET, POST";
                add_header Access-Control-Allow-Headers "*";
                return 204;
            }
            add_header Access-Control-Allow-Origin "{{.PageOrigin}}";
            proxy_pass http://{{.Upstream}};
        }
    }
`),
			Request: authRequest,
			Trusted: true,
			Expect: Expect{
				Allowed:   true,
				Preflight: &WireFacts{Status: 204, Headers: map[string][]string{acah: {"*"}}},
				Actual:    &WireFacts{Status: 200, Headers: map[string][]string{acao: {"{{.PageOrigin}}"}}},
			},
		},
		{
			Name:   "nginx/allow-headers-wildcard-with-credentials",
			Source: "§1 ACAH * with credentials: * is a literal name, Authorization is blocked",
			Server: "nginx",
			Config: nginxConfig(`    server {
        listen 127.0.0.1:{{.Port}};
        location / {
            if ($request_method = OPTIONS) {
                add_header Access-Control-Allow-Origin "{{.PageOrigin}}";
                add_header Access-Control-Allow-Credentials "true";
                add_header Access-Control-Allow-Methods "GET, POST";
                add_header Access-Control-Allow-Headers "*";
                return 204;
            }
            add_header Access-Control-Allow-Origin "{{.PageOrigin}}";
            add_header Access-Control-Allow-Credentials "true";
            proxy_pass http://{{.Upstream}};
        }
    }
`),
			Request: Request{Path: "/api/data", Headers: map[string]string{"Authorization": "Bearer t"}, Credentials: true},
			Trusted: true,
			Expect: Expect{
				Console:   blocked(reasonAuthHeader),
				Preflight: &WireFacts{Status: 204, Headers: map[string][]string{acah: {"*"}, acac: {"true"}}},
			},
		},
		{
			Name:    "nginx/allowlist-map",
			Source:  "§1 allowlist map, always, Vary: Origin, OPTIONS returns 204",
			Server:  "nginx",
			Config:  allowlist,
			Request: allowlistRequest,
			Trusted: true,
			Expect: Expect{
				Allowed: true,
				Preflight: &WireFacts{Status: 204, Headers: map[string][]string{
					acao: {"{{.Origin}}"}, acac: {"true"}, acam: {"GET, POST, PUT, DELETE"},
					acah: {"Authorization, Content-Type"}, acma: {"600"}, "Vary": {"Origin"},
				}},
				Actual: &WireFacts{Status: 200, Headers: map[string][]string{acao: {"{{.Origin}}"}, acac: {"true"}}},
			},
		},
		{
			Name:    "nginx/allowlist-map-untrusted",
			Source:  "§1 allowlist map: from an origin outside the map, no ACAO",
			Server:  "nginx",
			Config:  allowlist,
			Request: allowlistRequest,
			Expect: Expect{
				Console:   blockedPreflight(reasonNoACAO),
				Preflight: &WireFacts{Status: 204, Headers: map[string][]string{acao: nil}},
			},
		},
	}
}

func apacheScenarios() []Scenario {
	reflect := apacheConfig(`<VirtualHost 127.0.0.1:{{.Port}}>
    Header always set Access-Control-Allow-Origin expr=%{req:Origin}
    Header always set Access-Control-Allow-Credentials "true"
    ProxyPass "/" "http://{{.Upstream}}/"
</VirtualHost>
`)
	setenvif := apacheConfig(`<VirtualHost 127.0.0.1:{{.Port}}>
    DocumentRoot "{{.Dir}}/www"
    SetEnvIf Origin "^{{.PageOriginRE}}$" CORS_ORIGIN=$0
    Header always set Access-Control-Allow-Origin "%{CORS_ORIGIN}e" env=CORS_ORIGIN
    Header always set Access-Control-Allow-Credentials "true" env=CORS_ORIGIN
    Header always set Access-Control-Allow-Methods "GET, POST, PUT, DELETE" env=CORS_ORIGIN
    Header always set Access-Control-Allow-Headers "Authorization, Content-Type" env=CORS_ORIGIN
    Header always set Access-Control-Max-Age "600" env=CORS_ORIGIN
    Header always merge Vary "Origin"
    RewriteEngine On
    RewriteCond %{REQUEST_METHOD} OPTIONS
    RewriteRule ^ - [R=204,L]
</VirtualHost>
`)
	www := map[string]string{"www/data.json": staticJSON}
	credentialedAuth := Request{Path: "/data.json", Headers: map[string]string{"Authorization": "Bearer t"}, Credentials: true}

	return []Scenario{
		{
			Name:   "apache/wildcard-with-credentials",
			Source: "§2 Header always set ACAO * + ACAC true, credentials",
			Server: "apache",
			Config: apacheConfig(`<VirtualHost 127.0.0.1:{{.Port}}>
    Header always set Access-Control-Allow-Origin "*"
    Header always set Access-Control-Allow-Credentials "true"
    ProxyPass "/" "http://{{.Upstream}}/"
</VirtualHost>
`),
			Request: Request{Path: "/api/data", Credentials: true},
			Trusted: true,
			Expect: Expect{
				Console: blocked(reasonWildcard),
				Actual:  &WireFacts{Status: 200, Headers: map[string][]string{acao: {"*"}, acac: {"true"}}},
			},
		},
		{
			Name:    "apache/reflect-origin-with-credentials",
			Source:  "§2 Header always set ACAO expr=%{req:Origin} + ACAC true (trusted page)",
			Server:  "apache",
			Config:  reflect,
			Request: Request{Path: "/api/data", Credentials: true},
			Trusted: true,
			Expect: Expect{
				Allowed: true,
				Actual:  &WireFacts{Status: 200, Headers: map[string][]string{acao: {"{{.Origin}}"}, acac: {"true"}}},
			},
		},
		{
			Name:    "apache/reflect-origin-with-credentials-untrusted",
			Source:  "§2 Header always set ACAO expr=%{req:Origin} + ACAC true (any page)",
			Server:  "apache",
			Config:  reflect,
			Request: Request{Path: "/api/data", Credentials: true},
			Expect: Expect{
				Allowed: true,
				Actual:  &WireFacts{Status: 200, Headers: map[string][]string{acao: {"{{.Origin}}"}, acac: {"true"}}},
			},
		},
		{
			Name:   "apache/rewrite-204-without-allow-headers",
			Source: "§2 RewriteRule ^ - [R=204,L] preflight without Allow-Headers, request sends Authorization",
			Server: "apache",
			Config: apacheConfig(`<VirtualHost 127.0.0.1:{{.Port}}>
    DocumentRoot "{{.Dir}}/www"
    Header always set Access-Control-Allow-Origin "{{.PageOrigin}}"
    Header always set Access-Control-Allow-Methods "GET, POST, PUT"
    RewriteEngine On
    RewriteCond %{REQUEST_METHOD} OPTIONS
    RewriteRule ^ - [R=204,L]
</VirtualHost>
`),
			Files:   www,
			Request: Request{Path: "/data.json", Headers: map[string]string{"Authorization": "Bearer t"}},
			Trusted: true,
			Expect: Expect{
				Console:   blocked(reasonAuthHeader),
				Preflight: &WireFacts{Status: 204, Headers: map[string][]string{acao: {"{{.PageOrigin}}"}, acah: nil}},
			},
		},
		{
			Name:   "apache/rewrite-204-header-set-without-always",
			Source: "§2 Header set (no always) with the R=204 preflight: 204 without CORS headers",
			Server: "apache",
			Config: apacheConfig(`<VirtualHost 127.0.0.1:{{.Port}}>
    DocumentRoot "{{.Dir}}/www"
    Header set Access-Control-Allow-Origin "{{.PageOrigin}}"
    Header set Access-Control-Allow-Methods "GET, POST, PUT"
    Header set Access-Control-Allow-Headers "Content-Type, Authorization"
    RewriteEngine On
    RewriteCond %{REQUEST_METHOD} OPTIONS
    RewriteRule ^ - [R=204,L]
</VirtualHost>
`),
			Files:   www,
			Request: Request{Path: "/data.json", Method: "PUT"},
			Trusted: true,
			Expect: Expect{
				Console:   blockedPreflight(reasonNoACAO),
				Preflight: &WireFacts{Status: 204, Headers: map[string][]string{acao: nil, acam: nil, acah: nil}},
			},
		},
		{
			Name:   "apache/header-set-httpd-404",
			Source: "§2 Header set (no always), a 404 that httpd itself generates",
			Server: "apache",
			Config: apacheConfig(`<VirtualHost 127.0.0.1:{{.Port}}>
    DocumentRoot "{{.Dir}}/www"
    Header set Access-Control-Allow-Origin "{{.PageOrigin}}"
</VirtualHost>
`),
			Files:   www,
			Request: Request{Path: "/missing.json"},
			Trusted: true,
			Expect: Expect{
				Console: blocked(reasonNoACAO),
				Actual:  &WireFacts{Status: 404, Headers: map[string][]string{acao: nil}},
			},
		},
		{
			Name:   "apache/header-set-proxied-500",
			Source: "§2 Header set (no always), a 500 from a proxied backend: ACAO kept, JS reads the 500",
			Server: "apache",
			Config: apacheConfig(`<VirtualHost 127.0.0.1:{{.Port}}>
    Header set Access-Control-Allow-Origin "{{.PageOrigin}}"
    ProxyPass "/" "http://{{.Upstream}}/"
</VirtualHost>
`),
			Request: Request{Path: "/status/500"},
			Trusted: true,
			Expect: Expect{
				Allowed: true,
				Actual:  &WireFacts{Status: 500, Headers: map[string][]string{acao: {"{{.PageOrigin}}"}}},
			},
		},
		{
			Name:   "apache/location-header-merges",
			Source: "§2 vhost Header set ACAO + <Location> Header set X-Other: sections merge",
			Server: "apache",
			Config: apacheConfig(`<VirtualHost 127.0.0.1:{{.Port}}>
    Header set Access-Control-Allow-Origin "{{.PageOrigin}}"
    <Location "/api/">
        Header set X-Other "1"
    </Location>
    ProxyPass "/" "http://{{.Upstream}}/"
</VirtualHost>
`),
			Request: Request{Path: "/api/data"},
			Trusted: true,
			Expect: Expect{
				Allowed: true,
				Actual:  &WireFacts{Status: 200, Headers: map[string][]string{acao: {"{{.PageOrigin}}"}, "X-Other": {"1"}}},
			},
		},
		{
			Name:   "apache/htaccess-duplicates-acao",
			Source: "§2 vhost Header always set ACAO * + .htaccess Header set ACAO *",
			Server: "apache",
			Config: apacheConfig(`<VirtualHost 127.0.0.1:{{.Port}}>
    DocumentRoot "{{.Dir}}/www"
    <Directory "{{.Dir}}/www">
        AllowOverride FileInfo
    </Directory>
    Header always set Access-Control-Allow-Origin "*"
</VirtualHost>
`),
			Files: map[string]string{
				"www/data.json": staticJSON,
				"www/.htaccess": `Header set Access-Control-Allow-Origin "*"` + "\n",
			},
			Request: Request{Path: "/data.json"},
			Trusted: true,
			Expect: Expect{
				Console: blocked(fmt.Sprintf(reasonMultipleFmt, "*, *")),
				Actual:  &WireFacts{Status: 200, Headers: map[string][]string{acao: {"*", "*"}}},
			},
		},
		{
			Name:   "apache/header-set-and-always-set",
			Source: "§2 Header set and Header always set for ACAO in one vhost: two tables, two headers",
			Server: "apache",
			Config: apacheConfig(`<VirtualHost 127.0.0.1:{{.Port}}>
    Header set Access-Control-Allow-Origin "{{.PageOrigin}}"
    Header always set Access-Control-Allow-Origin "{{.PageOrigin}}"
    ProxyPass "/" "http://{{.Upstream}}/"
</VirtualHost>
`),
			Request: Request{Path: "/api/data"},
			Trusted: true,
			Expect: Expect{
				Console: blocked(fmt.Sprintf(reasonMultipleFmt, "{{.Origin}}, {{.Origin}}")),
				Actual:  &WireFacts{Status: 200, Headers: map[string][]string{acao: {"{{.Origin}}", "{{.Origin}}"}}},
			},
		},
		{
			Name:   "apache/options-proxied-405",
			Source: "§2 OPTIONS proxied to an upstream answering 405",
			Server: "apache",
			Config: apacheConfig(`<VirtualHost 127.0.0.1:{{.Port}}>
    Header always set Access-Control-Allow-Origin "{{.PageOrigin}}"
    Header always set Access-Control-Allow-Methods "GET, PUT, DELETE"
    Header always set Access-Control-Allow-Headers "Content-Type, Authorization"
    ProxyPass "/" "http://{{.Upstream}}/"
</VirtualHost>
`),
			Request: Request{Path: "/api/data", Method: "PUT"},
			Trusted: true,
			Expect: Expect{
				Console:   blockedPreflight(reasonNotOK),
				Preflight: &WireFacts{Status: 405, Headers: map[string][]string{acao: {"{{.PageOrigin}}"}}},
			},
		},
		{
			Name:   "apache/static-options-200",
			Source: "§2 static file, no OPTIONS handling: httpd answers OPTIONS with 200 and Allow",
			Server: "apache",
			Config: apacheConfig(`<VirtualHost 127.0.0.1:{{.Port}}>
    DocumentRoot "{{.Dir}}/www"
    Header set Access-Control-Allow-Origin "{{.PageOrigin}}"
    Header set Access-Control-Allow-Headers "X-Requested-With"
</VirtualHost>
`),
			Files:   www,
			Request: Request{Path: "/data.json", Headers: map[string]string{"X-Requested-With": "fetch"}},
			Trusted: true,
			Expect: Expect{
				Allowed:   true,
				Preflight: &WireFacts{Status: 200, Headers: map[string][]string{acao: {"{{.PageOrigin}}"}}},
				Actual:    &WireFacts{Status: 200, Headers: map[string][]string{acao: {"{{.PageOrigin}}"}}},
			},
		},
		{
			Name:    "apache/setenvif-allowlist",
			Source:  "§2 SetEnvIf Origin allowlist, always, Vary, R=204 preflight",
			Server:  "apache",
			Config:  setenvif,
			Files:   www,
			Request: credentialedAuth,
			Trusted: true,
			Expect: Expect{
				Allowed: true,
				Preflight: &WireFacts{Status: 204, Headers: map[string][]string{
					acao: {"{{.Origin}}"}, acac: {"true"}, acah: {"Authorization, Content-Type"}, "Vary": {"Origin"},
				}},
				Actual: &WireFacts{Status: 200, Headers: map[string][]string{acao: {"{{.Origin}}"}, acac: {"true"}}},
			},
		},
		{
			Name:    "apache/setenvif-allowlist-untrusted",
			Source:  "§2 SetEnvIf Origin allowlist: from an origin outside the list",
			Server:  "apache",
			Config:  setenvif,
			Files:   www,
			Request: credentialedAuth,
			Expect: Expect{
				Console:   blockedPreflight(reasonNoACAO),
				Preflight: &WireFacts{Status: 204, Headers: map[string][]string{acao: nil}},
			},
		},
	}
}

// varnishPrime is origin X of oracle-facts §3: it requests first, the
// browser (origin Y, the page) second.
const varnishPrime = "http://127.0.0.1:8001"

func varnishScenarios() []Scenario {
	reflecting := UpstreamOptions{ReflectOrigin: true, Cacheable: true}
	cachedOther := Expect{
		Console: blocked(fmt.Sprintf(reasonNotEqualFmt, "{{.PrimeOrigin}}")),
		Actual:  &WireFacts{Status: 200, Headers: map[string][]string{acao: {"{{.PrimeOrigin}}"}}},
	}
	own := func(vary ...string) Expect {
		h := map[string][]string{acao: {"{{.Origin}}"}}
		if vary != nil {
			h["Vary"] = vary
		}
		return Expect{Allowed: true, Actual: &WireFacts{Status: 200, Headers: h}}
	}
	deliverVary := cachedOther
	deliverVary.Actual = &WireFacts{Status: 200, Headers: map[string][]string{acao: {"{{.PrimeOrigin}}"}, "Vary": {"Origin"}}}

	return []Scenario{
		{
			Name:      "varnish/default-vcl-no-vary",
			Source:    "§3 default VCL, backend sends no Vary: Y gets X's ACAO from cache",
			Server:    "varnish",
			Config:    varnishVCL(""),
			Upstream:  reflecting,
			Request:   Request{Path: "/api/data"},
			PrimeFrom: varnishPrime,
			Trusted:   true,
			Expect:    cachedOther,
		},
		{
			Name:      "varnish/backend-vary-origin",
			Source:    "§3 backend sends Vary: Origin: cache miss, Y gets its own ACAO",
			Server:    "varnish",
			Config:    varnishVCL(""),
			Upstream:  UpstreamOptions{ReflectOrigin: true, Cacheable: true, Vary: "Origin"},
			Request:   Request{Path: "/api/data"},
			PrimeFrom: varnishPrime,
			Trusted:   true,
			Expect:    own("Origin"),
		},
		{
			Name:   "varnish/vary-in-vcl-deliver",
			Source: "§3 set resp.http.Vary = \"Origin\" only in vcl_deliver: still X's ACAO from cache",
			Server: "varnish",
			Config: varnishVCL(`
sub vcl_deliver {
    set resp.http.Vary = "Origin";
}
`),
			Upstream:  reflecting,
			Request:   Request{Path: "/api/data"},
			PrimeFrom: varnishPrime,
			Trusted:   true,
			Expect:    deliverVary,
		},
		{
			Name:   "varnish/vary-in-vcl-backend-response",
			Source: "§3 Vary set in vcl_backend_response (beresp): Y gets its own ACAO",
			Server: "varnish",
			Config: varnishVCL(`
sub vcl_backend_response {
    set beresp.http.Vary = "Origin";
}
`),
			Upstream:  reflecting,
			Request:   Request{Path: "/api/data"},
			PrimeFrom: varnishPrime,
			Trusted:   true,
			Expect:    own("Origin"),
		},
		{
			Name:   "varnish/hash-origin",
			Source: "§3 hash_data(req.http.Origin) in vcl_hash: Y gets its own ACAO",
			Server: "varnish",
			Config: varnishVCL(`
sub vcl_hash {
    hash_data(req.http.Origin);
}
`),
			Upstream:  reflecting,
			Request:   Request{Path: "/api/data"},
			PrimeFrom: varnishPrime,
			Trusted:   true,
			Expect:    own(),
		},
	}
}
