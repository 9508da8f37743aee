package kb

import (
	"context"
	"fmt"
	"maps"
	"math"
	"slices"
	"sort"
	"sync"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"
)

// memIndex is an in-memory copy of what Search needs from the Bleve index
// of a read-only KB: for every term of each language's profile (words and
// n-grams) and body fields, the documents and profile parts that have it.
// It is built once, from the articles stored in the index and with the
// index's own analyzers, so it holds exactly the terms Bleve indexed, and
// Search gives the same results with it (a test compares the two).
//
// Why: a Bleve query costs a term-dictionary lookup and a searcher per
// query term, about a millisecond for a 40-word message even on a small
// knowledge base, which made the knowledge base the bottleneck of a batch
// run. Walking the postings of a map costs a tenth of that. A writable KB
// changes under Put and Delete and keeps querying Bleve.
type memIndex struct {
	scratch sync.Pool              // *matchScratch
	tokens  map[string]*tokenCache // per language: query tokens' terms with their places in this index
	arts    []Article
	byID    map[string]int32
	intents map[string][]int32 // intent → articles, sorted by id

	// The intents by number (in the order of their names), their
	// articles (as in intents), and each article's intents by number (in
	// the order of Article.Intents).
	intentNames []string
	intentNo    map[string]int32
	intentArts  [][]int32
	artIntents  [][]int32
	langs       map[string]*memLang
	fields      map[string]memField // field name → its index
}

// matchScratch is tally's per-article scratch space.
type matchScratch struct {
	at, bodyAt []int32 // where each article's profile and body document is in docs (+1; 0: none)
	arts       []int32 // the articles with a document

	docs  []tallyDoc // tally's documents
	quick []float64  // their quick scores, when there are too many
	order []int32
}

// tallyDoc is one profile or body document that tally found.
type tallyDoc struct {
	art     int32
	body    bool
	from, n int32      // a profile's parts in the searcher's scratch.parts
	got     [2]float64 // per kind (ofWords, ofGrams) the summed weights of the distinct query terms it has (of a body: body words)
	last    [2]int32   // per kind the term last added to got
}

// memLang is the index of one language's fields.
type memLang struct {
	n     uint64               // articles of the language
	words map[string]*postings // profile words
	grams map[string]*postings // profile n-grams
	body  map[string][]int32   // body words → articles
	sizes [][]partSize         // profile part sizes per article (by number; nil: none or another language)
}

// postings lists where a profile term is: entries art<<16 | part, sorted;
// df is the number of distinct articles.
type postings struct {
	df  uint64
	ent []uint64
}

// memory returns the KB's memIndex, building it on first use.
func (k *KB) memory(idx bleve.Index) (*memIndex, error) {
	k.memOnce.Do(func() { k.mem, k.memErr = buildMem(idx, k.an) })
	return k.mem, k.memErr
}

// buildMem reads every stored article from idx and analyses it as
// docsFor did when it was indexed.
func buildMem(idx bleve.Index, an map[string]analyzers) (*memIndex, error) {
	m := &memIndex{byID: map[string]int32{}, intents: map[string][]int32{}, langs: map[string]*memLang{}}
	m.scratch.New = func() any { return new(matchScratch) }
	m.fields = map[string]memField{}
	m.tokens = map[string]*tokenCache{}
	for _, lang := range langs() {
		ml := &memLang{words: map[string]*postings{}, grams: map[string]*postings{},
			body: map[string][]int32{}}
		m.langs[lang] = ml
		if an[lang].tokens != nil { // the analyzers cache tokens: so can the index
			tc := newTokenCache()
			tc.index = ml
			m.tokens[lang] = tc
		}
		m.fields[profField(lang)] = memField{ml, memWords}
		m.fields[profNgramField(lang)] = memField{ml, memGrams}
		m.fields[bodyField(lang)] = memField{ml, memBody}
	}
	const page = 1000
	for from := 0; ; from += page {
		req := bleve.NewSearchRequestOptions(kindQuery(), page, from, false)
		req.Fields = []string{fieldSource}
		req.SortBy([]string{"_id"})
		res, err := idx.Search(req)
		if err != nil {
			return nil, err
		}
		for _, h := range res.Hits {
			src, _ := h.Fields[fieldSource].(string)
			a, err := decodeStored([]byte(src))
			if err != nil {
				return nil, fmt.Errorf("article %q: %w", h.ID, err)
			}
			if len(m.arts) >= 1<<31-1 {
				return nil, fmt.Errorf("too many articles")
			}
			if err := m.add(a, an); err != nil {
				return nil, err
			}
		}
		if len(res.Hits) < page {
			break
		}
	}
	for _, ids := range m.intents {
		sort.Slice(ids, func(i, j int) bool { return m.arts[ids[i]].ID < m.arts[ids[j]].ID })
	}
	m.numberIntents()
	return m, nil
}

