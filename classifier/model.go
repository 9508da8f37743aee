package classifier

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"sync/atomic"
	"unicode/utf8"

	"github.com/antwort-dev/antwort/internal/nlp"
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
	// pc and ent are the prediction layout built by prepare: per column
	// its IDF, block and the span of its non-zero weights in ent.
	pc []predCol
	// wf holds the weights expanded to float32, row-major by column: the
	// dense, unrolled loop over a row beats sparse rows with indirection
	// in Go (measured), although most 8-bit weights are zero.
	wf []float32
	// qt holds the 8-bit weights label by label (label-major), for
	// Explain: a text's columns for one label then lie in one block of
	// the vocabulary's size, not spread over the whole matrix.
	qt []int8

	// temp is the softmax temperature fitted on held-out folds, cal the
	// confidence map and scope quantiles fitted on them after it.
	temp float64
	cal  calibration
	// threshold is the global abstain threshold; labelThreshold overrides
	// it per label (NaN = use global).
	threshold      float64
	labelThreshold []float64
	meta           Meta

	pool scratchPool

	// fp fingerprints the feature space (see SharesFeatures); shares is
	// the last model found to share it.
	fp     uint64
	shares atomic.Pointer[Model]
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
	// HeldOutLabels holds the same folds' figures per label.
	HeldOutLabels map[string]LabelHeldOut `json:"held_out_labels,omitempty"`
	Options       Options                 `json:"options"`
}

// Guides for automatic answers per label, from the held-out predictions of
// training: fewer examples than MinAutoExamples cannot show how reliable
// the label's answers are, and a held-out precision below MinAutoPrecision
// means it is often given to mail of other labels.
const (
	MinAutoExamples  = 20
	MinAutoPrecision = 0.8
)

// Readiness says why label's training data is too thin or too often
// confused for automatic answers, or "" when it is enough to try. A model
// that kept no label counts says nothing.
func (m Meta) Readiness(label string) string {
	if thin := m.Thin(label); thin != "" {
		return thin
	}
	if h := m.HeldOutLabels[label]; h.Predicted > 0 && h.Precision() < MinAutoPrecision {
		return fmt.Sprintf("too often confused: %.0f %% of its held-out predictions right", 100*h.Precision())
	}
	return ""
}

// Thin says why label has too few training examples (fewer than
// MinAutoExamples) to show how often its confident predictions are right,
// or "" when it has enough or the model kept no label counts.
func (m Meta) Thin(label string) string {
	n, ok := m.LabelCounts[label]
	if !ok || n >= MinAutoExamples {
		return ""
	}
	noun := "examples"
	if n == 1 {
		noun = "example"
	}
	return fmt.Sprintf("too thin: %d %s, label at least %d", n, noun, MinAutoExamples)
}

// LabelHeldOut is one label's figures on the calibration folds' held-out
// predictions: its examples, how often it was predicted, and how often
// rightly.
type LabelHeldOut struct {
	Examples  int `json:"examples"`
	Predicted int `json:"predicted"`
	Right     int `json:"right"`
}

// Precision is the share of the label's predictions that were right (0
// when it was never predicted).
func (l LabelHeldOut) Precision() float64 {
	if l.Predicted == 0 {
		return 0
	}
	return float64(l.Right) / float64(l.Predicted)
}

// Recall is the share of the label's examples predicted as it.
func (l LabelHeldOut) Recall() float64 {
	if l.Examples == 0 {
		return 0
	}
	return float64(l.Right) / float64(l.Examples)
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
		pc: m.pc, wf: m.wf, qt: m.qt, temp: m.temp, cal: m.cal, threshold: global, labelThreshold: lt, meta: m.meta,
		fp: m.fp,
	}
	c.shares.Store(m)
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
	s.text.Reset(text)
	top := m.scoreInto(&s.text, s)
	return m.decide(s.scores, k, top)
}

// PredictText is PredictTop for a prepared text: the same prediction,
// without preparing the text again.
func (m *Model) PredictText(t *Text, k int) Prediction {
	s := m.pool.get(m.fo, len(m.labels), len(m.voc.keys))
	defer m.pool.put(s)
	top := m.scoreInto(t, s)
	return m.decide(s.scores, k, top)
}

