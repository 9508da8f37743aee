package server_test

import (
	"context"
	"strings"
	"testing"

	"github.com/antwort-dev/antwort"
	"github.com/antwort-dev/antwort/models"
)

// TestServerDecidesReusedMessageID: the server decides every message it
// is given, also a different one that carries an id it answered before;
// what it keeps for feedback under that id is the latest message, before
// and after the queue is written to the store.
func TestServerDecidesReusedMessageID(t *testing.T) {
	e := newEnv(t, nil)
	bodies := []string{
		`{"id":"dup-1","subject":"Kündigung","text":"Hiermit kündige ich meinen Vertrag zum nächsten Termin."}`,
		`{"id":"dup-1","subject":"Paket","text":"Mein Paket ist nicht angekommen, die Sendungsverfolgung zeigt nichts."}`,
	}
	var intents []string
	for _, b := range bodies {
		var sug antwort.Suggestion
		e.do(t, "POST", "/v1/suggest", clientToken, b).ok(t, "suggest").json(t, &sug)
		if sug.ID != "dup-1" || sug.Decision.Action == "" {
			t.Fatalf("suggest %s: id %q, action %q", b, sug.ID, sug.Decision.Action)
		}
		intents = append(intents, sug.Intent.Label)
	}
	if intents[0] == intents[1] {
		t.Fatalf("both messages classified %s: the second was not decided on its own text", intents[0])
	}
	check := func(when string) {
		t.Helper()
		var fb struct{ Known bool }
		e.do(t, "POST", "/v1/feedback", clientToken, `{"message_id":"dup-1","intent":"parcel_missing"}`).ok(t, "feedback").json(t, &fb)
		log, err := e.store.FeedbackLog(context.Background(), models.FeedbackQuery{})
		if err != nil || len(log) == 0 {
			t.Fatalf("FeedbackLog: %d, %v", len(log), err)
		}
		if last := log[len(log)-1]; !fb.Known || !strings.Contains(last.Text, "Paket") || last.PredictedIntent != intents[1] {
			t.Errorf("%s: feedback on the reused id refers to %q (predicted %s), want the latest message", when, last.Text, last.PredictedIntent)
		}
	}
	check("queued")
	if err := e.srv.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	check("stored")
}
