package apache

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/corslint/corslint/source"
)

func writeTree(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, text := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// rel makes temporary paths in rendered output stable.
func rel(dir, s string) string {
	return strings.ReplaceAll(s, dir+string(filepath.Separator), "")
}

func parseFile(t *testing.T, path string, o Options) *Config {
	t.Helper()
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return Parse(path, src, o)
}

func TestIncludes(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"httpd.conf": "Define CONF conf.d\n" +
			"Include ${CONF}/*.conf\n" +
			"Include snippets\n" +
			"Include missing.conf\n" +
			"IncludeOptional optional/*.conf\n" +
			"IncludeOptional optional.conf\n" +
			"Include nothing/*.conf\n" +
			"Include /etc/apache2/mods-enabled/*.load\n" +
			"<VirtualHost *:80>\n" +
			"  include conf.d/b.conf\n" +
			"</VirtualHost>\n",
		"conf.d/b.conf":       "Header set B 1\n",
		"conf.d/a.conf":       "# from a\nHeader set A 1\n",
		"conf.d/.hidden.conf": "Hidden 1\n",
		"snippets/z/y.conf":   "Y 1\n",
		"snippets/x.conf":     "X 1\n",
	})
	c := parseFile(t, filepath.Join(dir, "httpd.conf"), Options{})
	wantTree := lines(
		"1:1-1:19 Define [1:8-1:12 CONF] [1:13-1:19 conf.d]",
		`2:1-2:23 Include [2:9-2:23 ${CONF}/*.conf ="conf.d/*.conf"]`,
		"2:1-2:15 Header [2:8-2:11 set] [2:12-2:13 A] [2:14-2:15 1] via=httpd.conf:2:1",
		"1:1-1:15 Header [1:8-1:11 set] [1:12-1:13 B] [1:14-1:15 1] via=httpd.conf:2:1",
		"3:1-3:17 Include [3:9-3:17 snippets]",
		"1:1-1:4 X [1:3-1:4 1] via=httpd.conf:3:1",
		"1:1-1:4 Y [1:3-1:4 1] via=httpd.conf:3:1",
		"4:1-4:21 Include [4:9-4:21 missing.conf]",
		"5:1-5:32 IncludeOptional [5:17-5:32 optional/*.conf]",
		"6:1-6:30 IncludeOptional [6:17-6:30 optional.conf]",
		"7:1-7:23 Include [7:9-7:23 nothing/*.conf]",
		"8:1-8:41 Include [8:9-8:41 /etc/apache2/mods-enabled/*.load]",
		"9:1-11:15 <VirtualHost [9:14-9:18 *:80]> close=11:1-11:15",
		"  10:3-10:24 include [10:11-10:24 conf.d/b.conf]",
		"  1:1-1:15 Header [1:8-1:11 set] [1:12-1:13 B] [1:14-1:15 1] via=httpd.conf:10:3",
	)
	if got := rel(dir, dump(c.Directives)); got != wantTree {
		t.Errorf("tree:\n%s\nwant:\n%s", got, wantTree)
	}
	wantDiags := lines(
		`4:9-4:21 CORS003 include "missing.conf" matches no file (httpd refuses to start; IncludeOptional would skip it)`,
		`7:9-7:23 CORS003 include "nothing/*.conf" matches no file (httpd refuses to start; IncludeOptional would skip it)`,
		`8:9-8:41 CORS003 (note) include "/etc/apache2/mods-enabled/*.load" is outside the linted root; not read (use --allow-outside-root)`,
	)
	if got := diags(c); got != wantDiags {
		t.Errorf("diagnostics:\n%s\nwant:\n%s", got, wantDiags)
	}
	if len(c.Comments) != 1 || c.Comments[0].Text != " from a" || len(c.Comments[0].Span.Via) != 1 {
		t.Errorf("comments from included files: %+v", c.Comments)
	}
	var sources []string
	for p := range c.Sources {
		sources = append(sources, filepath.ToSlash(rel(dir, p)))
	}
	sort.Strings(sources)
	if got := strings.Join(sources, " "); got != "conf.d/a.conf conf.d/b.conf httpd.conf snippets/x.conf snippets/z/y.conf" {
		t.Errorf("sources: %s", got)
	}
}

func TestIncludeCycle(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"httpd.conf": "Include a.conf\n",
		"a.conf":     "Include b.conf\n",
		"b.conf":     "Include a.conf\nHeader set X 1\n",
	})
	c := parseFile(t, filepath.Join(dir, "httpd.conf"), Options{})
	want := lines("1:1-1:15 CORS001 include cycle: a.conf -> b.conf -> a.conf")
	if got := rel(dir, diags(c)); got != want {
		t.Errorf("diagnostics:\n%s\nwant:\n%s", got, want)
	}
	if c.Diagnostics[0].Span.File != filepath.Join(dir, "b.conf") || len(c.Diagnostics[0].Span.Via) != 2 {
		t.Errorf("the cycle is reported at the include that closes it, with its chain: %+v", c.Diagnostics[0].Span)
	}
}

