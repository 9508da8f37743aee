package kb

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/antwort-dev/antwort/ingest"
	"github.com/antwort-dev/antwort/internal/cputime"
)

// benchBatchDir is where bench/batch.sh leaves the demo's knowledge base
// and the generated Maildir.
const benchBatchDir = "../bench/out/batch"

// batchQueries returns up to n queries as a batch run asks them of the
// demo knowledge base: those in the JSON lines file KB_QUERIES when set
// (Query values, one a line), else the subjects and texts of the first n
// generated mails, with an intent distribution like a classifier's.
// It skips when neither is there.
func batchQueries(tb testing.TB, n int) []Query {
	tb.Helper()
	if p := os.Getenv("KB_QUERIES"); p != "" {
		f, err := os.Open(p)
		if err != nil {
			tb.Fatal(err)
		}
		defer f.Close()
		var qs []Query
		sc := bufio.NewScanner(f)
		sc.Buffer(nil, 1<<24)
		for sc.Scan() && len(qs) < n {
			var q Query
			if err := json.Unmarshal(sc.Bytes(), &q); err != nil {
				tb.Fatalf("%s: %v", p, err)
			}
			qs = append(qs, q)
		}
		if err := sc.Err(); err != nil {
			tb.Fatal(err)
		}
		return qs
	}
	maildir := filepath.Join(benchBatchDir, "mail100000")
	if _, err := os.Stat(maildir); err != nil {
		tb.Skipf("no generated Maildir in %s (run bench/batch.sh)", maildir)
	}
	ctx := context.Background()
	src, err := ingest.Open(ctx, "maildir:"+maildir, ingest.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	defer src.Close()
	intents := []string{"cancel_contract", "change_address", "complaint", "damaged_item", "delivery_date_change",
		"invoice_wrong", "parcel_missing", "password_reset", "payment_method", "praise", "product_question", "refund_request"}
	var qs []Query
	for len(qs) < n {
		it, err := src.NextRaw(ctx)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			tb.Fatal(err)
		}
		m, err := it.Parse()
		if err != nil {
			tb.Fatal(err)
		}
		probs := map[string]float64{}
		for i, in := range intents {
			probs[in] = 0.01 + 0.001*float64((i+len(qs))%7)
		}
		probs[intents[len(qs)%len(intents)]] = 0.85
		qs = append(qs, Query{Subject: m.Subject, Text: m.Text, Intents: probs, Size: 3})
	}
	return qs
}

// openDemoKB opens the knowledge base bench/batch.sh builds, read-only as
// a batch run does; it skips when it is not there.
func openDemoKB(tb testing.TB) *KB {
	tb.Helper()
	dir := filepath.Join(benchBatchDir, "demo", "kb")
	if _, err := os.Stat(dir); err != nil {
		tb.Skipf("no demo knowledge base in %s (run bench/batch.sh)", dir)
	}
	k, err := Open(dir, &Options{ReadOnly: true})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { k.Close() })
	return k
}

// BenchmarkSearchBatch is one search per op of the demo knowledge base
// with the queries a batch run over the generated mails makes (see
// batchQueries): "new" with Search, "old" with the search as it was
// before the batch-speed work (the reference of TestSearchSameAsOld), for
// a ratio within one run.
//
//	go test -run '^$' -bench SearchBatch -benchtime 20000x -count 3 ./kb/
func BenchmarkSearchBatch(b *testing.B) {
	k := openDemoKB(b)
	qs := batchQueries(b, 5000)
	ctx := context.Background()
	for _, impl := range []struct {
		name   string
		search func(context.Context, Query) ([]Hit, error)
	}{{"old", k.oldSearch}, {"new", k.Search}} {
		b.Run(impl.name, func(b *testing.B) {
			i := 0
			b.ReportAllocs()
			cpu0 := cputime.Used(b)
			for b.Loop() {
				if _, err := impl.search(ctx, qs[i%len(qs)]); err != nil {
					b.Fatal(err)
				}
				i++
			}
			// The machine is shared: CPU time (of the whole process,
			// garbage collector included) says more than the wall time.
			b.ReportMetric(float64((cputime.Used(b)-cpu0).Nanoseconds())/float64(i), "cpu-ns/op")
		})
	}
}
