package reply

import (
	"math"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/antwort-dev/antwort/classifier"
)

// refPolicies are the default policy and one with every option set.
func refPolicies(tb testing.TB) []Policy {
	p, err := ParsePolicy([]byte(`
intent_threshold: 0.7
intent_thresholds: {complaint: 0.95, praise: 0.5}
never_auto: [cancel_contract]
vips: ["@vip.example", "boss@example.de"]
channels: [email]
rate_limit: {max: -1, per: 90m}
escalate_words: [anwalt, "legal action", kündigung]
`))
	if err != nil {
		tb.Fatal(err)
	}
	return []Policy{DefaultPolicy(), p}
}

// TestDecideRefRealistic compares Decide with the reference on realistic
// inputs.
func TestDecideRefRealistic(t *testing.T) {
	repo, bench := loadSamples(t)
	ins := decideInputs(append(append([]sample{}, repo...), bench...))
	for _, p := range refPolicies(t) {
		for i, in := range ins {
			if diff := cmp.Diff(p.decideRef(in), p.Decide(in), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("input %d: Decide differs from the reference (-ref +new):\n%s", i, diff)
			}
		}
	}
}

// FuzzDecideRef checks that Decide agrees with the reference on every
// input, including odd numbers (NaN, infinities, negative zero).
func FuzzDecideRef(f *testing.F) {
	f.Add("Petra Schulz <petra@example.de>", "email", "Wo bleibt meine Bestellung?", "", "parcel_missing", 0.97, 0.1, 0.9, true, true, 0, "")
	f.Add("noreply@shop.example", "chat", "Ich schalte meinen Anwalt ein!", "auto-replied", "", math.NaN(), math.Inf(1), math.Inf(-1), false, false, 5, "OrderNumber")
	f.Add("boss@example.de", "", "legal action", "", "cancel_contract", math.Copysign(0, -1), 1.0, 0.005, true, false, -3, "")
	f.Add("\"Schulz, Petra\" <x@vip.example>", "twitter", "KÜNDIGUNG", "", "complaint", 0.949999, 0.3, 0.5, false, true, 3, "Date")
	policies := refPolicies(f)
	f.Fuzz(func(t *testing.T, from, channel, text, auto, label string, conf, neg, kb float64, hasAnswer, linked bool, recent int, missing string) {
		in := Input{From: from, Channel: channel, Text: text, AutoReason: auto,
			Intent:    classifier.Prediction{Label: label, Confidence: conf},
			Sentiment: classifier.Prediction{Label: "neutral", Alternatives: []classifier.Scored{{Label: "negative", Confidence: neg}}},
			HasAnswer: hasAnswer, Article: label + "-de", KBScore: kb, Linked: linked, Recent: recent}
		if missing != "" {
			in.Missing = []string{missing, label}
		}
		for _, p := range policies {
			if diff := cmp.Diff(p.decideRef(in), p.Decide(in), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("Decide(%+v) differs from the reference (-ref +new):\n%s", in, diff)
			}
		}
	})
}
