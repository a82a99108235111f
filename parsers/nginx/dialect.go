package nginx

import (
	"bytes"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/corslint/corslint/dialect"
	"github.com/corslint/corslint/model"
)

// Dialect is nginx for the lint engine.
type Dialect struct{}

var _ dialect.Including = Dialect{}

// Name implements dialect.Dialect.
func (Dialect) Name() model.Dialect { return model.Nginx }

// Detect implements dialect.Dialect: nginx.conf and *.nginx by name;
// otherwise statements that begin lines the way nginx's do, in a file
// named like a server configuration. A .conf (or a file under an nginx
// directory) whose lines all end like nginx statements is Possible.
func (Dialect) Detect(path string, head []byte) dialect.Score {
	name := dialect.BaseName(path)
	ext := filepath.Ext(name)
	switch {
	case name == "nginx.conf" || ext == ".nginx":
		return dialect.Score{Confidence: dialect.Certain}
	case ext == ".yaml" || ext == ".yml" || ext == ".json":
		return dialect.Score{} // CloudFormation's names, whatever they embed
	}
	fits := dialect.ServerConfName(path)
	if head == nil { // the best any content could earn
		if fits {
			return dialect.Score{Confidence: dialect.Likely}
		}
		return dialect.Score{Confidence: dialect.Possible}
	}
	if n := dialect.CountStarts(head, 8, statementAt); n > 0 {
		if fits {
			return dialect.Score{Confidence: dialect.Likely, Weight: n}
		}
		return dialect.Score{Confidence: dialect.Possible, Weight: n}
	}
	if (ext == ".conf" || strings.Contains(filepath.ToSlash(path), "nginx")) && linesEndLikeNginx(head) {
		return dialect.Score{Confidence: dialect.Possible}
	}
	return dialect.Score{}
}

// IncludesOthers implements dialect.Including.
func (Dialect) IncludesOthers(path string) bool { return dialect.BaseName(path) == "nginx.conf" }

// Parse implements dialect.Dialect.
func (Dialect) Parse(path string, src []byte, o *dialect.Options) (dialect.Parsed, bool) {
	opts := Options{Prefix: o.BaseDir[model.Nginx], Root: o.Root, AllowOutsideRoot: o.AllowOutsideRoot, MaxFileSize: o.MaxFileSize, FS: o.FS}
	return dialect.Parsed{File: Lower(Parse(path, src, opts))}, true
}

// Advice implements dialect.Dialect.
func (Dialect) Advice() model.Advice { return advice{} }

// linesEndLikeNginx reports whether most lines of the head that are
// neither blank nor comments end the way nginx statements do.
func linesEndLikeNginx(head []byte) bool {
	total, ok := 0, 0
	for rest := head; len(rest) > 0; {
		line := rest
		if i := bytes.IndexByte(rest, '\n'); i >= 0 {
			line, rest = rest[:i], rest[i+1:]
		} else {
			rest = nil
		}
		t := bytes.TrimSpace(line)
		if len(t) == 0 || t[0] == '#' {
			continue
		}
		total++
		switch t[len(t)-1] {
		case ';', '{', '}':
			ok++
		}
	}
	return total > 0 && 2*ok >= total
}

// statementAt matches, at i, the start of a statement only nginx writes.
// It implements by hand, for speed, what this expression does (the
// cross-check test holds them together):
//
//	(?m)^\s*(?:(?:server|http|location|upstream|map|events)\b[^;{\n]*\{|(?:add_header|proxy_pass|server_name|listen|more_set_headers|proxy_hide_header)\s[^\n]*;)
func statementAt(src []byte, i int) int {
	w := dialect.WordAt(src, i)
	j := i + len(w)
	switch w {
	case "server", "http", "location", "upstream", "map", "events":
		for ; j < len(src); j++ {
			switch src[j] {
			case '{':
				return j + 1
			case ';', '\n':
				return -1
			}
		}
	case "add_header", "proxy_pass", "server_name", "listen", "more_set_headers", "proxy_hide_header":
		if !dialect.SpaceAt(src, j) {
			return -1
		}
		line := src[j+1:]
		if k := bytes.IndexByte(line, '\n'); k >= 0 {
			line = line[:k]
		}
		if k := bytes.LastIndexByte(line, ';'); k >= 0 {
			return j + 1 + k + 1
		}
	}
	return -1
}

// advice is nginx's fix advice.
type advice struct{}

func (advice) Allowlist() string {
	return "set it from a map of trusted origins: map $http_origin $cors_origin { default \"\"; \"https://app.example.com\" $http_origin; }"
}

func (advice) VaryOrigin(*model.HeaderOp) string {
	return "add add_header Vary Origin always; beside it"
}

func (advice) VaryAppend(*model.HeaderOp) string {
	return "add a Vary line instead of replacing it (add_header Vary Origin always;)"
}

func (advice) CacheKey() string {
	return "add $http_origin to proxy_cache_key, or have the upstream send Vary: Origin"
}

// HideUpstream names the hide directive of the module that talks to u:
// proxy_hide_header does nothing to a fastcgi_pass or uwsgi_pass
// response, which have their own.
func (advice) HideUpstream(u *model.Upstream) string {
	if u != nil {
		switch u.Directive {
		case "fastcgi_pass", "uwsgi_pass", "scgi_pass", "grpc_pass":
			return fmt.Sprintf("add %s_hide_header %s;", strings.TrimSuffix(u.Directive, "_pass"), model.ACAO)
		}
	}
	return fmt.Sprintf("add proxy_hide_header %s;", model.ACAO)
}

func (advice) AnswerOptions(generic string) string { return generic }

func (advice) Always() string { return "add the always parameter" }

func (advice) AllowHeaders(*model.Scope) string {
	return "add Access-Control-Allow-Headers \"Content-Type, Authorization\" here"
}