// scoreInto leaves calibrated probabilities in s.scores, or all zeros when
// the text has no known feature and no token, and returns the top decision
// value (see score).
func (m *Model) scoreInto(pt *Text, s *scratch) float64 {
	m.features(pt, s)
	top := m.score(&s.f, s.acc, s.chars, s.scores)
	s.f.t = nil // not kept alive by the pool
	return top
}

// features computes the feature vector of pt in m's feature space into
// s.f: the columns to score one by one with their values, and the tokens
// whose character n-grams are scored through per-word sums.
func (m *Model) features(pt *Text, s *scratch) {
	f := &s.f
	f.m, f.s, f.t = m, s, pt
	f.cols, f.xs, f.words = f.cols[:0], f.xs[:0], f.words[:0]
	f.sc = 0
	toks, hws := pt.toks, pt.hw
	f.empty = len(toks) == 0
	if f.empty {
		return
	}
	// gen tells the word entries met first in this text from those met
	// before in it.
	s.gen++
	if s.gen == 0 {
		s.words, s.vbFloats = wordTable{}, 0
		s.gen = 1
	}
	gen := s.gen
	ex := s.ex
	fo := &m.fo
	lang := pt.Lang()
	cnt := s.cnt
	idx := s.fidx[:0]
	add := func(r colRef, kind uint8, tok, sub int) {
		if r.c < 0 {
			return
		}
		if cnt[r.c] == 0 {
			idx = append(idx, featRef{c: r.c, idf: r.idf, tok: int32(tok), kind: kind, sub: uint8(min(sub, math.MaxUint8))})
		}
		cnt[r.c]++
	}
	words, seen := f.words, s.seen[:0]
	var prev uint64
	negLeft := 0
	for i, t := range toks {
		w := s.word(m, t, hws[i])
		if !fo.NoNegation {
			if negLeft > 0 && t[0] != '<' && !w.punct {
				add(w.neg, kindNeg, i, 0)
				negLeft--
			} else if w.punct {
				negLeft = 0
			}
			if w.negator {
				negLeft = 3
			}
		}
		add(w.uni, kindUni, i, 0)
		if !fo.NoBigrams {
			if i > 0 {
				add(w.bigram(m, prev), kindBigram, i, 0)
			}
			prev = w.hw
		}
		if !fo.NoStem && lang != nlp.Undetermined {
			add(w.stemColumn(m, ex, lang, t), kindStem, i, 0)
		}
		if len(w.chars) > 0 {
			// A word's character n-grams are added where the word first
			// occurs, which fixes their order; its later occurrences only
			// count, below, all at once.
			if w.gen != gen {
				w.gen, w.n = gen, 0
				seen = append(seen, w)
				for si, r := range w.chars {
					add(r, kindChar, i, si)
				}
			}
			w.n++
			words = append(words, w)
		}
	}
	for _, w := range seen {
		if n := w.n - 1; n > 0 {
			for _, r := range w.chars {
				cnt[r.c] += n
			}
		}
	}
	clear(seen)
	s.seen = seen[:0]
	val := slices.Grow(s.vec.val[:0], len(idx))[:len(idx)]
	// One sum per block, in idx order: in registers, not in an array
	// indexed by the block.
	var normWord, normChar float64
	var maxN uint32
	for i, p := range idx {
		n := cnt[p.c]
		x := sublinear(int(n)) * float64(p.idf)
		if p.kind != kindChar {
			normWord += x * x
		} else {
			normChar += x * x
		}
		val[i] = float32(x)
		idx[i].n = uint16(min(n, math.MaxUint16))
		maxN = max(maxN, n)
	}
	s.fnorm, s.fclamped = [2]float64{normWord, normChar}, maxN > math.MaxUint16
	var scale [2]float32
	for b, norm := range [2]float64{normWord, normChar} {
		if norm > 0 {
			scale[b] = float32(1 / math.Sqrt(norm))
		}
	}
	scale[blockChar] *= float32(fo.CharWeight)
	// Word features one by one; character n-grams through the per-word
	// sums, corrected for n-grams that occur more than once in the text
	// (their weight is sublinear in the count, the sums' linear).
	cols, xs := f.cols, f.xs
	for i, p := range idx {
		c := p.c
		var x float32
		if p.kind != kindChar {
			x = val[i] * scale[blockWord]
		} else if n := cnt[c]; n > 1 {
			x = float32((sublinear(int(n))-float64(n))*float64(p.idf)) * scale[blockChar]
		}
		cnt[c] = 0
		if x != 0 {
			cols = append(cols, c)
			xs = append(xs, x)
		}
	}
	s.fidx, s.vec.val = idx, val
	f.cols, f.xs, f.words, f.sc = cols, xs, words, scale[blockChar]
}

