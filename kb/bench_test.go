package kb

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Word pools for the synthetic knowledge base: service vocabulary plus
// generated filler words, so that the index has a realistic long tail.
var (
	deWords = strings.Fields(`Bestellung Paket Lieferung Rechnung Kündigung Vertrag Adresse Lieferadresse Passwort Konto
		Rücksendung Erstattung Gutschein Rabatt Zahlung Lastschrift Kreditkarte Überweisung Mahnung Tarif Handy Router
		Internet Störung Techniker Termin Versand Sendungsverfolgung Retoure Umtausch Garantie Reparatur Ersatzteil
		Kundennummer Bestellnummer Abo Mitgliedschaft Newsletter Datenschutz Beschwerde Lob Filiale Öffnungszeiten
		Gutschrift Preiserhöhung Vertragslaufzeit Rufnummer Mitnahme SIM Karte Datenvolumen Roaming Ausland`)
	enWords = strings.Fields(`order parcel delivery invoice cancellation contract address password account return refund
		voucher discount payment debit card transfer reminder plan phone router internet outage technician appointment
		shipping tracking exchange warranty repair spare customer number subscription membership newsletter privacy
		complaint praise store hours credit price increase term porting SIM data roaming abroad`)
	deGlue = strings.Fields("ich möchte meine meinen bitte wie kann wo ist nicht mehr seit wann warum der die das ein eine zum für mit")
	enGlue = strings.Fields("i want my please how can where is not since when why the a an to for with do does")
)

// synthKB imports n synthArticles into a knowledge base and opens it
// read-only, as a batch run does, until the test ends.
func synthKB(t *testing.T, n int, rng *rand.Rand) ([]Article, *KB) {
	t.Helper()
	arts := synthArticles(n, rng)
	dir := filepath.Join(t.TempDir(), "synth")
	if _, err := Import(context.Background(), dir, arts, nil); err != nil {
		t.Fatal(err)
	}
	k, err := Open(dir, &Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { k.Close() })
	return arts, k
}

// synthArticles returns n articles, half German, half English, each with a
// title, five questions, tags and a body of about 80 words.
func synthArticles(n int, rng *rand.Rand) []Article {
	// Filler words are made of syllables, so their character n-grams are
	// as varied as real words' (a shared prefix would put the same n-grams
	// into every article).
	syll := strings.Fields("ba be bi bo bu ka ke ki ko ku la le li lo lu ma me mi mo mu na ne ni no nu " +
		"ra re ri ro ru sa se si so su ta te ti to tu sch ch st pf gr tr an en in on un er el ar")
	filler := func(lang string, i int) string {
		r := rand.New(rand.NewPCG(uint64(i), 7)) // the same word for the same i
		var b strings.Builder
		for range 2 + r.IntN(3) {
			b.WriteString(syll[r.IntN(len(syll))])
		}
		if lang == German {
			b.WriteString([]string{"ung", "en", "er", "heit", ""}[r.IntN(5)])
		}
		return b.String()
	}
	pick := func(lang string) string {
		words, glue := deWords, deGlue
		if lang == English {
			words, glue = enWords, enGlue
		}
		switch r := rng.IntN(10); {
		case r < 4:
			return words[rng.IntN(len(words))]
		case r < 7:
			return glue[rng.IntN(len(glue))]
		default: // Zipf-like tail of 20,000 words
			return filler(lang, int(20000*rng.Float64()*rng.Float64()))
		}
	}
	sentence := func(lang string, k int) string {
		ws := make([]string, k)
		for i := range ws {
			ws[i] = pick(lang)
		}
		return strings.Join(ws, " ")
	}
	out := make([]Article, n)
	for i := range out {
		lang := German
		if i%2 == 1 {
			lang = English
		}
		a := Article{ID: fmt.Sprintf("art-%05d", i), Lang: lang, Title: sentence(lang, 4),
			Intents: []string{fmt.Sprintf("intent_%d", i%77)}, Tags: []string{pick(lang), pick(lang)},
			Body: "{{.Salutation}}\n\n" + sentence(lang, 80) + "\n\n{{.Signature}}"}
		for range 5 {
			a.Questions = append(a.Questions, sentence(lang, 8)+"?")
		}
		out[i] = a
	}
	return out
}

