package classifier

import (
	"bytes"
	"math"
	"slices"
	"strings"
)

// Explain returns up to n features of text that pushed label's score up
// the most, largest contribution first (equal contributions in the order
// of their names). An unknown label yields nil.
//
// An explanation costs time in proportion to the text's features, not to
// the model's: it comes from the same feature vector as a prediction, and
// only the n features reported are named.
func (m *Model) Explain(text, label string, n int) []Contribution {
	j, ok := slices.BinarySearch(m.labels, label)
	if !ok || n <= 0 {
		return nil
	}
	s := m.pool.get(m.fo, len(m.labels), len(m.voc.keys))
	defer m.pool.put(s)
	s.text.Reset(text)
	m.features(&s.text, s)
	out := m.explain(&s.f, j, n)
	s.f.t = nil // not kept alive by the pool
	return out
}

// ExplainText is Explain for a prepared text.
func (m *Model) ExplainText(t *Text, label string, n int) []Contribution {
	j, ok := slices.BinarySearch(m.labels, label)
	if !ok || n <= 0 {
		return nil
	}
	s := m.pool.get(m.fo, len(m.labels), len(m.voc.keys))
	defer m.pool.put(s)
	m.features(t, s)
	out := m.explain(&s.f, j, n)
	s.f.t = nil
	return out
}

// ExplainFeatures is ExplainText for the text f was computed from: the
// same explanation, from f when m shares the feature space of the model
// that computed f (see SharesFeatures), otherwise by m.ExplainText.
func (m *Model) ExplainFeatures(f *Features, label string, n int) []Contribution {
	if !m.SharesFeatures(f.m) {
		return m.ExplainText(f.t, label, n)
	}
	j, ok := slices.BinarySearch(m.labels, label)
	if !ok || n <= 0 {
		return nil
	}
	return m.explain(f, j, n)
}

// explain lists up to n features of f with the largest positive
// contribution to label j's score; f is in m's feature space.
//
// The contributions are those of the vector vectorize makes of the text,
// bit for bit: the features in the order first met (s.fidx) carry their
// counts and IDFs, and the block norms are those of the prediction (see
// blockScales). The n largest are kept in a short sorted list; a feature
// is named only when it enters the list at the same weight as another,
// and when it is reported.
func (m *Model) explain(f *Features, j, n int) []Contribution {
	if f.empty {
		return []Contribution{}
	}
	s := f.s
	idx := s.fidx
	var scale [2]float32
	scaled := false
	d := len(m.voc.keys)
	qt := m.qt[j*d : j*d+d]
	top := s.top[:0]
	for i, p := range idx {
		// Only a positive weight can make a positive contribution.
		q := qt[p.c]
		if q <= 0 {
			continue
		}
		if !scaled {
			scale, scaled = m.blockScales(s), true
		}
		x := sublinear(int(p.n)) * float64(p.idf)
		v := float32(x)
		v *= scale[p.block()]
		w := float64(v) * float64(m.w.scale[p.c]) * float64(q)
		if w <= 0 {
			continue
		}
		e := topEntry{w: w, i: int32(i), end: -1}
		if len(top) == n {
			if last := &top[n-1]; w < last.w || w == last.w && !m.nameBefore(f, &e, last) {
				continue
			}
			top = top[:n-1]
		}
		at := len(top)
		for at > 0 && (w > top[at-1].w || w == top[at-1].w && m.nameBefore(f, &e, &top[at-1])) {
			at--
		}
		top = slices.Insert(top, at, e)
	}
	// The names, in one string.
	size := 0
	for i := range top {
		size += len(m.entryName(f, &top[i]))
	}
	var names strings.Builder
	names.Grow(size)
	out := make([]Contribution, len(top))
	for i := range top {
		names.Write(m.entryName(f, &top[i]))
	}
	all := names.String()
	for i, e := range top {
		out[i] = Contribution{Feature: all[:e.end-e.start], Weight: e.w}
		all = all[e.end-e.start:]
	}
	s.top, s.names = top[:0], s.names[:0]
	return out
}

// blockScales returns the factors vectorize scales the word and the
// character block of the text whose features are s.fidx with, rounded to
// float32 as it rounds them: the inverse of the block's L2 norm, times
// the char weight for characters.
//
// vectorize sums each norm in column order, the prediction (s.fnorm) in
// the order the features were first met. Both sums of the same n
// non-negative terms lie within n·2⁻⁵³ (relatively, to first order) of
// the exact sum, so within 4n·2⁻⁵³ of each other; when the scale rounds
// to the same float32 at both ends of that interval (it falls with the
// norm), it is vectorize's. Otherwise (never in 339,249 feature vectors
// of Banking77, the demo corpus and 100,000 generated mails, each block
// checked), and when the counts were cut (see featRef), the norms are
// summed again in column order (blockScalesSorted).
func (m *Model) blockScales(s *scratch) [2]float32 {
	if s.fclamped {
		return m.blockScalesSorted(s)
	}
	tol := 4 * float64(len(s.fidx)) * 0x1p-53
	var scale [2]float32
	for b, norm := range s.fnorm {
		if norm == 0 {
			continue
		}
		lo, hi := m.normScale(norm*(1+tol), b), m.normScale(norm*(1-tol), b)
		if lo != hi {
			return m.blockScalesSorted(s)
		}
		scale[b] = lo
	}
	return scale
}