// score leaves m's calibrated probabilities for the feature vector f in
// scores, or all zeros for an empty text, and returns the largest decision
// value (0 for an empty text); acc and chars are scratch space. All have
// one element per label of m, and f is in m's feature space.
func (m *Model) score(f *Features, acc, chars []float32, scores []float64) float64 {
	if f.empty {
		clear(scores)
		return 0
	}
	copy(acc, m.bias)
	xs := f.xs[:len(f.cols)]
	for i, c := range f.cols {
		m.addRow(acc, c, xs[i])
	}
	if sc := f.sc; sc != 0 {
		clear(chars)
		for _, w := range f.words {
			axpy(1, f.s.charSums(w, m, f.m), chars)
		}
		axpy(sc, chars, acc)
	}
	for j, x := range acc {
		scores[j] = float64(x)
	}
	return m.probabilities(scores)
}

// probabilities turns the decision values s into calibrated probabilities
// in place: the temperature-scaled softmax, then the confidence map. It
// returns the largest decision value.
func (m *Model) probabilities(s []float64) float64 {
	top := math.Inf(-1)
	for _, v := range s {
		top = max(top, v)
	}
	softmax(s, m.temp)
	m.cal.apply(s)
	return top
}

// addRow adds x times column c's weights to out.
func (m *Model) addRow(out []float32, c int32, x float32) {
	k := len(out)
	axpy(x, m.wf[int(c)*k:int(c)*k+k], out)
}

// column returns the vocabulary column of hash h in block, or -1.
func (m *Model) column(h uint64, block uint8) int32 {
	c := m.voc.lookup(bucket(h, m.fo.Bits))
	if c < 0 || m.pc[c].block != block {
		return -1
	}
	return c
}

// colRef is a vocabulary column with its IDF, kept where the column is
// found so that scoring need not look the IDF up; column -1 is none.
type colRef struct {
	c   int32
	idf float32
}

var noCol = colRef{c: -1}

// wordColumn returns the word-block column of hash h, or noCol.
func (m *Model) wordColumn(h uint64) colRef {
	c := m.column(h, blockWord)
	if c < 0 {
		return noCol
	}
	return colRef{c, m.pc[c].idf}
}

// wordEntry caches what one token contributes to a text's features,
// whatever its context: its hash, the columns of its unigram, negated and
// stem features, its character n-gram columns (repeats included) and their
// IDF-weighted weight sum v. Most of a prediction's work is in the
// character n-grams, and tokens repeat, so a cache hit saves most of it.
type wordEntry struct {
	key   string // the token
	hw    uint64
	uni   colRef
	neg   colRef
	stem  [2]colRef // per language (de, en); column -2 until computed
	chars []colRef
	// grams holds the position of each of chars among the n-grams of
	// the token, in the order charGrams adds them (for Explain's names).
	grams []uint16
	v     []float32
	// negator and punct tell whether the token starts or ends a negation
	// scope.
	negator, punct bool
	// bgPrev and bgCol remember the bigram column after the word hashed
	// bgPrev (a word repeats mostly after the same word); valid when
	// bgSet.
	bgSet  bool
	bgCol  colRef
	bgPrev uint64
	// gen is the scratch's text generation in which the word last
	// occurred, n its occurrences in that text.
	gen, n uint32
	// vb holds v for the model vbOf, another model with the same feature
	// space scoring Features (see charSums).
	vb   []float32
	vbOf *Model
}

// charSums returns w's IDF-weighted character n-gram weight sum for model
// m, which shares the feature space of the scratch's model own.
func (s *scratch) charSums(w *wordEntry, m, own *Model) []float32 {
	if m == own {
		return w.v
	}
	if w.vbOf != m {
		k := len(m.labels)
		if len(w.vb) != k {
			s.vbFloats += k - len(w.vb)
			w.vb = make([]float32, k)
		} else {
			clear(w.vb)
		}
		for _, r := range w.chars {
			m.addRow(w.vb, r.c, r.idf)
		}
		w.vbOf = m
	}
	return w.vb
}

