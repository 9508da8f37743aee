package kb

import (
	"context"
	"fmt"
	"math"
	"math/bits"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/antwort-dev/antwort/internal/nlp"
)

// Search defaults.
const (
	// DefaultSize is the number of hits when Query.Size is zero.
	DefaultSize = 5

	// MaxSize caps Query.Size.
	MaxSize = 100

	// DefaultIntentWeight is the share of IntentScore in Score when
	// Query.Intents is given and Query.IntentWeight is zero.
	DefaultIntentWeight = 0.4
)

// Query is what Search looks for.
type Query struct {
	Text    string             // message body
	Subject string             // weighted up
	Lang    string             // "de", "en" or "" (detect with nlp.Detect; "und" = search both)
	Intents map[string]float64 // optional intent probabilities from the classifier; articles linked to likely intents rank up
	Size    int                // default 5

	// IntentWeight is the share w of IntentScore in the fused score,
	// Score = (1-w)*TextScore + w*IntentScore, when Intents is non-empty.
	// Zero means DefaultIntentWeight; negative means 0 (text only);
	// values above 1 mean 1.
	IntentWeight float64
}

// Hit is one article found by Search.
type Hit struct {
	Article     Article
	Score       float64  // fused, normalised to [0,1]: what the reply policy thresholds
	TextScore   float64  // text match alone, normalised to [0,1]
	IntentScore float64  // max probability among the article's linked intents (0 without Intents)
	Reasons     []string // e.g. "text match 0.82 (title, questions)", "linked to intent cancel_order (p=0.97)"
}

// params are the scoring constants. They live in a value, not in package
// variables, so tests can vary them per KB.
type params struct {
	subjectWeight float64 // query term frequency added per subject occurrence (text adds 1)
	profShare     float64 // share of the article coverage in the short-text score; the rest is the best short document
	profWordShare float64 // share of words (vs n-grams) in the article coverage
	wordShare     float64 // share of words (vs n-grams) in a short document's similarity
	covExp        float64 // exponent of query coverage in a short document's similarity; (1-covExp) goes to its precision
	bodyWeight    float64 // how much body coverage can add: TextScore = s + (1-s)*bodyWeight*body
	candidates    int     // article documents fetched per language (at least)
	shortHits     int     // short documents fetched per language (at least)
	maxWords      int     // distinct query words kept (highest weight first)
	maxGrams      int     // distinct query n-grams kept
	maxQueryBytes int     // text analysed per query field
	maxPostings   uint64  // per field: terms are kept, heaviest first, while their document frequencies sum to at most this
	minTerms      int     // per field: terms kept whatever their document frequency (2: with 4, queries made only of common words walked 4x the budget, p99 13.5 ms on 10k articles)
}

func defaultParams() params {
	return params{
		subjectWeight: 2,
		profShare:     0.8,
		profWordShare: 0.5,
		wordShare:     0.7,
		covExp:        0.7,
		bodyWeight:    0.3,
		candidates:    40,
		shortHits:     60,
		maxWords:      48,
		maxGrams:      96,
		maxQueryBytes: 16 << 10,
		maxPostings:   1500,
		minTerms:      2,
	}
}

// Search returns the articles that best answer q, best first, at most
// q.Size (default DefaultSize, at most MaxSize).
//
// The message (Subject and Text) is analysed with the analyzers of its
// language (q.Lang, or detected with nlp.Detect; "und" searches German and
// English articles) and looked up in the Bleve index (a writable KB) or in
// the in-memory copy of its terms (a read-only KB; see memIndex). Each
// candidate article is scored by TextScore in [0,1], its best
// question/title/tags match with a share of the body match, see the
// package documentation. With q.Intents, Score fuses TextScore with
// IntentScore; without, Score is TextScore. Articles linked to an intent
// in q.Intents are candidates even without any text match.
func (k *KB) Search(ctx context.Context, q Query) ([]Hit, error) {
	size := q.Size
	if size <= 0 {
		size = DefaultSize
	}
	if size > MaxSize {
		size = MaxSize
	}
	var search []string
	switch lang := q.Lang; {
	case lang == German:
		search = searchGerman
	case lang == English:
		search = searchEnglish
	default:
		switch strings.ToLower(strings.TrimSpace(lang)) {
		case German:
			search = searchGerman
		case English:
			search = searchEnglish
		case nlp.Undetermined:
			search = searchBoth
		case "":
			switch nlp.Detect(q.Subject + "\n" + q.Text) {
			case nlp.German:
				search = searchGerman
			case nlp.English:
				search = searchEnglish
			default:
				search = searchBoth
			}
		default:
			return nil, errorf(ErrUnknownLang, "kb: search: language %q is not de, en, und or empty", q.Lang)
		}
	}
	idx, err := k.rlockIndex()
	if err != nil {
		return nil, err
	}
	defer k.mu.RUnlock()
	var be backend
	var mem *memIndex
	if k.ro && !k.noMem {
		m, err := k.memory(idx)
		if err != nil {
			return nil, fmt.Errorf("kb: search: %w", err)
		}
		be, mem = m, m
	} else {
		b, err := newBleveBackend(idx)
		if err != nil {
			return nil, fmt.Errorf("kb: search: %w", err)
		}
		defer b.close()
		be = b
	}
	sc := searchScratch.Get().(*scratch)
	defer putScratch(sc)
	if mem != nil && len(sc.candAt) < len(mem.arts) {
		sc.candAt = make([]int32, len(mem.arts))
	}
	s := &sc.s
	*s = searcher{k: k, p: k.params(), be: be, mem: mem, q: q, size: size, sc: sc, lw: &sc.lw, lg: &sc.lg, lb: &sc.lb}
	s.tiesAnyOrder = mem != nil
	s.lazyBest = mem != nil && boundsHold(s.p)
	for _, lang := range search {
		if err := s.text(ctx, lang); err != nil {
			return nil, fmt.Errorf("kb: search: %w", err)
		}
	}
	return s.finish(ctx)
}

// The languages a search looks in (never changed).
var (
	searchGerman  = []string{German}
	searchEnglish = []string{English}
	searchBoth    = langs()
)

// putScratch resets sc and puts it back in the pool.
func putScratch(sc *scratch) {
	sc.reset()
	searchScratch.Put(sc)
}

// params returns the KB's scoring constants.
func (k *KB) params() params {
	if k.p != nil {
		return *k.p
	}
	return defaultParams()
}

// cand is one candidate article.
type cand struct {
	id      string
	art     int32   // its number in the in-memory index +1 (0: not known)
	prof    float64 // weighted share of the query found in the profile (title, tags, questions)
	best    float64 // similarity of the best profile part
	body    float64 // weighted share of the query words found in the body
	text    float64 // TextScore
	from, n int32   // the tallies of its profile parts: scratch.parts[from:from+n] (from -1: none)

	// lazy says that best is not computed yet (see resolve): bestHi
	// bounds it, and until finish resolves it, text is only what it
	// would be with best 0.
	lazy   bool
	bestHi float64
}

type searcher struct {
	k          *KB
	p          params
	be         backend
	mem        *memIndex // be, when it is the in-memory index
	q          Query
	size       int
	sc         *scratch
	lw, lg, lb *weights // the current language's weighed words, n-grams and body words (in sc)

	// tiesAnyOrder lets weigh leave terms of the same weight in any
	// order where that cannot change the result (see weighByWeight): on
	// the in-memory index, whose every use of a term list sums weights in
	// list order. (Bleve's query scoring is not known to.)
	tiesAnyOrder bool

	// lazyBest lets tally leave the similarity of a candidate's best
	// profile part to finish, which computes it only for the candidates
	// that can still be among those it ranks (see topText): on the
	// in-memory index, with parameters for which textHi bounds the text
	// score. negWeights says that a weighed term list had a weight below
	// 0 (or NaN), for which the bounds are not known to hold: finish then
	// computes every candidate's.
	lazyBest   bool
	negWeights bool
}

