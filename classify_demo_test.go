package antwort

import (
	"context"
	"errors"
	"io"
	"os"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/antwort-dev/antwort/ingest"
	"github.com/antwort-dev/antwort/internal/nlp"
	"github.com/antwort-dev/antwort/models"
)

// demoDir holds bench/batch.sh's demo models and generated mails.
const demoDir = "bench/out/batch/"

// demoEngine loads the engine bench/batch.sh uses and the first n of its
// generated mails; it skips when bench/out is absent.
func demoEngine(tb testing.TB, n int) (*Engine, []*ingest.Message) {
	tb.Helper()
	db := demoDir + "demo/antwort.db"
	if _, err := os.Stat(db); err != nil {
		tb.Skipf("no demo models (run bench/batch.sh): %v", err)
	}
	ctx := context.Background()
	store, err := models.Open(db, &models.Options{ReadOnly: true})
	if err != nil {
		tb.Fatal(err)
	}
	defer store.Close()
	eng, err := Load(ctx, store, LoadOptions{Explain: -1})
	if err != nil {
		tb.Fatal(err)
	}
	src, err := ingest.Open(ctx, "maildir:"+demoDir+"mail100000", ingest.Options{})
	if err != nil {
		tb.Skipf("no demo mails (run bench/batch.sh): %v", err)
	}
	defer src.Close()
	var msgs []*ingest.Message
	for len(msgs) < n {
		m, err := src.Next(ctx)
		if errors.Is(err, io.EOF) {
			break
		}
		var p *ingest.Problem
		if errors.As(err, &p) {
			continue
		}
		if err != nil {
			tb.Fatal(err)
		}
		msgs = append(msgs, m)
	}
	return eng, msgs
}

// BenchmarkClassifyDemo measures Engine.classify, as the batch runs it,
// over the demo mails of bench/batch.sh; ns/op is per mail.
func BenchmarkClassifyDemo(b *testing.B) {
	eng, msgs := demoEngine(b, 5000)
	ctx := context.Background()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if _, _, _, err := eng.classify(ctx, msgs[i]); err != nil {
			b.Fatal(err)
		}
		if i++; i == len(msgs) {
			i = 0
		}
	}
}

// TestClassifyDemo checks that classify, which prepares each text once
// for both models and the language, decides exactly as the models and
// nlp.Detect do on their own, over the demo mails of bench/batch.sh.
func TestClassifyDemo(t *testing.T) {
	eng, msgs := demoEngine(t, 2000)
	ctx := context.Background()
	for _, msg := range msgs {
		r, ip, sp, err := eng.classify(ctx, msg)
		if err != nil {
			t.Fatal(err)
		}
		text := Text(msg)
		if want := nlp.Detect(text); r.Lang != want {
			t.Errorf("classify(%s).Lang = %q, nlp.Detect %q", msg.ID, r.Lang, want)
		}
		if diff := cmp.Diff(eng.cfg.Intent.PredictTop(text, -1), ip); diff != "" {
			t.Errorf("classify(%s) intent mismatch (-PredictTop +got):\n%s", msg.ID, diff)
		}
		if diff := cmp.Diff(eng.cfg.Sentiment.PredictTop(text, -1), sp); diff != "" {
			t.Errorf("classify(%s) sentiment mismatch (-PredictTop +got):\n%s", msg.ID, diff)
		}
	}
}