// bigram returns the column of the bigram of the word hashed prev and w.
func (w *wordEntry) bigram(m *Model, prev uint64) colRef {
	if !w.bgSet || w.bgPrev != prev {
		w.bgSet, w.bgPrev = true, prev
		w.bgCol = m.wordColumn(hashPair(prev, w.hw))
	}
	return w.bgCol
}

func (w *wordEntry) stemColumn(m *Model, ex *extractor, lang, t string) colRef {
	li := 0
	if lang == nlp.English {
		li = 1
	}
	if w.stem[li].c == -2 {
		w.stem[li] = noCol
		if st := ex.stem(lang, t); st != t {
			w.stem[li] = m.wordColumn(hashBytes(nsStem, st))
		}
	}
	return w.stem[li]
}

// maxCacheFloats bounds a scratch's word cache by the floats it holds.
const maxCacheFloats = 1 << 21

// word returns the cache entry for token t, whose word hash is hw,
// computing it on a miss.
func (s *scratch) word(m *Model, t string, hw uint64) *wordEntry {
	if w := s.words.find(hw, t); w != nil {
		return w
	}
	k := len(m.labels)
	if (s.words.n+1)*k+s.vbFloats > maxCacheFloats {
		s.words, s.vbFloats = wordTable{}, 0
	}
	w := &wordEntry{key: strings.Clone(t), hw: hw, stem: [2]colRef{{c: -2}, {c: -2}},
		negator: negators[t], punct: t == "!" || t == "?" || t == "!!" || t == "??"}
	w.uni = m.wordColumn(w.hw)
	w.neg = m.wordColumn(hashBytes(nsNeg, t))
	if !m.fo.NoChars && t[0] != '<' && utf8.RuneCountInString(t) > 1 {
		ex := s.ex
		ex.keys = ex.keys[:0]
		ex.charGrams(t)
		for g, key := range ex.keys {
			c := m.voc.lookup(key >> 1)
			if c < 0 || m.pc[c].block != uint8(key&1) {
				continue
			}
			w.chars = append(w.chars, colRef{c, m.pc[c].idf})
			w.grams = append(w.grams, uint16(min(g, math.MaxUint16)))
		}
		if len(w.chars) > 0 {
			w.v = make([]float32, k)
			for _, r := range w.chars {
				m.addRow(w.v, r.c, r.idf)
			}
		}
	}
	s.words.insert(w)
	return w
}

// wordTable is the word cache: an open-addressing hash table of entries
// on their word hash, at most half full. The hash comes with the prepared
// text, shared by all models, so a lookup hashes nothing.
type wordTable struct {
	slots []*wordEntry
	n     int
	shift uint
}

func (wt *wordTable) find(hw uint64, t string) *wordEntry {
	if wt.n == 0 {
		return nil
	}
	mask := uint64(len(wt.slots) - 1)
	for i := (hw * 0x9E3779B97F4A7C15) >> wt.shift; ; i = (i + 1) & mask {
		w := wt.slots[i]
		if w == nil || w.hw == hw && w.key == t {
			return w
		}
	}
}

// insert adds w, whose key is not in the table.
func (wt *wordTable) insert(w *wordEntry) {
	if 2*(wt.n+1) > len(wt.slots) {
		old := wt.slots
		size := max(1024, 2*len(old))
		wt.slots = make([]*wordEntry, size)
		wt.shift = uint(64 - bitsLen(size-1))
		for _, o := range old {
			if o != nil {
				wt.place(o)
			}
		}
	}
	wt.place(w)
	wt.n++
}

func (wt *wordTable) place(w *wordEntry) {
	mask := uint64(len(wt.slots) - 1)
	i := (w.hw * 0x9E3779B97F4A7C15) >> wt.shift
	for wt.slots[i] != nil {
		i = (i + 1) & mask
	}
	wt.slots[i] = w
}

// predCol is one vocabulary column's IDF and block, side by side.
type predCol struct {
	idf   float32
	block uint8
}