// scratch is the memory a search reuses from the previous ones: a message
// has hundreds of n-grams, and allocating for each was a large share of a
// search. Nothing in it outlives the search.
type scratch struct {
	words, grams tfTable    // query term frequencies of one language (see terms)
	dfs          []uint64   // weigh's document frequencies of the terms before selection
	order        []weighKey // weigh's sort order
	keys         []weighKey // weighByWeight's order
	rank         []uint8    // weighByWeight's weight of each key
	weighed      [3][]qterm // text's words, grams and body words
	docs         []docHit   // match's result

	// The candidates (the search's own: finish hands out no pointer to
	// them), by article id (candAt on the in-memory index: by article
	// number, +1; 0: none), and their profile parts' tallies.
	cands  []cand
	at     map[string]int32
	candAt []int32
	parts  []partHits

	s    searcher // the search's own
	text []byte   // a query field's bytes, for counting

	lw, lg, lb weights // see searcher

	// finish's lists.
	intents, ids, have []string
	byP                []intentP
	pOf                []float64 // see likelyIntents
	arts, haveArts     []int32
	reasons            []byte
	ends               []int32
	ranked             []*cand
	extra              []cand
	store              []scored
	hits               []*scored

	hitParts []int32          // bestPart's parts with a query term
	wslots   *[256]weightSlot // weighByWeight's table, empty between calls

	// covMemo remembers powers of coverages (see covPow) for covExp.
	covMemo *[covMemoN]covPowed
	covExp  float64

	// prec[hits*precN+n] is (hits/n)^(1-precExp) once computed (0: not
	// yet), for coverPrec.
	prec    *[precN * precN]float64
	precExp float64

	// pow[k] is ((k+1)/powSteps)^powExp once computed (0: not yet), for
	// coverPrecBound.
	pow    *[powSteps]float64
	powExp float64

	idf  [64]float64 // idf[df] among idfN documents once computed (0: not yet)
	idfN uint64
	lnTF [64]float64 // 1 + ln f once computed (0: not yet), for tfFactor
}

var searchScratch = sync.Pool{New: func() any {
	return &scratch{at: map[string]int32{}}
}}

// reset drops what the last search left, keeping the memory.
func (sc *scratch) reset() {
	sc.words.reset()
	sc.grams.reset()
	for _, c := range sc.cands {
		if c.art > 0 {
			sc.candAt[c.art-1] = 0
		}
	}
	sc.s = searcher{}
	clear(sc.cands)
	sc.cands = sc.cands[:0]
	clear(sc.intents)
	clear(sc.byP)
	clear(sc.ids)
	clear(sc.have)
	clear(sc.ranked)
	clear(sc.extra)
	clear(sc.store)
	clear(sc.hits)
	if len(sc.at) > 0 {
		clear(sc.at)
	}
	sc.parts = sc.parts[:0]
	sc.lw.q, sc.lg.q, sc.lb.q = nil, nil, nil
	for i := range sc.weighed {
		clear(sc.weighed[i])
		sc.weighed[i] = sc.weighed[i][:0]
	}
}

// backend is where a search gets its statistics and matches from: the
// Bleve index itself (writable KBs), or an in-memory copy of it built from
// the stored articles with the index's own analyzers (read-only KBs, which
// never change; see memIndex). Both give the same answers.
type backend interface {
	// docFreq returns how many documents have term in field.
	docFreq(ctx context.Context, field, term string) (uint64, error)
	// article returns the stored article with the given id; the caller
	// must not change it.
	article(id string) (*Article, bool, error)
	// linked returns the ids of up to max articles linked to the intents,
	// those of the first intent first.
	// The result may be appended to dst's memory.
	linked(ctx context.Context, intents []string, max int, dst []string) ([]string, error)
}

// matcher is a backend that finds the documents with query terms (the
// in-memory index scores them as it finds them instead: see
// memIndex.tally).
type matcher interface {
	backend
	// match returns the profile and body documents of lang that have any
	// of the terms (those with df > 0): all of them, or at least the k
	// best by a BM25 disjunction with n-gram and body terms weighted by
	// gramBoost and bodyBoost.
	// The result may be appended to dst's memory.
	match(ctx context.Context, lang string, words, grams, body []qterm, gramBoost, bodyBoost float64, k int, dst []docHit) ([]docHit, error)
}

// docHit is one profile or body document that matched: the query terms it
// has, each with the profile part it is in (body documents: part 0),
// sorted by term number, then part.
type docHit struct {
	id           string
	body         bool
	words, grams []termPart
	sizes        []partSize // profile only
}

// qterm is an analysed query term with its weight.
type qterm struct {
	term string
	w    float64  // idf * (1 + ln tf)
	df   uint64   // documents with the term in the field
	ref  *termRef // where it is in a read-only KB's index; nil: not known
}

// terms analyses the query's subject and text with the index's own word
// and n-gram analyzers and returns the distinct terms of each with their
// frequencies, subject occurrences counted p.subjectWeight times.
func (s *searcher) terms(an analyzers, lang string) (words, grams *tfTable) {
	words, grams = &s.sc.words, &s.sc.grams
	words.reset() // the previous language's
	grams.reset()
	// A read-only KB's own token cache knows the document frequencies.
	var cache *tokenCache
	if m, ok := s.be.(*memIndex); ok {
		cache = m.tokens[lang]
	}
	add := func(text string, weight float64) {
		if len(text) > s.p.maxQueryBytes {
			text = text[:s.p.maxQueryBytes]
		}
		s.sc.text = append(s.sc.text[:0], text...)
		an.count(s.sc.text, weight, words, grams, cache)
	}
	add(s.q.Subject, s.p.subjectWeight)
	add(s.q.Text, 1)
	return words, grams
}

// idf is the BM25 inverse document frequency; it is positive even for a
// term in every document.
func idf(df, n uint64) float64 {
	return math.Log(1 + (float64(n)-float64(df)+0.5)/(float64(df)+0.5))
}

// weigh weighs the terms tf counted by their document frequencies in
// field among n documents (from their index places in the profile (which
// 0) or body (which 1) field when counting brought them, else looked up
// now) and returns them, heaviest first, at most max.
//
// Terms are kept, heaviest first, while the postings they would make Bleve walk
// (their document frequencies) add up to at most p.maxPostings; the first
// p.minTerms are kept in any case. On a large knowledge base this drops
// the common words and n-grams ("ung", "the"), which carry little weight
// and cost the most, and bounds the work per query; on a small one it
// changes nothing. Terms found in no document cost nothing and stay: they
// count against the coverage of every article.
func (s *searcher) weigh(ctx context.Context, field string, tf *tfTable, which int, n uint64, max int, dst []qterm) ([]qterm, error) {
	// The terms stay where counting put them: weighing makes a key per
	// term, with its weight, and its document frequency aside.
	all := tf.terms
	dfs := slices.Grow(s.sc.dfs[:0], len(all))[:len(all)]
	s.sc.dfs = dfs
	for i, e := range all {
		dfs[i] = 0
		if e.ref != nil {
			dfs[i] = e.ref.df(which)
		}
	}
	if tf.noRef {
		for i := range all {
			df, err := s.be.docFreq(ctx, field, all[i].term)
			if err != nil {
				return nil, err
			}
			dfs[i] = df
		}
	}
	// Most query terms are in no document or in a few: their idf is
	// remembered per document frequency.
	if s.sc.idfN != n {
		s.sc.idfN, s.sc.idf = n, [64]float64{}
	}
	// Sort keys, not terms: a key holds the weight and the first eight
	// bytes of the term, so that most comparisons compare numbers (many
	// terms weigh the same), and no pointer, whose every move costs a
	// write barrier while the garbage collector runs.
	order := s.sc.order[:0]
	for i := range all {
		df := dfs[i]
		var w float64
		if df < uint64(len(s.sc.idf)) {
			if w = s.sc.idf[df]; w == 0 {
				w = idf(df, n)
				s.sc.idf[df] = w
			}
		} else {
			w = idf(df, n)
		}
		if f := all[i].f; f > 1 { // 1 + ln f is 1 for f <= 1
			w *= s.sc.tfFactor(f)
		}
		order = append(order, weighKey{w: w, i: int32(i)})
	}
	s.sc.order = order
	heavier := func(a, b weighKey) int {
		switch {
		case a.w > b.w:
			return -1
		case a.w < b.w:
			return 1
		case a.pre < b.pre:
			return -1
		case a.pre > b.pre:
			return 1
		}
		return strings.Compare(all[a.i].term, all[b.i].term)
	}
	ko := keyOrder(all)
	// The selection below reads the terms heaviest first until it has
	// max of them, rarely much further: sort the heaviest 1.5 max first
	// (max when no term can be skipped), and the rest only if they are
	// reached. Terms are distinct, so the order
	// is the same as sorting all.
	// When the postings of all terms fit the budget, none is skipped and
	// the heaviest max are all that is read.
	var total uint64
	for _, df := range dfs {
		total += df
	}
	first := max + max/2
	if total <= s.p.maxPostings {
		first = max
	}
	if s.tiesAnyOrder {
		if out, ok := s.weighByWeight(order, all, dfs, max, dst); ok {
			return out, nil
		}
	}
	setPrefixes(order, all)
	// Selecting costs about as much as sorting what it leaves out: a
	// few more terms than needed are sorted with the rest.
	sorted := len(order)
	switch {
	case sorted > first+first/4:
		sorted = first
		selectFirst(order, sorted, heavier)
		ko.sort(order[:sorted])
	default:
		ko.sort(order)
	}
	out := dst[:0]
	var postings uint64
	for i, k := range order {
		if len(out) == max {
			break
		}
		if i == sorted {
			ko.sort(order[sorted:])
			k = order[i]
		}
		out = s.take(out, all, dfs, k, i, &postings)
	}
	return out, nil
}

