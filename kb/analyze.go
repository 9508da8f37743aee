package kb

import (
	"bytes"
	"fmt"
	"hash/maphash"
	"maps"
	"slices"
	"sync"
	"sync/atomic"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/char/regexp"
	"github.com/blevesearch/bleve/v2/analysis/lang/de"
	"github.com/blevesearch/bleve/v2/analysis/token/ngram"
	"github.com/blevesearch/bleve/v2/analysis/token/porter"
	"github.com/blevesearch/bleve/v2/mapping"
)

// analyzers are the query-side analyzers of one language, taken from the
// index's own mapping so queries and documents are analysed alike.
type analyzers struct {
	word, ngram analysis.Analyzer

	// shared is the common front of word and ngram (char filters,
	// tokenizer, all token filters but the last) when the two chains
	// share it, and wordLast and ngramLast their last filters: a query
	// is then tokenised once for both (see both).
	shared              *analysis.DefaultAnalyzer
	wordLast, ngramLast analysis.TokenFilter

	// gramMin and gramMax are the n-gram lengths of ngramLast when it is
	// bleve's n-gram filter and gramsOf was checked to produce exactly its
	// n-grams (see shareFront); zero otherwise. count then makes the
	// n-grams itself, without a token per n-gram.
	gramMin, gramMax int

	// tokens caches count's terms per token when the word chain's last
	// filter is a stemmer that handles each token on its own; nil
	// otherwise.
	tokens *tokenCache
}

// both returns the terms of the word and of the n-gram analyzer for b.
func (a analyzers) both(b []byte) (words, grams analysis.TokenStream) {
	if a.shared == nil {
		return a.word.Analyze(b), a.ngram.Analyze(b)
	}
	ts := a.shared.Analyze(b)
	cp := make(analysis.TokenStream, len(ts))
	for i, t := range ts {
		c := *t
		c.Term = append([]byte(nil), t.Term...) // the stemmer changes terms in place
		cp[i] = &c
	}
	return a.wordLast.Filter(ts), a.ngramLast.Filter(cp)
}

// shareFront sets a.shared when word and ngram differ only in their last
// token filter.
func (a *analyzers) shareFront() {
	w, ok1 := a.word.(*analysis.DefaultAnalyzer)
	g, ok2 := a.ngram.(*analysis.DefaultAnalyzer)
	if !ok1 || !ok2 || len(w.TokenFilters) == 0 || len(w.TokenFilters) != len(g.TokenFilters) ||
		len(w.CharFilters) != len(g.CharFilters) || w.Tokenizer != g.Tokenizer {
		return
	}
	for i := range w.CharFilters {
		if w.CharFilters[i] != g.CharFilters[i] {
			return
		}
	}
	n := len(w.TokenFilters) - 1
	for i := range n {
		if w.TokenFilters[i] != g.TokenFilters[i] {
			return
		}
	}
	a.shared = &analysis.DefaultAnalyzer{CharFilters: w.CharFilters, Tokenizer: w.Tokenizer, TokenFilters: w.TokenFilters[:n:n]}
	a.wordLast, a.ngramLast = w.TokenFilters[n], g.TokenFilters[n]
	a.gramMin, a.gramMax = gramLengths(a.ngramLast)
	switch a.wordLast.(type) {
	case *de.GermanLightStemmerFilter, *porter.PorterStemmer:
		if a.gramMax > 0 {
			a.tokens = newTokenCache()
		}
	}
}

// count adds the terms of b, as the word and the n-gram analyzer produce
// them, to words and grams: weight per occurrence. It gives what both
// gives, counted, with one tokenisation and no token per n-gram. With a
// cache (nil: a.tokens), each token's terms come from it, with their
// places in the index when the cache knows them.
func (a analyzers) count(b []byte, weight float64, words, grams *tfTable, cache *tokenCache) {
	if a.shared == nil || a.gramMax == 0 {
		w, g := a.both(b)
		for _, t := range w {
			words.add(string(t.Term), weight, nil)
		}
		for _, t := range g {
			grams.add(string(t.Term), weight, nil)
		}
		return
	}
	if cache == nil {
		cache = a.tokens
	}
	if cache != nil {
		if chunked(b) {
			// Each run of text between white space on its own, its
			// tokens' terms remembered (see tokenCache.chunk).
			for len(b) > 0 {
				i := 0
				for i < len(b) && asciiSpace(b[i]) {
					i++
				}
				j := i
				for j < len(b) && !asciiSpace(b[j]) {
					j++
				}
				if j > i {
					for _, tt := range cache.chunk(b[i:j], a.chunkTerms) {
						tt.add(words, grams, weight)
					}
				}
				b = b[j:]
			}
			return
		}
		for _, tt := range a.chunkTerms(b, cache) {
			tt.add(words, grams, weight)
		}
		return
	}
	ts := a.shared.Analyze(b)
	var offs [64]int
	for _, t := range ts { // before wordLast: the stemmer changes terms in place
		gramsOf(t.Term, a.gramMin, a.gramMax, offs[:0], func(g []byte) { grams.add(string(g), weight, nil) })
	}
	for _, t := range a.wordLast.Filter(ts) {
		words.add(string(t.Term), weight, nil)
	}
}

