package cli

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/antwort-dev/antwort/classifier"
	"github.com/antwort-dev/antwort/report"
)

func newPolicyCmd(g *globalOptions) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "policy",
		Short: "Work on the reply policy file: fit the send rule for a target error rate, suggest thresholds",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return flagErrorf("policy needs a subcommand: fit or suggest")
		},
	}
	cmd.AddCommand(newPolicyFitCmd(g), newPolicySuggestCmd(g))
	return cmd
}

type policySuggestOptions struct {
	g      *globalOptions
	model  string
	ver    int
	data   dataOptions
	split  string
	folds  int
	advice adviceFlags
	in     string
	out    string
	dryRun bool
	format string
}

func newPolicySuggestCmd(g *globalOptions) *cobra.Command {
	o := &policySuggestOptions{g: g}
	cmd := &cobra.Command{
		Use:   "suggest --data FILE",
		Short: "Suggest per-intent confidence thresholds for automatic answers and write them into the reply policy",
		Long: `Classify held-out labelled messages (--data, optionally only the rows of
--split) with a stored intent model (--model, --version; default the active
"intent") and compute the confidence thresholds above which automatic answers
reach the target precision (--precision, default 0.95): a global one and one
per intent. An intent predicted fewer than --min-support times keeps the global
threshold.

--mode joint (default): all automatic answers together reach the target; an
intent gets a lower threshold when the model is right on it more often than
its confidence says, a higher one when less often. --mode each: every intent's
answers reach the target on their own (a guarantee per intent, less coverage).
--confidence C adds a safety margin: a set of answers counts as reaching the
target only if the lower Wilson bound of its precision at confidence C does
(use it when the thresholds must hold on new mail; needs more held-out data).

The held-out data must not have been used to train the model: a development
split, or recent mail labelled since. Or, with --advice-folds K, --data is the
model's own training data: K models, trained with the model's options (and
seed) each on K-1 stratified parts of it, predict the remaining part, and the
thresholds are fitted on these out-of-fold predictions of all of it. That
needs K trainings, but the estimates rest on every labelled message instead of
a share held out, and the model keeps all of them for training; the fold
models saw a (K-1)/K share of the data, so the advice errs on the careful side
for the model trained on all of it.

The thresholds are written into the reply policy as intent_threshold and
intent_thresholds (replacing those two, keeping every other setting and
comment): --out FILE (default policy.yaml), starting from --policy FILE if
given, else from --out if it exists. --dry-run writes nothing.

Output: the advice as one JSON object (thresholds, held-out support,
precision and the expected automation rate, overall and per intent), or a
table with --format text.`,
		Example: `  antwort policy suggest --db antwort.db --data holdout.jsonl --precision 0.95
  antwort policy suggest --data mails.jsonl --split dev --precision 0.98 --min-support 30 --out policy.yaml --format text
  antwort policy suggest --data holdout.jsonl --policy base.yaml --out tuned.yaml --mode each
  antwort policy suggest --data train.jsonl --advice-folds 5 --precision 0.95`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return runPolicySuggest(cmd.Context(), o) },
	}
	f := cmd.Flags()
	f.StringVar(&o.model, "model", "intent", "stored model to suggest thresholds for")
	f.IntVar(&o.ver, "version", 0, "version of --model (0 = active)")
	addDataFlags(cmd, &o.data)
	f.StringVar(&o.split, "split", "", "use only rows whose split field has this value")
	f.IntVar(&o.folds, "advice-folds", 0, "--data is the model's training data: fit on out-of-fold predictions of this many models trained like it (K >= 2; 0 = predict --data with the model)")
	addAdviceFlags(cmd, &o.advice)
	f.StringVar(&o.in, "policy", "", "policy file to start from (default: --out if it exists, else the built-in defaults)")
	f.StringVar(&o.out, "out", "policy.yaml", "policy file to write")
	f.BoolVar(&o.dryRun, "dry-run", false, "print the advice, write no file")
	f.StringVar(&o.format, "format", "json", "output: json or text")
	return cmd
}

// suggestResult is the JSON object policy suggest prints.
type suggestResult struct {
	Model   string `json:"model"`
	Data    string `json:"data"`
	Split   string `json:"split,omitempty"`
	Skipped int    `json:"skipped"`
	// Written is the policy file written ("" with --dry-run).
	Written string `json:"written,omitempty"`
	*report.Advice
}

