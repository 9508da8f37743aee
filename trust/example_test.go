package trust_test

import (
	"fmt"
	"log"
	"math/rand/v2"

	"github.com/antwort-dev/antwort/trust"
)

// Fit a send rule for at most 2 % wrong automatic answers on out-of-fold
// samples, and ask it about one message.
func ExampleFit() {
	rng := rand.New(rand.NewPCG(1, 2))
	var samples []trust.Sample
	for range 5000 {
		// A calibrated model: the answer is right with probability P1.
		p1 := 1 - 0.6*rng.Float64()*rng.Float64()
		samples = append(samples, trust.Sample{
			Signals:  trust.Signals{Intent: "parcel_missing", P1: p1, P2: (1 - p1) / 2, Scope: 0.5},
			Right:    rng.Float64() < p1,
			Eligible: true,
		})
	}
	rule, report, err := trust.Fit(samples, trust.Options{MaxWrong: 0.02})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("upper bound within the target:", report.Upper <= 0.02)
	fmt.Println("something sent:", report.Sent > 0)
	sure := trust.Signals{Intent: "parcel_missing", P1: 0.999, P2: 0.0005, Scope: 0.5}
	unsure := trust.Signals{Intent: "parcel_missing", P1: 0.6, P2: 0.3, Scope: 0.5}
	fmt.Println(rule.Sends("parcel_missing", rule.Model.P(sure)), rule.Sends("parcel_missing", rule.Model.P(unsure)))
	// Output:
	// upper bound within the target: true
	// something sent: true
	// true false
}
