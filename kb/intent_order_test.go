package kb

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"sort"
	"testing"
)

// TestOrderIntentsByNoSameAsByName: ordering by intent number gives the
// intents the in-memory index has (number >= 0) in the order of
// orderIntents (by probability, then name), which is all linkedArts
// reads; intents it has not (number -1) may be anywhere. Numbers follow
// the sorted names, as numberIntents gives them; many probabilities tie;
// both the insertion and the SortFunc path (more than 16 intents).
func TestOrderIntentsByNoSameAsByName(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for seed := range 200 {
		var names []string
		for i := range 40 {
			names = append(names, fmt.Sprintf("intent%02d", i))
		}
		known := names[:20+rng.IntN(20)] // the index's intents, sorted: their numbers
		var byP []intentP
		for _, i := range rng.Perm(len(names))[:1+rng.IntN(30)] {
			no := int32(-1)
			if i < len(known) {
				no = int32(i)
			}
			byP = append(byP, intentP{name: names[i], p: float64(1+rng.IntN(4)) / 4, no: no})
		}
		byName := slices.Clone(byP)
		orderIntents(byName, make([]string, len(byName)))
		byNo := slices.Clone(byP)
		orderIntentsByNo(byNo)
		knownOf := func(x []intentP) (out []string) {
			for _, in := range x {
				if in.no >= 0 {
					out = append(out, in.name)
				}
			}
			return out
		}
		want, got := knownOf(byName), knownOf(byNo)
		if !slices.Equal(got, want) {
			t.Fatalf("seed %d: by number %v, by name %v", seed, got, want)
		}
		if !sort.SliceIsSorted(byNo, func(i, j int) bool { return byNo[i].p > byNo[j].p }) {
			t.Fatalf("seed %d: not most likely first: %v", seed, byNo)
		}
	}
}
