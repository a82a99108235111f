// Package rules holds corslint's checks. Each rule is a value: metadata as
// data (which drives `corslint rules`, `corslint explain`, docs/rules and
// SARIF) and a function over the model. Rules never see dialect syntax.
//
// A file that defines rules starts with the IDs it holds, so the files
// sort in catalogue order and a rule's ID finds its file: a rule of its
// own is its ID and slug (cors308_section_never_matches.go holds CORS308),
// the rules a family shares its ten with the family's name
// (cors30x_preflight.go holds CORS301 to CORS307, cors00x_registry.go the
// diagnostics and the list of every rule). A test or helper of one rule's
// file takes that name (cors602_lambda_proxy_missing_cors_test.go,
// cors003_include_matters.go). Files without an ID hold what several rules
// share: the rule and pass types, the request evaluator's answers
// (query.go), allowlist probes and repairs, the rule pages' examples.
package rules

import (
	"fmt"

	"github.com/corslint/corslint/findings"
	"github.com/corslint/corslint/model"
	"github.com/corslint/corslint/serverside"
)

// Meta describes a rule.
type Meta struct {
	ID       string // "CORS101", never reused
	Slug     string // "reflected-origin"
	Severity findings.Severity
	Summary  string // one line
	// Doc is Markdown with Why, Bad and Good sections.
	Doc string
	// SecuritySeverity is GitHub code scanning's 0.0-10.0 score.
	SecuritySeverity string
	// Diagnostic marks rules reported by parsers rather than by Run.
	Diagnostic bool
	// Dialects lists the dialects whose files the rule checks, for a rule
	// about one dialect's semantics (nginx's add_header inheritance); nil
	// for every dialect.
	Dialects []model.Dialect
}

// AppliesTo reports whether the rule checks files of dialect d.
func (m *Meta) AppliesTo(d model.Dialect) bool {
	if m.Dialects == nil {
		return true
	}
	for _, x := range m.Dialects {
		if x == d {
			return true
		}
	}
	return false
}

// Rule is one check.
type Rule struct {
	Meta
	// Run checks one file. Stack-wide rules see every file of the run in
	// Pass.Stack.
	Run func(*Pass)
}

// Options are the settings rules read.
type Options struct {
	// TrustedOrigins feeds CORS106; empty turns it off.
	TrustedOrigins []string
	// Clients are the requests a frontend makes, for CORS701.
	Clients []Client

	// onAsk, when set, is told of each response a rule asks the
	// evaluator about, and whether the evaluator decides it (else the
	// rule judges it from its statements).
	onAsk func(rule string, r *model.Response, decided bool)
}

// Pass is one rule's view of one file.
type Pass struct {
	File    *model.File
	Stack   []*model.File // every file of the run, including File
	Options *Options

	rule  *Rule
	out   []*findings.Finding
	query *serverside.Query // shared by the rules of one file
}

// Report records a finding at span with the rule's default severity and
// returns it, so the rule can adjust severity or add related locations.
func (p *Pass) Report(at model.Span, format string, args ...any) *findings.Finding {
	f := &findings.Finding{
		RuleID:   p.rule.ID,
		Slug:     p.rule.Slug,
		Severity: p.rule.Severity,
		Message:  fmt.Sprintf(format, args...),
		Span:     at,
	}
	p.out = append(p.out, f)
	return f
}

// Run applies rules to one file and returns the findings, including the
// file's own diagnostics for the diagnostic rules that are enabled.
func Run(file *model.File, stack []*model.File, rs []*Rule, opts *Options) []findings.Finding {
	var out []findings.Finding
	byID := make(map[string]*Rule, len(rs))
	for _, r := range rs {
		byID[r.ID] = r
	}
	for _, d := range file.Diagnostics {
		r, ok := byID[d.RuleID]
		if !ok || !includeMatters(file, d) {
			continue
		}
		sev := r.Severity
		if d.Note {
			sev = findings.Note
		}
		out = append(out, findings.Finding{RuleID: r.ID, Slug: r.Slug, Severity: sev, Message: d.Message, Span: d.Span})
	}
	// The evaluator's answers are computed once per file, on the first
	// rule that asks.
	q := serverside.NewQuery(file, nil)
	for _, r := range rs {
		if r.Run == nil || !r.AppliesTo(file.Dialect) {
			continue
		}
		p := &Pass{File: file, Stack: stack, Options: opts, rule: r, query: q}
		r.Run(p)
		for _, f := range p.out {
			out = append(out, *f)
		}
	}
	findings.Sort(out)
	return findings.Dedupe(out)
}
