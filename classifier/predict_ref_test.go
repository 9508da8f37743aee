package classifier

import (
	"math"
	"math/rand/v2"
	"sort"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// refDecide is decide as it was with sort.SliceStable: the reference for
// the order of the alternatives.
func (m *Model) refDecide(p []float64, k int, top float64) Prediction {
	best := -1
	for j, v := range p {
		if best < 0 || v > p[best] {
			best = j
		}
	}
	if best < 0 || p[best] == 0 {
		return Prediction{Abstain: true}
	}
	pr := Prediction{Label: m.labels[best], Confidence: p[best], Scope: m.cal.scope(top)}
	t := m.threshold
	if m.labelThreshold != nil && !math.IsNaN(m.labelThreshold[best]) {
		t = m.labelThreshold[best]
	}
	pr.Abstain = p[best] < t
	if k < 0 || k > len(p)-1 {
		k = len(p) - 1
	}
	if k > 0 {
		idx := make([]int, 0, len(p))
		for j := range p {
			if j != best {
				idx = append(idx, j)
			}
		}
		sort.SliceStable(idx, func(a, b int) bool { return p[idx[a]] > p[idx[b]] })
		pr.Alternatives = make([]Scored, k)
		for i := 0; i < k; i++ {
			pr.Alternatives[i] = Scored{Label: m.labels[idx[i]], Confidence: p[idx[i]]}
		}
	}
	return pr
}

// TestDecideMatchesReference compares the alternatives' order with the
// reference on random probabilities with many ties (zeros, repeated
// values) and values apart in their last bits only, also for more labels
// than decide's stack buffer holds, and with -0 and NaN.
func TestDecideMatchesReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(15, 16))
	for _, n := range []int{1, 2, 3, 20, 77, 129, 300} {
		m := &Model{labels: make([]string, n), threshold: 0.3}
		for j := range m.labels {
			m.labels[j] = string(rune('a'+j%26)) + string(rune('a'+j/26))
		}
		for i := range 100 {
			p := make([]float64, n)
			vals := []float64{0, 0, 0.1, 0.25, rng.Float64(), rng.Float64(), 0.1 + 1e-17, math.Nextafter(0.25, 1)}
			switch i % 10 {
			case 8:
				vals = append(vals, math.Copysign(0, -1))
			case 9:
				vals = append(vals, math.NaN())
			}
			for j := range p {
				p[j] = vals[rng.IntN(len(vals))]
			}
			for _, k := range []int{-1, 0, 1, 3, 8, 9, n} {
				if diff := cmp.Diff(m.refDecide(p, k, 0.5), m.decide(p, k, 0.5), cmpopts.EquateNaNs()); diff != "" {
					t.Fatalf("n %d, k %d, p %v: decide mismatch (-reference +got):\n%s", n, k, p, diff)
				}
			}
		}
	}
}
