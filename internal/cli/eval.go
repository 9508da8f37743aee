package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/spf13/cobra"

	"github.com/antwort-dev/antwort/classifier"
)

type evalOptions struct {
	g          *globalOptions
	task       string
	data       dataOptions
	trainSplit string
	testSplit  string
	trainFile  string
	testFile   string
	folds      int
	model      string
	version    int
	train      trainFlags
	workers    int
	format     string
}

func newEvalCmd(g *globalOptions) *cobra.Command {
	o := &evalOptions{g: g}
	cmd := &cobra.Command{
		Use:   "eval",
		Short: "Measure accuracy, calibration and coverage on labelled data",
		Long: `Train on one part of labelled data and measure on another, without touching the
store; or measure a stored model (--model) on test data.

  --data FILE --train-split S --test-split S   split by the split field (--split-field)
  --train FILE --test FILE                     two files
  --data FILE --folds K                        stratified K-fold cross-validation
  --model NAME [--version N] --test FILE       a model from the store (--db)

--format json prints exactly one JSON object: accuracy, macro_f1, ece (15 bins,
top-label probability), coverage_at_precision and abstain_threshold_at_precision
(keys "0.90", "0.95", "0.99"), train_seconds, predict_per_second (one pass over
the test set with the model loaded, --workers goroutines), model_bytes, n_train,
n_test, per_label, top_confusions, and with --folds the per-fold figures with
their mean and standard deviation.`,
		Example: `  antwort eval --data banking77.jsonl --train-split train --test-split test --format json
  antwort eval --data germeval2017.jsonl --split-field test_set --train-split dev --test-split test_syn
  antwort eval --data mails.jsonl --folds 5
  antwort eval --model intent --test holdout.jsonl`,
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
	f.IntVar(&o.folds, "folds", 0, "K-fold cross-validation over --data (K >= 2)")
	f.StringVar(&o.model, "model", "", "evaluate this stored model instead of training")
	f.IntVar(&o.version, "version", 0, "version of --model (0 = active)")
	addTrainFlags(cmd, &o.train, "calibration-folds")
	f.IntVar(&o.workers, "workers", 1, "goroutines for the timed prediction pass")
	f.StringVar(&o.format, "format", "json", "output: json or text")
	return cmd
}

// evalResult is the one JSON object eval prints.
type evalResult struct {
	*classifier.Report
	Task         string             `json:"task"`
	NTrain       int                `json:"n_train"`
	Skipped      int                `json:"skipped"`
	TrainSeconds float64            `json:"train_seconds"`
	ModelBytes   int                `json:"model_bytes"`
	C            float64            `json:"c,omitempty"`
	HeldOut      map[string]float64 `json:"held_out,omitempty"`
	Model        string             `json:"model,omitempty"`
	Folds        []foldResult       `json:"folds,omitempty"`
	Mean         map[string]float64 `json:"mean,omitempty"`
	Std          map[string]float64 `json:"std,omitempty"`
}

type foldResult struct {
	Accuracy     float64 `json:"accuracy"`
	MacroF1      float64 `json:"macro_f1"`
	ECE          float64 `json:"ece"`
	Coverage95   float64 `json:"coverage_at_0.95"`
	TrainSeconds float64 `json:"train_seconds"`
	NTrain       int     `json:"n_train"`
	NTest        int     `json:"n_test"`
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
	var res *evalResult
	switch {
	case o.model != "":
		if o.testFile == "" {
			return flagErrorf("--model needs --test FILE")
		}
		res, err = o.evalStored(ctx)
	case o.folds != 0:
		if o.folds < 2 {
			return flagErrorf("--folds %d: need at least 2", o.folds)
		}
		if len(o.data.paths) == 0 {
			return flagErrorf("--folds needs --data")
		}
		res, err = o.evalFolds(ctx, copts)
	case o.trainFile != "" || o.testFile != "":
		if o.trainFile == "" || o.testFile == "" {
			return flagErrorf("give both --train and --test")
		}
		res, err = o.evalFiles(ctx, copts)
	default:
		if len(o.data.paths) == 0 || o.trainSplit == "" || o.testSplit == "" {
			return flagErrorf("eval needs --data with --train-split and --test-split, --train and --test, --data with --folds, or --model with --test")
		}
		res, err = o.evalSplits(ctx, copts)
	}
	if err != nil {
		return err
	}
	res.Task = o.task
	if err := o.print(res); err != nil {
		return err
	}
	if res.Skipped > 0 {
		return &partialError{skipped: res.Skipped}
	}
	return nil
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

func (o *evalOptions) evalSplits(ctx context.Context, copts classifier.Options) (*evalResult, error) {
	exs, splits, skipped, err := o.read(ctx, o.data.paths...)
	if err != nil {
		return nil, err
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
		return nil, fmt.Errorf("%d training rows with split %q and %d test rows with split %q: need both", len(train), o.trainSplit, len(test), o.testSplit)
	}
	return o.trainAndTest(ctx, train, test, skipped, copts)
}

func (o *evalOptions) evalFiles(ctx context.Context, copts classifier.Options) (*evalResult, error) {
	train, _, s1, err := o.read(ctx, o.trainFile)
	if err != nil {
		return nil, err
	}
	test, _, s2, err := o.read(ctx, o.testFile)
	if err != nil {
		return nil, err
	}
	if len(test) == 0 {
		return nil, fmt.Errorf("%s: no test examples", o.testFile)
	}
	return o.trainAndTest(ctx, train, test, s1+s2, copts)
}

func (o *evalOptions) trainAndTest(ctx context.Context, train, test []classifier.Example, skipped int, copts classifier.Options) (*evalResult, error) {
	m, dur, err := o.g.trainModel(ctx, "train", train, copts)
	if err != nil {
		return nil, err
	}
	blob, err := m.MarshalBinary()
	if err != nil {
		return nil, err
	}
	rep, err := classifier.Evaluate(ctx, m, test, o.workers)
	if err != nil {
		return nil, err
	}
	meta := m.Meta()
	return &evalResult{Report: rep, NTrain: len(train), Skipped: skipped, TrainSeconds: dur.Seconds(),
		ModelBytes: len(blob), C: meta.Options.C, HeldOut: meta.HeldOut}, nil
}

func (o *evalOptions) evalStored(ctx context.Context) (*evalResult, error) {
	store, err := o.g.openStore(true)
	if err != nil {
		return nil, err
	}
	info, blob, err := store.Load(ctx, o.model, o.version)
	store.Close()
	if err != nil {
		return nil, err
	}
	m, err := classifier.UnmarshalModel(blob)
	if err != nil {
		return nil, fmt.Errorf("model %q version %d: %w", o.model, info.Version, err)
	}
	test, _, skipped, err := o.read(ctx, o.testFile)
	if err != nil {
		return nil, err
	}
	if len(test) == 0 {
		return nil, fmt.Errorf("%s: no test examples", o.testFile)
	}
	rep, err := classifier.Evaluate(ctx, m, test, o.workers)
	if err != nil {
		return nil, err
	}
	return &evalResult{Report: rep, NTrain: info.Examples, Skipped: skipped, ModelBytes: len(blob),
		C: m.Meta().Options.C, HeldOut: m.Meta().HeldOut, Model: fmt.Sprintf("%s@%d", info.Name, info.Version)}, nil
}

// evalFolds runs stratified K-fold cross-validation: each fold is tested
// once by a model trained on the others; the pooled out-of-fold
// predictions give the report, the folds their mean and spread.
func (o *evalOptions) evalFolds(ctx context.Context, copts classifier.Options) (*evalResult, error) {
	exs, _, skipped, err := o.read(ctx, o.data.paths...)
	if err != nil {
		return nil, err
	}
	fold := stratify(exs, o.folds, copts.Seed)
	var pooled []classifier.Outcome
	var folds []foldResult
	var totalTrain time.Duration
	var labels []string
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
			return nil, err
		}
		totalTrain += dur
		outs, el, err := classifier.Predictions(ctx, m, test, o.workers)
		if err != nil {
			return nil, err
		}
		elapsedPredict += el
		labels = m.Labels()
		blob, _ := m.MarshalBinary()
		modelBytes = max(modelBytes, len(blob))
		r := classifier.Score(outs, labels)
		folds = append(folds, foldResult{Accuracy: r.Accuracy, MacroF1: r.MacroF1, ECE: r.ECE,
			Coverage95: r.CoverageAtPrecision["0.95"], TrainSeconds: dur.Seconds(), NTrain: len(train), NTest: len(test)})
		pooled = append(pooled, outs...)
	}
	rep := classifier.Score(pooled, labels)
	rep.Workers = o.workers
	if elapsedPredict > 0 {
		rep.PredictPerSecond = float64(len(pooled)) / elapsedPredict.Seconds()
	}
	mean, std := map[string]float64{}, map[string]float64{}
	for name, get := range map[string]func(foldResult) float64{
		"accuracy":         func(f foldResult) float64 { return f.Accuracy },
		"macro_f1":         func(f foldResult) float64 { return f.MacroF1 },
		"ece":              func(f foldResult) float64 { return f.ECE },
		"coverage_at_0.95": func(f foldResult) float64 { return f.Coverage95 },
	} {
		var s, s2 float64
		for _, f := range folds {
			v := get(f)
			s += v
			s2 += v * v
		}
		n := float64(len(folds))
		mean[name] = s / n
		std[name] = math.Sqrt(max(0, s2/n-(s/n)*(s/n)))
	}
	return &evalResult{Report: rep, NTrain: len(exs) - len(exs)/o.folds, Skipped: skipped,
		TrainSeconds: totalTrain.Seconds() / float64(o.folds), ModelBytes: modelBytes, Folds: folds, Mean: mean, Std: std}, nil
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
		enc := json.NewEncoder(o.g.io.Out)
		enc.SetEscapeHTML(false)
		return enc.Encode(r)
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
		fmt.Fprintf(w, "folds           accuracy %.4f ± %.4f, macro-F1 %.4f ± %.4f\n", r.Mean["accuracy"], r.Std["accuracy"], r.Mean["macro_f1"], r.Std["macro_f1"])
	}
	if len(r.TopConfusions) > 0 {
		fmt.Fprintln(w, "top confusions (gold → predicted):")
		for _, c := range r.TopConfusions {
			fmt.Fprintf(w, "  %4d  %s → %s\n", c.Count, c.Gold, c.Predicted)
		}
	}
	return nil
}
