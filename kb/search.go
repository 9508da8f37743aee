package kb

import (
	"context"
	"fmt"
	"math"
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
	switch strings.ToLower(strings.TrimSpace(q.Lang)) {
	case German:
		search = []string{German}
	case English:
		search = []string{English}
	case nlp.Undetermined:
		search = langs()
	case "":
		switch nlp.Detect(q.Subject + "\n" + q.Text) {
		case nlp.German:
			search = []string{German}
		case nlp.English:
			search = []string{English}
		default:
			search = langs()
		}
	default:
		return nil, errorf(ErrUnknownLang, "kb: search: language %q is not de, en, und or empty", q.Lang)
	}
	idx, unlock, err := k.index()
	if err != nil {
		return nil, err
	}
	defer unlock()
	var be backend
	if k.ro && !k.noMem {
		m, err := k.memory(idx)
		if err != nil {
			return nil, fmt.Errorf("kb: search: %w", err)
		}
		be = m
	} else {
		b, err := newBleveBackend(idx)
		if err != nil {
			return nil, fmt.Errorf("kb: search: %w", err)
		}
		defer b.close()
		be = b
	}
	sc := searchScratch.Get().(*scratch)
	defer func() {
		sc.reset()
		searchScratch.Put(sc)
	}()
	s := &searcher{k: k, p: k.params(), be: be, q: q, size: size, arts: map[string]*cand{}, sc: sc}
	for _, lang := range search {
		if err := s.text(ctx, lang); err != nil {
			return nil, fmt.Errorf("kb: search: %w", err)
		}
	}
	return s.finish(ctx)
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
	id    string
	prof  float64 // weighted share of the query found in the profile (title, tags, questions)
	best  float64 // similarity of the best profile part
	kinds []byte  // kind of each profile part that matched, parallel to sims
	sims  []float64
	body  float64 // weighted share of the query words found in the body
	text  float64 // TextScore
}

type searcher struct {
	k    *KB
	p    params
	be   backend
	q    Query
	size int
	arts map[string]*cand
	sc   *scratch
}

// scratch is the memory a search reuses from the previous ones: a message
// has hundreds of n-grams, and allocating for each was a large share of a
// search. Nothing in it outlives the search.
type scratch struct {
	words, grams tfTable    // query term frequencies of one language (see terms)
	all          []qterm    // weigh's terms before selection
	order        []weighKey // weigh's sort order
	weighed      [3][]qterm // text's words, grams and body words
	per          []partHits // profile's per-part tallies
	docs         []docHit   // match's result

	// prec[hits*precN+n] is (hits/n)^(1-precExp) once computed (0: not
	// yet), for coverPrec.
	prec    *[precN * precN]float64
	precExp float64

	idf  [64]float64 // idf[df] among idfN documents once computed (0: not yet)
	idfN uint64
}

var searchScratch = sync.Pool{New: func() any {
	return &scratch{}
}}

