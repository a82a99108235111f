package js

import (
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/corslint/corslint/dialect/dialecttest"
)

// frameworkSpec is what importsFramework implements by hand: a module of
// modules, quoted, right after require(, import(, from or import.
var frameworkSpec = func() *regexp.Regexp {
	var names []string
	for m := range modules {
		names = append(names, regexp.QuoteMeta(m))
	}
	sort.Strings(names)
	alt := strings.Join(names, "|")
	return regexp.MustCompile(`(?:require\(|import\(|from|import)[ \t\r\n]*(?:'(?:` + alt + `)'|"(?:` + alt + `)"|` + "`(?:" + alt + ")`)")
}()

var frameworkEdges = []string{
	"import express from 'express'", "const cors = require(\"cors\")", "from`hono`", "import('fastify')",
	"// don't require('express')", "require( 'express')", "require('express\")", "'express'", "import {x} from\n\t'koa'",
	"from 'expresss'", "from ''express'", "importfrom'@nestjs/core'", "from '@nestjs/platform-express'",
}

func checkImports(t *testing.T, name string, src []byte) {
	t.Helper()
	if got, want := importsFramework(src), len(frameworkSpec.FindAllIndex(src, -1)); got != want {
		t.Errorf("%s: importsFramework counts %d, the expression %d", name, got, want)
	}
}

func TestImportsFrameworkMatchesSpec(t *testing.T) {
	for _, e := range frameworkEdges {
		checkImports(t, e, []byte(e))
	}
	for name, src := range dialecttest.Inputs(t, "../..") {
		checkImports(t, name, src)
	}
	for m := range modules {
		if len(m) > maxModule {
			t.Errorf("module %q is longer than maxModule", m)
		}
	}
}

func FuzzImportsFramework(f *testing.F) {
	for _, e := range frameworkEdges {
		f.Add([]byte(e))
	}
	f.Fuzz(func(t *testing.T, src []byte) { checkImports(t, "fuzz", src) })
}

func TestDetect(t *testing.T) {
	tests := []struct {
		path, head string
		want       bool
	}{
		{"src/server.js", "const express = require('express');\n", true},
		{"src/main.ts", "import { NestFactory } from '@nestjs/core';\n", true},
		{"src/util.js", "export const add = (a, b) => a + b;\n", false},
		{"node_modules/express/index.js", "module.exports = require('express');\n", false},
		{"dist/server.js", "const express = require('express');\n", false},
		{"src/types.d.ts", "import express from 'express';\n", false},
		{"public/app.min.js", "import express from 'express';\n", false},
		{"src/bundle.js", "/******/ (() => { require('express') })();\n", false},
		{"worker.ts", "export default { fetch() { return new Response('ok', { headers: { 'Access-Control-Allow-Origin': '*' } }) } }\n", true},
		{"next.config.mjs", "export default {};\n", true},
		{"nginx.conf", "import express from 'express';\n", false},
	}
	for _, tt := range tests {
		if got := detect(tt.path, []byte(tt.head)).Confidence > 0; got != tt.want {
			t.Errorf("%s: detected %v, want %v", tt.path, got, tt.want)
		}
	}
}
