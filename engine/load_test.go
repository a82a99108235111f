package engine

import (
	"path/filepath"
	"testing"

	"github.com/corslint/corslint/model"
)

// TestLoadLinksHtaccess: check reads a virtual host and the .htaccess its
// DocumentRoot covers as lint does, one model holding the headers of
// both, in either order (oracle-facts §2: httpd sends both values).
func TestLoadLinksHtaccess(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"httpd.conf": `<VirtualHost *:80>
    DocumentRoot www
    <Directory www>
        AllowOverride All
    </Directory>
    Header always set Access-Control-Allow-Origin "*"
</VirtualHost>
`,
		"www/.htaccess": "Header set Access-Control-Allow-Origin \"*\"\n",
	})
	conf, ht := filepath.Join(dir, "httpd.conf"), filepath.Join(dir, "www", ".htaccess")
	for _, paths := range [][]string{{conf, ht}, {ht, conf}} {
		stack, err := Load(paths, &Options{})
		if err != nil {
			t.Fatal(err)
		}
		if len(stack) != 1 || stack[0].Path != conf {
			t.Fatalf("Load(%v): want the virtual host's model alone, got %d models", paths, len(stack))
		}
		files := map[string]bool{}
		for _, op := range stack[0].Headers {
			if op.Name == model.ACAO {
				files[op.Span.File] = true
			}
		}
		if !files[conf] || !files[ht] {
			t.Errorf("Load(%v): Access-Control-Allow-Origin statements from %v, want both files", paths, files)
		}
		if stack[0].Advice == nil {
			t.Errorf("Load(%v): the linked model has no fix advice", paths)
		}
	}
	// Alone, the .htaccess is its own model.
	stack, err := Load([]string{ht}, &Options{})
	if err != nil || len(stack) != 1 || stack[0].Path != ht {
		t.Errorf("Load(.htaccess alone) = %d models, %v", len(stack), err)
	}
	if _, err := Load([]string{filepath.Join(dir, "missing.conf")}, &Options{}); err == nil {
		t.Error("Load of a missing file: no error")
	}
}
