package kb

import (
	"math"
	"slices"
	"testing"
)

// TestSearchSameAsOldIntents: Search gives exactly what the old search
// gave for intent distributions of every shape: none positive, only
// intents no article has, a single intent, every intent of the
// knowledge base (looked up by the index's intent numbers) and more
// than it has (read from the map), odd probabilities (NaN, infinities,
// above 1), each with the intent weights that matter.
func TestSearchSameAsOldIntents(t *testing.T) {
	_, k := importSample(t)
	m, err := k.memory(k.idx)
	if err != nil {
		t.Fatal(err)
	}
	if len(m.intentNames) < 5 {
		t.Fatalf("sample KB has %d intents, want several", len(m.intentNames))
	}
	all := map[string]float64{}
	many := map[string]float64{}
	for i, in := range m.intentNames {
		all[in] = 0.01 + 0.05*float64(i%7)
		many[in] = 0.02 * float64(i%3)
	}
	for i := range 2*len(m.intentNames) + 10 {
		many["unknown_"+string(rune('a'+i%26))+string(rune('a'+i/26))] = 0.3
	}
	first := m.intentNames[0]
	dists := []map[string]float64{
		nil,
		{},
		{"unknown_intent": 0.9},
		{"unknown_intent": 0.9, first: 0},
		{first: 0.7},
		{first: -1, m.intentNames[1]: 0},
		{first: math.NaN(), m.intentNames[1]: math.Inf(1), m.intentNames[2]: 1.5},
		{first: math.Inf(-1), m.intentNames[1]: 0.2, "x": 0.2},
		all,
		many,
	}
	texts := []Query{
		{Text: "Mein Paket ist nicht angekommen", Lang: "de"},
		{Subject: "refund", Text: "I want my money back for the broken vase", Lang: "en"},
		{Text: "Hallo", Lang: "und"},
		{Text: "xyzzy qwertz"},
	}
	for _, q := range texts {
		for _, d := range dists {
			for _, w := range []float64{0, 0.3, -1, 1, 2} {
				for _, size := range []int{1, 3, MaxSize} {
					q := q
					q.Intents, q.IntentWeight, q.Size = d, w, size
					checkSameAsOld(t, k, q)
				}
			}
		}
	}
	// The intent numbers name the intents in order, with their articles.
	if !slices.IsSorted(m.intentNames) {
		t.Errorf("intent names not sorted: %v", m.intentNames)
	}
	for j, in := range m.intentNames {
		if !slices.Equal(m.intentArts[j], m.intents[in]) || m.intentNo[in] != int32(j) {
			t.Errorf("intent %d (%s): articles %v, want %v", j, in, m.intentArts[j], m.intents[in])
		}
	}
	for i, a := range m.arts {
		var names []string
		for _, j := range m.artIntents[i] {
			names = append(names, m.intentNames[j])
		}
		if !slices.Equal(names, a.Intents) {
			t.Errorf("article %s: intents by number %v, want %v", a.ID, names, a.Intents)
		}
	}
}
