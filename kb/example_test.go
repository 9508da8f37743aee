package kb_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/antwort-dev/antwort/kb"
)

// Import articles into a knowledge base, open it read-only as a server
// does, and search it with a mail and the intent classifier's
// probabilities.
func ExampleKB_Search() {
	dir, err := os.MkdirTemp("", "kb-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	ctx := context.Background()
	articles := []kb.Article{
		{ID: "parcel_missing-de", Lang: "de", Title: "Paket nicht angekommen", Intents: []string{"parcel_missing"},
			Questions: []string{"Wo bleibt mein Paket?", "Meine Bestellung ist noch nicht angekommen."},
			Body:      "{{.Salutation}}\n\nIhre Bestellung ist unterwegs …"},
		{ID: "password_reset-de", Lang: "de", Title: "Passwort zurücksetzen", Intents: []string{"password_reset"},
			Questions: []string{"Ich habe mein Passwort vergessen."},
			Body:      "{{.Salutation}}\n\nein neues Passwort setzen Sie unter …"},
	}
	if _, err := kb.Import(ctx, filepath.Join(dir, "kb"), articles, nil); err != nil {
		log.Fatal(err)
	}
	k, err := kb.Open(filepath.Join(dir, "kb"), &kb.Options{ReadOnly: true})
	if err != nil {
		log.Fatal(err)
	}
	defer k.Close()
	hits, err := k.Search(ctx, kb.Query{
		Text:    "Hallo, mein Paket ist seit einer Woche nicht angekommen. Wo bleibt es?",
		Lang:    "de",
		Intents: map[string]float64{"parcel_missing": 0.93, "password_reset": 0.01},
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(hits[0].Article.ID, hits[0].Score > 0.5)
	// Output:
	// parcel_missing-de true
}
