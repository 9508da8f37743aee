package kb

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

// TestSearchSameAsOldLazyBest: finish computes the best part
// similarity only of the candidates that can be among the ranked
// candidates or the hits returned (topText, topHits), and still gives
// what the old search gave: on a synthetic KB with many candidates per
// query, for every size from 1 (most candidates left out) to MaxSize,
// with and without intents and intent weights, and with parameters for
// which the bounds are not known to hold (every similarity computed).
func TestSearchSameAsOldLazyBest(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	arts, k := synthKB(t, 300, rng)
	var qs []Query
	for i := range 120 {
		a := arts[rng.IntN(len(arts))]
		words := strings.Fields(a.Title + " " + a.Questions[i%len(a.Questions)] + " " + a.Body)
		rng.Shuffle(len(words), func(i, j int) { words[i], words[j] = words[j], words[i] })
		q := Query{Text: strings.Join(words[:min(len(words), 2+i%30)], " "), Size: []int{1, 2, 3, 5, MaxSize}[i%5]}
		switch i % 3 {
		case 0:
			q.Intents = map[string]float64{a.Intents[0]: 0.9, "intent_1": 0.4}
			q.IntentWeight = []float64{0, 0.2, 0.9, 1}[i%4]
		case 1:
			q.Intents = map[string]float64{"intent_2": 0.3}
		}
		qs = append(qs, q)
	}
	base := defaultParams()
	odd := []func(p *params){
		func(p *params) {},
		func(p *params) { p.covExp = 1 },
		func(p *params) { p.covExp = 1.5 },    // powers shrink with coverage: no bounds
		func(p *params) { p.wordShare = 1.2 }, // a negative share of n-grams
		func(p *params) { p.profShare = 1.1 },
		func(p *params) { p.bodyWeight = 2 },
		func(p *params) { p.profShare, p.bodyWeight = 0, 1 },
	}
	for i, set := range odd {
		p := base
		set(&p)
		k.p = &p
		if got := boundsHold(p); i < 2 || i == 6 {
			if !got {
				t.Fatalf("params %d: bounds do not hold, want them to", i)
			}
		} else if got {
			t.Fatalf("params %d: bounds hold, want not", i)
		}
		t.Run(fmt.Sprintf("params %d", i), func(t *testing.T) {
			for _, q := range qs {
				checkSameAsOld(t, k, q)
			}
		})
	}
	k.p = nil
}
