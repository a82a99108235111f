package dialect

import (
	"bytes"
	"path/filepath"
	"strings"
)

// Foreign is what a file shows of a format corslint does not read.
type Foreign struct {
	// Format names it for messages: "JavaScript or TypeScript", "HAProxy".
	Format string
	// ByName is set when the file's name alone says so.
	ByName bool
	// Lines counts lines of the head that only that format writes.
	Lines int
	// Reason, when set, is why the file is skipped, in place of "named
	// like Format" (JavaScript that answers no requests).
	Reason string
}

// foreignNames are file names and extensions of formats that sit beside
// server configurations in repositories but are none of corslint's.
var (
	foreignBases = map[string]string{
		"caddyfile": "a Caddyfile", "haproxy.cfg": "HAProxy", "traefik.toml": "Traefik",
		"dockerfile": "a Dockerfile", "makefile": "a Makefile", "jenkinsfile": "a Jenkinsfile",
		"procfile": "a Procfile", "vagrantfile": "a Vagrantfile",
	}
	foreignExts = map[string]string{
		".tf": "Terraform", ".tfvars": "Terraform", ".hcl": "HCL", ".toml": "TOML", ".ini": "INI",
		".py": "Python", ".rb": "Ruby", ".go": "Go", ".java": "Java", ".php": "PHP", ".sh": "shell",
		".md": "Markdown", ".html": "HTML", ".xml": "XML", ".lua": "Lua", ".caddy": "a Caddyfile",
	}
)

// SniffForeign looks for signs of a format corslint does not read: the
// file's name, then lines that begin the way only such a format's do
// (JavaScript declarations, HAProxy sections, Caddy directives, YAML
// keys, INI/TOML/HCL sections and assignments). Dialects that are sure of
// a file (Certain) win over it; content guesses lose to it when its lines
// outnumber theirs.
func SniffForeign(path string, head []byte) Foreign {
	base := strings.ToLower(StripTemplateExt(filepath.Base(path)))
	if f, ok := foreignBases[base]; ok {
		return Foreign{Format: f, ByName: true}
	}
	if strings.HasPrefix(base, "caddyfile") || strings.HasSuffix(base, ".caddyfile") {
		return Foreign{Format: "a Caddyfile", ByName: true}
	}
	switch filepath.Ext(base) {
	case ".js", ".mjs", ".cjs", ".jsx", ".ts", ".tsx", ".mts", ".cts":
		// The JavaScript dialect takes the files that answer requests;
		// these are the rest.
		why := GeneratedJS(path)
		switch {
		case why != "":
		case MinifiedJS(head):
			why = "minified or bundled"
		default:
			why = "it imports no HTTP framework and uses no Response API in its first 64 KiB"
		}
		return Foreign{Format: "JavaScript or TypeScript", ByName: true, Reason: "JavaScript or TypeScript, not read: " + why}
	}
	if f, ok := foreignExts[filepath.Ext(base)]; ok {
		return Foreign{Format: f, ByName: true}
	}
	counts := map[string]int{}
	best := ""
	for rest := head; len(rest) > 0; {
		line := rest
		if i := bytes.IndexByte(rest, '\n'); i >= 0 {
			line, rest = rest[:i], rest[i+1:]
		} else {
			rest = nil
		}
		if f := foreignLine(string(bytes.TrimSpace(line))); f != "" {
			counts[f]++
			if best == "" || counts[f] > counts[best] {
				best = f
			}
		}
	}
	return Foreign{Format: best, Lines: counts[best]}
}

