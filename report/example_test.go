package report_test

import (
	"fmt"

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
