package classifier

import (
	"context"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"mime/quotedprintable"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"

	"github.com/antwort-dev/antwort/internal/nlp"
	"github.com/google/go-cmp/cmp"
)

// refScoreInto is scoreInto as it was before Text: the reference the
// prepared-text path must match bit for bit. It leaves calibrated probabilities in s.scores, or all zeros when
// the text has no known feature and no token.
func (m *Model) refScoreInto(text string, s *scratch) float64 {
	ex := s.ex
	ex.folded.Reset()
	nlp.FoldAppend(&ex.folded, text)
	ex.toks = nlp.AppendTokens(ex.toks[:0], ex.folded.String())
	if len(ex.toks) == 0 {
		clear(s.scores)
		return 0
	}
	fo := &m.fo
	lang := nlp.Undetermined
	if !fo.NoStem {
		lang = nlp.DetectTokens(ex.toks, nlp.CountUmlauts(text))
	}
	pc, cnt := m.pc, s.cnt
	idx := s.vec.idx[:0]
	add := func(c int32) {
		if c < 0 {
			return
		}
		if cnt[c] == 0 {
			idx = append(idx, c)
		}
		cnt[c]++
	}
	chars := s.chars
	clear(chars)
	var prev uint64
	negLeft := 0
	for i, t := range ex.toks {
		w := refWord(m, s, t)
		if !fo.NoNegation {
			punct := t == "!" || t == "?" || t == "!!" || t == "??"
			if negLeft > 0 && t[0] != '<' && !punct {
				add(w.neg)
				negLeft--
			} else if punct {
				negLeft = 0
			}
			if negators[t] {
				negLeft = 3
			}
		}
		add(w.uni)
		if !fo.NoBigrams {
			if i > 0 {
				add(m.column(hashPair(prev, w.hw), blockWord))
			}
			prev = w.hw
		}
		if !fo.NoStem && lang != nlp.Undetermined {
			if st := ex.stem(lang, t); st != t {
				add(m.column(hashBytes(nsStem, st), blockWord))
			}
		}
		for _, c := range w.chars {
			add(c)
		}
		if w.v != nil {
			v := w.v[:len(chars)]
			for j := range chars {
				chars[j] += v[j]
			}
		}
	}
	val := slices.Grow(s.vec.val[:0], len(idx))[:len(idx)]
	var norm [2]float64
	for i, c := range idx {
		x := sublinear(int(cnt[c])) * float64(pc[c].idf)
		norm[pc[c].block] += x * x
		val[i] = float32(x)
	}
	var scale [2]float32
	for b := range norm {
		if norm[b] > 0 {
			scale[b] = float32(1 / math.Sqrt(norm[b]))
		}
	}
	scale[blockChar] *= float32(fo.CharWeight)
	out := s.acc
	copy(out, m.bias)
	// Word features one by one; character n-grams through the per-word
	// sums, corrected for n-grams that occur more than once in the text
	// (their weight is sublinear in the count, the sums' linear).
	for i, c := range idx {
		p := pc[c]
		var x float32
		if p.block == blockWord {
			x = val[i] * scale[blockWord]
		} else if n := cnt[c]; n > 1 {
			x = float32((sublinear(int(n))-float64(n))*float64(p.idf)) * scale[blockChar]
		}
		cnt[c] = 0
		if x != 0 {
			m.addRow(out, c, x)
		}
	}
	if sc := scale[blockChar]; sc != 0 {
		for j, v := range chars {
			out[j] += sc * v
		}
	}
	s.vec.idx, s.vec.val = idx, val
	for j, x := range out {
		s.scores[j] = float64(x)
	}
	return m.probabilities(s.scores)
}

// refWordEntry is what the word cache held per token before Text.
type refWordEntry struct {
	hw       uint64
	uni, neg int32
	chars    []int32
	v        []float32
}

// refWord computes the word entry of token t without any cache, as the
// word cache did on a miss before Text.
func refWord(m *Model, s *scratch, t string) *refWordEntry {
	k := len(m.labels)
	w := &refWordEntry{hw: hashBytes(nsWord, t)}
	w.uni = m.column(w.hw, blockWord)
	w.neg = m.column(hashBytes(nsNeg, t), blockWord)
	if !m.fo.NoChars && t[0] != '<' && utf8.RuneCountInString(t) > 1 {
		ex := s.ex
		ex.keys = ex.keys[:0]
		ex.charGrams(t)
		for _, key := range ex.keys {
			c := m.voc.lookup(key >> 1)
			if c < 0 || m.pc[c].block != uint8(key&1) {
				continue
			}
			w.chars = append(w.chars, c)
		}
		if len(w.chars) > 0 {
			w.v = make([]float32, k)
			for _, c := range w.chars {
				m.addRow(w.v, c, m.pc[c].idf)
			}
		}
	}
	return w
}

