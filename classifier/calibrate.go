package classifier

import (
	"math"
	"slices"
)

// fitTemperature finds the softmax temperature that minimises the
// negative log-likelihood of the held-out decision values (Guo et al.,
// ICML 2017), by golden-section search on log T.
func fitTemperature(scores [][]float64, y []int32) float64 {
	nll := func(logT float64) float64 {
		t := math.Exp(logT)
		var sum float64
		n := 0
		for i, s := range scores {
			if s == nil {
				continue
			}
			mx := math.Inf(-1)
			for _, v := range s {
				mx = max(mx, v)
			}
			var z float64
			for _, v := range s {
				z += math.Exp((v - mx) / t)
			}
			sum += math.Log(z) - (s[y[i]]-mx)/t
			n++
		}
		if n == 0 {
			return 0
		}
		return sum / float64(n)
	}
	lo, hi := math.Log(1e-3), math.Log(1e3)
	const phi = 0.6180339887498949
	a := hi - phi*(hi-lo)
	b := lo + phi*(hi-lo)
	fa, fb := nll(a), nll(b)
	for range 32 {
		if fa < fb {
			hi, b, fb = b, a, fa
			a = hi - phi*(hi-lo)
			fa = nll(a)
		} else {
			lo, a, fa = a, b, fb
			b = lo + phi*(hi-lo)
			fb = nll(b)
		}
	}
	return math.Exp((lo + hi) / 2)
}

// heldOutLabels counts, per label, the held-out examples, predictions and
// right predictions.
func heldOutLabels(scores [][]float64, y []int32, labels []string) map[string]LabelHeldOut {
	out := make(map[string]LabelHeldOut, len(labels))
	for _, l := range labels {
		out[l] = LabelHeldOut{}
	}
	for i, s := range scores {
		if s == nil {
			continue
		}
		gold, pred := labels[y[i]], labels[argmax(s)]
		g := out[gold]
		g.Examples++
		out[gold] = g
		p := out[pred]
		p.Predicted++
		if pred == gold {
			p.Right++
		}
		out[pred] = p
	}
	return out
}

// heldOutReport summarises the calibration folds' held-out predictions.
func heldOutReport(scores [][]float64, y []int32, temp float64, cal *calibration) map[string]float64 {
	var correct []bool
	var conf []float64
	var nll float64
	p := make([]float64, 0, 64)
	for i, s := range scores {
		if s == nil {
			continue
		}
		p = append(p[:0], s...)
		softmax(p, temp)
		cal.apply(p)
		best := 0
		for j, v := range p {
			if v > p[best] {
				best = j
			}
		}
		correct = append(correct, best == int(y[i]))
		conf = append(conf, p[best])
		nll -= math.Log(max(p[y[i]], 1e-15))
	}
	if len(correct) == 0 {
		return nil
	}
	acc := 0.0
	for _, c := range correct {
		if c {
			acc++
		}
	}
	return map[string]float64{
		"accuracy": acc / float64(len(correct)),
		"log_loss": nll / float64(len(correct)),
		"ece":      ECE(correct, conf, 15),
	}
}

// calibration is what Train learns from the held-out predictions of the
// calibration folds beyond the temperature: a map of the top label's
// probability to the confidence reported, and the spread of the top
// decision values of texts like the training data. The zero value means
// none (a model written before either was kept): confidences are the
// temperature-scaled probabilities and Scope is 1.
type calibration struct {
	// A and B map the temperature-scaled probability p of the top label
	// to the confidence σ(A + B·logit p) (Platt scaling of the top label).
	A float64 `json:"a"`
	B float64 `json:"b"`
	// V holds the posterior covariance of (A, B) as Vaa, Vab, Vbb (the
	// inverse of the fit's Hessian): how uncertain the map is. Confidences
	// are moderated by it (see moderated); a map without it (a model
	// written before) is used as it is.
	V []float64 `json:"v,omitempty"`
	// Scope holds quantiles of the held-out texts' top decision values,
	// ascending (see Prediction.Scope).
	Scope []float64 `json:"scope,omitempty"`
}

