package nginx

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/tufanbarisyildirim/gonginx/config"
	gonginx "github.com/tufanbarisyildirim/gonginx/parser"
)

const corpusDir = "../../../shared/corpus/nginx"

// TestCrossCheck parses the shared corpus and our testdata with gonginx and
// with this parser. Wherever gonginx succeeds, both must agree on the
// sequence of directive names and arguments. The normalisations below undo
// only what gonginx does differently by design:
//
//   - gonginx keeps quotes and escapes as written, so it is compared with
//     our Raw (NameRaw for names), not Value;
//   - it keeps an if's parentheses glued to the first and last words; they
//     are stripped from its words, as we do;
//   - it groups the server blocks of http and the servers of an upstream
//     after the other children; its line numbers (the line of each
//     statement's end) restore source order;
//   - it rewrites an upstream server's parameters as address, sorted
//     key=value pairs, then flags; ours are rewritten the same way;
//   - it keeps only the name of an upstream and no parameters of server
//     and http blocks (which have none in valid configs);
//   - it re-joins Lua code from tokens, so Lua bodies are compared with all
//     whitespace removed;
//   - it keeps include directives with the parsed files beneath; they are
//     flattened in place, as we splice them.
func TestCrossCheck(t *testing.T) {
	files := testdataFiles(t)
	corpus, err := os.ReadDir(corpusDir)
	switch {
	case err == nil:
		for _, e := range corpus {
			if e.Type().IsRegular() {
				files = append(files, filepath.Join(corpusDir, e.Name()))
			}
		}
	case os.IsNotExist(err):
		t.Logf("corpus %s absent: checking testdata only", corpusDir)
	default:
		t.Fatal(err)
	}
	compared, skipped := 0, 0 // skipped: gonginx fails or is lenient
	for _, path := range files {
		t.Run(filepath.Base(path), func(t *testing.T) {
			// AllowOutsideRoot so that both parsers read the same files.
			c, err := parseFile(path, Options{AllowOutsideRoot: true})
			if err != nil {
				t.Fatal(err)
			}
			for _, d := range c.Diagnostics {
				if d.RuleID == "CORS001" {
					t.Logf("CORS001 %s: %s", strings.TrimPrefix(d.Span.String(), filepath.Dir(path)+"/"), d.Message)
				}
			}
			theirs, err := parseGonginx(path)
			if err != nil {
				skipped++
				t.Logf("gonginx fails, not compared: %v", err)
				return
			}
			if syntaxErrors(c) {
				// Files we reject but gonginx accepts must be known cases of
				// gonginx leniency; nginx rejects them too.
				if why, ok := gonginxLenient[filepath.Base(path)]; ok {
					t.Logf("not compared: %s", why)
					skipped++
					return
				}
				t.Errorf("gonginx accepts a file we report syntax errors in:\n%s", diags(c))
				return
			}
			compared++
			var want, got []string
			flattenGonginx(theirs.GetDirectives(), "", &want)
			flattenOurs(c.Directives, "", &got)
			if i := firstDiff(got, want); i >= 0 {
				t.Errorf("disagreement at directive %d:\n ours:    %s\n gonginx: %s\nours:\n%s\ngonginx:\n%s",
					i, at(got, i), at(want, i), strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
		})
	}
	t.Logf("compared %d files, %d not parsed by gonginx", compared, skipped)
	if compared == 0 {
		t.Error("no file was compared")
	}
}

// gonginxLenient lists inputs with syntax errors that gonginx accepts.
var gonginxLenient = map[string]string{
	"recover.conf": "a stray '}' at the top level ends gonginx's parse silently, dropping the rest",
}

func syntaxErrors(c *Config) bool {
	for _, d := range c.Diagnostics {
		if d.RuleID == "CORS001" {
			return true
		}
	}
	return false
}

func parseGonginx(path string) (cfg *config.Config, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("panic: %v", r)
		}
	}()
	p, err := gonginx.NewParser(path, gonginx.WithSkipValidDirectivesErr(), gonginx.WithIncludeParsing())
	if err != nil {
		return nil, err
	}
	return p.Parse()
}

func flattenGonginx(ds []config.IDirective, indent string, out *[]string) {
	ds = append([]config.IDirective(nil), ds...)
	sort.SliceStable(ds, func(i, j int) bool { return ds[i].GetLine() < ds[j].GetLine() })
	for _, d := range ds {
		if inc, ok := d.(*config.Include); ok {
			for _, c := range inc.Configs {
				flattenGonginx(c.GetDirectives(), indent, out)
			}
			continue
		}
		var args []string
		for _, p := range d.GetParameters() {
			args = append(args, p.Value)
		}
		if d.GetName() == "if" {
			args = stripIfParens(args)
		}
		line := indent + strings.Join(append([]string{d.GetName()}, args...), " ")
		switch b := d.GetBlock(); {
		case b == nil:
			*out = append(*out, line)
		case isLua(d.GetName()):
			*out = append(*out, line+" {lua "+noSpace(b.GetCodeBlock())+"}")
		default:
			*out = append(*out, line+" {")
			flattenGonginx(b.GetDirectives(), indent+"  ", out)
		}
	}
}

func flattenOurs(ds []*Directive, indent string, out *[]string) {
	for _, d := range ds {
		var args []string
		for _, a := range d.Args {
			args = append(args, a.Raw)
		}
		switch {
		case d.IsBlock && d.Name == "upstream" && len(args) > 1:
			args = args[:1]
		case d.IsBlock && (d.Name == "server" || d.Name == "http"):
			args = nil
		case !d.IsBlock && d.Name == "server":
			args = upstreamServerOrder(args)
		}
		line := indent + strings.Join(append([]string{d.NameRaw}, args...), " ")
		switch {
		case !d.IsBlock:
			*out = append(*out, line)
		case isLua(d.Name):
			*out = append(*out, line+" {lua "+noSpace(d.Body)+"}")
		default:
			*out = append(*out, line+" {")
			flattenOurs(d.Block, indent+"  ", out)
		}
	}
}

func isLua(name string) bool { return strings.HasSuffix(name, "_by_lua_block") }

func noSpace(s string) string { return strings.Join(strings.Fields(s), "") }

// stripIfParens removes the '(' glued to the first word and the ')' glued
// to the last, dropping words left empty.
func stripIfParens(args []string) []string {
	if len(args) > 0 {
		args[0] = strings.TrimPrefix(args[0], "(")
		args[len(args)-1] = strings.TrimSuffix(args[len(args)-1], ")")
	}
	var out []string
	for _, a := range args {
		if a != "" {
			out = append(out, a)
		}
	}
	return out
}

// upstreamServerOrder rewrites server parameters the way gonginx's
// UpstreamServer prints them.
func upstreamServerOrder(args []string) []string {
	if len(args) == 0 {
		return []string{""}
	}
	kv := map[string]string{}
	var flags []string
	for _, a := range args[1:] {
		if k, v, ok := strings.Cut(a, "="); ok {
			kv[k] = v
		} else {
			flags = append(flags, a)
		}
	}
	keys := make([]string, 0, len(kv))
	for k := range kv {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := []string{args[0]}
	for _, k := range keys {
		out = append(out, k+"="+kv[k])
	}
	return append(out, flags...)
}

func firstDiff(a, b []string) int {
	for i := 0; i < len(a) || i < len(b); i++ {
		if i >= len(a) || i >= len(b) || a[i] != b[i] {
			return i
		}
	}
	return -1
}

func at(s []string, i int) string {
	if i < len(s) {
		return s[i]
	}
	return "(nothing)"
}
