package kb

import (
	"math"
	"slices"
	"strings"
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

// FuzzSearchSameAsOldIntents: on any message and intent distribution
// (intent names, the sample KB's or any, with probabilities from the
// fuzzer's bytes), Search gives exactly what the old search gave, on the
// sample KB read-only.
func FuzzSearchSameAsOldIntents(f *testing.F) {
	f.Add("Mein Paket ist nicht angekommen", "parcel_missing,complaint,praise", []byte{200, 30, 10}, 3, 0.0)
	f.Add("refund for the broken vase", "damaged_item,unknown", []byte{0, 255}, 1, -1.0)
	f.Add("Passwort vergessen", "", []byte{}, 5, 0.5)
	f.Add("Lieferung Rechnung Kündigung", "0,1,2,3,4,5,6,7,8,9", []byte{90, 20, 140, 220, 20, 0, 21, 60, 60, 5}, 4, 0.3)
	f.Add("hello", "a,b,c,d,e,f,g,h,i,j,k,l,m,n,o,p,q,r,s,t,u,v,w,x,y,z,praise", []byte{1, 2, 3}, 2, 2.0)
	_, k := importSample(f)
	m, err := k.memory(k.idx)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, text, names string, probs []byte, size int, weight float64) {
		q := Query{Text: text, Size: size, IntentWeight: weight}
		if names != "" {
			q.Intents = map[string]float64{}
			for i, in := range strings.Split(names, ",") {
				if len(in) == 1 && in[0] >= '0' && in[0] <= '9' { // a digit names one of the KB's intents
					in = m.intentNames[int(in[0]-'0')%len(m.intentNames)]
				}
				p := 0.5
				if i < len(probs) {
					p = float64(probs[i])/200 - 0.1 // some at or below 0, some above 1
				}
				q.Intents[in] = p
			}
		}
		checkSameAsOld(t, k, q)
	})
}