// reset drops what the last search left, keeping the memory.
func (sc *scratch) reset() {
	sc.words.reset()
	sc.grams.reset()
	clear(sc.all) // the strings
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
	// match returns the profile and body documents of lang that have any
	// of the terms (those with df > 0): all of them, or at least the k
	// best by a BM25 disjunction with n-gram and body terms weighted by
	// gramBoost and bodyBoost.
	// The result may be appended to dst's memory.
	match(ctx context.Context, lang string, words, grams, body []qterm, gramBoost, bodyBoost float64, k int, dst []docHit) ([]docHit, error)
	// article returns the stored article with the given id; the caller
	// must not change it.
	article(id string) (*Article, bool, error)
	// linked returns the ids of up to max articles linked to the intents,
	// those of the first intent first.
	linked(ctx context.Context, intents []string, max int) ([]string, error)
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
		an.count([]byte(text), weight, words, grams, cache)
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
	all := s.sc.all[:0]
	for _, e := range tf.terms {
		q := qterm{term: e.term, w: e.f, ref: e.ref} // w holds the frequency until weighed
		if e.ref != nil {
			q.df = e.ref.df(which)
		}
		all = append(all, q)
	}
	if tf.noRef {
		for i := range all {
			df, err := s.be.docFreq(ctx, field, all[i].term)
			if err != nil {
				return nil, err
			}
			all[i].df = df
		}
	}
	// Most query terms are in no document or in a few: their idf is
	// remembered per document frequency.
	if s.sc.idfN != n {
		s.sc.idfN, s.sc.idf = n, [64]float64{}
	}
	for i := range all {
		t := &all[i]
		var w float64
		if t.df < uint64(len(s.sc.idf)) {
			if w = s.sc.idf[t.df]; w == 0 {
				w = idf(t.df, n)
				s.sc.idf[t.df] = w
			}
		} else {
			w = idf(t.df, n)
		}
		if f := t.w; f > 1 { // 1 + ln f is 1 for f <= 1
			w *= 1 + math.Log(f)
		}
		t.w = w
	}
	// Sort keys, not terms: a key holds the weight and the first eight
	// bytes of the term, so that most comparisons compare numbers (many
	// terms weigh the same), and no pointer, whose every move costs a
	// write barrier while the garbage collector runs.
	s.sc.all = all
	order := s.sc.order[:0]
	for i := range all {
		order = append(order, weighKey{w: all[i].w, pre: termPrefix(all[i].term), i: int32(i)})
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
	// The selection below reads the terms heaviest first until it has
	// max of them, rarely much further: sort the heaviest 1.5 max first
	// (max when no term can be skipped), and the rest only if they are
	// reached. Terms are distinct, so the order
	// is the same as sorting all.
	// When the postings of all terms fit the budget, none is skipped and
	// the heaviest max are all that is read.
	var total uint64
	for i := range all {
		total += all[i].df
	}
	first := max + max/2
	if total <= s.p.maxPostings {
		first = max
	}
	sorted := len(order)
	if sorted > first {
		sorted = first
		selectFirst(order, sorted, heavier)
	}
	slices.SortFunc(order[:sorted], heavier)
	out := dst[:0]
	var postings uint64
	for i, k := range order {
		if len(out) == max {
			break
		}
		if i == sorted {
			slices.SortFunc(order[sorted:], heavier)
			k = order[i]
		}
		t := all[k.i]
		if i >= s.p.minTerms && postings+t.df > s.p.maxPostings {
			continue // a rarer, lighter term may still fit
		}
		postings += t.df
		out = append(out, t)
	}
	return out, nil
}

// weighKey is what weigh sorts a term by: its weight (heaviest first),
// then its bytes (termPrefix, then the whole term), and its place.
type weighKey struct {
	w   float64
	pre uint64
	i   int32
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
	n, err := s.be.docFreq(ctx, fieldKind, articleKind(lang))
	if err != nil || n == 0 {
		return err
	}
	// The weighed terms are only used in this call: their memory is
	// reused by the next language's.
	wb := &s.sc.weighed
	words, err := s.weigh(ctx, profField(lang), wtf, 0, n, s.p.maxWords, wb[0])
	if err != nil {
		return err
	}
	grams, err := s.weigh(ctx, profNgramField(lang), gtf, 0, n, s.p.maxGrams, wb[1])
	if err != nil {
		return err
	}
	bodyWords, err := s.weigh(ctx, bodyField(lang), wtf, 1, n, s.p.maxWords, wb[2])
	if err != nil {
		return err
	}
	wb[0], wb[1], wb[2] = words, grams, bodyWords

	k := 2 * max(s.p.candidates, 10*s.size) // profile and body documents compete for the places
	hits, err := s.be.match(ctx, lang, words, grams, bodyWords, 1-s.p.profWordShare, s.p.bodyWeight, k, s.sc.docs[:0])
	if err != nil {
		return err
	}
	for _, h := range hits {
		c := s.arts[h.id]
		if c == nil {
			c = &cand{id: h.id}
			s.arts[h.id] = c
		}
		if h.body {
			c.body = coverageOf(bodyWords, h.words)
		} else {
			s.profile(c, words, grams, h.words, h.grams, h.sizes)
		}
	}
	clear(hits)
	s.sc.docs = hits[:0]
	return nil
}

// profile scores a candidate's profile document from the query terms it
// matched: the weighted share of the query words and n-grams anywhere in
// it, and the similarity of its best part (title, tags or one question).
// Sums run in the order of the query terms, so scores are the same on
// every run, to the last bit.
func (s *searcher) profile(c *cand, qw, qg []qterm, wl, gl []termPart, sizes []partSize) {
	pw := s.p.profWordShare
	c.prof = pw*coverageOf(qw, wl) + (1-pw)*coverageOf(qg, gl)

	// Which query terms each part has.
	per := s.sc.per[:0]
	for range sizes {
		per = append(per, partHits{})
	}
	s.sc.per = per
	tally := func(q []qterm, tps []termPart, words bool) {
		var totalW float64
		for _, t := range q {
			totalW += t.w
		}
		if totalW == 0 {
			return
		}
		last := termPart{t: -1}
		for _, tp := range tps { // sorted by term, then part
			i := int(tp.part)
			if tp == last || i >= len(per) {
				continue
			}
			last = tp
			w := q[tp.t].w / totalW
			if words {
				per[i].wcov += w
				per[i].wn++
			} else {
				per[i].gcov += w
				per[i].gn++
			}
		}
	}
	tally(qw, wl, true)
	tally(qg, gl, false)
	for i, ph := range per {
		if ph.wn == 0 && ph.gn == 0 {
			continue
		}
		sz := sizes[i]
		sw := s.sc.coverPrec(ph.wcov, ph.wn, sz.words, s.p.covExp)
		sg := s.sc.coverPrec(ph.gcov, ph.gn, sz.grams, s.p.covExp)
		sim := s.p.wordShare*sw + (1-s.p.wordShare)*sg
		c.sims = append(c.sims, sim)
		c.kinds = append(c.kinds, sz.kind)
		c.best = math.Max(c.best, sim)
	}
}

// partHits tallies the query terms a profile part has.
type partHits struct {
	wcov, gcov float64
	wn, gn     int
}

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
		c = math.Pow(cov, e)
	}
	if hits >= n {
		return c // prec is 1
	}
	if n >= precN {
		return c * math.Pow(float64(hits)/float64(n), 1-e)
	}
	if sc.precExp != e || sc.prec == nil {
		sc.prec, sc.precExp = new([precN * precN]float64), e
	}
	p := &sc.prec[hits*precN+n]
	if *p == 0 {
		*p = math.Pow(float64(hits)/float64(n), 1-e)
	}
	return c * *p
}

