package cli

import (
	"encoding/json"
	"image/png"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/antwort-dev/antwort/classifier"
	"github.com/antwort-dev/antwort/reply"
)

// timing matches the measured durations and rates in eval's JSON, which
// vary from run to run.
var timing = regexp.MustCompile(`"(train_seconds|predict_per_second)":\s*[0-9.e+-]+`)

// stable makes eval's JSON comparable across runs and machines: timings
// zeroed, floats cut to two decimals.
func stable(s string) string {
	return roundFloats(timing.ReplaceAllString(s, `"$1": 0`))
}

var imgSrc = regexp.MustCompile(`<img src="([^"]+)"`)

// checkReport checks a report directory: index.html refers to wantImages
// images, each a PNG beside it that decodes, with an SVG next to it.
func checkReport(t *testing.T, dir string, wantImages int) string {
	t.Helper()
	html, err := os.ReadFile(filepath.Join(dir, "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	srcs := imgSrc.FindAllStringSubmatch(string(html), -1)
	if len(srcs) != wantImages {
		t.Errorf("index.html shows %d images, want %d", len(srcs), wantImages)
	}
	for _, m := range srcs {
		f, err := os.Open(filepath.Join(dir, m[1]))
		if err != nil {
			t.Errorf("image %s: %v", m[1], err)
			continue
		}
		if _, err := png.Decode(f); err != nil {
			t.Errorf("image %s: %v", m[1], err)
		}
		f.Close()
		if _, err := os.Stat(filepath.Join(dir, strings.TrimSuffix(m[1], ".png")+".svg")); err != nil {
			t.Errorf("no SVG beside %s", m[1])
		}
	}
	if strings.Contains(string(html), "http://") || strings.Contains(string(html), "https://") {
		t.Errorf("index.html refers to the network")
	}
	return string(html)
}

// TestEvalReportGolden trains on the sample corpus, tests on the sample
// inbox, writes a report and compares summary.json (timings zeroed) with
// the golden file; stdout carries the same object.
func TestEvalReportGolden(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "report")
	code, out, errOut := run(t, "", "eval", "--train", sampleTrain, "--test", sampleInbox, "--label-field", "intent", "--report", dir)
	if code != ExitOK {
		t.Fatalf("eval --report: exit %d: %s", code, errOut)
	}
	if !strings.Contains(errOut, "report written to "+dir+"/index.html") {
		t.Errorf("stderr does not say where the report is: %q", errOut)
	}
	summary, err := os.ReadFile(filepath.Join(dir, "summary.json"))
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "eval_report_summary", stable(string(summary)))
	var fromFile, fromStdout map[string]any
	if err := json.Unmarshal(summary, &fromFile); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(out), &fromStdout); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(fromStdout, fromFile); diff != "" {
		t.Errorf("summary.json differs from stdout (-stdout +file):\n%s", diff)
	}
	html := checkReport(t, dir, 5)
	for _, want := range []string{"Summary", "coverage at 0.95 precision", "Threshold advice", "optimistic", "Top confusions", "Per label"} {
		if !strings.Contains(html, want) {
			t.Errorf("index.html lacks %q", want)
		}
	}
	// The sample inbox is full of contact data; none of it may show.
	for _, pii := range []string{"@example.ie", "niamh.oconnor"} {
		if strings.Contains(html, pii) {
			t.Errorf("index.html shows %q", pii)
		}
	}
}

// TestEvalDevFraction fits the advice on a development split carved from
// the training data and checks it on the test data.
func TestEvalDevFraction(t *testing.T) {
	code, out, errOut := run(t, "", "eval", "--train", sampleTrain, "--test", sampleInbox, "--label-field", "intent",
		"--dev-fraction", "0.3", "--precision", "0.9", "--min-support", "5", "--calibration-folds", "2")
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var r evalResult
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatal(err)
	}
	a := r.ThresholdAdvice
	if a == nil || a.FitOn != "dev" || a.Test == nil || a.Test.On != "test" {
		t.Fatalf("advice %+v", a)
	}
	if r.NDev < 120 || r.NDev > 160 || r.NTrain+r.NDev != 466 || a.NFit != r.NDev {
		t.Errorf("n_train %d, n_dev %d, fitted on %d: want about 30 %% of 466 held out", r.NTrain, r.NDev, a.NFit)
	}
	if a.TargetPrecision != 0.9 || a.MinSupport != 5 || a.Test.PerIntent.N != 52 {
		t.Errorf("advice options or test size: %+v", a)
	}
	if a.Expected.Precision < 0.9 {
		t.Errorf("precision on the dev split %.3f below the target", a.Expected.Precision)
	}
}

