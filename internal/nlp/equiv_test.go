package nlp

import (
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// The reference implementations below are the tokeniser's space handling
// and the language detector as they were before their fast paths; the
// tests check that the fast paths compute exactly the same.

func refIsSpace(r rune) bool {
	return r == ' ' || r == '\n' || r == '\t' || r == '\r' || unicode.IsSpace(r)
}

func refChunkEnd(s string) int {
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if refIsSpace(r) {
			return i
		}
		i += size
	}
	return len(s)
}

func refAppendTokens(dst []string, s string) []string {
	for len(s) > 0 {
		r, size := utf8.DecodeRuneInString(s)
		if refIsSpace(r) {
			s = s[size:]
			continue
		}
		end := refChunkEnd(s)
		dst = refAppendChunk(dst, s[:end])
		s = s[end:]
	}
	return dst
}

func refSet(ws []string) map[string]bool {
	m := make(map[string]bool)
	for _, w := range ws {
		m[w] = true
	}
	return m
}

// refLangWords are the cue words of each language.
var refLangWords = func() (m [numLangs]map[string]bool) {
	for i, s := range langWords {
		m[i] = refSet(wordList(s))
	}
	return m
}()

func refIsWordRune(r rune) bool {
	if r < utf8.RuneSelf {
		return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9'
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r)
}

func refAppendChunk(dst []string, c string) []string {
	if looksLikeURL(c) {
		return append(dst, TokURL)
	}
	if looksLikeEmail(c) {
		return append(dst, TokEmail)
	}
	for i := 0; i < len(c); {
		r, size := utf8.DecodeRuneInString(c[i:])
		switch {
		case refIsWordRune(r):
			j := refWordEnd(c, i)
			dst = refAppendWord(dst, c[i:j])
			i = j
		case r == '!' || r == '?':
			j := i
			for j < len(c) && c[j] == byte(r) {
				j++
			}
			if j-i >= 2 {
				dst = append(dst, c[i:i+2])
			} else {
				dst = append(dst, c[i:i+1])
			}
			i = j
		case r == utf8.RuneError && size == 1:
			i++
		case unicode.Is(unicode.So, r) || unicode.Is(unicode.Sc, r):
			dst = append(dst, c[i:i+size])
			i += size
		default:
			i += size
		}
	}
	return dst
}

func refWordEnd(c string, i int) int {
	j := i
	for j < len(c) {
		r, size := utf8.DecodeRuneInString(c[j:])
		if refIsWordRune(r) {
			j += size
			continue
		}
		if r < utf8.RuneSelf && isJoiner(byte(r)) && j+1 < len(c) {
			r2, _ := utf8.DecodeRuneInString(c[j+1:])
			if refIsWordRune(r2) {
				j++
				continue
			}
		}
		break
	}
	return j
}

func refAppendWord(dst []string, w string) []string {
	digits, letters := 0, 0
	for i := 0; i < len(w); i++ {
		c := w[i]
		switch {
		case '0' <= c && c <= '9':
			digits++
		case isJoiner(c):
		default:
			letters++
		}
	}
	if digits == 0 {
		start := 0
		for i := 0; i < len(w); i++ {
			if isJoiner(w[i]) {
				if i > start {
					dst = append(dst, w[start:i])
				}
				start = i + 1
			}
		}
		if start < len(w) {
			dst = append(dst, w[start:])
		}
		return dst
	}
	switch {
	case isDate(w):
		return append(dst, TokDate)
	case letters == 0 && digits <= 4:
		return append(dst, TokNum)
	case letters == 0 && isAmount(w):
		return append(dst, TokNum)
	case digits >= 5 || letters > 0 && len(w) >= 5:
		return append(dst, TokID)
	case letters > 0:
		// Short mixed forms such as "3rd", "24h", "2x", "10am" carry a
		// number and a unit: keep them as a number.
		return append(dst, TokNum)
	default:
		return append(dst, TokNum)
	}
}

