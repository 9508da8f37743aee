package antwort_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/antwort-dev/antwort"
	"github.com/antwort-dev/antwort/classifier"
	"github.com/antwort-dev/antwort/ingest"
	"github.com/antwort-dev/antwort/models"
)

// giftCard are customer messages about a topic the sample corpus does not
// have: redeeming gift cards. Agents label them with a new intent.
var giftCard = []string{
	"Mein Gutscheincode wird im Warenkorb nicht akzeptiert, was mache ich falsch?",
	"Ich habe einen Geschenkgutschein über 50 Euro bekommen, wie löse ich den ein?",
	"Der Gutschein von meiner Tante funktioniert nicht, es heißt Code ungültig.",
	"Kann ich zwei Gutscheine bei einer Bestellung einlösen?",
	"Wo gebe ich den Gutscheincode beim Bezahlen ein?",
	"Mein Geschenkgutschein ist angeblich abgelaufen, dabei habe ich ihn erst im Mai bekommen.",
	"Restguthaben auf meinem Gutschein wird nicht angezeigt.",
	"Gutschein lässt sich nicht einlösen, Fehlermeldung beim Checkout.",
	"My gift card code is rejected at checkout, what am I doing wrong?",
	"How do I redeem the gift card I got for my birthday?",
	"The gift voucher says invalid code although it is brand new.",
	"Can I use two gift cards on one order?",
	"Where do I enter my gift card number when paying?",
	"My gift card balance is not shown in my account.",
	"Gift card expired? I only received it last month.",
	"The voucher code from the gift card does not apply any discount.",
}

func addGiftCardFeedback(t *testing.T, store *models.Store) {
	t.Helper()
	ctx := models.WithActor(t.Context(), "token:helpdesk")
	for i, text := range giftCard {
		if _, err := store.AddFeedback(ctx, models.Feedback{MessageID: fmt.Sprintf("gc-%02d", i), Text: text,
			PredictedIntent: "payment_method", Intent: "gift_card", Known: true}); err != nil {
			t.Fatal(err)
		}
	}
}

