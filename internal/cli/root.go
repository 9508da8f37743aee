package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"runtime"
	"runtime/pprof"
	"time"

	"github.com/spf13/cobra"

	"github.com/antwort-dev/antwort/models"
)

// Version is antwort's version, recorded with every trained model.
const Version = "0.1.0"

// globalOptions are the flags every command shares.
type globalOptions struct {
	io          IOStreams
	db          string
	lockTimeout time.Duration
	verbose     bool
	cpuProfile  string
	stopProfile func()
	memProfile  string
	logger      *slog.Logger
}

// Main runs the antwort command line with args (without the program name)
// and returns the process exit code.
func Main(ctx context.Context, args []string, streams IOStreams) int {
	streams.ErrOut = &lockedWriter{w: streams.ErrOut} // notices come from several goroutines
	g := &globalOptions{io: streams}
	root := newRootCmd(g)
	root.SetArgs(args)
	root.SetIn(streams.In)
	root.SetOut(streams.Out)
	root.SetErr(streams.ErrOut)
	err := root.ExecuteContext(ctx)
	if errors.Is(err, errPrinted) {
		err = nil
	}
	if g.stopProfile != nil {
		g.stopProfile()
	}
	code := exitCode(err)
	if err != nil && code != ExitPartial {
		fmt.Fprintf(streams.ErrOut, "antwort: %v\n", err)
		if fe, ok := err.(*FlagError); ok && fe != nil {
			fmt.Fprintln(streams.ErrOut, "Run 'antwort --help' for usage.")
		}
	} else if err != nil {
		fmt.Fprintf(streams.ErrOut, "antwort: %v\n", err)
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

Quick start:
  antwort demo                                           # trains on the built-in sample and classifies a sample inbox
  antwort train --task intent --data mails.jsonl         # trains and activates a new intent model version
  echo "Wo bleibt meine Bestellung 4711?" | antwort classify --format text

` + exitHelp,
		SilenceUsage:  true,
		SilenceErrors: true,
		Version:       Version,
		PersistentPreRunE: func(cmd *cobra.Command, args []string) error {
			level := slog.LevelWarn
			if g.verbose {
				level = slog.LevelDebug
			}
			g.logger = slog.New(slog.NewTextHandler(g.io.ErrOut, &slog.HandlerOptions{Level: level}))
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
	def := envOr("ANTWORT_DB", "antwort.db")
	root.PersistentFlags().StringVar(&g.db, "db", def, "model store file (env ANTWORT_DB)")
	root.PersistentFlags().DurationVar(&g.lockTimeout, "lock-timeout", time.Second, "how long to wait for a store locked by another process")
	root.PersistentFlags().BoolVarP(&g.verbose, "verbose", "v", false, "log details to stderr")
	root.PersistentFlags().StringVar(&g.cpuProfile, "cpuprofile", "", "write a CPU profile to this file")
	_ = root.PersistentFlags().MarkHidden("cpuprofile")
	root.PersistentFlags().StringVar(&g.memProfile, "memprofile", "", "write an allocation profile to this file at the end")
	_ = root.PersistentFlags().MarkHidden("memprofile")
	root.AddCommand(newTrainCmd(g), newClassifyCmd(g), newEvalCmd(g), newModelsCmd(g), newKBCmd(g), newReplyCmd(g), newDemoCmd(g), newVersionCmd(g))
	root.AddCommand(newPolicyCmd(g))
	root.AddCommand(newParseCmd(g))
	root.AddCommand(newServeCmd(g), newRetrainCmd(g))
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
	return &cobra.Command{
		Use:   "version",
		Short: "Print antwort's version",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			fmt.Fprintf(g.io.Out, "antwort %s (model format %d, store schema %d)\n", Version, classifierFormat(), models.SchemaVersion)
			return nil
		},
	}
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
