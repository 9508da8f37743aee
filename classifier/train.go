package classifier

import (
	"cmp"
	"context"
	"fmt"
	"log/slog"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"unicode/utf8"
)

// Options configures Train. The zero value means the documented defaults.
type Options struct {
	// Kind is the algorithm (default SVM).
	Kind Kind `json:"kind"`
	// Features configures feature extraction.
	Features FeatureOptions `json:"features"`
	// C is the SVM's inverse regularisation strength. Zero means choose it
	// from CGrid by held-out accuracy on the calibration folds.
	C float64 `json:"c"`
	// CGrid lists the candidate values of C tried when C is zero (default
	// 0.25, 0.5, 1).
	CGrid []float64 `json:"c_grid,omitempty"`
	// MaxIter bounds the SVM's passes over the data per label (default 60).
	MaxIter int `json:"max_iter"`
	// Alpha is naive Bayes' additive smoothing (default 0.3).
	Alpha float64 `json:"alpha"`
	// Folds is the number of stratified cross-validation folds whose
	// held-out predictions calibrate the probabilities (minimum 2; default
	// 5 for up to 5,000 examples, where each fold model should be as close
	// to the full model as it can be, and 3 above, where the difference is
	// small and training time counts). Labels with fewer examples than
	// folds are calibrated on what they have.
	Folds int `json:"folds"`
	// Seed makes training reproducible: the same examples, options and
	// seed give the same model (default 1).
	Seed int64 `json:"seed"`
	// Threshold is the global abstain threshold stored with the model
	// (default 0: never abstain, except on empty text).
	Threshold float64 `json:"threshold"`
	// Workers bounds training parallelism (default GOMAXPROCS).
	Workers int `json:"-"`
	// Logger receives debug progress; nil discards.
	Logger *slog.Logger `json:"-"`
	// Progress, when set, is called after each finished unit of work with
	// the number done and the total. It may be called from several
	// goroutines, but never concurrently.
	Progress func(done, total int) `json:"-"`
}