// newScratch returns scratch space for m outside its pool.
func newScratch(m *Model) *scratch {
	var p scratchPool
	return p.get(m.fo, len(m.labels), len(m.voc.keys))
}

// differential scores texts with the prepared-text path and the reference
// and reports the first text whose probabilities or prediction differ in
// any bit. ref and got keep their word caches across texts, as in use.
type differential struct {
	m        *Model
	ref, got *scratch
}

func newDifferential(m *Model) *differential {
	return &differential{m: m, ref: newScratch(m), got: newScratch(m)}
}

func (d *differential) check(t *testing.T, text string) {
	t.Helper()
	m := d.m
	top := m.refScoreInto(text, d.ref)
	pt := PrepareText(text)
	if got, want := pt.Lang(), nlp.Detect(text); got != want {
		t.Fatalf("PrepareText(%.60q).Lang() = %q, nlp.Detect %q", text, got, want)
	}
	m.scoreInto(pt, d.got)
	for j := range d.ref.scores {
		if math.Float64bits(d.got.scores[j]) != math.Float64bits(d.ref.scores[j]) {
			t.Fatalf("options %+v, text %.60q: P(%s) = %v, reference %v", m.fo, text, m.labels[j], d.got.scores[j], d.ref.scores[j])
		}
	}
	want := m.decide(d.ref.scores, -1, top)
	for _, got := range []Prediction{m.PredictText(pt, -1), m.PredictTop(text, -1)} {
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("options %+v, text %.60q: prediction mismatch (-reference +got):\n%s", m.fo, text, diff)
		}
	}
}

// diffOptions are feature options that switch every part of scoring on
// and off.
var diffOptions = []FeatureOptions{
	{}, {NoStem: true, NoNegation: true}, {NoChars: true}, {CharWeight: 0.5, NoBigrams: true},
	{CharMin: 2, CharMax: 6, Bits: 14},
}

// diffTexts are hand-picked texts for the differential tests.
var diffTexts = []string{
	"", " \n\t", "a", "🙂🙂", "!!! ??", "4711 0815 max@example.de",
	"Wo bleibt meine Bestellung 4711? Meine Bestellung ist nicht da, nicht da!",
	"password password password reset reset",
	"I can't log in, not working, never got the email ! not ? not really",
	"Kündigung Kündigung Kündigung!!! kein Paket, keine Antwort",
	"unbekannte wörter überall xyzzy", "e\u0301 \xff\xfe STRASSE Straße",
	"nicht nicht nicht nicht nicht <num> nicht", "not ! not ?? not !! x y z",
	strings.Repeat("Paket nicht angekommen ", 2000),
}

// mutate returns a random edit of text: words swapped in from other
// texts, cut, doubled or upper-cased.
func mutate(rng *rand.Rand, texts []string) string {
	words := strings.Fields(texts[rng.IntN(len(texts))])
	for range rng.IntN(4) {
		other := strings.Fields(texts[rng.IntN(len(texts))])
		if len(other) == 0 || len(words) == 0 {
			continue
		}
		switch w := other[rng.IntN(len(other))]; rng.IntN(4) {
		case 0:
			words[rng.IntN(len(words))] = w
		case 1:
			words = append(words, w, w)
		case 2:
			words = words[:rng.IntN(len(words))]
		default:
			words = append(words, strings.ToUpper(w))
		}
	}
	return strings.Join(words, " ")
}

