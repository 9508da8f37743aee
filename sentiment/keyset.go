package sentiment

// keySet is a set of 64-bit keys reduced to one bit each: has(k) is true
// for every key added and, for a key not added, true only when its bit is
// shared with one that was (a false positive the caller's map lookup then
// answers). It lets lookupNorm pass over a word that no map holds, most
// words of a mail, without hashing the word three times, and over the
// phrases of a word when the next word starts none of them. One set holds
// the keys of all four kinds (a tag in the top byte tells them apart), so
// that the lookups of a mail touch few cache lines.
type keySet [keySetWords]uint64

const (
	keySetBits  = 15 // 32 Ki bits, 4 KiB
	keySetWords = 1 << keySetBits / 64
)

// The tags of the kinds of keys in a keySet.
const (
	tagWord = iota + 1
	tagStem
	tagHead
	tagPair
)

// slot spreads k over the set's bits (multiplicative hashing: the top bits
// of the product depend on all bits of k).
func (*keySet) slot(k uint64) uint64 { return (k * 0x9E3779B97F4A7C15) >> (64 - keySetBits) }

func (s *keySet) add(k uint64) {
	i := s.slot(k)
	s[i/64] |= 1 << (i % 64)
}

func (s *keySet) has(k uint64) bool {
	i := s.slot(k)
	return s[i/64]&(1<<(i%64)) != 0
}

// wordKey is the key of a whole word in the word set: its length and its
// first two and last two bytes (the same byte twice in a short word).
// Words with the same key share a bit, so the set only says where the
// word map may hold the word.
func wordKey(w string) uint64 {
	n := len(w)
	if n == 0 {
		return tagWord << 56
	}
	return uint64(n)&0xffff | uint64(w[0])<<16 | uint64(w[min(1, n-1)])<<24 |
		uint64(w[max(0, n-2)])<<32 | uint64(w[n-1])<<40 | tagWord<<56
}

// pairKey is the key of a word followed by another, the first two words
// of a phrase.
func pairKey(first, second string) uint64 {
	return (wordKey(first)*0xff51afd7ed558ccd^wordKey(second))&(1<<56-1) | tagPair<<56
}

// affixKey is the key of four bytes, the index key (stemKey bytes) of a
// stem (tag tagStem) or compound head (tagHead).
func affixKey(s string, tag uint64) uint64 {
	_ = s[3]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 | tag<<56
}
