package reply

import "math/bits"

// wordSet finds which of up to 64 words a folded text contains at word
// boundaries (containsWord for each), in one pass over the text instead
// of one per word.
type wordSet struct {
	words []string
	// first[c] has bit i set when words[i] starts with the byte c.
	first [256]uint64
}

// newWordSet returns the set of words, or nil when there are more than
// 64 or one is empty (containsWord finds those).
func newWordSet(words []string) *wordSet {
	if len(words) == 0 || len(words) > 64 {
		return nil
	}
	s := &wordSet{words: words}
	for i, w := range words {
		if w == "" {
			return nil
		}
		s.first[w[0]] |= 1 << i
	}
	return s
}

// find returns the words text contains at word boundaries as a bit set
// (bit i: words[i]). An occurrence is at a boundary when no word byte
// (isWordByte) is right before or after it.
func (s *wordSet) find(text string) uint64 {
	all := uint64(1)<<len(s.words) - 1 // wraps to every bit for 64 words
	var found uint64
	for a := 0; a < len(text); {
		// a is where a word may start: at 0, or after a byte that is no
		// word byte.
		c := text[a]
		if m := s.first[c] &^ found; m != 0 {
			for ; m != 0; m &= m - 1 {
				i := bits.TrailingZeros64(m)
				w := s.words[i]
				if b := a + len(w); b <= len(text) && text[a:b] == w && (b == len(text) || !wordByte[text[b]]) {
					found |= 1 << i
				}
			}
			if found == all {
				return found
			}
		}
		a++
		if wordByte[c] {
			// No word starts inside a run of word bytes, nor at the
			// byte that ends it.
			for a < len(text) && wordByte[text[a]] {
				a++
			}
			a++
		}
	}
	return found
}

// wordByte is isWordByte as a table.
var wordByte = func() (t [256]bool) {
	for c := range t {
		t[c] = isWordByte(byte(c))
	}
	return t
}()