// numberIntents sets the intent numbers of m from m.intents.
func (m *memIndex) numberIntents() {
	m.intentNames = slices.Sorted(maps.Keys(m.intents))
	m.intentNo = make(map[string]int32, len(m.intentNames))
	m.intentArts = make([][]int32, len(m.intentNames))
	for j, in := range m.intentNames {
		m.intentNo[in] = int32(j)
		m.intentArts[j] = m.intents[in]
	}
	m.artIntents = make([][]int32, len(m.arts))
	for i, a := range m.arts {
		for _, in := range a.Intents {
			m.artIntents[i] = append(m.artIntents[i], m.intentNo[in])
		}
	}
}

func (m *memIndex) add(a Article, an map[string]analyzers) error {
	ml := m.langs[a.Lang]
	if ml == nil {
		return fmt.Errorf("article %q: language %q", a.ID, a.Lang)
	}
	i := int32(len(m.arts))
	m.arts = append(m.arts, a)
	m.byID[a.ID] = i
	ml.n++
	for _, in := range a.Intents {
		m.intents[in] = append(m.intents[in], i)
	}
	// Profile parts, as docsFor indexes them (array position = part).
	ps := profileParts(a)
	if len(ps) > 0 {
		sizes := make([]partSize, len(ps))
		seenW, seenG := map[string]bool{}, map[string]bool{}
		for pi, p := range ps {
			if pi >= 1<<16 {
				break
			}
			w := termSet(an[a.Lang].word, p.text)
			g := termSet(an[a.Lang].ngram, p.text)
			sizes[pi] = partSize{kind: p.kind[0], words: len(w), grams: len(g)}
			addPostings(ml.words, w, i, uint16(pi), seenW)
			addPostings(ml.grams, g, i, uint16(pi), seenG)
		}
		ml.sizes = append(ml.sizes, make([][]partSize, int(i)+1-len(ml.sizes))...)
		ml.sizes[i] = sizes
	}
	body := a.Body
	if a.Short != "" {
		body += "\n\n" + a.Short
	}
	for t := range termSet(an[a.Lang].word, body) {
		ml.body[t] = append(ml.body[t], i)
	}
	return nil
}

func addPostings(idx map[string]*postings, terms map[string]bool, art int32, part uint16, seen map[string]bool) {
	for t := range terms {
		p := idx[t]
		if p == nil {
			p = &postings{}
			idx[t] = p
		}
		if !seen[t] {
			seen[t] = true
			p.df++
		}
		p.ent = append(p.ent, uint64(art)<<16|uint64(part))
	}
}

// termSet returns the distinct terms a produces for text.
func termSet(a analysis.Analyzer, text string) map[string]bool {
	out := map[string]bool{}
	for _, t := range a.Analyze([]byte(text)) {
		out[string(t.Term)] = true
	}
	return out
}

func (m *memIndex) docFreq(_ context.Context, field, term string) (uint64, error) {
	f, ok := m.fields[field]
	if !ok {
		if field == fieldKind {
			for lang, ml := range m.langs {
				if term == articleKind(lang) {
					return ml.n, nil
				}
			}
		}
		return 0, nil
	}
	switch f.kind {
	case memWords:
		if p := f.lang.words[term]; p != nil {
			return p.df, nil
		}
	case memGrams:
		if p := f.lang.grams[term]; p != nil {
			return p.df, nil
		}
	case memBody:
		return uint64(len(f.lang.body[term])), nil
	}
	return 0, nil
}

