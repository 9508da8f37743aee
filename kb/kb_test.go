package kb

import (
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// sampleKB is the project's own sample knowledge base (24 articles,
// written for antwort).
const sampleKB = "../testdata/kb"

// sampleArticles reads the sample knowledge base and fails on any problem.
func sampleArticles(t testing.TB) []Article {
	t.Helper()
	arts, probs, err := ReadArticles(context.Background(), sampleKB, ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range probs {
		t.Errorf("sample KB: %v", p)
	}
	if len(arts) != 24 {
		t.Fatalf("sample KB has %d articles, want 24", len(arts))
	}
	return arts
}

// importSample imports the sample KB into a temporary directory and opens
// it read-only.
func importSample(t testing.TB) (dir string, k *KB) {
	t.Helper()
	dir = filepath.Join(t.TempDir(), "kb")
	if _, err := Import(context.Background(), dir, sampleArticles(t), nil); err != nil {
		t.Fatal(err)
	}
	k, err := Open(dir, &Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { k.Close() })
	return dir, k
}

func TestSearchSample(t *testing.T) {
	_, k := importSample(t)
	ctx := context.Background()
	tests := []struct {
		name    string
		q       Query
		wantTop string
	}{
		{"de parcel", Query{Text: "Mein Paket ist immer noch nicht angekommen, die Sendungsverfolgung zeigt nichts an.", Lang: "de"}, "parcel_missing-de"},
		{"de compound address", Query{Text: "Ich bin umgezogen und brauche eine neue Lieferadresse.", Lang: "de"}, "change_address-de"},
		{"de cancel, subject weighted", Query{Subject: "Kündigung", Text: "Hiermit beende ich zum nächsten Termin.", Lang: "de"}, "cancel_contract-de"},
		{"de password typo", Query{Text: "passwrot vergessen, kann mich nicht einlogen", Lang: "de"}, "password_reset-de"},
		{"de detected", Query{Text: "Die Rechnung ist falsch, der Rabatt fehlt auf meiner Rechnung."}, "invoice_wrong-de"},
		{"en refund", Query{Text: "I sent the jacket back two weeks ago, when do I get my money back?", Lang: "en"}, "refund_request-en"},
		{"en damaged", Query{Text: "The vase arrived broken, the box was crushed.", Lang: "en"}, "damaged_item-en"},
		{"en typo", Query{Text: "how do i chnage my pasword", Lang: "en"}, "password_reset-en"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hits, err := k.Search(ctx, tt.q)
			if err != nil {
				t.Fatal(err)
			}
			if len(hits) == 0 {
				t.Fatalf("Search(%q) found nothing, want %s", tt.q.Text, tt.wantTop)
			}
			if hits[0].Article.ID != tt.wantTop {
				t.Errorf("Search(%q) top = %s (%.2f), want %s; hits %v", tt.q.Text, hits[0].Article.ID, hits[0].Score, tt.wantTop, ids(hits))
			}
			for i, h := range hits {
				if h.Score < 0 || h.Score > 1 || h.TextScore < 0 || h.TextScore > 1 || math.IsNaN(h.Score) {
					t.Errorf("hit %d %s: score %v, text %v: want both in [0,1]", i, h.Article.ID, h.Score, h.TextScore)
				}
				if i > 0 && h.Score > hits[i-1].Score {
					t.Errorf("hits not sorted: %v", ids(hits))
				}
				if len(h.Reasons) == 0 || !strings.HasPrefix(h.Reasons[0], "text match") {
					t.Errorf("hit %s: reasons %q, want a text match reason", h.Article.ID, h.Reasons)
				}
			}
			if q := tt.q.Lang; q != "" {
				for _, h := range hits {
					if h.Article.Lang != q {
						t.Errorf("hit %s has lang %s, searched %s only", h.Article.ID, h.Article.Lang, q)
					}
				}
			}
		})
	}
}

func ids(hits []Hit) []string {
	var out []string
	for _, h := range hits {
		out = append(out, fmt.Sprintf("%s:%.2f", h.Article.ID, h.Score))
	}
	return out
}

// TestSearchIntentFusion checks that the classifier's intent distribution
// moves linked articles up, brings in articles without any word in
// common, and is named in the reasons.
func TestSearchIntentFusion(t *testing.T) {
	_, k := importSample(t)
	ctx := context.Background()
	// Ambiguous text: a parcel that arrived (damaged? wrong?) and money.
	text := "Das Paket kam heute, ich will mein Geld zurück."
	plain, err := k.Search(ctx, Query{Text: text, Lang: "de", Size: 3})
	if err != nil {
		t.Fatal(err)
	}
	fused, err := k.Search(ctx, Query{Text: text, Lang: "de", Size: 3, Intents: map[string]float64{"damaged_item": 0.9, "refund_request": 0.05}})
	if err != nil {
		t.Fatal(err)
	}
	if len(fused) == 0 || fused[0].Article.ID != "damaged_item-de" {
		t.Fatalf("fused top = %v, want damaged_item-de (text alone: %v)", ids(fused), ids(plain))
	}
	if fused[0].IntentScore != 0.9 {
		t.Errorf("IntentScore = %v, want 0.9", fused[0].IntentScore)
	}
	found := false
	for _, r := range fused[0].Reasons {
		if strings.Contains(r, "linked to intent damaged_item") {
			found = true
		}
	}
	if !found {
		t.Errorf("reasons %q do not name the intent link", fused[0].Reasons)
	}

	// No word in common: the intent alone finds the article.
	only, err := k.Search(ctx, Query{Text: "xyzzy", Lang: "en", Intents: map[string]float64{"praise": 0.8}})
	if err != nil {
		t.Fatal(err)
	}
	if len(only) == 0 || only[0].Article.ID != "praise-de" && only[0].Article.ID != "praise-en" {
		t.Fatalf("intent-only search = %v, want a praise article", ids(only))
	}
	if only[0].TextScore != 0 || only[0].Score <= 0 {
		t.Errorf("intent-only hit: text %v score %v, want 0 and > 0", only[0].TextScore, only[0].Score)
	}

	// IntentWeight < 0 means text only.
	textOnly, err := k.Search(ctx, Query{Text: text, Lang: "de", Size: 3, IntentWeight: -1, Intents: map[string]float64{"damaged_item": 0.9}})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(ids(plain), ids(textOnly)); diff != "" {
		t.Errorf("IntentWeight -1 differs from text alone (-plain +textOnly):\n%s", diff)
	}
}

func TestSearchEdgeCases(t *testing.T) {
	_, k := importSample(t)
	ctx := context.Background()
	for _, q := range []Query{
		{},
		{Text: "   "},
		{Text: "{{.Name}} {{ index . 0 }}"},
		{Text: strings.Repeat("Paket Bestellung ", 200000)}, // 3.4 MB
		{Text: "\xff\xfe\x00garbage"},
		{Text: "Paket", Lang: "und"},
		{Text: "Paket", Size: 1000},
	} {
		hits, err := k.Search(ctx, q)
		if err != nil {
			t.Errorf("Search(%.40q): %v", q.Text, err)
		}
		if len(hits) > MaxSize {
			t.Errorf("Search(%.40q): %d hits, more than MaxSize", q.Text, len(hits))
		}
	}
	if _, err := k.Search(ctx, Query{Text: "x", Lang: "fr"}); !errors.Is(err, ErrUnknownLang) {
		t.Errorf("Search(lang fr) error = %v, want ErrUnknownLang", err)
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := k.Search(cctx, Query{Text: "Paket nicht angekommen"}); !errors.Is(err, context.Canceled) {
		t.Errorf("Search with canceled ctx: %v, want context.Canceled", err)
	}
}

// TestImportAtomic re-imports while readers search: a KB opened before
// the switch keeps its content, one opened after sees the new content in
// full, and concurrent searches never fail or see a mix.
func TestImportAtomic(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "kb")
	gen := func(v, n int) []Article {
		var out []Article
		for i := range n {
			out = append(out, Article{ID: fmt.Sprintf("a%d", i), Lang: "en", Title: fmt.Sprintf("version%d topic %d", v, i),
				Body: fmt.Sprintf("Answer %d of version%d.", i, v), Intents: []string{"topic"}})
		}
		return out
	}
	if _, err := Import(ctx, dir, gen(1, 50), nil); err != nil {
		t.Fatal(err)
	}
	old, err := Open(dir, &Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer old.Close()

	var stop atomic.Bool
	var searches, failures atomic.Int64
	var wg sync.WaitGroup
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for !stop.Load() {
				k, err := Open(dir, &Options{ReadOnly: true, Timeout: 5 * time.Second})
				if err != nil {
					t.Errorf("open during import: %v", err)
					failures.Add(1)
					return
				}
				arts, err := k.List(ctx)
				k.Close()
				if err != nil {
					t.Errorf("list during import: %v", err)
					failures.Add(1)
					return
				}
				versions := map[string]bool{}
				for _, a := range arts {
					versions[strings.Fields(a.Title)[0]] = true
				}
				if len(versions) != 1 || (len(arts) != 50 && len(arts) != 80) {
					t.Errorf("reader saw %d articles of versions %v: a half-built or mixed index", len(arts), versions)
					failures.Add(1)
				}
				searches.Add(1)
			}
		}()
	}
	for v := 2; v <= 4; v++ {
		n := 50
		if v%2 == 0 {
			n = 80
		}
		if _, err := Import(ctx, dir, gen(v, n), nil); err != nil {
			t.Fatal(err)
		}
	}
	stop.Store(true)
	wg.Wait()
	if searches.Load() == 0 || failures.Load() != 0 {
		t.Fatalf("%d reads during imports, %d failed", searches.Load(), failures.Load())
	}
	// The KB opened before the imports still has version 1.
	a, err := old.Get(ctx, "a0")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(a.Title, "version1") {
		t.Errorf("old reader sees %q, want version 1", a.Title)
	}
	cur, err := Open(dir, &Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer cur.Close()
	if n, _ := cur.Len(); n != 80 {
		t.Errorf("after the last import: %d articles, want 80", n)
	}
	a, _ = cur.Get(ctx, "a0")
	if !strings.HasPrefix(a.Title, "version4") {
		t.Errorf("new reader sees %q, want version 4", a.Title)
	}
	// Only the current and the previous index are kept.
	entries, _ := os.ReadDir(dir)
	var indexes []string
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), indexPrefix) {
			indexes = append(indexes, e.Name())
		}
	}
	if len(indexes) > 2 {
		t.Errorf("index directories left: %v, want at most 2", indexes)
	}
}

