package cli

import (
	"bytes"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/corslint/corslint/model"
)

// templateExts are stripped before a file's name is looked at: a
// "default.conf.j2" is an nginx or Apache file behind a template.
var templateExts = []string{".j2", ".jinja", ".jinja2", ".erb", ".tmpl", ".tpl", ".template", ".tftpl", ".in"}

func stripTemplateExt(name string) string {
	for {
		trimmed := name
		for _, ext := range templateExts {
			trimmed = strings.TrimSuffix(trimmed, ext)
		}
		if trimmed == name {
			return name
		}
		name = trimmed
	}
}

var (
	nginxContent  = regexp.MustCompile(`(?m)^\s*(?:(?:server|http|location|upstream|map|events)\b[^;{\n]*\{|(?:add_header|proxy_pass|server_name|listen|more_set_headers|proxy_hide_header)\s[^\n]*;)`)
	apacheContent = regexp.MustCompile(`(?mi)^\s*(?:<(?:VirtualHost|Directory|DirectoryMatch|Location|LocationMatch|Files|FilesMatch|IfModule|If)\b|Header\s+(?:always\s+|onsuccess\s+)?(?:set|append|add|merge|unset|echo|edit|setifempty)\s|RewriteEngine\s|SetEnvIf(?:NoCase)?\s)`)
	samContent    = regexp.MustCompile(`AWSTemplateFormatVersion|AWS::Serverless|"?Type"?\s*:\s*"?AWS::`)
	vclContent    = regexp.MustCompile(`(?m)^\s*(?:vcl\s+4\.[01]\s*;|sub\s+vcl_\w+\s*\{|backend\s+\w+\s*\{)`)
)

// detect decides the dialect of a file from its name and first bytes, or
// returns "" when it is none of corslint's. explicit is true when the user
// named the file, which allows a content guess for any name.
func detect(path string, head []byte, explicit bool) model.Dialect {
	base := filepath.Base(path)
	name := strings.ToLower(stripTemplateExt(base))
	ext := filepath.Ext(name)
	slash := filepath.ToSlash(path)
	switch {
	case ext == ".htaccess" || name == "httpd.conf" || name == "apache2.conf":
		return model.Apache
	case ext == ".vcl" || ext == ".vtc": // varnishtest files embed VCL
		return model.VCL
	case ext == ".yaml" || ext == ".yml" || ext == ".json":
		if samContent.Match(head) {
			return model.SAM
		}
		return ""
	case name == "nginx.conf" || ext == ".nginx":
		return model.Nginx
	}
	if bytes.IndexByte(head, 0) >= 0 && !explicit {
		return "" // binary files are only reported when named
	}
	confLike := ext == ".conf" || ext == "" || base != name || strings.Contains(slash, "/nginx/") ||
		strings.Contains(slash, "/apache2/") || strings.Contains(slash, "/httpd/") ||
		strings.Contains(slash, "sites-available/") || strings.Contains(slash, "sites-enabled/") || strings.Contains(slash, "conf.d/")
	if !confLike && !explicit {
		return ""
	}
	ng := len(nginxContent.FindAllIndex(head, 8))
	ap := len(apacheContent.FindAllIndex(head, 8))
	switch {
	case vclContent.Match(head):
		return model.VCL
	case ng > 0 && ng >= ap:
		return model.Nginx
	case ap > 0:
		return model.Apache
	case explicit && (strings.Contains(slash, "nginx") || ext == ".conf"):
		return model.Nginx
	}
	return ""
}
