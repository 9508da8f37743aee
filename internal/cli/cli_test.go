package cli

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/antwort-dev/antwort/classifier"
	"github.com/antwort-dev/antwort/models"
)

var update = flag.Bool("update", false, "rewrite golden files")

const sampleTrain = "../../testdata/demo/train.jsonl"

// run executes the CLI with args and stdin, returning exit code, stdout and
// stderr.
func run(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	io, out, errOut := Test(stdin)
	code := Main(context.Background(), args, io)
	return code, out.String(), errOut.String()
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./internal/cli -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("%s mismatch (-want +got):\n%s", name, diff)
	}
}

// trained returns a store with intent and sentiment models trained on the
// sample corpus.
func trained(t *testing.T) string {
	t.Helper()
	db := filepath.Join(t.TempDir(), "antwort.db")
	for _, task := range []string{"intent", "sentiment"} {
		code, out, errOut := run(t, "", "train", "--db", db, "--task", task, "--data", sampleTrain, "--label-field", task, "--folds", "2", "--c", "1")
		if code != ExitOK {
			t.Fatalf("train %s: exit %d\n%s%s", task, code, out, errOut)
		}
	}
	return db
}

var (
	sharedOnce sync.Once
	sharedDir  string
	sharedErr  error
)

// sharedTrained returns a store trained as trained's and a knowledge base
// imported as kbDir's, made once for all tests that only read them.
func sharedTrained(t *testing.T) (db, kb string) {
	t.Helper()
	sharedOnce.Do(func() {
		sharedDir, sharedErr = os.MkdirTemp("", "antwort-cli-test-")
		if sharedErr != nil {
			return
		}
		db := filepath.Join(sharedDir, "antwort.db")
		for _, args := range [][]string{
			{"train", "--db", db, "--task", "intent", "--data", sampleTrain, "--label-field", "intent", "--folds", "2", "--c", "1"},
			{"train", "--db", db, "--task", "sentiment", "--data", sampleTrain, "--label-field", "sentiment", "--folds", "2", "--c", "1"},
			{"kb", "import", "--kb", filepath.Join(sharedDir, "kb"), sampleKB},
		} {
			streams, out, errOut := Test("")
			if code := Main(context.Background(), args, streams); code != ExitOK {
				sharedErr = fmt.Errorf("%v: exit %d\n%s%s", args, code, out, errOut)
				return
			}
		}
	})
	if sharedErr != nil {
		t.Fatal(sharedErr)
	}
	return filepath.Join(sharedDir, "antwort.db"), filepath.Join(sharedDir, "kb")
}

func TestClassifyGolden(t *testing.T) {
	db := trained(t)
	in := "Wo bleibt meine Bestellung 4711? Seit zwei Wochen nichts!!!\nI forgot my password and can't log in\nVielen Dank, super schnelle Lieferung :)\n\n"
	code, out, errOut := run(t, in, "classify", "--db", db, "--format", "text")
	if code != ExitOK {
		t.Fatalf("classify: exit %d: %s", code, errOut)
	}
	golden(t, "classify_text", out)

	code, out, errOut = run(t, `{"id":"a1","subject":"Kündigung","text":"Hiermit kündige ich meinen Vertrag."}`+"\n", "classify", "--db", db, "--explain", "2")
	if code != ExitOK {
		t.Fatalf("classify jsonl: exit %d: %s", code, errOut)
	}
	golden(t, "classify_jsonl", roundFloats(out))
	var res map[string]any
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("classify output is not JSON: %v\n%s", err, out)
	}
	for _, k := range []string{"id", "lang", "intent", "sentiment", "explanation"} {
		if _, ok := res[k]; !ok {
			t.Errorf("classify output lacks %q: %s", k, out)
		}
	}
}

// roundFloats shortens floats to two decimals and tiny ones to 0, so
// golden files do not depend on the last digits of floating-point sums.
func roundFloats(s string) string {
	s = regexp.MustCompile(`\d+(\.\d+)?e-\d+`).ReplaceAllString(s, "0")
	return regexp.MustCompile(`(\d+\.\d{2})\d+`).ReplaceAllString(s, "$1")
}

func TestClassifySkipsBrokenLines(t *testing.T) {
	db := trained(t)
	in := `{"id":"1","text":"Paket fehlt"}` + "\n" + `{"id":"2","text":` + "\n" + `{"id":"3","text":"cancel my plan"}` + "\n"
	code, out, errOut := run(t, in, "classify", "--db", db)
	if code != ExitPartial {
		t.Errorf("exit %d, want %d", code, ExitPartial)
	}
	if n := strings.Count(out, "\n"); n != 2 {
		t.Errorf("got %d results, want 2:\n%s", n, out)
	}
	if !strings.Contains(errOut, "stdin:2") {
		t.Errorf("stderr does not name stdin:2:\n%s", errOut)
	}
}