// Prior strength of the confidence map's slope (see fitCalibration).
const calibrationPrior = 4.0

// fitCalibration fits the confidence map on held-out decision values: a
// logistic regression of "the top label was right" on the logit of the
// temperature-scaled top probability, with a Gaussian prior on the slope
// centred on 0. The prior is what makes small data honest: with few
// held-out predictions the slope stays small and every confidence is
// pulled towards the held-out accuracy, the least committal estimate the
// data supports; with thousands the data decides. It also keeps quantiles
// of the held-out top decision values for Prediction.Scope.
func fitCalibration(scores [][]float64, y []int32, temp float64) calibration {
	var xs []float64
	var ok []bool
	var tops []float64
	p := make([]float64, 0, 64)
	for i, s := range scores {
		if s == nil {
			continue
		}
		p = append(p[:0], s...)
		top := math.Inf(-1)
		for _, v := range s {
			top = max(top, v)
		}
		softmax(p, temp)
		best := argmax(p)
		xs = append(xs, logit(p[best]))
		ok = append(ok, best == int(y[i]))
		tops = append(tops, top)
	}
	if len(xs) == 0 {
		return calibration{}
	}
	a, b, v := fitPlatt(xs, ok, calibrationPrior)
	slices.Sort(tops)
	const nq = 101
	q := make([]float64, 0, nq)
	for i := range nq {
		q = append(q, tops[i*(len(tops)-1)/(nq-1)])
	}
	return calibration{A: a, B: b, V: v, Scope: q}
}

// fitPlatt fits P(ok) = σ(a + b·x) by Newton's method, with the penalty
// prior·b²/2 on the slope and a weak one (1e-4·a²/2) on the intercept,
// and returns the posterior covariance of (a, b) at the fit (Laplace
// approximation: the inverse Hessian) as Vaa, Vab, Vbb. The slope is kept
// non-negative: a map that lowers confidence as the probability rises
// means no usable signal, and b = 0 says so.
func fitPlatt(x []float64, ok []bool, prior float64) (a, b float64, v []float64) {
	defer func() { v = plattCovariance(x, a, b, prior) }()
	for range 50 {
		// Gradient and Hessian of the negative log posterior.
		ga, gb := 1e-4*a, prior*b
		haa, hab, hbb := 1e-4, 0.0, prior
		for i, xi := range x {
			pi := sigmoid(a + b*xi)
			t := 0.0
			if ok[i] {
				t = 1
			}
			w := max(pi*(1-pi), 1e-12)
			ga += pi - t
			gb += (pi - t) * xi
			haa += w
			hab += w * xi
			hbb += w * xi * xi
		}
		det := haa*hbb - hab*hab
		if det <= 0 {
			break
		}
		da := (hbb*ga - hab*gb) / det
		db := (haa*gb - hab*ga) / det
		a, b = a-da, b-db
		if math.Abs(da)+math.Abs(db) < 1e-10 {
			break
		}
	}
	if b < 0 {
		// Refit the intercept alone.
		b = 0
		n, k := 0.0, 0.0
		for _, o := range ok {
			n++
			if o {
				k++
			}
		}
		a = logit((k + 0.5) / (n + 1))
	}
	return a, b, nil
}

// plattCovariance returns the inverse of the negative log posterior's
// Hessian at (a, b) as Vaa, Vab, Vbb, or nil when it is singular.
func plattCovariance(x []float64, a, b, prior float64) []float64 {
	haa, hab, hbb := 1e-4, 0.0, prior
	for _, xi := range x {
		pi := sigmoid(a + b*xi)
		w := max(pi*(1-pi), 1e-12)
		haa += w
		hab += w * xi
		hbb += w * xi * xi
	}
	det := haa*hbb - hab*hab
	if !(det > 0) {
		return nil
	}
	return []float64{hbb / det, -hab / det, haa / det}
}