// take appends the term of k, the i-th in weigh's order, to out unless
// its postings would take the sum past the budget (the first minTerms
// are always taken): a rarer, lighter term after it may still fit.
func (s *searcher) take(out []qterm, all []tfEntry, dfs []uint64, k weighKey, i int, postings *uint64) []qterm {
	df := dfs[k.i]
	if i >= s.p.minTerms && *postings+df > s.p.maxPostings {
		return out
	}
	*postings += df
	e := &all[k.i]
	return append(out, qterm{term: e.term, w: k.w, df: df, ref: e.ref})
}

// weighKey is what weigh sorts a term by: its weight (heaviest first),
// then its bytes (termPrefix, then the whole term), and its place.
// pre is only set (setPrefixes) for the keys that are sorted.
type weighKey struct {
	w   float64
	pre uint64
	i   int32
}

// setPrefixes sets the prefixes of keys of terms all.
func setPrefixes(keys []weighKey, all []tfEntry) {
	for j := range keys {
		keys[j].pre = termPrefix(all[keys[j].i].term)
	}
}

// tfFactor returns 1 + ln f, remembered for the whole numbers below 64
// (a query term's frequency mostly is one: occurrences count 1, or
// p.subjectWeight in the subject).
func (sc *scratch) tfFactor(f float64) float64 {
	if f >= float64(len(sc.lnTF)) || f != math.Trunc(f) {
		return 1 + math.Log(f)
	}
	p := &sc.lnTF[int(f)]
	if *p == 0 {
		*p = 1 + math.Log(f)
	}
	return *p
}

// keyOrder is the order of weigh's keys of terms all: heaviest first,
// then by term (the same order as weigh's heavier).
type keyOrder []tfEntry

func (all keyOrder) less(a, b weighKey) bool {
	if a.w != b.w {
		return a.w > b.w
	}
	if a.pre != b.pre {
		return a.pre < b.pre
	}
	return all[a.i].term < all[b.i].term
}

// sort sorts x: a quicksort with the comparison inlined, which sorts a
// query's hundred n-grams in half the time of slices.SortFunc with a
// comparison function. The order is total (terms are distinct), so the
// result is the same as any sort's. Past a depth of about 2 log2 n it
// leaves the rest to slices.SortFunc, whose time is O(n log n) whatever
// the input.
func (all keyOrder) sort(x []weighKey) {
	depth := 2 * bits.Len(uint(len(x)))
	for len(x) > 12 {
		if depth == 0 {
			slices.SortFunc(x, func(a, b weighKey) int {
				switch {
				case all.less(a, b):
					return -1
				case all.less(b, a):
					return 1
				}
				return 0
			})
			return
		}
		depth--
		// The median of the first, middle and last as the pivot, at the
		// end.
		m, hi := len(x)/2, len(x)-1
		if all.less(x[m], x[0]) {
			x[m], x[0] = x[0], x[m]
		}
		if all.less(x[hi], x[m]) {
			x[hi], x[m] = x[m], x[hi]
			if all.less(x[m], x[0]) {
				x[m], x[0] = x[0], x[m]
			}
		}
		x[m], x[hi] = x[hi], x[m]
		p := x[hi]
		i := 0
		for j := range hi {
			if all.less(x[j], p) {
				x[i], x[j] = x[j], x[i]
				i++
			}
		}
		x[i], x[hi] = x[hi], x[i]
		// The smaller side first, the larger in the loop.
		if i < hi-i {
			all.sort(x[:i])
			x = x[i+1:]
		} else {
			all.sort(x[i+1:])
			x = x[:i]
		}
	}
	for i := 1; i < len(x); i++ {
		for j := i; j > 0 && all.less(x[j], x[j-1]); j-- {
			x[j], x[j-1] = x[j-1], x[j]
		}
	}
}

// weighByWeight is the selection of weigh for keys order (of terms all,
// with document frequencies dfs) without sorting terms of the same
// weight by their bytes where it need not: it orders the keys by weight,
// heaviest first (a counting sort over the distinct weights), and then
// selects as weigh does. A run of terms of the same weight that is taken
// whole (all fit the postings budget and max) stays in any order: every
// use of the weighed terms on the in-memory index (coverage, the tallies
// of profile, tally's shares) sums the weights of the matched terms in
// list order, and a run of equal weights adds the same numbers in
// whatever order its terms come, so every score is the same to the last
// bit; only the places of the terms in the list differ. A run that is
// cut (by max or the budget) is sorted by term first, so the same terms
// are taken as by weigh. It reports false, having done nothing, when
// there are more than maxWeights distinct weights or a weight is not
// positive.
func (s *searcher) weighByWeight(order []weighKey, all []tfEntry, dfs []uint64, max int, dst []qterm) ([]qterm, bool) {
	const maxWeights = 64
	var ws [maxWeights]float64
	distinct := ws[:0]
	rank := s.sc.rank[:0]
	// Each distinct weight's number, found by its bits in a small hash
	// table (number+1; 0: empty slot), kept in scratch and emptied slot
	// by slot after use (zeroing it whole cost more than filling it).
	if s.sc.wslots == nil {
		s.sc.wslots = new([4 * maxWeights]weightSlot)
	}
	slots := s.sc.wslots
	var used [maxWeights]uint8 // the slots filled
	const slotMask = len(slots) - 1
	ok := true
	for _, k := range order {
		if !(k.w > 0) { // weights are positive; NaN or ±0 would need care
			ok = false
			break
		}
		b := math.Float64bits(k.w)
		h := int((b * 0x9E3779B97F4A7C15) >> 56)
		for {
			sl := &slots[h&slotMask]
			if sl.j == 0 {
				if len(distinct) == maxWeights {
					ok = false
					break
				}
				used[len(distinct)] = uint8(h & slotMask)
				distinct = append(distinct, k.w)
				sl.bits, sl.j = b, uint8(len(distinct))
			} else if sl.bits != b {
				h++
				continue
			}
			rank = append(rank, sl.j-1)
			break
		}
		if !ok {
			break
		}
	}
	for _, u := range used[:len(distinct)] {
		slots[u] = weightSlot{}
	}
	s.sc.rank = rank
	if !ok {
		return nil, false
	}
	// The distinct weights, heaviest first (by insertion: a few dozen),
	// and where each one's run starts.
	var byW [maxWeights]uint8
	for j := range distinct {
		byW[j] = uint8(j)
	}
	runs := byW[:len(distinct)]
	for i := 1; i < len(runs); i++ {
		for j := i; j > 0 && distinct[runs[j]] > distinct[runs[j-1]]; j-- {
			runs[j], runs[j-1] = runs[j-1], runs[j]
		}
	}
	var count, start [maxWeights + 1]int32
	for _, r := range rank {
		count[r]++
	}
	var at int32
	for _, r := range runs {
		start[r] = at
		at += count[r]
	}
	keys := slices.Grow(s.sc.keys[:0], len(order))[:len(order)]
	s.sc.keys = keys
	next := start
	for j, k := range order {
		r := rank[j]
		keys[next[r]] = k
		next[r]++
	}
	out := slices.Grow(dst[:0], max) // appended to in place
	var postings uint64
	i := 0 // place in the order of weight, then term
	for _, r := range runs {
		if len(out) == max {
			break
		}
		run := keys[start[r] : start[r]+count[r]]
		var sum uint64
		for _, k := range run {
			sum += dfs[k.i]
		}
		if len(out)+len(run) <= max && postings+sum <= s.p.maxPostings && postings+sum >= postings {
			for _, k := range run {
				e := &all[k.i]
				out = out[:len(out)+1]
				o := &out[len(out)-1]
				o.term, o.w, o.df, o.ref = e.term, k.w, dfs[k.i], e.ref
			}
			postings += sum
			i += len(run)
			continue
		}
		setPrefixes(run, all)
		keyOrder(all).sort(run)
		for _, k := range run {
			if len(out) == max {
				break
			}
			out = s.take(out, all, dfs, k, i, &postings)
			i++
		}
	}
	return out, true
}

