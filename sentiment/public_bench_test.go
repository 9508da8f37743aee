package sentiment_test

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/antwort-dev/antwort/sentiment"
)

// publicSet is a labelled public sentiment data set in the normalised
// JSONL format of the shared evaluation data (text, label, split fields).
type publicSet struct {
	name  string // metric suffix
	file  string // below ANTWORT_DATA
	field string // field that selects the rows
	value string // its value
}

var publicSets = []publicSet{
	{"germeval_syn", "germeval2017/germeval2017.jsonl", "test_set", "test_syn"},
	{"germeval_dia", "germeval2017/germeval2017.jsonl", "test_set", "test_dia"},
	{"twitter_test", "twitter_us_airline_sentiment/twitter_us_airline_sentiment.jsonl", "split", "test"},
}

type labelled struct{ text, label string }

// readPublic reads the rows of set from dir, or returns fs.ErrNotExist.
func readPublic(dir string, set publicSet) ([]labelled, error) {
	f, err := os.Open(filepath.Join(dir, set.file))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var rows []labelled
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for n := 1; sc.Scan(); n++ {
		var r map[string]any
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			return nil, fmt.Errorf("%s line %d: %w", f.Name(), n, err)
		}
		if v, _ := r[set.field].(string); v != set.value {
			continue
		}
		text, _ := r["text"].(string)
		label, _ := r["label"].(string)
		rows = append(rows, labelled{text, label})
	}
	return rows, sc.Err()
}

// scoreLabels returns the accuracy and the macro-averaged F1 of the
// lexicon's labels against the gold labels.
func scoreLabels(lex *sentiment.Lexicon, rows []labelled) (acc, macroF1 float64) {
	labels := []string{sentiment.Negative, sentiment.Neutral, sentiment.Positive}
	tp := map[string]int{}
	pred := map[string]int{}
	gold := map[string]int{}
	ok := 0
	for _, r := range rows {
		got := lex.Predict(r.text).Label
		pred[got]++
		gold[r.label]++
		if got == r.label {
			ok++
			tp[got]++
		}
	}
	for _, l := range labels {
		if pred[l]+gold[l] > 0 {
			macroF1 += 2 * float64(tp[l]) / float64(pred[l]+gold[l])
		}
	}
	return float64(ok) / float64(len(rows)), macroF1 / float64(len(labels))
}

// BenchmarkLexiconPublic measures the built-in lexicon (no training) on the
// public sentiment test splits: accuracy and macro-F1 per set, and texts
// per second over all of them. It reads the data from ANTWORT_DATA and
// skips when that is unset or the files are absent:
//
//	ANTWORT_DATA=../shared/data go test -run '^$' -bench LexiconPublic ./sentiment/
func BenchmarkLexiconPublic(b *testing.B) {
	dir := os.Getenv("ANTWORT_DATA")
	if dir == "" {
		b.Skip("ANTWORT_DATA not set")
	}
	lex := sentiment.New()
	var all []labelled
	metrics := map[string]float64{}
	for _, set := range publicSets {
		rows, err := readPublic(dir, set)
		if errors.Is(err, fs.ErrNotExist) {
			b.Logf("%s: %v, skipped", set.name, err)
			continue
		}
		if err != nil {
			b.Fatal(err)
		}
		acc, f1 := scoreLabels(lex, rows)
		metrics["acc%_"+set.name] = 100 * acc
		metrics["F1%_"+set.name] = 100 * f1
		all = append(all, rows...)
	}
	if len(all) == 0 {
		b.Skip("no public sentiment data in " + dir)
	}
	n := 0
	for b.Loop() {
		for _, r := range all {
			lex.Predict(r.text)
		}
		n += len(all)
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "texts/s")
	for k, v := range metrics { // after the loop, which clears reported metrics
		b.ReportMetric(v, k)
	}
}
