// Package cli is corslint's command line: flags, file discovery, dialect
// detection and exit codes.
package cli

import (
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"slices"
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
	// "corslint --version" means "corslint version": the command rather
	// than cobra's version flag, whose template would link text/template
	// and with it every exported method of the binary's types.
	if len(args) > 0 && args[0] == "--version" {
		args = append([]string{"version"}, args[1:]...)
	}
	// "corslint PATH" means "corslint lint PATH".
	if len(args) == 0 || !isSubcommand(args[0]) {
		args = append([]string{"lint"}, args...)
	}
	root := newRoot(stdin, stdout, stderr, args[0])
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

// isSubcommand is true for the first argument of a run that is not lint's:
// a command of corslint's own or one cobra adds (help, the completion
// script and the hidden requests its shell functions make).
func isSubcommand(name string) bool {
	switch name {
	case "help", "--help", "-h", "completion", cobra.ShellCompRequestCmd, cobra.ShellCompNoDescRequestCmd:
		return true
	}
	return slices.Contains(commandNames(), name)
}

// version is the corslint version, from the build information.
func version() string {
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "dev"
}

// commandNames are corslint's commands, each built by newCommand.
func commandNames() []string {
	return []string{"lint", "check", "rules", "explain", "version", "baseline", "init"}
}

// newCommand builds the command of that name, nil for none.
func newCommand(name string, stdin io.Reader, stdout, stderr io.Writer) *cobra.Command {
	switch name {
	case "lint":
		return newLint(stdin, stdout, stderr)
	case "check":
		return newCheck(stdout, stderr)
	case "rules":
		return newRules(stdout)
	case "explain":
		return newExplain(stdout)
	case "version":
		return newVersion(stdout)
	case "baseline":
		return newBaseline(stdin, stdout, stderr)
	case "init":
		return newInit(stdout)
	}
	return nil
}

// newRoot builds the root command with the command named run alone, or
// with every command where run names none of them (help, completion):
// a run of one command has no use for the others' flag sets.
func newRoot(stdin io.Reader, stdout, stderr io.Writer, run string) *cobra.Command {
	root := &cobra.Command{
		Use:           "corslint",
		Short:         "Find CORS mistakes in nginx, Apache, AWS SAM/CloudFormation and Varnish configuration",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	if c := newCommand(run, stdin, stdout, stderr); c != nil {
		root.AddCommand(c)
		// a run of one command has no use for the completion command
		// cobra otherwise adds to every root with commands
		root.CompletionOptions.DisableDefaultCmd = true
		return root
	}
	for _, name := range commandNames() {
		root.AddCommand(newCommand(name, stdin, stdout, stderr))
	}
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
