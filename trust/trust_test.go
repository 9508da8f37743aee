package trust

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"
)

func TestBounds(t *testing.T) {
	for _, c := range []struct {
		k, n         int
		level        float64
		upper, lower float64
	}{
		// Known values: 0 of n gives 1-(1-level)^(1/n); 1 of 10 at 95 %
		// gives [0.0051, 0.3942] one-sided.
		{0, 10, 0.95, 1 - math.Pow(0.05, 0.1), 0},
		{0, 299, 0.95, 1 - math.Pow(0.05, 1.0/299), 0},
		{1, 10, 0.95, 0.39416, 0.0051},
		{5, 5, 0.95, 1, 0.5493},
		{0, 0, 0.95, 1, 0},
	} {
		if got := Upper(c.k, c.n, c.level); math.Abs(got-c.upper) > 1e-4 {
			t.Errorf("Upper(%d, %d, %v) = %v, want %v", c.k, c.n, c.level, got, c.upper)
		}
		if got := Lower(c.k, c.n, c.level); math.Abs(got-c.lower) > 1e-4 {
			t.Errorf("Lower(%d, %d, %v) = %v, want %v", c.k, c.n, c.level, got, c.lower)
		}
	}
	for _, c := range []struct {
		maxWrong float64
		want     int
	}{{0.01, 299}, {0.05, 59}, {0.1, 29}} {
		n := Needed(c.maxWrong, 0.95)
		if n != c.want || Upper(0, n, 0.95) > c.maxWrong || Upper(0, n-1, 0.95) <= c.maxWrong {
			t.Errorf("Needed(%v) = %d, want %d (the least n with Upper(0, n) ≤ target)", c.maxWrong, n, c.want)
		}
	}
}

// synthetic returns n samples whose true probability of being right is
// the signal P1 itself: a perfectly calibrated classifier.
func synthetic(rng *rand.Rand, n int, intents []string) []Sample {
	out := make([]Sample, n)
	for i := range out {
		p1 := 1 - 0.7*math.Pow(rng.Float64(), 3)
		intent := intents[rng.IntN(len(intents))]
		right := rng.Float64() < p1
		gold := intent
		if !right {
			gold = "other"
		}
		out[i] = Sample{Signals: Signals{Intent: intent, P1: p1, P2: (1 - p1) / 2, Scope: 0.5}, Gold: gold, Right: right, Eligible: true}
	}
	return out
}

// TestFitKeepsTarget fits rules on synthetic out-of-fold samples and checks
// them on fresh samples from the same distribution: the realised error
// rate among sent answers must stay at or below the target in nearly all
// of the trials (the bound holds with 95 % confidence), and the rule must
// send something.
func TestFitKeepsTarget(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	intents := []string{"a", "b", "c", "d"}
	for _, target := range []float64{0.01, 0.05} {
		over := 0
		const trials = 20
		for range trials {
			rule, rep, err := Fit(synthetic(rng, 4000, intents), Options{MaxWrong: target})
			if err != nil {
				t.Fatal(err)
			}
			if rep.Upper > target {
				t.Fatalf("target %v: report's upper bound %v above it", target, rep.Upper)
			}
			fresh := synthetic(rng, 20000, intents)
			sent, wrong := 0, 0
			for _, s := range fresh {
				if rule.Sends(s.Intent, rule.Model.P(s.Signals)) {
					sent++
					if !s.Right {
						wrong++
					}
				}
			}
			if sent == 0 {
				t.Fatalf("target %v: nothing sent", target)
			}
			if float64(wrong)/float64(sent) > target {
				over++
			}
		}
		if over > 3 {
			t.Errorf("target %v: realised error rate above it in %d of %d trials", target, over, trials)
		}
	}
}

