package classifier

import "math"

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

// heldOutReport summarises the calibration folds' held-out predictions.
func heldOutReport(scores [][]float64, y []int32, temp float64) map[string]float64 {
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
