package difftest

import (
	"fmt"
	"path"
	"strconv"
	"strings"
)

// Env is where one case runs: its port, its directory, the upstream.
type Env struct {
	Port     int
	Dir      string // the case's directory, absolute
	BatchDir string // the server's own directory (pid, logs)
	// Ready is a port the server listens on whatever the cases say, so
	// that a start can be awaited even when a shrunk case has no listen;
	// 0 leaves it out (the model of a case does not include it).
	Ready  int
	UpHost string
	UpPort int
}

func (e Env) fill(text string) string {
	return strings.NewReplacer(
		"@PORT@", strconv.Itoa(e.Port),
		"@UP@", fmt.Sprintf("%s:%d", e.UpHost, e.UpPort),
		"@UPHOST@", e.UpHost,
		"@UPPORT@", strconv.Itoa(e.UpPort),
		"@DIR@", e.Dir,
	).Replace(text)
}

// Host is the Host header a probe of c carries.
func (c *Case) Host(p Probe) string {
	if p.Host != "" {
		return p.Host
	}
	if c.Server == Varnish {
		// The runner dispatches on it; see VarnishVCL.
		return c.Name + ".v"
	}
	return "127.0.0.1"
}

// FileMap returns the case's files by absolute path under env.Dir, with
// placeholders filled.
func (c *Case) FileMap(env Env) map[string]string {
	m := map[string]string{}
	for _, f := range c.Files {
		m[path.Join(env.Dir, f.Path)] = env.fill(f.Content)
	}
	return m
}

// Config returns the whole configuration that runs cases on one server
// start: the fixed head and every case's part. One case alone is what the
// prediction reads.
func Config(server string, cases []*Case, envs []Env) string {
	var b strings.Builder
	batch := envs[0].BatchDir
	switch server {
	case Nginx:
		b.WriteString(strings.ReplaceAll(nginxHead, "@BATCH@", batch))
		if envs[0].Ready != 0 {
			fmt.Fprintf(&b, "  server { listen 127.0.0.1:%d; return 204; }\n", envs[0].Ready)
		}
		// A statement in http context (an add_header) is written once:
		// the runner starts only cases with the same ones together.
		seen := map[string]bool{}
		for i, c := range cases {
			var top []*Node
			for _, n := range c.Top {
				if n.Close == "" && len(n.Kids) == 0 {
					if seen[n.Line] {
						continue
					}
					seen[n.Line] = true
				}
				top = append(top, n)
			}
			var cb strings.Builder
			render(&cb, top, 0)
			b.WriteString(envs[i].fill(cb.String()))
		}
		b.WriteString("}\n")
	case Apache:
		b.WriteString(strings.ReplaceAll(apacheHead, "@BATCH@", batch))
		if envs[0].Ready != 0 {
			fmt.Fprintf(&b, "Listen 127.0.0.1:%d\n", envs[0].Ready)
		}
		for i, c := range cases {
			b.WriteString(envs[i].fill(c.Text()))
		}
	case Varnish:
		b.WriteString(envs[0].fill(varnishHead))
		if len(cases) == 1 {
			b.WriteString(envs[0].fill(cases[0].Text()))
			break
		}
		// Several cases share one VCL: each built-in subroutine runs
		// every case's body under a test of the Host its probes carry.
		// A case's own vcl_hash hashes that Host first, so that a key
		// without the URL or the Host (a shrunk case's) never reaches
		// another case's objects, which cases probed at the same time
		// would store in an order nobody knows.
		for _, s := range varnishSubs {
			var body strings.Builder
			for i, c := range cases {
				for _, n := range c.Top {
					if n.Line != "sub "+s.name+" {" {
						continue
					}
					var inner strings.Builder
					if s.name == "vcl_hash" {
						inner.WriteString("    hash_data(req.http.host);\n")
					}
					render(&inner, n.Kids, 2)
					fmt.Fprintf(&body, "  if (%s == \"%s\") {\n%s  }\n", s.host, c.Host(Probe{}), envs[i].fill(inner.String()))
				}
			}
			if body.Len() > 0 {
				fmt.Fprintf(&b, "sub %s {\n%s}\n", s.name, body.String())
			}
		}
	}
	return b.String()
}

// ConfigName is the file name the server reads its configuration from.
func ConfigName(server string) string {
	switch server {
	case Nginx:
		return "nginx.conf"
	case Apache:
		return "httpd.conf"
	}
	return "default.vcl"
}

const nginxHead = `worker_processes 1;
pid @BATCH@/nginx.pid;
error_log @BATCH@/error.log;
events { worker_connections 256; }
http {
  access_log off;
  client_body_temp_path @BATCH@/client_body_temp;
  proxy_temp_path @BATCH@/proxy_temp;
  fastcgi_temp_path @BATCH@/fastcgi_temp;
  uwsgi_temp_path @BATCH@/uwsgi_temp;
  scgi_temp_path @BATCH@/scgi_temp;
  server_names_hash_bucket_size 128;
`

const apacheHead = `ServerRoot "@BATCH@"
ServerName 127.0.0.1
LoadModule mpm_event_module /usr/lib/apache2/modules/mod_mpm_event.so
LoadModule authz_core_module /usr/lib/apache2/modules/mod_authz_core.so
LoadModule headers_module /usr/lib/apache2/modules/mod_headers.so
LoadModule rewrite_module /usr/lib/apache2/modules/mod_rewrite.so
LoadModule setenvif_module /usr/lib/apache2/modules/mod_setenvif.so
LoadModule proxy_module /usr/lib/apache2/modules/mod_proxy.so
LoadModule proxy_http_module /usr/lib/apache2/modules/mod_proxy_http.so
LoadModule alias_module /usr/lib/apache2/modules/mod_alias.so
LoadModule cgi_module /usr/lib/apache2/modules/mod_cgi.so
User www-data
Group www-data
PidFile @BATCH@/httpd.pid
DefaultRuntimeDir @BATCH@
ErrorLog @BATCH@/error.log
LogLevel warn
StartServers 1
ThreadsPerChild 25
MinSpareThreads 5
MaxSpareThreads 50
MaxRequestWorkers 50
`

const varnishHead = `vcl 4.1;

backend default {
  .host = "@UPHOST@";
  .port = "@UPPORT@";
}
`
