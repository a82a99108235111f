package cli

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/corslint/corslint/engine"
	"github.com/corslint/corslint/findings"
	"github.com/corslint/corslint/internal/config"
	"github.com/corslint/corslint/model"
	"github.com/corslint/corslint/rules"
)

// lintFlags are the settings `lint` and `baseline` share. Command-line
// flags win over .corslint.yaml, which wins over the defaults.
type lintFlags struct {
	failOn         string
	enable         []string
	disable        []string
	trusted        []string
	configPath     string
	noInlineIgnore bool
	// clients are the requests a frontend makes (.corslint.yaml clients:).
	clients []rules.Client
	// nginxPrefix and apacheRoot fill o.BaseDir.
	nginxPrefix string
	apacheRoot  string
	verbose     bool
	o           engine.Options
}

func newLintFlags() *lintFlags {
	return &lintFlags{o: engine.Options{MaxFileSize: engine.DefaultMaxFileSize}}
}

func (lf *lintFlags) register(f *pflag.FlagSet) {
	f.StringVar(&lf.failOn, "fail-on", "warning", "lowest severity that makes the exit code 1: error, warning, note or none")
	f.StringSliceVar(&lf.enable, "enable", nil, "run only these rules (IDs or slugs, comma-separated); CORS001 always runs")
	f.StringSliceVar(&lf.disable, "disable", nil, "do not run these rules (IDs or slugs, comma-separated)")
	f.StringSliceVar(&lf.trusted, "trusted-origin", nil, "an origin the configuration may allow (turns on CORS106); repeatable")
	f.StringVar(&lf.nginxPrefix, "nginx-prefix", "", "directory that relative nginx includes fall back to (default: the top file's directory)")
	f.StringVar(&lf.apacheRoot, "apache-root", "", "httpd's ServerRoot, for relative Apache includes (default: the top file's directory)")
	f.BoolVar(&lf.o.AllowOutsideRoot, "allow-outside-root", false, "follow includes that leave the linted directory")
	f.StringVar(&lf.o.StdinFilename, "stdin-filename", "", "file name to use for standard input (\"-\"), which also decides its format")
	f.Int64Var(&lf.o.MaxFileSize, "max-file-size", engine.DefaultMaxFileSize, "files larger than this many bytes are reported, not read")
	f.IntVarP(&lf.o.Jobs, "jobs", "j", runtime.GOMAXPROCS(0), "files parsed in parallel")
	f.StringVar(&lf.configPath, "config", "", "configuration file (default: .corslint.yaml in the working directory or a parent, up to the repository root)")
	f.BoolVar(&lf.noInlineIgnore, "no-inline-ignore", false, "ignore corslint:ignore comments (for audits)")
	f.BoolVar(&lf.o.SkipUnknown, "skip-unknown", false, "skip named files that are not recognised as a supported configuration, as a directory walk does (for hooks that pass every *.conf)")
	f.BoolVarP(&lf.verbose, "verbose", "v", false, "say on standard error why each file found is skipped")
}

// lintOutcome is what a run found, before review filters and output.
type lintOutcome struct {
	findings  []findings.Finding
	sources   map[string][]byte
	files     int
	threshold findings.Severity
	never     bool // --fail-on none
	errs      []error
	internal  []error
	// cfg is the configuration in effect (nil: none); its clients and
	// stack are for the simulation.
	cfg *config.Config
}

// collect loads the configuration, applies it under the flags, and lints
// args.
func (lf *lintFlags) collect(flags *pflag.FlagSet, args []string, stdin io.Reader, stderr io.Writer) (*lintOutcome, error) {
	if len(args) == 0 {
		args = []string{"."}
	}
	cfg, err := loadConfig(lf.configPath)
	if err != nil {
		return nil, usageError{err}
	}
	lf.apply(flags, cfg)
	threshold, never, err := parseFailOn(lf.failOn)
	if err != nil {
		return nil, usageError{err}
	}
	rs, err := selectRules(rules.All(), lf.enable, lf.disable)
	if err != nil {
		return nil, usageError{err}
	}
	lf.o.Rules = ruleLevels(rs, cfg, lf.enable, &lf.o)
	lf.o.RuleOptions = &rules.Options{TrustedOrigins: lf.trusted, Clients: lf.clients}
	lf.o.BaseDir = map[model.Dialect]string{model.Nginx: lf.nginxPrefix, model.Apache: lf.apacheRoot}
	if lf.verbose {
		lf.o.Skipped = func(path, why string) { fmt.Fprintf(stderr, "corslint: skipped %s: %s\n", path, why) }
	}
	res := engine.Lint(args, stdin, &lf.o)
	for _, n := range res.Notes {
		fmt.Fprintf(stderr, "corslint: note: %s\n", n)
	}
	return &lintOutcome{findings: res.Findings, sources: res.Sources, files: res.Files, threshold: threshold, never: never, errs: res.Errs, internal: res.Internal, cfg: cfg}, nil
}

