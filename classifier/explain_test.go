package classifier

import (
	"context"
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite golden files")

// explainModels trains the intent and the sentiment model on the demo
// corpus with a fixed C, so that their weights do not depend on the
// choice of C or on calibration.
func explainModels(tb testing.TB) []*Model {
	tb.Helper()
	var ms []*Model
	for _, field := range []string{"intent", "sentiment"} {
		train := loadJSONL(tb, "../testdata/demo/train.jsonl", "lang", "de", field)
		train = append(train, loadJSONL(tb, "../testdata/demo/train.jsonl", "lang", "en", field)...)
		m, err := Train(context.Background(), train, Options{C: 1, Folds: 2})
		if err != nil {
			tb.Fatal(err)
		}
		ms = append(ms, m)
	}
	return ms
}

// explainTexts are the demo inbox's texts and the differential tests'
// hand-picked ones.
func explainTexts(tb testing.TB) []string {
	tb.Helper()
	var texts []string
	for _, ex := range loadJSONL(tb, "../testdata/demo/inbox.jsonl", "lang", "de", "text") {
		texts = append(texts, ex.Label)
	}
	for _, ex := range loadJSONL(tb, "../testdata/demo/inbox.jsonl", "lang", "en", "text") {
		texts = append(texts, ex.Label)
	}
	return append(texts, diffTexts...)
}

// TestExplainGolden explains, for the demo models, every demo inbox text
// for its predicted label and two more, and compares the features and
// their weights (full precision) with the golden file. -update writes the
// file with the reference implementation (refExplain, the explanation as
// it was before it worked from the prediction's features), so that the
// file stays the old code's output when training changes the models.
func TestExplainGolden(t *testing.T) {
	ms := explainModels(t)
	write := func(explain func(m *Model, text, label string, n int) []Contribution) string {
		var b strings.Builder
		for mi, m := range ms {
			for ti, text := range explainTexts(t) {
				labels := m.Labels()
				if p := m.Predict(text); p.Label != "" {
					labels = append([]string{p.Label}, labels...)
				}
				for _, l := range labels[:min(3, len(labels))] {
					fmt.Fprintf(&b, "model %d text %d label %s:", mi, ti, l)
					for _, c := range explain(m, text, l, 7) {
						fmt.Fprintf(&b, " %s=%s", c.Feature, strconv.FormatFloat(c.Weight, 'g', -1, 64))
					}
					b.WriteString("\n")
				}
			}
		}
		return b.String()
	}
	path := filepath.Join("testdata", "explain.golden")
	if *update {
		ref := write((*Model).refExplain)
		if err := os.WriteFile(path, []byte(ref), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./classifier -run TestExplainGolden -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), write((*Model).Explain)); diff != "" {
		t.Errorf("explanations differ from %s (-want +got):\n%s", path, diff)
	}
}

// explainDiff checks, for every label of every model and n of 2 and
// 1000, that Explain, ExplainText and ExplainFeatures (with features
// computed by each model of from) give text's reference explanation bit
// for bit.
func explainDiff(t *testing.T, from, ms []*Model, text string) {
	t.Helper()
	pt := PrepareText(text)
	fs := make([]*Features, len(from))
	for i, m := range from {
		fs[i] = m.Features(pt)
		defer fs[i].Release()
	}
	for mi, m := range ms {
		for _, l := range append(m.Labels(), "no_such_label") {
			// The reference's list for a smaller n is a prefix of this.
			all := m.refExplain(text, l, 1000)
			for _, n := range []int{2, 1000} {
				want := all
				if len(want) > n {
					want = want[:n]
				}
				check := func(name string, got []Contribution) {
					t.Helper()
					if !sameContributions(got, want) {
						t.Fatalf("model %d (options %+v), label %s, n %d, text %.60q:\n%s = %v\nreference %v",
							mi, m.fo, l, n, text, name, got, want)
					}
				}
				check("Explain", m.Explain(text, l, n))
				check("ExplainText", m.ExplainText(pt, l, n))
				for i, f := range fs {
					check(fmt.Sprintf("ExplainFeatures(features of model %d, shared %v)", i, m.SharesFeatures(from[i])), m.ExplainFeatures(f, l, n))
				}
			}
		}
		if got := m.Explain(text, m.labels[0], 0); got != nil {
			t.Fatalf("Explain(%.60q, %s, 0) = %v, want nil", text, m.labels[0], got)
		}
	}
}

// sameContributions reports whether a and b agree in every feature and
// bit, and in being nil.
func sameContributions(a, b []Contribution) bool {
	if (a == nil) != (b == nil) || len(a) != len(b) {
		return false
	}
	for i, x := range a {
		if x.Feature != b[i].Feature || math.Float64bits(x.Weight) != math.Float64bits(b[i].Weight) {
			return false
		}
	}
	return true
}

func TestExplainMatchesReference(t *testing.T) {
	texts := append([]string(nil), diffTexts...)
	for _, ex := range corpus {
		texts = append(texts, ex.Text)
	}
	rng := rand.New(rand.NewPCG(9, 10))
	for range 60 {
		texts = append(texts, mutate(rng, texts))
	}
	// The same texts again, now served from the word caches (but the
	// long text only once: it is the slowest to check).
	for _, text := range texts {
		if len(text) < 1000 {
			texts = append(texts, text)
		}
	}
	for _, fo := range diffOptions {
		ms := sharedModels(t, fo)
		nb, err := Train(context.Background(), corpus, Options{Kind: NB, Features: fo})
		if err != nil {
			t.Fatal(err)
		}
		ms = append(ms, nb)
		for _, text := range texts {
			explainDiff(t, ms[:2], ms, text)
		}
	}
}

// TestExplainMatchesReferenceDemo compares the explanations of the demo
// models with the reference over the demo inbox and the mails of
// bench/batch.sh (when generated).
func TestExplainMatchesReferenceDemo(t *testing.T) {
	ms := explainModels(t)
	texts := explainTexts(t)
	if !testing.Short() {
		if _, err := os.Stat("../bench/out/batch/mail100000/new/"); err == nil {
			texts = append(texts, demoMails(t, 150)...)
		}
	}
	for _, text := range texts {
		explainDiff(t, ms[:1], ms, text)
	}
}

func FuzzExplainMatchesReference(f *testing.F) {
	for _, s := range diffTexts[:len(diffTexts)-1] {
		f.Add(s)
	}
	for _, ex := range corpus {
		f.Add(ex.Text)
	}
	ms := sharedModels(f, FeatureOptions{})
	var mu sync.Mutex
	f.Fuzz(func(t *testing.T, text string) {
		mu.Lock()
		defer mu.Unlock()
		explainDiff(t, ms[:1], ms, text)
	})
}

// refBlockScales computes the block scales of text as vectorize does.
func refBlockScales(m *Model, text string) [2]float32 {
	ex := newExtractor(m.fo)
	var r raw
	ex.extract(text, &r)
	var norm [2]float64
	for i, k := range r.keys {
		c := m.voc.lookup(k >> 1)
		if c < 0 || m.voc.block[c] != uint8(k&1) {
			continue
		}
		x := sublinear(int(r.counts[i])) * float64(m.voc.idf[c])
		norm[k&1] += x * x
	}
	var scale [2]float64
	for b := range norm {
		if norm[b] > 0 {
			scale[b] = 1 / math.Sqrt(norm[b])
		}
	}
	scale[blockChar] *= m.fo.CharWeight
	return [2]float32{float32(scale[0]), float32(scale[1])}
}

// TestBlockScalesMatchReference checks the block scales Explain uses bit
// for bit, both from the prediction's norms and (the fallback) summed
// again in column order. Differences in the norms' last bits are hidden
// from the other explanation tests where they do not change the scales.
// A text with a word more than 65,535 times has its count cut.
func TestBlockScalesMatchReference(t *testing.T) {
	ms := explainModels(t)
	texts := explainTexts(t)
	rng := rand.New(rand.NewPCG(11, 12))
	for range 600 {
		texts = append(texts, mutate(rng, texts))
	}
	texts = append(texts, strings.Repeat("paket ", 70000)+"nicht da")
	clamped := 0
	for _, m := range ms {
		for _, text := range texts {
			pt := PrepareText(text)
			f := m.Features(pt)
			if !f.empty {
				want := refBlockScales(m, text)
				if got := m.blockScales(f.s); got != want {
					t.Fatalf("text %.60q: block scales %v, reference %v", text, got, want)
				}
				if got := m.blockScalesSorted(f.s); got != want {
					t.Fatalf("text %.60q: block scales summed in column order %v, reference %v", text, got, want)
				}
				if f.s.fclamped {
					clamped++
				}
			}
			f.Release()
		}
	}
	if clamped != len(ms) {
		t.Errorf("%d texts with a count cut, want %d", clamped, len(ms))
	}
}

func TestSortByColumn(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 14))
	var dst []featRef
	var counts []int32
	for _, d := range []int{1, 2, 7, 1000, 1 << 20} {
		for _, n := range []int{0, 1, 2, 5, 100, 3000} {
			if n > d {
				continue
			}
			refs := make([]featRef, n)
			for i, c := range rng.Perm(d)[:n] {
				refs[i] = featRef{c: int32(c), tok: int32(i)}
			}
			dst, counts = sortByColumn(dst, refs, d, counts)
			want := slices.Clone(refs)
			slices.SortFunc(want, func(a, b featRef) int { return int(a.c - b.c) })
			if !slices.Equal(dst, want) {
				t.Fatalf("d %d, n %d: sortByColumn = %v, want %v", d, n, dst, want)
			}
		}
	}
}

