package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"runtime"
	"runtime/pprof"
	"time"

	"github.com/spf13/cobra"

	"github.com/antwort-dev/antwort/internal/buildinfo"
	"github.com/antwort-dev/antwort/models"
)

// Version is antwort's version (see internal/buildinfo), recorded with
// every trained model.
var Version = buildinfo.Read().Version

// globalOptions are the flags every command shares.
type globalOptions struct {
	io          IOStreams
	db          string
	lockTimeout time.Duration
	verbose     bool
	cpuProfile  string
	stopProfile func()
	memProfile  string
	logFormat   string
	logLevel    string
	logger      *slog.Logger
	redact      *redactWriter     // in front of stderr: keeps secrets out
	fromEnv     map[string]string // flag name -> the variable it was set from
}

// setupLogging makes g.logger from --log-format, --log-level and -v.
func (g *globalOptions) setupLogging() error {
	var level slog.Level
	if err := level.UnmarshalText([]byte(g.logLevel)); err != nil {
		return flagErrorf("--log-level %q: want debug, info, warn or error", g.logLevel)
	}
	if g.verbose {
		level = slog.LevelDebug
	}
	ho := &slog.HandlerOptions{Level: level}
	switch g.logFormat {
	case "text":
		g.logger = slog.New(slog.NewTextHandler(g.io.ErrOut, ho))
	case "json":
		g.logger = slog.New(slog.NewJSONHandler(g.io.ErrOut, ho))
	default:
		return flagErrorf("--log-format %q: want text or json", g.logFormat)
	}
	return nil
}

// say tells the operator what a long-running command (serve, worker) is
// doing: a line "antwort: …" on stderr, or with --log-format json a log
// record of level INFO, whatever --log-level says, so stderr stays one
// JSON object per line.
func (g *globalOptions) say(format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	if g.logFormat == "json" {
		_ = g.logger.Handler().Handle(context.Background(), slog.NewRecord(time.Now(), slog.LevelInfo, msg, 0))
		return
	}
	fmt.Fprintf(g.io.ErrOut, "antwort: %s\n", msg)
}

// Main runs the antwort command line with args (without the program name)
// and returns the process exit code.
func Main(ctx context.Context, args []string, streams IOStreams) int {
	// Notices come from several goroutines (IMAP reconnections).
	red := &redactWriter{w: &lockedWriter{w: streams.ErrOut}}
	streams.ErrOut = red
	g := &globalOptions{io: streams, redact: red}
	root := newRootCmd(g)
	root.SetArgs(args)
	root.SetIn(streams.In)
	root.SetOut(streams.Out)
	root.SetErr(streams.ErrOut)
	// Every change a command makes to the store is recorded in the audit
	// trail as "cli:user@host" (the server records its clients its own way).
	cmd, err := root.ExecuteContextC(localActor(ctx))
	if errors.Is(err, errPrinted) {
		err = nil
	}
	if g.stopProfile != nil {
		g.stopProfile()
	}
	code := exitCode(err)
	if err != nil && g.logFormat == "json" && g.logger != nil {
		g.logger.Error(err.Error(), slog.Int("exit", code))
		return code
	}
	if err != nil {
		fmt.Fprintln(streams.ErrOut, errorText(err, cmd, g))
		if fe, ok := err.(*FlagError); ok && fe != nil {
			fmt.Fprintln(streams.ErrOut, "Run 'antwort --help' for usage.")
		}
	}
	return code
}