func TestCarveDevStratified(t *testing.T) {
	var exs []classifier.Example
	for i := range 100 {
		exs = append(exs, classifier.Example{Text: strings.Repeat("x", i), Label: []string{"a", "b", "c", "d"}[i%4]})
	}
	exs = append(exs, classifier.Example{Text: "lonely", Label: "e"})
	train, dev := carveDev(exs, 0.2, 3)
	count := func(exs []classifier.Example) map[string]int {
		m := map[string]int{}
		for _, e := range exs {
			m[e.Label]++
		}
		return m
	}
	if diff := cmp.Diff(map[string]int{"a": 5, "b": 5, "c": 5, "d": 5}, count(dev)); diff != "" {
		t.Errorf("dev labels (-want +got):\n%s", diff)
	}
	if len(train)+len(dev) != len(exs) || count(train)["e"] != 1 {
		t.Errorf("train %d dev %d; a label with one example must stay in training", len(train), len(dev))
	}
	_, again := carveDev(exs, 0.2, 3)
	_, other := carveDev(exs, 0.2, 4)
	if !cmp.Equal(dev, again) {
		t.Errorf("same seed, different dev split")
	}
	if cmp.Equal(dev, other) {
		t.Errorf("another seed gave the same dev split")
	}
}

// TestEvalFoldsReport checks stratified, seeded cross-validation with
// mean ± std in the JSON and the report.
func TestEvalFoldsReport(t *testing.T) {
	dir := t.TempDir()
	args := []string{"eval", "--data", sampleTrain, "--label-field", "intent", "--folds", "3", "--seed", "5", "--calibration-folds", "2", "--c", "1"}
	code, out, errOut := run(t, "", append(args, "--report", dir)...)
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var r evalResult
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatal(err)
	}
	if len(r.Folds) != 3 || r.NTest != 466 || r.Seed != 5 {
		t.Fatalf("folds %d, n_test %d, seed %d", len(r.Folds), r.NTest, r.Seed)
	}
	for _, k := range []string{"accuracy", "macro_f1", "ece", "coverage_at_0.90", "coverage_at_0.95", "coverage_at_0.99"} {
		if _, ok := r.Mean[k]; !ok {
			t.Errorf("mean lacks %s", k)
		}
		if _, ok := r.Std[k]; !ok {
			t.Errorf("std lacks %s", k)
		}
	}
	mean, std := meanStd([]float64{r.Folds[0].Accuracy, r.Folds[1].Accuracy, r.Folds[2].Accuracy})
	if mean != r.Mean["accuracy"] || std != r.Std["accuracy"] || std <= 0 {
		t.Errorf("accuracy mean %v ± %v, folds say %v ± %v", r.Mean["accuracy"], r.Std["accuracy"], mean, std)
	}
	for _, f := range r.Folds {
		if f.NTest < 150 || f.NTest > 161 {
			t.Errorf("fold of %d test examples; stratified folds of 466 should hold 155 ± 1 each… give or take a label", f.NTest)
		}
	}
	if r.ThresholdAdvice == nil || r.ThresholdAdvice.FitOn != "folds" {
		t.Errorf("advice not fitted on the folds: %+v", r.ThresholdAdvice)
	}
	html := checkReport(t, dir, 5)
	for _, want := range []string{"3 stratified folds, seed 5", "mean ± std over 3 folds"} {
		if !strings.Contains(html, want) {
			t.Errorf("report lacks %q", want)
		}
	}
	// Same seed, same folds and models: same figures.
	_, again, _ := run(t, "", args...)
	var r2 evalResult
	if err := json.Unmarshal([]byte(again), &r2); err != nil {
		t.Fatal(err)
	}
	if r2.Mean["accuracy"] != r.Mean["accuracy"] || r2.Folds[1].Accuracy != r.Folds[1].Accuracy {
		t.Errorf("same seed, different result: %v vs %v", r2.Mean, r.Mean)
	}
}

