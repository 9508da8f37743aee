package kb

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestWeighSortsSameAsSortFunc: weigh's sort, keyOrder.sort, orders keys
// as slices.SortFunc with weigh's comparison does (heaviest first, then
// by term): with many ties in weight, terms sharing their first eight
// bytes, terms that differ only by trailing zero bytes, and sorted and
// reversed input.
func TestWeighSortsSameAsSortFunc(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	stems := []string{"bestellung", "bestellnummer", "bestel", "ab", "ab\x00", "ab\x00\x00", "straßenbahn", "ung", "äöü", "x"}
	for seed := range 200 {
		n := 1 + rng.IntN(150)
		weights := 1 + rng.IntN(8)
		if seed%10 == 8 {
			n = 1000 + rng.IntN(1000)
		}
		seen := map[string]bool{}
		var all []tfEntry
		var order []weighKey
		for len(all) < n {
			term := stems[rng.IntN(len(stems))]
			if rng.IntN(3) > 0 {
				term += fmt.Sprint(rng.IntN(1000))
			}
			if seen[term] {
				continue
			}
			seen[term] = true
			w := float64(1+rng.IntN(weights)) / 7
			order = append(order, weighKey{w: w, pre: termPrefix(term), i: int32(len(all))})
			all = append(all, tfEntry{term: term})
		}
		if seed%5 == 0 { // sorted input, then reversed
			slices.SortFunc(order, func(a, b weighKey) int { return strings.Compare(all[a.i].term, all[b.i].term) })
			if seed%10 == 5 {
				slices.Reverse(order)
			}
		}
		want := slices.Clone(order)
		slices.SortFunc(want, func(a, b weighKey) int {
			switch {
			case a.w != b.w:
				return cmpDesc(a.w, b.w)
			}
			return strings.Compare(all[a.i].term, all[b.i].term)
		})
		got := slices.Clone(order)
		keyOrder(all).sort(got)
		if diff := cmp.Diff(want, got, cmp.AllowUnexported(weighKey{})); diff != "" {
			t.Fatalf("seed %d: keyOrder.sort differs (-SortFunc +keyOrder.sort):\n%s", seed, diff)
		}
	}
}

// TestWeighByWeight: with tiesAnyOrder, weigh selects the same terms as
// with a full sort, with the same weights in the same order (so every sum
// over the list is the same to the last bit); only terms of the same
// weight may change places among themselves. On terms of the sample KB
// and terms in no document, with postings budgets that cut runs of equal
// weight and limits that cut the list.
func TestWeighByWeight(t *testing.T) {
	k, m, known := sampleGrams(t)
	ctx := context.Background()
	for seed := range 30 {
		tf := map[string]float64{}
		for i := range 20 + seed*30 {
			if i%3 == 0 || seed%2 == 0 {
				tf[known[(i*31+seed*7)%len(known)]] += float64(1 + i%4)
			} else {
				tf[fmt.Sprintf("x%03d", (i*17+seed)%997)] += float64(1 + (i+seed)%3)
			}
		}
		for _, budget := range []uint64{1500, 40, 20, 3} {
			for _, max := range []int{96, 10, 1} {
				var lists [2][]qterm
				for j, anyOrder := range []bool{false, true} {
					p := defaultParams()
					p.maxPostings = budget
					s := &searcher{k: k, p: p, be: m, sc: &scratch{}, tiesAnyOrder: anyOrder}
					var tab tfTable
					for term, f := range tf {
						tab.add(term, f, nil)
					}
					got, err := s.weigh(ctx, profNgramField(German), &tab, 0, m.langs[German].n, max, nil)
					if err != nil {
						t.Fatal(err)
					}
					lists[j] = got
				}
				full, byW := lists[0], lists[1]
				if len(full) != len(byW) {
					t.Fatalf("seed %d, budget %d, max %d: %d terms, full sort %d", seed, budget, max, len(byW), len(full))
				}
				for i := 0; i < len(full); {
					j := i
					for j < len(full) && full[j].w == full[i].w {
						j++
					}
					a, b := slices.Clone(full[i:j]), slices.Clone(byW[i:j])
					byTerm := func(x, y qterm) int { return strings.Compare(x.term, y.term) }
					slices.SortFunc(a, byTerm)
					slices.SortFunc(b, byTerm)
					if diff := cmp.Diff(a, b, cmp.AllowUnexported(qterm{}), sameHits); diff != "" {
						t.Fatalf("seed %d, budget %d, max %d: terms of weight %v differ (-full sort +by weight):\n%s", seed, budget, max, full[i].w, diff)
					}
					i = j
				}
			}
		}
	}
}

// TestPartsSameAsSortSlice: the reason's part names, made from the kinds
// of the parts near the best without computing every similarity, are
// those the old way made (every similarity, sorted by sort.Slice), on
// candidates with up to 12 parts of three kinds and many equal
// similarities.
func TestPartsSameAsSortSlice(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for seed := range 2000 {
		s := &searcher{p: defaultParams(), sc: &scratch{}}
		n := 1 + rng.IntN(12)
		c := &cand{id: "a", from: 0, n: int32(n), prof: rng.Float64(), body: float64(rng.IntN(3)) / 2}
		covs := []float64{0, 0.25, 0.5, 1} // few values: many equal similarities
		for range n {
			ph := partHits{size: partSize{kind: "tgqq"[rng.IntN(4)], words: 1 + rng.IntN(6), grams: 1 + rng.IntN(30)}}
			if rng.IntN(5) > 0 {
				ph.cov[ofWords], ph.n[ofWords] = covs[rng.IntN(len(covs))], int32(rng.IntN(4))
				ph.cov[ofGrams], ph.n[ofGrams] = covs[rng.IntN(len(covs))], int32(rng.IntN(8))
			}
			s.sc.parts = append(s.sc.parts, ph)
		}
		for i := range s.sc.parts {
			ph := &s.sc.parts[i]
			if ph.n == [2]int32{} {
				continue
			}
			ph.bound = s.simBound(ph)
			c.best = max(c.best, s.sim(ph))
			if seed%2 == 0 {
				ph.simDone = false // half the cases compute them again
			}
		}
		// The old way: every similarity, sorted by sort.Slice.
		want := partNames(s.kindsBySort(c))
		if c.body > 0 && c.body >= 0.5*c.prof {
			want = append(want, "body")
		}
		if got := string(s.appendParts(nil, c)); got != strings.Join(want, ", ") {
			sims, kinds := s.sims(c)
			t.Fatalf("seed %d: parts %q, the old way %q (sims %v, kinds %q)", seed, got, want, sims, kinds)
		}
	}
}

// partNames returns the names of kinds, each once, in order: what the
// reasons named before appendParts.
func partNames(kinds []byte) []string {
	var names []string
	for _, kind := range kinds {
		if name := partName(kind); !slices.Contains(names, name) {
			names = append(names, name)
		}
	}
	return names
}
