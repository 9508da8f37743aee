package sentiment_test

import (
	"bufio"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/antwort-dev/antwort/sentiment"
)

// TestPredictExplainMatchesSeparate checks that PredictExplain, which
// scores a text once, returns exactly what Predict and Explain return
// separately, over the demo corpus and inbox and some edge cases.
func TestPredictExplainMatchesSeparate(t *testing.T) {
	t.Parallel()
	texts := []string{"", " \n\t", "!!!", "??", ":-)", "NICHT GUT!!!", "not bad at all, really not bad at all",
		"Super, aber leider kaputt. NICHT GUT?!", "I was not very happy, but the refund was quick 👍",
		strings.Repeat("Das ist leider schlecht, aber danke! ", 500)}
	for _, path := range []string{"../testdata/demo/train.jsonl", "../testdata/demo/inbox.jsonl"} {
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(f)
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			var row struct{ Subject, Text string }
			if err := json.Unmarshal(sc.Bytes(), &row); err != nil {
				t.Fatal(err)
			}
			texts = append(texts, row.Text, row.Subject+"\n\n"+row.Text)
		}
		f.Close()
	}
	lex := sentiment.New()
	for _, text := range texts {
		p, ex := lex.PredictExplain(text)
		if diff := cmp.Diff(lex.Predict(text), p); diff != "" {
			t.Errorf("PredictExplain(%.50q) prediction differs from Predict (-Predict +got):\n%s", text, diff)
		}
		if diff := cmp.Diff(lex.Explain(text), ex); diff != "" {
			t.Errorf("PredictExplain(%.50q) explanation differs from Explain (-Explain +got):\n%s", text, diff)
		}
	}
}
