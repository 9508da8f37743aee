package kb

import (
	"context"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/antwort-dev/antwort/ingest"
	"github.com/google/go-cmp/cmp"
)

// sameHits compares hits bitwise: every float to the last bit.
var sameHits = cmp.Comparer(func(x, y float64) bool { return math.Float64bits(x) == math.Float64bits(y) })

// checkSameAsOld fails when Search and the search as it was before
// (oldSearch) answer q differently in any field.
func checkSameAsOld(t testing.TB, k *KB, q Query) {
	t.Helper()
	ctx := context.Background()
	want, werr := k.oldSearch(ctx, q)
	got, err := k.Search(ctx, q)
	if (err == nil) != (werr == nil) {
		t.Fatalf("Search(%+v): error %v, old %v", q, err, werr)
	}
	if diff := cmp.Diff(want, got, sameHits); diff != "" {
		t.Fatalf("Search(%+v) differs from the old search (-old +new):\n%s", q, diff)
	}
}

// inboxMailQueries are the test inbox's mails (../testdata/inbox) as
// queries: subject and text, in every language mode, with and without
// intents.
func inboxMailQueries(t testing.TB) []Query {
	t.Helper()
	files, err := filepath.Glob("../testdata/inbox/*.eml")
	if err != nil || len(files) == 0 {
		t.Fatalf("test inbox: %v (%d mails)", err, len(files))
	}
	var qs []Query
	for i, f := range files {
		r, err := os.Open(f)
		if err != nil {
			t.Fatal(err)
		}
		m, err := ingest.Parse(context.Background(), r, ingest.Options{})
		r.Close()
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		for j, lang := range []string{"", "de", "en", "und"} {
			q := Query{Subject: m.Subject, Text: m.Text, Lang: lang, Size: 1 + (i+j)%7}
			if j%2 == 0 {
				q.Intents = map[string]float64{"complaint": 0.6, "parcel_missing": 0.3, "praise": 0.1, "unknown_intent": 0.2}
				q.IntentWeight = []float64{0, 0.25, -1, 2}[(i+j)%4]
			}
			qs = append(qs, q)
		}
	}
	return qs
}

// TestSearchSameAsOld: Search gives exactly what the search before the
// batch-speed work gave (the same hits in the same order, every score to
// the last bit, the same reasons), on the sample KB read-only (in-memory
// index) and writable (Bleve), on a synthetic KB large enough for match
// to cut candidates, and on the demo KB with the generated mails when
// bench/batch.sh has made them.
func TestSearchSameAsOld(t *testing.T) {
	_, ro := importSample(t)
	dir := filepath.Join(t.TempDir(), "rw")
	if _, err := Import(context.Background(), dir, sampleArticles(t), nil); err != nil {
		t.Fatal(err)
	}
	rw, err := Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer rw.Close()
	qs := append(sampleQueries(t), inboxQueries(t)...)
	qs = append(qs, inboxMailQueries(t)...)
	qs = append(qs, Query{}, Query{Text: "   "}, Query{Text: "\xff\xfe {{.Name}} 12345"}, Query{Text: "Paket", Size: MaxSize + 5},
		Query{Subject: "Kündigung Kündigung", Text: "Bestellung", Lang: "und", Intents: map[string]float64{"cancel_contract": 1}},
		Query{Text: "order", Intents: map[string]float64{"cancel_contract": 0, "praise": -1}})
	t.Run("sample read-only", func(t *testing.T) {
		for _, q := range qs {
			checkSameAsOld(t, ro, q)
		}
	})
	t.Run("sample writable", func(t *testing.T) {
		for i, q := range qs {
			if testing.Short() && i%5 != 0 {
				continue
			}
			checkSameAsOld(t, rw, q)
		}
	})
	t.Run("synthetic", func(t *testing.T) {
		rng := rand.New(rand.NewPCG(3, 4))
		arts, k := synthKB(t, 400, rng)
		for i := range 300 {
			a := arts[rng.IntN(len(arts))]
			words := strings.Fields(a.Questions[i%len(a.Questions)] + " " + a.Body)
			rng.Shuffle(len(words), func(i, j int) { words[i], words[j] = words[j], words[i] })
			q := Query{Text: strings.Join(words[:min(len(words), 3+i%40)], " "), Size: 1 + i%6}
			if i%3 == 0 {
				q.Lang = a.Lang
			}
			if i%2 == 0 {
				q.Intents = map[string]float64{a.Intents[0]: 0.7, "intent_1": 0.2, "intent_2": 0.1}
			}
			checkSameAsOld(t, k, q)
		}
	})
	t.Run("generated mails", func(t *testing.T) {
		if _, err := os.Stat(filepath.Join(benchBatchDir, "demo", "kb")); err != nil {
			t.Skipf("no demo knowledge base in %s (run bench/batch.sh)", benchBatchDir)
		}
		k := openDemoKB(t)
		n := 3000
		if testing.Short() {
			n = 300
		}
		for _, q := range batchQueries(t, n) {
			checkSameAsOld(t, k, q)
			checkSameAsOld(t, ro, q)
		}
	})
}

// FuzzSearchSameAsOld: on any message, Search gives exactly what the
// old search gave, on the sample KB read-only.
func FuzzSearchSameAsOld(f *testing.F) {
	f.Add("Lieferung", "Mein Paket ist nicht angekommen, Sendungsverfolgung 123456", 0, 3, 0.0)
	f.Add("", "how do i chnage my pasword {{.Name}}", 1, 6, 0.4)
	f.Add("Kündigung", "Häuser Straße GRÖSSE\xff refund", 3, 1, -1.0)
	f.Add("re: order", "The vase arrived broken, the box was crushed. Bestellung storniert.", 2, 100, 2.0)
	_, k := importSample(f)
	f.Fuzz(func(t *testing.T, subject, text string, lang, size int, weight float64) {
		langs := []string{"", "de", "en", "und"}
		q := Query{Subject: subject, Text: text, Lang: langs[(lang%4+4)%4], Size: size, IntentWeight: weight}
		if size%2 == 0 {
			q.Intents = map[string]float64{"damaged_item": 0.5, "password_reset": 0.3, "complaint": 0.2}
		}
		checkSameAsOld(t, k, q)
	})
}
