package cli

import (
	"context"
	"fmt"
	"maps"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/antwort-dev/antwort"
	"github.com/antwort-dev/antwort/classifier"
	"github.com/antwort-dev/antwort/reply"
	"github.com/antwort-dev/antwort/report"
	"github.com/antwort-dev/antwort/trust"
)

type evalOptions struct {
	g           *globalOptions
	task        string
	data        dataOptions
	trainSplit  string
	testSplit   string
	trainFile   string
	testFile    string
	folds       int
	model       string
	version     int
	compare     []string
	train       trainFlags
	workers     int
	format      string
	reportDir   string
	devFraction float64
	adviceFolds int
	maxWrong    float64
	autoLevel   float64
	autoFolds   int
	advice      adviceFlags
	policy      string
}

// adviceFlags are the threshold-advice options shared by eval and policy
// suggest.
type adviceFlags struct {
	precision  float64
	minSupport int
	mode       string
	confidence float64
}

func addAdviceFlags(cmd *cobra.Command, a *adviceFlags) {
	f := cmd.Flags()
	f.Float64Var(&a.precision, "precision", report.DefaultPrecision, "target precision of automatic answers for the threshold advice (0..1]")
	f.IntVar(&a.minSupport, "min-support", report.DefaultMinSupport, "least held-out predictions of an intent for a threshold of its own")
	f.StringVar(&a.mode, "mode", report.Joint, "threshold advice: joint (all answers together reach --precision) or each (every intent does)")
	f.Float64Var(&a.confidence, "confidence", 0, "safety margin: reach --precision with this one-sided confidence (Wilson bound, e.g. 0.9; 0 = none)")
}

func (a adviceFlags) options() (report.AdviceOptions, error) {
	if a.precision <= 0 || a.precision > 1 || math.IsNaN(a.precision) {
		return report.AdviceOptions{}, flagErrorf("--precision %v: must lie in (0,1]", a.precision)
	}
	if a.minSupport < 1 {
		return report.AdviceOptions{}, flagErrorf("--min-support %d: need at least 1", a.minSupport)
	}
	if a.mode != report.Joint && a.mode != report.Each {
		return report.AdviceOptions{}, flagErrorf("--mode %q: want %s or %s", a.mode, report.Joint, report.Each)
	}
	if a.confidence != 0 && (a.confidence < 0.5 || a.confidence >= 1 || math.IsNaN(a.confidence)) {
		return report.AdviceOptions{}, flagErrorf("--confidence %v: want 0 (no margin) or a value in [0.5,1)", a.confidence)
	}
	return report.AdviceOptions{Precision: a.precision, MinSupport: a.minSupport, Mode: a.mode, Confidence: a.confidence}, nil
}

