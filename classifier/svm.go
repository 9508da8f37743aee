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
	sqn     []float64
}

func newSVM(ds *dataset, maxIter int, seed uint64) *svm {
	return &svm{
		ds: ds, maxIter: maxIter,
		rng: rand.NewPCG(seed, 0x73766d),
		w:   make([]float64, ds.d+1),
	}
}

const svmEps = 0.1

func (s *svm) reseed(seed uint64) { s.rng.Seed(seed, 0x73766d) }

// train fits label against the rest on rows and returns the weights and
// bias. It checks ctx between passes.
func (s *svm) train(ctx context.Context, rows []int, label int, cost float64) ([]float32, float32) {
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
	clear(alpha)
	active := s.active[:l]
	for i := range active {
		active[i] = i
	}
	diag := 0.5 / cost
	if cap(s.sqn) < l {
		s.sqn = make([]float64, l)
	}
	sqn := s.sqn[:l]
	for i, row := range rows {
		_, val := ds.row(row)
		var q float64
		for _, x := range val {
			q += float64(x) * float64(x)
		}
		sqn[i] = q
	}
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
	activeSize := l
	pgMaxOld, pgMinOld := math.Inf(1), math.Inf(-1)
	for iter := 0; iter < s.maxIter; iter++ {
		if ctx.Err() != nil {
			break
		}
		pgMaxNew, pgMinNew := math.Inf(-1), math.Inf(1)
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
				qd := sqn[i] + 1 + diag
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