// chunkTerms returns the terms of the tokens of b, as the shared front
// makes them, from cache (new tokens are added to it).
func (a analyzers) chunkTerms(b []byte, cache *tokenCache) []*tokenTerms {
	ts := a.shared.Analyze(b)
	out := make([]*tokenTerms, 0, len(ts))
	for _, t := range ts {
		if t.KeyWord { // not from the tokenizer: not cached
			out = append(out, cache.placed(a.termsOf(t.Term, true)))
		} else {
			out = append(out, cache.get(t.Term, a.termsOf))
		}
	}
	return out
}

// add counts the token's terms with weight.
func (tt *tokenTerms) add(words, grams *tfTable, weight float64) {
	var wr *termRef
	if tt.refs != nil {
		wr = &tt.refs[0]
	}
	words.addHashed(tt.word, tt.hashes[0], weight, wr)
	for i, g := range tt.grams {
		var gr *termRef
		if tt.refs != nil {
			gr = &tt.refs[1+i]
		}
		grams.addHashed(g, tt.hashes[1+i], weight, gr)
	}
}

// asciiSpace reports whether c is ASCII white space.
func asciiSpace(c byte) bool {
	return isASCIISpace[c]
}

// isASCIISpace[c] is asciiSpace(c): a lookup costs less than six
// comparisons, and count looks at every byte of a query.
var isASCIISpace = [256]bool{' ': true, '\t': true, '\n': true, '\r': true, '\v': true, '\f': true}

// chunked reports whether the analysis of b is that of its runs of
// non-white-space (chunks) one by one. ASCII white space always ends a
// word (Unicode word segmentation, UAX #29), and a word never starts
// with it, except that a combining mark, a format character or a zero
// width joiner right after it joins the white space (rule WB4): a chunk
// must start with an ASCII character, a letter (other than a modifier
// letter), a digit, punctuation or a symbol (other than a modifier). The
// char filter's template actions ({{…}}) may span white space: text with
// "{{" is analysed whole. The token filters work on each token alone.
func chunked(b []byte) bool {
	if bytes.Contains(b, []byte("{{")) || !utf8.Valid(b) {
		return false
	}
	for i := 0; i < len(b); i++ {
		if b[i] < utf8.RuneSelf || i > 0 && !asciiSpace(b[i-1]) {
			continue
		}
		r, _ := utf8.DecodeRune(b[i:])
		switch {
		case unicode.IsLetter(r) && !unicode.Is(unicode.Lm, r), unicode.IsDigit(r), unicode.IsPunct(r),
			unicode.In(r, unicode.Sm, unicode.Sc, unicode.So):
		default:
			return false
		}
	}
	return true
}

// tfTable counts a query's distinct terms: their frequency and, when the
// counting knew it, where they are in the in-memory index.
//
// Its index is an open-addressing hash table whose slots are stamped with
// the table's generation, so that reset empties it in constant time: a
// Go map had to be cleared slot by slot, and hashing into it cost more
// than the rest of counting.
type tfTable struct {
	slots []tfSlot // len a power of two, at least twice len(terms); a slot is empty unless its gen is gen
	gen   uint32
	terms []tfEntry
	noRef bool // some entry was added without its place in the index
}

// tfSlot is a slot of tfTable's index: entry number i, whose term hashes
// to h.
type tfSlot struct {
	gen, h uint32
	i      int32
}

// tfSeed seeds the hash of tfTable's index.
var tfSeed = maphash.MakeSeed()

type tfEntry struct {
	term string
	f    float64
	ref  *termRef // nil: not known
}

