package kb

// The search as it was before the batch-speed work, kept as the reference
// that TestSearchSameAsOld and FuzzSearchSameAsOld compare Search with.

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

var oldMatchPool = sync.Pool{New: func() any { return new(oldMatchScratch) }}

// oldMatchOf returns the old match of a memIndex, else be's own.
func oldMatchOf(be backend) func(ctx context.Context, lang string, words, grams, body []qterm, gramBoost, bodyBoost float64, k int, dst []docHit) ([]docHit, error) {
	if m, ok := be.(*memIndex); ok {
		return m.oldMatch
	}
	return func(ctx context.Context, lang string, words, grams, body []qterm, gramBoost, bodyBoost float64, k int, dst []docHit) ([]docHit, error) {
		return be.(matcher).match(ctx, lang, words, grams, body, gramBoost, bodyBoost, k, dst)
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
func (k *KB) oldSearch(ctx context.Context, q Query) ([]Hit, error) {
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
	sc := oldSearchScratch.Get().(*oldScratch)
	defer func() {
		sc.reset()
		oldSearchScratch.Put(sc)
	}()
	s := &oldSearcher{k: k, p: k.params(), be: be, q: q, size: size, arts: map[string]*oldCand{}, sc: sc}
	for _, lang := range search {
		if err := s.text(ctx, lang); err != nil {
			return nil, fmt.Errorf("kb: search: %w", err)
		}
	}
	return s.finish(ctx)
}

// oldCand is one candidate article.
type oldCand struct {
	id    string
	prof  float64 // weighted share of the query oldFound in the profile (title, tags, questions)
	best  float64 // similarity of the best profile part
	kinds []byte  // kind of each profile part that matched, parallel to sims
	sims  []float64
	body  float64 // weighted share of the query words oldFound in the body
	text  float64 // TextScore
}

type oldSearcher struct {
	k    *KB
	p    params
	be   backend
	q    Query
	size int
	arts map[string]*oldCand
	sc   *oldScratch
}

// oldScratch is the memory a search reuses from the previous ones: a message
// has hundreds of n-grams, and allocating for each was a large share of a
// search. Nothing in it outlives the search.
type oldScratch struct {
	words, grams oldTfTable    // query term frequencies of one language (see terms)
	all          []qterm       // weigh's terms before selection
	order        []weighKey    // weigh's sort order
	weighed      [3][]qterm    // text's words, grams and body words
	per          []oldPartHits // profile's per-part tallies
	docs         []docHit      // match's result

	// prec[hits*precN+n] is (hits/n)^(1-precExp) once computed (0: not
	// yet), for coverPrec.
	prec    *[precN * precN]float64
	precExp float64

	idf  [64]float64 // idf[df] among idfN documents once computed (0: not yet)
	idfN uint64
}

var oldSearchScratch = sync.Pool{New: func() any {
	return &oldScratch{}
}}

// reset drops what the last search left, keeping the memory.
func (sc *oldScratch) reset() {
	sc.words.reset()
	sc.grams.reset()
	clear(sc.all) // the strings
	for i := range sc.weighed {
		clear(sc.weighed[i])
		sc.weighed[i] = sc.weighed[i][:0]
	}
}

// terms analyses the query's subject and text with the index's own word
// and n-gram analyzers and returns the distinct terms of each with their
// frequencies, subject occurrences counted p.subjectWeight times.
func (s *oldSearcher) terms(an analyzers, lang string) (words, grams *oldTfTable) {
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
		an.oldCount([]byte(text), weight, words, grams, cache)
	}
	add(s.q.Subject, s.p.subjectWeight)
	add(s.q.Text, 1)
	return words, grams
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
// changes nothing. Terms oldFound in no document cost nothing and stay: they
// count against the coverage of every article.
func (s *oldSearcher) weigh(ctx context.Context, field string, tf *oldTfTable, which int, n uint64, max int, dst []qterm) ([]qterm, error) {
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

// text runs the text search for one language and scores the candidate
// articles it finds.
func (s *oldSearcher) text(ctx context.Context, lang string) error {
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
	hits, err := oldMatchOf(s.be)(ctx, lang, words, grams, bodyWords, 1-s.p.profWordShare, s.p.bodyWeight, k, s.sc.docs[:0])
	if err != nil {
		return err
	}
	for _, h := range hits {
		c := s.arts[h.id]
		if c == nil {
			c = &oldCand{id: h.id}
			s.arts[h.id] = c
		}
		if h.body {
			c.body = oldCoverageOf(bodyWords, h.words)
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
func (s *oldSearcher) profile(c *oldCand, qw, qg []qterm, wl, gl []termPart, sizes []partSize) {
	pw := s.p.profWordShare
	c.prof = pw*oldCoverageOf(qw, wl) + (1-pw)*oldCoverageOf(qg, gl)

	// Which query terms each part has.
	per := s.sc.per[:0]
	for range sizes {
		per = append(per, oldPartHits{})
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

// oldPartHits tallies the query terms a profile part has.
type oldPartHits struct {
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
func (sc *oldScratch) coverPrec(cov float64, hits, n int, e float64) float64 {
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

// oldCoverageOf returns the weighted share of the query terms q that are in
// matched (sorted by term), summed in the order of q.
func oldCoverageOf(q []qterm, matched []termPart) float64 {
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
func (s *oldSearcher) finish(ctx context.Context) ([]Hit, error) {
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
	ranked := make([]*oldCand, 0, len(s.arts))
	for _, c := range s.arts {
		ranked = append(ranked, c)
	}
	oldSortCands(ranked)
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
		ids, err := s.be.linked(ctx, s.intentOrder(intents), m, nil)
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
					c = &oldCand{id: id}
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
		c                        *oldCand
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

// oldSortCands orders candidates by text score, then id (distinct: the
// order is total, whatever the sort).
func oldSortCands(cs []*oldCand) {
	slices.SortFunc(cs, func(a, b *oldCand) int {
		if a.text != b.text {
			return cmpDesc(a.text, b.text)
		}
		return strings.Compare(a.id, b.id)
	})
}

// intentOrder sorts intents (of s.q.Intents) most likely first, then by
// name, and returns them. (Intents are distinct: the order is total,
// whatever the sort.)
func (s *oldSearcher) intentOrder(intents []string) []string {
	byP := make([]intentP, len(intents))
	for i, in := range intents {
		byP[i] = intentP{name: in, p: s.q.Intents[in]}
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

// articleScore sets c.text.
func (s *oldSearcher) articleScore(c *oldCand) {
	short := s.p.profShare*c.prof + (1-s.p.profShare)*c.best
	c.text = clamp01(short + (1-short)*s.p.bodyWeight*c.body)
}

// parts names what made c's text score, for its reason: the kinds of the
// profile parts close to the best one, and the body.
func (s *oldSearcher) parts(c *oldCand) []string {
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

// oldMatchScratch is match's per-article oldScratch space.
type oldMatchScratch struct {
	at, bodyAt []int32
	arts       []int32 // the articles with a hit
	oldFound   []oldFound
}

// oldFound is a query term oldFound in a document of match's result.
type oldFound struct {
	doc  int32 // in match's result
	gram bool  // a profile n-gram, else a word
	tp   termPart
}

// match returns the documents with a query term. When there are more than
// k (at least memCandidates), it keeps the k that cover the largest
// weighted share of the query terms, so the detailed scoring after it
// stays cheap on a large knowledge base. Below that it returns every
// document, as the Bleve backend does.
func (m *memIndex) oldMatch(ctx context.Context, lang string, words, grams, body []qterm, gramBoost, bodyBoost float64, k int, dst []docHit) ([]docHit, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	ml := m.langs[lang]
	out := dst[:0]
	// Where each article's profile and body hit is in out (+1; 0: none),
	// reset before the slices go back to the pool.
	sc := oldMatchPool.Get().(*oldMatchScratch)
	if len(sc.at) < len(m.arts) {
		sc.at, sc.bodyAt = make([]int32, len(m.arts)), make([]int32, len(m.arts))
	}
	at, bodyAt := sc.at, sc.bodyAt
	defer func() {
		for _, a := range sc.arts {
			at[a], bodyAt[a] = 0, 0
		}
		sc.arts, sc.oldFound = sc.arts[:0], sc.oldFound[:0]
		oldMatchPool.Put(sc)
	}()
	// First what each document has, in query term order, then each
	// document's lists cut from one array.
	hit := func(art int32, body bool) int32 {
		slot := &at[art]
		if body {
			slot = &bodyAt[art]
		}
		if *slot == 0 {
			out = append(out, docHit{id: m.arts[art].ID, body: body})
			if !body {
				out[len(out)-1].sizes = ml.sizes[art]
			}
			sc.arts = append(sc.arts, art)
			*slot = int32(len(out))
		}
		return *slot - 1
	}
	for ti, t := range words {
		if ent := t.postings(ml.words); ent != nil {
			for _, e := range ent {
				h := hit(int32(e>>16), false)
				sc.oldFound = append(sc.oldFound, oldFound{doc: h, tp: termPart{t: int32(ti), part: uint16(e)}})
			}
		}
	}
	for ti, t := range grams {
		if ent := t.postings(ml.grams); ent != nil {
			for _, e := range ent {
				h := hit(int32(e>>16), false)
				sc.oldFound = append(sc.oldFound, oldFound{doc: h, gram: true, tp: termPart{t: int32(ti), part: uint16(e)}})
			}
		}
	}
	for ti, t := range body {
		for _, art := range t.bodyOf(ml.body) {
			h := hit(art, true)
			sc.oldFound = append(sc.oldFound, oldFound{doc: h, tp: termPart{t: int32(ti)}})
		}
	}
	nw, ng := make([]int32, len(out)), make([]int32, len(out)) // per document: words and n-grams oldFound
	for _, f := range sc.oldFound {
		if f.gram {
			ng[f.doc]++
		} else {
			nw[f.doc]++
		}
	}
	slab := make([]termPart, len(sc.oldFound))
	var used int32
	for i := range out {
		out[i].words = slab[used : used : used+nw[i]]
		used += nw[i]
		out[i].grams = slab[used : used : used+ng[i]]
		used += ng[i]
	}
	for _, f := range sc.oldFound {
		h := &out[f.doc]
		if f.gram {
			h.grams = append(h.grams, f.tp)
		} else {
			h.words = append(h.words, f.tp)
		}
	}
	k = max(k, memCandidates)
	if len(out) <= k || k <= 0 {
		return out, nil
	}
	// Rank by the share of the query each document covers (what most of
	// the text score is made of), profile n-grams and body words weighted
	// as in the Bleve query.
	quick := make([]float64, len(out))
	share := func(q []qterm, tps []termPart) float64 {
		var x, total float64
		for _, t := range q {
			total += t.w
		}
		last := int32(-1)
		for _, tp := range tps {
			if tp.t != last {
				x += q[tp.t].w
				last = tp.t
			}
		}
		if total == 0 {
			return 0
		}
		return x / total
	}
	for i, h := range out {
		if h.body {
			quick[i] = bodyBoost * share(body, h.words)
		} else {
			quick[i] = (1-gramBoost)*share(words, h.words) + gramBoost*share(grams, h.grams)
		}
	}
	order := make([]int, len(out))
	for i := range order {
		order[i] = i
	}
	sort.Slice(order, func(a, b int) bool {
		x, y := order[a], order[b]
		if quick[x] != quick[y] {
			return quick[x] > quick[y]
		}
		if out[x].id != out[y].id {
			return out[x].id < out[y].id
		}
		return !out[x].body && out[y].body
	})
	top := make([]docHit, k)
	for i := range top {
		top[i] = out[order[i]]
	}
	return top, nil
}

// count adds the terms of b, as the word and the n-gram analyzer produce
// them, to words and grams: weight per occurrence. It gives what both
// gives, counted, with one tokenisation and no token per n-gram. With a
// cache (nil: a.tokens), each token's terms come from it, with their
// places in the index when the cache knows them.
func (a analyzers) oldCount(b []byte, weight float64, words, grams *oldTfTable, cache *tokenCache) {
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
						tt.addOld(words, grams, weight)
					}
				}
				b = b[j:]
			}
			return
		}
		for _, tt := range a.chunkTerms(b, cache) {
			tt.addOld(words, grams, weight)
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

// add counts the token's terms with weight.
func (tt *tokenTerms) addOld(words, grams *oldTfTable, weight float64) {
	var wr *termRef
	if tt.refs != nil {
		wr = &tt.refs[0]
	}
	words.add(tt.word, weight, wr)
	for i, g := range tt.grams {
		var gr *termRef
		if tt.refs != nil {
			gr = &tt.refs[1+i]
		}
		grams.add(g, weight, gr)
	}
}

// oldTfTable counts a query's distinct terms: their frequency and, when the
// counting knew it, where they are in the in-memory index.
type oldTfTable struct {
	at    map[string]int32 // term → its entry
	terms []oldTfEntry
	noRef bool // some entry was added without its place in the index
}

type oldTfEntry struct {
	term string
	f    float64
	ref  *termRef // nil: not known
}

// add counts term with weight; ref, when not nil, is where it is in the
// index.
func (t *oldTfTable) add(term string, weight float64, ref *termRef) {
	if i, ok := t.at[term]; ok {
		t.terms[i].f += weight
		return
	}
	if t.at == nil {
		t.at = make(map[string]int32, 256)
	}
	if ref == nil {
		t.noRef = true
	}
	t.at[term] = int32(len(t.terms))
	t.terms = append(t.terms, oldTfEntry{term: term, f: weight, ref: ref})
}

// reset empties t, keeping its memory.
func (t *oldTfTable) reset() {
	clear(t.at)
	clear(t.terms)
	t.terms, t.noRef = t.terms[:0], false
}

// postings returns t's postings' entries in a profile field whose index
// is idx: those counting brought (t.ref), else looked up.
func (t *qterm) postings(idx map[string]*postings) []uint64 {
	if t.ref != nil {
		return t.ref.ent
	}
	if p := idx[t.term]; p != nil {
		return p.ent
	}
	return nil
}
