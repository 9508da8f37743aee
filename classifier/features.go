package classifier

import (
	"math"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/antwort-dev/antwort/internal/nlp"
)

// FeatureOptions configures how a text becomes a feature vector. The zero
// value means the documented defaults.
type FeatureOptions struct {
	// Bits sets the hash space to 2^Bits buckets (default 20, range 12–24).
	// Training memory for counting is 4·2^Bits bytes, whatever the corpus.
	Bits int `json:"bits"`
	// CharMin and CharMax bound the character n-grams taken inside each
	// word, with "<" and ">" marking its boundaries (default 3 and 5).
	CharMin int `json:"char_min"`
	CharMax int `json:"char_max"`
	// NoChars turns character n-grams off.
	NoChars bool `json:"no_chars,omitempty"`
	// NoBigrams turns word bigrams off.
	NoBigrams bool `json:"no_bigrams,omitempty"`
	// NoStem turns off the Snowball stem of each word (German or English,
	// as detected per text), otherwise added as a feature of its own.
	NoStem bool `json:"no_stem,omitempty"`
	// NoNegation turns off negation marking: otherwise each of the three
	// words after a negation ("nicht", "kein", "not", "never", "n't", …) is
	// added a second time, marked as negated.
	NoNegation bool `json:"no_negation,omitempty"`
	// MinDF drops features seen in fewer training texts (default 1).
	MinDF int `json:"min_df"`
	// CharWeight scales the character block against the word block, each
	// of which is L2-normalised on its own (default 1).
	CharWeight float64 `json:"char_weight"`
}

func (o FeatureOptions) withDefaults() FeatureOptions {
	if o.Bits == 0 {
		o.Bits = 20
	}
	if o.CharMin == 0 {
		o.CharMin = 3
	}
	if o.CharMax == 0 {
		o.CharMax = 5
	}
	if o.MinDF == 0 {
		o.MinDF = 1
	}
	if o.CharWeight == 0 {
		o.CharWeight = 1
	}
	return o
}

func (o FeatureOptions) validate() error {
	switch {
	case o.Bits < 12 || o.Bits > 24:
		return errorf("feature bits %d out of range 12–24", o.Bits)
	case o.CharMin < 1 || o.CharMax < o.CharMin || o.CharMax > 8:
		return errorf("char n-gram range %d–%d invalid", o.CharMin, o.CharMax)
	case o.MinDF < 1:
		return errorf("min df %d < 1", o.MinDF)
	case o.CharWeight < 0 || math.IsNaN(o.CharWeight) || math.IsInf(o.CharWeight, 0):
		return errorf("char weight %v invalid", o.CharWeight)
	}
	return nil
}

// Feature blocks; each is L2-normalised on its own.
const (
	blockWord = 0
	blockChar = 1
)

// Hash namespaces keep word, bigram, stem and char features apart.
const (
	nsWord   = 'w'
	nsBigram = 'b'
	nsStem   = 's'
	nsChar   = 'c'
	nsNeg    = 'n'
)

// negators start a negation scope (folded spelling).
var negators = map[string]bool{
	"not": true, "no": true, "never": true, "t": true, "cannot": true, "nothing": true, "nobody": true, "without": true,
	"nicht": true, "kein": true, "keine": true, "keinen": true, "keinem": true, "keiner": true, "nie": true,
	"niemals": true, "nichts": true, "ohne": true,
}

const (
	fnvOffset = 14695981039346656037
	fnvPrime  = 1099511628211
)

func hashBytes(ns byte, s string) uint64 {
	h := uint64(fnvOffset)
	h ^= uint64(ns)
	h *= fnvPrime
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= fnvPrime
	}
	return h
}

func hashPair(a, b uint64) uint64 {
	h := a*0x9E3779B97F4A7C15 ^ (b + 0x632BE59BD9B4E5D7 + (a << 6) + (a >> 2))
	h ^= h >> 31
	return h * fnvPrime
}

// bucket maps a hash to one of 2^bits buckets (multiplicative hashing on
// the high bits, which FNV mixes well).
func bucket(h uint64, bits int) uint32 {
	return uint32((h * 0x9E3779B97F4A7C15) >> (64 - bits))
}

