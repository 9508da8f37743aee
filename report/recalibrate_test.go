package report

import (
	"math"
	"testing"

	"github.com/antwort-dev/antwort/classifier"
)

// extremeOutcomes are predictions of one intent whose confidences lie close
// to 1 (logit up to 14) and whose errors thin out as the confidence grows:
// an undamped Newton fit of the recalibration overshoots on them and runs
// away (a0 and b near 4e8), so that every estimate is 0 or 1 and no
// threshold reaches the target.
func extremeOutcomes() []classifier.Outcome {
	var outs []classifier.Outcome
	for i := range 100 {
		k := i % 6
		conf := 1 - 0.7*math.Pow(10, -0.9*float64(k))
		right := i%2 != 0
		if k >= 3 {
			right = i%9 != 0
		}
		gold := "x"
		if !right {
			gold = "y"
		}
		outs = append(outs, out(gold, "x", conf))
	}
	return outs
}

func TestFitRecalibrationStaysFinite(t *testing.T) {
	outs := extremeOutcomes()
	for _, lambda := range []float64{1, 10, 1e6} {
		r := fitRecalibration(outs, func(string) bool { return true }, lambda)
		if math.IsNaN(r.a0) || math.Abs(r.a0) > 50 || !(r.b > 0 && r.b < 50) || math.Abs(r.off["x"]) > 50 {
			t.Errorf("lambda %g: a0 %v, b %v, offset %v: the fit ran away", lambda, r.a0, r.b, r.off["x"])
		}
	}
	// With one intent the joint estimate ranks like the confidence, so the
	// joint thresholds answer what the single threshold does.
	a, err := Advise(outs, []string{"x", "y"}, AdviceOptions{Precision: 0.8, MinSupport: 10})
	if err != nil {
		t.Fatal(err)
	}
	if !a.SingleReached || a.Single.Answered == 0 {
		t.Fatalf("single threshold: %+v", a.Single)
	}
	if a.Expected.Answered != a.Single.Answered || a.Expected.Precision < 0.8 {
		t.Errorf("joint answers %d at precision %.3f, single %d at %.3f", a.Expected.Answered, a.Expected.Precision, a.Single.Answered, a.Single.Precision)
	}
}
