package classifier

import (
	"context"
	"math"
	"strings"
	"testing"
)

// referenceProbs computes probabilities the straightforward way: sorted,
// counted features, vectorised, scored in float64 — the definition the
// fast path in scoreInto must reproduce.
func referenceProbs(m *Model, text string) []float64 {
	ex := newExtractor(m.fo)
	var r raw
	ex.extract(text, &r)
	out := make([]float64, len(m.labels))
	if len(ex.toks) == 0 {
		return out
	}
	var v sparse
	m.voc.vectorize(&r, m.fo.CharWeight, &v)
	m.rawScores(&v, out)
	m.probabilities(out)
	return out
}

func TestFastPathMatchesReference(t *testing.T) {
	for _, fo := range []FeatureOptions{{}, {NoStem: true, NoNegation: true}, {NoChars: true}, {CharWeight: 0.5, NoBigrams: true}} {
		m, err := Train(context.Background(), corpus, Options{Features: fo})
		if err != nil {
			t.Fatal(err)
		}
		texts := []string{
			"Wo bleibt meine Bestellung 4711? Meine Bestellung ist nicht da, nicht da!",
			"password password password reset reset",
			"I can't log in, not working, never got the email",
			"Kündigung Kündigung Kündigung!!! kein Paket, keine Antwort",
			"unbekannte wörter überall xyzzy",
			"a", "🙂🙂", "4711 0815 max@example.de",
			strings.Repeat("Paket nicht angekommen ", 2000),
		}
		for _, ex := range corpus {
			texts = append(texts, ex.Text)
		}
		// The same texts again: now served from the word cache.
		texts = append(texts, texts...)
		for _, text := range texts {
			got := m.Probabilities(text)
			want := referenceProbs(m, text)
			for j := range want {
				if math.Abs(got[j]-want[j]) > 1e-4 {
					t.Errorf("options %+v, text %.40q: P(%s) = %v, reference %v", fo, text, m.labels[j], got[j], want[j])
					break
				}
			}
		}
	}
}