// entries returns t's postings' entries in a profile field whose index is
// idx (see postings).
func (t *qterm) entries(idx map[string]*postings) []uint64 {
	if t.ref != nil { // as counting brought it
		return t.ref.ent
	}
	if p := idx[t.term]; p != nil {
		return p.ent
	}
	return nil
}

// bodyOf returns the articles whose body has t, of the body index idx:
// as counting brought them (t.ref), else looked up.
func (t *qterm) bodyOf(idx map[string][]int32) []int32 {
	if t.ref != nil {
		return t.ref.body
	}
	return idx[t.term]
}

// memField is what a field name of the index refers to in a memIndex.
type memField struct {
	lang *memLang
	kind int // memWords, memGrams or memBody
}

const (
	memWords = iota
	memGrams
	memBody
)

// memCandidates is the least number of documents tally keeps: scoring
// them costs microseconds each.
const memCandidates = 300

// tally finds the profile and body documents of lang that have any of
// the query terms, as a Bleve backend's match does (all of them, or the k
// that cover the largest weighted share of the query, at least
// memCandidates), and scores them as the searcher scores match's result
// (see searcher.text), in one walk over the postings: each document's
// weighted shares of the query terms and its profile parts' tallies are
// summed while the postings are read, in the order of the query terms as
// from match's lists (so to the same bits), without making the lists.
// Postings have each article and part once per term, so no tally counts
// a term twice. The candidates are s's; with s.lazyBest, their best
// part similarities are left to finish (see resolve).
func (m *memIndex) tally(ctx context.Context, s *searcher, lang string, words, grams, body []qterm, k int) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	ml := m.langs[lang]
	sc := m.scratch.Get().(*matchScratch)
	if len(sc.at) < len(m.arts) {
		sc.at, sc.bodyAt = make([]int32, len(m.arts)), make([]int32, len(m.arts))
	}
	at, bodyAt := sc.at, sc.bodyAt
	defer func() {
		for _, a := range sc.arts {
			at[a], bodyAt[a] = 0, 0
		}
		sc.arts = sc.arts[:0]
		m.scratch.Put(sc)
	}()
	docs, arts, parts := sc.docs[:0], sc.arts[:0], s.sc.parts
	// newProfile adds the profile document of art with its parts.
	newProfile := func(art int32) int32 {
		var sizes []partSize
		if int(art) < len(ml.sizes) {
			sizes = ml.sizes[art]
		}
		from := len(parts)
		parts = slices.Grow(parts, len(sizes))[:from+len(sizes)]
		for i, sz := range sizes {
			parts[from+i] = partHits{size: sz}
		}
		docs = append(docs, tallyDoc{art: art, from: int32(from), n: int32(len(sizes)), last: [2]int32{-1, -1}})
		arts = append(arts, art)
		return int32(len(docs))
	}
	lw, lg, lb := s.lw, s.lg, s.lb
	// The entries of a term are sorted by article: the document of the
	// last one is looked up once per run of its parts.
	for kind, terms := range [2][]qterm{ofWords: words, ofGrams: grams} {
		list, lt := ml.words, lw
		if kind == ofGrams {
			list, lt = ml.grams, lg
		}
		for ti := range terms {
			ents := terms[ti].entries(list)
			if lt.total == 0 { // no coverage, no shares: the documents only
				for _, e := range ents {
					if art := int32(e >> 16); at[art] == 0 {
						at[art] = newProfile(art)
					}
				}
				continue
			}
			t, w, sh := int32(ti), terms[ti].w, lt.share[ti]
			var doc *tallyDoc
			last := int32(-1)
			for _, e := range ents {
				if art := int32(e >> 16); art != last {
					d := at[art]
					if d == 0 {
						d = newProfile(art)
						at[art] = d
					}
					doc, last = &docs[d-1], art
					if doc.last[kind] != t {
						doc.got[kind] += w
						doc.last[kind] = t
					}
				}
				if p := int32(uint16(e)); p < doc.n {
					ph := &parts[doc.from+p]
					ph.cov[kind] += sh
					ph.n[kind]++
				}
			}
		}
	}
	for ti := range body {
		t, w := int32(ti), body[ti].w
		for _, art := range body[ti].bodyOf(ml.body) {
			d := bodyAt[art]
			if d == 0 {
				docs = append(docs, tallyDoc{art: art, body: true, last: [2]int32{-1, -1}})
				arts = append(arts, art)
				d = int32(len(docs))
				bodyAt[art] = d
			}
			doc := &docs[d-1]
			if doc.last[ofWords] != t {
				doc.got[ofWords] += w
				doc.last[ofWords] = t
			}
		}
	}
	sc.docs, sc.arts, s.sc.parts = docs, arts, parts
	cov := func(w *weights, got float64) float64 {
		if w.total == 0 {
			return 0
		}
		return got / w.total
	}
	// As a Bleve match: at most k documents (at least memCandidates), those
	// that cover the largest weighted share of the query.
	order := sc.order[:0]
	for i := range docs {
		order = append(order, int32(i))
	}
	if k = max(k, memCandidates); len(docs) > k {
		gramBoost, bodyBoost := 1-s.p.profWordShare, s.p.bodyWeight
		quick := slices.Grow(sc.quick[:0], len(docs))[:len(docs)]
		for i, d := range docs {
			if d.body {
				quick[i] = bodyBoost * cov(lb, d.got[ofWords])
			} else {
				quick[i] = (1-gramBoost)*cov(lw, d.got[ofWords]) + gramBoost*cov(lg, d.got[ofGrams])
			}
		}
		sc.quick = quick
		sort.Slice(order, func(a, b int) bool {
			x, y := order[a], order[b]
			if quick[x] != quick[y] {
				return quick[x] > quick[y]
			}
			if ix, iy := m.arts[docs[x].art].ID, m.arts[docs[y].art].ID; ix != iy {
				return ix < iy
			}
			return !docs[x].body && docs[y].body
		})
		order = order[:k]
	}
	sc.order = order
	pw := s.p.profWordShare
	for _, i := range order {
		d := &docs[i]
		at := &s.sc.candAt[d.art]
		if *at == 0 {
			s.sc.cands = append(s.sc.cands, cand{id: m.arts[d.art].ID, art: d.art + 1, from: -1})
			*at = int32(len(s.sc.cands))
		}
		c := &s.sc.cands[*at-1]
		if d.body {
			c.body = cov(lb, d.got[ofWords])
			continue
		}
		s.resolve(c) // a profile document before this one (not expected: one language per article)
		c.from, c.n = d.from, d.n
		c.prof = pw*cov(lw, d.got[ofWords]) + (1-pw)*cov(lg, d.got[ofGrams])
		if s.lazyBest { // finish computes c.best if it can matter
			c.lazy, c.bestHi = true, math.Max(c.best, s.bestBound(d.got))
			continue
		}
		s.bestPart(c, s.sc.parts[d.from:d.from+d.n])
	}
	return nil
}