// BenchmarkSearch10k measures Search on a synthetic knowledge base of
// 10,000 articles (German and English), with and without intent fusion,
// and reports the p50 and p99 latency per query. Queries are article
// questions with words dropped and noise added, so most have many
// candidates.
//
//	go test -run '^$' -bench Search10k -benchtime 2000x ./kb/
func BenchmarkSearch10k(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	arts := synthArticles(10000, rng)
	dir := filepath.Join(b.TempDir(), "kb")
	start := time.Now()
	if _, err := Import(context.Background(), dir, arts, nil); err != nil {
		b.Fatal(err)
	}
	b.Logf("imported %d articles in %v", len(arts), time.Since(start).Round(time.Millisecond))
	k, err := Open(dir, &Options{ReadOnly: true})
	if err != nil {
		b.Fatal(err)
	}
	defer k.Close()
	if _, err := k.Search(context.Background(), Query{Text: "warm up"}); err != nil { // builds the in-memory index
		b.Fatal(err)
	}
	b.Logf("first search (builds the in-memory index) after %v", time.Since(start).Round(time.Millisecond))
	if v := os.Getenv("KB_MAX_POSTINGS"); v != "" { // for tuning experiments
		p := defaultParams()
		n, _ := strconv.Atoi(v)
		p.maxPostings = uint64(n)
		k.p = &p
	}
	queries := make([]Query, 500)
	want := make([]string, len(queries)) // the article each query was made from
	for i := range queries {
		a := arts[rng.IntN(len(arts))]
		want[i] = a.ID
		words := strings.Fields(a.Questions[rng.IntN(len(a.Questions))])
		rng.Shuffle(len(words), func(i, j int) { words[i], words[j] = words[j], words[i] })
		text := strings.Join(words[:max(3, len(words)-2)], " ") + " " + strings.Join(strings.Fields(a.Body)[1:6], " ")
		queries[i] = Query{Text: text, Lang: a.Lang, Size: 3}
	}
	for _, fused := range []bool{false, true} {
		name := "text"
		if fused {
			name = "fused"
		}
		b.Run(name, func(b *testing.B) {
			ctx := context.Background()
			var lat []time.Duration
			i, top := 0, 0
			for b.Loop() {
				q := queries[i%len(queries)]
				if fused { // a classifier that is mostly right about the intent
					var n int
					fmt.Sscanf(want[i%len(queries)], "art-%d", &n)
					q.Intents = map[string]float64{fmt.Sprintf("intent_%d", n%77): 0.8, fmt.Sprintf("intent_%d", (n+1)%77): 0.15}
				}
				t0 := time.Now()
				hits, err := k.Search(ctx, q)
				lat = append(lat, time.Since(t0))
				if err != nil {
					b.Fatal(err)
				}
				if len(hits) == 0 {
					b.Fatalf("no hit for %q", q.Text)
				}
				if hits[0].Article.ID == want[i%len(queries)] {
					top++
				}
				i++
			}
			slices.Sort(lat)
			b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
			b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
			// The share of queries whose source article ranks first: a
			// sanity check that speed did not cost the matching.
			b.ReportMetric(float64(top)/float64(i), "hit@1")
		})
	}
}

// inboxQueries are the sample inbox's messages (../testdata/demo) as the
// reply engine asks them: subject and text, with an intent distribution
// that puts most of the mass on the labelled intent.
func inboxQueries(tb testing.TB) []Query {
	tb.Helper()
	data, err := os.ReadFile("../testdata/demo/inbox.jsonl")
	if err != nil {
		tb.Fatal(err)
	}
	var qs []Query
	for i, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		var m struct{ Subject, Text, Intent string }
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			tb.Fatalf("inbox line %d: %v", i+1, err)
		}
		qs = append(qs, Query{Subject: m.Subject, Text: m.Text, Size: 6,
			Intents: map[string]float64{m.Intent: 0.8, "complaint": 0.12, "praise": 0.05, "parcel_missing": 0.03}})
	}
	return qs
}

// BenchmarkSearchInbox is one search of the sample KB per op, over the
// sample inbox, as a batch run makes them (subject, text, intents, 6 hits).
func BenchmarkSearchInbox(b *testing.B) {
	_, k := importSample(b)
	qs := inboxQueries(b)
	ctx := context.Background()
	i := 0
	b.ReportAllocs()
	for b.Loop() {
		if _, err := k.Search(ctx, qs[i%len(qs)]); err != nil {
			b.Fatal(err)
		}
		i++
	}
}
