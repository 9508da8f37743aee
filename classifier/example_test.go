package classifier_test

import (
	"context"
	"fmt"
	"log"

	"github.com/antwort-dev/antwort/classifier"
)

func Example() {
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
	m, err := classifier.Train(context.Background(), examples, classifier.Options{Seed: 1})
	if err != nil {
		log.Fatal(err)
	}
	// Save and load, as a model store does.
	blob, err := m.MarshalBinary()
	if err != nil {
		log.Fatal(err)
	}
	loaded, err := classifier.UnmarshalModel(blob)
	if err != nil {
		log.Fatal(err)
	}
	for _, text := range []string{"Paket immer noch nicht da!", "cancel my plan please", ""} {
		p := loaded.Predict(text)
		fmt.Printf("%q → %q abstain=%v\n", text, p.Label, p.Abstain)
	}
	// Output:
	// "Paket immer noch nicht da!" → "parcel_missing" abstain=false
	// "cancel my plan please" → "cancel_contract" abstain=false
	// "" → "" abstain=true
}