// TestFitLeavesOutBadIntent gives one intent answers that are wrong far
// more often than its probability says; the rule must leave it to people
// and keep the others.
func TestFitLeavesOutBadIntent(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	samples := synthetic(rng, 6000, []string{"a", "b", "c"})
	for i := range 600 {
		samples = append(samples, Sample{Signals: Signals{Intent: "bad", P1: 0.9999, P2: 0.00005, Scope: 0.5},
			Gold: "x", Right: i%5 != 0, Eligible: true})
	}
	rule, rep, err := Fit(samples, Options{MaxWrong: 0.02})
	if err != nil {
		t.Fatal(err)
	}
	if _, out := rule.Excluded["bad"]; !out {
		t.Errorf("intent with 20 %% wrong answers not left out; excluded %v", rule.Excluded)
	}
	for _, ok := range []string{"a", "b", "c"} {
		if why, out := rule.Excluded[ok]; out {
			t.Errorf("calibrated intent %s left out: %s", ok, why)
		}
	}
	if rep.Sent == 0 {
		t.Error("nothing sent")
	}
}

func TestFitBadInput(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	few := synthetic(rng, MinSamples-1, []string{"a", "b"})
	allWrong := synthetic(rng, 100, []string{"a"})
	for i := range allWrong {
		allWrong[i].Right = false
	}
	notEligible := synthetic(rng, 100, []string{"a"})
	for i := range notEligible {
		notEligible[i].Eligible = false
	}
	for _, c := range []struct {
		name    string
		samples []Sample
		opts    Options
		tooFew  bool
	}{
		{"no target", synthetic(rng, 100, []string{"a"}), Options{}, false},
		{"target 1", synthetic(rng, 100, []string{"a"}), Options{MaxWrong: 1}, false},
		{"too few", few, Options{MaxWrong: 0.05}, true},
		{"all wrong", allWrong, Options{MaxWrong: 0.05}, true},
		{"none eligible", notEligible, Options{MaxWrong: 0.05}, true},
		{"unknown feature", synthetic(rng, 100, []string{"a"}), Options{MaxWrong: 0.05, Features: []string{"colour"}}, false},
	} {
		_, _, err := Fit(c.samples, c.opts)
		if err == nil {
			t.Errorf("%s: no error", c.name)
			continue
		}
		if got := errors.Is(err, ErrTooLittleData); got != c.tooFew {
			t.Errorf("%s: %v; ErrTooLittleData %v, want %v", c.name, err, got, c.tooFew)
		}
	}
}

// TestUnreachableTarget: when no threshold keeps the bound under the
// target, the rule sends nothing and says so through its threshold.
func TestUnreachableTarget(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	samples := synthetic(rng, 200, []string{"a", "b"})
	rule, rep, err := Fit(samples, Options{MaxWrong: 0.001})
	if err != nil {
		t.Fatal(err)
	}
	if rule.Threshold != Never || rep.Sent != 0 {
		t.Errorf("threshold %v, %d sent; want Never and none (0.1 %% cannot be shown on 200 samples)", rule.Threshold, rep.Sent)
	}
	if err := rule.Validate(); err != nil {
		t.Errorf("a rule that sends nothing must still be valid: %v", err)
	}
}

func TestModelValidate(t *testing.T) {
	ok := Model{Features: []string{FeatIntent}, Weights: []float64{1}, Mean: []float64{0}, Scale: []float64{1}}
	if err := ok.Validate(); err != nil {
		t.Fatal(err)
	}
	for name, m := range map[string]Model{
		"length":  {Features: []string{FeatIntent}, Weights: []float64{1, 2}, Mean: []float64{0}, Scale: []float64{1}},
		"unknown": {Features: []string{"x"}, Weights: []float64{1}, Mean: []float64{0}, Scale: []float64{1}},
		"twice":   {Features: []string{FeatIntent, FeatIntent}, Weights: []float64{1, 1}, Mean: []float64{0, 0}, Scale: []float64{1, 1}},
		"scale":   {Features: []string{FeatIntent}, Weights: []float64{1}, Mean: []float64{0}, Scale: []float64{0}},
		"nan":     {Features: []string{FeatIntent}, Weights: []float64{math.NaN()}, Mean: []float64{0}, Scale: []float64{1}},
	} {
		if m.Validate() == nil {
			t.Errorf("%s: no error", name)
		}
	}
	var zero Model
	if got := zero.P(Signals{P1: 0.7}); got != 0.7 {
		t.Errorf("zero model: P = %v, want P1 0.7", got)
	}
}
