package kb

import (
	"context"
	"testing"

	"github.com/antwort-dev/antwort/internal/cputime"
	"github.com/antwort-dev/antwort/internal/nlp"
)

// BenchmarkSearchBatchLang is BenchmarkSearchBatch/new with the language
// of each query given, as a batch run gives the classifier's: the search
// alone, without language detection.
//
//	go test -run '^$' -bench SearchBatchLang -benchtime 20000x -count 3 ./kb/
func BenchmarkSearchBatchLang(b *testing.B) {
	k := openDemoKB(b)
	qs := batchQueries(b, 5000)
	for i := range qs {
		switch nlp.Detect(qs[i].Subject + "\n" + qs[i].Text) {
		case nlp.German:
			qs[i].Lang = German
		case nlp.English:
			qs[i].Lang = English
		default:
			qs[i].Lang = nlp.Undetermined
		}
	}
	ctx := context.Background()
	i := 0
	b.ReportAllocs()
	cpu0 := cputime.Used(b)
	for b.Loop() {
		if _, err := k.Search(ctx, qs[i%len(qs)]); err != nil {
			b.Fatal(err)
		}
		i++
	}
	b.ReportMetric(float64((cputime.Used(b)-cpu0).Nanoseconds())/float64(i), "cpu-ns/op")
}
