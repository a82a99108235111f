package engine

import (
	"path/filepath"
	"testing"

	"github.com/corslint/corslint/model"
	"github.com/corslint/corslint/rules"
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

// TestLinkSharedHtaccess: two configurations whose servers read the same
// .htaccess are linked at once, each with it.
func TestLinkSharedHtaccess(t *testing.T) {
	vhost := `<VirtualHost *:80>
    DocumentRoot www
    <Directory www>
        AllowOverride All
    </Directory>
    Header always set Access-Control-Allow-Origin "*"
</VirtualHost>
`
	files := map[string]string{"www/.htaccess": "Header set Access-Control-Allow-Origin \"*\"\n"}
	for _, n := range []string{"a.conf", "b.conf", "c.conf", "d.conf"} {
		files[n] = vhost
	}
	dir := writeTree(t, files)
	res := Lint([]string{dir}, nil, &Options{Rules: rules.All(), Jobs: 4})
	if len(res.Internal) > 0 {
		t.Fatal(res.Internal)
	}
	n := 0
	for _, f := range res.Findings {
		if f.RuleID == "CORS501" {
			n++
		}
	}
	// One finding at the .htaccess statement (findings are deduplicated
	// by position), and each vhost is one linked file.
	if n == 0 || res.Files != 4 {
		t.Errorf("%d CORS501 findings over %d files, want some over 4 (the .htaccess linked)", n, res.Files)
	}
}