func newEvalCmd(g *globalOptions) *cobra.Command {
	o := &evalOptions{g: g}
	cmd := &cobra.Command{
		Use:   "eval",
		Short: "Measure accuracy, calibration and coverage on labelled data; write an HTML report",
		Long: `Train on one part of labelled data and measure on another, without touching the
store; or measure a stored model (--model) on test data; or compare two stored
versions (--compare, twice) on the same test data.

  --data FILE --train-split S --test-split S   split by the split field (--split-field)
  --train FILE --test FILE                     two files
  --data FILE --folds K                        stratified K-fold cross-validation (--seed)
  --model NAME [--version N] --test FILE       a model from the store (--db)
  --compare NAME:V --compare NAME:V --test FILE   two stored versions side by side
                                               (V 0 or left out: the active version)
With --model and --compare, --test-split S keeps only the test file's rows of
split S.

--format json prints exactly one JSON object: accuracy, macro_f1, ece (15 bins,
top-label probability), coverage_at_precision and abstain_threshold_at_precision
(keys "0.90", "0.95", "0.99"), train_seconds, predict_per_second (one pass over
the test set with the model loaded, --workers goroutines), model_bytes, n_train,
n_test, per_label, top_confusions, threshold_advice, and with --folds the
per-fold figures with their mean and (sample) standard deviation.

Threshold advice: confidence thresholds, global and per intent, at which the
automatic answers reach --precision (see 'antwort policy suggest'). They are
fitted on held-out predictions: with --dev-fraction F on a stratified share F
of the training data (the model is then trained on the rest, and the advice is
checked on the test data); with --advice-folds K on out-of-fold predictions
of the whole training data (K models, each trained on K-1 stratified parts,
predict the remaining part; the evaluated model is trained on all of it, and
the advice is checked on the test data); with --folds on the out-of-fold
predictions; otherwise on the test data itself, which is optimistic and said
so.

--policy FILE measures what a reply policy's intent thresholds do to the test
messages: how many pass, how many of those are right.

--report DIR writes DIR/index.html (self-contained, no network), the figures
as PNG and SVG beside it (confusion matrix, reliability diagram, coverage vs.
precision, F1 per label, confidence of right and wrong answers; for --compare
also the change of F1 per label) and DIR/summary.json, the object printed on
stdout. Messages shown in the report are redacted (e-mail, phone, IBAN).`,
		Example: `  antwort eval --data banking77.jsonl --train-split train --test-split test --report ./report/
  antwort eval --data banking77.jsonl --train-split train --test-split test --dev-fraction 0.2 --precision 0.95
  antwort eval --data banking77.jsonl --train-split train --test-split test --advice-folds 5 --precision 0.95
  antwort eval --data germeval2017.jsonl --split-field test_set --train-split dev --test-split test_syn
  antwort eval --data mails.jsonl --folds 5 --seed 7 --report ./report/
  antwort eval --model intent --test holdout.jsonl --policy policy.yaml --report ./report/
  antwort eval --compare intent:3 --compare intent:4 --test holdout.jsonl --report ./cmp/`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return runEval(cmd.Context(), o) },
	}
	f := cmd.Flags()
	f.StringVar(&o.task, "task", "intent", "intent or sentiment (the label field falls back to the task name)")
	addDataFlags(cmd, &o.data)
	f.StringVar(&o.trainSplit, "train-split", "", "split value of the training rows")
	f.StringVar(&o.testSplit, "test-split", "", "split value of the test rows")
	f.StringVar(&o.trainFile, "train", "", "training data file (instead of --data with splits)")
	f.StringVar(&o.testFile, "test", "", "test data file")
	f.IntVar(&o.folds, "folds", 0, "K-fold cross-validation over --data (K >= 2), stratified by label, shuffled with --seed")
	f.StringVar(&o.model, "model", "", "evaluate this stored model instead of training")
	f.IntVar(&o.version, "version", 0, "version of --model (0 = active)")
	f.StringArrayVar(&o.compare, "compare", nil, "NAME:VERSION of a stored model to compare (give exactly two)")
	addTrainFlags(cmd, &o.train, "calibration-folds")
	f.IntVar(&o.workers, "workers", 1, "goroutines for the timed prediction pass")
	f.StringVar(&o.format, "format", "json", "output: json or text")
	f.StringVar(&o.reportDir, "report", "", "write an HTML report with figures into this directory")
	f.Float64Var(&o.devFraction, "dev-fraction", 0, "fit the threshold advice on this stratified share of the training data, held out from training (0 = fit on the test data)")
	f.Float64Var(&o.maxWrong, "max-wrong", 0, "fit the send rule for this target share of wrong automatic answers on out-of-fold predictions of the training data and report its automation rate and precision on the test data (0 = off)")
	f.Float64Var(&o.autoLevel, "max-wrong-confidence", 0.95, "confidence of the upper bound for --max-wrong")
	f.IntVar(&o.autoFolds, "max-wrong-folds", 5, "out-of-fold models for --max-wrong (>= 2)")
	f.IntVar(&o.adviceFolds, "advice-folds", 0, "fit the threshold advice on out-of-fold predictions of the training data from this many models (K >= 2; 0 = off)")
	addAdviceFlags(cmd, &o.advice)
	f.StringVar(&o.policy, "policy", "", "reply policy file whose intent thresholds to measure on the test data")
	return cmd
}

// evalResult is the one JSON object eval prints (and writes as the
// report's summary.json).
type evalResult struct {
	*classifier.Report
	Task            string             `json:"task"`
	NTrain          int                `json:"n_train"`
	NDev            int                `json:"n_dev,omitempty"`
	AdviceFolds     int                `json:"advice_folds,omitempty"`
	Skipped         int                `json:"skipped"`
	Seed            int64              `json:"seed"`
	TrainSeconds    float64            `json:"train_seconds"`
	ModelBytes      int                `json:"model_bytes"`
	C               float64            `json:"c,omitempty"`
	HeldOut         map[string]float64 `json:"held_out,omitempty"`
	Model           string             `json:"model,omitempty"`
	Folds           []foldResult       `json:"folds,omitempty"`
	Mean            map[string]float64 `json:"mean,omitempty"`
	Std             map[string]float64 `json:"std,omitempty"`
	ThresholdAdvice *report.Advice     `json:"threshold_advice,omitempty"`
	Policy          *policyCheck       `json:"policy,omitempty"`
	Auto            *autoResult        `json:"auto,omitempty"`
}

// autoResult is what the send rule fitted for --max-wrong on the training
// data does to the test data.
type autoResult struct {
	MaxWrong  float64 `json:"max_wrong"`
	Level     float64 `json:"level"`
	FittedOn  string  `json:"fitted_on"`
	Threshold float64 `json:"threshold"`
	// Coverage and Precision are measured on the test data: the share
	// answered automatically and the share of those right.
	Coverage  float64 `json:"coverage"`
	Precision float64 `json:"precision"`
	Sent      int     `json:"sent"`
	Wrong     int     `json:"wrong"`
	// FitCoverage and FitUpper are the out-of-fold figures on the
	// training data the rule was fitted on.
	FitCoverage float64           `json:"fit_coverage"`
	FitUpper    float64           `json:"fit_upper_bound"`
	Excluded    map[string]string `json:"excluded,omitempty"`
	Seconds     float64           `json:"seconds"`
}