func newRootCmd(g *globalOptions) *cobra.Command {
	root := &cobra.Command{
		Use:   "antwort",
		Short: "Classify customer mail by intent and sentiment, and learn from labelled mail",
		Long: `antwort tags customer messages (e-mail, chat, social posts; German and English)
with an intent and a sentiment, with calibrated confidence, and abstains when unsure.
Models are trained on labelled mail and kept, versioned, in a bbolt file (--db).

Every flag can also be set in the environment: ANTWORT_<COMMAND>_<FLAG> for one
command (ANTWORT_SERVE_ADDR), else ANTWORT_<FLAG> for all (ANTWORT_DB, ANTWORT_KB,
ANTWORT_LOG_FORMAT); upper case, '-' as '_'; lists comma-separated; with _FILE
appended, a file holding the value (ANTWORT_SMTP_FILE). The command line wins.
Keep secrets off the command line: --token-file, ANTWORT_TOKEN, --nats-creds,
--smtp-password-file or ANTWORT_SMTP_PASSWORD, ANTWORT_SMTP(_FILE) and
ANTWORT_NATS(_FILE) for URLs with a password.

Quick start:
  antwort demo                 # trains on built-in sample mails, classifies and answers a sample inbox
  antwort demo --dir .         # the same, and keeps the models (antwort.db) and knowledge base (kb/) here
  echo "Wo bleibt meine Bestellung 4711?" | antwort classify --format text
  echo "Ich habe mein Passwort vergessen." | antwort reply --format text
Your own mail: antwort train --task intent --data DIR (one folder of mails per
intent), then antwort kb import --kb kb ARTICLES_DIR; see README.md.

` + exitHelp,
		SilenceUsage:  true,
		SilenceErrors: true,
		Version:       Version,
		PersistentPreRunE: func(cmd *cobra.Command, args []string) error {
			if err := g.bindEnv(cmd, os.LookupEnv); err != nil {
				return err
			}
			if err := g.setupLogging(); err != nil {
				return err
			}
			if g.cpuProfile != "" {
				f, err := os.Create(g.cpuProfile)
				if err != nil {
					return err
				}
				if err := pprof.StartCPUProfile(f); err != nil {
					f.Close()
					return err
				}
				g.stopProfile = func() { pprof.StopCPUProfile(); f.Close() }
			}
			if g.memProfile != "" {
				runtime.MemProfileRate = 64 << 10
				stop := g.stopProfile
				g.stopProfile = func() {
					if stop != nil {
						stop()
					}
					if f, err := os.Create(g.memProfile); err == nil {
						_ = pprof.Lookup("allocs").WriteTo(f, 0)
						f.Close()
					}
				}
			}
			return nil
		},
	}
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error { return &FlagError{Err: err} })
	root.PersistentFlags().StringVar(&g.db, "db", "antwort.db", "model store file")
	root.PersistentFlags().DurationVar(&g.lockTimeout, "lock-timeout", time.Second, "how long to wait for a store locked by another process")
	root.PersistentFlags().BoolVarP(&g.verbose, "verbose", "v", false, "log details to stderr (--log-level debug)")
	root.PersistentFlags().StringVar(&g.logFormat, "log-format", "text", "log lines on stderr: text or json (one JSON object per line)")
	root.PersistentFlags().StringVar(&g.logLevel, "log-level", "warn", "least level logged: debug, info, warn or error")
	root.PersistentFlags().StringVar(&g.cpuProfile, "cpuprofile", "", "write a CPU profile to this file")
	_ = root.PersistentFlags().MarkHidden("cpuprofile")
	root.PersistentFlags().StringVar(&g.memProfile, "memprofile", "", "write an allocation profile to this file at the end")
	_ = root.PersistentFlags().MarkHidden("memprofile")
	root.AddCommand(newTrainCmd(g), newClassifyCmd(g), newEvalCmd(g), newModelsCmd(g), newKBCmd(g), newReplyCmd(g), newDemoCmd(g), newVersionCmd(g))
	root.AddCommand(newPolicyCmd(g), newInitCmd(g))
	root.AddCommand(newParseCmd(g))
	root.AddCommand(newServeCmd(g), newRetrainCmd(g), newHealthcheckCmd(g))
	root.AddCommand(newBatchCmd(g))
	root.AddCommand(newPublishCmd(g), newWorkerCmd(g))
	root.SetHelpCommand(&cobra.Command{Hidden: true})
	return root
}

func (g *globalOptions) openStore(readOnly bool) (*models.Store, error) {
	s, err := models.Open(g.db, &models.Options{ReadOnly: readOnly, Timeout: g.lockTimeout})
	if errors.Is(err, models.ErrLocked) {
		// Say who holds it when it is our own server.
		if f, ok, _ := readServerFile(g.db); ok {
			return nil, fmt.Errorf("%w: antwort serve (pid %d, %s) owns %s; use its API, or stop it first", err, f.PID, f.URL, g.db)
		}
	}
	return s, err
}

func newVersionCmd(g *globalOptions) *cobra.Command {
	var format string
	cmd := &cobra.Command{
		Use:   "version",
		Short: "Print antwort's version, commit, Go version, model format and store schema",
		Long: `Print the version of this antwort binary: the module version (a release tag,
a version the Go toolchain derived from the commit, or "(devel)"), the commit
and its time, whether the work tree had changes, the Go release that built it,
and the model format and store schema it reads and writes. The same build
information is stored with every model version it saves.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			b := buildinfo.Read()
			switch format {
			case "json":
				return json.NewEncoder(g.io.Out).Encode(map[string]any{"version": b.Version, "commit": b.Commit, "time": b.Time,
					"modified": b.Modified, "go": b.GoVersion, "model_format": classifierFormat(), "store_schema": models.SchemaVersion})
			case "text":
			default:
				return flagErrorf("--format %q: want text or json", format)
			}
			fmt.Fprintf(g.io.Out, "antwort %s\n", b.Short())
			if b.Commit != "" {
				mod := ""
				if b.Modified {
					mod = ", modified"
				}
				fmt.Fprintf(g.io.Out, "  commit        %s (%s%s)\n", b.Commit, orDash(b.Time), mod)
			}
			fmt.Fprintf(g.io.Out, "  go            %s\n  model format  %d\n  store schema  %d\n", b.GoVersion, classifierFormat(), models.SchemaVersion)
			return nil
		},
	}
	cmd.Flags().StringVar(&format, "format", "text", "output: text or json")
	return cmd
}

func noArgs(cmd *cobra.Command, args []string) error {
	if len(args) > 0 {
		return flagErrorf("%s takes no arguments, got %q", cmd.CommandPath(), args)
	}
	return nil
}

func exactArgs(n int, names string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) != n {
			return flagErrorf("%s needs %s", cmd.CommandPath(), names)
		}
		return nil
	}
}
