package sentiment

import (
	"math"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/antwort-dev/antwort/internal/testmail"
	"github.com/google/go-cmp/cmp"
)

// The tokenizer loop and the word lookup as they were before the fast
// paths for blanks and link starts, before the key set (keySet) and while
// each token held its folded word or text (oldToken), kept to check that
// the new ones give the same tokens and the same entries.

// oldToken is a token with the folded word, or for an emoticon, emoji or
// punctuation its text, as the tokens held it.
type oldToken struct {
	token
	norm string
}

// oldTokens pairs the tokens with their words and texts, as old tokens.
func oldTokens(text string, toks []token, folded string) []oldToken {
	out := make([]oldToken, len(toks))
	for i, t := range toks {
		out[i].token = t
		switch t.kind {
		case tkWord:
			out[i].norm = t.norm(folded)
		case tkEmo, tkPunct:
			out[i].norm = text[t.os:t.oe]
		}
	}
	return out
}

// oldTokenize is tokenize without the fast paths.
func (l *Lexicon) oldTokenize(text string) []oldToken {
	t := tokenizer{l: l, chunk: true}
	t.buf = make([]byte, 0, len(text)+8)
	t.toks = make([]token, 0, len(text)/5+8)
	var norms []string // of the tokens t.toks, for those not words
	// fill makes norms as long as t.toks.
	fill := func() {
		norms = append(norms, make([]string, len(t.toks)-len(norms))...)
	}
	setNorm := func(s string) {
		fill()
		norms[len(t.toks)-1] = s
	}
	for i := 0; i < len(text); {
		c := text[i]
		if t.chunk && !isASCIISpace(c) {
			t.chunk = false
			t.chunkStart, t.chunkTok = i, len(t.toks)
			if isLinkStart(text[i:]) {
				i = chunkEnd(text, i)
				continue
			}
		}
		if c < utf8.RuneSelf { // ASCII fast path
			switch {
			case 'a' <= c && c <= 'z':
				t.begin(i)
				t.lower++
				t.buf = append(t.buf, c)
				t.track(rune(c))
				i++
				continue
			case 'A' <= c && c <= 'Z':
				t.begin(i)
				t.upper++
				c += 'a' - 'A'
				t.buf = append(t.buf, c)
				t.track(rune(c))
				i++
				continue
			case '0' <= c && c <= '9':
				t.begin(i)
				t.digits++
				t.buf = append(t.buf, c)
				t.prev, t.run = 0, 0
				i++
				continue
			}
		}
		r, size := rune(c), 1
		if c >= utf8.RuneSelf {
			r, size = utf8.DecodeRuneInString(text[i:])
			if r != utf8.RuneError && (unicode.IsLetter(r) || unicode.IsDigit(r)) {
				t.begin(i)
				t.addRune(r)
				i += size
				continue
			}
		}
		if t.in {
			if isApostrophe(r) && startsWithLetter(text[i+size:]) {
				t.buf = append(t.buf, '\'')
				t.prev, t.run = '\'', 1
				i += size
				continue
			}
			if r >= utf8.RuneSelf && unicode.Is(unicode.Mn, r) {
				if r == '\u0308' && (t.prev == 'a' || t.prev == 'o' || t.prev == 'u') {
					t.buf = append(t.buf, 'e')
					t.prev, t.run = 'e', 1
				}
				i += size
				continue
			}
		}
		t.endWord(i)
		if isSpace(r) {
			if r == '\n' {
				t.newlines++
				if t.newlines == 2 {
					t.mark(tkSent, i, i+1)
				}
			}
			t.chunk = true
			i += size
			continue
		}
		t.newlines = 0
		if r == '@' && i > t.chunkStart { // e-mail address: drop the whole chunk
			t.toks = t.toks[:t.chunkTok]
			norms = norms[:min(len(norms), len(t.toks))]
			i = chunkEnd(text, i)
			continue
		}
		if n, w := l.emoticon(text, i); n > 0 {
			t.toks = append(t.toks, token{kind: tkEmo, os: int32(i), oe: int32(i + n), w: w})
			setNorm(text[i : i+n])
			i += n
			continue
		}
		switch r {
		case '!', '?':
			j, nEx, nQ := i, 0, 0
			for ; j < len(text) && (text[j] == '!' || text[j] == '?'); j++ {
				if text[j] == '!' {
					nEx++
				} else {
					nQ++
				}
			}
			t.toks = append(t.toks, token{kind: tkPunct, os: int32(i), oe: int32(j),
				nEx: uint16(min(nEx, math.MaxUint16)), nQ: uint16(min(nQ, math.MaxUint16))})
			setNorm(text[i:j])
			i = j
			continue
		case '.', ';', '…':
			t.mark(tkSent, i, i+size)
		case ',', ':', '(', ')', '[', ']', '–', '—':
			t.mark(tkClause, i, i+size)
		case '-':
			if i > 0 && text[i-1] == ' ' && i+1 < len(text) && text[i+1] == ' ' {
				t.mark(tkClause, i, i+1)
			}
		default:
			if w, ok := l.emoji[r]; ok {
				t.toks = append(t.toks, token{kind: tkEmo, os: int32(i), oe: int32(i + size), w: w})
				setNorm(text[i : i+size])
			}
		}
		i += size
	}
	t.endWord(len(text))
	folded := string(t.buf)
	fill()
	out := make([]oldToken, len(t.toks))
	for k := range t.toks {
		out[k] = oldToken{token: t.toks[k], norm: norms[k]}
		if tk := &t.toks[k]; tk.kind == tkWord {
			out[k].norm = folded[tk.fs:tk.fe]
		}
	}
	return out
}

