package antwort_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/antwort-dev/antwort"
	"github.com/antwort-dev/antwort/classifier"
	"github.com/antwort-dev/antwort/ingest"
	"github.com/antwort-dev/antwort/models"
)

// Train an intent model on a tiny corpus, save it in a model store, load
// the store's active models into an Engine and classify a message.
func Example() {
	ctx := context.Background()
	examples := []classifier.Example{
		{Text: "Wo bleibt meine Bestellung?", Label: "parcel_missing"},
		{Text: "Mein Paket ist nicht angekommen", Label: "parcel_missing"},
		{Text: "my parcel never arrived", Label: "parcel_missing"},
		{Text: "where is my order", Label: "parcel_missing"},
		{Text: "Ich möchte meinen Vertrag kündigen", Label: "cancel_contract"},
		{Text: "Bitte kündigen Sie mein Abo", Label: "cancel_contract"},
		{Text: "please cancel my contract", Label: "cancel_contract"},
		{Text: "I want to cancel my subscription", Label: "cancel_contract"},
	}
	m, err := classifier.Train(ctx, examples, classifier.Options{})
	if err != nil {
		log.Fatal(err)
	}
	blob, err := m.MarshalBinary()
	if err != nil {
		log.Fatal(err)
	}

	dir, err := os.MkdirTemp("", "antwort-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	store, err := models.Open(filepath.Join(dir, "antwort.db"), nil)
	if err != nil {
		log.Fatal(err)
	}
	defer store.Close()
	info, err := store.Save(ctx, antwort.IntentModel, models.Info{Kind: string(m.Kind()), Examples: len(examples)}, blob)
	if err != nil {
		log.Fatal(err)
	}
	if err := store.Activate(ctx, antwort.IntentModel, info.Version); err != nil {
		log.Fatal(err)
	}

	eng, err := antwort.Load(ctx, store, antwort.LoadOptions{})
	if err != nil {
		log.Fatal(err)
	}
	res, err := eng.Classify(ctx, &ingest.Message{ID: "m1", Text: "Mein Paket ist immer noch nicht da!!! Unverschämt."})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(res.ID, res.Lang, res.Intent.Label, res.Intent.Model, res.Sentiment.Label, res.Sentiment.Model)
	// Output:
	// m1 de parcel_missing intent@1 negative lexicon
}