func TestStratifyBalancesLabels(t *testing.T) {
	var exs []classifier.Example
	for i := range 103 {
		exs = append(exs, classifier.Example{Label: []string{"a", "b", "c"}[i%3]})
	}
	for _, seed := range []int64{1, 2} {
		fold := stratify(exs, 5, seed)
		per := map[string][]int{}
		for i, e := range exs {
			if per[e.Label] == nil {
				per[e.Label] = make([]int, 5)
			}
			per[e.Label][fold[i]]++
		}
		for l, counts := range per {
			lo, hi := counts[0], counts[0]
			for _, c := range counts {
				lo, hi = min(lo, c), max(hi, c)
			}
			if hi-lo > 1 {
				t.Errorf("seed %d: label %s spread %v over the folds", seed, l, counts)
			}
		}
	}
	if cmp.Equal(stratify(exs, 5, 1), stratify(exs, 5, 2)) {
		t.Errorf("the seed does not change the folds")
	}
}

// TestEvalCompare stores two versions of the intent model and compares
// them on the sample inbox.
func TestEvalCompare(t *testing.T) {
	db := trained(t)
	if code, _, errOut := run(t, "", "train", "--db", db, "--task", "intent", "--data", sampleTrain, "--label-field", "intent", "--kind", "nb", "--folds", "2"); code != ExitOK {
		t.Fatalf("train nb: %s", errOut)
	}
	dir := t.TempDir()
	code, out, errOut := run(t, "", "eval", "--db", db, "--compare", "intent:1", "--compare", "intent:2", "--test", sampleInbox, "--label-field", "intent", "--report", dir)
	if code != ExitOK {
		t.Fatalf("eval --compare: exit %d: %s", code, errOut)
	}
	var r compareResult
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatal(err)
	}
	c := r.Compare
	if r.A.Model != "intent@1" || r.B.Model != "intent@2" || r.NTest != 52 || c.N != 52 {
		t.Fatalf("models %s, %s on %d", r.A.Model, r.B.Model, r.NTest)
	}
	if got := c.Fixed + c.Broken + c.Other; got != len(c.Changes) {
		t.Errorf("fixed+broken+other %d, changes %d", got, len(c.Changes))
	}
	// Recount the changed decisions from the two models' own predictions.
	if want := changedDecisions(t, db, 1, 2); len(c.Changes) != want {
		t.Errorf("%d changes reported, %d decisions differ", len(c.Changes), want)
	}
	if d := c.Delta["accuracy"]; d != r.B.Accuracy-r.A.Accuracy {
		t.Errorf("delta accuracy %v", d)
	}
	email := regexp.MustCompile(`[\w.+-]+@[\w-]+\.[\w.]+`)
	for _, ch := range c.Changes {
		if email.MatchString(ch.Text) {
			t.Errorf("change %d shows an address: %q", ch.Index, ch.Text)
		}
	}
	html := checkReport(t, dir, 6)
	if !strings.Contains(html, "Changed decisions") || !strings.Contains(html, "intent@2 compared with intent@1") {
		t.Errorf("comparison report lacks its sections")
	}
	// Text output.
	code, out, _ = run(t, "", "eval", "--db", db, "--compare", "intent:1", "--compare", "intent", "--test", sampleInbox, "--label-field", "intent", "--format", "text")
	if code != ExitOK || !strings.Contains(out, "decisions changed") {
		t.Errorf("text: exit %d\n%s", code, out)
	}
	for _, tt := range []struct {
		args []string
		code int
	}{
		{[]string{"--compare", "intent:1", "--test", sampleInbox}, ExitUsage},
		{[]string{"--compare", "intent:1", "--compare", "intent:x", "--test", sampleInbox}, ExitUsage},
		{[]string{"--compare", "intent:1", "--compare", "intent:2"}, ExitUsage},
		{[]string{"--compare", "intent:1", "--compare", "intent:9", "--test", sampleInbox}, ExitModel},
	} {
		code, _, errOut := run(t, "", append([]string{"eval", "--db", db, "--label-field", "intent"}, tt.args...)...)
		if code != tt.code {
			t.Errorf("%v: exit %d, want %d: %s", tt.args, code, tt.code, errOut)
		}
	}
}

