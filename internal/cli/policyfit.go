package cli

import (
	"context"
	"fmt"
	"net/mail"
	"os"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/antwort-dev/antwort"
	"github.com/antwort-dev/antwort/ingest"
	"github.com/antwort-dev/antwort/kb"
	"github.com/antwort-dev/antwort/models"
	"github.com/antwort-dev/antwort/reply"
	"github.com/antwort-dev/antwort/report"
	"github.com/antwort-dev/antwort/trust"
)

type policyFitOptions struct {
	g        *globalOptions
	data     dataOptions
	split    string
	kbDir    string
	maxWrong float64
	level    float64
	folds    int
	feedback bool
	in       string
	out      string
	dryRun   bool
	format   string
}

func newPolicyFitCmd(g *globalOptions) *cobra.Command {
	o := &policyFitOptions{g: g}
	cmd := &cobra.Command{
		Use:   "fit --data DIR --kb DIR --max-wrong 0.01",
		Short: "Fit the send rule for a target error rate on your own labelled mail",
		Long: `Answer the question to ask before switching automatic answers on: what share
of mail goes out by itself, and how many of those answers will be wrong?

policy fit trains --folds intent models (default 5) like the active one, each
without one part of the labelled data (--data: the team's mail in folders per
intent, JSONL, …), and lets each decide the part it did not see, exactly as
'antwort reply' would with the knowledge base (--kb). Whether those answers
were right, and how sure the models were, teaches a small model the
probability that an answer is right (P(correct)) from the intent's
probability and margin, how much the mail resembles the training data, and
how well the article matches it. The send rule is the lowest P(correct) at
which the upper confidence bound (Clopper-Pearson, --confidence, default 95 %)
on the share of wrong answers among those sent stays at or below --max-wrong,
chosen on estimates the model did not see. Intents whose answers are wrong
more often than their estimates say are left to people.

It prints the expected automation rate, overall and per intent, and which
intents lack the data to show the target on their own, and writes max_wrong
and the rule (auto:) into the policy file (--out, default policy.yaml,
starting from --policy or --out; every other setting and comment is kept).
reply, batch, serve and worker then send only what the rule allows, and say
so in every decision (p_correct, the target, the threshold).

What the figure promises: on mail like --data, with the models it was fitted
for, at most --max-wrong of the automatic answers are wrong, with the stated
confidence. Fit again after training a new model or changing the knowledge
base. Mail unlike the data (a new product, a new kind of request) is not
covered by the figure; the policy's other checks (language, out of scope, two
requests, anger) are there for it.`,
		Example: `  antwort policy fit --data ./labelled/ --kb ./kb --max-wrong 0.01
  antwort policy fit --data mails.jsonl --kb ./kb --max-wrong 0.05 --out policy.yaml --format json
  antwort policy fit --data ./labelled/ --kb ./kb --max-wrong 0.02 --confidence 0.9 --dry-run`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return runPolicyFit(cmd.Context(), o) },
	}
	f := cmd.Flags()
	addDataFlags(cmd, &o.data)
	f.StringVar(&o.split, "split", "", "use only rows whose split field has this value")
	f.StringVar(&o.kbDir, "kb", "kb", "knowledge base directory (\"\" = the intent model's signals only)")
	f.Float64Var(&o.maxWrong, "max-wrong", 0, "target: at most this share of automatic answers wrong (0 < P < 1, e.g. 0.01)")
	f.Float64Var(&o.level, "confidence", 0.95, "confidence of the upper bound on the share of wrong answers")
	f.IntVar(&o.folds, "folds", 5, "out-of-fold models (>= 2)")
	f.BoolVar(&o.feedback, "feedback", true, "add the agents' recorded feedback (corrected intents) in the store to --data")
	f.StringVar(&o.in, "policy", "", "policy file to start from (default: --out if it exists, else the built-in defaults)")
	f.StringVar(&o.out, "out", "policy.yaml", "policy file to write")
	f.BoolVar(&o.dryRun, "dry-run", false, "print the result, write no file")
	f.StringVar(&o.format, "format", "text", "output: text or json")
	return cmd
}