// weightSlot is a slot of weighByWeight's table of distinct weights: a
// weight's bits and its number+1 (0: empty).
type weightSlot struct {
	bits uint64
	j    uint8
}

// termPrefix returns the first eight bytes of t, big-endian, padded with
// zero bytes. Two terms whose prefixes differ compare as their prefixes
// do (strings.Compare); equal prefixes say nothing.
func termPrefix(t string) uint64 {
	var p uint64
	n := min(len(t), 8)
	for i := range n {
		p |= uint64(t[i]) << (56 - 8*i)
	}
	return p
}

// selectFirst reorders x so that x[:k] holds the k first elements of x in
// the order of cmp, in any order (quickselect), for 0 <= k <= len(x).
// cmp must be a strict total order on the elements of x.
func selectFirst[E any](x []E, k int, cmp func(a, b E) int) {
	lo, hi := 0, len(x)
	for hi-lo > 1 {
		// Median of three as the pivot, moved to the end.
		m := lo + (hi-lo)/2
		if cmp(x[m], x[lo]) < 0 {
			x[m], x[lo] = x[lo], x[m]
		}
		if cmp(x[hi-1], x[m]) < 0 {
			x[hi-1], x[m] = x[m], x[hi-1]
			if cmp(x[m], x[lo]) < 0 {
				x[m], x[lo] = x[lo], x[m]
			}
		}
		x[m], x[hi-1] = x[hi-1], x[m]
		p := x[hi-1]
		i := lo
		for j := lo; j < hi-1; j++ {
			if cmp(x[j], p) < 0 {
				x[i], x[j] = x[j], x[i]
				i++
			}
		}
		x[i], x[hi-1] = x[hi-1], x[i] // x[lo:i] before the pivot, x[i+1:hi] after
		switch {
		case i == k:
			return
		case i < k:
			lo = i + 1
		default:
			hi = i
		}
	}
}

// text runs the text search for one language and scores the candidate
// articles it finds.
func (s *searcher) text(ctx context.Context, lang string) error {
	an := s.k.an[lang]
	wtf, gtf := s.terms(an, lang)
	if len(wtf.terms) == 0 && len(gtf.terms) == 0 {
		return nil
	}
	fields := fieldsOf(lang)
	n, err := s.be.docFreq(ctx, fieldKind, fields.kind)
	if err != nil || n == 0 {
		return err
	}
	// The weighed terms are only used in this call: their memory is
	// reused by the next language's.
	wb := &s.sc.weighed
	words, err := s.weigh(ctx, fields.prof, wtf, 0, n, s.p.maxWords, wb[0])
	if err != nil {
		return err
	}
	grams, err := s.weigh(ctx, fields.profNgram, gtf, 0, n, s.p.maxGrams, wb[1])
	if err != nil {
		return err
	}
	bodyWords, err := s.weigh(ctx, fields.body, wtf, 1, n, s.p.maxWords, wb[2])
	if err != nil {
		return err
	}
	wb[0], wb[1], wb[2] = words, grams, bodyWords

	// The total weight of each list, summed in its order once, and
	// each term's share of it: what every candidate's coverage divides
	// by (the same sums and quotients as computing them per candidate).
	s.lw.set(words)
	s.lg.set(grams)
	s.lb.set(bodyWords)
	if s.lw.neg || s.lg.neg || s.lb.neg {
		s.negWeights = true
	}

	k := 2 * max(s.p.candidates, 10*s.size) // profile and body documents compete for the places
	if s.mem != nil {
		return s.mem.tally(ctx, s, lang, words, grams, bodyWords, k)
	}
	hits, err := s.be.(matcher).match(ctx, lang, words, grams, bodyWords, 1-s.p.profWordShare, s.p.bodyWeight, k, s.sc.docs[:0])
	if err != nil {
		return err
	}
	for _, h := range hits {
		i, ok := s.sc.at[h.id]
		if !ok {
			i = int32(len(s.sc.cands))
			s.sc.cands = append(s.sc.cands, cand{id: h.id, from: -1})
			s.sc.at[h.id] = i
		}
		c := &s.sc.cands[i]
		if h.body {
			c.body = s.lb.coverage(h.words)
		} else {
			s.profile(c, h.words, h.grams, h.sizes)
		}
	}
	clear(hits)
	s.sc.docs = hits[:0]
	return nil
}

// weights is a list of weighed query terms with their total weight and
// each one's share of it.
type weights struct {
	q     []qterm
	total float64   // the sum of the weights, in the order of q
	share []float64 // q[i].w / total (empty when total is 0)
	neg   bool      // some weight is below 0 or NaN
}

// set makes w the weights of q, reusing w's memory.
func (w *weights) set(q []qterm) {
	w.q, w.total, w.neg = q, 0, false
	for _, t := range q {
		w.total += t.w
		if !(t.w >= 0) {
			w.neg = true
		}
	}
	w.share = w.share[:0]
	if w.total == 0 {
		return
	}
	for _, t := range q {
		w.share = append(w.share, t.w/w.total)
	}
}

// coverage returns the weighted share of the terms that are in matched
// (sorted by term), summed in the order of the terms.
func (w *weights) coverage(matched []termPart) float64 {
	if w.total == 0 {
		return 0
	}
	var got float64
	last := int32(-1)
	for _, m := range matched {
		if m.t != last {
			got += w.q[m.t].w
			last = m.t
		}
	}
	return got / w.total
}

// profile scores a candidate's profile document from the query terms it
// matched (wl and gl, of s.lw and s.lg): the weighted share of the query
// words and n-grams anywhere in it, and the similarity of its best part
// (title, tags or one question). Sums run in the order of the query
// terms, so scores are the same on every run, to the last bit.
//
// The similarity of a part costs two powers; only the best one counts
// for the text score. So each part gets a cheap upper bound first (see
// simBound), and only the parts whose bound beats the best similarity so
// far are computed. The tallies are kept (c.from, c.n) for the reasons of
// the hits returned, which need the similarities of the parts near the
// best (see kindsNearBest).
func (s *searcher) profile(c *cand, wl, gl []termPart, sizes []partSize) {
	// Which query terms each part has, and the coverages of the whole
	// profile, in one walk over each list.
	from := len(s.sc.parts)
	parts := slices.Grow(s.sc.parts, len(sizes))[:from+len(sizes)]
	s.sc.parts = parts
	per := parts[from:]
	for i, sz := range sizes {
		per[i] = partHits{size: sz}
	}
	c.from, c.n = int32(from), int32(len(per))
	pw := s.p.profWordShare
	c.prof = pw*tallyParts(per, s.lw, wl, ofWords) + (1-pw)*tallyParts(per, s.lg, gl, ofGrams)
	s.bestPart(c, per)
}