func runPolicySuggest(ctx context.Context, o *policySuggestOptions) error {
	if len(o.data.paths) == 0 {
		return flagErrorf("policy suggest needs --data (held-out labelled messages)")
	}
	if err := validFormat(o.format, "json", "text"); err != nil {
		return err
	}
	aopts, err := o.advice.options()
	if err != nil {
		return err
	}
	if o.folds != 0 && o.folds < 2 {
		return flagErrorf("--advice-folds %d: need at least 2", o.folds)
	}
	if !o.dryRun && o.out == "" {
		return flagErrorf("--out is empty: give a file, or --dry-run")
	}
	// Read the starting policy first: a bad file fails before the work.
	src := o.in
	if src == "" {
		if _, err := os.Stat(o.out); err == nil {
			src = o.out
		}
	}
	var base []byte
	if src != "" {
		if base, err = os.ReadFile(src); err != nil {
			return err
		}
	}
	m, name, _, err := o.g.loadModel(ctx, o.model, o.ver)
	if err != nil {
		return err
	}
	// Without --label-field, JSONL rows without "label" use the field named
	// after the model's task.
	task := "intent"
	if o.model == "sentiment" {
		task = "sentiment"
	}
	ls, skipped, err := o.g.readLabeled(ctx, o.data, task)
	if err != nil {
		return err
	}
	ls = inSplit(ls, o.split)
	exs := examples(ls)
	if len(exs) == 0 {
		return fmt.Errorf("%s: no labelled messages%s", o.data.paths[0], splitNote(o.split))
	}
	unknown := 0
	for _, e := range exs {
		if _, ok := slices.BinarySearch(m.Labels(), e.Label); !ok {
			unknown++
		}
	}
	if unknown == len(exs) {
		return fmt.Errorf("%s: none of the %d labels is one of %s's intents; is it the right data or label field?", o.data.paths[0], len(exs), name)
	}
	if unknown > 0 {
		fmt.Fprintf(o.g.io.ErrOut, "antwort: %d of %d messages carry a label %s does not know; they count as wrong answers\n", unknown, len(exs), name)
	}
	var outs []classifier.Outcome
	if o.folds > 0 {
		if d := sameData(m.Meta(), exs); d != "" {
			fmt.Fprintf(o.g.io.ErrOut, "antwort: --advice-folds: %s was trained on other data than --data (%s); the thresholds are for a model trained on --data\n", name, d)
		}
		outs, err = o.g.outOfFold(ctx, exs, o.folds, m.Meta().Options)
	} else {
		outs, _, err = classifier.Predictions(ctx, m, exs, 0)
	}
	if err != nil {
		return err
	}
	adv, err := report.Advise(outs, m.Labels(), aopts)
	if err != nil {
		return err
	}
	adv.FitOn = strings.Join(o.data.paths, ", ") + splitNote(o.split)
	if o.folds > 0 {
		adv.FitOn += fmt.Sprintf(", out of fold (%d models)", o.folds)
	}
	if mt := m.Threshold(); mt > adv.GlobalThreshold {
		fmt.Fprintf(o.g.io.ErrOut, "antwort: %s abstains below %.3f by itself, above the suggested global threshold %.3f; lower thresholds than the model's have no effect\n", name, mt, adv.GlobalThreshold)
	}
	res := &suggestResult{Model: name, Data: strings.Join(o.data.paths, ", "), Split: o.split, Skipped: skipped, Advice: adv}
	if !o.dryRun {
		note := fmt.Sprintf("Set by 'antwort policy suggest' for %s: %s thresholds for %.3g precision, fitted on %d held-out messages of %s.\n"+
			"Expected: %.1f %% of messages pass the intent check, %.2f %% of them right (one threshold alone: %.1f %%).",
			name, adv.Mode, adv.TargetPrecision, adv.NFit, adv.FitOn, 100*adv.Expected.Coverage, 100*adv.Expected.Precision, 100*adv.Single.Coverage)
		yml, err := report.UpdatePolicy(base, adv, note)
		if err != nil {
			if src != "" {
				return fmt.Errorf("%s: %w", src, err)
			}
			return err
		}
		if err := writeFileAtomic(o.out, yml); err != nil {
			return err
		}
		res.Written = o.out
	}
	if o.format == "json" {
		if err := writeJSON(o.g.io.Out, res); err != nil {
			return err
		}
	} else {
		printAdvice(o.g, res)
	}
	if res.Written != "" {
		fmt.Fprintf(o.g.io.ErrOut, "antwort: wrote thresholds into %s\n", res.Written)
	}
	if skipped > 0 {
		return &partialError{skipped: skipped}
	}
	return nil
}

func printAdvice(g *globalOptions, r *suggestResult) {
	w := tabwriter.NewWriter(g.io.Out, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(g.io.Out, "%s, %d held-out messages of %s: %s thresholds for %.3g precision\n", r.Model, r.NFit, r.FitOn, r.Mode, r.TargetPrecision)
	fmt.Fprintln(w, "intent\tthreshold\tfrom\theld-out\tanswered\tprecision\t")
	for _, l := range slices.Sorted(maps.Keys(r.Intents)) {
		ia := r.Intents[l]
		fmt.Fprintf(w, "%s\t%.4f\t%s\t%d\t%.1f %%\t%.1f %%\t\n", l, ia.Threshold, ia.Source, ia.Support, 100*ia.Coverage, 100*ia.Precision)
	}
	w.Flush()
	fmt.Fprintf(g.io.Out, "global threshold %.4f; expected: %.1f %% answered automatically, %.2f %% of them right\n",
		r.GlobalThreshold, 100*r.Expected.Coverage, 100*r.Expected.Precision)
	single := "not reached"
	if r.SingleReached {
		single = fmt.Sprintf("%.4f", r.SingleThreshold)
	}
	fmt.Fprintf(g.io.Out, "one threshold for all (%s): %.1f %% answered, %.2f %% right\n", single, 100*r.Single.Coverage, 100*r.Single.Precision)
}

// sameData compares the labelled examples with the label counts a model was
// trained on; it returns "" when they agree, else what differs.
func sameData(meta classifier.Meta, exs []classifier.Example) string {
	counts := map[string]int{}
	for _, e := range exs {
		counts[e.Label]++
	}
	if maps.Equal(counts, meta.LabelCounts) {
		return ""
	}
	for _, l := range slices.Sorted(maps.Keys(counts)) {
		if counts[l] != meta.LabelCounts[l] {
			return fmt.Sprintf("%d examples of %q, the model %d", counts[l], l, meta.LabelCounts[l])
		}
	}
	for _, l := range slices.Sorted(maps.Keys(meta.LabelCounts)) {
		if _, ok := counts[l]; !ok {
			return fmt.Sprintf("no example of %q, the model %d", l, meta.LabelCounts[l])
		}
	}
	return "different examples"
}

// writeFileAtomic writes data to a temporary file beside path and renames
// it over path, keeping an existing file's permissions.
func writeFileAtomic(path string, data []byte) error {
	mode := fs.FileMode(0o644)
	if st, err := os.Stat(path); err == nil {
		mode = st.Mode().Perm()
	} else if !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(mode); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
