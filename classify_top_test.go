package antwort

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/antwort-dev/antwort/classifier"
	"github.com/antwort-dev/antwort/ingest"
)

// TestClassifyPicksAlternatives checks that Classify, which asks the
// models for the reported alternatives only, gives the result of a full
// ranking cut to them (as Suggest's classify makes it), for every
// setting of Alternatives, with a sentiment model and with the lexicon.
func TestClassifyPicksAlternatives(t *testing.T) {
	ctx := context.Background()
	opts := classifier.Options{C: 1, Folds: 2}
	im, err := classifier.Train(ctx, sample(t, "intent"), opts)
	if err != nil {
		t.Fatal(err)
	}
	sm, err := classifier.Train(ctx, sample(t, "sentiment"), opts)
	if err != nil {
		t.Fatal(err)
	}
	var msgs []*ingest.Message
	for _, ex := range sample(t, "intent")[:200] {
		msgs = append(msgs, &ingest.Message{ID: "m", Text: ex.Text})
	}
	msgs = append(msgs, &ingest.Message{Text: ""}, &ingest.Message{Subject: "Kündigung", Text: "sofort!"})
	for _, sentiment := range []*classifier.Model{sm, nil} {
		for _, alts := range []int{-1, 1, 3, 100} {
			eng, err := New(Config{Intent: im, Sentiment: sentiment, Alternatives: alts})
			if err != nil {
				t.Fatal(err)
			}
			for _, msg := range msgs {
				want, _, _, err := eng.classify(ctx, msg.ID, Text(msg))
				if err != nil {
					t.Fatal(err)
				}
				got, err := eng.Classify(ctx, msg)
				if err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(want, got); diff != "" {
					t.Fatalf("alternatives %d, sentiment model %v, text %.40q: Classify mismatch (-full ranking +got):\n%s",
						alts, sentiment != nil, msg.Text, diff)
				}
			}
		}
	}
}