// oldLookupNorm is lookupNorm asking the maps and phrases for every word.
func (l *Lexicon) oldLookupNorm(toks []oldToken, i int, norm string) (*entry, int) {
	if wi := l.words[norm]; wi != nil {
		for _, p := range wi.phrases {
			if oldMatchRest(toks, i+1, p.rest) {
				return p.e, 1 + len(p.rest)
			}
		}
		if wi.e != nil {
			return wi.e, 1
		}
	}
	if strings.HasSuffix(norm, "n't") {
		return l.nt, 1
	}
	if len(norm) < stemKey {
		return nil, 1
	}
	for _, a := range l.stems[norm[:stemKey]] {
		if strings.HasPrefix(norm, a.s) {
			return a.e, 1
		}
	}
	if len(norm) >= minHead+3 {
		for _, a := range l.heads[norm[len(norm)-stemKey:]] {
			if len(norm) >= len(a.s)+3 && strings.HasSuffix(norm, a.s) {
				return a.e, 1
			}
		}
	}
	return nil, 1
}

func oldMatchRest(toks []oldToken, i int, rest []string) bool {
	if i+len(rest) > len(toks) {
		return false
	}
	for k, want := range rest {
		if t := &toks[i+k]; t.kind != tkWord || t.norm != want {
			return false
		}
	}
	return true
}

// checkSameAsOld compares the tokens of text, and the entry found at each
// word for its folded form and its collapsed forms, with the old code.
func checkSameAsOld(t *testing.T, l *Lexicon, text string) {
	t.Helper()
	want := l.oldTokenize(text)
	got, folded := l.tokenize(text)
	if diff := cmp.Diff(want, oldTokens(text, got, folded), cmp.AllowUnexported(token{}, oldToken{})); diff != "" {
		t.Fatalf("tokenize(%q) (-old +new):\n%s", text, diff)
	}
	for i := range got {
		if got[i].kind != tkWord {
			continue
		}
		w := got[i].norm(folded)
		for _, norm := range []string{w, collapse(w, 2), collapse(w, 1)} {
			we, wn := l.oldLookupNorm(want, i, norm)
			ge, gn := l.lookupNorm(got, folded, i, norm)
			if we != ge || wn != gn {
				t.Fatalf("lookupNorm(%q) in %q = %p, %d; old %p, %d", norm, text, ge, gn, we, wn)
			}
		}
	}
}

// lexiconWords are the lexicon's own words, stems and heads, alone and
// in a sentence, so that every key of the maps is looked up.
func lexiconWords(l *Lexicon) []string {
	var out []string
	for w, wi := range l.words {
		out = append(out, w, "Das ist "+strings.ToUpper(w)+" nicht gut.")
		for _, p := range wi.phrases {
			out = append(out, w+" "+strings.Join(p.rest, " "), w+" "+p.rest[0], "x "+w+" "+p.rest[0]+" y, "+w+", "+p.rest[0])
		}
	}
	for _, m := range []map[string][]affix{l.stems, l.heads} {
		for _, as := range m {
			for _, a := range as {
				out = append(out, a.s, "xy"+a.s, a.s+"en", "kunden"+a.s)
			}
		}
	}
	return out
}

// TestLookupSameAsOld: over the repository's mails, the batch
// benchmark's mails when present, the lexicon's own terms and the seeds,
// the tokens and the entries found are those of the old code.
func TestLookupSameAsOld(t *testing.T) {
	l := New()
	repo, bench := testmail.Load(t, "..")
	n := 0
	for _, m := range append(repo, bench...) {
		checkSameAsOld(t, l, m.Full())
		n++
	}
	for _, s := range append(lexiconWords(l), poolSeeds...) {
		checkSameAsOld(t, l, s)
		n++
	}
	if n < 1000 {
		t.Errorf("compared %d texts, want at least 1000", n)
	}
}

func FuzzLookupSameAsOld(f *testing.F) {
	for _, s := range poolSeeds {
		f.Add(s)
	}
	f.Add("suuuuper GUUUT nicht schlecht Kundenabzocke, enttäuschend!!! don't")
	f.Add("ABC123abcAAAaaa111ßÄÖÜ a\u0308 1a2b3c")
	l := New()
	f.Fuzz(func(t *testing.T, text string) {
		checkSameAsOld(t, l, text)
	})
}
