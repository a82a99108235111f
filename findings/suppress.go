package findings

import (
	"bytes"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/corslint/corslint/model"
)

// Inline suppressions are comments of the form
//
//	corslint:ignore CORS101,reflected-origin -- reason
//	corslint:ignore-file CORS401 -- reason
//
// in any comment syntax of the dialect. An ignore applies to the next line
// that holds code (blank and comment lines are skipped), or to its own line
// when it trails code. ignore-file applies to the whole file it is written
// in. A directive without a reason, or naming an unknown rule, is invalid:
// it suppresses nothing and is reported as CORS002, like an ignore that
// matches no finding. Parse errors (CORS001) cannot be suppressed, and
// neither can CORS002 itself (turn it off in the configuration instead).

// UnusedSuppressionID is the rule reported for unused or invalid ignores.
const UnusedSuppressionID = "CORS002"

const directivePrefix = "corslint:"

// Ignore is one corslint directive found in a comment.
type Ignore struct {
	Rules  []string // rule IDs
	Reason string
	// WholeFile is set for corslint:ignore-file.
	WholeFile bool
	// Line is the line the ignore applies to; 0 when no code follows it.
	Line int
	// Span is the comment's.
	Span model.Span
	// Problem says why the directive is invalid; "" when it is valid.
	Problem string
	// Text is the directive as written, for messages.
	Text string
}

// Suppressor applies the ignore comments of a run's files to their
// findings and remembers which ignores were used, across every file that
// shares a comment through an include.
type Suppressor struct {
	lookup func(name string) (id string, ok bool)
	ran    func(id string) bool
	uses   map[ignoreKey]*ignoreUse
}

type ignoreKey struct {
	file      string
	line, col int
}

type ignoreUse struct {
	ig   Ignore
	used map[string]bool
}

// NewSuppressor returns a Suppressor. lookup resolves a rule ID or slug;
// ran says whether a rule was run, since an ignore of a rule that did not
// run cannot be judged unused.
func NewSuppressor(lookup func(name string) (string, bool), ran func(id string) bool) *Suppressor {
	return &Suppressor{lookup: lookup, ran: ran, uses: map[ignoreKey]*ignoreUse{}}
}

// Apply marks the findings in fs that the comments suppress. comments and
// sources are those of the model file the findings were reported on.
func (s *Suppressor) Apply(fs []Finding, comments []model.Comment, sources map[string][]byte) {
	igs := ParseIgnores(comments, sources, s.lookup)
	if len(igs) == 0 {
		return
	}
	var valid []*ignoreUse
	for _, ig := range igs {
		k := ignoreKey{filepath.Clean(ig.Span.File), ig.Span.Line, ig.Span.Col}
		u := s.uses[k]
		if u == nil {
			u = &ignoreUse{ig: ig, used: map[string]bool{}}
			s.uses[k] = u
		}
		if ig.Problem == "" {
			valid = append(valid, u)
		}
	}
	for i := range fs {
		f := &fs[i]
		if f.Suppressed != nil || f.RuleID == "CORS001" || f.RuleID == UnusedSuppressionID {
			continue
		}
		file := filepath.Clean(f.Span.File)
		for _, u := range valid {
			ig := &u.ig
			if filepath.Clean(ig.Span.File) != file || !ig.WholeFile && ig.Line != f.Span.Line {
				continue
			}
			if !containsID(ig.Rules, f.RuleID) {
				continue
			}
			f.Suppressed = &Suppression{Reason: ig.Reason, Span: ig.Span}
			u.used[f.RuleID] = true
			break
		}
	}
}

// Unused returns a CORS002 finding for every invalid ignore and for every
// rule an ignore names that ran and matched nothing, at the comment.
func (s *Suppressor) Unused() []Finding {
	var out []Finding
	for _, u := range s.uses {
		ig := u.ig
		if ig.Problem != "" {
			out = append(out, unusedFinding(ig.Span, ig.Problem))
			continue
		}
		var idle []string
		for _, id := range ig.Rules {
			if !u.used[id] && (s.ran == nil || s.ran(id)) {
				idle = append(idle, id)
			}
		}
		if len(idle) == 0 {
			continue
		}
		where := fmt.Sprintf("on line %d", ig.Line)
		switch {
		case ig.WholeFile:
			where = "in this file"
		case ig.Line == 0:
			where = "because no statement follows it"
		}
		names := strings.Join(idle, ",")
		fix := "remove the comment"
		if len(idle) < len(ig.Rules) {
			fix = "remove " + names + " from it"
		}
		out = append(out, unusedFinding(ig.Span, fmt.Sprintf("this ignore suppresses no %s finding %s; %s", names, where, fix)))
	}
	Sort(out)
	return out
}

func unusedFinding(at model.Span, msg string) Finding {
	return Finding{RuleID: UnusedSuppressionID, Slug: "unused-suppression", Severity: Warning, Message: msg, Span: at}
}

