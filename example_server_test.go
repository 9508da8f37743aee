package antwort_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"

	"github.com/antwort-dev/antwort"
	"github.com/antwort-dev/antwort/classifier"
	"github.com/antwort-dev/antwort/ingest"
	"github.com/antwort-dev/antwort/kb"
	"github.com/antwort-dev/antwort/models"
	"github.com/antwort-dev/antwort/server"
)

// exampleSetup trains a tiny intent model into a new store in dir and
// imports a two-article knowledge base into dir/kb.
func exampleSetup(ctx context.Context, dir string) (*models.Store, string) {
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
	blob, _ := m.MarshalBinary()
	store, err := models.Open(filepath.Join(dir, "antwort.db"), nil)
	if err != nil {
		log.Fatal(err)
	}
	info, err := store.Save(ctx, antwort.IntentModel, models.Info{Kind: string(m.Kind())}, blob)
	if err != nil {
		log.Fatal(err)
	}
	if err := store.Activate(ctx, antwort.IntentModel, info.Version); err != nil {
		log.Fatal(err)
	}
	kbDir := filepath.Join(dir, "kb")
	_, err = kb.Import(ctx, kbDir, []kb.Article{
		{ID: "kuendigung", Lang: "de", Title: "Vertrag kündigen", Intents: []string{"cancel_contract"},
			Questions: []string{"Wie kann ich kündigen?"}, Body: "{{.Salutation}}\n\nwir bestätigen Ihre Kündigung.\n\n{{.Signature}}"},
		{ID: "paket", Lang: "de", Title: "Paket nicht angekommen", Intents: []string{"parcel_missing"},
			Questions: []string{"Wo ist mein Paket?"}, Body: "{{.Salutation}}\n\nwir forschen nach Ihrem Paket.\n\n{{.Signature}}"},
	}, nil)
	if err != nil {
		log.Fatal(err)
	}
	return store, kbDir
}

// Suggest an answer directly from Go: classify, search the knowledge base,
// fill the template and let the reply policy decide.
func ExampleEngine_Suggest() {
	ctx := context.Background()
	dir, _ := os.MkdirTemp("", "antwort-example")
	defer os.RemoveAll(dir)
	store, kbDir := exampleSetup(ctx, dir)
	defer store.Close()

	eng, err := antwort.Load(ctx, store, antwort.LoadOptions{})
	if err != nil {
		log.Fatal(err)
	}
	k, err := kb.Open(kbDir, &kb.Options{ReadOnly: true})
	if err != nil {
		log.Fatal(err)
	}
	defer k.Close()
	eng, err = eng.WithReplies(antwort.ReplyConfig{KB: k, Signature: map[string]string{"de": "Ihr Kundenservice"}})
	if err != nil {
		log.Fatal(err)
	}
	s, err := eng.Suggest(ctx, &ingest.Message{ID: "m1", From: ingest.Address{Name: "Petra Schulz", Address: "petra@example.com"}, Subject: "Kündigung",
		Text: "Hiermit möchte ich meinen Vertrag kündigen."})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(s.Intent.Label, s.Article)
	fmt.Println(strings.SplitN(s.Draft, "\n", 2)[0])
	// Output:
	// cancel_contract kuendigung
	// Sehr geehrte Frau Schulz,
}

// Mount antwort's HTTP API under /antwort/ in an existing http.ServeMux.
// The Live engine is swapped when models are activated or the knowledge
// base is re-imported through the API; requests in flight finish on the
// engine they started with.
func Example_serverInServeMux() {
	ctx := context.Background()
	dir, _ := os.MkdirTemp("", "antwort-example")
	defer os.RemoveAll(dir)
	store, kbDir := exampleSetup(ctx, dir)
	defer store.Close()

	live, err := antwort.NewLive(ctx, store, antwort.LiveOptions{KBDir: kbDir})
	if err != nil {
		log.Fatal(err)
	}
	defer live.Close()
	tokens := &server.Tokens{}
	if err := tokens.Add("ticket-system-secret-0123", "ticket-system", server.RoleClient); err != nil {
		log.Fatal(err)
	}
	api, err := server.New(live, server.Options{Tokens: tokens, Store: store, KBDir: kbDir})
	if err != nil {
		log.Fatal(err)
	}

	mux := http.NewServeMux() // the application's own mux
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) { fmt.Fprintln(w, "my app") })
	mux.Handle("/antwort/", http.StripPrefix("/antwort", api))
	ts := httptest.NewServer(mux)
	defer ts.Close()

	req, _ := http.NewRequest("POST", ts.URL+"/antwort/v1/suggest",
		strings.NewReader(`{"id":"t-17","subject":"Paket","text":"Mein Paket ist nicht angekommen."}`))
	req.Header.Set("Authorization", "Bearer ticket-system-secret-0123")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		log.Fatal(err)
	}
	defer resp.Body.Close()
	var s antwort.Suggestion
	if err := json.NewDecoder(resp.Body).Decode(&s); err != nil {
		log.Fatal(err)
	}
	fmt.Println(resp.StatusCode, s.ID, s.Intent.Label, s.Article)
	// Output:
	// 200 t-17 parcel_missing paket
}