// normScale is the scale of a block b with squared norm norm, as
// vectorize computes it.
func (m *Model) normScale(norm float64, b int) float32 {
	scale := 1 / math.Sqrt(norm)
	if b == blockChar {
		scale *= m.fo.CharWeight
	}
	return float32(scale)
}

// blockScalesSorted is blockScales with the norms summed in column
// order, as vectorize sums them, after a sort of the text's columns.
func (m *Model) blockScalesSorted(s *scratch) [2]float32 {
	s.fsort, s.fcount = sortByColumn(s.fsort, s.fidx, len(m.voc.keys), s.fcount)
	var norm [2]float64
	for _, p := range s.fsort {
		x := sublinear(int(p.n)) * float64(p.idf)
		norm[p.block()] += x * x
	}
	var scale [2]float32
	for b := range norm {
		if norm[b] > 0 {
			scale[b] = m.normScale(norm[b], b)
		}
	}
	return scale
}

// topEntry is a candidate for an explanation: feature i of s.fidx and its
// contribution; its name, once needed, is s.names[start:end] (end is -1
// before).
type topEntry struct {
	w          float64
	i          int32
	start, end int32
}

// nameBefore reports whether a's name sorts before b's.
func (m *Model) nameBefore(f *Features, a, b *topEntry) bool {
	return bytes.Compare(m.entryName(f, a), m.entryName(f, b)) < 0
}

// entryName returns e's name, written to f's scratch space the first time.
func (m *Model) entryName(f *Features, e *topEntry) []byte {
	s := f.s
	if e.end < 0 {
		start := len(s.names)
		s.names = m.appendName(s.names, f, s.fidx[e.i])
		e.start, e.end = int32(start), int32(len(s.names))
	}
	return s.names[e.start:e.end]
}

// appendName appends the readable name of feature p of f to dst: "w:"
// and the token, "n:" and the negated token, "b:" and the two tokens of a
// bigram joined by "_", "s:" and the stem, or "c:" and the character
// n-gram. Where several features of the text share a column, it is the
// one met first, as extraction met it.
func (m *Model) appendName(dst []byte, f *Features, p featRef) []byte {
	toks := f.t.toks
	t := toks[p.tok]
	switch p.kind {
	case kindNeg:
		return append(append(dst, "n:"...), t...)
	case kindUni:
		return append(append(dst, "w:"...), t...)
	case kindBigram:
		dst = append(append(dst, "b:"...), toks[p.tok-1]...)
		return append(append(dst, '_'), t...)
	case kindStem:
		return append(append(dst, "s:"...), f.s.ex.stem(f.t.Lang(), t)...)
	default:
		return append(append(dst, "c:"...), m.charGram(f, p)...)
	}
}

// charGram returns the character n-gram of character feature p of f met
// first: found through the token's word entry when it is still cached,
// otherwise by hashing the token's n-grams again.
func (m *Model) charGram(f *Features, p featRef) []byte {
	s, t := f.s, f.t.toks[p.tok]
	if w := s.words.find(f.t.hw[p.tok], t); w != nil && int(p.sub) < min(len(w.chars), math.MaxUint8) &&
		w.chars[p.sub].c == p.c && w.grams[p.sub] < math.MaxUint16 {
		if g := s.ex.gramAt(t, int(w.grams[p.sub])); g != nil {
			return g
		}
	}
	return s.ex.gram(t, m.voc.keys[p.c])
}

// block returns the feature block of p.
func (p featRef) block() int {
	if p.kind == kindChar {
		return blockChar
	}
	return blockWord
}

// sortByColumn returns refs, whose columns are distinct and below d,
// sorted by column in dst (reusing its memory and that of counts): a
// counting sort on the columns' high bits into about as many buckets as
// refs, then an insertion sort that moves entries only within their
// bucket. A text's columns are spread evenly over the vocabulary (its
// order is that of hashes), so this takes O(len(refs)) on average.
func sortByColumn(dst, refs []featRef, d int, counts []int32) ([]featRef, []int32) {
	dst = slices.Grow(dst[:0], len(refs))[:len(refs)]
	shift := max(0, bitsLen(d-1)-bitsLen(len(refs)))
	nb := (d-1)>>shift + 1
	counts = slices.Grow(counts[:0], nb+1)[:nb+1]
	clear(counts)
	for _, p := range refs {
		counts[p.c>>shift+1]++
	}
	for b := 1; b < len(counts); b++ {
		counts[b] += counts[b-1]
	}
	for _, p := range refs {
		b := p.c >> shift
		dst[counts[b]] = p
		counts[b]++
	}
	for i := 1; i < len(dst); i++ {
		p := dst[i]
		at := i
		for at > 0 && dst[at-1].c > p.c {
			dst[at] = dst[at-1]
			at--
		}
		dst[at] = p
	}
	return dst, counts
}
