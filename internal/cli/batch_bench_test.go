package cli

import (
	"bufio"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/antwort-dev/antwort"
	"github.com/antwort-dev/antwort/ingest"
	"github.com/antwort-dev/antwort/internal/cputime"
	"github.com/antwort-dev/antwort/kb"
	"github.com/antwort-dev/antwort/models"
	"github.com/antwort-dev/antwort/reply"
)

// benchBatchDir is where bench/batch.sh leaves the demo's models and
// knowledge base and the generated Maildir; the benchmarks over them skip
// when it has not been run.
const benchBatchDir = "../../bench/out/batch"

// batchBenchSetup loads the engine as batch --dry-run does (demo models,
// read-only knowledge base, default policy, in-memory rate limit) and the
// first n generated mails, unparsed.
func batchBenchSetup(b *testing.B, n int) (*antwort.Engine, []*ingest.RawItem) {
	b.Helper()
	ctx := context.Background()
	maildir := filepath.Join(benchBatchDir, "mail100000")
	if _, err := os.Stat(filepath.Join(benchBatchDir, "demo", "antwort.db")); err != nil {
		b.Skipf("no demo in %s (run bench/batch.sh)", benchBatchDir)
	}
	if _, err := os.Stat(maildir); err != nil {
		b.Skipf("no generated Maildir in %s (run bench/batch.sh)", maildir)
	}
	store, err := models.Open(filepath.Join(benchBatchDir, "demo", "antwort.db"), &models.Options{ReadOnly: true})
	if err != nil {
		b.Fatal(err)
	}
	eng, err := antwort.Load(ctx, store, antwort.LoadOptions{Explain: -1})
	store.Close()
	if err != nil {
		b.Fatal(err)
	}
	k, err := kb.Open(filepath.Join(benchBatchDir, "demo", "kb"), &kb.Options{ReadOnly: true})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { k.Close() })
	pol := reply.DefaultPolicy()
	if eng, err = eng.WithReplies(antwort.ReplyConfig{KB: k, Policy: &pol}); err != nil {
		b.Fatal(err)
	}
	src, err := ingest.Open(ctx, "maildir:"+maildir, ingest.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer src.Close()
	var items []*ingest.RawItem
	for len(items) < n {
		it, err := src.NextRaw(ctx)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			b.Fatal(err)
		}
		items = append(items, it)
	}
	return eng, items
}

// BenchmarkBatchGenerated is the work batch --dry-run does per mail, on
// one goroutine, over the first 5,000 mails bench/batch.sh generates:
// parse, decide (Suggest), write the JSON line. Profile it with
// -cpuprofile to see where a batch run's CPU goes, without the reading
// of files.
func BenchmarkBatchGenerated(b *testing.B) {
	eng, items := batchBenchSetup(b, 5000)
	ctx := context.Background()
	w := bufio.NewWriter(io.Discard)
	var line []byte
	b.ReportAllocs()
	cpu0 := cputime.Used(b)
	n := 0
	for b.Loop() {
		it := items[n%len(items)]
		n++
		msg, err := it.Parse()
		if err != nil {
			b.Fatal(err)
		}
		s, err := eng.Suggest(ctx, msg)
		if err != nil {
			b.Fatal(err)
		}
		if line, err = appendBatchRecord(line[:0], &batchRecord{Suggestion: s, Source: msg.Source, Auto: msg.Auto}); err != nil {
			b.Fatal(err)
		}
		w.Write(line)
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "mails/s")
	// The machine is shared: CPU time per mail (of the whole process,
	// garbage collector included) says more than the wall time.
	b.ReportMetric(float64((cputime.Used(b)-cpu0).Nanoseconds())/float64(n), "cpu-ns/mail")
}
