package oracle

import (
	"fmt"
	"os"
	"path/filepath"
)

// WriteApp writes an application scenario's code into dir under the
// names the harness gives it (worker.js, nginx.conf in front of
// app/app.js, or the scenario's own file) and returns their paths,
// outermost first, as a stack: lists them.
func WriteApp(dir string, s Scenario, v Vars) ([]string, error) {
	name := s.AppFile
	switch {
	case s.Server == "workerd":
		name = "worker.js"
	case s.Server == "nginx":
		name = "nginx.conf"
	case name == "":
		name = "app.js"
	}
	files := []struct{ name, text string }{{name, s.Config}}
	if s.UpstreamApp != "" {
		files = append(files, struct{ name, text string }{filepath.Join("app", "app.js"), s.UpstreamApp})
	}
	var paths []string
	for _, f := range files {
		text, err := Expand(f.text, v)
		if err != nil {
			return nil, fmt.Errorf("scenario %s: %w", s.Name, err)
		}
		p := filepath.Join(dir, f.name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return nil, fmt.Errorf("scenario %s: %w", s.Name, err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			return nil, fmt.Errorf("scenario %s: %w", s.Name, err)
		}
		paths = append(paths, p)
	}
	return paths, nil
}