// changedDecisions classifies the sample inbox with two stored versions
// and counts the messages whose label differs (neither model abstains).
func changedDecisions(t *testing.T, db string, a, b int) int {
	t.Helper()
	g := &globalOptions{db: db, lockTimeout: 1e9}
	ma, _, _, err := g.loadModel(t.Context(), "intent", a)
	if err != nil {
		t.Fatal(err)
	}
	mb, _, _, err := g.loadModel(t.Context(), "intent", b)
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(sampleInbox)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		var m struct{ Text string }
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatal(err)
		}
		if ma.Predict(m.Text).Label != mb.Predict(m.Text).Label {
			n++
		}
	}
	return n
}

// TestEvalPolicyFlag measures a policy's thresholds on test data.
func TestEvalPolicyFlag(t *testing.T) {
	db := trained(t)
	pol := filepath.Join(t.TempDir(), "policy.yaml")
	if err := os.WriteFile(pol, []byte("intent_threshold: 0.5\nintent_thresholds:\n  praise: 1\nnever_auto: [complaint]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := run(t, "", "eval", "--db", db, "--model", "intent", "--test", sampleInbox, "--label-field", "intent", "--policy", pol)
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var r evalResult
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatal(err)
	}
	p := r.Policy
	if p == nil || p.File != pol || p.N != 52 {
		t.Fatalf("policy check %+v", p)
	}
	if p.PerIntent["complaint"].Answered != 0 || p.PerIntent["praise"].Answered != 0 {
		t.Errorf("never_auto or threshold 1 answered: %+v", p.PerIntent)
	}
	if p.Answered == 0 || p.Answered >= 52 {
		t.Errorf("answered %d of 52", p.Answered)
	}
	if r.ThresholdAdvice.FitOn != "test" || r.Model != "intent@1" {
		t.Errorf("stored-model advice fitted on %q, model %q", r.ThresholdAdvice.FitOn, r.Model)
	}
	bad := filepath.Join(t.TempDir(), "bad.yaml")
	os.WriteFile(bad, []byte("intent_threshold: 2\n"), 0o644)
	code, _, errOut = run(t, "", "eval", "--db", db, "--model", "intent", "--test", sampleInbox, "--policy", bad)
	if code != ExitError || !strings.Contains(errOut, bad) {
		t.Errorf("bad policy: exit %d, stderr %q", code, errOut)
	}
	if _, err := reply.LoadPolicy(bad); err == nil {
		t.Errorf("the bad policy loads")
	}
}

func TestEvalFlagErrors(t *testing.T) {
	for _, args := range [][]string{
		{"--train", sampleTrain, "--test", sampleInbox, "--dev-fraction", "1"},
		{"--train", sampleTrain, "--test", sampleInbox, "--precision", "0"},
		{"--train", sampleTrain, "--test", sampleInbox, "--mode", "some"},
		{"--train", sampleTrain, "--test", sampleInbox, "--min-support", "0"},
		{"--data", sampleTrain, "--folds", "3", "--dev-fraction", "0.2"},
		{"--model", "intent", "--test", sampleInbox, "--dev-fraction", "0.2"},
		{"--train", sampleTrain, "--test", sampleInbox, "--advice-folds", "1"},
		{"--train", sampleTrain, "--test", sampleInbox, "--advice-folds", "3", "--dev-fraction", "0.2"},
		{"--data", sampleTrain, "--folds", "3", "--advice-folds", "3"},
		{"--model", "intent", "--test", sampleInbox, "--advice-folds", "3"},
	} {
		code, _, errOut := run(t, "", append([]string{"eval", "--db", filepath.Join(t.TempDir(), "none.db")}, args...)...)
		if code != ExitUsage {
			t.Errorf("%v: exit %d, want %d: %s", args, code, ExitUsage, errOut)
		}
	}
}

func TestEffectiveThresholds(t *testing.T) {
	pol := reply.DefaultPolicy()
	pol.IntentThreshold = 0.6
	pol.IntentThresholds = map[string]float64{"a": 0.3, "b": 0.95}
	run := &evalRun{labels: []string{"a", "b", "c", "d"}, threshold: 0.5, labelThresholds: map[string]float64{"c": 0.8}}
	global, per := effectiveThresholds(&pol, run)
	want := map[string]float64{"a": 0.5, "b": 0.95, "c": 0.8, "d": 0.6}
	if global != 0.6 {
		t.Errorf("global %v, want 0.6", global)
	}
	if diff := cmp.Diff(want, per); diff != "" {
		t.Errorf("per intent (-want +got):\n%s", diff)
	}
}