func TestTrainDirWithBrokenFile(t *testing.T) {
	db := filepath.Join(t.TempDir(), "antwort.db")
	code, out, errOut := run(t, "", "train", "--db", db, "--data", "../../testdata/labelled", "--folds", "2")
	if code != ExitPartial {
		t.Fatalf("exit %d, want %d (skipped file)\n%s%s", code, ExitPartial, out, errOut)
	}
	if !strings.Contains(errOut, "broken.eml") {
		t.Errorf("stderr does not name broken.eml:\n%s", errOut)
	}
	var r trainResult
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("train output: %v\n%s", err, out)
	}
	if r.Version != 1 || !r.Active || r.Skipped != 1 || len(r.Labels) != 4 || r.Examples != 20 {
		t.Errorf("train result %+v, want version 1 active, 1 skipped, 4 labels, 20 examples", r)
	}
}

func TestModelsLifecycle(t *testing.T) {
	db := trained(t)
	code, _, errOut := run(t, "", "train", "--db", db, "--task", "intent", "--data", sampleTrain, "--folds", "2", "--kind", "nb", "--note", "fast")
	if code != ExitOK {
		t.Fatalf("second train: exit %d %s", code, errOut)
	}
	steps := []struct {
		args []string
		code int
		out  string
	}{
		{[]string{"models", "activate", "intent", "1"}, ExitOK, "intent version 1 is active"},
		{[]string{"models", "rollback", "intent"}, ExitOK, "intent rolled back to version 2"},
		{[]string{"models", "rm", "intent", "2"}, ExitModel, ""}, // active: refused
		{[]string{"models", "activate", "intent", "9"}, ExitModel, ""},
		{[]string{"models", "activate", "intent", "x"}, ExitUsage, ""},
		{[]string{"models", "rm", "intent", "1"}, ExitOK, "intent version 1 deleted"},
	}
	for _, s := range steps {
		code, out, errOut := run(t, "", append(s.args, "--db", db)...)
		if code != s.code && !(s.code == ExitModel && code == ExitError) {
			t.Errorf("%v: exit %d, want %d (%s)", s.args, code, s.code, errOut)
		}
		if !strings.Contains(out, s.out) {
			t.Errorf("%v: stdout %q, want %q", s.args, out, s.out)
		}
	}
	code, out, _ := run(t, "", "models", "list", "--db", db, "--format", "json")
	if code != ExitOK {
		t.Fatalf("list: exit %d", code)
	}
	var got []string
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		var in models.Info
		if err := json.Unmarshal([]byte(line), &in); err != nil {
			t.Fatal(err)
		}
		got = append(got, in.Name+"@"+string(rune('0'+in.Version))+map[bool]string{true: "*", false: ""}[in.Active])
	}
	if diff := cmp.Diff([]string{"intent@2*", "sentiment@1*"}, got); diff != "" {
		t.Errorf("models list mismatch (-want +got):\n%s", diff)
	}
}

func TestExitCodes(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "missing.db")
	tests := []struct {
		name string
		args []string
		want int
		msg  string
	}{
		{"unknown command", []string{"frobnicate"}, ExitUsage, "unknown command"},
		{"unknown flag", []string{"classify", "--nope"}, ExitUsage, "unknown flag"},
		{"train without data", []string{"train", "--db", missing}, ExitUsage, "--data"},
		{"bad task", []string{"train", "--db", missing, "--task", "x", "--data", sampleTrain}, ExitUsage, "--task"},
		{"missing store", []string{"classify", "--db", missing}, ExitModel, "missing.db"},
		{"missing data file", []string{"train", "--db", filepath.Join(dir, "a.db"), "--data", filepath.Join(dir, "nope.jsonl")}, ExitError, "nope.jsonl"},
		{"eval without data", []string{"eval"}, ExitUsage, "eval needs"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, errOut := run(t, "", tt.args...)
			if code != tt.want {
				t.Errorf("exit %d, want %d; stderr: %s", code, tt.want, errOut)
			}
			if !strings.Contains(errOut, tt.msg) {
				t.Errorf("stderr %q does not mention %q", errOut, tt.msg)
			}
		})
	}
}

func TestLockedStore(t *testing.T) {
	db := trained(t)
	s, err := models.Open(db, nil) // holds the write lock
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	start := time.Now()
	code, _, errOut := run(t, "x\n", "classify", "--db", db, "--lock-timeout", "100ms")
	if code != ExitLocked {
		t.Errorf("exit %d, want %d: %s", code, ExitLocked, errOut)
	}
	if !strings.Contains(errOut, db) || time.Since(start) > 5*time.Second {
		t.Errorf("stderr %q should name %s and return promptly", errOut, db)
	}
}

