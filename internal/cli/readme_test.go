package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	yaml "go.yaml.in/yaml/v4"

	"github.com/corslint/corslint/findings"
	"github.com/corslint/corslint/internal/config"
	"github.com/corslint/corslint/model"
)

// The README's integration snippets are meant to be copied; these tests
// run them. The pre-commit snippet runs through real pre-commit in
// scripts/ci-integrations.

func readme(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// snippets returns the fenced blocks that follow <!-- name --> up to the
// next heading or marker.
func snippets(t *testing.T, text, name string) []string {
	t.Helper()
	i := strings.Index(text, "<!-- "+name+" -->")
	if i < 0 {
		t.Fatalf("README.md has no <!-- %s --> snippet", name)
	}
	rest := text[i+len(name)+9:]
	if j := regexp.MustCompile(`(?m)^(## |<!-- )`).FindStringIndex(rest); j != nil {
		rest = rest[:j[0]]
	}
	var out []string
	for _, m := range regexp.MustCompile("(?s)```[a-z]*\n(.*?)```").FindAllStringSubmatch(rest, -1) {
		out = append(out, m[1])
	}
	if len(out) == 0 {
		t.Fatalf("<!-- %s --> has no code block", name)
	}
	return out
}

func TestReadmeConfigDecodes(t *testing.T) {
	src := snippets(t, readme(t), "corslint-yaml")[0]
	cfg, err := config.Parse(".corslint.yaml", []byte(src), lookupRule)
	if err != nil {
		t.Fatal(err)
	}
	if len(cfg.TrustedOrigins) == 0 || len(cfg.Rules) == 0 || len(cfg.Exclude) == 0 || len(cfg.Clients) == 0 || len(cfg.Stack) == 0 || cfg.FailOn == "" {
		t.Errorf("the example leaves keys out: %+v", cfg)
	}
	// Every key the decoder knows is shown.
	for _, k := range []string{"trusted-origins:", "rules:", "exclude:", "fail-on:", "nginx-prefix:", "apache-root:", "clients:", "stack:"} {
		if !strings.Contains(src, k) {
			t.Errorf("the example does not show %s", k)
		}
	}
}

// TestReadmeSuppressNginx lints the nginx suppression example: clean with
// the comments, the named findings without them.
func TestReadmeSuppressNginx(t *testing.T) {
	src := snippets(t, readme(t), "suppress-nginx")[0]
	p := filepath.Join(t.TempDir(), "site.conf")
	if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	var out, errb bytes.Buffer
	if code := Main([]string{"--fail-on", "note", p}, nil, &out, &errb); code != ExitOK || out.Len() > 0 {
		t.Errorf("exit %d with the ignores:\n%s%s", code, out.String(), errb.String())
	}
	out.Reset()
	Main([]string{"--no-inline-ignore", p}, nil, &out, &errb)
	for _, want := range []string{"CORS101 reflected-origin", "CORS304 missing-always"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("without the ignores, %s is missing:\n%s", want, out.String())
		}
	}
}

// TestReadmeDirectivesValid parses every corslint directive the README
// shows, in any dialect: none may be malformed.
func TestReadmeDirectivesValid(t *testing.T) {
	text := readme(t)
	n := 0
	for _, l := range strings.Split(text, "\n") {
		i := strings.Index(l, "corslint:ignore")
		if i < 0 || !strings.Contains(l, " -- ") || strings.Contains(l, "`corslint:") {
			continue
		}
		body := strings.TrimSuffix(strings.TrimSpace(l[i:]), "*/")
		igs := findings.ParseIgnores([]model.Comment{{Text: body, Span: model.Span{File: "x", Line: 1}}},
			map[string][]byte{"x": []byte("x\ny\n")}, func(name string) (string, bool) {
				id, err := lookupRule(name)
				return id, err == nil
			})
		if len(igs) != 1 || igs[0].Problem != "" {
			t.Errorf("README directive %q: %+v", body, igs)
		}
		n++
	}
	if n < 5 {
		t.Errorf("found %d directives in the README; want the examples of every dialect", n)
	}
}

