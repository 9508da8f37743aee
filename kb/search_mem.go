package kb

import (
	"context"
	"fmt"
	"maps"
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

// matchScratch is match's per-article scratch space.
type matchScratch struct {
	at, bodyAt []int32
	arts       []int32 // the articles with a hit
	found      []found
	nw, ng     []int32 // per document of the result: words and n-grams found
}

// found is a query term found in a document of match's result.
type found struct {
	doc  int32 // in match's result
	gram bool  // a profile n-gram, else a word
	tp   termPart
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

// memCandidates is the least number of documents match keeps: scoring
// them costs microseconds each.
const memCandidates = 300

// match returns the documents with a query term. When there are more than
// k (at least memCandidates), it keeps the k that cover the largest
// weighted share of the query terms, so the detailed scoring after it
// stays cheap on a large knowledge base. Below that it returns every
// document, as the Bleve backend does.
func (m *memIndex) match(ctx context.Context, lang string, words, grams, body []qterm, gramBoost, bodyBoost float64, k int, dst []docHit, slab *[]termPart) ([]docHit, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	ml := m.langs[lang]
	out := dst[:0]
	// Where each article's profile and body hit is in out (+1; 0: none),
	// reset before the slices go back to the pool.
	sc := m.scratch.Get().(*matchScratch)
	if len(sc.at) < len(m.arts) {
		sc.at, sc.bodyAt = make([]int32, len(m.arts)), make([]int32, len(m.arts))
	}
	at, bodyAt := sc.at, sc.bodyAt
	defer func() {
		for _, a := range sc.arts {
			at[a], bodyAt[a] = 0, 0
		}
		sc.arts, sc.found = sc.arts[:0], sc.found[:0]
		m.scratch.Put(sc)
	}()
	// First what each document has, in query term order, and how many
	// words and n-grams, then each document's lists cut from one array.
	// (The loops keep their slices in locals, and only a document's first
	// hit leaves them.)
	fd, arts, nw, ng := sc.found[:0], sc.arts[:0], sc.nw[:0], sc.ng[:0]
	for ti := range words {
		for _, e := range words[ti].entries(ml.words) {
			art := int32(e >> 16)
			d := at[art]
			if d == 0 {
				out, arts, nw, ng = append(out, m.docHitOf(ml, art, false)), append(arts, art), append(nw, 0), append(ng, 0)
				d = int32(len(out))
				at[art] = d
			}
			fd = append(fd, found{doc: d - 1, tp: termPart{t: int32(ti), part: uint16(e)}})
			nw[d-1]++
		}
	}
	for ti := range grams {
		for _, e := range grams[ti].entries(ml.grams) {
			art := int32(e >> 16)
			d := at[art]
			if d == 0 {
				out, arts, nw, ng = append(out, m.docHitOf(ml, art, false)), append(arts, art), append(nw, 0), append(ng, 0)
				d = int32(len(out))
				at[art] = d
			}
			fd = append(fd, found{doc: d - 1, gram: true, tp: termPart{t: int32(ti), part: uint16(e)}})
			ng[d-1]++
		}
	}
	for ti := range body {
		for _, art := range body[ti].bodyOf(ml.body) {
			d := bodyAt[art]
			if d == 0 {
				out, arts, nw, ng = append(out, m.docHitOf(ml, art, true)), append(arts, art), append(nw, 0), append(ng, 0)
				d = int32(len(out))
				bodyAt[art] = d
			}
			fd = append(fd, found{doc: d - 1, tp: termPart{t: int32(ti)}})
			nw[d-1]++
		}
	}
	sc.found, sc.arts, sc.nw, sc.ng = fd, arts, nw, ng
	var lists []termPart
	if slab != nil {
		lists = slices.Grow((*slab)[:0], len(sc.found))[:len(sc.found)]
		*slab = lists
	} else {
		lists = make([]termPart, len(sc.found))
	}
	// Each document's lists, and where the next of its words and
	// n-grams goes (in nw and ng).
	var used int32
	for i := range out {
		w, g := used, used+nw[i]
		used = g + ng[i]
		out[i].words, out[i].grams = lists[w:g:g], lists[g:used:used]
		nw[i], ng[i] = w, g
	}
	for _, f := range fd {
		if f.gram {
			lists[ng[f.doc]] = f.tp
			ng[f.doc]++
		} else {
			lists[nw[f.doc]] = f.tp
			nw[f.doc]++
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

// docHitOf returns a new hit of article art's profile or body document,
// without terms.
func (m *memIndex) docHitOf(ml *memLang, art int32, body bool) docHit {
	h := docHit{id: m.arts[art].ID, art: art + 1, body: body}
	if !body && int(art) < len(ml.sizes) {
		h.sizes = ml.sizes[art]
	}
	return h
}

func (m *memIndex) article(id string) (*Article, bool, error) {
	i, ok := m.byID[id]
	if !ok {
		return nil, false, nil
	}
	return &m.arts[i], true, nil
}

func (m *memIndex) linked(_ context.Context, intents []string, max int, dst []string) ([]string, error) {
	var arr [32]int32
	ids := dst[:0]
	for _, a := range m.linkedArts(intents, max, arr[:0]) {
		ids = append(ids, m.arts[a].ID)
	}
	return ids, nil
}

// linkedArtsOf is linkedArts for intents with their numbers (see
// likelyIntents).
func (m *memIndex) linkedArtsOf(intents []intentP, max int, dst []int32) []int32 {
	arts := dst[:0]
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

// linkedArts is linked with article numbers, appended to dst's memory.
func (m *memIndex) linkedArts(intents []string, max int, dst []int32) []int32 {
	arts := dst[:0] // at most max: a list is cheaper than a map
	for _, in := range intents {
		for _, a := range m.intents[in] {
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