func TestNewerModelFormatRefused(t *testing.T) {
	db := trained(t)
	s, err := models.Open(db, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	_, blob, err := s.Load(ctx, "intent", 0)
	if err != nil {
		t.Fatal(err)
	}
	binary.LittleEndian.PutUint32(blob[len("antwort-model\x00"):], classifier.FormatVersion+1)
	info, err := s.Save(ctx, "intent", models.Info{Kind: "svm"}, blob)
	if err == nil {
		err = s.Activate(ctx, "intent", info.Version)
	}
	s.Close()
	if err != nil {
		t.Fatal(err)
	}
	code, _, errOut := run(t, "x\n", "classify", "--db", db)
	if code != ExitModel || !strings.Contains(errOut, "newer") {
		t.Errorf("exit %d (want %d), stderr %q", code, ExitModel, errOut)
	}
}

func TestEvalJSON(t *testing.T) {
	code, out, errOut := run(t, "", "eval", "--train", sampleTrain, "--test", "../../testdata/demo/inbox.jsonl", "--label-field", "intent", "--format", "json")
	if code != ExitOK {
		t.Fatalf("eval: exit %d: %s", code, errOut)
	}
	var r map[string]any
	dec := json.NewDecoder(strings.NewReader(out))
	if err := dec.Decode(&r); err != nil {
		t.Fatal(err)
	}
	if dec.More() {
		t.Errorf("eval printed more than one JSON value")
	}
	for _, k := range []string{"accuracy", "macro_f1", "ece", "coverage_at_precision", "abstain_threshold_at_precision",
		"train_seconds", "predict_per_second", "model_bytes", "n_train", "n_test", "per_label", "top_confusions"} {
		if _, ok := r[k]; !ok {
			t.Errorf("eval JSON lacks %q", k)
		}
	}
	cov := r["coverage_at_precision"].(map[string]any)
	for _, k := range []string{"0.90", "0.95", "0.99"} {
		if _, ok := cov[k]; !ok {
			t.Errorf("coverage_at_precision lacks %q", k)
		}
	}
	if acc := r["accuracy"].(float64); acc < 0.75 {
		t.Errorf("accuracy on sample inbox %.3f, want >= 0.75", acc)
	}
	if r["n_test"].(float64) != 52 {
		t.Errorf("n_test = %v, want 52", r["n_test"])
	}
}

func TestEvalFolds(t *testing.T) {
	code, out, errOut := run(t, "", "eval", "--data", sampleTrain, "--label-field", "sentiment", "--folds", "3", "--calibration-folds", "2")
	if code != ExitOK {
		t.Fatalf("eval --folds: exit %d: %s", code, errOut)
	}
	var r evalResult
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatal(err)
	}
	if len(r.Folds) != 3 || r.NTest != 466 || r.Std["accuracy"] <= 0 && r.Mean["accuracy"] <= 0 {
		t.Errorf("folds result: %d folds, n_test %d, mean %v std %v", len(r.Folds), r.NTest, r.Mean, r.Std)
	}
}

func TestDemo(t *testing.T) {
	dir := t.TempDir()
	code, out, errOut := run(t, "", "demo", "--dir", dir)
	if code != ExitOK {
		t.Fatalf("demo: exit %d: %s", code, errOut)
	}
	for _, want := range []string{"Held-out accuracy on 52 messages", "i001", "TRUE INTENT", "antwort.db"} {
		if !strings.Contains(out, want) {
			t.Errorf("demo output lacks %q:\n%s", want, out)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "antwort.db")); err != nil {
		t.Errorf("demo --dir left no store: %v", err)
	}
}

func TestTrainTaskPicksLabelField(t *testing.T) {
	db := filepath.Join(t.TempDir(), "antwort.db")
	for task, want := range map[string]int{"sentiment": 3, "intent": 12} {
		code, out, errOut := run(t, "", "train", "--db", db, "--task", task, "--data", sampleTrain, "--folds", "2", "--c", "1")
		if code != ExitOK {
			t.Fatalf("train %s: exit %d: %s", task, code, errOut)
		}
		var r trainResult
		if err := json.Unmarshal([]byte(out), &r); err != nil {
			t.Fatal(err)
		}
		if len(r.Labels) != want || r.Name != task {
			t.Errorf("train --task %s: model %q with %d labels, want %d", task, r.Name, len(r.Labels), want)
		}
	}
}
