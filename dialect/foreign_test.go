package dialect

import "testing"

func TestForeignLine(t *testing.T) {
	// Lines of the dialects corslint reads: never another format's.
	for _, l := range []string{
		"location = /healthz {", "if ($request_method = OPTIONS) {", "set $cors_origin \"\";",
		"default 0;", "~^https://(.+\\.)?example\\.com$ $http_origin;", "server_name api.example.com;",
		"listen [::]:443 ssl;", "content_by_lua_block {", "local origin = ngx.var.http_origin",
		"Header always set Access-Control-Allow-Origin \"*\"", "<VirtualHost *:80>", "SetEnvIf Origin \"^(.*)$\" ORIGIN=$1",
		"RewriteRule ^ - [R=204,L]", "Timeout 300", "Options -Indexes", "sub vcl_recv {", "backend default {",
		"set req.http.X-Origin = req.http.Origin;", "acl purge {", "}", "# key: value", "",
	} {
		if f := foreignLine(l); f != "" {
			t.Errorf("foreignLine(%q) = %q, want none", l, f)
		}
	}
	// Lines only other formats write.
	for l, want := range map[string]string{
		"const cors = require('cors');":      "JavaScript or TypeScript",
		"import { handler } from './h';":     "JavaScript or TypeScript",
		"// served by nginx":                 "JavaScript or TypeScript",
		"frontend www":                       "HAProxy",
		"default_backend app":                "HAProxy",
		"reverse_proxy localhost:8080":       "a Caddyfile",
		"@cors {":                            "a Caddyfile",
		"resource \"aws_s3_bucket\" \"b\" {": "Terraform",
		"[supervisord]":                      "INI or TOML",
		"nodaemon=true":                      "INI, TOML or HCL",
		"apiVersion: v1":                     "YAML",
		"kind: Ingress":                      "YAML",
		"annotations:":                       "YAML",
	} {
		if f := foreignLine(l); f != want {
			t.Errorf("foreignLine(%q) = %q, want %q", l, f, want)
		}
	}
}

func TestSniffForeign(t *testing.T) {
	if f := SniffForeign("deploy/Caddyfile", nil); !f.ByName || f.Format != "a Caddyfile" {
		t.Errorf("Caddyfile: %+v", f)
	}
	if f := SniffForeign("src/server.js.tmpl", nil); !f.ByName {
		t.Errorf("server.js behind a template extension: %+v", f)
	}
	if f := SniffForeign("conf.d/site.conf", []byte("server {\n    location = / {\n        return 204;\n    }\n}\n")); f.Lines != 0 {
		t.Errorf("an nginx file reads like %s (%d lines)", f.Format, f.Lines)
	}
	if f := SniffForeign("conf.d/hap.conf", []byte("global\n    log /dev/log local0\nfrontend www\n    bind *:80\n")); f.Format != "HAProxy" || f.Lines != 3 {
		t.Errorf("HAProxy: %+v", f)
	}
}
