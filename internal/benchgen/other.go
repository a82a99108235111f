package benchgen

import (
	"path"
	"strings"
)

// other writes the files around the configuration: they are walked and
// skipped, which is part of what a run over a repository costs.
func (g *gen) other(p string, size int) []byte {
	s := g.svc
	switch {
	case strings.HasSuffix(p, ".md"):
		g.f("# %s\n\nOwned by the %s team. Serves https://%s.\n\n## Running locally\n\n```sh\nmake dev\n```\n\n", s.name, s.team, s.host("api"))
		for i := 0; g.b.Len() < size; i++ {
			g.f("### Endpoint %d\n\n`GET /api/v1/%s/{id}` returns the %s with the given id; callers from %s must send credentials.\n\n", i, g.pick(nouns), g.pick(nouns), s.host(s.clients[0]))
		}
	case strings.HasSuffix(p, ".json"):
		g.f("{\n  \"name\": \"@%s/%s\",\n  \"version\": \"1.%d.%d\",\n  \"private\": true,\n  \"scripts\": {\"build\": \"tsc -p .\", \"test\": \"vitest run\"},\n  \"dependencies\": {\n", s.team, s.name, g.r.IntN(20), g.r.IntN(50))
		for i := 0; g.b.Len() < size-40; i++ {
			g.f("    \"%s-%s-%d\": \"^%d.%d.0\",\n", g.pick(nouns), g.pick(nouns), i, g.r.IntN(9), g.r.IntN(30))
		}
		g.f("    \"typescript\": \"^5.6.0\"\n  }\n}\n")
	case strings.HasSuffix(p, ".yml"):
		g.f("name: ci\non:\n  push:\n    branches: [main]\n  pull_request:\njobs:\n")
		for i := 0; g.b.Len() < size || i == 0; i++ {
			g.f("  test-%d:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: make test SERVICE=%s\n", i, s.name)
		}
	default:
		g.f("// Package %s serves %s.\npackage %s\n\nimport (\n\t\"net/http\"\n)\n\n", pkgName(p), s.name, pkgName(p))
		for i := 0; g.b.Len() < size || i == 0; i++ {
			g.f("func handle%s%d(w http.ResponseWriter, r *http.Request) {\n\tif r.Method == http.MethodOptions {\n\t\tw.WriteHeader(http.StatusNoContent)\n\t\treturn\n\t}\n\tw.Header().Set(\"Content-Type\", \"application/json\")\n\t_, _ = w.Write([]byte(`{\"ok\":true}`))\n}\n\n", title(g.pick(nouns)), i)
		}
	}
	return g.b.Bytes()
}

func pkgName(p string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' {
			return r
		}
		return -1
	}, path.Base(path.Dir(p))+"x")
}