// bestPart raises c.best to the similarity of the best of its parts per
// (tallied), each with its bound set.
func (s *searcher) bestPart(c *cand, per []partHits) {
	// The part with the highest bound first: its similarity usually
	// leaves the bounds of the others below it. The parts with a query
	// term are noted on the way, for the second walk.
	b, ok := s.partBounds()
	hit := s.sc.hitParts[:0]
	top, topBound := -1, 0.0
	for i := range per {
		ph := &per[i]
		if ph.n == [2]int32{} {
			continue
		}
		if ok { // simBound, with the tables at hand
			sw := b.bound(ph.cov[ofWords], int(ph.n[ofWords]), ph.size.words)
			sg := b.bound(ph.cov[ofGrams], int(ph.n[ofGrams]), ph.size.grams)
			ph.bound = (s.p.wordShare*sw+(1-s.p.wordShare)*sg)*(1+1e-9) + 1e-12
		} else {
			ph.bound = s.simBound(ph)
		}
		if top < 0 || ph.bound > topBound {
			top, topBound = i, ph.bound
		}
		hit = append(hit, int32(i))
	}
	s.sc.hitParts = hit
	if top < 0 {
		return
	}
	c.best = math.Max(c.best, s.sim(&per[top]))
	for _, i := range hit {
		ph := &per[i]
		if int(i) == top || ph.bound <= c.best {
			continue
		}
		c.best = math.Max(c.best, s.sim(ph))
	}
}

// partBounder computes coverPrecBound with its tables at hand (see
// partBounds).
type partBounder struct {
	sc   *scratch
	pow  *[powSteps]float64
	prec *[precN * precN]float64
	e    float64
}

// partBounds returns a partBounder for s.p.covExp, and false when
// simBound would not use coverPrecBound's tables (the exponent is not in
// (0, 1], or the share of words not in [0, 1]).
func (s *searcher) partBounds() (partBounder, bool) {
	sc, e := s.sc, s.p.covExp
	if !(e > 0 && e <= 1) || !(s.p.wordShare >= 0 && s.p.wordShare <= 1) {
		return partBounder{}, false
	}
	if sc.powExp != e || sc.pow == nil {
		sc.pow, sc.powExp = new([powSteps]float64), e
	}
	if sc.precExp != e || sc.prec == nil {
		sc.prec, sc.precExp = new([precN * precN]float64), e
	}
	return partBounder{sc: sc, pow: sc.pow, prec: sc.prec, e: e}, true
}

// bound is sc.coverPrecBound(cov, hits, n, e): the product of the same
// table entries (c*1 is c), or, when one is not filled yet,
// coverPrecBound itself, which fills it. Small enough to be inlined.
func (b partBounder) bound(cov float64, hits, n int) float64 {
	if hits == 0 || n == 0 || cov <= 0 {
		return 0
	}
	c, f := 1.0, 1.0
	if cov < 1 {
		c = b.pow[int(cov*powSteps)] // cov*powSteps is exact (a power of two)
	}
	if hits < n && n < precN {
		f = b.prec[hits*precN+n]
	}
	if c == 0 || f == 0 {
		return b.sc.coverPrecBound(cov, hits, n, b.e)
	}
	return c * f
}

// tallyParts adds the shares of the terms of w in matched (sorted by
// term, then part) to the tallies of kind (ofWords or ofGrams) of the parts
// per that have them, and returns w.coverage(matched), computed alike.
func tallyParts(per []partHits, w *weights, matched []termPart, kind int) float64 {
	if w.total == 0 { // no share either
		return 0
	}
	var got float64
	lastT := int32(-1)
	last := termPart{t: -1}
	for _, tp := range matched {
		if tp.t != lastT {
			got += w.q[tp.t].w
			lastT = tp.t
		}
		i := int(tp.part)
		if tp == last || i >= len(per) {
			continue
		}
		last = tp
		per[i].cov[kind] += w.share[tp.t]
		per[i].n[kind]++
	}
	return got / w.total
}

// sim returns the similarity of a profile part to the query.
func (s *searcher) sim(ph *partHits) float64 {
	if ph.simDone {
		return ph.sim
	}
	sw := s.sc.coverPrec(ph.cov[ofWords], int(ph.n[ofWords]), ph.size.words, s.p.covExp)
	sg := s.sc.coverPrec(ph.cov[ofGrams], int(ph.n[ofGrams]), ph.size.grams, s.p.covExp)
	ph.sim, ph.simDone = s.p.wordShare*sw+(1-s.p.wordShare)*sg, true
	return ph.sim
}

// simBound returns an upper bound of sim(ph), without powers of the
// coverages: they are bounded by those of the next multiple of
// 1/powSteps, from a table, and the bound is raised by a margin far above
// the rounding errors of both.
//
// With a share of words outside [0, 1] the similarity can exceed the
// bound's sum (one share is negative): the bound is then +Inf.
func (s *searcher) simBound(ph *partHits) float64 {
	if !(s.p.wordShare >= 0 && s.p.wordShare <= 1) {
		return math.Inf(1)
	}
	sw := s.sc.coverPrecBound(ph.cov[ofWords], int(ph.n[ofWords]), ph.size.words, s.p.covExp)
	sg := s.sc.coverPrecBound(ph.cov[ofGrams], int(ph.n[ofGrams]), ph.size.grams, s.p.covExp)
	return (s.p.wordShare*sw+(1-s.p.wordShare)*sg)*(1+1e-9) + 1e-12
}

// kindsNearBest returns the kinds of c's profile parts whose similarity
// is not 0 and at least half the best, in the order in which a stable
// sort of those parts, most similar first, first shows each kind: by the
// similarity of the kind's most similar part, then by that part's place.
// Only parts that can beat their kind's best so far (by their bound) are
// computed.
func (s *searcher) kindsNearBest(c *cand, dst []byte) []byte {
	if c.from < 0 {
		return dst
	}
	type kindBest struct {
		kind byte
		sim  float64
		at   int // the place of the part with sim (the first of equals)
	}
	var buf [4]kindBest
	kinds := buf[:0]
	for i := range s.sc.parts[c.from : c.from+c.n] {
		ph := &s.sc.parts[int(c.from)+i]
		if ph.n == [2]int32{} || ph.bound < 0.5*c.best {
			continue // its similarity is at most its bound
		}
		k := slices.IndexFunc(kinds, func(kb kindBest) bool { return kb.kind == ph.size.kind })
		if k >= 0 && ph.bound <= kinds[k].sim {
			continue // an earlier part of its kind is at least as similar
		}
		sim := s.sim(ph)
		switch {
		case k < 0:
			kinds = append(kinds, kindBest{ph.size.kind, sim, i})
		case sim > kinds[k].sim:
			kinds[k].sim, kinds[k].at = sim, i
		}
	}
	near := kinds[:0]
	for _, kb := range kinds {
		if kb.sim != 0 && kb.sim >= 0.5*c.best {
			near = append(near, kb)
		}
	}
	slices.SortFunc(near, func(a, b kindBest) int {
		if a.sim != b.sim {
			return cmpDesc(a.sim, b.sim)
		}
		return a.at - b.at
	})
	for _, kb := range near {
		dst = append(dst, kb.kind)
	}
	return dst
}

// sims returns the similarity of each of c's profile parts that has a
// query term, in the order of the parts, with their kinds.
func (s *searcher) sims(c *cand) (sims []float64, kinds []byte) {
	if c.from < 0 {
		return nil, nil
	}
	for i := range s.sc.parts[c.from : c.from+c.n] {
		ph := &s.sc.parts[int(c.from)+i]
		if ph.n == [2]int32{} {
			continue
		}
		sims = append(sims, s.sim(ph))
		kinds = append(kinds, ph.size.kind)
	}
	return sims, kinds
}