func containsID(ids []string, id string) bool {
	for _, v := range ids {
		if v == id {
			return true
		}
	}
	return false
}

// ParseIgnores returns the corslint directives among comments, each with
// the line it applies to.
func ParseIgnores(comments []model.Comment, sources map[string][]byte, lookup func(string) (string, bool)) []Ignore {
	var out []Ignore
	var lines map[string]*lineInfo
	for _, c := range comments {
		text := strings.TrimSpace(c.Text)
		if !strings.HasPrefix(text, directivePrefix) {
			continue
		}
		ig := parseDirective(text, lookup)
		ig.Span = c.Span
		switch {
		case ig.WholeFile:
		case c.Trailing:
			ig.Line = c.Span.Line
		default:
			if lines == nil {
				lines = map[string]*lineInfo{}
			}
			li := lines[c.Span.File]
			if li == nil {
				li = newLineInfo(sources[c.Span.File], comments, c.Span.File)
				lines[c.Span.File] = li
			}
			ig.Line = li.nextCode(max(c.Span.EndLine, c.Span.Line) + 1)
		}
		out = append(out, ig)
	}
	return out
}

// parseDirective reads "corslint:KIND IDS -- reason".
func parseDirective(text string, lookup func(string) (string, bool)) Ignore {
	text = strings.Join(strings.Fields(text), " ") // block comments may span lines
	ig := Ignore{Text: text}
	body, reason, hasReason := strings.Cut(text, "--")
	kind, list, _ := strings.Cut(strings.TrimSpace(body), " ")
	switch kind {
	case directivePrefix + "ignore":
	case directivePrefix + "ignore-file":
		ig.WholeFile = true
	default:
		ig.Problem = fmt.Sprintf("unknown directive %q; write corslint:ignore or corslint:ignore-file", kind)
		return ig
	}
	for _, name := range strings.FieldsFunc(list, func(r rune) bool { return r == ',' || r == ' ' }) {
		id, ok := name, true
		if lookup != nil {
			id, ok = lookup(name)
		}
		switch {
		case !ok:
			ig.Problem = fmt.Sprintf("%s names unknown rule %q (see corslint rules); it suppresses nothing", kind, name)
			return ig
		case id == "CORS001":
			ig.Problem = "parse errors (CORS001) cannot be suppressed; fix the syntax instead"
			return ig
		case id == UnusedSuppressionID:
			ig.Problem = "CORS002 cannot be suppressed inline; remove the unused ignore, or turn CORS002 off in .corslint.yaml"
			return ig
		}
		if !containsID(ig.Rules, id) {
			ig.Rules = append(ig.Rules, id)
		}
	}
	if len(ig.Rules) == 0 {
		ig.Problem = fmt.Sprintf("%s names no rule; write %s CORS101 -- reason", kind, kind)
		return ig
	}
	ig.Reason = strings.TrimSpace(reason)
	if !hasReason || ig.Reason == "" {
		ig.Problem = fmt.Sprintf("%s %s has no reason, so it suppresses nothing; write %s %s -- why this is safe",
			kind, strings.Join(ig.Rules, ","), kind, strings.Join(ig.Rules, ","))
	}
	return ig
}

// lineInfo knows which lines of one file hold code.
type lineInfo struct {
	src     []byte
	starts  []int        // byte offset of each line (index 0 = line 1)
	comment map[int]bool // lines that hold only comments
}

func newLineInfo(src []byte, comments []model.Comment, file string) *lineInfo {
	li := &lineInfo{src: src, starts: []int{0}, comment: map[int]bool{}}
	for i, b := range src {
		if b == '\n' {
			li.starts = append(li.starts, i+1)
		}
	}
	for _, c := range comments {
		if c.Span.File != file || c.Trailing {
			continue
		}
		end := max(c.Span.EndLine, c.Span.Line)
		for l := c.Span.Line; l < end; l++ {
			li.comment[l] = true
		}
		// The last line of a block comment may hold code after it.
		if rest := li.line(end); c.Span.EndCol > 0 && c.Span.EndCol-1 <= len(rest) && strings.TrimSpace(string(rest[c.Span.EndCol-1:])) != "" {
			continue
		}
		li.comment[end] = true
	}
	return li
}

func (li *lineInfo) line(n int) []byte {
	if n < 1 || n > len(li.starts) {
		return nil
	}
	end := len(li.src)
	if n < len(li.starts) {
		end = li.starts[n] - 1
	}
	return bytes.TrimRight(li.src[li.starts[n-1]:end], "\r")
}

// nextCode returns the first line from n on that is neither blank nor
// comment only, or 0.
func (li *lineInfo) nextCode(n int) int {
	for ; n <= len(li.starts); n++ {
		if li.comment[n] || len(bytes.TrimSpace(li.line(n))) == 0 {
			continue
		}
		return n
	}
	return 0
}
