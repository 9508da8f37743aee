package cli

import (
	"bytes"
	"encoding/json"
	"math"
	"reflect"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/antwort-dev/antwort"
	"github.com/antwort-dev/antwort/classifier"
	"github.com/antwort-dev/antwort/reply"
)

// checkBatchRecord fails when appendBatchRecord and encoding/json (as
// batch used it: a json.Encoder with its default HTML escaping) disagree
// on r.
func checkBatchRecord(t *testing.T, r *batchRecord) {
	t.Helper()
	var want bytes.Buffer
	wantErr := json.NewEncoder(&want).Encode(r)
	got, err := appendBatchRecord(nil, r)
	if (err != nil) != (wantErr != nil) {
		t.Fatalf("appendBatchRecord error %v, encoding/json error %v, for %#v", err, wantErr, r)
	}
	if err == nil && string(got) != want.String() {
		t.Fatalf("appendBatchRecord differs from encoding/json (-json +ours):\n%s", cmp.Diff(want.String(), string(got)))
	}
}

// fullBatchRecord has every field of a batch record set, its strings
// from s.
func fullBatchRecord(s string, f float64) *batchRecord {
	alts := []classifier.Scored{{Label: s, Confidence: f}}
	expl := []classifier.Contribution{{Feature: s, Weight: -f}}
	return &batchRecord{
		Suggestion: &antwort.Suggestion{
			Result: &antwort.Result{ID: s, Lang: s,
				Intent:      antwort.Label{Label: s, Confidence: f, Abstain: true, Alternatives: alts, Model: s},
				Sentiment:   antwort.Label{Label: s, Confidence: f, Alternatives: alts, Model: s},
				Explanation: antwort.Explanation{Intent: expl, Sentiment: expl}},
			Found: antwort.Found{Name: s, NameSource: s, Gender: s, OrderNumber: s, CustomerNumber: s, ContractNumber: s,
				TicketNumber: s, Dates: []string{s, s}, Contacts: 3},
			Answers: []antwort.Answer{{ID: s, Title: s, Score: f, TextScore: f / 3, IntentScore: 1e-9, Reasons: []string{s}}, {}},
			Decision: reply.Decision{Action: reply.Action(s), PCorrect: f, Rule: s, MaxWrong: 0.01, Threshold: f,
				Reasons: []reply.Check{{Name: s, Passed: true, Detail: s, Problem: s, Group: s}, {}}},
			Draft: s, Article: s, Missing: []string{s}, FollowUp: true, Classified: s,
			Requests: []antwort.Request{{Intent: s, Confidence: f, Sentence: s, Article: s}, {}},
		},
		Source: s, Auto: s, Outbox: s, Route: s, ReusedID: true, Warnings: []string{s},
	}
}

func TestAppendBatchRecordSameAsEncodingJSON(t *testing.T) {
	tricky := "Grüße <b>A & B</b> \"x\" \\ \t\n\x01 \xff \u2028 €"
	records := []*batchRecord{
		{},
		{Source: "a.eml", Warnings: []string{}},
		{Suggestion: &antwort.Suggestion{}},
		{Suggestion: &antwort.Suggestion{Answers: []antwort.Answer{}, Decision: reply.Decision{Reasons: []reply.Check{}}}, Auto: "bulk"},
		{Suggestion: &antwort.Suggestion{Result: &antwort.Result{}, Missing: []string{}, Requests: []antwort.Request{}}},
		fullBatchRecord("x", 0.5),
		fullBatchRecord(tricky, 1e-7),
		fullBatchRecord("", 0),
		fullBatchRecord(tricky, 1e21),
		// Not JSON: both refuse.
		fullBatchRecord("x", math.NaN()),
		fullBatchRecord("x", math.Inf(1)),
	}
	for _, r := range records {
		checkBatchRecord(t, r)
	}
}

func FuzzAppendBatchRecordSameAsEncodingJSON(f *testing.F) {
	f.Add("Wo bleibt meine Bestellung?", 0.5, uint8(0))
	f.Add("<&>\u2028\xff\x00", 1e-7, uint8(255))
	f.Fuzz(func(t *testing.T, s string, x float64, drop uint8) {
		r := fullBatchRecord(s, x)
		// Leave out parts of the record by the bits of drop.
		if drop&1 != 0 {
			r.Result = nil
		}
		if drop&2 != 0 {
			r.Answers = nil
		}
		if drop&4 != 0 {
			r.Decision.Reasons = nil
		}
		if drop&8 != 0 {
			r.Found = antwort.Found{}
		}
		if drop&16 != 0 {
			r.Requests, r.Missing, r.Warnings = nil, nil, nil
		}
		if drop&32 != 0 {
			r.Suggestion = nil
		}
		checkBatchRecord(t, r)
	})
}

// TestAppendBatchRecordKnowsEveryField fails when a field is added to a
// batch record's types without being added to appendBatchRecord.
func TestAppendBatchRecordKnowsEveryField(t *testing.T) {
	want := resultFields()
	want = append(want,
		".found.name,omitempty string", ".found.name_source,omitempty string", ".found.gender,omitempty string",
		".found.order_number,omitempty string", ".found.customer_number,omitempty string",
		".found.contract_number,omitempty string", ".found.ticket_number,omitempty string",
		".found.dates,omitempty string", ".found.contacts_redacted,omitempty int",
		".answers.id string", ".answers.title string", ".answers.score float64", ".answers.text_score float64",
		".answers.intent_score float64", ".answers.reasons,omitempty string",
		".decision.action string", ".decision.p_correct float64", ".decision.rule string",
		".decision.max_wrong,omitempty float64", ".decision.threshold,omitempty float64",
		".decision.reasons.name string", ".decision.reasons.passed bool", ".decision.reasons.detail string",
		".decision.reasons.problem,omitempty string", ".decision.reasons.group string",
		".draft,omitempty string", ".article,omitempty string", ".missing,omitempty string",
		".follow_up,omitempty bool", ".classified,omitempty string",
		".requests,omitempty.intent string", ".requests,omitempty.confidence float64",
		".requests,omitempty.sentence string", ".requests,omitempty.article,omitempty string",
		".source,omitempty string", ".auto,omitempty string", ".outbox,omitempty string", ".route,omitempty string",
		".reused_id,omitempty bool", ".warnings,omitempty string",
	)
	if diff := cmp.Diff(want, jsonFields(reflect.TypeFor[batchRecord]())); diff != "" {
		t.Fatalf("the batch record's types changed; update appendBatchRecord and this list (-known +now):\n%s", diff)
	}
	// Every known field is written for a record with all of them set.
	got, err := appendBatchRecord(nil, fullBatchRecord("x", 0.5))
	if err != nil {
		t.Fatal(err)
	}
	checkFieldsWritten(t, want, got)
}
