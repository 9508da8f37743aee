package classifier

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite golden files")

// explainModels trains the intent and the sentiment model on the demo
// corpus with a fixed C, so that their weights do not depend on the
// choice of C or on calibration.
func explainModels(tb testing.TB) []*Model {
	tb.Helper()
	var ms []*Model
	for _, field := range []string{"intent", "sentiment"} {
		train := loadJSONL(tb, "../testdata/demo/train.jsonl", "lang", "de", field)
		train = append(train, loadJSONL(tb, "../testdata/demo/train.jsonl", "lang", "en", field)...)
		m, err := Train(context.Background(), train, Options{C: 1, Folds: 2})
		if err != nil {
			tb.Fatal(err)
		}
		ms = append(ms, m)
	}
	return ms
}

// explainTexts are the demo inbox's texts and the differential tests'
// hand-picked ones.
func explainTexts(tb testing.TB) []string {
	tb.Helper()
	var texts []string
	for _, ex := range loadJSONL(tb, "../testdata/demo/inbox.jsonl", "lang", "de", "text") {
		texts = append(texts, ex.Label)
	}
	for _, ex := range loadJSONL(tb, "../testdata/demo/inbox.jsonl", "lang", "en", "text") {
		texts = append(texts, ex.Label)
	}
	return append(texts, diffTexts...)
}

// TestExplainGolden explains, for the demo models, every demo inbox text
// for its predicted label and for every other label, and compares the
// features and their weights (full precision) with the golden file
// written by the explanation code before it was made O(features).
func TestExplainGolden(t *testing.T) {
	ms := explainModels(t)
	var b strings.Builder
	for mi, m := range ms {
		for ti, text := range explainTexts(t) {
			labels := m.Labels()
			if p := m.Predict(text); p.Label != "" {
				labels = append([]string{p.Label}, labels...)
			}
			for _, l := range labels[:min(3, len(labels))] {
				fmt.Fprintf(&b, "model %d text %d label %s:", mi, ti, l)
				for _, c := range m.Explain(text, l, 7) {
					fmt.Fprintf(&b, " %s=%s", c.Feature, strconv.FormatFloat(c.Weight, 'g', -1, 64))
				}
				b.WriteString("\n")
			}
		}
	}
	got := b.String()
	path := filepath.Join("testdata", "explain.golden")
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./classifier -run TestExplainGolden -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("explanations differ from %s (-want +got):\n%s", path, diff)
	}
}
