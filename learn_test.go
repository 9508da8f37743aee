package antwort_test

import (
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/antwort-dev/antwort"
	"github.com/antwort-dev/antwort/classifier"
	"github.com/antwort-dev/antwort/models"
)

func TestRedactor(t *testing.T) {
	tests := []struct {
		name string
		opts antwort.RedactOptions
		in   string
		want string
	}{
		{
			name: "defaults",
			in:   "Meine Bestellnummer ist 4711-2231, Kundennummer 5566778. Mail: petra.schulz@example.com, Tel. 0170 1234567, IBAN DE89 3704 0044 0532 0130 00",
			want: "Meine Bestellnummer ist [ORDER], Kundennummer [CUSTOMER]. Mail: [E-MAIL], Tel. [TELEFON], IBAN [IBAN]",
		},
		{
			name: "english",
			in:   "Order no. 100-4588213 never arrived. Call me on +44 20 7946 0958 or write to j.smith@example.org",
			want: "Order no. [ORDER] never arrived. Call me on [PHONE] or write to [E-MAIL]",
		},
		{
			name: "two order numbers",
			in:   "Bestellung 88231 und Bestellung 88232 fehlen",
			want: "Bestellung [ORDER] und Bestellung [ORDER] fehlen",
		},
		{
			name: "numbers kept",
			opts: antwort.RedactOptions{Numbers: []string{}},
			in:   "Bestellnummer 4711-2231, petra@example.com",
			want: "Bestellnummer 4711-2231, [E-MAIL]",
		},
		{
			name: "tickets too",
			opts: antwort.RedactOptions{Numbers: []string{"ticket"}},
			in:   "Zu Ticket#2024031210000123: Bestellnummer 4711-2231",
			want: "Zu Ticket#[TICKET]: Bestellnummer 4711-2231",
		},
		{
			name: "off",
			opts: antwort.RedactOptions{Off: true},
			in:   "petra@example.com 0170 1234567",
			want: "petra@example.com 0170 1234567",
		},
		{name: "nothing to do", in: "Wo bleibt mein Paket?", want: "Wo bleibt mein Paket?"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := antwort.NewRedactor(tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			if got := r.Redact(tt.in); got != tt.want {
				t.Errorf("Redact(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
	if _, err := antwort.NewRedactor(antwort.RedactOptions{Numbers: []string{"iban"}}); err == nil || !strings.Contains(err.Error(), `"iban"`) {
		t.Errorf("NewRedactor(numbers iban) error = %v, want one naming %q", err, "iban")
	}
	var nilR *antwort.Redactor
	if got := nilR.Redact("a@b.de"); got != "a@b.de" {
		t.Errorf("nil Redactor changed the text: %q", got)
	}
}

func TestExamplesRoundTrip(t *testing.T) {
	exs := []classifier.Example{{Text: "Wo ist mein Paket?\nSeit Tagen <nichts>", Label: "parcel_missing"}, {Text: "Danke!", Label: "praise"}}
	blob, err := antwort.EncodeExamples(exs)
	if err != nil {
		t.Fatal(err)
	}
	got, err := antwort.DecodeExamples(blob)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(exs, got); diff != "" {
		t.Errorf("DecodeExamples(EncodeExamples()) mismatch (-want +got):\n%s", diff)
	}
	if _, err := antwort.DecodeExamples([]byte("not gzip")); err == nil {
		t.Errorf("DecodeExamples(garbage) succeeded")
	}
	if h := antwort.DataHash(exs); len(h) != 16 || h == antwort.DataHash(exs[:1]) {
		t.Errorf("DataHash() = %q, want 16 hex digits that depend on the data", h)
	}
}

func TestAnswerStats(t *testing.T) {
	s := antwort.NewAnswerStats()
	fb := []models.Feedback{
		{PredictedIntent: "cancel_contract", Suggested: "a1", AnswerUsed: "a1"},                         // good
		{Intent: "cancel_contract", Suggested: "a1", AnswerUsed: "a1", Edited: true, EditRatio: 0.8},    // 0.2 good, heavy
		{Intent: "cancel_contract", Suggested: "a1", AnswerUsed: "a2"},                                  // a2 good, a1 declined
		{Intent: "cancel_contract", Suggested: "a1", Declined: []string{"a1", "a3"}},                    // declines
		{Intent: "cancel_contract", AnswerUsed: "a2", Edited: true},                                     // ratio unknown: half
		{Intent: "refund_request", Suggested: "a1", AnswerUsed: "a1"},                                   // other intent
		{Suggested: "a9", Declined: []string{"a9"}},                                                     // no intent: ignored
		{Intent: "cancel_contract", Suggested: "a1", AnswerUsed: "a1", Declined: []string{"a1"}},        // used wins over declined
		{Intent: "cancel_contract", Suggested: "a3", AnswerUsed: "a3", Edited: true, EditRatio: 0.3},    // light edit
		{Intent: "cancel_contract", Suggested: "a3", AnswerUsed: "a3", Edited: true, EditRatio: 1.5},    // capped at 1
		{Intent: "cancel_contract", Suggested: "a3", AnswerUsed: "", Declined: nil, Comment: "nothing"}, // no outcome
	}
	for _, f := range fb {
		s.Add(f)
	}
	// a1/cancel: good 1 + 0.2 + 1 = 2.2 over 5 outcomes (3 used, 2 declined)
	// a3/cancel: declined 1, used 0.7 and 0: good 0.7 over 3
	round := func(cs []antwort.AnswerCount) []antwort.AnswerCount {
		for i := range cs {
			cs[i].Weight = math.Round(cs[i].Weight*1000) / 1000
		}
		return cs
	}
	want := []antwort.AnswerCount{
		{Intent: "cancel_contract", Article: "a1", Used: 3, Edited: 1, HeavyEdits: 1, Declined: 2, Weight: 0.6},
		{Intent: "refund_request", Article: "a1", Used: 1, Weight: 1},
		{Intent: "cancel_contract", Article: "a2", Used: 2, Edited: 1, HeavyEdits: 0.5, Weight: 0.875},
		{Intent: "cancel_contract", Article: "a3", Used: 2, Edited: 2, HeavyEdits: 1, Declined: 1, Weight: 0.54},
	}
	if diff := cmp.Diff(want, round(s.Counts())); diff != "" {
		t.Errorf("Counts() mismatch (-want +got):\n%s", diff)
	}
	w, why := s.Weight("cancel_contract", "a1")
	if math.Abs(w-0.6) > 1e-9 || !strings.Contains(why, "declined 2") {
		t.Errorf("Weight(cancel_contract, a1) = %v, %q", w, why)
	}
	if w, why := s.Weight("refund_request", "a1"); w != 1 || why != "" {
		t.Errorf("Weight(refund_request, a1) = %v, %q; want 1 and no reason", w, why)
	}
	by := s.ByArticle()
	if a1 := by["a1"]; a1.Used != 4 || a1.Declined != 2 || math.Abs(a1.Weight-0.6) > 1e-9 {
		t.Errorf("ByArticle()[a1] = %+v", a1)
	}
	for range 40 {
		s.Add(models.Feedback{Intent: "praise", Declined: []string{"bad"}})
	}
	if w, _ := s.Weight("praise", "bad"); w != antwort.MinAnswerWeight {
		t.Errorf("Weight after 40 declines = %v, want the floor %v", w, antwort.MinAnswerWeight)
	}
}

// TestSuggestAnswerLearning declines the best article for a message until
// it drops below the runner-up, then checks kb ranking through Suggest.
func TestSuggestAnswerLearning(t *testing.T) {
	d := newDemo(t)
	l := d.live(t)
	ctx := t.Context()
	eng, release := l.Acquire()
	defer release()
	msg := cancelMsg
	before, err := eng.Suggest(ctx, msg)
	if err != nil {
		t.Fatal(err)
	}
	if len(before.Answers) < 2 {
		t.Fatalf("Suggest() gave %d answers, want at least 2", len(before.Answers))
	}
	top, second := before.Answers[0], before.Answers[1]
	intent := before.Intent.Label

	stats := antwort.NewAnswerStats()
	learned, err := eng.WithReplies(antwort.ReplyConfig{KB: eng.KB(), Learned: stats})
	if err != nil {
		t.Fatal(err)
	}
	same, err := learned.Suggest(ctx, msg)
	if err != nil {
		t.Fatal(err)
	}
	if same.Answers[0].ID != top.ID || same.Answers[0].Score != top.Score {
		t.Errorf("without feedback the top answer changed: %+v, want %+v", same.Answers[0], top)
	}
	for range 12 {
		stats.Add(models.Feedback{MessageID: "x", Intent: intent, Suggested: top.ID, AnswerUsed: second.ID})
	}
	after, err := learned.Suggest(ctx, msg)
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(after.Answers, func(a antwort.Answer) bool { return a.ID == top.ID })
	if after.Answers[0].ID == top.ID {
		t.Fatalf("after 12 declines of %s for %s the answers are %+v; want it no longer first", top.ID, intent, after.Answers)
	}
	if i >= 0 {
		a := after.Answers[i]
		if math.Abs(a.Score-top.Score*antwort.MinAnswerWeight) > 1e-9 || !slices.ContainsFunc(a.Reasons, func(r string) bool { return strings.Contains(r, "declined 12") }) {
			t.Errorf("declined answer = %+v; want score %v × %v and a reason naming the declines", a, top.Score, antwort.MinAnswerWeight)
		}
	}
	if after.Article == top.ID {
		t.Errorf("the draft still uses the declined article %s", top.ID)
	}
}
