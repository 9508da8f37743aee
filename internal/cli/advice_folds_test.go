package cli

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/antwort-dev/antwort/classifier"
	"github.com/antwort-dev/antwort/reply"
)

// TestOutOfFold checks outOfFold's contract on the sample corpus: one
// outcome per example, in order, and those of the held-out part of a fold
// are the predictions of a model trained on the other parts alone.
func TestOutOfFold(t *testing.T) {
	ctx := context.Background()
	g := &globalOptions{}
	io, _, _ := Test("")
	g.io = io
	ls, _, err := g.readLabeled(ctx, dataOptions{paths: []string{sampleTrain}, labelField: "intent"}, "intent")
	if err != nil {
		t.Fatal(err)
	}
	exs := examples(ls)
	opts := classifier.Options{C: 1, Folds: 2, Seed: 3, Workers: 1}
	const k = 3
	oof, err := g.outOfFold(ctx, exs, k, opts)
	if err != nil {
		t.Fatal(err)
	}
	if len(oof) != len(exs) {
		t.Fatalf("%d outcomes for %d examples", len(oof), len(exs))
	}
	for i, o := range oof {
		if o.Gold != exs[i].Label {
			t.Fatalf("outcome %d has gold %q, example %q: out of order", i, o.Gold, exs[i].Label)
		}
	}
	// Rebuild fold 1 by hand.
	fold := stratify(exs, k, opts.Seed)
	var train, held []classifier.Example
	var want []classifier.Outcome
	for i, e := range exs {
		if fold[i] == 1 {
			held = append(held, e)
			want = append(want, oof[i])
		} else {
			train = append(train, e)
		}
	}
	m, err := classifier.Train(ctx, train, opts)
	if err != nil {
		t.Fatal(err)
	}
	got, _, err := classifier.Predictions(ctx, m, held, 1)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("fold 1's out-of-fold outcomes differ from a model trained without it (-outOfFold +by hand):\n%s", diff)
	}
	// Held-out predictions are worse than the full model's on its own
	// training data, else something leaked.
	full, err := classifier.Train(ctx, exs, opts)
	if err != nil {
		t.Fatal(err)
	}
	self, _, _ := classifier.Predictions(ctx, full, exs, 1)
	if a, b := accuracy(oof), accuracy(self); a >= b {
		t.Errorf("out-of-fold accuracy %.3f not below the accuracy on training data %.3f", a, b)
	}
	if _, err := g.outOfFold(ctx, exs[:2], 3, opts); err == nil {
		t.Errorf("3 parts of 2 examples: no error")
	}
}

func accuracy(outs []classifier.Outcome) float64 {
	n := 0
	for _, o := range outs {
		if o.Gold == o.Predicted {
			n++
		}
	}
	return float64(n) / float64(len(outs))
}

// TestEvalAdviceFolds fits the advice on the out-of-fold predictions of
// the whole training data and checks it on the test data.
func TestEvalAdviceFolds(t *testing.T) {
	code, out, errOut := run(t, "", "eval", "--train", sampleTrain, "--test", sampleInbox, "--label-field", "intent",
		"--advice-folds", "3", "--precision", "0.9", "--min-support", "5", "--calibration-folds", "2", "--c", "1")
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var r evalResult
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatal(err)
	}
	a := r.ThresholdAdvice
	if a == nil || a.FitOn != "train-folds" || a.Test == nil || a.Test.On != "test" {
		t.Fatalf("advice %+v", a)
	}
	if r.AdviceFolds != 3 || r.NDev != 0 || r.NTrain != 466 || a.NFit != 466 {
		t.Errorf("advice_folds %d, n_dev %d, n_train %d, fitted on %d: want 3, 0, 466, 466", r.AdviceFolds, r.NDev, r.NTrain, a.NFit)
	}
	if a.Expected.Precision < 0.9 || a.Single.Precision < 0.9 || a.Test.PerIntent.N != 52 {
		t.Errorf("fit precision %.3f (single %.3f), test size %d", a.Expected.Precision, a.Single.Precision, a.Test.PerIntent.N)
	}
}

// TestPolicySuggestAdviceFolds suggests thresholds from out-of-fold
// predictions of the model's own training data; with other data it warns.
func TestPolicySuggestAdviceFolds(t *testing.T) {
	db := trained(t)
	out := filepath.Join(t.TempDir(), "policy.yaml")
	code, stdout, errOut := run(t, "", "policy", "suggest", "--db", db, "--data", sampleTrain, "--label-field", "intent",
		"--advice-folds", "3", "--precision", "0.9", "--min-support", "5", "--out", out)
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if strings.Contains(errOut, "other data") {
		t.Errorf("warned about other data for the model's own training data: %s", errOut)
	}
	var res suggestResult
	if err := json.Unmarshal([]byte(stdout), &res); err != nil {
		t.Fatal(err)
	}
	if res.NFit != 466 || !strings.Contains(res.FitOn, "out of fold (3 models)") || res.Written != out {
		t.Errorf("fitted on %d (%s), written %q", res.NFit, res.FitOn, res.Written)
	}
	if res.Expected.Precision < 0.9 {
		t.Errorf("precision on the out-of-fold predictions %.3f below the target", res.Expected.Precision)
	}
	p, err := reply.LoadPolicy(out)
	if err != nil {
		t.Fatalf("written policy does not load: %v", err)
	}
	if global, _ := res.Advice.Thresholds(); p.IntentThreshold > global || global-p.IntentThreshold > 1e-4 {
		t.Errorf("intent_threshold %v, advice %v", p.IntentThreshold, global)
	}

	code, _, errOut = run(t, "", "policy", "suggest", "--db", db, "--data", sampleInbox, "--label-field", "intent",
		"--advice-folds", "2", "--min-support", "3", "--dry-run")
	if code != ExitOK {
		t.Fatalf("other data: exit %d: %s", code, errOut)
	}
	if !strings.Contains(errOut, "trained on other data than --data") {
		t.Errorf("no warning for data the model was not trained on: %q", errOut)
	}
	code, _, errOut = run(t, "", "policy", "suggest", "--db", db, "--data", sampleTrain, "--advice-folds", "1", "--dry-run")
	if code != ExitUsage || !strings.Contains(errOut, "--advice-folds") {
		t.Errorf("--advice-folds 1: exit %d, %q", code, errOut)
	}
}