func TestImportRejectsBadArticle(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "kb")
	good := []Article{{ID: "x", Lang: "de", Body: "Hallo"}}
	if _, err := Import(ctx, dir, good, nil); err != nil {
		t.Fatal(err)
	}
	_, err := Import(ctx, dir, append(good, Article{ID: "y", Lang: "fr", Body: "Bonjour"}), nil)
	if !errors.Is(err, ErrUnknownLang) {
		t.Fatalf("Import with lang fr: %v, want ErrUnknownLang", err)
	}
	k, err := Open(dir, &Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer k.Close()
	if n, _ := k.Len(); n != 1 {
		t.Errorf("after a failed import the KB has %d articles, want the old 1", n)
	}
	// Duplicates: the last one wins and is counted.
	st, err := Import(ctx, dir, []Article{{ID: "d", Lang: "en", Body: "first"}, {ID: "d", Lang: "en", Body: "second"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if st.Articles != 1 || st.Duplicates != 1 {
		t.Errorf("stats %+v, want 1 article, 1 duplicate", st)
	}
	k2, err := Open(dir, &Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer k2.Close()
	if a, _ := k2.Get(ctx, "d"); a.Body != "second" {
		t.Errorf("duplicate id: body %q, want the last one", a.Body)
	}
}

// TestLocked: a writable KB excludes other opens, which fail after the
// timeout with ErrLocked naming the directory, never hang.
func TestLocked(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "kb")
	w, err := Create(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	for _, ro := range []bool{false, true} {
		start := time.Now()
		_, err := Open(dir, &Options{ReadOnly: ro, Timeout: 150 * time.Millisecond})
		if !errors.Is(err, ErrLocked) {
			t.Fatalf("Open(read-only=%v) while a writer holds it: %v, want ErrLocked", ro, err)
		}
		if !strings.Contains(err.Error(), dir) {
			t.Errorf("error %q does not name %s", err, dir)
		}
		if d := time.Since(start); d > 5*time.Second {
			t.Errorf("Open took %v, want about the timeout", d)
		}
	}
	// Import builds beside and needs the current index read-only: the
	// writer blocks it too, with the same clear error.
	if _, err := Import(context.Background(), dir, []Article{{ID: "a", Lang: "de", Body: "x"}}, &Options{Timeout: 150 * time.Millisecond}); !errors.Is(err, ErrLocked) {
		t.Errorf("Import while a writer holds the index: %v, want ErrLocked", err)
	}
	// Readers share.
	w.Close()
	r1, err := Open(dir, &Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer r1.Close()
	r2, err := Open(dir, &Options{ReadOnly: true})
	if err != nil {
		t.Fatalf("second read-only open: %v", err)
	}
	r2.Close()
}

func TestOpenMissing(t *testing.T) {
	if _, err := Open(filepath.Join(t.TempDir(), "nope"), nil); !errors.Is(err, ErrNotFound) {
		t.Errorf("Open(missing) = %v, want ErrNotFound", err)
	}
	dir := filepath.Join(t.TempDir(), "kb")
	k, err := Create(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	k.Close()
	if _, err := Create(dir, nil); !errors.Is(err, ErrExists) {
		t.Errorf("Create twice = %v, want ErrExists", err)
	}
}

func TestPutGetDeleteList(t *testing.T) {
	ctx := context.Background()
	k, err := Create(filepath.Join(t.TempDir(), "kb"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer k.Close()
	a := Article{ID: " faq-1 ", Lang: "DE", Title: "Lieferzeit", Body: "Die Lieferzeit beträgt 2–3 Werktage.  \n",
		Intents: []string{"delivery", "delivery", ""}, Questions: []string{"Wie lange dauert die Lieferung?"}, Tags: []string{"versand"}}
	if err := k.Put(ctx, a); err != nil {
		t.Fatal(err)
	}
	got, err := k.Get(ctx, "faq-1")
	if err != nil {
		t.Fatal(err)
	}
	want := Article{ID: "faq-1", Lang: "de", Title: "Lieferzeit", Body: "Die Lieferzeit beträgt 2–3 Werktage.",
		Intents: []string{"delivery"}, Questions: []string{"Wie lange dauert die Lieferung?"}, Tags: []string{"versand"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Get after Put (-want +got):\n%s", diff)
	}
	hits, err := k.Search(ctx, Query{Text: "Wie lange dauert die Lieferung nach Österreich?", Lang: "de"})
	if err != nil || len(hits) != 1 || hits[0].Article.ID != "faq-1" {
		t.Fatalf("Search = %v, %v; want faq-1", ids(hits), err)
	}
	// Update replaces, including its index documents.
	a.Questions = []string{"Kann ich per Rechnung zahlen?"}
	if err := k.Put(ctx, a); err != nil {
		t.Fatal(err)
	}
	hits, _ = k.Search(ctx, Query{Text: "Rechnung zahlen", Lang: "de"})
	if len(hits) != 1 {
		t.Errorf("after update: %v, want the new question to match", ids(hits))
	}
	if err := k.Put(ctx, Article{ID: "b", Lang: "en", Body: "B"}, Article{ID: "c", Lang: "en"}); !errors.Is(err, ErrMissingField) {
		t.Errorf("Put without body: %v, want ErrMissingField", err)
	}
	if _, err := k.Get(ctx, "b"); !errors.Is(err, ErrNotFound) {
		t.Errorf("a failed Put wrote article b: %v", err)
	}
	if err := k.Put(ctx, Article{ID: "b", Lang: "en", Body: "B"}); err != nil {
		t.Fatal(err)
	}
	list, err := k.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 2 || list[0].ID != "b" || list[1].ID != "faq-1" {
		t.Errorf("List = %v, want b, faq-1", list)
	}
	if err := k.Delete(ctx, "faq-1", "unknown"); err != nil {
		t.Fatal(err)
	}
	if n, _ := k.Len(); n != 1 {
		t.Errorf("Len after Delete = %d, want 1", n)
	}
	if hits, _ := k.Search(ctx, Query{Text: "Rechnung zahlen", Lang: "de"}); len(hits) != 0 {
		t.Errorf("deleted article still found: %v", ids(hits))
	}
	if err := k.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := k.Search(ctx, Query{Text: "x"}); !errors.Is(err, ErrClosed) {
		t.Errorf("Search after Close: %v, want ErrClosed", err)
	}
}

func TestReadOnlyRefusesWrites(t *testing.T) {
	_, k := importSample(t)
	if err := k.Put(context.Background(), Article{ID: "x", Lang: "de", Body: "x"}); !errors.Is(err, ErrReadOnly) {
		t.Errorf("Put on read-only KB: %v, want ErrReadOnly", err)
	}
	if err := k.Delete(context.Background(), "x"); !errors.Is(err, ErrReadOnly) {
		t.Errorf("Delete on read-only KB: %v, want ErrReadOnly", err)
	}
}

// TestMemoryMatchesBleve: a read-only KB searches an in-memory copy of the
// index; it must rank and score exactly as a search of the Bleve index.
func TestMemoryMatchesBleve(t *testing.T) {
	dir, mem := importSample(t)
	viaBleve, err := Open(dir, &Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer viaBleve.Close()
	viaBleve.noMem = true
	compareBackends(t, mem, viaBleve, sampleQueries(t))
}

// sampleQueries are the questions of the sample articles, reworded a
// little, plus the sample inbox's texts, with and without intents.
func sampleQueries(t *testing.T) []Query {
	var qs []Query
	for i, a := range sampleArticles(t) {
		for j, q := range a.Questions {
			words := strings.Fields(q)
			if len(words) > 3 {
				words = words[1:]
			}
			query := Query{Text: strings.Join(words, " "), Size: 3 + j%3}
			if i%2 == 0 {
				query.Intents = map[string]float64{a.Intents[0]: 0.7, "complaint": 0.2, "praise": 0.1}
			}
			if j%4 == 0 {
				query.Lang = a.Lang
			}
			qs = append(qs, query)
		}
	}
	return qs
}

func compareBackends(t testing.TB, mem, viaBleve *KB, qs []Query) {
	ctx := context.Background()
	for _, q := range qs {
		a, err := mem.Search(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		b, err := viaBleve.Search(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(b, a, cmp.Comparer(func(x, y float64) bool { return math.Abs(x-y) < 1e-9 })); diff != "" {
			t.Errorf("Search(%q): memory differs from Bleve (-bleve +memory):\n%s", q.Text, diff)
		}
	}
}

// TestSharedAnalysis: tokenising a query once for the word and the n-gram
// chain gives what the two analyzers give on their own.
func TestSharedAnalysis(t *testing.T) {
	_, k := importSample(t)
	texts := []string{
		"Die Kundendienstmitarbeiterin hat meine Bestellungen nicht geändert; Häuser, Straße, GRÖSSE {{.Name}} 123456",
		"The customer's orders were delayed and the refunds haven't arrived; shipping shipments running",
		"", "   ", "\xff\xfe", "Ärger über Rücksendungen!!! Lieferadresse",
	}
	for _, lang := range langs() {
		an := k.an[lang]
		if an.shared == nil {
			t.Fatalf("%s: the word and n-gram chains do not share their front", lang)
		}
		for _, text := range texts {
			w, g := an.both([]byte(text))
			if diff := cmp.Diff(termList(an.word.Analyze([]byte(text))), termList(w)); diff != "" {
				t.Errorf("%s words of %q (-alone +shared):\n%s", lang, text, diff)
			}
			if diff := cmp.Diff(termList(an.ngram.Analyze([]byte(text))), termList(g)); diff != "" {
				t.Errorf("%s n-grams of %q (-alone +shared):\n%s", lang, text, diff)
			}
		}
	}
}

func termList(ts analysis.TokenStream) []string {
	var out []string
	for _, t := range ts {
		out = append(out, fmt.Sprintf("%s@%d", t.Term, t.Position))
	}
	return out
}

// countBoth counts what both returns, as count did before it made the
// n-grams itself.
func countBoth(an analyzers, text string) (words, grams map[string]float64) {
	words, grams = map[string]float64{}, map[string]float64{}
	w, g := an.both([]byte(text))
	for _, t := range w {
		words[string(t.Term)]++
	}
	for _, t := range g {
		grams[string(t.Term)]++
	}
	return words, grams
}

// TestCountMatchesBoth: count, which makes the n-grams itself, counts
// exactly the terms of the two analyzers.
func TestCountMatchesBoth(t *testing.T) {
	_, k := importSample(t)
	texts := []string{
		"Die Kundendienstmitarbeiterin hat meine Bestellungen nicht geändert; Häuser, Straße, GRÖSSE {{.Name}} 123456",
		"The customer's orders were delayed and the refunds haven't arrived; shipping shipments running",
		"", "a", "ab abc abcd", "\xff\xfe", "Ärger über Rücksendungen!!! Lieferadresse \xc3 x\xe2\x82",
		"日本語のテキスト und ein Wort", strings.Repeat("Lieferung ", 50),
		// Chunks (runs between white space) analysed one by one must give
		// what the whole text gives: marks, joiners, modifiers, format
		// characters after white space, non-ASCII spaces inside a chunk,
		// template actions across white space, regional indicators.
		"Bestellung \u0308ndern", "a \u200dx", "👍 \U0001F3FBok", "\u00adweich", "ﾞカタ", "Lie\u00a0ferung", "Bestellung {{ .Name }} x",
		"🇩🇪 🇩🇪🇩🇪 ,Komma .Punkt 'quote' „Zitat“ –Strich €49 49€ 1.234,56 can't l'adresse",
		"Tab\tgetrennt\r\nZeilen\vvertikal\fseite", "\u0301 start with a mark", "end with a mark\u0301",
	}
	for _, q := range sampleQueries(t) {
		texts = append(texts, q.Text)
	}
	for _, lang := range langs() {
		an := k.an[lang]
		if an.gramMax == 0 {
			t.Fatalf("%s: the n-gram filter was not recognised; count falls back to both", lang)
		}
		if an.tokens == nil {
			t.Fatalf("%s: the stemmer was not recognised; count does not cache tokens", lang)
		}
		for _, text := range texts {
			checkCount(t, an, text)
		}
	}
}

// TestChunked: ordinary mail text is analysed chunk by chunk; text that
// might not split there is analysed whole.
func TestChunked(t *testing.T) {
	for text, want := range map[string]bool{
		"Hallo, meine Bestellung 4711 ist nicht angekommen! Grüße, Anna": true,
		"Über „Rücksendung“ – 49 € 😒 🇩🇪 l'adresse":                       true,
		"x {{ .Name }} y": false, "a \u0308b": false, "a \u200db": false, "a \U0001F3FBb": false, "\xff": false,
	} {
		if got := chunked([]byte(text)); got != want {
			t.Errorf("chunked(%q) = %v, want %v", text, got, want)
		}
	}
}

func checkCount(t *testing.T, an analyzers, text string) {
	t.Helper()
	ww, wg := countBoth(an, text)
	var tw, tg tfTable
	an.count([]byte(text), 1, &tw, &tg, nil)
	gw, gg := tw.counts(), tg.counts()
	if diff := cmp.Diff(ww, gw, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("words of %q (-both +count):\n%s", text, diff)
	}
	if diff := cmp.Diff(wg, gg, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("n-grams of %q (-both +count):\n%s", text, diff)
	}
}

func FuzzCount(f *testing.F) {
	for _, s := range []string{"Lieferadresse geändert", "refunds haven't arrived", "\xff\xfeä", "日本語",
		"a \u0308b \u200dc 👍\U0001F3FB {{ x }} 🇩🇪🇩🇪 ﾞ", "Tab\tLF\nCR\rVT\vFF\f\u00a0NBSP 1234 12345,5"} {
		f.Add(s)
	}
	dir := filepath.Join(f.TempDir(), "kb")
	if _, err := Import(context.Background(), dir, sampleArticles(f), nil); err != nil {
		f.Fatal(err)
	}
	k, err := Open(dir, &Options{ReadOnly: true})
	if err != nil {
		f.Fatal(err)
	}
	defer k.Close()
	f.Fuzz(func(t *testing.T, text string) {
		for _, lang := range langs() {
			checkCount(t, k.an[lang], text)
		}
	})
}

// TestCleanFilterUsed: the KBs that search use cleanFilter, opened from
// disk or just imported.
func TestCleanFilterUsed(t *testing.T) {
	_, k := importSample(t)
	for _, lang := range langs() {
		if cf := k.an[lang].shared.CharFilters; len(cf) != 1 || cf[0] != (cleanFilter{}) {
			t.Errorf("%s: query char filters %#v, want cleanFilter", lang, cf)
		}
	}
	m, err := newMapping()
	if err != nil {
		t.Fatal(err)
	}
	for _, lang := range langs() {
		if !cleansAsWeDo(m, lang) {
			t.Errorf("%s: a new mapping's char filter not recognised", lang)
		}
	}
}

func checkCleanFilter(t *testing.T, in string) {
	t.Helper()
	want := regexp.MustCompile(cleanRegexp).ReplaceAll([]byte(in), []byte(" "))
	if got := (cleanFilter{}).Filter([]byte(in)); string(got) != string(want) {
		t.Errorf("cleanFilter(%q) = %q, want %q", in, got, want)
	}
}

func TestCleanFilter(t *testing.T) {
	for _, in := range []string{"", "{", "{{", "{{}}", "{{a}b}}", "x{{.Name}}y", "{{{a}}}", "{{a}}}}", "123 1234 12345a",
		"Bestellung 98765432, {{ .Order }} am 12.03.2026", "\xff{{\xfe}}", "{{\n}}", "1{{2}}3456", "}}{{"} {
		checkCleanFilter(t, in)
	}
}

func FuzzCleanFilter(f *testing.F) {
	for _, s := range []string{"x{{.Name}}y 12345", "{{a}b}}", "\xff{{\xfe}}1234"} {
		f.Add(s)
	}
	f.Fuzz(checkCleanFilter)
}

// TestSelectFirst: selectFirst leaves the k first elements in front, for
// every k, on shuffled, sorted and reversed input.
func TestSelectFirst(t *testing.T) {
	cmpInt := func(a, b int32) int { return int(a) - int(b) }
	for _, n := range []int{0, 1, 2, 3, 5, 17, 100, 333} {
		inputs := map[string][]int32{"sorted": {}, "reversed": {}, "shuffled": {}}
		for i := range n {
			inputs["sorted"] = append(inputs["sorted"], int32(i))
			inputs["reversed"] = append(inputs["reversed"], int32(n-1-i))
			inputs["shuffled"] = append(inputs["shuffled"], int32((i*7919)%n))
		}
		for name, in := range inputs {
			for k := 0; k <= n; k++ {
				x := slices.Clone(in)
				selectFirst(x, k, cmpInt)
				first := slices.Clone(x[:k])
				slices.Sort(first)
				for i, v := range first {
					if v != int32(i) {
						t.Fatalf("n=%d %s k=%d: x[:k] = %v, want 0..%d", n, name, k, x[:k], k-1)
					}
				}
			}
		}
	}
}

// sampleGrams imports the sample KB and returns it, its in-memory index
// (its index stays locked until the test ends) and the German profile
// n-grams it has, sorted.
func sampleGrams(t *testing.T) (*KB, *memIndex, []string) {
	t.Helper()
	_, k := importSample(t)
	idx, unlock, err := k.index()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(unlock)
	m, err := k.memory(idx)
	if err != nil {
		t.Fatal(err)
	}
	var known []string
	for g := range m.langs[German].grams {
		known = append(known, g)
	}
	slices.Sort(known)
	return k, m, known
}

// TestWeighMatchesFullSort: weigh, which sorts only the heaviest terms
// unless it needs more, selects what a full sort selects, with and without
// a posting budget that skips terms.
func TestWeighMatchesFullSort(t *testing.T) {
	k, m, known := sampleGrams(t)
	ctx := context.Background()
	for seed := range 20 {
		tf := map[string]float64{}
		for i := range 50 + seed*40 {
			switch {
			case i%3 == 0 || seed%2 == 0: // odd seeds: mostly terms in no document
				tf[known[(i*31+seed*7)%len(known)]] += float64(1 + i%4)
			default:
				tf[fmt.Sprintf("x%03d", (i*17+seed)%997)] += float64(1 + (i+seed)%3)
			}
		}
		for _, budget := range []uint64{1500, 20, 3} {
			p := defaultParams()
			p.maxPostings = budget
			s := &searcher{k: k, p: p, be: m, sc: searchScratch.Get().(*scratch)}
			var tab tfTable // half the tests bring the document frequencies, half let weigh look them up
			for term, f := range tf {
				var ref *termRef
				if seed%2 == 1 {
					r := refTo(m.langs[German].grams[term], nil)
					ref = &r
				}
				tab.add(term, f, ref)
			}
			got, err := s.weigh(ctx, profNgramField(German), &tab, 0, m.langs[German].n, p.maxGrams, nil)
			if err != nil {
				t.Fatal(err)
			}
			// The reference: weigh every term, sort all, select.
			var all []qterm
			for term, f := range tf {
				df, _ := m.docFreq(ctx, profNgramField(German), term)
				all = append(all, qterm{term: term, w: idf(df, m.langs[German].n) * (1 + math.Log(math.Max(f, 1))), df: df})
			}
			sort.Slice(all, func(i, j int) bool {
				if all[i].w != all[j].w {
					return all[i].w > all[j].w
				}
				return all[i].term < all[j].term
			})
			var want []qterm
			var postings uint64
			for i, q := range all {
				if len(want) == p.maxGrams {
					break
				}
				if i >= p.minTerms && postings+q.df > p.maxPostings {
					continue
				}
				postings += q.df
				want = append(want, q)
			}
			for i := range got {
				got[i].ref = nil // where the terms are is not what is compared
			}
			if diff := cmp.Diff(want, got, cmp.AllowUnexported(qterm{})); diff != "" {
				t.Errorf("seed %d, budget %d: %d terms (-full sort +weigh):\n%s", seed, budget, len(tf), diff)
			}
			s.sc.reset()
			searchScratch.Put(s.sc)
		}
	}
}

// TestCountConcurrent: goroutines counting at once, while the token cache
// fills and merges, all count what both gives.
func TestCountConcurrent(t *testing.T) {
	_, k := importSample(t)
	var texts []string
	for _, q := range sampleQueries(t) {
		texts = append(texts, q.Text)
	}
	for i := range 300 { // new tokens, so that the cache merges while others read
		texts = append(texts, fmt.Sprintf("Wort%d Lieferung%d order%d", i, i*7, i*13))
	}
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range texts {
				text := texts[(i+g*37)%len(texts)]
				for _, lang := range langs() {
					checkCount(t, k.an[lang], text)
				}
			}
		}()
	}
	wg.Wait()
}

// counts returns the frequencies t counted.
func (t *tfTable) counts() map[string]float64 {
	m := map[string]float64{}
	for _, e := range t.terms {
		m[e.term] += e.f
	}
	return m
}

// TestGrowMap: values come back for every key, made once per key while
// the map has room; once full, values for new keys are made and not kept;
// goroutines reading and adding at once see one value per kept key.
func TestGrowMap(t *testing.T) {
	var g growMap[int]
	made := map[string]int{}
	var mu sync.Mutex
	mk := func(k string) func() int {
		return func() int {
			mu.Lock()
			defer mu.Unlock()
			made[k]++
			return len(k)
		}
	}
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range maxCachedTokens + 100 {
				k := fmt.Sprintf("key%d", (i*7+w*13)%(maxCachedTokens+100))
				if got := g.get([]byte(k), mk(k)); got != len(k) {
					t.Errorf("get(%q) = %d, want %d", k, got, len(k))
					return
				}
			}
		}()
	}
	wg.Wait()
	kept := 0
	if d := g.done.Load(); d != nil {
		kept = len(*d)
	}
	kept += len(g.pending)
	if kept != maxCachedTokens || !g.full.Load() {
		t.Errorf("%d keys kept (full %v), want %d", kept, g.full.Load(), maxCachedTokens)
	}
	// A kept key is not made again.
	for k := range *g.done.Load() {
		before := made[k]
		g.get([]byte(k), mk(k))
		if made[k] != before {
			t.Errorf("kept key %q made again", k)
		}
		break
	}
}

// TestSortsSameAsOld: the candidate and intent orders of finish, now made
// with slices.SortFunc, are those the old sort.Slice calls made (both
// orders are total), on candidates and intents with many ties in score.
func TestSortsSameAsOld(t *testing.T) {
	for seed := range 50 {
		var cs []*cand
		probs := map[string]float64{}
		for i := range 5 + seed {
			cs = append(cs, &cand{id: fmt.Sprintf("a%03d", (i*37+seed)%101), text: float64((i*seed)%4) / 4})
			probs[fmt.Sprintf("intent%02d", (i*13+seed)%29)] = float64((i+seed)%3) / 3
		}
		old := slices.Clone(cs)
		sort.Slice(old, func(i, j int) bool {
			if old[i].text != old[j].text {
				return old[i].text > old[j].text
			}
			return old[i].id < old[j].id
		})
		sortCands(cs)
		if !slices.Equal(old, cs) {
			t.Fatalf("seed %d: sortCands differs from the old order", seed)
		}
		var intents []string
		var byP []intentP
		for in, p := range probs {
			intents = append(intents, in)
			byP = append(byP, intentP{name: in, p: p})
		}
		want := slices.Clone(intents)
		sort.Slice(want, func(i, j int) bool {
			pi, pj := probs[want[i]], probs[want[j]]
			return pi > pj || pi == pj && want[i] < want[j]
		})
		if got := orderIntents(byP, intents); !slices.Equal(got, want) {
			t.Fatalf("seed %d: intent order %v, old %v", seed, got, want)
		}
	}
}
