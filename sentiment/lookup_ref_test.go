package sentiment

import (
	"testing"

	"github.com/antwort-dev/antwort/internal/testmail"
)

// lookupNormRef is lookupNorm as it was, on the maps the lookup tables
// are built from.
func (l *Lexicon) lookupNormRef(toks []token, i int, norm string) (*entry, int) {
	if wi := l.words[norm]; wi != nil {
		for _, p := range wi.phrases {
			if matchRest(toks, i+1, p.rest) {
				return p.e, 1 + len(p.rest)
			}
		}
		if wi.e != nil {
			return wi.e, 1
		}
	}
	if len(norm) >= 3 && norm[len(norm)-3:] == "n't" {
		return l.nt, 1
	}
	if len(norm) < stemKey {
		return nil, 1
	}
	for _, a := range l.stems[norm[:stemKey]] {
		if len(norm) >= len(a.s) && norm[:len(a.s)] == a.s {
			return a.e, 1
		}
	}
	if len(norm) >= minHead+3 {
		for _, a := range l.heads[norm[len(norm)-stemKey:]] {
			if len(norm) >= len(a.s)+3 && norm[len(norm)-len(a.s):] == a.s {
				return a.e, 1
			}
		}
	}
	return nil, 1
}

// lookupLex keeps the maps New drops.
var lookupLex, _ = build()

// checkLookup compares lookupNorm with lookupNormRef for every word of
// text, and for every stem, head and word of the lexicon with a letter
// more or less.
func checkLookup(t *testing.T, text string) {
	t.Helper()
	toks := lookupLex.tokenize(text)
	for i, tk := range toks {
		if tk.kind != tkWord {
			continue
		}
		e, n := lookupLex.lookupNorm(toks, i, tk.norm)
		re, rn := lookupLex.lookupNormRef(toks, i, tk.norm)
		if e != re || n != rn {
			t.Fatalf("lookupNorm(%q) in %q = %p, %d; was %p, %d", tk.norm, text, e, n, re, rn)
		}
	}
}

// TestLookupSameAsOld: the lookup tables find what the maps find, in the
// generated mails, the lexicon's own words and near misses of them.
func TestLookupSameAsOld(t *testing.T) {
	for _, m := range testmail.Generated(t) {
		checkLookup(t, m.Full())
	}
	var words []string
	for w, wi := range lookupLex.words {
		words = append(words, w)
		for _, p := range wi.phrases {
			for _, r := range p.rest {
				words = append(words, w+" "+r)
			}
		}
	}
	for _, m := range []map[string][]affix{lookupLex.stems, lookupLex.heads} {
		for _, as := range m {
			for _, a := range as {
				words = append(words, a.s, "ab"+a.s, a.s+"xyz", "zusammen"+a.s)
			}
		}
	}
	for _, w := range words {
		checkLookup(t, w)
		checkLookup(t, w+"e")
		checkLookup(t, w[:len(w)-1])
		checkLookup(t, "x"+w)
	}
}

func FuzzLookupSameAsOld(f *testing.F) {
	for _, s := range []string{"nicht gut", "Das ist wirklich ärgerlich!!", "don't", "Lieferverzögerung", "nie wieder", "suuuuper"} {
		f.Add(s)
	}
	f.Fuzz(checkLookup)
}
