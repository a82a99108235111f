package js

import (
	"bytes"
	"path/filepath"
	"strings"

	"github.com/corslint/corslint/dialect"
)

// grammar is the tree-sitter grammar a file is read with.
type grammar uint8

const (
	grammarNone grammar = iota
	grammarJS
	grammarTS
	grammarTSX
)

// grammarOf picks the grammar from the file's extension; grammarNone for
// files that are not JavaScript or TypeScript.
func grammarOf(path string) grammar {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".js", ".mjs", ".cjs", ".jsx":
		return grammarJS
	case ".ts", ".mts", ".cts":
		return grammarTS
	case ".tsx":
		return grammarTSX
	}
	return grammarNone
}

// modules are the packages whose import or require makes a file one that
// answers HTTP requests: the frameworks this package lowers and the
// CORS middleware of each.
var modules = map[string]bool{
	"express": true, "cors": true, "router": true,
	"@nestjs/core": true, "@nestjs/common": true, "@nestjs/platform-express": true, "@nestjs/platform-fastify": true,
	"fastify": true, "@fastify/cors": true, "fastify-cors": true,
	"koa": true, "@koa/cors": true, "koa-router": true, "@koa/router": true,
	"hono": true, "hono/cors": true, "@hono/node-server": true,
	"next/server": true, "next": true,
	"http": true, "node:http": true, "https": true, "node:https": true,
}

// markers are calls and texts that answer requests without a framework
// import in the head: a hand-written CORS header, the Response API of
// Workers, Next.js route handlers, Lambda handlers and Deno.
var markers = [][]byte{
	[]byte("Access-Control-Allow-"),
	[]byte("new Response("),
	[]byte("Response.json("),
	[]byte("NextResponse"),
	[]byte("enableCors"),
}

// detect judges a file by its path and head: a JavaScript or TypeScript
// file (not generated, not minified) that imports an HTTP framework or
// uses the Response API is certainly this dialect's; any other is not.
func detect(path string, head []byte) dialect.Score {
	if grammarOf(path) == grammarNone || dialect.GeneratedJS(path) != "" {
		return dialect.Score{}
	}
	if head == nil {
		return dialect.Score{Confidence: dialect.Likely}
	}
	if isNextConfig(path) {
		return dialect.Score{Confidence: dialect.Certain, Weight: 1}
	}
	if dialect.MinifiedJS(head) {
		return dialect.Score{}
	}
	n := importsFramework(head)
	for _, m := range markers {
		if bytes.Contains(head, m) {
			n++
		}
	}
	if n == 0 {
		return dialect.Score{}
	}
	return dialect.Score{Confidence: dialect.Certain, Weight: n}
}

// isNextConfig reports whether the file is Next.js's configuration.
func isNextConfig(path string) bool {
	b := strings.ToLower(filepath.Base(path))
	return strings.HasPrefix(b, "next.config.")
}

// importsFramework counts the quoted module names of the head that are
// HTTP frameworks, as imported (from 'x', import('x')) or required
// (require('x')). Every quote is tried as an opening one, so a stray
// apostrophe in a comment shifts nothing; no regular expression (the
// cross-check test holds it to frameworkSpec).
func importsFramework(head []byte) int {
	n := 0
	for i := 0; i < len(head); {
		k := bytes.IndexAny(head[i:], "'\"`")
		if k < 0 {
			break
		}
		q := i + k
		i = q + 1
		end := bytes.IndexByte(head[q+1:min(len(head), q+1+maxModule+1)], head[q])
		if end < 0 {
			continue
		}
		if modules[string(head[q+1:q+1+end])] && importedAt(head, q) {
			n++
		}
	}
	return n
}

// maxModule is the longest module name in modules.
const maxModule = len("@nestjs/platform-express")

// importedAt reports whether the string starting at q is the argument of
// require( or import(, or follows from or import, spaces between.
func importedAt(head []byte, q int) bool {
	j := q
	for j > 0 && (head[j-1] == ' ' || head[j-1] == '\t' || head[j-1] == '\r' || head[j-1] == '\n') {
		j--
	}
	before := head[:j]
	for _, p := range []string{"require(", "import(", "from", "import"} {
		if bytes.HasSuffix(before, []byte(p)) {
			return true
		}
	}
	return false
}
