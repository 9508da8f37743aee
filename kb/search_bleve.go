package kb

import (
	"context"
	"sort"
	"strings"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"
)

// bleveBackend answers a search from the Bleve index: document
// frequencies from its term dictionaries, matches from one disjunction
// query with term locations (which tell the profile parts), articles from
// the stored source. Writable KBs use it.
type bleveBackend struct {
	idx bleve.Index
	r   index.IndexReader
}

// The Bleve backend finds documents with match.
var _ matcher = (*bleveBackend)(nil)

func newBleveBackend(idx bleve.Index) (*bleveBackend, error) {
	adv, err := idx.Advanced()
	if err != nil {
		return nil, err
	}
	r, err := adv.Reader()
	if err != nil {
		return nil, err
	}
	return &bleveBackend{idx: idx, r: r}, nil
}

func (b *bleveBackend) close() { b.r.Close() }

func (b *bleveBackend) docFreq(ctx context.Context, field, term string) (uint64, error) {
	tfr, err := b.r.TermFieldReader(ctx, []byte(term), field, false, false, false)
	if err != nil {
		return 0, err
	}
	n := tfr.Count()
	return n, tfr.Close()
}

func (b *bleveBackend) match(ctx context.Context, lang string, words, grams, body []qterm, gramBoost, bodyBoost float64, k int, dst []docHit) ([]docHit, error) {
	var clauses []query.Query
	term := func(t qterm, field string, boost float64) {
		if t.df == 0 {
			return // in no document: it can only count as missing (see coverageOf)
		}
		tq := bleve.NewTermQuery(t.term)
		tq.SetField(field)
		tq.SetBoost(t.w * boost)
		clauses = append(clauses, tq)
	}
	for _, t := range words {
		term(t, profField(lang), 1)
	}
	for _, g := range grams {
		term(g, profNgramField(lang), gramBoost)
	}
	for _, t := range body {
		term(t, bodyField(lang), bodyBoost)
	}
	if len(clauses) == 0 {
		return nil, nil
	}
	req := bleve.NewSearchRequestOptions(bleve.NewDisjunctionQuery(clauses...), k, 0, false)
	req.IncludeLocations = true
	req.Fields = []string{fieldLens}
	res, err := b.idx.SearchInContext(ctx, req)
	if err != nil {
		return nil, err
	}
	out := dst[:0]
	wi, gi, bi := termIndex(words), termIndex(grams), termIndex(body)
	for _, h := range res.Hits {
		id, key, _ := strings.Cut(h.ID, idSep)
		switch key {
		case keyBody:
			out = append(out, docHit{id: id, body: true, words: termParts(bi, h.Locations[bodyField(lang)])})
		case keyProfile:
			lens, _ := h.Fields[fieldLens].(string)
			out = append(out, docHit{id: id, words: termParts(wi, h.Locations[profField(lang)]),
				grams: termParts(gi, h.Locations[profNgramField(lang)]), sizes: decodeLens(lens)})
		}
	}
	return out, nil
}

func termIndex(ts []qterm) map[string]int32 {
	m := make(map[string]int32, len(ts))
	for i, t := range ts {
		m[t.term] = int32(i)
	}
	return m
}

// termParts turns term locations into (query term, profile part) pairs,
// sorted.
func termParts(index map[string]int32, tl search.TermLocationMap) []termPart {
	var out []termPart
	for t, ls := range tl {
		ti, ok := index[t]
		if !ok {
			continue
		}
		for _, l := range ls {
			var part uint16
			if len(l.ArrayPositions) > 0 {
				part = uint16(l.ArrayPositions[0])
			}
			out = append(out, termPart{t: ti, part: part})
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].t != out[j].t {
			return out[i].t < out[j].t
		}
		return out[i].part < out[j].part
	})
	return out
}

func (b *bleveBackend) article(id string) (*Article, bool, error) {
	d, err := b.idx.Document(id)
	if err != nil {
		return nil, false, err
	}
	a, ok := articleFromDoc(d)
	return &a, ok, nil
}

func (b *bleveBackend) linked(ctx context.Context, intents []string, max int, dst []string) ([]string, error) {
	ids := dst[:0]
	seen := map[string]bool{}
	for _, in := range intents {
		if len(ids) >= max {
			break
		}
		t := bleve.NewTermQuery(in)
		t.SetField(fieldIntent)
		req := bleve.NewSearchRequestOptions(t, max, 0, false)
		req.SortBy([]string{"_id"})
		res, err := b.idx.SearchInContext(ctx, req)
		if err != nil {
			return nil, err
		}
		for _, h := range res.Hits {
			if !seen[h.ID] && len(ids) < max {
				seen[h.ID] = true
				ids = append(ids, h.ID)
			}
		}
	}
	return ids, nil
}
