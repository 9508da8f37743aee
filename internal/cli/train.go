package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/antwort-dev/antwort"
	"github.com/antwort-dev/antwort/classifier"
	"github.com/antwort-dev/antwort/models"
)

type trainOptions struct {
	g          *globalOptions
	task       string
	name       string
	data       dataOptions
	split      string
	train      trainFlags
	noActivate bool
	note       string
	format     string
}

func newTrainCmd(g *globalOptions) *cobra.Command {
	o := &trainOptions{g: g}
	cmd := &cobra.Command{
		Use:   "train --task intent|sentiment --data PATH...",
		Short: "Train a model on labelled data and store it as a new version",
		Long: `Train a model on labelled data and save it in the store (--db) as the next
version of the model named after the task; the new version becomes active
unless --no-activate is given.

Data (--data, repeatable): JSONL (fields --text-field, --label-field; the
label falls back to "intent" or the task name), CSV/TSV with a header row, a
folder tree of .eml/.txt files whose folder name is the label (dir:DIR), a
tree of Maildirs whose folder name is the label (maildir:DIR; Maildir++ ".name"
folders too), or an mbox file whose mails all get --label or the file's name
(mbox:FILE), or an IMAP folder whose sub-folders are the labels
(imaps://USER@HOST/Archiv: the mails in Archiv/Kündigungen get the label
"Kündigungen"; password in ANTWORT_IMAP_PASSWORD or --imap-password-file).
Mail is parsed and cleaned as in 'antwort parse': the example is
the subject and the new text, without quoted history and signature; auto-
replies, bounces and list mail are skipped. Broken lines and files are
reported on stderr and skipped; the exit status is then 3.

Probabilities are calibrated on held-out cross-validation folds, which also
choose the SVM's C when --c is 0; their figures are stored with the model.`,
		Example: `  antwort train --task intent --data mails.jsonl
  antwort train --task sentiment --data feedback.csv --text-field body --label-field mood
  antwort train --task intent --data ./labelled/
  antwort train --task intent --data maildir:./mail/labelled
  antwort train --task intent --data mbox:refunds.mbox --label refund_request`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return runTrain(cmd.Context(), o) },
	}
	f := cmd.Flags()
	f.StringVar(&o.task, "task", "intent", "what the labels are: intent or sentiment (names the model unless --name)")
	f.StringVar(&o.name, "name", "", "model name (default: the task)")
	addDataFlags(cmd, &o.data)
	f.StringVar(&o.split, "split", "", "use only examples whose split field has this value")
	addTrainFlags(cmd, &o.train, "folds")
	f.BoolVar(&o.noActivate, "no-activate", false, "store the new version without making it active")
	f.StringVar(&o.note, "note", "", "free text stored with the version")
	f.StringVar(&o.format, "format", "json", "output: json or text")
	return cmd
}

func addDataFlags(cmd *cobra.Command, d *dataOptions) {
	f := cmd.Flags()
	f.StringArrayVar(&d.paths, "data", nil, "labelled data: .jsonl, .csv, .tsv file, folder tree, maildir:DIR, mbox:FILE, imaps://USER@HOST/FOLDER (sub-folders are the labels; repeatable)")
	f.StringVar(&d.label, "label", "", "label of every mail in an mbox file (default: the file name without extension) or in a Maildir's own cur/ and new/")
	f.StringVar(&d.textField, "text-field", "", `text field or column (default "text")`)
	f.StringVar(&d.labelField, "label-field", "", `label field or column (default "label"; in JSONL, when absent, the task name: "intent" or "sentiment")`)
	f.StringVar(&d.splitField, "split-field", "", `split field or column (default "split")`)
	f.StringVar(&d.format, "data-format", "", "force the data format: jsonl, csv, tsv, dir, maildir, mbox, text (fastText lines)")
	d.imap.register(f)
}

func addTrainFlags(cmd *cobra.Command, t *trainFlags, foldsFlag string) {
	f := cmd.Flags()
	f.StringVar(&t.kind, "kind", "svm", "algorithm: svm (accurate) or nb (complement naive Bayes, fast)")
	f.Float64Var(&t.c, "c", 0, "SVM regularisation C (0 = choose from 0.25, 0.5, 1 on held-out folds)")
	f.IntVar(&t.folds, foldsFlag, 0, "cross-validation folds for calibration (>= 2; 0 = 5 for up to 5,000 examples, else 3)")
	f.Int64Var(&t.seed, "seed", 1, "random seed; same data, options and seed give the same model")
	f.Float64Var(&t.threshold, "threshold", 0, "abstain when the top confidence is below this (0..1)")
	f.IntVar(&t.bits, "bits", 20, "feature hash space: 2^bits buckets (12..24)")
}

func validFormat(f string, allowed ...string) error {
	if slices.Contains(allowed, f) {
		return nil
	}
	return flagErrorf("--format %q: want one of %s", f, strings.Join(allowed, ", "))
}