func TestRetrainLearnsNewIntent(t *testing.T) {
	d := newDemo(t)
	ctx := models.WithActor(t.Context(), "cli:test")
	addGiftCardFeedback(t, d.store)
	rep, err := antwort.Retrain(ctx, d.store, antwort.RetrainOptions{CodeVersion: "test"})
	if err != nil {
		t.Fatal(err)
	}
	if !rep.Promoted || rep.Candidate != 2 || rep.Active != 1 || !slices.Equal(rep.NewLabels, []string{"gift_card"}) {
		t.Fatalf("Retrain() = %+v; want candidate 2 promoted with the new label gift_card", rep)
	}
	if rep.Feedback != len(giftCard) || rep.FeedbackHeldOut == 0 || rep.FeedbackTrain+rep.FeedbackHeldOut != len(giftCard) {
		t.Errorf("feedback split %d = %d train + %d held out, want %d with some held out", rep.Feedback, rep.FeedbackTrain, rep.FeedbackHeldOut, len(giftCard))
	}
	if rep.Recent.ActiveAccuracy != 0 || rep.Recent.CandidateAccuracy <= 0 {
		t.Errorf("recent feedback: active %.2f, candidate %.2f; the active model cannot know gift_card", rep.Recent.ActiveAccuracy, rep.Recent.CandidateAccuracy)
	}
	if !strings.Contains(rep.HeldOut.Reference, "re-fit") || rep.HeldOut.N == 0 {
		t.Errorf("held-out comparison = %+v; want a re-fit reference (intent@1 trained on all rows)", rep.HeldOut)
	}

	// The promoted model predicts gift_card for the feedback examples.
	eng, err := antwort.Load(ctx, d.store, antwort.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	right := 0
	for _, text := range giftCard {
		res, err := eng.Classify(ctx, &ingest.Message{Text: text})
		if err != nil {
			t.Fatal(err)
		}
		if res.Intent.Label == "gift_card" {
			right++
		} else {
			t.Logf("Classify(%q) = %s", text, res.Intent.Label)
		}
	}
	if right < len(giftCard)-1 || eng.Versions()[0] != "intent@2" {
		t.Errorf("%s predicts gift_card for %d of %d feedback examples, want at least %d", eng.Versions()[0], right, len(giftCard), len(giftCard)-1)
	}

	info, err := d.store.Info(ctx, antwort.IntentModel, 2)
	if err != nil {
		t.Fatal(err)
	}
	if info.HeldOut != antwort.DefaultHoldOut || info.Feedback != rep.FeedbackTrain || info.BaseHash == "" || info.CodeVersion != "test" {
		t.Errorf("candidate Info = %+v", info)
	}
	audit, err := d.store.AuditLog(ctx, models.AuditQuery{Last: 3})
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, e := range audit {
		actions = append(actions, e.Action+"/"+e.Actor)
	}
	if !slices.Equal(actions, []string{"save/cli:test", "activate/cli:test", "retrain/cli:test"}) {
		t.Errorf("audit trail ends with %v", actions)
	}
	var detail antwort.RetrainReport
	if err := json.Unmarshal(audit[2].Detail, &detail); err != nil || detail.Candidate != 2 || !detail.Promoted {
		t.Errorf("retrain audit detail = %+v, %v", detail, err)
	}

	// A second retrain compares with intent@2 itself: it never saw the
	// held-out rows.
	rep2, err := antwort.Retrain(ctx, d.store, antwort.RetrainOptions{DryRun: true})
	if err != nil {
		t.Fatal(err)
	}
	if rep2.HeldOut.Reference != "intent@2" || rep2.Candidate != 0 || !strings.HasPrefix(rep2.Decision, "dry run") {
		t.Errorf("second Retrain(dry run) = %+v", rep2)
	}
	if list, _ := d.store.List(ctx); len(list) != 3 { // intent 1, 2 and sentiment 1
		t.Errorf("a dry run saved a model: %d versions", len(list))
	}
}

// poison adds feedback that relabels the sample corpus with wrong
// intents, as a broken integration or a careless bulk edit would.
func poison(t *testing.T, store *models.Store) {
	t.Helper()
	exs := sampleExamples(t, "intent")
	labels := map[string]bool{}
	for _, e := range exs {
		labels[e.Label] = true
	}
	var names []string
	for l := range labels {
		names = append(names, l)
	}
	slices.Sort(names)
	for i, e := range exs {
		if i%2 == 1 {
			continue
		}
		j := slices.Index(names, e.Label)
		wrong := names[(j+1+i%3)%len(names)]
		if _, err := store.AddFeedback(t.Context(), models.Feedback{MessageID: fmt.Sprintf("p%03d", i), Text: e.Text + " (Ticket)", Intent: wrong}); err != nil {
			t.Fatal(err)
		}
	}
}

func TestRetrainRefusesWorseCandidate(t *testing.T) {
	d := newDemo(t)
	ctx := t.Context()
	poison(t, d.store)
	rep, err := antwort.Retrain(ctx, d.store, antwort.RetrainOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Promoted || !strings.HasPrefix(rep.Decision, "refused: held-out accuracy") {
		t.Fatalf("Retrain(poisoned feedback) = promoted %v, %q; want refused on held-out accuracy", rep.Promoted, rep.Decision)
	}
	if rep.HeldOut.CandidateAccuracy >= rep.HeldOut.ActiveAccuracy-0.05 {
		t.Errorf("held-out accuracy: candidate %.3f, reference %.3f; want the candidate clearly worse", rep.HeldOut.CandidateAccuracy, rep.HeldOut.ActiveAccuracy)
	}
	active, err := d.store.Info(ctx, antwort.IntentModel, 0)
	if err != nil || active.Version != 1 {
		t.Errorf("active intent version = %d, %v; want 1 (unchanged)", active.Version, err)
	}
	refused, err := d.store.Info(ctx, antwort.IntentModel, rep.Candidate)
	if err != nil || !strings.Contains(refused.Note, "refused") {
		t.Errorf("refused candidate %d = %+v, %v; want it saved with a note", rep.Candidate, refused, err)
	}

	forced, err := antwort.Retrain(ctx, d.store, antwort.RetrainOptions{Force: true})
	if err != nil {
		t.Fatal(err)
	}
	if !forced.Promoted || !forced.Forced || !strings.HasPrefix(forced.Decision, "promoted by force") {
		t.Errorf("Retrain(Force) = %+v", forced)
	}
	if a, _ := d.store.Info(ctx, antwort.IntentModel, 0); a.Version != forced.Candidate {
		t.Errorf("active after a forced retrain = %d, want %d", a.Version, forced.Candidate)
	}
}

func TestRetrainErrors(t *testing.T) {
	ctx := t.Context()
	d := newDemo(t)
	if _, err := antwort.Retrain(ctx, d.store, antwort.RetrainOptions{Name: "nope"}); !errors.Is(err, models.ErrNotFound) {
		t.Errorf("Retrain(unknown model) error = %v, want ErrNotFound", err)
	}
	if _, err := antwort.Retrain(ctx, d.store, antwort.RetrainOptions{HoldOut: 1}); err == nil {
		t.Errorf("Retrain(HoldOut 1) succeeded")
	}
	// A model whose training data the store lacks.
	m, err := classifier.Train(ctx, sampleExamples(t, "intent"), classifier.Options{Folds: 2, C: 1})
	if err != nil {
		t.Fatal(err)
	}
	blob, _ := m.MarshalBinary()
	info, err := d.store.Save(ctx, antwort.IntentModel, models.Info{DataHash: "0000000000000000"}, blob)
	if err != nil {
		t.Fatal(err)
	}
	if err := d.store.Activate(ctx, antwort.IntentModel, info.Version); err != nil {
		t.Fatal(err)
	}
	_, err = antwort.Retrain(ctx, d.store, antwort.RetrainOptions{})
	if !errors.Is(err, models.ErrNotFound) || !strings.Contains(err.Error(), "give the base data") {
		t.Errorf("Retrain(no stored data) error = %v, want ErrNotFound telling to give the data", err)
	}
	// Given explicitly, it works and keeps the data for next time.
	rep, err := antwort.Retrain(ctx, d.store, antwort.RetrainOptions{Base: sampleExamples(t, "intent")})
	if err != nil || rep.BaseExamples != len(sampleExamples(t, "intent")) {
		t.Fatalf("Retrain(Base given) = %+v, %v", rep, err)
	}
	if _, err := antwort.TrainingData(ctx, d.store, antwort.DataHash(sampleExamples(t, "intent"))); err != nil {
		t.Errorf("the given base data was not kept: %v", err)
	}
}

func TestDiffModels(t *testing.T) {
	d := newDemo(t)
	ctx := context.Background()
	addGiftCardFeedback(t, d.store)
	var seen []models.Seen
	for i, text := range giftCard {
		seen = append(seen, models.Seen{ID: fmt.Sprintf("gc-%02d", i), Text: text, Channel: "email"})
	}
	seen = append(seen, models.Seen{ID: "c1", Subject: cancelMsg.Subject, Text: cancelMsg.Text, Channel: "email"})
	if err := d.store.AddSeen(ctx, seen, 0); err != nil {
		t.Fatal(err)
	}
	if _, err := antwort.Retrain(ctx, d.store, antwort.RetrainOptions{}); err != nil {
		t.Fatal(err)
	}
	l := d.live(t)
	eng, release := l.Acquire()
	defer release()
	diff, err := antwort.DiffModels(ctx, d.store, antwort.IntentModel, 1, 2, antwort.DiffOptions{KB: eng.KB()})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(diff.Added, []string{"gift_card"}) || len(diff.Removed) != 0 {
		t.Errorf("Added %v Removed %v; want [gift_card] and none", diff.Added, diff.Removed)
	}
	if diff.N == 0 || !slices.Equal(diff.SawHeldOut, []string{"intent@1"}) {
		t.Errorf("N = %d, SawHeldOut = %v; want rows and intent@1 flagged", diff.N, diff.SawHeldOut)
	}
	if diff.Messages != len(seen) || diff.Changed < len(giftCard)-2 || diff.Decisions != len(seen) {
		t.Errorf("Messages %d Changed %d Decisions %d; want %d, at least %d, %d", diff.Messages, diff.Changed, diff.Decisions, len(seen), len(giftCard)-2, len(seen))
	}
	if len(diff.Transitions) == 0 || diff.Transitions[0].To != "gift_card" {
		t.Errorf("Transitions = %+v; want the most frequent to gift_card", diff.Transitions)
	}
	gc := slices.IndexFunc(diff.Labels, func(l antwort.LabelDiff) bool { return l.Label == "gift_card" })
	if gc < 0 || diff.Labels[gc].RecallA != 0 || diff.Labels[gc].RecallB == 0 {
		t.Errorf("gift_card figures = %+v", diff.Labels)
	}
	if _, err := antwort.DiffModels(ctx, d.store, antwort.IntentModel, 1, 9, antwort.DiffOptions{}); !errors.Is(err, models.ErrNotFound) {
		t.Errorf("DiffModels(version 9) error = %v, want ErrNotFound", err)
	}
}

func TestFeedbackExamples(t *testing.T) {
	log := []models.Feedback{
		{Seq: 1, MessageID: "a", Text: "Paket fehlt", Intent: "refund_request"},
		{Seq: 2, MessageID: "a", Text: "Paket fehlt", Intent: "parcel_missing", Sentiment: "negative"},
		{Seq: 3, MessageID: "a", Text: "Paket fehlt", AnswerUsed: "x"}, // answer only: keeps the label of 2
		{Seq: 4, MessageID: "b", Intent: "praise"},                     // no text
		{Seq: 5, Text: "ohne id", Intent: "praise"},
		{Seq: 6, Text: "ohne id", Intent: "praise"},
		{Seq: 7, MessageID: "c", Subject: "Rechnung", Text: "falsch", Intent: "invoice_wrong"},
	}
	exs, keys, seqs, skipped := antwort.FeedbackExamples(log, antwort.IntentModel)
	got := fmt.Sprint(exs, keys, seqs, skipped)
	want := fmt.Sprint([]classifier.Example{{Text: "Paket fehlt", Label: "parcel_missing"}, {Text: "ohne id", Label: "praise"},
		{Text: "ohne id", Label: "praise"}, {Text: "Rechnung\n\nfalsch", Label: "invoice_wrong"}},
		[]string{"a", "ohne id", "ohne id", "c"}, []int64{2, 5, 6, 7}, 1)
	if got != want {
		t.Errorf("FeedbackExamples(intent) =\n%s\nwant\n%s", got, want)
	}
	exs, _, _, _ = antwort.FeedbackExamples(log, antwort.SentimentModel)
	if len(exs) != 1 || exs[0].Label != "negative" {
		t.Errorf("FeedbackExamples(sentiment) = %v", exs)
	}
}
