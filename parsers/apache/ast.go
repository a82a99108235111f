// Package apache reads Apache httpd configuration (httpd.conf, virtual
// hosts, .htaccess) into a tree of directives and sections with exact
// positions, comments and resolved includes, and lowers it into the model
// with httpd's own semantics: mod_headers' two tables, the order sections
// merge in, mod_setenvif and mod_rewrite for the origin and preflights.
package apache

import (
	"strings"

	"github.com/corslint/corslint/model"
)

// Directive is one configuration line, or a section with its children.
type Directive struct {
	// Name is as written, without the '<' of a section; directive names
	// are case-insensitive, so compare with Is.
	Name    string
	Args    []Arg
	Section bool
	// Children of a section; includes are already spliced in.
	Children []*Directive
	// Span: Line/Col of the name (of the '<' for a section); the end is the
	// end of the logical line, or of the closing tag for a section. Via is
	// the include chain, outermost first.
	Span model.Span
	// Close is the span of a section's closing tag; zero when unclosed.
	Close model.Span
	// Inactive is set on the children of a false <IfDefine>: httpd never
	// reads them, so lowering skips them.
	Inactive bool
}

// Arg is one argument of a directive.
type Arg struct {
	// Value is unquoted, with httpd's escapes resolved (\\ and, inside
	// quotes, \" or \') and ${VAR} from Define substituted.
	Value string
	Raw   string     // as written, with quotes, continuation lines joined
	Quote byte       // 0, '"' or '\''
	Span  model.Span // of the argument as written
}

// Is reports whether d is named name, case-insensitively as httpd does.
func (d *Directive) Is(name string) bool { return strings.EqualFold(d.Name, name) }

// Arg returns the value of the i-th argument, or "".
func (d *Directive) Arg(i int) string {
	if i < 0 || i >= len(d.Args) {
		return ""
	}
	return d.Args[i].Value
}

// ArgsText joins the argument values with spaces.
func (d *Directive) ArgsText() string {
	parts := make([]string, len(d.Args))
	for i, a := range d.Args {
		parts[i] = a.Value
	}
	return strings.Join(parts, " ")
}

// Config is a parsed file with its includes resolved.
type Config struct {
	Path string
	// Directives are the top level, with includes spliced in place of the
	// Include directive.
	Directives []*Directive
	// Comments holds every comment of every file read, Text without '#'.
	Comments []model.Comment
	// Sources holds the text of every file read, by the path used in spans.
	Sources map[string][]byte
	// Diagnostics: CORS001 for syntax errors, CORS003 for includes that
	// match nothing.
	Diagnostics []model.Diagnostic
	// ServerRoot is the directory relative paths resolve against.
	ServerRoot string
}

// walkDirectives visits ds and their children in pre-order, skipping inactive ones.
// parents lists the enclosing sections, outermost first; the slice is
// reused, so copy it to keep it. When fn returns false, d's children are
// skipped.
func walkDirectives(ds []*Directive, fn func(d *Directive, parents []*Directive) bool) {
	var parents []*Directive
	var walk func([]*Directive)
	walk = func(ds []*Directive) {
		for _, d := range ds {
			if d.Inactive || !fn(d, parents) || len(d.Children) == 0 {
				continue
			}
			parents = append(parents, d)
			walk(d.Children)
			parents = parents[:len(parents)-1]
		}
	}
	walk(ds)
}