// policyCheck is what a reply policy's intent thresholds do to the test
// messages.
type policyCheck struct {
	File string `json:"file"`
	report.Automation
}

type foldResult struct {
	Accuracy     float64 `json:"accuracy"`
	MacroF1      float64 `json:"macro_f1"`
	ECE          float64 `json:"ece"`
	Coverage90   float64 `json:"coverage_at_0.90"`
	Coverage95   float64 `json:"coverage_at_0.95"`
	Coverage99   float64 `json:"coverage_at_0.99"`
	TrainSeconds float64 `json:"train_seconds"`
	NTrain       int     `json:"n_train"`
	NTest        int     `json:"n_test"`
}

// evalRun is what a report needs beyond the JSON result.
type evalRun struct {
	outs   []classifier.Outcome
	test   []classifier.Example
	labels []string
	// fit are the held-out outcomes the threshold advice is fitted on;
	// fitOn names them.
	fit       []classifier.Outcome
	fitOn     string
	threshold float64
	// labelThresholds are the model's own per-label abstain thresholds.
	labelThresholds map[string]float64
	about           []string
	folds           *report.Folds
}

func runEval(ctx context.Context, o *evalOptions) error {
	if err := validFormat(o.format, "json", "text"); err != nil {
		return err
	}
	copts, err := o.train.options()
	if err != nil {
		return err
	}
	if o.workers < 1 {
		return flagErrorf("--workers %d: need at least 1", o.workers)
	}
	aopts, err := o.advice.options()
	if err != nil {
		return err
	}
	if o.devFraction < 0 || o.devFraction >= 1 || math.IsNaN(o.devFraction) {
		return flagErrorf("--dev-fraction %v: must lie in [0,1)", o.devFraction)
	}
	if o.adviceFolds != 0 {
		if o.adviceFolds < 2 {
			return flagErrorf("--advice-folds %d: need at least 2", o.adviceFolds)
		}
		if o.devFraction > 0 {
			return flagErrorf("--advice-folds and --dev-fraction are two ways to hold data out for the threshold advice: give one")
		}
		if o.folds != 0 || o.model != "" || len(o.compare) > 0 {
			return flagErrorf("--advice-folds needs training (--data with splits, or --train and --test); --folds fits the advice on its own out-of-fold predictions")
		}
	}
	if o.maxWrong != 0 {
		switch {
		case !(o.maxWrong > 0 && o.maxWrong < 1):
			return flagErrorf("--max-wrong %v: give the target share of wrong automatic answers, above 0 and below 1 (e.g. 0.01)", o.maxWrong)
		case !(o.autoLevel > 0 && o.autoLevel < 1):
			return flagErrorf("--max-wrong-confidence %v: must lie between 0 and 1", o.autoLevel)
		case o.autoFolds < 2:
			return flagErrorf("--max-wrong-folds %d: need at least 2", o.autoFolds)
		case o.folds != 0 || o.model != "" || len(o.compare) > 0:
			return flagErrorf("--max-wrong needs training (--data with splits, or --train and --test): the rule is fitted on the training data and checked on the test data")
		}
	}
	var pol *reply.Policy
	if o.policy != "" {
		p, err := reply.LoadPolicy(o.policy)
		if err != nil {
			return err
		}
		pol = &p
	}
	if len(o.compare) > 0 {
		if o.devFraction > 0 || o.folds != 0 || o.model != "" {
			return flagErrorf("--compare works on stored models: it takes neither --dev-fraction, --folds nor --model")
		}
		return o.runCompare(ctx, pol)
	}
	var res *evalResult
	var run *evalRun
	switch {
	case o.model != "":
		if o.testFile == "" {
			return flagErrorf("--model needs --test FILE")
		}
		if o.devFraction > 0 {
			return flagErrorf("--dev-fraction needs training (--data with splits, or --train and --test); a stored model was trained already")
		}
		res, run, err = o.evalStored(ctx)
	case o.folds != 0:
		if o.folds < 2 {
			return flagErrorf("--folds %d: need at least 2", o.folds)
		}
		if len(o.data.paths) == 0 {
			return flagErrorf("--folds needs --data")
		}
		if o.devFraction > 0 {
			return flagErrorf("--folds fits the threshold advice on the out-of-fold predictions; leave out --dev-fraction")
		}
		res, run, err = o.evalFolds(ctx, copts)
	case o.trainFile != "" || o.testFile != "":
		if o.trainFile == "" || o.testFile == "" {
			return flagErrorf("give both --train and --test")
		}
		res, run, err = o.evalFiles(ctx, copts)
	default:
		if len(o.data.paths) == 0 || o.trainSplit == "" || o.testSplit == "" {
			return flagErrorf("eval needs --data with --train-split and --test-split, --train and --test, --data with --folds, --model with --test, or --compare twice with --test")
		}
		res, run, err = o.evalSplits(ctx, copts)
	}
	if err != nil {
		return err
	}
	res.Task = o.task
	res.Seed = copts.Seed
	adv, err := report.Advise(run.fit, run.labels, aopts)
	if err != nil {
		return err
	}
	adv.FitOn = run.fitOn
	if run.fitOn != "test" && run.fitOn != "folds" {
		adv.Validate(run.outs, "test")
	}
	res.ThresholdAdvice = adv
	if pol != nil {
		global, per := effectiveThresholds(pol, run)
		res.Policy = &policyCheck{File: o.policy, Automation: report.Automate(run.outs, global, per, pol.NeverAuto)}
	}
	if err := o.print(res); err != nil {
		return err
	}
	if o.reportDir != "" {
		page := &report.Page{
			Title: "antwort eval: " + o.task, About: run.about, Generated: time.Now(), Summary: res,
			Runs:  []report.Run{{Name: orStr(res.Model, "trained model"), Report: res.Report, Outcomes: run.outs, Texts: texts(run.test), Labels: run.labels, Threshold: run.threshold}},
			Folds: run.folds, Advice: adv, Skipped: res.Skipped,
		}
		if res.Policy != nil {
			page.Policy, page.PolicyFile = &res.Policy.Automation, o.policy
		}
		if err := o.writeReport(ctx, page); err != nil {
			return err
		}
	}
	if res.Skipped > 0 {
		return &partialError{skipped: res.Skipped}
	}
	return nil
}

