package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/spf13/cobra"

	"github.com/antwort-dev/antwort"
	"github.com/antwort-dev/antwort/models"
	"github.com/antwort-dev/antwort/server"
)

type retrainOptions struct {
	g         *globalOptions
	model     string
	data      dataOptions
	force     bool
	dryRun    bool
	tolerance float64
	holdOut   int
	note      string
	format    string
	remote    remoteOptions
}

func newRetrainCmd(g *globalOptions) *cobra.Command {
	o := &retrainOptions{g: g}
	cmd := &cobra.Command{
		Use:   "retrain [--model intent|sentiment|all] [--force] [--dry-run]",
		Short: "Train a candidate from base data plus feedback; promote it only if it is not worse",
		Long: `Train a candidate model from the base training data (kept in the store with the
active model by 'antwort train'; or --data) plus the agents' feedback (new
intents included), then evaluate the candidate and the active model on the same
held-out data — every fifth row of the base data and of the feedback, chosen by
a hash of the text or message id, which retrained models never train on — and
on the most recent held-out feedback (shadow evaluation). The candidate is
saved and, unless its accuracy on either is more than --tolerance below the
active model's, activated. --force activates it anyway; --dry-run saves
nothing. Every retrain is recorded in the audit trail ('antwort models audit').

When the active model was trained on the held-out rows (by 'antwort train'),
the comparison on them uses its recipe re-fit without them, so that neither
side has seen the test.

With a running 'antwort serve', the server retrains and swaps the new model in.
Output: the report as JSON (one object per model) or text. A refused candidate
is not an error (exit status 0; "promoted": false).`,
		Example: `  antwort retrain --db antwort.db
  antwort retrain --model all --dry-run --format text
  antwort retrain --force --note "agents relabelled the March backlog"`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return runRetrain(cmd.Context(), o) },
	}
	f := cmd.Flags()
	f.StringVar(&o.model, "model", "intent", "model to retrain: intent, sentiment or all")
	addDataFlags(cmd, &o.data)
	f.BoolVar(&o.force, "force", false, "activate the candidate even if it is worse")
	f.BoolVar(&o.dryRun, "dry-run", false, "train and evaluate only; save nothing")
	f.Float64Var(&o.tolerance, "tolerance", antwort.DefaultTolerance, "how much lower the candidate's accuracy may be (0.01 = one percentage point)")
	f.IntVar(&o.holdOut, "hold-out", antwort.DefaultHoldOut, "hold out one row in N for the comparison")
	f.StringVar(&o.note, "note", "", "note stored with the candidate")
	f.StringVar(&o.format, "format", "json", "output: json or text")
	addRemoteFlags(f, &o.remote)
	return cmd
}

func runRetrain(ctx context.Context, o *retrainOptions) error {
	if err := validFormat(o.format, "json", "text"); err != nil {
		return err
	}
	var names []string
	switch o.model {
	case "intent", "sentiment":
		names = []string{o.model}
	case "all":
		names = []string{antwort.IntentModel, antwort.SentimentModel}
	default:
		return flagErrorf("--model %q: want intent, sentiment or all", o.model)
	}
	if o.holdOut < 2 {
		return flagErrorf("--hold-out %d: need at least 2", o.holdOut)
	}
	if o.tolerance < 0 || o.tolerance > 1 {
		return flagErrorf("--tolerance %v: must lie in [0,1]", o.tolerance)
	}
	tol := o.tolerance
	if tol == 0 {
		tol = -1 // antwort: exactly not worse
	}
	var reports []*antwort.RetrainReport
	remoteFn := func(r *remote) error {
		if len(o.data.paths) > 0 {
			return flagErrorf("--data: %s retrains from the data in the store; stop it to retrain from other data", r)
		}
		for _, name := range names {
			var rep antwort.RetrainReport
			req := server.RetrainRequest{Name: name, Force: o.force, DryRun: o.dryRun, Tolerance: &o.tolerance, HoldOut: o.holdOut, Note: o.note}
			err := r.call(ctx, http.MethodPost, "/v1/retrain", req, &rep)
			if skipSentiment(name, o.model, err) {
				continue
			}
			if err != nil {
				return err
			}
			reports = append(reports, &rep)
		}
		return nil
	}
	localFn := func(s *models.Store) error {
		for _, name := range names {
			ro := antwort.RetrainOptions{Name: name, Force: o.force, DryRun: o.dryRun, Tolerance: tol, HoldOut: o.holdOut,
				Note: o.note, CodeVersion: Version, Logger: o.g.logger, Workers: 2}
			if len(o.data.paths) > 0 {
				ls, skipped, err := o.g.readLabeled(ctx, o.data, name)
				if err != nil {
					return err
				}
				if skipped > 0 {
					return fmt.Errorf("--data: %d input(s) skipped (see above); fix them so the base data is complete", skipped)
				}
				ro.Base = examples(ls)
			}
			fmt.Fprintf(o.g.io.ErrOut, "antwort: retraining %s ...\n", name)
			rep, err := antwort.Retrain(localActor(ctx), s, ro)
			if skipSentiment(name, o.model, err) {
				continue
			}
			if err != nil {
				return err
			}
			reports = append(reports, rep)
		}
		return nil
	}
	if err := o.g.viaServer(ctx, o.remote, remoteFn, localFn); err != nil {
		return err
	}
	return printRetrain(o.g.io.Out, o.format, reports)
}

// skipSentiment reports whether err only says that --model all found no
// trained sentiment model (the lexicon is in use), which is fine.
func skipSentiment(name, model string, err error) bool {
	return err != nil && model == "all" && name == antwort.SentimentModel && errors.Is(err, models.ErrNotFound) &&
		!strings.Contains(err.Error(), "training data")
}

func printRetrain(w io.Writer, format string, reports []*antwort.RetrainReport) error {
	if format == "json" {
		enc := json.NewEncoder(w)
		enc.SetEscapeHTML(false)
		for _, r := range reports {
			if err := enc.Encode(r); err != nil {
				return err
			}
		}
		return nil
	}
	for _, r := range reports {
		state := "REFUSED"
		switch {
		case r.DryRun:
			state = "DRY RUN"
		case r.Forced:
			state = "PROMOTED (forced)"
		case r.Promoted:
			state = "PROMOTED"
		}
		fmt.Fprintf(w, "%s: %s — %s\n", r.Name, state, r.Decision)
		if r.Candidate > 0 {
			fmt.Fprintf(w, "  candidate version %d (active was %d)\n", r.Candidate, r.Active)
		}
		fmt.Fprintf(w, "  data: %d base rows (%d held out), %d feedback examples (%d trained, %d held out, %d without text)\n",
			r.BaseExamples, r.BaseHeldOut, r.Feedback, r.FeedbackTrain, r.FeedbackHeldOut, r.FeedbackSkipped)
		if len(r.NewLabels) > 0 {
			fmt.Fprintf(w, "  new labels: %s\n", strings.Join(r.NewLabels, ", "))
		}
		for _, c := range []struct {
			what string
			c    antwort.Comparison
		}{{"held-out rows", r.HeldOut}, {"recent feedback", r.Recent}} {
			if c.c.N == 0 {
				fmt.Fprintf(w, "  %-16s none\n", c.what+":")
				continue
			}
			fmt.Fprintf(w, "  %-16s n=%d  accuracy %.3f → %.3f  macro-F1 %.3f → %.3f  (vs %s)\n", c.what+":", c.c.N,
				c.c.ActiveAccuracy, c.c.CandidateAccuracy, c.c.ActiveMacroF1, c.c.CandidateMacroF1, c.c.Reference)
		}
	}
	return nil
}