func refIdentifyTokens(tokens []string, umlauts int) string {
	score := [numLangs]int{iDE: priorPoints, iEN: priorPoints}
	for _, t := range tokens {
		n := 0
		for i := range langs {
			if refLangWords[i][t] {
				n++
			}
		}
		for i := range langs {
			if refLangWords[i][t] {
				score[i] += sharedWordPoints[n]
			}
		}
		if n > 0 {
			continue // a cue word: its letters add nothing
		}
		for i := range langs {
			only, shared := false, false
			for _, r := range t {
				o, s := letterCues(r)
				only = only || o&(1<<i) != 0
				shared = shared || s&(1<<i) != 0
			}
			if only {
				score[i] += onlyPoints
			} else if shared {
				score[i] += sharedPoints
			}
		}
	}
	for _, i := range []int{iDE, iSV, iTR} {
		if i == iDE && score[iDE] == priorPoints && len(tokens) >= shortText {
			continue // no German word in a longer text: umlauts are not German
		}
		score[i] += umlautPoints * min(umlauts, maxUmlauts)
	}
	order := []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10}
	slices.SortStableFunc(order, func(a, b int) int { return score[b] - score[a] })
	if score[order[0]] <= priorPoints || score[order[0]] == score[order[1]] {
		return Undetermined
	}
	return langs[order[0]]
}

func refDetectTokens(tokens []string, umlauts int) string {
	if l := refIdentifyTokens(tokens, umlauts); l == German || l == English {
		return l
	}
	return Undetermined
}

// equivTexts are seeds with every kind of space, mixed cue words and
// invalid UTF-8.
var equivTexts = []string{
	"", " ", "a\vb\fc\rd\ne\tf", "x\u0085y\u00a0z\u2003w\u3000v", "\xff \xfe\u2028",
	"Wo bleibt meine Bestellung 4711-2231? the order is not here",
	"der die das the a an und and", "Ärger über Öl, Straße", "I can't log in!!! 😡 49,99 €",
	"¿Dónde está mi pedido? Não recebi", "Dziękuję, siparişim gelmedi, tak", "de la het een, ø å é ç",
	strings.Repeat("bitte please ", 20), "max@example.de https://x.de/a?b=1 www.example.com",
}

func checkEquiv(t *testing.T, s string) {
	t.Helper()
	folded := Fold(s)
	for _, in := range []string{s, folded} {
		got, want := AppendTokens(nil, in), refAppendTokens(nil, in)
		if !slices.Equal(got, want) {
			t.Fatalf("AppendTokens(%q) = %q, reference %q", in, got, want)
		}
		if got, _ := chunkEnd(in); got != refChunkEnd(in) {
			t.Fatalf("chunkEnd(%q) = %d, reference %d", in, got, refChunkEnd(in))
		}
	}
	toks := Tokenize(folded)
	for _, u := range []int{0, countUmlauts(s), 2, 5} {
		if got, want := DetectTokens(toks, u), refDetectTokens(toks, u); got != want {
			t.Fatalf("DetectTokens(%q, %d) = %q, reference %q", toks, u, got, want)
		}
		if got, want := IdentifyTokens(toks, u), refIdentifyTokens(toks, u); got != want {
			t.Fatalf("IdentifyTokens(%q, %d) = %q, reference %q", toks, u, got, want)
		}
	}
}

func TestTokenizeMatchesReference(t *testing.T) {
	for _, s := range equivTexts {
		checkEquiv(t, s)
	}
	// Every rune up to U+3100, alone and between letters.
	for r := rune(0); r < 0x3100; r++ {
		checkEquiv(t, string(r))
		checkEquiv(t, "ab"+string(r)+"cd der the")
	}
}

func FuzzTokenizeMatchesReference(f *testing.F) {
	for _, s := range equivTexts {
		f.Add(s)
	}
	f.Fuzz(checkEquiv)
}

// BenchmarkAppendTokens compares the tokeniser with its reference on a
// folded service mail.
func BenchmarkAppendTokens(b *testing.B) {
	s := Fold(strings.Repeat("Sehr geehrte Damen und Herren, meine Bestellung 4711-2231 vom 03.03.2026 ist leider immer noch nicht angekommen. Können Sie bitte nachsehen? Mit freundlichen Grüßen, Petra Schulz\n", 3))
	var buf []string
	b.Run("reference", func(b *testing.B) {
		for b.Loop() {
			buf = refAppendTokens(buf[:0], s)
		}
	})
	b.Run("fast", func(b *testing.B) {
		for b.Loop() {
			buf = AppendTokens(buf[:0], s)
		}
	})
	b.Run("detect-reference", func(b *testing.B) {
		for b.Loop() {
			_ = refDetectTokens(buf, 1)
		}
	})
	b.Run("detect-fast", func(b *testing.B) {
		for b.Loop() {
			_ = DetectTokens(buf, 1)
		}
	})
}