// termRef is where a term is in a read-only KB's in-memory index (see
// memIndex).
type termRef struct {
	ent    []uint64 // the entries of its postings in the profile field (words) or the profile n-gram field (see postings); nil: in no document
	body   []int32  // words: the articles whose body has it
	profDF uint64   // the postings' df, kept here: weigh reads it for every term, match the entries of a few
}

// df returns the term's document frequency in the profile (which 0) or
// body (which 1) field.
func (r *termRef) df(which int) uint64 {
	if which == 1 {
		return uint64(len(r.body))
	}
	return r.profDF
}

// refTo returns where a profile term with postings p is, with body.
func refTo(p *postings, body []int32) termRef {
	r := termRef{body: body}
	if p != nil {
		r.ent, r.profDF = p.ent, p.df
	}
	return r
}

// add counts term with weight; ref, when not nil, is where it is in the
// index.
func (t *tfTable) add(term string, weight float64, ref *termRef) {
	t.addHashed(term, tfHash(term), weight, ref)
}

// tfHash is the hash of a term in tfTable's index.
func tfHash(term string) uint32 {
	return uint32(maphash.String(tfSeed, term))
}

// addHashed is add for a term whose tfHash is h.
func (t *tfTable) addHashed(term string, h uint32, weight float64, ref *termRef) {
	if 2*(len(t.terms)+1) > len(t.slots) {
		t.grow()
	}
	mask := uint32(len(t.slots) - 1)
	for j := h & mask; ; j = (j + 1) & mask {
		sl := &t.slots[j]
		if sl.gen != t.gen {
			*sl = tfSlot{gen: t.gen, h: h, i: int32(len(t.terms))}
			break
		}
		if sl.h == h && t.terms[sl.i].term == term {
			t.terms[sl.i].f += weight
			return
		}
	}
	if ref == nil {
		t.noRef = true
	}
	t.terms = append(t.terms, tfEntry{term: term, f: weight, ref: ref})
}

// grow doubles t's index (at least 256 slots) and puts the entries in it.
func (t *tfTable) grow() {
	t.slots = make([]tfSlot, max(256, 2*len(t.slots)))
	t.gen = 1
	mask := uint32(len(t.slots) - 1)
	for i, e := range t.terms {
		h := tfHash(e.term)
		j := h & mask
		for t.slots[j].gen == t.gen {
			j = (j + 1) & mask
		}
		t.slots[j] = tfSlot{gen: t.gen, h: h, i: int32(i)}
	}
}

// reset empties t, keeping its memory.
func (t *tfTable) reset() {
	t.gen++
	if t.gen == 0 { // wrapped: stamps of old generations could match
		clear(t.slots)
		t.gen = 1
	}
	clear(t.terms)
	t.terms, t.noRef = t.terms[:0], false
}

// termsOf returns the word and n-gram terms of one token of the shared
// front: its n-grams, and the term the word chain's last filter (a
// stemmer, one term per token) makes of it.
func (a analyzers) termsOf(term []byte, keyword bool) *tokenTerms {
	tt := &tokenTerms{}
	// The n-grams are cut from one string: one allocation, and a search
	// reads their bytes from one place.
	var all []byte
	var ends []int
	gramsOf(term, a.gramMin, a.gramMax, nil, func(g []byte) {
		all = append(all, g...)
		ends = append(ends, len(all))
	})
	joined, from := string(all), 0
	for _, to := range ends {
		tt.grams = append(tt.grams, joined[from:to])
		from = to
	}
	one := a.wordLast.Filter(analysis.TokenStream{{Term: bytes.Clone(term), KeyWord: keyword}})
	tt.word = string(one[0].Term)
	tt.hashes = make([]uint32, 1+len(tt.grams))
	tt.hashes[0] = tfHash(tt.word)
	for i, g := range tt.grams {
		tt.hashes[1+i] = tfHash(g)
	}
	return tt
}

// tokenTerms are the terms one token of the shared front yields, and
// where they are in the index when the cache knows it (see tokenCache.index).
type tokenTerms struct {
	word  string    // the word analyzer's term
	grams []string  // the n-gram analyzer's terms
	refs  []termRef // nil, or the word's and then each n-gram's place

	hashes []uint32 // the tfHash of the word and then of each n-gram
}