func (o Options) withDefaults() Options {
	if o.Kind == "" {
		o.Kind = SVM
	}
	o.Features = o.Features.withDefaults()
	if o.C == 0 && len(o.CGrid) == 0 {
		o.CGrid = []float64{0.25, 0.5, 1}
	}
	if o.C != 0 {
		o.CGrid = nil
	}
	if o.MaxIter == 0 {
		o.MaxIter = 60
	}
	if o.Alpha == 0 {
		o.Alpha = 0.3
	}
	if o.Seed == 0 {
		o.Seed = 1
	}
	if o.Workers <= 0 {
		o.Workers = runtime.GOMAXPROCS(0)
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	return o
}

func (o Options) validate() error {
	if o.Kind != SVM && o.Kind != NB {
		return errorf("unknown kind %q (want %q or %q)", o.Kind, SVM, NB)
	}
	for _, c := range append([]float64{o.C}, o.CGrid...) {
		if c < 0 || math.IsNaN(c) || math.IsInf(c, 0) || c == 0 && len(o.CGrid) == 0 {
			return errorf("C %v must be positive", c)
		}
	}
	if o.Alpha <= 0 || math.IsNaN(o.Alpha) || math.IsInf(o.Alpha, 0) {
		return errorf("alpha %v must be positive", o.Alpha)
	}
	if o.MaxIter < 1 {
		return errorf("max iterations %d < 1", o.MaxIter)
	}
	if o.Folds < 2 {
		return errorf("folds %d < 2", o.Folds)
	}
	if o.Threshold < 0 || o.Threshold > 1 || math.IsNaN(o.Threshold) {
		return errorf("threshold %v outside [0,1]", o.Threshold)
	}
	return o.Features.validate()
}

// smallData is the most examples for which Train calibrates on five folds
// by default instead of three.
const smallData = 5000

// maxLabels is the most labels a model can have.
const maxLabels = 65535

// dataset is the vectorised training set in compressed sparse rows.
type dataset struct {
	rowPtr []int
	idx    []int32
	val    []float32
	sqn    []float64 // squared norm of each row
	y      []int32   // label index per row
	d      int       // number of columns
}

func (ds *dataset) row(i int) ([]int32, []float32) {
	a, b := ds.rowPtr[i], ds.rowPtr[i+1]
	return ds.idx[a:b], ds.val[a:b]
}

// Train fits a model to examples. Examples with empty text, empty label or
// invalid UTF-8 are an error (validate input before; see package ingest).
// Train uses up to opts.Workers goroutines and stops early with ctx's error
// when ctx is cancelled.
func Train(ctx context.Context, examples []Example, opts Options) (*Model, error) {
	opts = opts.withDefaults()
	if opts.Folds == 0 {
		opts.Folds = 3
		if len(examples) <= smallData {
			opts.Folds = 5
		}
	}
	if err := opts.validate(); err != nil {
		return nil, err
	}
	if len(examples) == 0 {
		return nil, ErrNoData
	}
	counts := make(map[string]int)
	for i, ex := range examples {
		switch {
		case ex.Label == "":
			return nil, fmt.Errorf("classifier: example %d: empty label", i)
		case !utf8.ValidString(ex.Text) || !utf8.ValidString(ex.Label):
			return nil, fmt.Errorf("classifier: example %d: invalid UTF-8", i)
		}
		counts[ex.Label]++
	}
	if len(counts) < 2 {
		return nil, ErrOneLabel
	}
	if len(counts) > maxLabels {
		return nil, fmt.Errorf("%w: %d labels, at most %d", ErrOptions, len(counts), maxLabels)
	}
	labels := make([]string, 0, len(counts))
	for l := range counts {
		labels = append(labels, l)
	}
	slices.Sort(labels)

	raws, err := extractAll(ctx, examples, opts)
	if err != nil {
		return nil, err
	}
	voc := buildVocab(raws, opts.Features)
	ds := vectorizeAll(raws, &voc, opts.Features.CharWeight)
	ds.y = make([]int32, len(examples))
	for i, ex := range examples {
		j, _ := slices.BinarySearch(labels, ex.Label)
		ds.y[i] = int32(j)
	}
	raws = nil

	rng := rand.New(rand.NewPCG(uint64(opts.Seed), 0x616e74776f7274))
	folds := stratifiedFolds(ds.y, len(labels), opts.Folds, rng)

	m := &Model{
		kind:      opts.Kind,
		labels:    labels,
		fo:        opts.Features,
		voc:       voc,
		threshold: opts.Threshold,
	}
	cands := opts.CGrid
	if opts.C != 0 {
		cands = []float64{opts.C}
	}
	// Phase 1: per candidate C, one model per fold, trained on the other
	// folds; their held-out decision values choose C and calibrate.
	// The candidates are fitted in increasing order, each fold's model
	// starting from the one for the next smaller C.
	order := make([]int, len(cands))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(cands[a], cands[b]) })
	jobs := make([]fitJob, len(cands)*opts.Folds)
	for f := range opts.Folds {
		var tr []int
		for i, fi := range folds {
			if fi != f {
				tr = append(tr, i)
			}
		}
		for o, ci := range order {
			job := fitJob{rows: tr, c: cands[ci]}
			if o > 0 && opts.Kind == SVM {
				job.prev = order[o-1]*opts.Folds + f + 1
			}
			jobs[ci*opts.Folds+f] = job
		}
	}
	all := make([]int, len(ds.y))
	for i := range all {
		all[i] = i
	}
	// When C is fixed the full model trains alongside the folds.
	if len(cands) == 1 {
		jobs = append(jobs, fitJob{rows: all, c: cands[0]})
	}
	seed := rng.Uint64()
	fits, err := fitJobs(ctx, &ds, len(labels), jobs, opts, seed)
	if err != nil {
		return nil, err
	}
	// The candidate with the best held-out accuracy wins; ties go to the
	// smaller C (stronger regularisation).
	bestC, bestAcc := 0, -1.0
	var heldScores [][]float64
	for ci := range cands {
		hs := make([][]float64, len(ds.y))
		correct := 0
		for f := range opts.Folds {
			fw, fb := fits[ci*opts.Folds+f].rowMajor(ds.d, len(labels))
			fm := &Model{labels: labels, w: quantizeWeights(fw, len(labels)), bias: fb}
			for i, fi := range folds {
				if fi != f {
					continue
				}
				idx, val := ds.row(i)
				sc := make([]float64, len(labels))
				fm.rawScores(&sparse{idx: idx, val: val}, sc)
				hs[i] = sc
				if argmax(sc) == int(ds.y[i]) {
					correct++
				}
			}
		}
		acc := float64(correct) / float64(len(ds.y))
		opts.Logger.Debug("held-out", slog.Float64("c", cands[ci]), slog.Float64("accuracy", acc))
		if acc > bestAcc+1e-9 {
			bestC, bestAcc, heldScores = ci, acc, hs
		}
	}
	opts.C = cands[bestC]
	var full fit
	if len(cands) == 1 {
		full = fits[len(fits)-1]
	} else {
		ff, err := fitJobs(ctx, &ds, len(labels), []fitJob{{rows: all, c: opts.C}}, opts, seed)
		if err != nil {
			return nil, err
		}
		full = ff[0]
	}
	fw, fb := full.rowMajor(ds.d, len(labels))
	m.w, m.bias = quantizeWeights(fw, len(labels)), fb
	m.prepare()

	m.temp = fitTemperature(heldScores, ds.y)
	m.cal = fitCalibration(heldScores, ds.y, m.temp)
	held := heldOutReport(heldScores, ds.y, m.temp, &m.cal)
	m.meta = Meta{
		Kind: opts.Kind, Examples: len(examples), LabelCounts: counts, Features: ds.d,
		Temperature: m.temp, Seed: opts.Seed, HeldOut: held, Options: opts,
		HeldOutLabels: heldOutLabels(heldScores, ds.y, labels),
	}
	m.labelThreshold = make([]float64, len(labels))
	for i := range m.labelThreshold {
		m.labelThreshold[i] = math.NaN()
	}
	opts.Logger.Debug("trained", slog.Int("examples", len(examples)), slog.Int("labels", len(labels)),
		slog.Int("features", ds.d), slog.Float64("temperature", m.temp))
	return m, nil
}

