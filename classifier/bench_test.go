package classifier

import (
	"context"
	"os"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// sharedData returns the directory of the public data sets: ANTWORT_DATA,
// or ../shared/data beside the repository.
func sharedData() string {
	if d := os.Getenv("ANTWORT_DATA"); d != "" {
		return d + "/"
	}
	return "../../shared/data/"
}

// benchPredict measures Predict over texts, one goroutine, and reports
// texts/s next to ns/op (per text) and allocations.
func benchPredict(b *testing.B, m *Model, texts []Example) {
	b.ReportAllocs()
	i := 0
	start := time.Now()
	n := 0
	for b.Loop() {
		m.PredictTop(texts[i].Text, 0)
		i++
		if i == len(texts) {
			i = 0
		}
		n++
	}
	b.ReportMetric(float64(n)/time.Since(start).Seconds(), "texts/s")
}

// BenchmarkPredict uses the project's own sample corpus.
func BenchmarkPredict(b *testing.B) {
	train := loadJSONL(b, "../testdata/demo/train.jsonl", "lang", "de", "intent")
	train = append(train, loadJSONL(b, "../testdata/demo/train.jsonl", "lang", "en", "intent")...)
	m, err := Train(context.Background(), train, Options{})
	if err != nil {
		b.Fatal(err)
	}
	benchPredict(b, m, train)
}

func banking77(b testing.TB) (train, test []Example) {
	train = loadJSONL(b, sharedData()+"banking77/banking77.jsonl", "split", "train", "label")
	test = loadJSONL(b, sharedData()+"banking77/banking77.jsonl", "split", "test", "label")
	return train, test
}

// BenchmarkPredictBanking77 trains once on Banking77 (skipped without
// the public data sets) and measures Predict on its test texts.
func BenchmarkPredictBanking77(b *testing.B) {
	train, test := banking77(b)
	m, err := Train(context.Background(), train, Options{C: 1})
	if err != nil {
		b.Fatal(err)
	}
	benchPredict(b, m, test)
}

// BenchmarkPredictBanking77Parallel measures throughput with one goroutine
// per core over 100,000 texts (the test set repeated).
func BenchmarkPredictBanking77Parallel(b *testing.B) {
	train, test := banking77(b)
	m, err := Train(context.Background(), train, Options{C: 1})
	if err != nil {
		b.Fatal(err)
	}
	const total = 100000
	for b.Loop() {
		var next atomic.Int64
		var wg sync.WaitGroup
		start := time.Now()
		for range runtime.GOMAXPROCS(0) {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					i := int(next.Add(1) - 1)
					if i >= total {
						return
					}
					m.PredictTop(test[i%len(test)].Text, 0)
				}
			}()
		}
		wg.Wait()
		b.ReportMetric(total/time.Since(start).Seconds(), "texts/s")
	}
}

// BenchmarkTrainBanking77 measures training with the default options
// (C chosen on 3 held-out folds) and reports held-out figures.
func BenchmarkTrainBanking77(b *testing.B) {
	train, test := banking77(b)
	for b.Loop() {
		m, err := Train(context.Background(), train, Options{})
		if err != nil {
			b.Fatal(err)
		}
		r, err := Evaluate(context.Background(), m, test, 1)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(r.Accuracy, "accuracy")
		b.ReportMetric(r.ECE, "ece")
	}
}

// BenchmarkExplain explains the top label of Banking77's test texts
// (skipped without ../shared/data) with 5 features: from the text, from
// the prediction's features, and by the reference (the implementation
// before, which extracted the text again and sorted all its
// contributions). Prediction is not timed.
func BenchmarkExplain(b *testing.B) {
	train, test := banking77(b)
	m, err := Train(context.Background(), train, Options{C: 1})
	if err != nil {
		b.Fatal(err)
	}
	labels := make([]string, len(test))
	for i, ex := range test {
		labels[i] = m.Predict(ex.Text).Label
	}
	run := func(b *testing.B, explain func(i int) []Contribution) {
		b.ReportAllocs()
		i, n := 0, 0
		start := time.Now()
		for b.Loop() {
			explain(i)
			i, n = (i+1)%len(test), n+1
		}
		b.ReportMetric(float64(n)/time.Since(start).Seconds(), "texts/s")
	}
	b.Run("text", func(b *testing.B) {
		run(b, func(i int) []Contribution { return m.Explain(test[i].Text, labels[i], 5) })
	})
	b.Run("features", func(b *testing.B) {
		pts := make([]*Text, len(test))
		for i, ex := range test {
			pts[i] = PrepareText(ex.Text)
		}
		run(b, func(i int) []Contribution {
			f := m.Features(pts[i])
			defer f.Release()
			return m.ExplainFeatures(f, labels[i], 5)
		})
	})
	b.Run("reference", func(b *testing.B) {
		run(b, func(i int) []Contribution { return m.refExplain(test[i].Text, labels[i], 5) })
	})
}