// tokenCache remembers the terms of the tokens queries had, so that a
// token seen before costs a map lookup: no stemming, no n-grams to cut,
// and no new strings as map keys; and the tokens of whole runs of text
// between white space ("Bestellung,"), so that such a chunk seen before
// is not tokenised again. Service mail repeats its words; the first
// maxCachedTokens distinct tokens and chunks are kept.
type tokenCache struct {
	tokens growMap[*tokenTerms]
	chunks growMap[[]*tokenTerms]

	// index, when not nil, is the in-memory index of a read-only KB
	// (which never changes): the cached terms carry where they are in it,
	// so a search looks up neither their document frequencies nor their
	// postings.
	index *memLang
}

// placed sets where tt's terms are in c.index, if any, and returns tt.
func (c *tokenCache) placed(tt *tokenTerms) *tokenTerms {
	ml := c.index
	if ml == nil {
		return tt
	}
	tt.refs = make([]termRef, 1+len(tt.grams))
	tt.refs[0] = refTo(ml.words[tt.word], ml.body[tt.word])
	for i, g := range tt.grams {
		tt.refs[1+i] = refTo(ml.grams[g], nil)
	}
	return tt
}

const maxCachedTokens = 1 << 16

func newTokenCache() *tokenCache { return &tokenCache{} }

// get returns the terms of term, made by terms on a miss.
func (c *tokenCache) get(term []byte, terms func([]byte, bool) *tokenTerms) *tokenTerms {
	return c.tokens.get(term, func() *tokenTerms { return c.placed(terms(term, false)) })
}

// chunk returns the terms of the tokens of chunk, made by terms on a
// miss.
func (c *tokenCache) chunk(chunk []byte, terms func([]byte, *tokenCache) []*tokenTerms) []*tokenTerms {
	return c.chunks.get(chunk, func() []*tokenTerms { return terms(chunk, c) })
}

// growMap is a map from byte strings to values that many goroutines read
// without locking and add to: lookups read an immutable map; new entries
// go to a pending map under a mutex, merged into a new immutable map when
// it has grown by an eighth. It keeps the first maxCachedTokens entries.
// Values are made outside the lock, so that goroutines making values for
// new keys do not wait for each other (when two make one for the same
// key at once, both get the first one kept; the values of one key must be
// interchangeable).
type growMap[V any] struct {
	done    atomic.Pointer[map[string]V]
	full    atomic.Bool
	mu      sync.Mutex
	pending map[string]V
}

// get returns the value of key, made by mk on a miss.
func (g *growMap[V]) get(key []byte, mk func() V) V {
	if done := g.done.Load(); done != nil {
		if v, ok := (*done)[string(key)]; ok {
			return v
		}
	}
	if g.full.Load() {
		return mk()
	}
	g.mu.Lock()
	v, ok := g.pending[string(key)]
	g.mu.Unlock()
	if ok {
		return v
	}
	v = mk()
	g.mu.Lock()
	defer g.mu.Unlock()
	var done map[string]V
	if d := g.done.Load(); d != nil {
		done = *d
	}
	if w, ok := done[string(key)]; ok { // another goroutine kept one meanwhile
		return w
	}
	if w, ok := g.pending[string(key)]; ok {
		return w
	}
	if len(done)+len(g.pending) >= maxCachedTokens {
		g.full.Store(true)
		return v
	}
	if g.pending == nil {
		g.pending = map[string]V{}
	}
	g.pending[string(key)] = v
	if len(g.pending) >= max(64, len(done)/8) {
		merged := make(map[string]V, len(done)+len(g.pending))
		maps.Copy(merged, done)
		maps.Copy(merged, g.pending)
		g.done.Store(&merged)
		clear(g.pending)
	}
	return v
}

// gramsOf calls fn with the character n-grams of term of lo to hi runes,
// in the order bleve's n-gram filter makes them (by start, then length).
// Like that filter it reads invalid UTF-8 as U+FFFD. offs is scratch
// space; fn must not keep its argument.
func gramsOf(term []byte, lo, hi int, offs []int, fn func([]byte)) {
	if !utf8.Valid(term) {
		runes := bytes.Runes(term)
		for i := range runes {
			for n := lo; n <= hi && i+n <= len(runes); n++ {
				fn([]byte(string(runes[i : i+n])))
			}
		}
		return
	}
	for i := range string(term) {
		offs = append(offs, i)
	}
	offs = append(offs, len(term))
	runes := len(offs) - 1
	for i := 0; i < runes; i++ {
		for n := lo; n <= hi && i+n <= runes; n++ {
			fn(term[offs[i]:offs[i+n]])
		}
	}
}