// partHits tallies the query terms a profile part has: per kind of term
// (ofWords, ofGrams) the summed shares of those it has, and how many.
type partHits struct {
	cov     [2]float64
	n       [2]int32
	size    partSize
	bound   float64 // simBound
	sim     float64 // once computed (simDone)
	simDone bool
}

// The kinds of profile term a part or document tallies apart: words and
// character n-grams.
const (
	ofWords = iota
	ofGrams
)

// coverPrec is cov^e * prec^(1-e), where cov is the weighted share of the
// query terms a part has and prec the share of the part's n distinct
// terms that are query terms (hits of them). It is 1 when both have the
// same terms.
//
// prec^(1-e) is remembered for small counts, and powers of 1 are not
// computed: a search scores hundreds of parts.
func (sc *scratch) coverPrec(cov float64, hits, n int, e float64) float64 {
	if hits == 0 || n == 0 || cov <= 0 {
		return 0
	}
	c := 1.0 // math.Pow(1, e) is 1
	if cov < 1 {
		c = sc.covPow(cov, e)
	}
	if hits >= n {
		return c // prec is 1
	}
	if n >= precN {
		return c * math.Pow(float64(hits)/float64(n), 1-e)
	}
	return c * sc.precFactor(hits, n, e)
}

// covPow returns math.Pow(cov, e) for 0 < cov < 1, remembered by cov's
// bits in a table where a later cov may take an earlier one's place: the
// parts of a search's candidates that share query terms have the same
// coverage (one word, one n-gram) and cost one power.
func (sc *scratch) covPow(cov, e float64) float64 {
	if sc.covExp != e || sc.covMemo == nil {
		sc.covMemo, sc.covExp = new([covMemoN]covPowed), e
	}
	b := math.Float64bits(cov)
	p := &sc.covMemo[(b*0x9E3779B97F4A7C15)>>(64-covMemoBits)]
	if p.bits != b { // 0 is no cov: the empty slot
		p.bits, p.pow = b, math.Pow(cov, e)
	}
	return p.pow
}

// covPowed is a slot of covPow's table: cov's bits and cov^e.
type covPowed struct {
	bits uint64
	pow  float64
}

// covMemoN is the number of slots of covPow's table (covMemoBits bits).
const (
	covMemoBits = 10
	covMemoN    = 1 << covMemoBits
)

// precFactor is (hits/n)^(1-e), remembered, for 0 < hits < n < precN.
func (sc *scratch) precFactor(hits, n int, e float64) float64 {
	if sc.precExp != e || sc.prec == nil {
		sc.prec, sc.precExp = new([precN * precN]float64), e
	}
	p := &sc.prec[hits*precN+n]
	if *p == 0 {
		*p = math.Pow(float64(hits)/float64(n), 1-e)
	}
	return *p
}

// coverPrecBound returns an upper bound of coverPrec(cov, hits, n, e)
// (+Inf when e is not in (0, 1], where the powers do not grow with cov or
// the precision factor may exceed 1). cov^e is bounded by
// (k/powSteps)^e for the next multiple k/powSteps above cov, from a
// table; the precision factor by itself (small counts, remembered) or 1.
func (sc *scratch) coverPrecBound(cov float64, hits, n int, e float64) float64 {
	if hits == 0 || n == 0 || cov <= 0 {
		return 0
	}
	if !(e > 0 && e <= 1) {
		return math.Inf(1)
	}
	c := 1.0
	if cov < 1 {
		c = sc.covPowCeil(cov, e)
	}
	if hits >= n || n >= precN {
		return c
	}
	return c * sc.precFactor(hits, n, e)
}

// covPowCeil returns (k/powSteps)^e for the next multiple k/powSteps
// above cov, from a table, for 0 < cov < 1 and e in (0, 1]: at least
// cov^e.
func (sc *scratch) covPowCeil(cov, e float64) float64 {
	// cov*powSteps is exact (a power of two): cov < (k+1)/powSteps.
	k := int(cov * powSteps)
	if sc.powExp != e || sc.pow == nil {
		sc.pow, sc.powExp = new([powSteps]float64), e
	}
	p := &sc.pow[k]
	if *p == 0 {
		*p = math.Pow(float64(k+1)/powSteps, e)
	}
	return *p
}

// boundsHold says whether, with p, bestBound bounds the similarity of
// every profile part and textHi the text score: each share in [0, 1] and
// the coverage exponent in (0, 1], so that a part's similarity grows with
// its coverages and is at most their powers, and the text score grows
// with the best similarity.
func boundsHold(p params) bool {
	in01 := func(x float64) bool { return x >= 0 && x <= 1 }
	return in01(p.profShare) && in01(p.wordShare) && in01(p.bodyWeight) && p.covExp > 0 && p.covExp <= 1
}

// bestBound returns an upper bound of the similarity of every profile
// part of a profile document whose query words and n-grams weigh got
// (per kind, summed as tally sums them): a part's coverage (the sum of the
// shares of its terms, a subset of the document's) is at most the
// document's, up to rounding, for which the bound leaves a margin far
// above it (as simBound does); its precision factor is at most 1. For
// parameters where boundsHold and weights of at least 0.
func (s *searcher) bestBound(got [2]float64) float64 {
	bw := s.covBound(s.lw, got[ofWords])
	bg := s.covBound(s.lg, got[ofGrams])
	return (s.p.wordShare*bw+(1-s.p.wordShare)*bg)*(1+1e-9) + 1e-12
}

// covBound bounds the power cov^covExp of the coverage of any part of a
// document whose terms of w weigh got.
func (s *searcher) covBound(w *weights, got float64) float64 {
	if w.total == 0 || got <= 0 {
		return 0 // no part has a share (coverPrec is 0)
	}
	cov := got/w.total*(1+1e-9) + 1e-12
	if !(cov < 1) {
		return 1
	}
	return s.sc.covPowCeil(cov, s.p.covExp)
}

// resolve computes c.best if tally left it (c.lazy), and c's text score
// with it.
func (s *searcher) resolve(c *cand) {
	if !c.lazy {
		return
	}
	c.lazy = false
	s.bestPart(c, s.sc.parts[c.from:c.from+c.n])
	s.articleScore(c)
}

// textHi returns an upper bound of c's text score once resolved: its
// text score with c.bestHi for its best similarity, with a margin far
// above the rounding (the score grows with the similarity, see
// boundsHold).
func (s *searcher) textHi(c *cand) float64 {
	short := s.p.profShare*c.prof + (1-s.p.profShare)*c.bestHi
	return clamp01(short+(1-short)*s.p.bodyWeight*c.body) + 1e-9
}

// topText returns the m candidates of cs with the highest text score
// (then id, as sortCands), sorted so, or all of cs when there are no
// more than m, in cs's memory. When there are more, only the candidates
// that can be among the m have their best similarity computed (resolve):
// the m best by their text score without it (a lower bound, or the exact
// score when resolved) are resolved, and then those of the others whose
// bound (textHi) is not below all of theirs; any other has m candidates
// strictly before it. Those returned then have their exact text scores,
// and are what resolving and sorting all would give. With m or fewer,
// all are returned whatever their text scores, which finish computes for
// the hits it may return (see topHits); their order does not matter, as
// finish sorts its hits by a total order.
func (s *searcher) topText(cs []*cand, m int) []*cand {
	if s.negWeights { // the bounds are not known to hold
		for _, c := range cs {
			s.resolve(c)
		}
	}
	if len(cs) > m && m > 0 {
		selectFirst(cs, m, func(a, b *cand) int {
			if a.text != b.text {
				return cmpDesc(a.text, b.text)
			}
			return strings.Compare(a.id, b.id)
		})
		thr := math.Inf(1)
		for _, c := range cs[:m] {
			s.resolve(c)
			thr = min(thr, c.text)
		}
		keep := cs[:m]
		for _, c := range cs[m:] {
			hi := c.text
			if c.lazy {
				hi = s.textHi(c)
			}
			if hi < thr {
				continue
			}
			s.resolve(c)
			keep = append(keep, c)
		}
		cs = keep
	}
	sortCands(cs)
	return cs[:min(len(cs), m)]
}