// raw is the output of extraction before the vocabulary is applied: each
// key is bucket<<1 | block, sorted, with its count.
type raw struct {
	keys   []uint32
	counts []uint16
}

// extractor turns texts into raw features. It holds scratch space and is
// not safe for concurrent use; get one from a pool.
type extractor struct {
	o      FeatureOptions
	toks   []string
	keys   []uint32
	runes  []int // byte offsets of rune starts in pad
	pad    []byte
	names  map[uint32]string // when non-nil, a readable name per key
	folded strings.Builder
	stems  [2]map[string]string // per language (de, en), bounded: Snowball stemming is slow
}

// maxStemCache bounds an extractor's stem cache.
const maxStemCache = 1 << 14

func (e *extractor) stem(lang, t string) string {
	li := 0
	if lang == nlp.English {
		li = 1
	}
	cache := e.stems[li]
	if s, ok := cache[t]; ok {
		return s
	}
	if cache == nil || len(cache) >= maxStemCache {
		cache = make(map[string]string, 1024)
		e.stems[li] = cache
	}
	s := nlp.Stem(lang, t)
	// t points into the folded text, which is reused: store a copy.
	t = strings.Clone(t)
	if s == t {
		s = t
	}
	cache[t] = s
	return s
}

func newExtractor(o FeatureOptions) *extractor {
	return &extractor{o: o}
}

func (e *extractor) add(h uint64, block uint32, name func() string) {
	k := bucket(h, e.o.Bits)<<1 | block
	e.keys = append(e.keys, k)
	if e.names != nil {
		if _, ok := e.names[k]; !ok {
			e.names[k] = name()
		}
	}
}

// extract computes the sorted, counted feature keys of text into r
// (reusing its slices) and returns the detected language.
func (e *extractor) extract(text string, r *raw) string {
	lang := e.hashes(text)
	e.count(r)
	return lang
}

// hashes leaves the unsorted feature keys of text, repeats included, in
// e.keys and returns the detected language.
func (e *extractor) hashes(text string) string {
	e.folded.Reset()
	nlp.FoldAppend(&e.folded, text)
	folded := e.folded.String()
	e.toks = nlp.AppendTokens(e.toks[:0], folded)
	e.keys = e.keys[:0]
	lang := nlp.Undetermined
	if !e.o.NoStem {
		lang = nlp.DetectTokens(e.toks, nlp.CountUmlauts(text))
	}
	var prev uint64
	negLeft := 0
	for i, t := range e.toks {
		if !e.o.NoNegation {
			if negLeft > 0 && t[0] != '<' && t != "!" && t != "?" && t != "!!" && t != "??" {
				e.add(hashBytes(nsNeg, t), blockWord, func() string { return "n:" + t })
				negLeft--
			} else if t == "!" || t == "?" || t == "!!" || t == "??" {
				negLeft = 0
			}
			if negators[t] {
				negLeft = 3
			}
		}
		hw := hashBytes(nsWord, t)
		e.add(hw, blockWord, func() string { return "w:" + t })
		if !e.o.NoBigrams {
			if i > 0 {
				p := e.toks[i-1]
				e.add(hashPair(prev, hw), blockWord, func() string { return "b:" + p + "_" + t })
			}
			prev = hw
		}
		if !e.o.NoStem && lang != nlp.Undetermined {
			if s := e.stem(lang, t); s != t {
				e.add(hashBytes(nsStem, s), blockWord, func() string { return "s:" + s })
			}
		}
		if !e.o.NoChars && t[0] != '<' && utf8.RuneCountInString(t) > 1 {
			e.charGrams(t)
		}
	}
	return lang
}

// count sorts e.keys and stores each distinct key with its count in r.
func (e *extractor) count(r *raw) {
	slices.Sort(e.keys)
	r.keys = r.keys[:0]
	r.counts = r.counts[:0]
	for i := 0; i < len(e.keys); {
		j := i + 1
		for j < len(e.keys) && e.keys[j] == e.keys[i] {
			j++
		}
		c := j - i
		if c > math.MaxUint16 {
			c = math.MaxUint16
		}
		r.keys = append(r.keys, e.keys[i])
		r.counts = append(r.counts, uint16(c))
		i = j
	}
}