// prepare builds the prediction layout from the vocabulary and the 8-bit
// weights.
func (m *Model) prepare() {
	k := len(m.labels)
	d := len(m.voc.keys)
	m.pc = make([]predCol, d)
	m.wf = make([]float32, d*k)
	m.qt = make([]int8, d*k)
	for c := range d {
		m.pc[c] = predCol{idf: m.voc.idf[c], block: m.voc.block[c]}
		s := m.w.scale[c]
		for j, q := range m.w.q[c*k : c*k+k] {
			m.wf[c*k+j] = float32(q) * s
			m.qt[j*d+c] = q
		}
	}
	m.fp = m.featureFingerprint()
}

// rawScores computes the decision values of v in float64 from the 8-bit
// weights (used on held-out folds during training).
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

// softmax turns decision values into probabilities at temperature temp,
// in place. Terms more than 40 below the maximum (after scaling) are set
// to zero: their share is below 1e-17.
func softmax(s []float64, temp float64) {
	mx := math.Inf(-1)
	for _, v := range s {
		mx = max(mx, v)
	}
	inv := 1 / temp
	var sum float64
	for j, v := range s {
		z := (v - mx) * inv
		if z < -40 {
			s[j] = 0
			continue
		}
		e := math.Exp(z)
		s[j] = e
		sum += e
	}
	for j := range s {
		s[j] /= sum
	}
}

// decide turns calibrated probabilities p, whose largest decision value
// was top, into a Prediction with up to k alternatives (all for k < 0).
func (m *Model) decide(p []float64, k int, top float64) Prediction {
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
		var buf [128]uint64
		order := byProbability(buf[:0], p, best, k)
		pr.Alternatives = make([]Scored, k)
		for i := 0; i < k; i++ {
			j := uint16(order[i])
			pr.Alternatives[i] = Scored{Label: m.labels[j], Confidence: p[j]}
		}
	}
	return pr
}

// byProbability appends to dst the first k labels other than best by
// falling probability p, equal ones in label order, as a stable sort
// gives them (or all of them, when k is larger); a label j is in the low
// 16 bits of its element. A few are picked into a short sorted list;
// more come from a sort of the elements themselves, whose high bits are
// those of the probability (for probabilities, which are not negative,
// the bits order as the numbers), then an insertion sort by the full
// probabilities, which moves only labels whose probabilities agree in
// those bits. NaN and negative numbers (-0 too) take a stable sort.
func byProbability(dst []uint64, p []float64, best, k int) []uint64 {
	if k <= 8 {
		for j, v := range p {
			if math.IsNaN(v) || math.Signbit(v) {
				return byProbabilityStable(dst[:0], p, best)
			}
			if j == best || len(dst) == k && !(v > p[dst[k-1]]) {
				continue
			}
			if len(dst) == k {
				dst = dst[:k-1]
			}
			at := len(dst)
			for at > 0 && v > p[dst[at-1]] {
				at--
			}
			dst = slices.Insert(dst, at, uint64(j))
		}
		return dst
	}
	for j, v := range p {
		if math.IsNaN(v) || math.Signbit(v) {
			return byProbabilityStable(dst[:0], p, best)
		}
		if j != best {
			dst = append(dst, ^math.Float64bits(v)&^0xffff|uint64(j))
		}
	}
	slices.Sort(dst)
	for a := 1; a < len(dst); a++ {
		e := dst[a]
		at := a
		for at > 0 && p[uint16(e)] > p[uint16(dst[at-1])] {
			dst[at] = dst[at-1]
			at--
		}
		dst[at] = e
	}
	return dst
}

// byProbabilityStable is byProbability by a stable sort, for any
// probabilities.
func byProbabilityStable(dst []uint64, p []float64, best int) []uint64 {
	for j := range p {
		if j != best {
			dst = append(dst, uint64(j))
		}
	}
	slices.SortStableFunc(dst, func(a, b uint64) int {
		switch {
		case p[a] > p[b]:
			return -1
		case p[b] > p[a]:
			return 1
		}
		return 0
	})
	return dst
}

// Probabilities returns the calibrated probability of every label, in the
// order of Labels.
func (m *Model) Probabilities(text string) []float64 {
	s := m.pool.get(m.fo, len(m.labels), len(m.voc.keys))
	defer m.pool.put(s)
	s.text.Reset(text)
	m.scoreInto(&s.text, s)
	return slices.Clone(s.scores)
}

// weights are a d×k matrix stored with 8 bits per weight and one scale
// per row (column of the vocabulary): w[c][j] = q[c*k+j]·scale[c].
type weights struct {
	q     []int8
	scale []float32
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
	return out
}