// powSteps is the number of steps of coverPrecBound's table (a power of
// two).
const powSteps = 256

// precN bounds the counts whose precision factor scratch remembers.
const precN = 64

// termPart says that query term number t (an index into the query's term
// list) is in profile part number part of a document (0 for a body).
type termPart struct {
	t    int32
	part uint16
}

// finish turns the candidates into hits: text score, intent fusion,
// ranking, and the stored articles of the best.
func (s *searcher) finish(ctx context.Context) ([]Hit, error) {
	for i := range s.sc.cands {
		s.articleScore(&s.sc.cands[i])
	}
	// Intent-linked articles are candidates even without text.
	intents, byP, anyIntent := s.likelyIntents()
	w := s.q.IntentWeight
	switch {
	case !anyIntent || w < 0:
		w = 0
	case w == 0:
		w = DefaultIntentWeight
	case w > 1:
		w = 1
	}
	// The best text candidates, then the intent-linked ones.
	s.sc.intents = intents
	ranked := s.sc.ranked[:0]
	for i := range s.sc.cands {
		ranked = append(ranked, &s.sc.cands[i])
	}
	m := 3*s.size + 5
	if w == 0 && len(ranked) > s.size {
		m = s.size
	}
	ranked = s.topText(ranked, m)
	switch {
	case w > 0 && s.mem != nil:
		// As below, with article numbers.
		orderIntentsByNo(byP)
		arts := s.mem.linkedArts(byP, m, s.sc.arts[:0])
		s.sc.arts = arts
		have := s.sc.haveArts[:0]
		for _, c := range ranked {
			have = append(have, c.art-1)
		}
		extra := slices.Grow(s.sc.extra[:0], len(arts))
		for _, a := range arts {
			if !slices.Contains(have, a) {
				have = append(have, a)
				if i := s.sc.candAt[a]; i > 0 {
					ranked = append(ranked, &s.sc.cands[i-1])
				} else {
					extra = append(extra, cand{id: s.mem.arts[a].ID, art: a + 1, from: -1})
					ranked = append(ranked, &extra[len(extra)-1])
				}
			}
		}
		s.sc.haveArts, s.sc.extra = have, extra
	case w > 0:
		// Most likely intents first, so that with many linked articles
		// those of the likely intents are the ones considered.
		ids, err := s.be.linked(ctx, orderIntents(byP, intents), m, s.sc.ids[:0])
		if err != nil {
			return nil, err
		}
		s.sc.ids = ids
		// At most m ranked and m linked: a list is cheaper than a map.
		have := s.sc.have[:0]
		for _, c := range ranked {
			have = append(have, c.id)
		}
		// Linked articles without text are new candidates, made where
		// they stay put (enough room for all).
		extra := slices.Grow(s.sc.extra[:0], len(ids))
		for _, id := range ids {
			if !slices.Contains(have, id) {
				have = append(have, id)
				if i, ok := s.sc.at[id]; ok {
					ranked = append(ranked, &s.sc.cands[i])
				} else {
					extra = append(extra, cand{id: id, from: -1})
					ranked = append(ranked, &extra[len(extra)-1])
				}
			}
		}
		s.sc.have, s.sc.extra = have, extra
	}
	s.sc.ranked = ranked
	// Score every candidate, rank, and only then write the reasons of
	// those that are returned.
	store := s.sc.store[:0]
	for _, c := range ranked {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		var a *Article
		if c.art > 0 {
			a = &s.mem.arts[c.art-1]
		} else {
			var ok bool
			var err error
			a, ok, err = s.be.article(c.id)
			if err != nil {
				return nil, err
			}
			if !ok {
				continue
			}
		}
		h := scored{a: a, text: c.text, c: c}
		if c.art > 0 {
			// As below, by the index's intent numbers.
			pOf := s.sc.pOf
			for _, j := range s.mem.artIntents[c.art-1] {
				if p := pOf[j]; p > h.intentScore {
					h.intentScore, h.intent = clamp01(p), s.mem.intentNames[j]
				}
			}
		} else {
			for _, in := range a.Intents {
				if p, ok := s.q.Intents[in]; ok && p > h.intentScore {
					h.intentScore, h.intent = clamp01(p), in
				}
			}
		}
		h.score = clamp01((1-w)*h.text + w*h.intentScore)
		// A candidate whose best similarity is not computed yet has
		// at least this score (the score grows with the text score, w
		// being in [0, 1]); when it is not clearly above 0, it is
		// computed now.
		if c.lazy && (s.negWeights || !(h.score > 1e-9)) {
			s.resolve(c)
			h.text = c.text
			h.score = clamp01((1-w)*h.text + w*h.intentScore)
		}
		if h.score <= 0 {
			continue
		}
		store = append(store, h)
	}
	s.sc.store = store
	hits := s.sc.hits[:0] // sorting pointers moves less than sorting hits
	for i := range store {
		hits = append(hits, &store[i])
	}
	hits = s.topHits(hits, w)
	s.sc.hits = hits
	slices.SortStableFunc(hits, cmpScored)
	if len(hits) > s.size {
		hits = hits[:s.size]
	}
	// The reasons of all hits are written into one buffer and cut from
	// one string, their lists from one array: a search allocates the
	// hits, their reasons and one string.
	out := make([]Hit, len(hits))
	b := s.sc.reasons[:0]
	ends := slices.Grow(s.sc.ends[:0], 2*len(hits))[:2*len(hits)] // where each reason ends in b
	s.sc.ends = ends
	n := 0
	for _, h := range hits {
		// strconv's 'f' with 2 digits is fmt's %.2f; a search formats a
		// few of these, and fmt.Sprintf was a twentieth of it.
		if h.c.text > 0 {
			b = append(b, "text match "...)
			b = strconv.AppendFloat(b, h.c.text, 'f', 2, 64)
			b = append(b, " ("...)
			b = s.appendParts(b, h.c)
			b = append(b, ')')
			ends[n], n = int32(len(b)), n+1
		}
		if h.intent != "" {
			b = append(b, "linked to intent "...)
			b = append(b, h.intent...)
			b = append(b, " (p="...)
			b = strconv.AppendFloat(b, h.intentScore, 'f', 2, 64)
			b = append(b, ')')
			ends[n], n = int32(len(b)), n+1
		}
	}
	s.sc.reasons = b
	var all string
	var reasons []string
	if n > 0 {
		all, reasons = string(b), make([]string, n)
	}
	from, j := int32(0), 0
	for i, h := range hits {
		hit := Hit{Article: *h.a, Score: h.score, TextScore: h.text, IntentScore: h.intentScore}
		k := j
		if h.c.text > 0 {
			k++
		}
		if h.intent != "" {
			k++
		}
		if k > j {
			for r := j; r < k; r++ {
				reasons[r], from = all[from:ends[r]], ends[r]
			}
			hit.Reasons = reasons[j:k:k]
			j = k
		}
		out[i] = hit
	}
	return out, nil
}

// cmpScored orders hits by score, then text score (highest first), then
// article id. Ids are distinct: the order is total.
func cmpScored(a, b *scored) int {
	switch {
	case a.score != b.score:
		return cmpDesc(a.score, b.score)
	case a.text != b.text:
		return cmpDesc(a.text, b.text)
	}
	return strings.Compare(a.a.ID, b.a.ID)
}