// effectiveThresholds combines a policy's intent thresholds with the
// model's own abstain thresholds: the reply policy answers only when the
// model does not abstain and the confidence reaches the policy's threshold.
func effectiveThresholds(pol *reply.Policy, run *evalRun) (float64, map[string]float64) {
	per := make(map[string]float64)
	for _, l := range run.labels {
		pt, ok := pol.IntentThresholds[l]
		if !ok {
			pt = pol.IntentThreshold
		}
		mt, ok := run.labelThresholds[l]
		if !ok {
			mt = run.threshold
		}
		per[l] = max(pt, mt)
	}
	return max(pol.IntentThreshold, run.threshold), per
}

func (o *evalOptions) writeReport(ctx context.Context, page *report.Page) error {
	start := time.Now()
	if err := report.Write(ctx, o.reportDir, page); err != nil {
		return fmt.Errorf("report %s: %w", o.reportDir, err)
	}
	fmt.Fprintf(o.g.io.ErrOut, "antwort: report written to %s/index.html in %s\n", strings.TrimRight(o.reportDir, "/"), time.Since(start).Round(time.Millisecond))
	return nil
}

func orStr(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func texts(exs []classifier.Example) []string {
	out := make([]string, len(exs))
	for i, e := range exs {
		out[i] = e.Text
	}
	return out
}

func (o *evalOptions) read(ctx context.Context, paths ...string) ([]classifier.Example, []string, int, error) {
	d := o.data
	d.paths = paths
	ls, skipped, err := o.g.readLabeled(ctx, d, o.task)
	if err != nil {
		return nil, nil, 0, err
	}
	splits := make([]string, len(ls))
	for i, l := range ls {
		splits[i] = l.Split
	}
	return examples(ls), splits, skipped, nil
}

// readTest reads --test, keeping only rows of --test-split when given.
func (o *evalOptions) readTest(ctx context.Context) ([]classifier.Example, int, error) {
	test, splits, skipped, err := o.read(ctx, o.testFile)
	if err != nil {
		return nil, 0, err
	}
	if o.testSplit != "" {
		kept := test[:0]
		for i, e := range test {
			if splits[i] == o.testSplit {
				kept = append(kept, e)
			}
		}
		test = kept
	}
	if len(test) == 0 {
		if o.testSplit != "" {
			return nil, 0, fmt.Errorf("%s: no test examples with split %q", o.testFile, o.testSplit)
		}
		return nil, 0, fmt.Errorf("%s: no test examples", o.testFile)
	}
	return test, skipped, nil
}

func (o *evalOptions) evalSplits(ctx context.Context, copts classifier.Options) (*evalResult, *evalRun, error) {
	exs, splits, skipped, err := o.read(ctx, o.data.paths...)
	if err != nil {
		return nil, nil, err
	}
	var train, test []classifier.Example
	for i, e := range exs {
		switch splits[i] {
		case o.trainSplit:
			train = append(train, e)
		case o.testSplit:
			test = append(test, e)
		}
	}
	if len(train) == 0 || len(test) == 0 {
		return nil, nil, fmt.Errorf("%d training rows with split %q and %d test rows with split %q: need both", len(train), o.trainSplit, len(test), o.testSplit)
	}
	about := fmt.Sprintf("data: %s (train split %q, test split %q)", strings.Join(o.data.paths, ", "), o.trainSplit, o.testSplit)
	return o.trainAndTest(ctx, train, test, skipped, copts, about)
}

func (o *evalOptions) evalFiles(ctx context.Context, copts classifier.Options) (*evalResult, *evalRun, error) {
	train, _, s1, err := o.read(ctx, o.trainFile)
	if err != nil {
		return nil, nil, err
	}
	test, _, s2, err := o.read(ctx, o.testFile)
	if err != nil {
		return nil, nil, err
	}
	if len(test) == 0 {
		return nil, nil, fmt.Errorf("%s: no test examples", o.testFile)
	}
	return o.trainAndTest(ctx, train, test, s1+s2, copts, fmt.Sprintf("data: trained on %s, tested on %s", o.trainFile, o.testFile))
}

// carveDev splits exs into a training part and a development part that
// holds a share frac of every label (at least one example of a label with
// two or more), chosen at random with seed.
func carveDev(exs []classifier.Example, frac float64, seed int64) (train, dev []classifier.Example) {
	by := map[string][]int{}
	for i, e := range exs {
		by[e.Label] = append(by[e.Label], i)
	}
	rng := rand.New(rand.NewPCG(uint64(seed), 0xde7))
	inDev := make([]bool, len(exs))
	for _, l := range slices.Sorted(maps.Keys(by)) {
		rows := by[l]
		rng.Shuffle(len(rows), func(a, b int) { rows[a], rows[b] = rows[b], rows[a] })
		k := int(math.Round(frac * float64(len(rows))))
		if len(rows) >= 2 {
			k = min(max(k, 1), len(rows)-1)
		} else {
			k = 0
		}
		for _, i := range rows[:k] {
			inDev[i] = true
		}
	}
	for i, e := range exs {
		if inDev[i] {
			dev = append(dev, e)
		} else {
			train = append(train, e)
		}
	}
	return train, dev
}

func (o *evalOptions) trainAndTest(ctx context.Context, train, test []classifier.Example, skipped int, copts classifier.Options, about string) (*evalResult, *evalRun, error) {
	var dev []classifier.Example
	if o.devFraction > 0 {
		train, dev = carveDev(train, o.devFraction, copts.Seed)
	}
	var oof []classifier.Outcome
	if o.adviceFolds > 0 {
		var err error
		if oof, err = o.g.outOfFold(ctx, train, o.adviceFolds, copts); err != nil {
			return nil, nil, err
		}
	}
	m, dur, err := o.g.trainModel(ctx, "train", train, copts)
	if err != nil {
		return nil, nil, err
	}
	blob, err := m.MarshalBinary()
	if err != nil {
		return nil, nil, err
	}
	rep, outs, err := evaluate(ctx, m, test, o.workers)
	if err != nil {
		return nil, nil, err
	}
	meta := m.Meta()
	res := &evalResult{Report: rep, NTrain: len(train), NDev: len(dev), Skipped: skipped, TrainSeconds: dur.Seconds(),
		ModelBytes: len(blob), C: meta.Options.C, HeldOut: meta.HeldOut}
	run := &evalRun{outs: outs, test: test, labels: m.Labels(), fit: outs, fitOn: "test", threshold: m.Threshold(), labelThresholds: m.LabelThresholds()}
	run.about = []string{about, fmt.Sprintf("model: %s trained here on %d examples (%d labels), C = %g, seed %d, %.1f s", m.Kind(), len(train), len(m.Labels()), meta.Options.C, copts.Seed, dur.Seconds())}
	if len(dev) > 0 {
		fit, _, err := classifier.Predictions(ctx, m, dev, 0)
		if err != nil {
			return nil, nil, err
		}
		run.fit, run.fitOn = fit, "dev"
		run.about = append(run.about, fmt.Sprintf("threshold advice fitted on %d development examples (a stratified %g share of the training data, seed %d, held out from training) and checked on the test data", len(dev), o.devFraction, copts.Seed))
	}
	if o.maxWrong > 0 {
		if res.Auto, err = o.fitAuto(ctx, m, train, test, copts); err != nil {
			return nil, nil, err
		}
		run.about = append(run.about, fmt.Sprintf("send rule for at most %s wrong fitted on %d models' out-of-fold predictions of the training data, checked on the test data: %s answered automatically, %s of them right",
			pct(o.maxWrong), o.autoFolds, pct(res.Auto.Coverage), pct(res.Auto.Precision)))
	}
	if oof != nil {
		run.fit, run.fitOn = oof, "train-folds"
		res.AdviceFolds = o.adviceFolds
		run.about = append(run.about, fmt.Sprintf("threshold advice fitted on the out-of-fold predictions of all %d training examples (%d models, each trained on %d of %d stratified parts, seed %d) and checked on the test data", len(oof), o.adviceFolds, o.adviceFolds-1, o.adviceFolds, copts.Seed))
	}
	return res, run, nil
}

// fitAuto fits the send rule for --max-wrong on out-of-fold predictions of
// train (models trained like m) and applies it to m's predictions of test.
func (o *evalOptions) fitAuto(ctx context.Context, m *classifier.Model, train, test []classifier.Example, copts classifier.Options) (*autoResult, error) {
	start := time.Now()
	oof, err := classifier.CrossPredict(ctx, train, copts, o.autoFolds)
	if err != nil {
		return nil, err
	}
	samples := make([]trust.Sample, len(train))
	for i, p := range oof {
		samples[i] = trust.Sample{Signals: antwort.IntentSignals(p), Gold: train[i].Label, Right: p.Label == train[i].Label, Eligible: p.Label != ""}
	}
	rule, rep, err := trust.Fit(samples, trust.Options{MaxWrong: o.maxWrong, Level: o.autoLevel})
	if err != nil {
		return nil, fmt.Errorf("--max-wrong: %w", err)
	}
	res := &autoResult{MaxWrong: o.maxWrong, Level: o.autoLevel, Threshold: rule.Threshold, Excluded: rule.Excluded,
		FittedOn:    fmt.Sprintf("training data, out-of-fold (%d models)", o.autoFolds),
		FitCoverage: rep.Coverage, FitUpper: rep.Upper}
	for _, ex := range test {
		p := m.PredictTop(ex.Text, -1)
		if p.Label != "" && rule.Sends(p.Label, rule.Model.P(antwort.IntentSignals(p))) {
			res.Sent++
			if p.Label != ex.Label {
				res.Wrong++
			}
		}
	}
	if len(test) > 0 {
		res.Coverage = float64(res.Sent) / float64(len(test))
	}
	if res.Sent > 0 {
		res.Precision = 1 - float64(res.Wrong)/float64(res.Sent)
	}
	res.Seconds = time.Since(start).Seconds()
	return res, nil
}

// evaluate predicts test with m and scores it like classifier.Evaluate,
// keeping the outcomes.
func evaluate(ctx context.Context, m *classifier.Model, test []classifier.Example, workers int) (*classifier.Report, []classifier.Outcome, error) {
	outs, elapsed, err := classifier.Predictions(ctx, m, test, workers)
	if err != nil {
		return nil, nil, err
	}
	rep := classifier.Score(outs, m.Labels())
	rep.Workers = workers
	if elapsed > 0 {
		rep.PredictPerSecond = float64(len(test)) / elapsed.Seconds()
	}
	return rep, outs, nil
}

// loadModel reads a model from the store (version 0: the active one).
func (g *globalOptions) loadModel(ctx context.Context, name string, version int) (*classifier.Model, string, int, error) {
	store, err := g.openStore(true)
	if err != nil {
		return nil, "", 0, err
	}
	info, blob, err := store.Load(ctx, name, version)
	store.Close()
	if err != nil {
		return nil, "", 0, err
	}
	m, err := classifier.UnmarshalModel(blob)
	if err != nil {
		return nil, "", 0, fmt.Errorf("model %q version %d: %w", name, info.Version, err)
	}
	return m, fmt.Sprintf("%s@%d", info.Name, info.Version), len(blob), nil
}

func (o *evalOptions) evalStored(ctx context.Context) (*evalResult, *evalRun, error) {
	m, name, size, err := o.g.loadModel(ctx, o.model, o.version)
	if err != nil {
		return nil, nil, err
	}
	test, skipped, err := o.readTest(ctx)
	if err != nil {
		return nil, nil, err
	}
	rep, outs, err := evaluate(ctx, m, test, o.workers)
	if err != nil {
		return nil, nil, err
	}
	res := &evalResult{Report: rep, NTrain: m.Meta().Examples, Skipped: skipped, ModelBytes: size,
		C: m.Meta().Options.C, HeldOut: m.Meta().HeldOut, Model: name}
	run := &evalRun{outs: outs, test: test, labels: m.Labels(), fit: outs, fitOn: "test", threshold: m.Threshold(), labelThresholds: m.LabelThresholds(),
		about: []string{fmt.Sprintf("data: %s%s", o.testFile, splitNote(o.testSplit)), fmt.Sprintf("model: %s from %s (%s, trained on %d examples)", name, o.g.db, m.Kind(), m.Meta().Examples)}}
	return res, run, nil
}

func splitNote(s string) string {
	if s == "" {
		return ""
	}
	return fmt.Sprintf(" (split %q)", s)
}

// evalFolds runs stratified K-fold cross-validation: each fold is tested
// once by a model trained on the others; the pooled out-of-fold
// predictions give the report, the folds their mean and spread.
func (o *evalOptions) evalFolds(ctx context.Context, copts classifier.Options) (*evalResult, *evalRun, error) {
	exs, _, skipped, err := o.read(ctx, o.data.paths...)
	if err != nil {
		return nil, nil, err
	}
	fold := stratify(exs, o.folds, copts.Seed)
	var pooled []classifier.Outcome
	var pooledTest []classifier.Example
	var folds []foldResult
	var totalTrain time.Duration
	labelSet := map[string]bool{}
	modelBytes := 0
	var elapsedPredict time.Duration
	for f := range o.folds {
		var train, test []classifier.Example
		for i, e := range exs {
			if fold[i] == f {
				test = append(test, e)
			} else {
				train = append(train, e)
			}
		}
		m, dur, err := o.g.trainModel(ctx, fmt.Sprintf("fold %d/%d", f+1, o.folds), train, copts)
		if err != nil {
			return nil, nil, err
		}
		totalTrain += dur
		outs, el, err := classifier.Predictions(ctx, m, test, o.workers)
		if err != nil {
			return nil, nil, err
		}
		elapsedPredict += el
		for _, l := range m.Labels() {
			labelSet[l] = true
		}
		blob, _ := m.MarshalBinary()
		modelBytes = max(modelBytes, len(blob))
		r := classifier.Score(outs, m.Labels())
		folds = append(folds, foldResult{Accuracy: r.Accuracy, MacroF1: r.MacroF1, ECE: r.ECE,
			Coverage90: r.CoverageAtPrecision["0.90"], Coverage95: r.CoverageAtPrecision["0.95"], Coverage99: r.CoverageAtPrecision["0.99"],
			TrainSeconds: dur.Seconds(), NTrain: len(train), NTest: len(test)})
		pooled = append(pooled, outs...)
		pooledTest = append(pooledTest, test...)
	}
	labels := slices.Sorted(maps.Keys(labelSet))
	rep := classifier.Score(pooled, labels)
	rep.Workers = o.workers
	if elapsedPredict > 0 {
		rep.PredictPerSecond = float64(len(pooled)) / elapsedPredict.Seconds()
	}
	metrics := map[string]func(foldResult) float64{
		"accuracy":         func(f foldResult) float64 { return f.Accuracy },
		"macro_f1":         func(f foldResult) float64 { return f.MacroF1 },
		"ece":              func(f foldResult) float64 { return f.ECE },
		"coverage_at_0.90": func(f foldResult) float64 { return f.Coverage90 },
		"coverage_at_0.95": func(f foldResult) float64 { return f.Coverage95 },
		"coverage_at_0.99": func(f foldResult) float64 { return f.Coverage99 },
	}
	mean, std := map[string]float64{}, map[string]float64{}
	per := make([]map[string]float64, len(folds))
	for i := range per {
		per[i] = map[string]float64{}
	}
	for name, get := range metrics {
		vs := make([]float64, len(folds))
		for i, f := range folds {
			vs[i] = get(f)
			per[i][name] = vs[i]
		}
		mean[name], std[name] = meanStd(vs)
	}
	res := &evalResult{Report: rep, NTrain: len(exs) - len(exs)/o.folds, Skipped: skipped,
		TrainSeconds: totalTrain.Seconds() / float64(o.folds), ModelBytes: modelBytes, Folds: folds, Mean: mean, Std: std}
	run := &evalRun{outs: pooled, test: pooledTest, labels: labels, fit: pooled, fitOn: "folds",
		folds: &report.Folds{K: o.folds, Seed: copts.Seed, Mean: mean, Std: std, PerFold: per},
		about: []string{fmt.Sprintf("data: %s, %d examples, %d-fold cross-validation (stratified by label, seed %d)", strings.Join(o.data.paths, ", "), len(exs), o.folds, copts.Seed),
			fmt.Sprintf("models: %s, one per fold, each trained on the other folds; the figures pool the out-of-fold predictions", copts.Kind)}}
	return res, run, nil
}

// outOfFold splits exs into k folds stratified by label (stratify, with
// opts.Seed) and returns every example's prediction by a model trained
// with opts on the other k-1 folds, in the order of exs.
func (g *globalOptions) outOfFold(ctx context.Context, exs []classifier.Example, k int, opts classifier.Options) ([]classifier.Outcome, error) {
	if k > len(exs) {
		return nil, fmt.Errorf("%d out-of-fold parts of %d examples: need at least one example per part", k, len(exs))
	}
	fold := stratify(exs, k, opts.Seed)
	out := make([]classifier.Outcome, len(exs))
	for f := range k {
		var train, held []classifier.Example
		var at []int
		for i, e := range exs {
			if fold[i] == f {
				held = append(held, e)
				at = append(at, i)
			} else {
				train = append(train, e)
			}
		}
		m, _, err := g.trainModel(ctx, fmt.Sprintf("advice fold %d/%d", f+1, k), train, opts)
		if err != nil {
			return nil, err
		}
		outs, _, err := classifier.Predictions(ctx, m, held, 0)
		if err != nil {
			return nil, err
		}
		for j, i := range at {
			out[i] = outs[j]
		}
	}
	return out, nil
}

// meanStd returns the mean and the sample standard deviation (n−1).
func meanStd(vs []float64) (mean, std float64) {
	if len(vs) == 0 {
		return 0, 0
	}
	for _, v := range vs {
		mean += v
	}
	mean /= float64(len(vs))
	if len(vs) < 2 {
		return mean, 0
	}
	var ss float64
	for _, v := range vs {
		ss += (v - mean) * (v - mean)
	}
	return mean, math.Sqrt(ss / float64(len(vs)-1))
}

// stratify assigns each example one of k folds, each label spread evenly.
func stratify(exs []classifier.Example, k int, seed int64) []int {
	by := map[string][]int{}
	for i, e := range exs {
		by[e.Label] = append(by[e.Label], i)
	}
	rng := rand.New(rand.NewPCG(uint64(seed), 0xf01d))
	out := make([]int, len(exs))
	off := 0
	for _, l := range slices.Sorted(maps.Keys(by)) {
		rows := by[l]
		rng.Shuffle(len(rows), func(a, b int) { rows[a], rows[b] = rows[b], rows[a] })
		for j, i := range rows {
			out[i] = (off + j) % k
		}
		off += len(rows)
	}
	return out
}

func (o *evalOptions) print(r *evalResult) error {
	if o.format == "json" {
		return writeJSON(o.g.io.Out, r)
	}
	w := o.g.io.Out
	fmt.Fprintf(w, "n_train %d, n_test %d, skipped %d\n", r.NTrain, r.NTest, r.Skipped)
	fmt.Fprintf(w, "accuracy        %.4f\nmacro-F1        %.4f\nECE             %.4f\n", r.Accuracy, r.MacroF1, r.ECE)
	for _, k := range []string{"0.90", "0.95", "0.99"} {
		t := "-"
		if p := r.AbstainThresholdAtPrecision[k]; p != nil {
			t = fmt.Sprintf("%.3f", *p)
		}
		fmt.Fprintf(w, "coverage@%s   %.4f (threshold %s)\n", k, r.CoverageAtPrecision[k], t)
	}
	fmt.Fprintf(w, "train           %.2fs\npredict         %.0f texts/s (%d worker(s))\nmodel           %d bytes\n",
		r.TrainSeconds, r.PredictPerSecond, r.Workers, r.ModelBytes)
	if len(r.Folds) > 0 {
		fmt.Fprintf(w, "folds           accuracy %.4f ± %.4f, macro-F1 %.4f ± %.4f, coverage@0.95 %.4f ± %.4f\n", r.Mean["accuracy"], r.Std["accuracy"],
			r.Mean["macro_f1"], r.Std["macro_f1"], r.Mean["coverage_at_0.95"], r.Std["coverage_at_0.95"])
	}
	if a := r.ThresholdAdvice; a != nil {
		fmt.Fprintf(w, "advice          %s thresholds for %.2f precision, fitted on %s (%d): answer %.1f %% at %.2f %% precision (one threshold %.3f: %.1f %% at %.2f %%)\n",
			a.Mode, a.TargetPrecision, a.FitOn, a.NFit, 100*a.Expected.Coverage, 100*a.Expected.Precision, a.SingleThreshold, 100*a.Single.Coverage, 100*a.Single.Precision)
		if t := a.Test; t != nil {
			fmt.Fprintf(w, "  on test       per-intent: %.1f %% at %.2f %% precision; one threshold: %.1f %% at %.2f %%\n",
				100*t.PerIntent.Coverage, 100*t.PerIntent.Precision, 100*t.Single.Coverage, 100*t.Single.Precision)
		}
	}
	if a := r.Auto; a != nil {
		fmt.Fprintf(w, "auto            at most %s wrong (%.0f %% confidence), fitted on %s: %s answered there, on test %s answered (%d), %s right (%d wrong)\n",
			pct(a.MaxWrong), 100*a.Level, a.FittedOn, pct(a.FitCoverage), pct(a.Coverage), a.Sent, pct(a.Precision), a.Wrong)
	}
	if p := r.Policy; p != nil {
		fmt.Fprintf(w, "policy          %s: %d of %d pass the intent threshold (%.1f %%), %.2f %% of them right\n", p.File, p.Answered, p.N, 100*p.Coverage, 100*p.Precision)
	}
	if len(r.TopConfusions) > 0 {
		fmt.Fprintln(w, "top confusions (gold → predicted):")
		for _, c := range r.TopConfusions {
			fmt.Fprintf(w, "  %4d  %s → %s\n", c.Count, c.Gold, c.Predicted)
		}
	}
	return nil
}