// precN bounds the counts whose precision factor scratch remembers.
const precN = 64

// termPart says that query term number t (an index into the query's term
// list) is in profile part number part of a document (0 for a body).
type termPart struct {
	t    int32
	part uint16
}

// coverageOf returns the weighted share of the query terms q that are in
// matched (sorted by term), summed in the order of q.
func coverageOf(q []qterm, matched []termPart) float64 {
	var total, got float64
	j := 0
	for i, t := range q {
		total += t.w
		for j < len(matched) && int(matched[j].t) < i {
			j++
		}
		if j < len(matched) && int(matched[j].t) == i {
			got += t.w
		}
	}
	if total == 0 {
		return 0
	}
	return got / total
}

// finish turns the candidates into hits: text score, intent fusion,
// ranking, and the stored articles of the best.
func (s *searcher) finish(ctx context.Context) ([]Hit, error) {
	for _, c := range s.arts {
		s.articleScore(c)
	}
	// Intent-linked articles are candidates even without text.
	var intents []string
	for in, p := range s.q.Intents {
		if p > 0 {
			intents = append(intents, in)
		}
	}
	w := s.q.IntentWeight
	switch {
	case len(intents) == 0 || w < 0:
		w = 0
	case w == 0:
		w = DefaultIntentWeight
	case w > 1:
		w = 1
	}
	// The best text candidates, then the intent-linked ones.
	ranked := make([]*cand, 0, len(s.arts))
	for _, c := range s.arts {
		ranked = append(ranked, c)
	}
	sortCands(ranked)
	m := 3*s.size + 5
	if w == 0 && len(ranked) > s.size {
		m = s.size
	}
	if len(ranked) > m {
		ranked = ranked[:m]
	}
	if w > 0 {
		// Most likely intents first, so that with many linked articles
		// those of the likely intents are the ones considered.
		ids, err := s.be.linked(ctx, s.intentOrder(intents), m)
		if err != nil {
			return nil, err
		}
		// At most m ranked and m linked: a list is cheaper than a map.
		have := make([]string, 0, len(ranked)+len(ids))
		for _, c := range ranked {
			have = append(have, c.id)
		}
		for _, id := range ids {
			if !slices.Contains(have, id) {
				have = append(have, id)
				c := s.arts[id]
				if c == nil {
					c = &cand{id: id}
				}
				ranked = append(ranked, c)
			}
		}
	}
	// Score every candidate, rank, and only then write the reasons of
	// those that are returned.
	type scored struct {
		score, text, intentScore float64
		a                        *Article
		c                        *cand
		intent                   string // the linked intent behind intentScore
	}
	store := make([]scored, 0, len(ranked))
	for _, c := range ranked {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		a, ok, err := s.be.article(c.id)
		if err != nil {
			return nil, err
		}
		if !ok {
			continue
		}
		h := scored{a: a, text: c.text, c: c}
		for _, in := range a.Intents {
			if p, ok := s.q.Intents[in]; ok && p > h.intentScore {
				h.intentScore, h.intent = clamp01(p), in
			}
		}
		h.score = clamp01((1-w)*h.text + w*h.intentScore)
		if h.score <= 0 {
			continue
		}
		store = append(store, h)
	}
	hits := make([]*scored, len(store)) // sorting pointers moves less than sorting hits
	for i := range store {
		hits[i] = &store[i]
	}
	slices.SortStableFunc(hits, func(a, b *scored) int {
		switch {
		case a.score != b.score:
			return cmpDesc(a.score, b.score)
		case a.text != b.text:
			return cmpDesc(a.text, b.text)
		}
		return strings.Compare(a.a.ID, b.a.ID)
	})
	if len(hits) > s.size {
		hits = hits[:s.size]
	}
	out := make([]Hit, len(hits))
	for i, h := range hits {
		hit := Hit{Article: *h.a, Score: h.score, TextScore: h.text, IntentScore: h.intentScore}
		// strconv's 'f' with 2 digits is fmt's %.2f; a search formats a
		// few of these, and fmt.Sprintf was a twentieth of it.
		if h.c.text > 0 {
			b := append(make([]byte, 0, 48), "text match "...)
			b = strconv.AppendFloat(b, h.c.text, 'f', 2, 64)
			b = append(b, " ("...)
			for i, p := range s.parts(h.c) {
				if i > 0 {
					b = append(b, ", "...)
				}
				b = append(b, p...)
			}
			hit.Reasons = append(hit.Reasons, string(append(b, ')')))
		}
		if h.intent != "" {
			b := append(make([]byte, 0, 64), "linked to intent "...)
			b = append(b, h.intent...)
			b = append(b, " (p="...)
			b = strconv.AppendFloat(b, h.intentScore, 'f', 2, 64)
			hit.Reasons = append(hit.Reasons, string(append(b, ')')))
		}
		out[i] = hit
	}
	return out, nil
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

// intentOrder sorts intents (of s.q.Intents) most likely first, then by
// name, and returns them. (Intents are distinct: the order is total,
// whatever the sort.)
func (s *searcher) intentOrder(intents []string) []string {
	byP := make([]intentP, len(intents))
	for i, in := range intents {
		byP[i] = intentP{in, s.q.Intents[in]}
	}
	slices.SortFunc(byP, func(a, b intentP) int {
		switch {
		case a.p > b.p:
			return -1
		case a.p < b.p:
			return 1
		}
		return strings.Compare(a.name, b.name)
	})
	for i := range byP {
		intents[i] = byP[i].name
	}
	return intents
}

// intentP is an intent with its probability, for sorting.
type intentP struct {
	name string
	p    float64
}

// articleScore sets c.text.
func (s *searcher) articleScore(c *cand) {
	short := s.p.profShare*c.prof + (1-s.p.profShare)*c.best
	c.text = clamp01(short + (1-short)*s.p.bodyWeight*c.body)
}

// parts names what made c's text score, for its reason: the kinds of the
// profile parts close to the best one, and the body.
func (s *searcher) parts(c *cand) []string {
	var parts []string
	order := make([]int, len(c.sims))
	for i := range order {
		order[i] = i
	}
	sort.Slice(order, func(i, j int) bool { return c.sims[order[i]] > c.sims[order[j]] })
	for _, i := range order {
		if c.sims[i] < 0.5*c.best || c.sims[i] == 0 {
			break
		}
		if kind := partName(c.kinds[i]); !slices.Contains(parts, kind) {
			parts = append(parts, kind)
		}
	}
	if c.body > 0 && c.body >= 0.5*c.prof {
		parts = append(parts, "body")
	}
	return parts
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
