package classifier

import (
	"math"
	"slices"
	"sort"
)

// Kind names a training algorithm.
type Kind string

// Algorithms Train knows.
const (
	// SVM is a one-vs-rest L2-regularised L2-loss linear SVM trained by
	// dual coordinate descent, with probabilities from temperature-scaled
	// softmax over its decision values. The default.
	SVM Kind = "svm"
	// NB is complement naive Bayes: trains in a fraction of the time, less
	// accurate.
	NB Kind = "nb"
)

// Model is a trained linear text classifier.
//
// A Model is immutable after Train or UnmarshalBinary and safe for
// concurrent use by multiple goroutines.
type Model struct {
	kind   Kind
	labels []string
	fo     FeatureOptions
	voc    vocab
	// w holds the weights, 8 bits each, row-major by column; bias[j] is
	// label j's intercept.
	w    weights
	bias []float32
	// temp is the softmax temperature fitted on held-out folds.
	temp float64
	// threshold is the global abstain threshold; labelThreshold overrides
	// it per label (NaN = use global).
	threshold      float64
	labelThreshold []float64
	meta           Meta

	pool scratchPool
}

// Meta describes how a model was trained.
type Meta struct {
	Kind        Kind           `json:"kind"`
	Examples    int            `json:"examples"`
	LabelCounts map[string]int `json:"label_counts"`
	Features    int            `json:"features"`
	Temperature float64        `json:"temperature"`
	Seed        int64          `json:"seed"`
	// HeldOut holds the calibration folds' figures (accuracy, log loss,
	// ECE) measured on held-out data, not on training data.
	HeldOut map[string]float64 `json:"held_out,omitempty"`
	Options Options            `json:"options"`
}

// Labels returns the model's labels in sorted order.
func (m *Model) Labels() []string { return slices.Clone(m.labels) }

// Kind returns the algorithm the model was trained with.
func (m *Model) Kind() Kind { return m.kind }

// Meta returns a description of the model's training.
func (m *Model) Meta() Meta { return m.meta }

// Threshold returns the global abstain threshold.
func (m *Model) Threshold() float64 { return m.threshold }

// LabelThresholds returns the per-label abstain thresholds that differ
// from the global one.
func (m *Model) LabelThresholds() map[string]float64 {
	out := make(map[string]float64)
	for j, t := range m.labelThreshold {
		if !math.IsNaN(t) {
			out[m.labels[j]] = t
		}
	}
	return out
}

// WithThresholds returns a copy of m (sharing its weights) that abstains
// when the top label's confidence is below global, or below perLabel[label]
// where given. Thresholds must lie in [0,1]; labels the model does not know
// are an error.
func (m *Model) WithThresholds(global float64, perLabel map[string]float64) (*Model, error) {
	if global < 0 || global > 1 || math.IsNaN(global) {
		return nil, errorf("threshold %v outside [0,1]", global)
	}
	lt := make([]float64, len(m.labels))
	for i := range lt {
		lt[i] = math.NaN()
	}
	for l, t := range perLabel {
		j, ok := slices.BinarySearch(m.labels, l)
		if !ok {
			return nil, errorf("threshold for unknown label %q", l)
		}
		if t < 0 || t > 1 || math.IsNaN(t) {
			return nil, errorf("threshold %v for label %q outside [0,1]", t, l)
		}
		lt[j] = t
	}
	c := &Model{
		kind: m.kind, labels: m.labels, fo: m.fo, voc: m.voc, w: m.w, bias: m.bias,
		temp: m.temp, threshold: global, labelThreshold: lt, meta: m.meta,
	}
	return c, nil
}

// Predict classifies text and returns the top label, its calibrated
// probability, up to 3 alternatives, and whether the model abstains.
// An empty or whitespace-only text yields an abstaining prediction with an
// empty label.
func (m *Model) Predict(text string) Prediction {
	return m.PredictTop(text, 3)
}

// PredictTop is Predict with up to k alternatives (k < 0 means all labels).
func (m *Model) PredictTop(text string, k int) Prediction {
	s := m.pool.get(m.fo, len(m.labels), len(m.voc.keys))
	defer m.pool.put(s)
	m.scoreInto(text, s)
	return m.decide(s.scores, k)
}

// scoreInto leaves calibrated probabilities in s.scores, or all zeros when
// the text has no known feature and no token.
func (m *Model) scoreInto(text string, s *scratch) {
	s.ex.hashes(text)
	m.voc.vectorizeKeys(s.ex.keys, s.cnt, m.fo.CharWeight, &s.vec)
	if len(s.ex.keys) == 0 {
		clear(s.scores)
		return
	}
	m.rawScores32(&s.vec, s.acc)
	for j, x := range s.acc {
		s.scores[j] = float64(x)
	}
	softmax(s.scores, m.temp)
}

