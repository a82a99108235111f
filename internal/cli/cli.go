// Package cli is corslint's command line: flags, file discovery, dialect
// detection and exit codes.
package cli

import (
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strings"

	"github.com/mattn/go-isatty"
	"github.com/spf13/cobra"

	"github.com/corslint/corslint/findings"
	"github.com/corslint/corslint/findings/format"
	"github.com/corslint/corslint/rules"
)

// Exit codes, the same for every output format.
const (
	ExitOK       = 0 // nothing at or above --fail-on
	exitFindings = 1 // findings at or above --fail-on
	exitUsage    = 2 // bad flags, arguments or configuration
	exitInternal = 3 // corslint itself failed
)

// usageError marks errors that are the user's to fix (exit 2).
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

// exitError carries an exit code out of a command.
type exitError struct{ code int }

func (e exitError) Error() string { return fmt.Sprintf("exit %d", e.code) }

// Main runs corslint with args (without the program name) and returns the
// process exit code.
func Main(args []string, stdin io.Reader, stdout, stderr io.Writer) (code int) {
	defer func() {
		if p := recover(); p != nil {
			fmt.Fprintf(stderr, "corslint: internal error: %v\n%s", p, debug.Stack())
			code = exitInternal
		}
	}()
	root := newRoot(stdin, stdout, stderr)
	// "corslint PATH" means "corslint lint PATH".
	if len(args) == 0 || !isSubcommand(root, args[0]) {
		args = append([]string{"lint"}, args...)
	}
	root.SetArgs(args)
	err := root.Execute()
	var ee exitError
	switch {
	case err == nil:
		return ExitOK
	case errors.As(err, &ee):
		return ee.code
	}
	fmt.Fprintf(stderr, "corslint: %v\n", err)
	var ue usageError
	if errors.As(err, &ue) || strings.Contains(err.Error(), "flag") || strings.Contains(err.Error(), "unknown command") || strings.Contains(err.Error(), "arg(s)") {
		return exitUsage
	}
	return exitInternal
}

func isSubcommand(root *cobra.Command, name string) bool {
	if name == "help" || name == "--help" || name == "-h" || name == "--version" || name == "completion" {
		return true
	}
	for _, c := range root.Commands() {
		if c.Name() == name {
			return true
		}
	}
	return false
}

// version is the corslint version, from the build information.
func version() string {
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "dev"
}

func newRoot(stdin io.Reader, stdout, stderr io.Writer) *cobra.Command {
	root := &cobra.Command{
		Use:           "corslint",
		Short:         "Find CORS mistakes in nginx, Apache, AWS SAM/CloudFormation and Varnish configuration",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.AddCommand(newLint(stdin, stdout, stderr), newCheck(stdout, stderr), newRules(stdout), newExplain(stdout), newVersion(stdout),
		newBaseline(stdin, stdout, stderr), newInit(stdout))
	return root
}

func newLint(stdin io.Reader, stdout, stderr io.Writer) *cobra.Command {
	var (
		formatName string
		lf         = newLintFlags()
		rv         reviewFlags
	)
	cmd := &cobra.Command{
		Use:   "lint [PATH...]",
		Short: "Lint configuration files and directories (default: .)",
		Long: `Lint configuration files and directories. Directories are searched recursively,
skipping .git, node_modules and vendor. "-" reads standard input (name it with --stdin-filename).
Settings come from the flags, then .corslint.yaml (see corslint init), then the defaults.

Exit codes: 0 nothing at or above --fail-on, 1 findings, 2 usage or configuration error,
3 internal error.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if !validFormat(formatName) {
				return usageError{fmt.Errorf("unknown format %q (want %s)", formatName, strings.Join(format.Names, ", "))}
			}
			res, err := lf.collect(cmd.Flags(), args, stdin, stderr)
			if err != nil {
				return err
			}
			cwd, _ := os.Getwd()
			findings.RelativeMessages(res.findings, cwd)
			fs, err := rv.filter(res.findings, res.sources)
			if err != nil {
				return usageError{err}
			}
			rep := &format.Report{
				Findings: fs, Rules: rules.All(), Root: cwd, Version: version(), Files: res.files,
				Sources: func(p string) []byte { return res.sources[p] },
				Color:   formatName == "text" && useColor(stdout),
			}
			if err := format.Write(stdout, formatName, rep); err != nil {
				return fmt.Errorf("writing output: %w", err)
			}
			for _, err := range res.errs {
				fmt.Fprintf(stderr, "corslint: %v\n", err)
			}
			for _, err := range res.internal {
				fmt.Fprintf(stderr, "corslint: %v\n", err)
			}
			switch {
			case len(res.internal) > 0:
				return exitError{exitInternal}
			case len(res.errs) > 0:
				return exitError{exitUsage}
			case !res.never && failing(fs, res.threshold):
				return exitError{exitFindings}
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVarP(&formatName, "format", "f", "text", "output format: "+strings.Join(format.Names, ", "))
	lf.register(f, stderr)
	rv.register(f)
	return cmd
}

func validFormat(name string) bool {
	for _, n := range format.Names {
		if n == name {
			return true
		}
	}
	return false
}

func parseFailOn(s string) (findings.Severity, bool, error) {
	if strings.EqualFold(s, "none") {
		return 0, true, nil
	}
	sev, err := findings.ParseSeverity(s)
	if err != nil {
		return 0, false, fmt.Errorf("--fail-on: %w", err)
	}
	return sev, false, nil
}

func failing(fs []findings.Finding, threshold findings.Severity) bool {
	for _, f := range fs {
		if f.Suppressed == nil && f.Severity >= threshold {
			return true
		}
	}
	return false
}

// useColor is true only for a terminal, and never with NO_COLOR set.
func useColor(w io.Writer) bool {
	if _, ok := os.LookupEnv("NO_COLOR"); ok {
		return false
	}
	f, ok := w.(*os.File)
	return ok && (isatty.IsTerminal(f.Fd()) || isatty.IsCygwinTerminal(f.Fd()))
}

func newRules(stdout io.Writer) *cobra.Command {
	return &cobra.Command{
		Use:   "rules",
		Short: "List every rule",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			for _, r := range rules.All() {
				fmt.Fprintf(stdout, "%s  %-34s %-7s  %s\n", r.ID, r.Slug, r.Severity, r.Summary)
			}
			return nil
		},
	}
}

func newExplain(stdout io.Writer) *cobra.Command {
	return &cobra.Command{
		Use:   "explain RULE",
		Short: "Explain a rule (ID or slug): why it matters, bad and good examples",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			r, err := rules.Lookup(rules.All(), args[0])
			if err != nil {
				return usageError{err}
			}
			fmt.Fprint(stdout, rules.Markdown(r))
			return nil
		},
	}
}

func newVersion(stdout io.Writer) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the corslint version",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			fmt.Fprintf(stdout, "corslint %s\n", version())
			return nil
		},
	}
}