// fitResult is what policy fit prints with --format json.
type fitResult struct {
	Data      string               `json:"data"`
	Model     string               `json:"model"`
	KB        string               `json:"knowledge_base,omitempty"`
	MaxWrong  float64              `json:"max_wrong"`
	Level     float64              `json:"level"`
	Folds     int                  `json:"folds"`
	Threshold float64              `json:"threshold"`
	Samples   int                  `json:"samples"`
	Eligible  int                  `json:"eligible"`
	Sent      int                  `json:"sent"`
	Wrong     int                  `json:"wrong"`
	Coverage  float64              `json:"coverage"`
	ErrorRate float64              `json:"error_rate"`
	Upper     float64              `json:"upper_bound"`
	Needed    int                  `json:"needed_per_intent"`
	Intents   []trust.IntentReport `json:"intents"`
	Excluded  map[string]string    `json:"excluded,omitempty"`
	Feedback  int                  `json:"feedback"`
	// Contradicted counts messages whose feedback gave different intents;
	// the latest counts.
	Contradicted int     `json:"contradicted,omitempty"`
	Skipped      int     `json:"skipped"`
	Written      string  `json:"written,omitempty"`
	Seconds      float64 `json:"seconds"`
}

func runPolicyFit(ctx context.Context, o *policyFitOptions) error {
	if len(o.data.paths) == 0 {
		return flagErrorf("policy fit needs --data (the labelled mail the intent model was trained on)")
	}
	if !(o.maxWrong > 0 && o.maxWrong < 1) {
		return flagErrorf("--max-wrong %v: give the target share of wrong automatic answers, above 0 and below 1 (e.g. 0.01)", o.maxWrong)
	}
	if !(o.level > 0 && o.level < 1) {
		return flagErrorf("--confidence %v: must lie between 0 and 1 (e.g. 0.95)", o.level)
	}
	if o.folds < 2 {
		return flagErrorf("--folds %d: need at least 2", o.folds)
	}
	if err := validFormat(o.format, "text", "json"); err != nil {
		return err
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
	pol := reply.DefaultPolicy()
	var base []byte
	if src != "" {
		var err error
		if base, err = os.ReadFile(src); err != nil {
			return err
		}
		// The fitted rule in it may be for another target or stale: parse
		// the file without it.
		doc, err := report.SetFittedRule(base, nil, "")
		if err != nil {
			return fmt.Errorf("%s: %w", src, err)
		}
		if pol, err = reply.ParsePolicy(doc); err != nil {
			return fmt.Errorf("%s: %w", src, err)
		}
	}
	im, name, _, err := o.g.loadModel(ctx, antwort.IntentModel, 0)
	if err != nil {
		return err
	}
	ls, skipped, err := o.g.readLabeled(ctx, o.data, "intent")
	if err != nil {
		return err
	}
	ls = inSplit(ls, o.split)
	if len(ls) == 0 {
		return fmt.Errorf("%s: no labelled messages%s", o.data.paths[0], splitNote(o.split))
	}
	if d := sameData(im.Meta(), examples(ls)); d != "" {
		fmt.Fprintf(o.g.io.ErrOut, "antwort: %s was trained on other data than --data (%s); the rule is for a model trained on --data\n", name, d)
	}
	labelled := antwort.LabelledFrom(ls)
	var nFeedback, contradicted int
	if o.feedback {
		fb, c, err := o.g.feedbackExamples(ctx)
		if err != nil {
			return err
		}
		labelled, nFeedback, contradicted = append(labelled, fb...), len(fb), c
		if c > 0 {
			fmt.Fprintf(o.g.io.ErrOut, "antwort: %d message(s) got feedback with different intents; the latest counts\n", c)
		}
	}
	var k *kb.KB
	if o.kbDir != "" {
		if k, err = kb.Open(o.kbDir, &kb.Options{ReadOnly: true, Timeout: o.g.lockTimeout}); err != nil {
			return err
		}
		defer k.Close()
	}
	progress, done := o.g.progress("fit")
	fitted, err := antwort.FitPolicy(ctx, antwort.FitOptions{
		Examples: labelled, KB: k, Policy: &pol, Train: im.Meta().Options,
		Folds: o.folds, MaxWrong: o.maxWrong, Level: o.level, Progress: progress,
	})
	done()
	if err != nil {
		return err
	}
	rule, rep := fitted.Rule, fitted.Report
	data := strings.Join(o.data.paths, ", ") + splitNote(o.split)
	res := &fitResult{Data: data, Model: name, KB: o.kbDir, MaxWrong: o.maxWrong, Level: o.level, Folds: o.folds,
		Threshold: rule.Threshold, Samples: rep.Samples, Eligible: rep.Eligible, Sent: rep.Sent, Wrong: rep.Wrong,
		Coverage: rep.Coverage, ErrorRate: rep.ErrorRate, Upper: rep.Upper, Needed: rep.Needed, Intents: rep.PerIntent,
		Excluded: rule.Excluded, Skipped: skipped, Seconds: fitted.Elapsed.Seconds(), Feedback: nFeedback, Contradicted: contradicted}
	if !o.dryRun {
		fr := &reply.FittedRule{Rule: *rule, Fitted: reply.FitInfo{At: time.Now().UTC().Truncate(time.Second), Data: data,
			Models: []string{name}, Samples: rep.Samples, Folds: o.folds, Coverage: rep.Coverage, Sent: rep.Sent, Wrong: rep.Wrong, Upper: rep.Upper}}
		note := fmt.Sprintf("Set by 'antwort policy fit' for %s on %s: %.1f %% of the messages answered automatically out of fold,\n"+
			"%d of %d answers wrong (at most %.2f %% with %.0f %% confidence).", name, data, 100*rep.Coverage, rep.Wrong, rep.Sent, 100*rep.Upper, 100*o.level)
		yml, err := report.SetFittedRule(base, fr, note)
		if err != nil {
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
		printFit(o.g, res)
	}
	if skipped > 0 {
		return &partialError{skipped: skipped}
	}
	return nil
}

func printFit(g *globalOptions, r *fitResult) {
	out := g.io.Out
	src := "the intent model alone"
	if r.KB != "" {
		src = "knowledge base " + r.KB
	}
	fb := ""
	if r.Feedback > 0 {
		fb = fmt.Sprintf(" (%d of them from agents' feedback)", r.Feedback)
	}
	fmt.Fprintf(out, "%s, %d labelled messages%s of %s, %d models out of fold, %s:\n", r.Model, r.Samples, fb, r.Data, r.Folds, src)
	if r.Sent == 0 {
		fmt.Fprintf(out, "automatic answers: none. No threshold keeps the share of wrong answers at or below %s with %.0f %% confidence on this data", pct(r.MaxWrong), 100*r.Level)
		fmt.Fprintf(out, " (%d of %d messages pass the other checks).\n", r.Eligible, r.Samples)
	} else {
		fmt.Fprintf(out, "automatic answers: %s of this data (%d of %d), %d wrong: %s, at most %s (%.0f %% confidence, %d-fold out-of-fold); target %s\n",
			pct(r.Coverage), r.Sent, r.Samples, r.Wrong, pct(r.ErrorRate), pct(r.Upper), 100*r.Level, r.Folds, pct(r.MaxWrong))
		fmt.Fprintf(out, "send when P(correct) >= %.3f\n", r.Threshold)
	}
	w := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, "\nintent\texamples\tautomated\twrong\t")
	var thin, left []string
	for _, ir := range r.Intents {
		fmt.Fprintf(w, "%s\t%d\t%s\t%d\t\n", ir.Intent, ir.Samples, pct(ir.Coverage), ir.Wrong)
		switch {
		case ir.Excluded != "":
			left = append(left, fmt.Sprintf("%s (%d examples): %s", ir.Intent, ir.Samples, ir.Excluded))
		case ir.Sent == 0 && ir.Samples > 0:
			left = append(left, fmt.Sprintf("%s (%d examples): no answer sure enough", ir.Intent, ir.Samples))
		}
		if ir.Thin {
			thin = append(thin, fmt.Sprintf("%s (%d)", ir.Intent, ir.Samples))
		}
	}
	w.Flush()
	if len(left) > 0 {
		fmt.Fprintf(out, "\nnot automated:\n  %s\n", strings.Join(left, "\n  "))
	}
	if len(thin) > 0 {
		fmt.Fprintf(out, "\ntoo little data to show %s on their own (needs ~%d examples each, all answered right): %s.\n"+
			"Their answers count towards the target of all intents together; label more of their mail to check each.\n",
			pct(r.MaxWrong), r.Needed, strings.Join(thin, ", "))
	}
	if r.Written != "" {
		fmt.Fprintf(out, "\nwrote max_wrong %v and the rule into %s (%.1f s)\n", r.MaxWrong, r.Written, r.Seconds)
	}
}

// pct formats a share as a percentage with one decimal ("63.1 %").
func pct(v float64) string { return fmt.Sprintf("%.1f %%", 100*v) }

// feedbackExamples returns the agents' intent feedback in the store as
// labelled messages (the latest label per message), and how many
// messages got feedback with different intents.
func (g *globalOptions) feedbackExamples(ctx context.Context) ([]antwort.Labelled, int, error) {
	store, err := g.openStore(true)
	if err != nil {
		return nil, 0, err
	}
	defer store.Close()
	log, err := store.FeedbackLog(ctx, models.FeedbackQuery{})
	if err != nil {
		return nil, 0, err
	}
	intents := map[string]map[string]bool{}
	for _, f := range log {
		if f.MessageID != "" && f.Intent != "" {
			if intents[f.MessageID] == nil {
				intents[f.MessageID] = map[string]bool{}
			}
			intents[f.MessageID][f.Intent] = true
		}
	}
	contradicted := 0
	for _, set := range intents {
		if len(set) > 1 {
			contradicted++
		}
	}
	exs, keys, _, _ := antwort.FeedbackExamples(log, antwort.IntentModel)
	out := make([]antwort.Labelled, len(exs))
	for i, ex := range exs {
		out[i] = antwort.Labelled{Msg: &ingest.Message{ID: "feedback:" + keys[i], Channel: "email", Text: ex.Text}, Intent: ex.Label}
	}
	return out, contradicted, nil
}

// policyNote says on stderr how automatic answers are decided: without a
// fitted rule, by hand thresholds (and how to get a rule); with one, it
// warns when the rule was fitted for another intent model than engine's.
func (g *globalOptions) policyNote(pol *reply.Policy, engine []string) {
	if pol.Auto == nil {
		fmt.Fprintln(g.io.ErrOut, "antwort: no fitted send rule in the policy: the hand thresholds decide automatic answers; "+
			"'antwort policy fit --data DIR --kb DIR --max-wrong P' fits one for a target error rate")
		return
	}
	if len(engine) == 0 || len(pol.Auto.Fitted.Models) == 0 {
		return
	}
	if !slices.Contains(pol.Auto.Fitted.Models, engine[0]) {
		fmt.Fprintf(g.io.ErrOut, "antwort: the policy's send rule was fitted for %s, the engine uses %s: its promise of at most %.1f %% wrong is for the other model; fit it again with 'antwort policy fit'\n",
			strings.Join(pol.Auto.Fitted.Models, ", "), engine[0], 100*pol.Auto.MaxWrong)
	}
}

// brandSender returns the sender of the answers: --from when given, else
// the policy's brand.from when it has one (and then it counts as given),
// else the --from default.
func brandSender(pol *reply.Policy, from *mail.Address, given bool) (*mail.Address, bool) {
	if given || pol.Brand.From == "" {
		return from, given
	}
	a, err := mail.ParseAddress(pol.Brand.From) // validated when the policy was read
	if err != nil {
		return from, given
	}
	return a, true
}