// rawScores32 is rawScores in float32, the prediction hot loop.
func (m *Model) rawScores32(v *sparse, out []float32) {
	k := len(out)
	copy(out, m.bias)
	for i, c := range v.idx {
		x := v.val[i]
		row := m.w.f[int(c)*k : int(c)*k+k]
		row = row[:len(out)]
		j := 0
		for ; j+4 <= len(out); j += 4 {
			out[j] += x * row[j]
			out[j+1] += x * row[j+1]
			out[j+2] += x * row[j+2]
			out[j+3] += x * row[j+3]
		}
		for ; j < len(out); j++ {
			out[j] += x * row[j]
		}
	}
}

func (m *Model) rawScores(v *sparse, out []float64) {
	k := len(m.labels)
	for j := range out {
		out[j] = float64(m.bias[j])
	}
	for i, c := range v.idx {
		x := float64(v.val[i]) * float64(m.w.scale[c])
		row := m.w.q[int(c)*k : int(c)*k+k]
		for j, q := range row {
			out[j] += x * float64(q)
		}
	}
}

func softmax(s []float64, temp float64) {
	mx := math.Inf(-1)
	for _, v := range s {
		mx = max(mx, v)
	}
	var sum float64
	for j, v := range s {
		e := math.Exp((v - mx) / temp)
		s[j] = e
		sum += e
	}
	for j := range s {
		s[j] /= sum
	}
}

func (m *Model) decide(p []float64, k int) Prediction {
	var empty bool
	best := -1
	for j, v := range p {
		if best < 0 || v > p[best] {
			best = j
		}
	}
	if best < 0 || p[best] == 0 {
		empty = true
	}
	if empty {
		return Prediction{Abstain: true}
	}
	pr := Prediction{Label: m.labels[best], Confidence: p[best]}
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

// Probabilities returns the calibrated probability of every label, in the
// order of Labels.
func (m *Model) Probabilities(text string) []float64 {
	s := m.pool.get(m.fo, len(m.labels), len(m.voc.keys))
	defer m.pool.put(s)
	m.scoreInto(text, s)
	return slices.Clone(s.scores)
}

// Explain returns up to n features of text that pushed label's score up
// the most, largest contribution first. An unknown label yields nil.
func (m *Model) Explain(text, label string, n int) []Contribution {
	j, ok := slices.BinarySearch(m.labels, label)
	if !ok || n <= 0 {
		return nil
	}
	ex := newExtractor(m.fo)
	ex.names = make(map[uint32]string)
	var r raw
	ex.extract(text, &r)
	var v sparse
	m.voc.vectorize(&r, m.fo.CharWeight, &v)
	k := len(m.labels)
	out := make([]Contribution, 0, len(v.idx))
	for i, c := range v.idx {
		w := float64(v.val[i]) * float64(m.w.scale[c]) * float64(m.w.q[int(c)*k+j])
		if w <= 0 {
			continue
		}
		out = append(out, Contribution{Feature: ex.names[m.voc.keys[c]], Weight: w})
	}
	sort.SliceStable(out, func(a, b int) bool {
		if out[a].Weight != out[b].Weight {
			return out[a].Weight > out[b].Weight
		}
		return out[a].Feature < out[b].Feature
	})
	if len(out) > n {
		out = out[:n]
	}
	return out
}

// weights are a d×k matrix stored with 8 bits per weight and one scale
// per row (column of the vocabulary): w[c][j] = q[c*k+j]·scale[c]. f holds
// the same values expanded to float32 for the prediction loop, which is
// faster than converting 8-bit values on the fly.
type weights struct {
	q     []int8
	scale []float32
	f     []float32
}

// expand fills f from q and scale.
func (w *weights) expand(k int) {
	w.f = make([]float32, len(w.q))
	for c, s := range w.scale {
		for j, q := range w.q[c*k : c*k+k] {
			w.f[c*k+j] = float32(q) * s
		}
	}
}

// quantizeWeights rounds the row-major d×k matrix w to weights.
func quantizeWeights(w []float32, k int) weights {
	d := len(w) / k
	out := weights{q: make([]int8, len(w)), scale: make([]float32, d)}
	for c := range d {
		row := w[c*k : c*k+k]
		var mx float64
		for _, x := range row {
			mx = max(mx, math.Abs(float64(x)))
		}
		if mx == 0 {
			continue
		}
		s := mx / 127
		out.scale[c] = float32(s)
		for j, x := range row {
			out.q[c*k+j] = int8(max(-127, min(127, math.Round(float64(x)/s))))
		}
	}
	out.expand(k)
	return out
}
