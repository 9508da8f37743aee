package trust

import (
	"fmt"
	"math"
	"slices"
)

// Model maps Signals to P(correct): a logistic regression over
// standardised features. The zero value has no features and gives P1, the
// intent's calibrated probability, as its estimate.
type Model struct {
	Features  []string  `yaml:"features" json:"features"`
	Intercept float64   `yaml:"intercept" json:"intercept"`
	Weights   []float64 `yaml:"weights" json:"weights"`
	// Mean and Scale standardise each feature before it is weighted.
	Mean  []float64 `yaml:"mean" json:"mean"`
	Scale []float64 `yaml:"scale" json:"scale"`
}

// P returns the estimated probability that the answer for s is right.
func (m *Model) P(s Signals) float64 {
	if m == nil || len(m.Features) == 0 {
		return min(max(s.P1, 0), 1)
	}
	z := m.Intercept
	for i, f := range m.Features {
		z += m.Weights[i] * (s.value(f) - m.Mean[i]) / m.Scale[i]
	}
	return sigmoid(z)
}

// Validate checks that m is usable: known features, one weight, mean and
// positive scale each, all finite.
func (m *Model) Validate() error {
	n := len(m.Features)
	if len(m.Weights) != n || len(m.Mean) != n || len(m.Scale) != n {
		return fmt.Errorf("%d features but %d weights, %d means, %d scales", n, len(m.Weights), len(m.Mean), len(m.Scale))
	}
	bad := func(v float64) bool { return math.IsNaN(v) || math.IsInf(v, 0) }
	if bad(m.Intercept) {
		return fmt.Errorf("intercept %v is not finite", m.Intercept)
	}
	for i, f := range m.Features {
		switch {
		case !known(f):
			return fmt.Errorf("unknown feature %q", f)
		case slices.Index(m.Features, f) != i:
			return fmt.Errorf("feature %q twice", f)
		case bad(m.Weights[i]) || bad(m.Mean[i]) || bad(m.Scale[i]) || m.Scale[i] <= 0:
			return fmt.Errorf("feature %q: weight, mean or scale not finite, or scale not positive", f)
		}
	}
	return nil
}

// fitModel fits a Model with the given features to samples (all of which
// are used; the caller picks them), by Newton's method with an L2 penalty
// of lambda on the standardised weights.
func fitModel(samples []Sample, features []string, lambda float64) Model {
	n, d := len(samples), len(features)
	m := Model{Features: slices.Clone(features), Weights: make([]float64, d), Mean: make([]float64, d), Scale: make([]float64, d)}
	x := make([][]float64, n)
	for i := range samples {
		x[i] = make([]float64, d)
		for j, f := range features {
			x[i][j] = samples[i].value(f)
			m.Mean[j] += x[i][j] / float64(n)
		}
	}
	for j := range d {
		var v float64
		for i := range x {
			v += (x[i][j] - m.Mean[j]) * (x[i][j] - m.Mean[j])
		}
		m.Scale[j] = math.Sqrt(v / float64(n))
		if m.Scale[j] < 1e-9 {
			m.Scale[j] = 1 // a constant feature: its weight stays 0
		}
		for i := range x {
			x[i][j] = (x[i][j] - m.Mean[j]) / m.Scale[j]
		}
	}
	// w[0] is the intercept (not penalised beyond a trace), w[1:] the weights.
	w := make([]float64, d+1)
	right := 0
	for _, s := range samples {
		if s.Right {
			right++
		}
	}
	w[0] = logit((float64(right)+0.5)/(float64(n)+1), 1e-6)
	g := make([]float64, d+1)
	h := make([][]float64, d+1)
	for i := range h {
		h[i] = make([]float64, d+1)
	}
	row := make([]float64, d+1)
	for range 100 {
		for a := range g {
			g[a] = 0
			clear(h[a])
		}
		g[0], h[0][0] = 1e-6*w[0], 1e-6
		for a := 1; a <= d; a++ {
			g[a] = lambda * w[a]
			h[a][a] = lambda
		}
		for i, s := range samples {
			row[0] = 1
			copy(row[1:], x[i])
			z := 0.0
			for a, v := range row {
				z += w[a] * v
			}
			p := sigmoid(z)
			t := 0.0
			if s.Right {
				t = 1
			}
			q := max(p*(1-p), 1e-12)
			for a, va := range row {
				g[a] += (p - t) * va
				for b, vb := range row {
					h[a][b] += q * va * vb
				}
			}
		}
		step := solve(h, g)
		if step == nil {
			break
		}
		var size float64
		for a := range w {
			w[a] -= step[a]
			size += math.Abs(step[a])
		}
		if size < 1e-10 {
			break
		}
	}
	m.Intercept = w[0]
	copy(m.Weights, w[1:])
	return m
}

// solve returns x with a·x = b by Gaussian elimination with partial
// pivoting, or nil when a is singular. a and b are not changed.
func solve(a [][]float64, b []float64) []float64 {
	n := len(b)
	m := make([][]float64, n)
	for i := range m {
		m[i] = append(slices.Clone(a[i]), b[i])
	}
	for c := range n {
		p := c
		for r := c + 1; r < n; r++ {
			if math.Abs(m[r][c]) > math.Abs(m[p][c]) {
				p = r
			}
		}
		if math.Abs(m[p][c]) < 1e-300 {
			return nil
		}
		m[c], m[p] = m[p], m[c]
		for r := range n {
			if r == c {
				continue
			}
			f := m[r][c] / m[c][c]
			for k := c; k <= n; k++ {
				m[r][k] -= f * m[c][k]
			}
		}
	}
	x := make([]float64, n)
	for i := range x {
		x[i] = m[i][n] / m[i][i]
	}
	return x
}
