package report_test

import (
	"context"
	"fmt"
	"os"

	"github.com/antwort-dev/antwort/classifier"
	"github.com/antwort-dev/antwort/report"
)

// Advise fits thresholds on held-out predictions. Here, in Each mode,
// every intent's own answers must be right 90 % of the time.
func ExampleAdvise() {
	var held []classifier.Outcome
	for i := range 10 {
		// parcel_missing: always right, even at low confidence.
		held = append(held, classifier.Outcome{Gold: "parcel_missing", Predicted: "parcel_missing", Confidence: 0.40 + float64(i)/20})
		// refund_request: wrong below 0.7.
		gold := "refund_request"
		if i < 4 {
			gold = "complaint"
		}
		held = append(held, classifier.Outcome{Gold: gold, Predicted: "refund_request", Confidence: 0.50 + float64(i)/20})
	}
	a, err := report.Advise(held, []string{"complaint", "parcel_missing", "refund_request"},
		report.AdviceOptions{Precision: 0.9, MinSupport: 5, Mode: report.Each})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, l := range []string{"complaint", "parcel_missing", "refund_request"} {
		ia := a.Intents[l]
		fmt.Printf("%-15s threshold %.2f (%s), %d held-out\n", l, ia.Threshold, ia.Source, ia.Support)
	}
	fmt.Printf("answered %.0f %% at %.0f %% precision\n", 100*a.Expected.Coverage, 100*a.Expected.Precision)
	// Output:
	// complaint       threshold 0.60 (global), 0 held-out
	// parcel_missing  threshold 0.40 (intent), 10 held-out
	// refund_request  threshold 0.70 (intent), 10 held-out
	// answered 80 % at 100 % precision
}

// UpdatePolicy writes advised thresholds into a reply policy file and
// keeps its other settings and comments.
func ExampleUpdatePolicy() {
	a := &report.Advice{
		TargetPrecision: 0.95,
		GlobalThreshold: 0.62871,
		Intents: map[string]report.IntentAdvice{
			"parcel_missing": {Threshold: 0.41, Source: report.FromIntent, Support: 48, Coverage: 0.979, Precision: 0.979},
			"praise":         {Threshold: 0.62871, Source: report.FromGlobal, Support: 7},
		},
	}
	existing := []byte("# Kundenservice Nordlicht\nkb_threshold: 0.6\nnever_auto: [complaint]\n")
	out, err := report.UpdatePolicy(existing, a, "# thresholds for 95 % precision")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Print(string(out))
	// Output:
	// # Kundenservice Nordlicht
	// kb_threshold: 0.6
	// never_auto: [complaint]
	// # thresholds for 95 % precision
	// intent_threshold: 0.6287
	// intent_thresholds:
	//   parcel_missing: 0.41 # 48 held-out predictions: 97.9 % answered, 97.9 % right
}

// Write puts a report into a directory: index.html, every figure as PNG
// and SVG, and summary.json.
func ExampleWrite() {
	outs := []classifier.Outcome{
		{Gold: "parcel_missing", Predicted: "parcel_missing", Confidence: 0.93},
		{Gold: "parcel_missing", Predicted: "refund_request", Confidence: 0.55},
		{Gold: "refund_request", Predicted: "refund_request", Confidence: 0.88},
		{Gold: "cancel_contract", Predicted: "cancel_contract", Confidence: 0.97},
	}
	texts := []string{"Wo bleibt mein Paket?", "Paket nicht da, Geld zurück! mail: a@b.example", "Bitte erstatten", "Ich kündige"}
	labels := []string{"cancel_contract", "parcel_missing", "refund_request"}
	rep := classifier.Score(outs, labels)
	dir, err := os.MkdirTemp("", "report")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	err = report.Write(context.Background(), dir, &report.Page{
		Title: "intent", Summary: rep,
		Runs: []report.Run{{Name: "intent@1", Report: rep, Outcomes: outs, Texts: texts, Labels: labels}},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		fmt.Println(e.Name())
	}
	// Output:
	// confidence.png
	// confidence.svg
	// confusion.png
	// confusion.svg
	// coverage.png
	// coverage.svg
	// f1.png
	// f1.svg
	// index.html
	// reliability.png
	// reliability.svg
	// summary.json
}
