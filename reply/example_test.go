package reply_test

import (
	"fmt"
	"log"

	"github.com/antwort-dev/antwort/classifier"
	"github.com/antwort-dev/antwort/reply"
)

// The policy decides on what the pipeline found for one message and lists
// every check; a failed one says what is wrong.
func ExamplePolicy_Decide() {
	p := reply.DefaultPolicy()
	in := reply.Input{
		From: "Petra Schulz <petra@example.de>", Channel: "email", Lang: "de",
		Text:      "Sehr geehrte Damen und Herren, hiermit kündige ich meinen Vertrag fristgerecht.",
		Intent:    classifier.Prediction{Label: "cancel_contract", Confidence: 0.97, Scope: 0.8},
		Sentiment: classifier.Prediction{Label: "neutral", Confidence: 0.9},
		HasAnswer: true, Article: "cancel_contract-de", ArticleLang: "de", Linked: true, KBScore: 0.82,
	}
	d := p.Decide(in)
	fmt.Println(d.Action, d.Rule)

	in.Lang = "en" // an English mail, and only a German article
	d = p.Decide(in)
	fmt.Println(d.Action, d.Problems())
	// Output:
	// send hand thresholds
	// suggest [no article in English (best: cancel_contract-de, German)]
}

// A template is filled with what the mail says; a value it lacks is marked
// for the agent, and such a draft is never sent.
func ExampleTemplate_RenderMarked() {
	t, err := reply.ParseTemplate("parcel", "{{.Salutation}}\n\nIhre Bestellung {{.OrderNumber}} ist unterwegs.\n\n{{.Signature}}")
	if err != nil {
		log.Fatal(err)
	}
	r, err := t.RenderMarked(reply.Data{Salutation: "Sehr geehrte Frau Schulz,", Signature: "Ihr Kundenservice"}, reply.Marker("de"))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(r.Text)
	fmt.Println(r.Missing)
	// Output:
	// Sehr geehrte Frau Schulz,
	//
	// Ihre Bestellung [Bestellnummer] ist unterwegs.
	//
	// Ihr Kundenservice
	// [OrderNumber]
}