// TestReadmeWorkflows checks that the workflow examples are valid YAML
// that use what they should, and that the inputs table matches action.yml.
func TestReadmeWorkflows(t *testing.T) {
	text := readme(t)
	var scan struct {
		Permissions map[string]string `yaml:"permissions"`
		Jobs        map[string]struct {
			Steps []struct {
				Uses string            `yaml:"uses"`
				Run  string            `yaml:"run"`
				With map[string]string `yaml:"with"`
			} `yaml:"steps"`
		} `yaml:"jobs"`
	}
	if err := yaml.Unmarshal([]byte(snippets(t, text, "code-scanning-workflow")[0]), &scan); err != nil {
		t.Fatal(err)
	}
	if scan.Permissions["security-events"] != "write" {
		t.Error("the code scanning workflow must grant security-events: write")
	}
	uses := false
	for _, s := range scan.Jobs["corslint"].Steps {
		uses = uses || strings.HasPrefix(s.Uses, "corslint/corslint@")
	}
	if !uses {
		t.Error("the code scanning workflow does not use the action")
	}
	var review struct {
		Jobs map[string]struct {
			Steps []struct {
				Run string `yaml:"run"`
			} `yaml:"steps"`
		} `yaml:"jobs"`
	}
	if err := yaml.Unmarshal([]byte(snippets(t, text, "review-workflow")[0]), &review); err != nil {
		t.Fatal(err)
	}
	var runs strings.Builder
	for _, s := range review.Jobs["corslint"].Steps {
		runs.WriteString(s.Run + "\n")
	}
	for _, want := range []string{"--format github --new-from-rev", "--format markdown"} {
		if !strings.Contains(runs.String(), want) {
			t.Errorf("the review workflow does not run corslint %s", want)
		}
	}

	b, err := os.ReadFile(filepath.Join("..", "..", "action.yml"))
	if err != nil {
		t.Fatal(err)
	}
	var action struct {
		Inputs map[string]struct {
			Default string `yaml:"default"`
		} `yaml:"inputs"`
	}
	if err := yaml.Unmarshal(b, &action); err != nil {
		t.Fatal(err)
	}
	_, table, ok := strings.Cut(text, "<!-- action-inputs -->")
	if !ok {
		t.Fatal("README.md has no <!-- action-inputs --> table")
	}
	table, _, _ = strings.Cut(strings.TrimLeft(table, "\n"), "\n\n")
	for name, in := range action.Inputs {
		row := regexp.MustCompile("(?m)^\\| `" + regexp.QuoteMeta(name) + "` \\|([^|]*)\\|").FindStringSubmatch(table)
		if row == nil {
			t.Errorf("README's inputs table lacks %s", name)
			continue
		}
		if got := strings.Trim(strings.TrimSpace(row[1]), "`"); got != in.Default {
			t.Errorf("README says input %s defaults to %q; action.yml says %q", name, got, in.Default)
		}
	}
	if rows := strings.Count(table, "\n| `"); rows != len(action.Inputs) {
		t.Errorf("README's inputs table has %d rows; action.yml has %d inputs", rows, len(action.Inputs))
	}
}

// TestHookFilePattern checks the pre-commit hook's file pattern (a Python
// regex written to also be valid RE2) on names it must and must not pass.
func TestHookFilePattern(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "..", ".pre-commit-hooks.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var hooks []struct {
		ID            string   `yaml:"id"`
		Entry         string   `yaml:"entry"`
		Language      string   `yaml:"language"`
		Files         string   `yaml:"files"`
		RequireSerial *bool    `yaml:"require_serial"`
		Types         []string `yaml:"types"`
	}
	if err := yaml.Unmarshal(b, &hooks); err != nil {
		t.Fatal(err)
	}
	if len(hooks) != 1 || hooks[0].ID != "corslint" || hooks[0].Language != "golang" || hooks[0].RequireSerial == nil || *hooks[0].RequireSerial {
		t.Fatalf("hooks: %+v", hooks)
	}
	re := regexp.MustCompile(hooks[0].Files)
	for _, name := range []string{
		"nginx.conf", "deploy/nginx/site.conf", "etc/nginx/sites-available/default", "conf.d/api.conf",
		"api.nginx", "templates/default.conf.j2", "vhost.conf.erb", "public/.htaccess", "httpd.conf",
		"apache2/sites-enabled/000-default", "template.yaml", "infra/stack.yml", "cdk.out/x.template.json",
		"varnish/default.vcl", "tests/cors.vtc",
	} {
		if !re.MatchString(name) {
			t.Errorf("the hook does not pass %s", name)
		}
	}
	for _, name := range []string{"main.go", "README.md", "nginx/README.md", "Dockerfile", "conf.d/notes.txt", "a.confx"} {
		if re.MatchString(name) {
			t.Errorf("the hook passes %s", name)
		}
	}
	if !strings.Contains(hooks[0].Entry, "--skip-unknown") {
		t.Error("the hook must skip files that are no web server configuration")
	}
}