// gramLengths returns the n-gram lengths of f when it is bleve's n-gram
// filter and gramsOf reproduces its output exactly on probe terms (ASCII,
// umlauts, invalid UTF-8, short terms); otherwise 0, 0.
func gramLengths(f analysis.TokenFilter) (lo, hi int) {
	if _, ok := f.(*ngram.NgramFilter); !ok {
		return 0, 0
	}
	probes := []string{"abcdefghij", "straßenbahnhaltestelle", "äöü", "ab", "a", "x\xffyz\xc3", "日本語のテキスト"}
	var ts analysis.TokenStream
	for _, p := range probes {
		ts = append(ts, &analysis.Token{Term: []byte(p)})
	}
	var want []string
	lo, hi = 1<<30, 0
	for _, t := range f.Filter(ts) {
		want = append(want, string(t.Term))
		n := utf8.RuneCount(t.Term)
		lo, hi = min(lo, n), max(hi, n)
	}
	if hi == 0 {
		return 0, 0
	}
	var got []string
	for _, p := range probes {
		gramsOf([]byte(p), lo, hi, nil, func(g []byte) { got = append(got, string(g)) })
	}
	if !slices.Equal(got, want) {
		return 0, 0
	}
	return lo, hi
}

// analyzersOf returns the analyzers of each language from m.
func analyzersOf(m mapping.IndexMapping) (map[string]analyzers, error) {
	an := map[string]analyzers{}
	for _, lang := range langs() {
		w := m.AnalyzerNamed(wordAnalyzer(lang))
		g := m.AnalyzerNamed(ngramAnalyzer(lang))
		if w == nil || g == nil {
			return nil, fmt.Errorf("analyzers for %q missing from the index mapping", lang)
		}
		a := analyzers{word: w, ngram: g}
		a.shareFront()
		if a.shared != nil && cleansAsWeDo(m, lang) {
			a.shared.CharFilters = []analysis.CharFilter{cleanFilter{}}
		}
		an[lang] = a
	}
	return an, nil
}

// cleansAsWeDo reports whether the word and n-gram analyzers of lang in
// m have exactly one char filter, charClean, configured as newMapping
// configures it: then cleanFilter can stand in for it.
func cleansAsWeDo(m mapping.IndexMapping, lang string) bool {
	im, ok := m.(*mapping.IndexMappingImpl)
	if !ok || im.CustomAnalysis == nil {
		return false
	}
	cf := im.CustomAnalysis.CharFilters[charClean]
	if cf["type"] != regexp.Name || cf["regexp"] != cleanRegexp || cf["replace"] != " " {
		return false
	}
	for _, name := range []string{wordAnalyzer(lang), ngramAnalyzer(lang)} {
		switch list := im.CustomAnalysis.Analyzers[name]["char_filters"].(type) {
		case []string: // as newMapping made it
			if len(list) != 1 || list[0] != charClean {
				return false
			}
		case []any: // as read back from the index
			if len(list) != 1 || list[0] != charClean {
				return false
			}
		default:
			return false
		}
	}
	return true
}

// cleanFilter replaces every match of cleanRegexp with a space, as bleve's
// regexp char filter configured with it does (FuzzCleanFilter compares
// the two), in a single pass over the bytes instead of a regexp run: the
// filter was a tenth of analysing a query.
type cleanFilter struct{}

func (cleanFilter) Filter(in []byte) []byte {
	out := make([]byte, 0, len(in))
	for i := 0; i < len(in); {
		switch c := in[i]; {
		case c == '{' && i+1 < len(in) && in[i+1] == '{':
			// {{[^}]*}}: the first } after {{ must start }}.
			if j := bytes.IndexByte(in[i+2:], '}'); j >= 0 && i+2+j+1 < len(in) && in[i+2+j+1] == '}' {
				out = append(out, ' ')
				i += 2 + j + 2
				continue
			}
		case c >= '0' && c <= '9':
			j := i + 1
			for j < len(in) && in[j] >= '0' && in[j] <= '9' {
				j++
			}
			if j-i >= 4 {
				out = append(out, ' ')
			} else {
				out = append(out, in[i:j]...)
			}
			i = j
			continue
		}
		out = append(out, in[i])
		i++
	}
	return out
}