// TestExplainCountCut explains a text with a word more than 65,535 times,
// whose count the reference cuts to 65,535.
func TestExplainCountCut(t *testing.T) {
	m := explainModels(t)[0]
	text := strings.Repeat("paket ", 70000) + "nicht da"
	for _, l := range m.Labels()[:4] {
		if got, want := m.Explain(text, l, 5), m.refExplain(text, l, 5); !sameContributions(got, want) {
			t.Errorf("label %s: Explain = %v, reference %v", l, got, want)
		}
	}
}

// TestExplainNamesWithoutWordCache explains with the word cache emptied
// after the features were computed, as when it is dropped for its size in
// the middle of a text: character n-grams are then named by hashing the
// token's n-grams again.
func TestExplainNamesWithoutWordCache(t *testing.T) {
	ms := explainModels(t)
	for _, text := range explainTexts(t) {
		for _, m := range ms {
			pt := PrepareText(text)
			f := m.Features(pt)
			f.s.words = wordTable{}
			for _, l := range m.Labels() {
				if got, want := m.ExplainFeatures(f, l, 5), m.refExplain(text, l, 5); !sameContributions(got, want) {
					t.Fatalf("text %.60q, label %s: ExplainFeatures = %v, reference %v", text, l, got, want)
				}
			}
			f.Release()
		}
	}
}