// loadConfig reads the file named by --config, or the one found from the
// working directory upward; nil when there is none.
func loadConfig(path string) (*config.Config, error) {
	if path == "" {
		cwd, err := os.Getwd()
		if err != nil {
			return nil, fmt.Errorf("finding the configuration: %w", err)
		}
		if path, err = config.Find(cwd); err != nil || path == "" {
			return nil, err
		}
		// Name it as the user would reach it from here.
		if rel, err := filepath.Rel(cwd, path); err == nil {
			path = rel
		}
	}
	return config.Load(path, lookupRule)
}

func lookupRule(name string) (string, error) {
	r, err := rules.Lookup(rules.All(), name)
	if err != nil {
		return "", err
	}
	return r.ID, nil
}

// apply fills every setting the command line left unset from cfg.
func (lf *lintFlags) apply(flags *pflag.FlagSet, cfg *config.Config) {
	lf.o.NoInlineIgnore = lf.noInlineIgnore
	if cfg == nil {
		return
	}
	set := func(name string) bool { return flags.Changed(name) }
	if cfg.FailOn != "" && !set("fail-on") {
		lf.failOn = cfg.FailOn
	}
	if cfg.TrustedOrigins != nil && !set("trusted-origin") {
		lf.trusted = cfg.TrustedOrigins
	}
	if cfg.NginxPrefix != "" && !set("nginx-prefix") {
		lf.nginxPrefix = cfg.NginxPrefix
	}
	if cfg.ApacheRoot != "" && !set("apache-root") {
		lf.apacheRoot = cfg.ApacheRoot
	}
	if len(cfg.Exclude) > 0 {
		lf.o.Exclude = cfg.Excluded
	}
	if len(cfg.Stack) > 0 {
		lf.o.StackRank = cfg.StackRank
	}
	for _, c := range cfg.Clients {
		lf.clients = append(lf.clients, rules.Client{Origin: c.Origin, Methods: c.Methods, Headers: c.Headers, Credentials: c.Credentials, Paths: c.Paths})
	}
}

// ruleLevels drops the rules the configuration turns off (unless --enable
// names them) and records the severities it overrides.
func ruleLevels(rs []*rules.Rule, cfg *config.Config, enable []string, o *engine.Options) []*rules.Rule {
	if cfg == nil || len(cfg.Rules) == 0 {
		return rs
	}
	named := map[string]bool{}
	for _, n := range splitList(enable) {
		if id, err := lookupRule(n); err == nil {
			named[id] = true
		}
	}
	o.Severity = map[string]findings.Severity{}
	var out []*rules.Rule
	for _, r := range rs {
		lvl, ok := cfg.Rules[r.ID]
		if !ok {
			out = append(out, r)
			continue
		}
		if lvl == config.LevelOff {
			if named[r.ID] {
				out = append(out, r)
			}
			continue
		}
		sev, err := findings.ParseSeverity(string(lvl))
		if err == nil {
			o.Severity[r.ID] = sev
		}
		out = append(out, r)
	}
	return out
}

// newInit writes a commented starter configuration.
func newInit(stdout io.Writer) *cobra.Command {
	var force bool
	cmd := &cobra.Command{
		Use:   "init [FILE]",
		Short: "Write a commented starter .corslint.yaml",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			path := config.FileNames[0]
			if len(args) == 1 {
				path = args[0]
			}
			flag := os.O_WRONLY | os.O_CREATE | os.O_EXCL
			if force {
				flag = os.O_WRONLY | os.O_CREATE | os.O_TRUNC
			}
			f, err := os.OpenFile(path, flag, 0o644)
			if errors.Is(err, os.ErrExist) {
				return usageError{fmt.Errorf("%s exists; pass --force to replace it", path)}
			}
			if err != nil {
				return usageError{fmt.Errorf("writing %s: %w", path, err)}
			}
			if _, err := io.WriteString(f, config.Starter); err != nil {
				f.Close()
				return fmt.Errorf("writing %s: %w", path, err)
			}
			if err := f.Close(); err != nil {
				return fmt.Errorf("writing %s: %w", path, err)
			}
			fmt.Fprintf(stdout, "wrote %s\n", filepath.ToSlash(path))
			return nil
		},
	}
	cmd.Flags().BoolVar(&force, "force", false, "replace an existing file")
	return cmd
}
