package report

import (
	"maps"
	"math"
	"slices"

	"github.com/antwort-dev/antwort/classifier"
)

// recalibration estimates the chance that a prediction is right from its
// confidence c and predicted intent l as σ(a0 + off[l] + b·logit(c)):
// a logistic curve shared by all intents, shifted per intent. Offsets are
// shrunk towards 0 (ridge), so an intent moves away from the shared curve
// only as far as its held-out predictions show.
type recalibration struct {
	a0, b float64
	off   map[string]float64
}

func logit(p float64) float64 {
	p = min(max(p, 1e-9), 1-1e-9)
	return math.Log(p / (1 - p))
}

func sigmoid(z float64) float64 { return 1 / (1 + math.Exp(-z)) }

// chooseShrink picks the ridge penalty of the per-intent offsets by 5-fold
// cross-validation on outs: the one whose fits predict the held-out folds'
// right and wrong answers best (log loss). When intents do not differ in
// a way that carries over to unseen messages, that is the largest, and
// the thresholds fall back to one shared curve.
func chooseShrink(outs []classifier.Outcome, own func(string) bool) float64 {
	// The penalties tried; the last leaves practically no room for
	// per-intent offsets.
	shrinkGrid := [...]float64{0.3, 1, 3, 10, 30, 100, 1e6}
	const k = 5
	if len(outs) < 10*k {
		return shrinkGrid[len(shrinkGrid)-1]
	}
	best, bestLoss := shrinkGrid[len(shrinkGrid)-1], math.Inf(1)
	for _, lambda := range shrinkGrid {
		loss := 0.0
		for f := range k {
			var train, test []classifier.Outcome
			for i, o := range outs {
				if i%k == f {
					test = append(test, o)
				} else {
					train = append(train, o)
				}
			}
			r := fitRecalibration(train, own, lambda)
			for _, o := range test {
				p := min(max(r.p(o), 1e-6), 1-1e-6)
				if o.Predicted == o.Gold {
					loss -= math.Log(p)
				} else {
					loss -= math.Log(1 - p)
				}
			}
		}
		if loss < bestLoss-1e-9 {
			best, bestLoss = lambda, loss
		}
	}
	return best
}

// fitRecalibration maximises the likelihood with a ridge penalty lambda on
// the offsets, by alternating Newton steps on (a0, b) and on the offsets;
// own says which intents get an offset (the others keep 0). Each step is
// halved until the penalised log loss does not grow, so the fit cannot run
// away (an undamped step can overshoot when confidences lie close to 0 or 1).
func fitRecalibration(outs []classifier.Outcome, own func(string) bool, lambda float64) recalibration {
	r := recalibration{b: 1, off: map[string]float64{}}
	xs := make([]float64, len(outs))
	ys := make([]float64, len(outs))
	for i, o := range outs {
		xs[i] = logit(o.Confidence)
		if o.Predicted == o.Gold {
			ys[i] = 1
		}
	}
	loss := func(a0, b float64, off map[string]float64) float64 {
		var sum float64
		for i, o := range outs {
			z := a0 + off[o.Predicted] + b*xs[i]
			// log(1+e^z) - y·z, computed without overflow.
			sum += max(z, 0) + math.Log1p(math.Exp(-math.Abs(z))) - ys[i]*z
		}
		for _, v := range off {
			sum += lambda / 2 * v * v
		}
		return sum
	}
	cur := loss(r.a0, r.b, r.off)
	for range 100 {
		before := cur
		var g0, g1, h00, h01, h11 float64
		for i, o := range outs {
			p := sigmoid(r.a0 + r.off[o.Predicted] + r.b*xs[i])
			w := p * (1 - p)
			g0 += p - ys[i]
			g1 += (p - ys[i]) * xs[i]
			h00 += w
			h01 += w * xs[i]
			h11 += w * xs[i] * xs[i]
		}
		if det := h00*h11 - h01*h01; det > 1e-12 {
			d0, d1 := (h11*g0-h01*g1)/det, (h00*g1-h01*g0)/det
			for step := 1.0; step > 1e-6; step /= 2 {
				if l := loss(r.a0-step*d0, r.b-step*d1, r.off); l <= cur {
					r.a0, r.b, cur = r.a0-step*d0, r.b-step*d1, l
					break
				}
			}
		}
		g := map[string]float64{}
		h := map[string]float64{}
		for i, o := range outs {
			if o.Predicted == "" || !own(o.Predicted) {
				continue
			}
			p := sigmoid(r.a0 + r.off[o.Predicted] + r.b*xs[i])
			g[o.Predicted] += p - ys[i]
			h[o.Predicted] += p * (1 - p)
		}
		if len(g) > 0 {
			d := make(map[string]float64, len(g))
			for l := range g {
				d[l] = (g[l] + lambda*r.off[l]) / (h[l] + lambda)
			}
			for step := 1.0; step > 1e-6; step /= 2 {
				next := maps.Clone(r.off)
				for l, v := range d {
					next[l] -= step * v
				}
				if l := loss(r.a0, r.b, next); l <= cur {
					r.off, cur = next, l
					break
				}
			}
		}
		if before-cur <= 1e-10*max(1, math.Abs(cur)) {
			break
		}
	}
	if !(r.b > 1e-6) || math.IsNaN(r.a0) {
		// Degenerate data (all right, all wrong, one confidence): fall back
		// to ranking by confidence alone.
		r = recalibration{b: 1, off: map[string]float64{}}
	}
	return r
}

func (r recalibration) p(o classifier.Outcome) float64 {
	return sigmoid(r.a0 + r.off[o.Predicted] + r.b*logit(o.Confidence))
}

// confidenceAt returns the confidence at which intent l's estimate
// reaches q.
func (r recalibration) confidenceAt(l string, q float64) float64 {
	return sigmoid((logit(q) - r.a0 - r.off[l]) / r.b)
}

// thresholds ranks outs by the estimate, keeps the largest most-likely
// set whose precision reaches target (with the margin z, see classifier.CoverageAtPrecisionBound), and turns the estimate at that cut
// into a confidence threshold per intent with an offset and one for the
// rest. When no set reaches the target every threshold is 1.
func (r recalibration) thresholds(outs []classifier.Outcome, target, z float64) (global float64, per map[string]float64) {
	c := make([]bool, len(outs))
	s := make([]float64, len(outs))
	for i, o := range outs {
		c[i] = o.Predicted == o.Gold
		s[i] = r.p(o)
	}
	per = map[string]float64{}
	_, q, ok := classifier.CoverageAtPrecisionBound(c, s, target, z)
	if !ok {
		for _, l := range slices.Sorted(maps.Keys(r.off)) {
			per[l] = 1
		}
		return 1, per
	}
	// The threshold is the least confidence of a kept prediction, so
	// rounding in the inversion cannot drop one.
	least := map[string]float64{}
	for i, o := range outs {
		if s[i] >= q {
			if v, seen := least[o.Predicted]; !seen || o.Confidence < v {
				least[o.Predicted] = o.Confidence
			}
		}
	}
	fit := func(l string) float64 {
		t := r.confidenceAt(l, q)
		if v, seen := least[l]; seen && v < t {
			t = v
		}
		return min(max(t, 0), 1)
	}
	for l := range r.off {
		per[l] = fit(l)
	}
	global = min(max(r.confidenceAt("", q), 0), 1)
	return global, per
}