func TestPredictTextMatchesReference(t *testing.T) {
	texts := append([]string(nil), diffTexts...)
	for _, ex := range corpus {
		texts = append(texts, ex.Text)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 500 {
		texts = append(texts, mutate(rng, texts))
	}
	// The same texts again: now served from the word caches.
	texts = append(texts, texts...)
	for _, fo := range diffOptions {
		m, err := Train(context.Background(), corpus, Options{Features: fo})
		if err != nil {
			t.Fatal(err)
		}
		d := newDifferential(m)
		for _, text := range texts {
			d.check(t, text)
		}
	}
}

// demoMails returns the subject and decoded body of up to n of the mails
// bench/batch.sh generates; it skips when they are absent.
func demoMails(tb testing.TB, n int) []string {
	tb.Helper()
	dir := "../bench/out/batch/mail100000/new/"
	ents, err := os.ReadDir(dir)
	if err != nil {
		tb.Skipf("no generated mails (run bench/batch.sh): %v", err)
	}
	var out []string
	for _, e := range ents[:min(n, len(ents))] {
		b, err := os.ReadFile(dir + e.Name())
		if err != nil {
			tb.Fatal(err)
		}
		head, body, _ := strings.Cut(strings.ReplaceAll(string(b), "\r\n", "\n"), "\n\n")
		if dec, err := io.ReadAll(quotedprintable.NewReader(strings.NewReader(body))); err == nil {
			body = string(dec)
		}
		subject := ""
		for _, l := range strings.Split(head, "\n") {
			if v, ok := strings.CutPrefix(l, "Subject: "); ok {
				subject = v
			}
		}
		out = append(out, subject+"\n\n"+body)
	}
	return out
}

// TestPredictTextDemo runs the differential test with models trained on
// the demo corpus over the mails of bench/batch.sh, each model on its own
// and both from one Features, as the engine scores them.
func TestPredictTextDemo(t *testing.T) {
	if testing.Short() {
		t.Skip("trains two models and scores 10,000 mails three times")
	}
	texts := demoMails(t, 5000)
	texts = append(texts, texts...)
	var ms []*Model
	for _, field := range []string{"intent", "sentiment"} {
		train := loadJSONL(t, "../testdata/demo/train.jsonl", "lang", "de", field)
		train = append(train, loadJSONL(t, "../testdata/demo/train.jsonl", "lang", "en", field)...)
		m, err := Train(context.Background(), train, Options{})
		if err != nil {
			t.Fatal(err)
		}
		d := newDifferential(m)
		for _, text := range texts {
			d.check(t, text)
		}
		ms = append(ms, m)
	}
	if !ms[1].SharesFeatures(ms[0]) {
		t.Fatal("demo intent and sentiment models do not share their feature space")
	}
	d := newSharedDifferential(ms[0], ms...)
	for _, text := range texts {
		d.check(t, text, nil)
	}
}

func TestTextZero(t *testing.T) {
	var pt Text
	if got := pt.Lang(); got != nlp.Undetermined {
		t.Errorf("Text{}.Lang() = %q, want %q", got, nlp.Undetermined)
	}
	m, err := Train(context.Background(), corpus, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(m.PredictTop("", -1), m.PredictText(&pt, -1)); diff != "" {
		t.Errorf("PredictText(zero Text) mismatch (-PredictTop(\"\") +got):\n%s", diff)
	}
}

var (
	fuzzOnce   sync.Once
	fuzzModels []*Model
)

func FuzzPredictTextMatchesReference(f *testing.F) {
	for _, s := range diffTexts[:len(diffTexts)-1] {
		f.Add(s)
	}
	for _, ex := range corpus {
		f.Add(ex.Text)
	}
	fuzzOnce.Do(func() {
		for _, fo := range diffOptions {
			m, err := Train(context.Background(), corpus, Options{Features: fo})
			if err != nil {
				f.Fatal(err)
			}
			fuzzModels = append(fuzzModels, m)
		}
	})
	// One differential per model and worker: the word caches then carry
	// over between inputs, as they do in use.
	var mu sync.Mutex
	var ds []*differential
	for _, m := range fuzzModels {
		ds = append(ds, newDifferential(m))
	}
	f.Fuzz(func(t *testing.T, text string) {
		mu.Lock()
		defer mu.Unlock()
		for _, d := range ds {
			d.check(t, text)
		}
	})
}

// TestWordTableGrows feeds thousands of distinct words through one
// scratch, so the word table grows several times, and checks every
// prediction against the reference, including words seen before growth.
func TestWordTableGrows(t *testing.T) {
	m, err := Train(context.Background(), corpus, Options{})
	if err != nil {
		t.Fatal(err)
	}
	d := newDifferential(m)
	rng := rand.New(rand.NewPCG(3, 4))
	var texts []string
	word := func() string {
		b := make([]byte, 4+rng.IntN(6))
		for i := range b {
			b[i] = byte('a' + rng.IntN(26))
		}
		return string(b)
	}
	for i := range 3000 {
		texts = append(texts, fmt.Sprintf("paket %s nicht %s %s", word(), word(), corpus[i%len(corpus)].Text))
	}
	for _, text := range append(texts, texts...) {
		d.check(t, text)
	}
	if n := d.got.words.n; n < 6000 || len(d.got.words.slots) < 2*n {
		t.Errorf("word table holds %d entries in %d slots", n, len(d.got.words.slots))
	}
}