// topHits returns hs, in its memory, without hits that cannot be among
// the s.size first by cmpScored, and with the exact text score and score
// of those that can (resolving their candidates; w is the intent weight,
// in [0, 1]). Hits of candidates not resolved have the scores they
// would have with a best similarity of 0, a lower bound: the s.size
// first by those are resolved, and then those of the others whose score
// with the bound of their text score (textHi) is not below all of
// theirs; any other has s.size hits strictly before it.
func (s *searcher) topHits(hs []*scored, w float64) []*scored {
	resolve := func(h *scored) {
		if h.c.lazy {
			s.resolve(h.c)
			h.text = h.c.text
			h.score = clamp01((1-w)*h.text + w*h.intentScore)
		}
	}
	if n := s.size; len(hs) > n && n > 0 {
		selectFirst(hs, n, cmpScored)
		thr := math.Inf(1)
		for _, h := range hs[:n] {
			resolve(h)
			thr = min(thr, h.score)
		}
		keep := hs[:n]
		for _, h := range hs[n:] {
			hi := h.score
			if h.c.lazy {
				hi = clamp01((1-w)*s.textHi(h.c)+w*h.intentScore) + 1e-9
			}
			if hi < thr {
				continue
			}
			resolve(h)
			keep = append(keep, h)
		}
		return keep
	}
	for _, h := range hs {
		resolve(h)
	}
	return hs
}

// scored is a candidate scored in finish.
type scored struct {
	score, text, intentScore float64
	a                        *Article
	c                        *cand
	intent                   string // the linked intent behind intentScore
}

// cmpDesc orders larger numbers first.
func cmpDesc(a, b float64) int {
	switch {
	case a > b:
		return -1
	case a < b:
		return 1
	}
	return 0
}

// sortCands orders candidates by text score, then id (distinct: the
// order is total, whatever the sort).
func sortCands(cs []*cand) {
	slices.SortFunc(cs, func(a, b *cand) int {
		if a.text != b.text {
			return cmpDesc(a.text, b.text)
		}
		return strings.Compare(a.id, b.id)
	})
}

// likelyIntents returns the intents of s.q.Intents with a probability
// above 0, as names and with their probabilities (in the same, any,
// order), and whether there is any. On the in-memory index, the
// intents have their numbers there (-1: no article has it), and
// s.sc.pOf[j] is the probability of its intent number j when above 0,
// else 0. Reading a small map by iterating cost more than looking up
// a dozen keys: when the index has not many more intents than the
// query, its intents are looked up.
func (s *searcher) likelyIntents() (intents []string, byP []intentP, some bool) {
	intents, byP = s.sc.intents[:0], s.sc.byP[:0]
	defer func() { s.sc.intents, s.sc.byP = intents, byP }()
	m := s.mem
	if m != nil {
		s.sc.pOf = slices.Grow(s.sc.pOf[:0], len(m.intentNames))[:len(m.intentNames)]
		clear(s.sc.pOf)
	}
	if m != nil && len(s.q.Intents) > 0 && len(m.intentNames) <= 2*len(s.q.Intents)+8 {
		for j, in := range m.intentNames {
			if p, ok := s.q.Intents[in]; ok && p > 0 {
				intents = append(intents, in)
				byP = append(byP, intentP{in, p, int32(j)})
				s.sc.pOf[j] = p
			}
		}
		if len(byP) > 0 {
			return intents, byP, true
		}
		// Only intents no article has, if any: they still weigh.
		for _, p := range s.q.Intents {
			if p > 0 {
				return intents, byP, true
			}
		}
		return intents, byP, false
	}
	for in, p := range s.q.Intents {
		if p > 0 {
			j := int32(-1)
			if m != nil {
				if k, ok := m.intentNo[in]; ok {
					j = k
					s.sc.pOf[j] = p
				}
			}
			intents = append(intents, in)
			byP = append(byP, intentP{in, p, j})
		}
	}
	return intents, byP, len(byP) > 0
}

// orderIntents sorts byP most likely first, then by name, writes their
// names into intents (as long) and returns it. (Intents are distinct:
// the order is total, whatever the sort.)
func orderIntents(byP []intentP, intents []string) []string {
	before := func(a, b intentP) bool { return a.p > b.p || !(a.p < b.p) && a.name < b.name }
	if len(byP) <= 16 { // a classifier's dozen intents: by insertion
		for i := 1; i < len(byP); i++ {
			for j := i; j > 0 && before(byP[j], byP[j-1]); j-- {
				byP[j], byP[j-1] = byP[j-1], byP[j]
			}
		}
	} else {
		slices.SortFunc(byP, func(a, b intentP) int {
			switch {
			case before(a, b):
				return -1
			case before(b, a):
				return 1
			}
			return 0
		})
	}
	for i := range byP {
		intents[i] = byP[i].name
	}
	return intents
}

// orderIntentsByNo sorts byP as orderIntents does as far as linkedArts
// sees it: most likely first, then by intent number, which is the order
// of the names among the intents the in-memory index has (its numbers
// follow its sorted names); intents it has not (number -1) are skipped
// by linkedArts wherever they are. Comparing numbers costs less than
// comparing names.
func orderIntentsByNo(byP []intentP) {
	before := func(a, b intentP) bool { return a.p > b.p || !(a.p < b.p) && a.no < b.no }
	if len(byP) <= 16 { // a classifier's dozen intents: by insertion
		for i := 1; i < len(byP); i++ {
			for j := i; j > 0 && before(byP[j], byP[j-1]); j-- {
				byP[j], byP[j-1] = byP[j-1], byP[j]
			}
		}
		return
	}
	slices.SortFunc(byP, func(a, b intentP) int {
		switch {
		case before(a, b):
			return -1
		case before(b, a):
			return 1
		}
		return 0
	})
}

// intentP is an intent with its probability, for sorting.
type intentP struct {
	name string
	p    float64
	no   int32 // its number in the in-memory index (-1: none; see likelyIntents)
}

// articleScore sets c.text.
func (s *searcher) articleScore(c *cand) {
	short := s.p.profShare*c.prof + (1-s.p.profShare)*c.best
	c.text = clamp01(short + (1-short)*s.p.bodyWeight*c.body)
}

// appendParts appends the names of what made c's text score, for its
// reason, to b, separated by ", ": the kinds of the profile parts close
// to the best one (each name once), and the body.
func (s *searcher) appendParts(b []byte, c *cand) []byte {
	var buf [8]byte
	var seen [3]bool // title, tags, questions
	first := true
	for _, kind := range s.partKinds(c, buf[:0]) {
		k := 2
		switch kind {
		case 't':
			k = 0
		case 'g':
			k = 1
		}
		if seen[k] {
			continue
		}
		seen[k] = true
		if !first {
			b = append(b, ", "...)
		}
		b, first = append(b, partName(kind)...), false
	}
	if c.body > 0 && c.body >= 0.5*c.prof {
		if !first {
			b = append(b, ", "...)
		}
		b = append(b, "body"...)
	}
	return b
}

// partKinds appends the kinds of c's profile parts close to the best one
// to dst, most similar first (see kindsNearBest).
func (s *searcher) partKinds(c *cand, dst []byte) []byte {
	if c.n <= 12 {
		// Only the kinds of the parts near the best and their order
		// matter, which need not all similarities: sort.Slice sorted 12
		// elements or fewer by insertion, which keeps ties in order.
		return s.kindsNearBest(c, dst)
	}
	return append(dst, s.kindsBySort(c)...)
}

// kindsBySort returns the kinds of c's parts whose similarity is at least
// half the best, from the most similar down: every similarity computed
// and sorted.
func (s *searcher) kindsBySort(c *cand) []byte {
	sims, kinds := s.sims(c)
	order := make([]int, len(sims))
	for i := range order {
		order[i] = i
	}
	sort.Slice(order, func(i, j int) bool { return sims[order[i]] > sims[order[j]] })
	var out []byte
	for _, i := range order {
		if sims[i] < 0.5*c.best || sims[i] == 0 {
			break
		}
		out = append(out, kinds[i])
	}
	return out
}

// partName names a profile part kind in Reasons.
func partName(kind byte) string {
	switch kind {
	case 't':
		return "title"
	case 'g':
		return "tags"
	}
	return "questions"
}

func clamp01(x float64) float64 {
	switch {
	case x < 0 || math.IsNaN(x):
		return 0
	case x > 1:
		return 1
	}
	return x
}
