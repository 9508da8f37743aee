package sentiment

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

var poolSeeds = []string{
	"Sehr geehrte Damen und Herren, meine Bestellung 4711 ist leider immer noch nicht angekommen. Das ist wirklich ärgerlich!!",
	"", "x", "SUPER!!! :-) 😡 Zum dritten Mal, ich gehe zum Anwalt.", "Gru\u0308ße, Petra", "https://x.de a@b.de don't",
	"Thanks a lot, this is NOT acceptable. I'm furious…", "\xff\xfe ok",
}

// checkPooled compares tokenizing in reused memory with tokenizing in new
// memory, after tokenizing other texts in the same memory.
func checkPooled(t *testing.T, l *Lexicon, before, text string) {
	t.Helper()
	tb := new(tokBuf)
	l.tokenizeIn(tb, before)
	got, gotFolded := l.tokenizeIn(tb, text)
	want, wantFolded := l.tokenize(text)
	if diff := cmp.Diff(want, got, cmp.AllowUnexported(token{})); diff != "" {
		t.Errorf("tokenize(%q) after %q in reused memory (-new memory +reused):\n%s", text, before, diff)
	}
	if gotFolded != wantFolded {
		t.Errorf("tokenize(%q) after %q in reused memory: folded %q, in new memory %q", text, before, gotFolded, wantFolded)
	}
	p1, a1 := l.Analyze(text)
	l.Analyze(before)
	p2, a2 := l.Analyze(text)
	if diff := cmp.Diff(p1, p2); diff != "" {
		t.Errorf("Analyze(%q) changed after Analyze(%q):\n%s", text, before, diff)
	}
	if diff := cmp.Diff(a1, a2); diff != "" {
		t.Errorf("Analyze(%q) anger changed after Analyze(%q):\n%s", text, before, diff)
	}
}

// TestPooledTokensSameAsNew: Analyze and Score reuse the tokenizer's
// memory; that changes no token and no result.
func TestPooledTokensSameAsNew(t *testing.T) {
	l := New()
	for _, a := range poolSeeds {
		for _, b := range poolSeeds {
			checkPooled(t, l, a, b)
		}
	}
}

func FuzzPooledTokensSameAsNew(f *testing.F) {
	for i, s := range poolSeeds {
		f.Add(poolSeeds[(i+1)%len(poolSeeds)], s)
	}
	l := New()
	f.Fuzz(func(t *testing.T, before, text string) {
		checkPooled(t, l, before, text)
	})
}