// extractAll extracts raw features of every example in parallel.
func extractAll(ctx context.Context, examples []Example, opts Options) ([]raw, error) {
	raws := make([]raw, len(examples))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range opts.Workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ex := newExtractor(opts.Features)
			for {
				i := int(next.Add(1) - 1)
				if i >= len(examples) || ctx.Err() != nil {
					return
				}
				var r raw
				ex.extract(examples[i].Text, &r)
				raws[i] = raw{keys: slices.Clone(r.keys), counts: slices.Clone(r.counts)}
			}
		}()
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return raws, nil
}

func buildVocab(raws []raw, fo FeatureOptions) vocab {
	df := make([]uint32, 1<<(fo.Bits+1))
	for _, r := range raws {
		for _, k := range r.keys {
			df[k]++
		}
	}
	v := vocab{bits: fo.Bits}
	n := float64(len(raws))
	for k, c := range df {
		if int(c) < fo.MinDF {
			continue
		}
		// A bucket shared by a word and a char feature keeps the block
		// seen more often.
		if k&1 == 0 && df[k|1] > c || k&1 == 1 && df[k&^1] >= c {
			continue
		}
		v.keys = append(v.keys, uint32(k))
		v.idf = append(v.idf, float32(math.Log((1+n)/(1+float64(c)))+1))
	}
	v.build()
	return v
}

