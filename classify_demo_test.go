package antwort

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"os"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/antwort-dev/antwort/classifier"
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
		if _, _, _, err := eng.classify(ctx, msgs[i].ID, Text(msgs[i])); err != nil {
			b.Fatal(err)
		}
		if i++; i == len(msgs) {
			i = 0
		}
	}
}

// TestClassifyDemo checks that classify, which prepares each text once
// for both models and the language and computes its features once for
// both models, decides exactly as the models and nlp.Detect do on their
// own, over the demo mails of bench/batch.sh.
func TestClassifyDemo(t *testing.T) {
	eng, msgs := demoEngine(t, 2000)
	if !eng.cfg.Sentiment.SharesFeatures(eng.cfg.Intent) {
		t.Fatal("demo sentiment model does not share the intent model's feature space")
	}
	checkClassify(t, eng, msgs)
}

// TestClassifyDemoOtherFeatures is TestClassifyDemo with a sentiment
// model whose feature space is not the intent model's: it scores the
// prepared text itself.
func TestClassifyDemoOtherFeatures(t *testing.T) {
	eng, msgs := demoEngine(t, 500)
	f, err := os.Open("testdata/demo/train.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var train []classifier.Example
	for dec := json.NewDecoder(f); ; {
		var ex struct{ Text, Sentiment string }
		if err := dec.Decode(&ex); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		train = append(train, classifier.Example{Text: ex.Text, Label: ex.Sentiment})
	}
	sm, err := classifier.Train(context.Background(), train, classifier.Options{Features: classifier.FeatureOptions{NoBigrams: true}})
	if err != nil {
		t.Fatal(err)
	}
	if sm.SharesFeatures(eng.cfg.Intent) {
		t.Fatal("sentiment model without bigrams shares the intent model's feature space")
	}
	other := &Engine{cfg: eng.cfg}
	other.cfg.Sentiment = sm
	checkClassify(t, other, msgs)
}

func checkClassify(t *testing.T, eng *Engine, msgs []*ingest.Message) {
	t.Helper()
	ctx := context.Background()
	for _, msg := range msgs {
		r, ip, sp, err := eng.classify(ctx, msg.ID, Text(msg))
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
