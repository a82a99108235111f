// Package precision keeps corslint's findings on a corpus of public
// configurations in step with a reviewed snapshot: every finding marked
// true (right and worth a reviewer's time), noise (right, not worth it) or
// wrong. A change in findings fails until the snapshot is reviewed again.
package precision

import (
	"bufio"
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/corslint/corslint/internal/cli"
)

var update = flag.Bool("update", false, "rewrite the snapshot; new findings are marked unreviewed, which fails until reviewed")

const snapshot = "review.tsv"

// otherFormats are the corpus directories of formats corslint does not
// read; findings there are left out of the figures (detection's business).
var otherFormats = map[string]bool{"haproxy": true, "js": true, "k8s": true, "terraform": true, "traefik": true}

type entry struct {
	verdict, rule, at, head, note string
}

func (e entry) key() string { return e.rule + "\t" + e.at + "\t" + e.head }

// corpusDir finds the corpus: $CORSLINT_CORPUS, or a shared/corpus
// directory beside the checkout or one of its parents.
func corpusDir(t *testing.T) string {
	if d := os.Getenv("CORSLINT_CORPUS"); d != "" {
		return d
	}
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for d := wd; ; d = filepath.Dir(d) {
		c := filepath.Join(d, "shared", "corpus")
		if st, err := os.Stat(c); err == nil && st.IsDir() {
			return c
		}
		if filepath.Dir(d) == d {
			return ""
		}
	}
}

// head is the start of a message, enough to tell findings apart without
// tying the snapshot to every word.
func head(msg string) string {
	r := []rune(msg)
	if len(r) > 90 {
		r = r[:90]
	}
	return strings.ReplaceAll(string(r), "\t", " ")
}

func TestCorpusPrecision(t *testing.T) {
	dir := corpusDir(t)
	if dir == "" {
		t.Skip("no shared/corpus beside the checkout (set CORSLINT_CORPUS)")
	}
	snap, err := filepath.Abs(snapshot)
	if err != nil {
		t.Fatal(err)
	}
	t.Chdir(dir)
	var out, errOut bytes.Buffer
	if code := cli.Main([]string{"lint", "--format", "json", "--fail-on", "none", "."}, strings.NewReader(""), &out, &errOut); code != cli.ExitOK {
		t.Fatalf("corslint exited %d: %s", code, errOut.String())
	}
	var fs []struct {
		Rule, File, Message string
		Line                int
	}
	if err := json.Unmarshal(out.Bytes(), &fs); err != nil {
		t.Fatal(err)
	}
	var got []entry
	for _, f := range fs {
		got = append(got, entry{rule: f.Rule, at: fmt.Sprintf("%s:%d", filepath.ToSlash(f.File), f.Line), head: head(f.Message)})
	}
	sort.Slice(got, func(i, j int) bool { return got[i].key() < got[j].key() })

	reviewed, err := read(snap)
	if err != nil && !(*update && os.IsNotExist(err)) {
		t.Fatal(err)
	}
	byKey := map[string]entry{}
	for _, e := range reviewed {
		byKey[e.key()] = e
	}
	if *update {
		for i, g := range got {
			if e, ok := byKey[g.key()]; ok {
				got[i].verdict, got[i].note = e.verdict, e.note
			} else {
				got[i].verdict = "unreviewed"
			}
		}
		if err := write(snap, got); err != nil {
			t.Fatal(err)
		}
		reviewed = got
		byKey = map[string]entry{}
		for _, e := range got {
			byKey[e.key()] = e
		}
	}

	seen := map[string]bool{}
	for _, g := range got {
		seen[g.key()] = true
		if _, ok := byKey[g.key()]; !ok {
			t.Errorf("new finding, not in %s (run go test ./internal/precision -update and review it): %s %s %s", snapshot, g.rule, g.at, g.head)
		}
	}
	counts := map[string]int{}
	total := 0
	for _, e := range reviewed {
		if !seen[e.key()] {
			t.Errorf("reviewed finding no longer reported (run -update if that is right): %s %s %s", e.rule, e.at, e.head)
			continue
		}
		switch e.verdict {
		case "true", "noise", "wrong":
		default:
			t.Errorf("%s %s: verdict %q; review it as true, noise or wrong", e.rule, e.at, e.verdict)
		}
		if otherFormats[strings.SplitN(e.at, "/", 2)[0]] {
			continue
		}
		counts[e.verdict]++
		total++
	}
	if total == 0 {
		return
	}
	right := counts["true"] + counts["noise"]
	precision := float64(right) / float64(total)
	noise := float64(counts["noise"]) / float64(total)
	t.Logf("%d findings: %d true, %d noise, %d wrong; precision %.1f%%, noise %.1f%%", total, counts["true"], counts["noise"], counts["wrong"], 100*precision, 100*noise)
	if precision < 0.97 {
		t.Errorf("precision %.1f%% is below 97%%", 100*precision)
	}
	if noise > 0.10 {
		t.Errorf("noise %.1f%% is above 10%%", 100*noise)
	}
}

// read loads the snapshot: verdict, rule, file:line, message head and the
// reviewer's note, tab-separated; # starts a comment.
func read(path string) ([]entry, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []entry
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for n := 1; sc.Scan(); n++ {
		l := sc.Text()
		if l == "" || strings.HasPrefix(l, "#") {
			continue
		}
		p := strings.Split(l, "\t")
		if len(p) < 4 {
			return nil, fmt.Errorf("%s:%d: want verdict, rule, file:line, message head and a note, tab-separated", path, n)
		}
		e := entry{verdict: p[0], rule: p[1], at: p[2], head: p[3]}
		if len(p) > 4 {
			e.note = p[4]
		}
		out = append(out, e)
	}
	return out, sc.Err()
}

func write(path string, es []entry) error {
	var b strings.Builder
	b.WriteString("# Every finding corslint reports on shared/corpus, reviewed by reading the configuration\n")
	b.WriteString("# (and, where unsure, the server's documentation or a run of the real server).\n")
	b.WriteString("# verdict: true (right, worth a reviewer's time), noise (right, not worth it), wrong.\n")
	b.WriteString("# verdict\trule\tfile:line\tmessage head\tnote\n")
	for _, e := range es {
		fmt.Fprintf(&b, "%s\t%s\t%s\t%s\t%s\n", e.verdict, e.rule, e.at, e.head, e.note)
	}
	return os.WriteFile(path, []byte(b.String()), 0o644)
}
