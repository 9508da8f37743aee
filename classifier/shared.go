package classifier

import (
	"math"
	"slices"
)

// Features is a prepared text's feature vector in one model's feature
// space: which vocabulary columns the text has, and with what weight.
// Computing it is most of a prediction's work. Models trained with the
// same feature options on the same texts (an intent and a sentiment model)
// share the feature space, and each of them scores one Features, each
// exactly as its PredictText would.
//
// Get a Features from Model.Features and give it back with Release. A
// Features is not safe for concurrent use: score it with one model after
// the other.
type Features struct {
	m     *Model   // whose feature space
	s     *scratch // m's scratch space, holding the word cache
	t     *Text
	empty bool // no token
	// cols and xs are the columns scored one by one and their values,
	// in the order they are added; words are the tokens with character
	// n-grams, in text order, and sc scales the sum of their per-word
	// weight sums.
	cols  []int32
	xs    []float32
	words []*wordEntry
	sc    float32
	// acc, chars and scores are scratch space for scoring by another
	// model.
	acc, chars []float32
	scores     []float64
}

// Features computes the feature vector of t in m's feature space. t must
// not change until the Features is released.
func (m *Model) Features(t *Text) *Features {
	s := m.pool.get(m.fo, len(m.labels), len(m.voc.keys))
	m.features(t, s)
	return &s.f
}

// Release gives f's memory back for reuse; f must not be used afterwards.
func (f *Features) Release() {
	m, s := f.m, f.s
	f.m, f.s, f.t = nil, nil, nil
	clear(f.words)
	f.words = f.words[:0]
	m.pool.put(s)
}

// PredictFeatures is PredictText for the text f was computed from: the
// same prediction, from f when m shares the feature space of the model
// that computed f (see SharesFeatures), otherwise by m.PredictText.
func (m *Model) PredictFeatures(f *Features, k int) Prediction {
	if f.m == m {
		s := f.s
		top := m.score(f, s.acc, s.chars, s.scores)
		return m.decide(s.scores, k, top)
	}
	if !m.SharesFeatures(f.m) {
		return m.PredictText(f.t, k)
	}
	n := len(m.labels)
	f.acc = slices.Grow(f.acc[:0], n)[:n]
	f.chars = slices.Grow(f.chars[:0], n)[:n]
	f.scores = slices.Grow(f.scores[:0], n)[:n]
	top := m.score(f, f.acc, f.chars, f.scores)
	return m.decide(f.scores, k, top)
}

// SharesFeatures reports whether m and o turn every text into the same
// feature vector: same feature options, vocabulary (the same keys in the
// same column order) and IDF weights. Then a Features of either model
// serves both. The first check between two models compares their
// vocabularies in full, later ones a fingerprint and a remembered result.
func (m *Model) SharesFeatures(o *Model) bool {
	switch {
	case m == o:
		return true
	case m.fp != o.fp:
		return false
	case m.shares.Load() == o:
		return true
	case !sameFeatureSpace(m, o):
		return false
	}
	m.shares.Store(o)
	return true
}

// sameFeatureSpace compares everything scoring reads before the weights.
func sameFeatureSpace(m, o *Model) bool {
	return m.fo == o.fo &&
		slices.Equal(m.voc.keys, o.voc.keys) &&
		slices.Equal(m.voc.block, o.voc.block) &&
		slices.EqualFunc(m.voc.idf, o.voc.idf, func(a, b float32) bool {
			return math.Float32bits(a) == math.Float32bits(b)
		}) &&
		slices.EqualFunc(m.pc, o.pc, func(a, b predCol) bool {
			return math.Float32bits(a.idf) == math.Float32bits(b.idf) && a.block == b.block
		})
}

// featureFingerprint hashes what sameFeatureSpace compares.
func (m *Model) featureFingerprint() uint64 {
	h := uint64(fnvOffset)
	mix := func(x uint64) {
		for range 8 {
			h ^= x & 0xff
			h *= fnvPrime
			x >>= 8
		}
	}
	b := func(x bool) uint64 {
		if x {
			return 1
		}
		return 0
	}
	fo := m.fo
	mix(uint64(fo.Bits))
	mix(uint64(fo.CharMin))
	mix(uint64(fo.CharMax))
	mix(b(fo.NoChars) | b(fo.NoBigrams)<<1 | b(fo.NoStem)<<2 | b(fo.NoNegation)<<3)
	mix(uint64(fo.MinDF))
	mix(math.Float64bits(fo.CharWeight))
	mix(uint64(len(m.voc.keys)))
	for c, k := range m.voc.keys {
		mix(uint64(k) | uint64(math.Float32bits(m.voc.idf[c]))<<32)
	}
	return h
}