// TestServerRoot: relative includes resolve against ServerRoot (a
// ServerRoot directive inside the linted root, or the option), then beside
// the including file, then above the top file, for repositories that keep
// sites-available/ next to conf-available/.
func TestServerRoot(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"etc/apache2/apache2.conf":              "ServerRoot etc/apache2\nInclude conf-enabled/cors.conf\n",
		"etc/apache2/conf-enabled/cors.conf":    "Header always set Access-Control-Allow-Origin *\n",
		"sites-available/api.conf":              "Include conf-available/cors.conf\n",
		"conf-available/cors.conf":              "Header always set Access-Control-Allow-Origin *\n",
		"root/conf/x.conf":                      "Header set X 1\n",
		"other/site.conf":                       "Include conf/x.conf\n",
		"etc/apache2/conf-enabled/.unused.conf": "",
	})
	c := parseFile(t, filepath.Join(dir, "etc/apache2/apache2.conf"), Options{Root: dir, ServerRoot: dir})
	if len(c.Diagnostics) != 0 || !strings.HasSuffix(c.ServerRoot, filepath.FromSlash("etc/apache2")) || len(c.Sources) != 2 {
		t.Errorf("ServerRoot directive: %s %v %d", c.ServerRoot, c.Diagnostics, len(c.Sources))
	}
	c = parseFile(t, filepath.Join(dir, "sites-available/api.conf"), Options{Root: dir})
	if len(c.Diagnostics) != 0 || len(c.Sources) != 2 {
		t.Errorf("include beside sites-available: %v", c.Diagnostics)
	}
	c = parseFile(t, filepath.Join(dir, "other/site.conf"), Options{Root: dir, ServerRoot: filepath.Join(dir, "root")})
	if len(c.Diagnostics) != 0 || len(c.Sources) != 2 {
		t.Errorf("--apache-root: %v", c.Diagnostics)
	}
}

func TestIncludeUnreadable(t *testing.T) {
	c := Parse("/x/httpd.conf", []byte("Include secret.conf\n"), Options{FS: deniedFS{}})
	want := lines(`1:9-1:20 CORS001 cannot read include "secret.conf": permission denied`)
	if got := diags(c); got != want {
		t.Errorf("got %s want %s", got, want)
	}
}

// deniedFS refuses to read any file.
type deniedFS struct{ source.Map }

func (deniedFS) ReadFile(string, int64) ([]byte, error) { return nil, os.ErrPermission }

// TestIncludeLinkCycle: a file reached again through a symbolic link is
// the same file. A link to the top file closes the cycle at its first
// include, so the top file's directives are not spliced a second time.
func TestIncludeLinkCycle(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"httpd.conf":    "Header set Top 1\nInclude self.conf\n",
		"site.conf":     "Include conf.d\n",
		"conf.d/a.conf": "Header set A 1\n",
	})
	if err := os.Symlink(filepath.Join(dir, "httpd.conf"), filepath.Join(dir, "self.conf")); err != nil {
		t.Skipf("no symbolic links here: %v", err)
	}
	if err := os.Symlink(dir, filepath.Join(dir, "conf.d", "up")); err != nil {
		t.Fatal(err)
	}
	c := parseFile(t, filepath.Join(dir, "httpd.conf"), Options{})
	if got, want := rel(dir, diags(c)), lines("2:1-2:18 CORS001 include cycle: httpd.conf -> self.conf"); got != want {
		t.Errorf("diagnostics:\n%s\nwant:\n%s", got, want)
	}
	headers := 0
	for _, d := range c.Directives {
		if d.Is("Header") {
			headers++
		}
	}
	if headers != 1 {
		t.Errorf("%d Header directives, want the top file's one", headers)
	}

	// A directory include through a directory that links back to its
	// parent reads each file once and ends (httpd would recurse to its
	// nesting limit and refuse to start).
	c = parseFile(t, filepath.Join(dir, "site.conf"), Options{})
	var files []string
	for p := range c.Sources {
		files = append(files, filepath.ToSlash(rel(dir, p)))
	}
	sort.Strings(files)
	if got, want := strings.Join(files, " "), "conf.d/a.conf conf.d/up/httpd.conf conf.d/up/self.conf site.conf"; got != want {
		t.Errorf("sources: got %s, want %s", got, want)
	}
	if got := rel(dir, diags(c)); !strings.Contains(got, "CORS001 include cycle: site.conf -> conf.d/up/site.conf") {
		t.Errorf("diagnostics:\n%s", got)
	}
}
