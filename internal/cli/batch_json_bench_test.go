package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"

	"github.com/antwort-dev/antwort/internal/cputime"
)

// BenchmarkAppendBatchRecordGenerated encodes the decision lines of the
// first 2,000 generated mails (see batchBenchSetup); ns/op is per line.
// Every line is compared with encoding/json's first.
func BenchmarkAppendBatchRecordGenerated(b *testing.B) {
	eng, items := batchBenchSetup(b, 2000)
	var recs []*batchRecord
	for _, it := range items {
		msg, err := it.Parse()
		if err != nil {
			b.Fatal(err)
		}
		s, err := eng.Suggest(context.Background(), msg)
		if err != nil {
			b.Fatal(err)
		}
		r := &batchRecord{Suggestion: s, Source: msg.Source, Auto: msg.Auto}
		var want bytes.Buffer
		if err := json.NewEncoder(&want).Encode(r); err != nil {
			b.Fatal(err)
		}
		got, err := appendBatchRecord(nil, r)
		if err != nil || !bytes.Equal(got, want.Bytes()) {
			b.Fatalf("%s: appendBatchRecord gives (error %v)\n%s\nencoding/json\n%s", msg.Source, err, got, want.Bytes())
		}
		recs = append(recs, r)
	}
	var line []byte
	var err error
	b.ReportAllocs()
	cpu0 := cputime.Used(b)
	i := 0
	for b.Loop() {
		if line, err = appendBatchRecord(line[:0], recs[i%len(recs)]); err != nil {
			b.Fatal(err)
		}
		i++
	}
	b.StopTimer()
	b.ReportMetric(float64((cputime.Used(b)-cpu0).Nanoseconds())/float64(i), "cpu-ns/op")
}