func (m *memIndex) article(id string) (*Article, bool, error) {
	i, ok := m.byID[id]
	if !ok {
		return nil, false, nil
	}
	return &m.arts[i], true, nil
}

func (m *memIndex) linked(_ context.Context, intents []string, max int, dst []string) ([]string, error) {
	var buf [16]intentP
	byP := buf[:0]
	for _, in := range intents {
		no, ok := m.intentNo[in]
		if !ok {
			no = -1
		}
		byP = append(byP, intentP{name: in, no: no})
	}
	var arr [32]int32
	ids := dst[:0]
	for _, a := range m.linkedArts(byP, max, arr[:0]) {
		ids = append(ids, m.arts[a].ID)
	}
	return ids, nil
}

// linkedArts is linked with article numbers, appended to dst's memory,
// for intents with their numbers (see likelyIntents).
func (m *memIndex) linkedArts(intents []intentP, max int, dst []int32) []int32 {
	arts := dst[:0] // at most max: a list is cheaper than a map
	for _, in := range intents {
		if in.no < 0 {
			continue
		}
		for _, a := range m.intentArts[in.no] {
			if len(arts) >= max {
				return arts
			}
			if !slices.Contains(arts, a) {
				arts = append(arts, a)
			}
		}
	}
	return arts
}
