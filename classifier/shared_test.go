package classifier

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"sync"
	"testing"
)

// relabel returns examples with the same texts and labels cycling through
// n new ones: a model trained on them has the feature space of one
// trained on examples, and other weights and labels.
func relabel(examples []Example, n int) []Example {
	out := make([]Example, len(examples))
	for i, ex := range examples {
		out[i] = Example{Text: ex.Text, Label: fmt.Sprintf("l%d", i%n)}
	}
	return out
}

// samePrediction reports whether a and b agree in every label and bit.
func samePrediction(a, b Prediction) bool {
	if a.Label != b.Label || a.Abstain != b.Abstain ||
		math.Float64bits(a.Confidence) != math.Float64bits(b.Confidence) ||
		len(a.Alternatives) != len(b.Alternatives) {
		return false
	}
	for i, x := range a.Alternatives {
		y := b.Alternatives[i]
		if x.Label != y.Label || math.Float64bits(x.Confidence) != math.Float64bits(y.Confidence) {
			return false
		}
	}
	return true
}

// sharedDifferential computes each text's Features with one model and
// scores them with several, some sharing its feature space and some not,
// checking every prediction bit for bit against the reference of
// prepared_test.go. The reference scratches keep their word caches across
// texts, as does the Features' scratch in the first model's pool.
type sharedDifferential struct {
	from   *Model
	models []*Model
	refs   []*scratch
}

func newSharedDifferential(from *Model, models ...*Model) *sharedDifferential {
	d := &sharedDifferential{from: from, models: models}
	for _, m := range models {
		d.refs = append(d.refs, newScratch(m))
	}
	return d
}

// check scores text with the models in the order given by perm (all in
// order when nil).
func (d *sharedDifferential) check(t *testing.T, text string, perm []int) {
	t.Helper()
	pt := PrepareText(text)
	f := d.from.Features(pt)
	defer f.Release()
	for i := range d.models {
		if perm != nil {
			i = perm[i]
		}
		m := d.models[i]
		top := m.refScoreInto(text, d.refs[i])
		want := m.decide(d.refs[i].scores, -1, top)
		if got := m.PredictFeatures(f, -1); !samePrediction(got, want) {
			t.Fatalf("model %d (options %+v, shares %v), text %.60q: PredictFeatures %+v, reference %+v",
				i, m.fo, m.SharesFeatures(d.from), text, got, want)
		}
	}
}

// sharedModels trains, for feature options fo, a model on corpus, two
// more on its texts relabelled (sharing its feature space), one with other
// options and one on fewer texts (not sharing it).
func sharedModels(tb testing.TB, fo FeatureOptions) []*Model {
	tb.Helper()
	other := fo
	other.NoBigrams = !other.NoBigrams
	sets := []struct {
		examples []Example
		fo       FeatureOptions
	}{
		{corpus, fo}, {relabel(corpus, 2), fo}, {relabel(corpus, 3), fo},
		{corpus, other}, {corpus[:len(corpus)-3], fo},
	}
	var ms []*Model
	for _, set := range sets {
		m, err := Train(context.Background(), set.examples, Options{Features: set.fo})
		if err != nil {
			tb.Fatal(err)
		}
		ms = append(ms, m)
	}
	return ms
}

func TestSharesFeatures(t *testing.T) {
	ms := sharedModels(t, FeatureOptions{})
	for i, want := range []bool{true, true, true, false, false} {
		for _, pair := range [][2]*Model{{ms[0], ms[i]}, {ms[i], ms[0]}} {
			if got := pair[0].SharesFeatures(pair[1]); got != want {
				t.Errorf("model 0 and %d: SharesFeatures = %v, want %v", i, got, want)
			}
			// Again, now from the remembered result.
			if got := pair[0].SharesFeatures(pair[1]); got != want {
				t.Errorf("model 0 and %d again: SharesFeatures = %v, want %v", i, got, want)
			}
		}
	}
	// A fingerprint collision: equal fingerprints, other vocabulary.
	forged := &Model{labels: ms[4].labels, fo: ms[4].fo, voc: ms[4].voc, pc: ms[4].pc, fp: ms[0].fp}
	if forged.SharesFeatures(ms[0]) || ms[0].SharesFeatures(forged) {
		t.Error("SharesFeatures trusts a fingerprint collision")
	}
	th, err := ms[1].WithThresholds(0.9, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !th.SharesFeatures(ms[1]) || !th.SharesFeatures(ms[0]) {
		t.Error("WithThresholds copy does not share its model's feature space")
	}
	// Decoding keeps the fingerprint.
	b, err := ms[2].MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	var dec Model
	if err := dec.UnmarshalBinary(b); err != nil {
		t.Fatal(err)
	}
	if dec.fp != ms[2].fp || !dec.SharesFeatures(ms[0]) {
		t.Error("decoded model does not share the feature space it was trained with")
	}
}

func TestPredictFeaturesMatchesReference(t *testing.T) {
	texts := append([]string(nil), diffTexts...)
	for _, ex := range corpus {
		texts = append(texts, ex.Text)
	}
	rng := rand.New(rand.NewPCG(5, 6))
	for range 300 {
		texts = append(texts, mutate(rng, texts))
	}
	texts = append(texts, texts...)
	for _, fo := range diffOptions {
		ms := sharedModels(t, fo)
		// Features from the first model and from a sharing one; the
		// models score in varying order, so that the word entries'
		// second-model sums change hands.
		for _, from := range ms[:2] {
			d := newSharedDifferential(from, ms...)
			for _, text := range texts {
				d.check(t, text, rng.Perm(len(ms)))
			}
		}
	}
}

// TestPredictFeaturesWordTableGrows lets the word table of the Features'
// scratch grow and be dropped while a second model's sums are cached in
// its entries.
func TestPredictFeaturesWordTableGrows(t *testing.T) {
	ms := sharedModels(t, FeatureOptions{})
	d := newSharedDifferential(ms[0], ms[1], ms[0], ms[2])
	rng := rand.New(rand.NewPCG(7, 8))
	word := func() string {
		b := make([]byte, 4+rng.IntN(6))
		for i := range b {
			b[i] = byte('a' + rng.IntN(26))
		}
		return string(b)
	}
	var texts []string
	for i := range 3000 {
		texts = append(texts, fmt.Sprintf("paket %s nicht %s %s", word(), word(), corpus[i%len(corpus)].Text))
	}
	for _, text := range append(texts, texts...) {
		d.check(t, text, nil)
	}
}

func FuzzPredictFeaturesMatchesReference(f *testing.F) {
	for _, s := range diffTexts[:len(diffTexts)-1] {
		f.Add(s)
	}
	for _, ex := range corpus {
		f.Add(ex.Text)
	}
	var ds []*sharedDifferential
	for _, fo := range diffOptions[:3] {
		ms := sharedModels(f, fo)
		ds = append(ds, newSharedDifferential(ms[0], ms...))
	}
	var mu sync.Mutex
	f.Fuzz(func(t *testing.T, text string) {
		mu.Lock()
		defer mu.Unlock()
		for _, d := range ds {
			d.check(t, text, nil)
		}
	})
}