// foreignLine names the format that a line, trimmed, can only belong to;
// "" when it could be an nginx, Apache or VCL line.
func foreignLine(t string) string {
	if t == "" || t[0] == '#' {
		return ""
	}
	first, rest, _ := strings.Cut(t, " ")
	end := t[len(t)-1]
	switch first {
	case "const", "let", "var", "import", "export", "function", "async", "await", "module.exports", "//", "/*", "'use", "\"use":
		return "JavaScript or TypeScript"
	case "frontend", "backend", "defaults", "global", "bind", "default_backend", "use_backend", "http-request", "http-response", "acl", "mode", "timeout", "option":
		if end != ';' && end != '{' {
			return "HAProxy"
		}
	case "reverse_proxy", "file_server", "php_fastcgi", "encode", "handle", "handle_path", "respond", "tls", "route":
		if end != ';' {
			return "a Caddyfile"
		}
	case "resource", "data", "variable", "provider", "module", "output":
		if strings.HasPrefix(rest, "\"") {
			return "Terraform"
		}
	}
	if strings.HasPrefix(first, "//") || strings.HasPrefix(t, "});") || strings.HasPrefix(t, "})") {
		return "JavaScript or TypeScript"
	}
	if t[0] == '@' && end == '{' {
		return "a Caddyfile" // a named matcher block
	}
	if t[0] == '[' && end == ']' && !strings.ContainsAny(t, " \t") {
		return "INI or TOML"
	}
	if t == "---" || strings.HasPrefix(t, "apiVersion:") || strings.HasPrefix(t, "kind:") || strings.HasPrefix(t, "- ") && strings.Contains(t, ": ") {
		return "YAML"
	}
	// "location = /x {" and "if ($a = b) {": a line that ends like an
	// nginx or VCL statement is no assignment of these formats.
	if k := keyEnd(t); k > 0 && k < len(t) && end != ';' && end != '{' {
		switch {
		case t[k] == ':' && (k+1 == len(t) || t[k+1] == ' '):
			return "YAML"
		case t[k] == '=' || strings.HasPrefix(t[k:], " = ") || strings.HasPrefix(t[k:], " ="):
			return "INI, TOML or HCL"
		}
	}
	return ""
}

// keyEnd returns the end of a leading key (letters, digits, _ . -), or 0.
func keyEnd(t string) int {
	i := 0
	for i < len(t) && (isWord(t[i]) || t[i] == '.' || t[i] == '-') {
		i++
	}
	return i
}

// GeneratedJS says why a JavaScript or TypeScript path holds no code
// written by hand (installed packages, build output, type declarations,
// minified files), or "".
func GeneratedJS(path string) string {
	base := strings.ToLower(filepath.Base(path))
	switch {
	case strings.HasSuffix(base, ".d.ts") || strings.HasSuffix(base, ".d.mts") || strings.HasSuffix(base, ".d.cts"):
		return "a TypeScript declaration file"
	case strings.Contains(base, ".min.") || strings.HasSuffix(base, "-min.js") || strings.Contains(base, ".bundle."):
		return "a minified or bundled file"
	}
	for _, dir := range strings.Split(filepath.ToSlash(filepath.Dir(path)), "/") {
		switch dir {
		case "node_modules", "bower_components", "jspm_packages":
			return "an installed package (in " + dir + ")"
		case "dist", "build", "out", ".next", ".nuxt", ".output", ".svelte-kit", "coverage", ".vercel", ".wrangler", ".serverless", ".aws-sam":
			return "build output (in " + dir + ")"
		}
	}
	return ""
}

// MinifiedJS reports whether a JavaScript head reads like minified or
// bundled output: a bundler's runtime, or lines far longer than anyone
// writes.
func MinifiedJS(head []byte) bool {
	for _, m := range [][]byte{[]byte("__webpack_require__"), []byte("/******/"), []byte("__esbuild_"), []byte("System.register(")} {
		if bytes.Contains(head, m) {
			return true
		}
	}
	long, lines := 0, 0
	for rest := head; len(rest) > 0 && lines < 200; lines++ {
		i := bytes.IndexByte(rest, '\n')
		if i < 0 {
			i = len(rest)
		}
		if i > 1000 {
			long++
		}
		rest = rest[min(i+1, len(rest)):]
	}
	return long > 0 && long*10 >= lines
}