func vectorizeAll(raws []raw, v *vocab, charWeight float64) dataset {
	ds := dataset{d: len(v.keys), rowPtr: make([]int, 1, len(raws)+1), sqn: make([]float64, len(raws))}
	var s sparse
	for i := range raws {
		v.vectorize(&raws[i], charWeight, &s)
		ds.idx = append(ds.idx, s.idx...)
		ds.val = append(ds.val, s.val...)
		ds.rowPtr = append(ds.rowPtr, len(ds.idx))
		var q float64
		for _, x := range s.val {
			q += float64(x) * float64(x)
		}
		ds.sqn[i] = q
	}
	return ds
}

// stratifiedFolds assigns each row a fold so that every label is spread
// evenly over the folds.
func stratifiedFolds(y []int32, k, folds int, rng *rand.Rand) []int {
	by := make([][]int, k)
	for i, l := range y {
		by[l] = append(by[l], i)
	}
	out := make([]int, len(y))
	off := 0
	for _, rows := range by {
		rng.Shuffle(len(rows), func(a, b int) { rows[a], rows[b] = rows[b], rows[a] })
		for j, i := range rows {
			out[i] = (off + j) % folds
		}
		off += len(rows)
	}
	return out
}

// fit is one trained one-vs-rest model: per label a weight vector over the
// columns plus a bias.
type fit struct {
	w    [][]float32 // [label][column]
	bias []float32
}

func (f *fit) rowMajor(d, k int) ([]float32, []float32) {
	w := make([]float32, d*k)
	for j := range k {
		for c, x := range f.w[j] {
			w[c*k+j] = x
		}
	}
	return w, slices.Clone(f.bias)
}

// fitJob is one model to fit: on rows, with SVM parameter c. An SVM job
// with prev > 0 starts from the solution of job prev-1 (on the same rows),
// label by label; the jobs so linked are fitted one after the other.
type fitJob struct {
	rows []int
	c    float64
	prev int
}

// fitJobs trains one model per job, spreading the (job, label) binary
// problems over opts.Workers goroutines.
func fitJobs(ctx context.Context, ds *dataset, k int, jobs []fitJob, opts Options, seed uint64) ([]fit, error) {
	fits := make([]fit, len(jobs))
	for s := range fits {
		fits[s] = fit{w: make([][]float32, k), bias: make([]float32, k)}
	}
	if opts.Kind == NB {
		for s, j := range jobs {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			trainNB(ds, k, j.rows, opts.Alpha, &fits[s])
			if opts.Progress != nil {
				opts.Progress(s+1, len(jobs))
			}
		}
		return fits, nil
	}
	// A task fits one label in a chain of jobs, each warm-started from
	// the one before.
	next := make([]int, len(jobs))
	for j, job := range jobs {
		if job.prev > 0 {
			next[job.prev-1] = j + 1
		}
	}
	type task struct{ job, label int }
	tasks := make(chan task)
	total := len(jobs) * k
	var done atomic.Int64
	var mu sync.Mutex
	var wg sync.WaitGroup
	for w := range opts.Workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sv := newSVM(ds, opts.MaxIter, seed+uint64(w))
			for t := range tasks {
				for j, warm := t.job, false; j >= 0 && ctx.Err() == nil; j, warm = next[j]-1, true {
					// Each binary problem has its own seeded order, so the
					// result does not depend on which worker ran it.
					sv.reseed(seed ^ uint64(j)<<32 ^ uint64(t.label))
					wv, b := sv.train(ctx, jobs[j].rows, t.label, jobs[j].c, warm)
					fits[j].w[t.label] = wv
					fits[j].bias[t.label] = b
					n := int(done.Add(1))
					if opts.Progress != nil {
						mu.Lock()
						opts.Progress(n, total)
						mu.Unlock()
					}
				}
			}
		}()
	}
	for j, job := range jobs {
		if job.prev > 0 {
			continue // in the chain of an earlier job
		}
		for l := range k {
			select {
			case tasks <- task{j, l}:
			case <-ctx.Done():
			}
		}
	}
	close(tasks)
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return fits, nil
}

func argmax(s []float64) int {
	best := 0
	for j, v := range s {
		if v > s[best] {
			best = j
		}
	}
	return best
}