func runTrain(ctx context.Context, o *trainOptions) error {
	if len(o.data.paths) == 0 {
		return flagErrorf("train needs --data")
	}
	if err := validFormat(o.format, "json", "text"); err != nil {
		return err
	}
	task := strings.ToLower(o.task)
	if task != "intent" && task != "sentiment" {
		return flagErrorf("--task %q: want intent or sentiment", o.task)
	}
	name := o.name
	if name == "" {
		name = task
	}
	if !models.ValidName(name) {
		return flagErrorf("--name %q: want 1..64 bytes without '/'", name)
	}
	copts, err := o.train.options()
	if err != nil {
		return err
	}
	// Open the store first: a locked or incompatible store fails before
	// minutes of training.
	store, err := o.g.openStore(false)
	if err != nil {
		return err
	}
	defer store.Close()

	ls, skipped, err := o.g.readLabeled(ctx, o.data, task)
	if err != nil {
		return err
	}
	ls = inSplit(ls, o.split)
	exs := examples(ls)
	m, dur, err := o.g.trainModel(ctx, "train "+name, exs, copts)
	if err != nil {
		return err
	}
	blob, err := m.MarshalBinary()
	if err != nil {
		return err
	}
	meta := m.Meta()
	optJSON, _ := json.Marshal(meta.Options)
	metrics := map[string]float64{"train_seconds": dur.Seconds(), "c": meta.Options.C, "temperature": meta.Temperature}
	for k, v := range meta.HeldOut {
		metrics["heldout_"+k] = v
	}
	info, err := store.Save(ctx, name, models.Info{
		Kind: string(m.Kind()), DataHash: dataHash(exs), Examples: len(exs), Labels: meta.LabelCounts,
		Options: optJSON, CodeVersion: Version, Metrics: metrics, Note: o.note,
	}, blob)
	if err != nil {
		return err
	}
	// Keep the training data with the model, so 'antwort retrain' needs
	// nothing but the store.
	if _, err := antwort.SaveTrainingData(ctx, store, exs); err != nil {
		return err
	}
	if !o.noActivate {
		if err := store.Activate(ctx, name, info.Version); err != nil {
			return err
		}
		info.Active = true
	}
	out := trainResult{
		Name: name, Version: info.Version, Active: info.Active, Kind: info.Kind, Examples: len(exs),
		Skipped: skipped, Labels: meta.LabelCounts, Features: meta.Features, C: meta.Options.C,
		HeldOut: meta.HeldOut, HeldOutLabels: labelReadiness(meta), TrainSeconds: dur.Seconds(), ModelBytes: len(blob), DataHash: info.DataHash, Store: store.Path(),
	}
	if o.format == "json" {
		enc := json.NewEncoder(o.g.io.Out)
		if err := enc.Encode(out); err != nil {
			return err
		}
	} else {
		w := o.g.io.Out
		state := "active"
		if !info.Active {
			state = "not active"
		}
		fmt.Fprintf(w, "%s version %d (%s) in %s\n", name, info.Version, state, store.Path())
		fmt.Fprintf(w, "  %d examples, %d labels, %d features, C=%g, %.1fs\n", len(exs), len(meta.LabelCounts), meta.Features, meta.Options.C, dur.Seconds())
		fmt.Fprintf(w, "  held-out (cross-validation): accuracy %.3f, ECE %.3f\n", meta.HeldOut["accuracy"], meta.HeldOut["ece"])
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "  label\texamples\theld-out precision\trecall\tautomatic answers\t")
		thin := 0
		for _, l := range slices.Sorted(maps.Keys(meta.LabelCounts)) {
			h, ok := meta.HeldOutLabels[l]
			verdict := meta.Readiness(l)
			if verdict != "" {
				thin++
			} else {
				verdict = "enough data to try"
			}
			prec, rec := "-", "-"
			if ok {
				prec, rec = fmt.Sprintf("%.2f", h.Precision()), fmt.Sprintf("%.2f", h.Recall())
			}
			fmt.Fprintf(tw, "  %s\t%d\t%s\t%s\t%s\t\n", l, meta.LabelCounts[l], prec, rec, verdict)
		}
		tw.Flush()
		if task == "intent" {
			fmt.Fprintf(w, "  %d of %d labels too thin or too often confused for automatic answers; 'antwort policy fit --max-wrong P' measures what the others reach\n",
				thin, len(meta.LabelCounts))
		}
	}
	if skipped > 0 {
		return &partialError{skipped: skipped}
	}
	return nil
}

// labelReady is one label's held-out figures and readiness in train's
// JSON output.
type labelReady struct {
	classifier.LabelHeldOut
	Precision float64 `json:"precision"`
	Recall    float64 `json:"recall"`
	// Thin says why the data is not enough for automatic answers; empty
	// when it is enough to try.
	Thin string `json:"thin,omitempty"`
}

func labelReadiness(meta classifier.Meta) map[string]labelReady {
	out := map[string]labelReady{}
	for l := range meta.LabelCounts {
		h := meta.HeldOutLabels[l]
		out[l] = labelReady{LabelHeldOut: h, Precision: h.Precision(), Recall: h.Recall(), Thin: meta.Readiness(l)}
	}
	return out
}

type trainResult struct {
	Name     string             `json:"name"`
	Version  int                `json:"version"`
	Active   bool               `json:"active"`
	Kind     string             `json:"kind"`
	Examples int                `json:"examples"`
	Skipped  int                `json:"skipped"`
	Labels   map[string]int     `json:"labels"`
	Features int                `json:"features"`
	C        float64            `json:"c"`
	HeldOut  map[string]float64 `json:"held_out"`
	// HeldOutLabels gives per label the held-out figures and whether its
	// data is enough to try automatic answers.
	HeldOutLabels map[string]labelReady `json:"held_out_labels,omitempty"`
	TrainSeconds  float64               `json:"train_seconds"`
	ModelBytes    int                   `json:"model_bytes"`
	DataHash      string                `json:"data_hash"`
	Store         string                `json:"store"`
}