// moderated returns the map's confidence for x = logit p: σ(a + b·x)
// averaged over the map's posterior (MacKay's approximation,
// σ(μ / √(1 + π·s²/8)) with s² the variance of a + b·x). Where the
// held-out predictions were few or x lies beyond them, s² is large and
// the confidence stays away from 1: a model trained on twenty mails does
// not claim 0.999. With thousands of held-out predictions s² is tiny and
// this is Platt's map. Where the moderated value would fall as x rises
// (beyond its peak, or below its trough) it is held, so that confidence
// never falls as p rises.
func (c *calibration) moderated(x float64) float64 {
	if len(c.V) != 3 {
		return sigmoid(c.A + c.B*x)
	}
	vaa, vab, vbb := c.V[0], c.V[1], c.V[2]
	const k = math.Pi / 8
	// f(x) = (A+Bx)/√(1+k·s²(x)) has f'(x) of the sign of n − d·x with
	// n = B(1+k·vaa) − k·A·vab and d = k(A·vbb − B·vab): with d > 0 it
	// rises up to x* = n/d and falls beyond, with d < 0 it falls down to
	// x* and rises beyond. Holding x at x* on the falling side keeps the
	// confidence from falling as p rises.
	n, d := c.B*(1+k*vaa)-k*c.A*vab, k*(c.A*vbb-c.B*vab)
	switch {
	case d > 0 && x > n/d:
		x = n / d
	case d < 0 && x < n/d:
		x = n / d
	}
	s2 := max(vaa+2*x*vab+x*x*vbb, 0)
	return sigmoid((c.A + c.B*x) / math.Sqrt(1+k*s2))
}

func sigmoid(z float64) float64 { return 1 / (1 + math.Exp(-z)) }

// logit is the inverse of sigmoid, with p clamped to [1e-9, 1-1e-9].
func logit(p float64) float64 {
	p = min(max(p, 1e-9), 1-1e-9)
	return math.Log(p / (1 - p))
}

// set reports whether c holds a fitted map.
func (c *calibration) set() bool { return c.A != 0 || c.B != 0 }

// apply replaces the probabilities p (temperature-scaled, summing to 1)
// by calibrated ones: the top label gets the mapped confidence, and the
// others keep their order: they are scaled to fill the rest when the
// confidence rises, and mixed with the uniform distribution when it
// falls, so the top label stays on top.
func (c *calibration) apply(p []float64) {
	if !c.set() || len(p) < 2 {
		return
	}
	best := 0
	for j, v := range p {
		if v > p[best] {
			best = j
		}
	}
	top := p[best]
	if top == 0 {
		return
	}
	conf := c.moderated(logit(top))
	u := 1 / float64(len(p))
	conf = max(conf, u)
	switch {
	case conf > top:
		if top >= 1 {
			return
		}
		f := (1 - conf) / (1 - top)
		for j := range p {
			p[j] *= f
		}
	case conf < top:
		// p' = λp + (1-λ)u with λ chosen so that p'[best] = conf.
		l := (conf - u) / (top - u)
		for j := range p {
			p[j] = l*p[j] + (1-l)*u
		}
	}
	p[best] = conf
}

// scope returns the share of held-out texts whose top decision value was
// below top (interpolated between the kept quantiles), or 1 without them.
func (c *calibration) scope(top float64) float64 {
	q := c.Scope
	if len(q) < 2 {
		return 1
	}
	if top <= q[0] {
		return 0
	}
	if top >= q[len(q)-1] {
		return 1
	}
	i, _ := slices.BinarySearch(q, top)
	// q[i-1] < top <= q[i]
	lo, hi := q[i-1], q[i]
	f := 0.0
	if hi > lo {
		f = (top - lo) / (hi - lo)
	}
	return (float64(i-1) + f) / float64(len(q)-1)
}