// charGrams adds the character n-grams of "<t>".
func (e *extractor) charGrams(t string) {
	nr := e.padRunes(t)
	for n := e.o.CharMin; n <= e.o.CharMax; n++ {
		for s := 0; s+n <= nr; s++ {
			g := e.pad[e.runes[s]:e.runes[s+n]]
			e.add(gramHash(g), blockChar, func() string { return "c:" + string(g) })
		}
	}
}

// gram returns the first character n-gram of "<t>", in the order
// charGrams adds them, whose key is key, or nil when there is none. It is
// valid until the extractor's next use.
func (e *extractor) gram(t string, key uint32) []byte {
	nr := e.padRunes(t)
	for n := e.o.CharMin; n <= e.o.CharMax; n++ {
		for s := 0; s+n <= nr; s++ {
			g := e.pad[e.runes[s]:e.runes[s+n]]
			if bucket(gramHash(g), e.o.Bits)<<1|blockChar == key {
				return g
			}
		}
	}
	return nil
}

// gramAt returns the character n-gram of "<t>" at position g in the
// order charGrams adds them, or nil when there is none. It is valid until
// the extractor's next use.
func (e *extractor) gramAt(t string, g int) []byte {
	nr := e.padRunes(t)
	for n := e.o.CharMin; n <= e.o.CharMax; n++ {
		if count := nr - n + 1; g < count {
			return e.pad[e.runes[g]:e.runes[g+n]]
		} else if count > 0 {
			g -= count
		}
	}
	return nil
}

// padRunes sets e.pad to "<t>" and e.runes to the byte offsets of its
// runes followed by len(e.pad), and returns the number of runes.
func (e *extractor) padRunes(t string) int {
	e.pad = append(e.pad[:0], '<')
	e.pad = append(e.pad, t...)
	e.pad = append(e.pad, '>')
	e.runes = e.runes[:0]
	for i := 0; i < len(e.pad); {
		e.runes = append(e.runes, i)
		_, size := utf8.DecodeRune(e.pad[i:])
		i += size
	}
	nr := len(e.runes)
	e.runes = append(e.runes, len(e.pad))
	return nr
}

// gramHash hashes the character n-gram g.
func gramHash(g []byte) uint64 {
	h := uint64(fnvOffset)
	h ^= nsChar
	h *= fnvPrime
	for _, c := range g {
		h ^= uint64(c)
		h *= fnvPrime
	}
	return h
}

// vocab maps buckets to dense columns and holds the IDF weights.
type vocab struct {
	bits  int
	keys  []uint32  // kept keys (bucket<<1|block), sorted
	idf   []float32 // per column
	block []uint8   // per column
	// tab is an open-addressing hash table from bucket to column: slot
	// value (bucket+1)<<32 | column, 0 when empty. At most half full, it
	// is far smaller than a table of all 2^bits buckets and so stays in
	// the CPU caches, which matters more for speed than anything else in
	// prediction.
	tab   []uint64
	shift uint
}

func (v *vocab) build() {
	v.block = make([]uint8, len(v.keys))
	size := 1024
	for size < 2*len(v.keys) {
		size *= 2
	}
	v.tab = make([]uint64, size)
	v.shift = uint(64 - bitsLen(size-1))
	mask := uint64(size - 1)
	for c, k := range v.keys {
		v.block[c] = uint8(k & 1)
		b := uint64(k >> 1)
		i := (b * 0x9E3779B97F4A7C15) >> v.shift
		for v.tab[i] != 0 {
			i = (i + 1) & mask
		}
		v.tab[i] = (b+1)<<32 | uint64(c)
	}
}

