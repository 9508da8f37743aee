package reply

import (
	"math/bits"
	"unicode/utf8"
)

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
// (bit i: words[i]), each byte c of text read as fold[c]. An occurrence
// is at a boundary when no word byte (isWordByte) is right before or
// after it.
func (s *wordSet) find(text string, fold *[256]byte) uint64 {
	all := uint64(1)<<len(s.words) - 1 // wraps to every bit for 64 words
	var found uint64
	for a := 0; a < len(text); {
		// a is where a word may start: at 0, or after a byte that is no
		// word byte.
		c := fold[text[a]]
		if m := s.first[c] &^ found; m != 0 {
			for ; m != 0; m &= m - 1 {
				i := bits.TrailingZeros64(m)
				if w := s.words[i]; hasWordAt(text, a, w, fold) {
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
			for a < len(text) && wordByte[fold[text[a]]] {
				a++
			}
			a++
		}
	}
	return found
}

// hasWordAt reports whether text read through fold has w at a, with no
// word byte after it.
func hasWordAt(text string, a int, w string, fold *[256]byte) bool {
	b := a + len(w)
	if b > len(text) || b < len(text) && wordByte[fold[text[b]]] {
		return false
	}
	for k := 0; k < len(w); k++ {
		if fold[text[a+k]] != w[k] {
			return false
		}
	}
	return true
}

// sameByte reads every byte as it is; asciiFold reads ASCII text as
// nlp.Fold writes it: capitals in lower case, control characters as
// spaces (nlp.Fold changes ASCII text byte for byte only so).
var sameByte, asciiFold = func() (same, ascii [256]byte) {
	for c := range 256 {
		same[c], ascii[c] = byte(c), byte(c)
		switch {
		case 'A' <= c && c <= 'Z':
			ascii[c] = byte(c) + 'a' - 'A'
		case c < ' ' || c == 0x7f:
			ascii[c] = ' '
		}
	}
	return same, ascii
}()

// isASCII reports whether s is all ASCII.
func isASCII(s string) bool {
	i := 0
	for ; i+8 <= len(s); i += 8 {
		t := s[i : i+8]
		if (uint64(t[0])|uint64(t[1])<<8|uint64(t[2])<<16|uint64(t[3])<<24|
			uint64(t[4])<<32|uint64(t[5])<<40|uint64(t[6])<<48|uint64(t[7])<<56)&0x8080808080808080 != 0 {
			return false
		}
	}
	for ; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// wordByte is isWordByte as a table.
var wordByte = func() (t [256]bool) {
	for c := range t {
		t[c] = isWordByte(byte(c))
	}
	return t
}()
