package classifier

import (
	"math"
	"math/rand/v2"
	"testing"
)

// coverageRef is CoverageAtPrecisionBound by brute force: every distinct
// confidence as the threshold, the items at or above it answered.
func coverageRef(correct []bool, conf []float64, target, z float64) (coverage, threshold float64, ok bool) {
	for _, thr := range conf {
		right, n := 0, 0
		for i, c := range conf {
			if c >= thr {
				n++
				if correct[i] {
					right++
				}
			}
		}
		if cov := float64(n) / float64(len(conf)); wilsonLower(right, n, z) >= target-1e-12 && (cov > coverage || cov == coverage && thr < threshold) {
			coverage, threshold, ok = cov, thr, true
		}
	}
	return coverage, threshold, ok
}

func TestCoverageAtPrecisionBound(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for trial := range 50 {
		n := 1 + rng.IntN(300)
		correct := make([]bool, n)
		conf := make([]float64, n)
		for i := range n {
			conf[i] = math.Round(rng.Float64()*40) / 40 // ties
			correct[i] = rng.Float64() < 0.5+conf[i]/2
		}
		for _, target := range []float64{0.8, 0.9, 0.95} {
			c0, t0, ok0 := CoverageAtPrecision(correct, conf, target)
			if c, th, ok := coverageRef(correct, conf, target, 0); c != c0 || th != t0 || ok != ok0 {
				t.Fatalf("trial %d target %v: CoverageAtPrecision = %v %v %v, want %v %v %v", trial, target, c0, t0, ok0, c, th, ok)
			}
			c1, t1, ok1 := CoverageAtPrecisionBound(correct, conf, target, 1.28)
			if c, th, ok := coverageRef(correct, conf, target, 1.28); c != c1 || th != t1 || ok != ok1 {
				t.Fatalf("trial %d target %v: CoverageAtPrecisionBound = %v %v %v, want %v %v %v", trial, target, c1, t1, ok1, c, th, ok)
			}
			if c1 > c0 || c1 > 0 && t1 < t0 {
				t.Fatalf("trial %d: the margin raised coverage %v → %v", trial, c0, c1)
			}
		}
	}
}

func TestWilsonLower(t *testing.T) {
	for _, tt := range []struct {
		right, n int
		z, want  float64
	}{
		{26, 26, 1.2816, 0.9407},
		{950, 1000, 1.2816, 0.9406},
		{95, 100, 0, 0.95},
		{0, 10, 1.96, 0},
	} {
		if got := wilsonLower(tt.right, tt.n, tt.z); math.Abs(got-tt.want) > 5e-4 {
			t.Errorf("wilsonLower(%d, %d, %v) = %.4f, want %.4f", tt.right, tt.n, tt.z, got, tt.want)
		}
	}
}

func TestReliability(t *testing.T) {
	correct := []bool{true, false, true, true, false}
	conf := []float64{0, 0.1, 0.5, 0.55, 1.2}
	bs := Reliability(correct, conf, 4)
	want := []ReliabilityBin{
		{Lo: 0, Hi: 0.25, N: 2, Conf: 0.05, Acc: 0.5},
		{Lo: 0.25, Hi: 0.5, N: 1, Conf: 0.5, Acc: 1},
		{Lo: 0.5, Hi: 0.75, N: 1, Conf: 0.55, Acc: 1},
		{Lo: 0.75, Hi: 1, N: 1, Conf: 1, Acc: 0}, // 1.2 counts as 1
	}
	if len(bs) != len(want) {
		t.Fatalf("Reliability: %d bins, want %d", len(bs), len(want))
	}
	for i := range want {
		g, w := bs[i], want[i]
		if g.N != w.N || math.Abs(g.Lo-w.Lo) > 1e-12 || math.Abs(g.Hi-w.Hi) > 1e-12 || math.Abs(g.Conf-w.Conf) > 1e-12 || math.Abs(g.Acc-w.Acc) > 1e-12 {
			t.Errorf("bin %d = %+v, want %+v", i, g, w)
		}
	}
	// ECE: (2·|0.5−0.05| + 1·|1−0.5| + 1·|1−0.55| + 1·|0−1|) / 5
	if got, want := ECE(correct, conf, 4), (2*0.45+0.5+0.45+1)/5; math.Abs(got-want) > 1e-12 {
		t.Errorf("ECE = %v, want %v", got, want)
	}
	if Reliability(correct, conf, 0) != nil || ECE(nil, nil, 15) != 0 {
		t.Error("no bins or no items: want nil and 0")
	}
}