// lookup returns the column of bucket b, or -1.
func (v *vocab) lookup(b uint32) int32 {
	mask := uint64(len(v.tab) - 1)
	want := uint64(b) + 1
	for i := (uint64(b) * 0x9E3779B97F4A7C15) >> v.shift; ; i = (i + 1) & mask {
		e := v.tab[i]
		if e == 0 {
			return -1
		}
		if e>>32 == want {
			return int32(uint32(e))
		}
	}
}

func bitsLen(x int) int {
	n := 0
	for x > 0 {
		n++
		x >>= 1
	}
	return n
}

// sparse is one example's feature vector over vocabulary columns.
type sparse struct {
	idx []int32
	val []float32
}

// vectorize applies the vocabulary to raw features: sublinear TF times IDF,
// each block L2-normalised, the char block scaled by charWeight.
func (v *vocab) vectorize(r *raw, charWeight float64, dst *sparse) {
	dst.idx = dst.idx[:0]
	dst.val = dst.val[:0]
	var norm [2]float64
	for i, k := range r.keys {
		c := v.lookup(k >> 1)
		if c < 0 || v.block[c] != uint8(k&1) {
			continue
		}
		x := sublinear(int(r.counts[i])) * float64(v.idf[c])
		norm[k&1] += x * x
		dst.idx = append(dst.idx, c)
		dst.val = append(dst.val, float32(x))
	}
	var scale [2]float64
	for b := range norm {
		if norm[b] > 0 {
			scale[b] = 1 / math.Sqrt(norm[b])
		}
	}
	scale[blockChar] *= charWeight
	for i, c := range dst.idx {
		dst.val[i] *= float32(scale[v.block[c]])
	}
}

// logTable caches 1+ln(n) for small term counts.
var logTable = func() (t [32]float64) {
	for n := 1; n < len(t); n++ {
		t[n] = 1 + math.Log(float64(n))
	}
	return t
}()

// sublinear is the sublinear term frequency 1+ln(n) of a count n ≥ 1.
func sublinear(n int) float64 {
	if n < len(logTable) {
		return logTable[n]
	}
	return 1 + math.Log(float64(n))
}

// featRef is a column of a text's feature vector with its IDF, its count
// in the text (at most math.MaxUint16, as in raw), and where it was met
// first: the index of the token and the kind of feature, and for a
// character n-gram its index among the token's word entry's chars (at
// most math.MaxUint8), from which Explain names it.
type featRef struct {
	c    int32
	idf  float32
	tok  int32
	n    uint16
	kind uint8
	sub  uint8
}

// Kinds of feature in a featRef: the word block's negated word, word,
// bigram (of the token and the one before it) and stem, and the character
// block's n-grams.
const (
	kindNeg uint8 = iota
	kindUni
	kindBigram
	kindStem
	kindChar
)

// scratch is per-goroutine working memory for prediction.
type scratch struct {
	text   Text // PredictTop's prepared text
	ex     *extractor
	vec    sparse
	cnt    []uint32
	acc    []float32
	chars  []float32
	scores []float64
	words  wordTable
	// vbFloats counts the floats of the word entries' vb.
	vbFloats int
	// gen numbers the texts featurised; seen collects a text's words
	// with character n-grams, each once.
	gen  uint32
	seen []*wordEntry
	// fidx lists a text's columns in the order first met.
	fidx []featRef
	// fnorm holds the word and the character block's squared norms,
	// summed in fidx order; fclamped tells whether a count in fidx was
	// cut to math.MaxUint16.
	fnorm    [2]float64
	fclamped bool
	// fsort, fcount, top and names are Explain's scratch space.
	fsort  []featRef
	fcount []int32
	top    []topEntry
	names  []byte
	// f is the feature vector of the last text.
	f Features
}

type scratchPool struct {
	p sync.Pool
}

func (sp *scratchPool) get(o FeatureOptions, k, d int) *scratch {
	if s, ok := sp.p.Get().(*scratch); ok {
		return s
	}
	return &scratch{ex: newExtractor(o), scores: make([]float64, k), acc: make([]float32, k), chars: make([]float32, k), cnt: make([]uint32, d)}
}

func (sp *scratchPool) put(s *scratch) {
	s.ex.names = nil
	sp.p.Put(s)
}
