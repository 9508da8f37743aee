package nlp

import (
	"math"
	"math/bits"
	"strings"
)

// WordTable is a fixed map from words to values for lookups on hot paths
// (one per token of a text): open addressing over a power-of-two array
// with a cheap hash of a word's length and first and last bytes, so that a
// word that is not in the table (most tokens) usually costs one hash and
// one look at an empty slot. The slots hold no pointers (the words are
// kept back to back in one string), so that the garbage collector does
// not scan them. Lookups give what the map it was built from gives; the
// zero WordTable is empty. A WordTable is read-only after NewWordTable and
// safe for concurrent use.
type WordTable[V any] struct {
	slots []wordSlot
	words string // the keys, back to back
	vals  []V
	mask  uint64
}

// wordSlot is a slot of a WordTable: the key words[off:off+n] with value
// vals[val-1], or empty when val is 0; tag is the top bits of the key's
// hash, to pass over other keys without comparing them.
type wordSlot struct {
	off, val uint32
	n, tag   uint16
}

// NewWordTable returns a table of the words of m and their values. It
// panics when a word is 64 KiB or longer or all words together 4 GiB or
// longer: word lists are far smaller.
func NewWordTable[V any](m map[string]V) *WordTable[V] {
	size := 1 << bits.Len(uint(2*len(m))) // at most half full
	t := &WordTable[V]{slots: make([]wordSlot, size), mask: uint64(size - 1), vals: make([]V, 0, len(m))}
	var b strings.Builder
	for k, v := range m {
		if len(k) > math.MaxUint16 || b.Len()+len(k) > math.MaxUint32 {
			panic("nlp: word table: word or word list too long")
		}
		h := wordHash(k)
		i := h & t.mask
		for t.slots[i].val != 0 {
			i = (i + 1) & t.mask
		}
		t.vals = append(t.vals, v)
		t.slots[i] = wordSlot{off: uint32(b.Len()), val: uint32(len(t.vals)), n: uint16(len(k)), tag: uint16(h >> 48)}
		b.WriteString(k)
	}
	t.words = b.String()
	return t
}

// Get returns the value of w and whether w is in the table.
func (t *WordTable[V]) Get(w string) (v V, ok bool) {
	if len(t.slots) == 0 {
		return v, false
	}
	h := wordHash(w)
	tag := uint16(h >> 48)
	for i := h & t.mask; ; i = (i + 1) & t.mask {
		s := t.slots[i]
		if s.val == 0 {
			return v, false
		}
		if s.tag == tag && int(s.n) == len(w) && t.words[s.off:s.off+uint32(s.n)] == w {
			return t.vals[s.val-1], true
		}
	}
}

// Value returns the value of w, or the zero value when w is not in the
// table.
func (t *WordTable[V]) Value(w string) V {
	v, _ := t.Get(w)
	return v
}

// wordHash hashes a word from its length and up to eight of its bytes
// (the first and last four): enough to tell the words of a word list
// apart, and no loop over long words.
func wordHash(w string) uint64 {
	n := len(w)
	h := uint64(n) * 0x9e3779b97f4a7c15
	switch {
	case n >= 4:
		h ^= uint64(uint32(w[0])|uint32(w[1])<<8|uint32(w[2])<<16|uint32(w[3])<<24) |
			uint64(uint32(w[n-4])|uint32(w[n-3])<<8|uint32(w[n-2])<<16|uint32(w[n-1])<<24)<<32
	case n > 0:
		h ^= uint64(w[0]) | uint64(w[n>>1])<<8 | uint64(w[n-1])<<16
	}
	h *= 0xbf58476d1ce4e5b9
	return h ^ h>>31
}
