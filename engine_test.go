package antwort

import (
	"context"
	"errors"
	"path/filepath"
	"sync"
	"testing"

	"github.com/antwort-dev/antwort/classifier"
	"github.com/antwort-dev/antwort/ingest"
	"github.com/antwort-dev/antwort/models"
)

func sample(t testing.TB, field string) []classifier.Example {
	t.Helper()
	ls, probs, err := ingest.ReadLabeled(context.Background(), "testdata/demo/train.jsonl", ingest.Options{LabelField: field})
	if err != nil || len(probs) > 0 {
		t.Fatalf("read sample: %v %v", err, probs)
	}
	out := make([]classifier.Example, len(ls))
	for i, l := range ls {
		out[i] = classifier.Example{Text: l.Text, Label: l.Label}
	}
	return out
}

func TestNewNeedsIntent(t *testing.T) {
	if _, err := New(Config{}); !errors.Is(err, ErrNoModel) {
		t.Errorf("New(Config{}) error = %v, want ErrNoModel", err)
	}
}

func TestLoadEmptyStore(t *testing.T) {
	s, err := models.Open(filepath.Join(t.TempDir(), "a.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := Load(context.Background(), s, LoadOptions{}); !errors.Is(err, ErrNoModel) {
		t.Errorf("Load(empty store) error = %v, want ErrNoModel", err)
	}
}

// TestSampleInbox trains on the sample corpus and checks the engine on the
// held-out sample inbox, in parallel (run with -race).
func TestSampleInbox(t *testing.T) {
	ctx := context.Background()
	im, err := classifier.Train(ctx, sample(t, "intent"), classifier.Options{})
	if err != nil {
		t.Fatal(err)
	}
	sm, err := classifier.Train(ctx, sample(t, "sentiment"), classifier.Options{})
	if err != nil {
		t.Fatal(err)
	}
	eng, err := New(Config{Intent: im, IntentVersion: 2, Sentiment: sm})
	if err != nil {
		t.Fatal(err)
	}
	f, err := SampleData().Open("inbox.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	// The truth fields are read with the label reader.
	truth, _, err := ingest.ReadLabeled(ctx, "testdata/demo/inbox.jsonl", ingest.Options{LabelField: "intent"})
	if err != nil {
		t.Fatal(err)
	}
	rd, err := ingest.NewReader(f, "inbox.jsonl", "jsonl", ingest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var msgs []*ingest.Message
	for {
		m, err := rd.Next(ctx)
		if err != nil {
			break
		}
		msgs = append(msgs, m)
	}
	if len(msgs) != len(truth) || len(msgs) < 40 {
		t.Fatalf("read %d inbox messages and %d truths", len(msgs), len(truth))
	}
	results := make([]*Result, len(msgs))
	var wg sync.WaitGroup
	for i, m := range msgs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r, err := eng.Classify(ctx, m)
			if err != nil {
				t.Error(err)
				return
			}
			results[i] = r
		}()
	}
	wg.Wait()
	correct := 0
	for i, r := range results {
		if r.Intent.Label == truth[i].Label {
			correct++
		}
		if r.Intent.Model != "intent@2" || r.Sentiment.Model != "sentiment" {
			t.Errorf("result %s models %q %q", r.ID, r.Intent.Model, r.Sentiment.Model)
		}
		if r.Lang != "de" && r.Lang != "en" && r.Lang != "und" {
			t.Errorf("result %s lang %q", r.ID, r.Lang)
		}
		if len(r.Explanation.Intent) == 0 {
			t.Errorf("result %s has no intent explanation", r.ID)
		}
	}
	// The demo reaches about 90 %; fail well below that.
	if acc := float64(correct) / float64(len(results)); acc < 0.75 {
		t.Errorf("held-out intent accuracy %.2f, want >= 0.75", acc)
	}
}

func TestClassifyEmptyAndCancelled(t *testing.T) {
	ctx := context.Background()
	im, err := classifier.Train(ctx, sample(t, "intent"), classifier.Options{Folds: 2})
	if err != nil {
		t.Fatal(err)
	}
	eng, err := New(Config{Intent: im})
	if err != nil {
		t.Fatal(err)
	}
	r, err := eng.Classify(ctx, &ingest.Message{ID: "e"})
	if err != nil {
		t.Fatal(err)
	}
	if !r.Intent.Abstain || r.Intent.Label != "" || !r.Sentiment.Abstain {
		t.Errorf("empty message: %+v, want abstaining labels", r)
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := eng.Classify(cctx, &ingest.Message{Text: "x"}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled Classify error = %v", err)
	}
}
