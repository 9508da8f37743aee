package classifier

import (
	"context"
	"math"
	"math/rand/v2"
)

// svm trains binary L2-regularised L2-loss linear SVMs by dual coordinate
// descent with shrinking (Hsieh et al., ICML 2008, the method of
// LIBLINEAR's default solver). A bias is learnt as the weight of a
// constant feature 1. An svm holds scratch space and is used by one
// goroutine.
type svm struct {
	ds      *dataset
	maxIter int
	rng     *rand.PCG
	rand    *rand.Rand
	w       []float64
	alpha   []float64
	y       []float64
	active  []int
	// g holds each example's gradient when last visited; shrink is the
	// threshold above which a warm start leaves out an example at zero
	// (+Inf: none).
	g      []float64
	shrink float64
	// visits counts the examples visited, the measure of the work done.
	visits int
}

func newSVM(ds *dataset, maxIter int, seed uint64) *svm {
	return &svm{
		ds: ds, maxIter: maxIter,
		rng: rand.NewPCG(seed, 0x73766d),
		w:   make([]float64, ds.d+1), shrink: math.Inf(1),
	}
}

const svmEps = 0.1

func (s *svm) reseed(seed uint64) { s.rng.Seed(seed, 0x73766d) }

// train fits label against the rest on rows and returns the weights and
// bias. It checks ctx between passes.
//
// With warm set, the dual variables start from where the previous call
// (on the same rows and label, with another cost) ended rather than from
// zero: its solution is near, and fewer passes reach the new one. The
// examples that call ended with at zero and far on their side (gradient
// above the last pass's largest projected gradient) start shrunk, as its
// next pass would have shrunk them; the last pass over all examples
// checks them again before the solution is accepted.
func (s *svm) train(ctx context.Context, rows []int, label int, cost float64, warm bool) ([]float32, float32) {
	if s.rand == nil {
		s.rand = rand.New(s.rng)
	}
	ds := s.ds
	clear(s.w)
	w := s.w
	bias := ds.d
	l := len(rows)
	if cap(s.alpha) < l {
		s.alpha = make([]float64, l)
		s.active = make([]int, l)
	}
	alpha := s.alpha[:l]
	if !warm {
		clear(alpha)
	}
	active := s.active[:l]
	for i := range active {
		active[i] = i
	}
	diag := 0.5 / cost
	if cap(s.y) < l {
		s.y = make([]float64, l)
	}
	y := s.y[:l]
	for i, r := range rows {
		y[i] = -1
		if int(ds.y[r]) == label {
			y[i] = 1
		}
	}
	if warm {
		for i, r := range rows {
			if alpha[i] == 0 {
				continue
			}
			idx, val := ds.row(r)
			d := alpha[i] * y[i]
			for t, c := range idx {
				w[c] += d * float64(val[t])
			}
			w[bias] += d
		}
	}
	sqn := ds.sqn
	if cap(s.g) < l {
		s.g = make([]float64, l)
	}
	gs := s.g[:l]
	activeSize := l
	pgMaxOld, pgMinOld := math.Inf(1), math.Inf(-1)
	if warm && s.shrink < math.Inf(1) {
		// Leave out, as shrinking would, the examples the previous run
		// ended with at zero and with a gradient above its last maximum.
		activeSize = 0
		for a, i := range active {
			if alpha[i] != 0 || gs[i] <= s.shrink {
				active[a], active[activeSize] = active[activeSize], i
				activeSize++
			}
		}
		pgMaxOld = s.shrink
	}
	s.shrink = math.Inf(1)
	for iter := 0; iter < s.maxIter; iter++ {
		if ctx.Err() != nil {
			break
		}
		pgMaxNew, pgMinNew := math.Inf(-1), math.Inf(1)
		s.visits += activeSize
		for i := 0; i < activeSize; i++ {
			j := i + s.rand.IntN(activeSize-i)
			active[i], active[j] = active[j], active[i]
		}
		for a := 0; a < activeSize; a++ {
			i := active[a]
			yi := y[i]
			idx, val := ds.row(rows[i])
			g := w[bias]
			for t, c := range idx {
				g += w[c] * float64(val[t])
			}
			g = yi*g - 1 + diag*alpha[i]
			gs[i] = g
			pg := 0.0
			if alpha[i] == 0 {
				if g > pgMaxOld {
					activeSize--
					active[a], active[activeSize] = active[activeSize], active[a]
					a--
					continue
				}
				if g < 0 {
					pg = g
				}
			} else {
				pg = g
			}
			pgMaxNew = max(pgMaxNew, pg)
			pgMinNew = min(pgMinNew, pg)
			if math.Abs(pg) > 1e-12 {
				old := alpha[i]
				qd := sqn[rows[i]] + 1 + diag
				alpha[i] = max(old-g/qd, 0)
				d := (alpha[i] - old) * yi
				for t, c := range idx {
					w[c] += d * float64(val[t])
				}
				w[bias] += d
			}
		}
		if pgMaxNew-pgMinNew <= svmEps {
			if activeSize == l {
				if pgMaxNew > 0 {
					s.shrink = pgMaxNew
				}
				break
			}
			activeSize = l
			pgMaxOld, pgMinOld = math.Inf(1), math.Inf(-1)
			continue
		}
		pgMaxOld, pgMinOld = pgMaxNew, pgMinNew
		if pgMaxOld <= 0 {
			pgMaxOld = math.Inf(1)
		}
		if pgMinOld >= 0 {
			pgMinOld = math.Inf(-1)
		}
	}
	out := make([]float32, ds.d)
	for c := range out {
		out[c] = float32(w[c])
	}
	return out, float32(w[bias])
}
