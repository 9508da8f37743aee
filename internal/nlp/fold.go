package nlp

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Fold returns s in NFC, lower-cased, with German umlauts and ß written
// out (ä→ae, ö→oe, ü→ue, ß→ss) and invalid UTF-8 replaced by U+FFFD.
// Control characters become spaces.
func Fold(s string) string {
	if folded(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + len(s)/8)
	FoldAppend(&b, s)
	return b.String()
}

// FoldAppend writes the folded form of s (see Fold) to b.
func FoldAppend(b *strings.Builder, s string) {
	if !belowCombining(s) && !norm.NFC.IsNormalString(s) {
		s = norm.NFC.String(s)
	}
	for i := 0; i < len(s); {
		// Most bytes stay as they are: copy them in one piece.
		j := i
		for j < len(s) && asciiFolded[s[j]] {
			j++
		}
		if j > i {
			b.WriteString(s[i:j])
			if i = j; i == len(s) {
				break
			}
		}
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case 'A' <= c && c <= 'Z':
				c += 'a' - 'A'
			case c < ' ' || c == 0x7f:
				c = ' '
			}
			b.WriteByte(c)
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		switch u, ok := Umlaut(r); {
		case ok:
			b.WriteString(u)
		case unicode.IsControl(r):
			b.WriteByte(' ')
		default:
			b.WriteRune(unicode.ToLower(r))
		}
	}
}

// Umlaut returns how the German letter r is written out in lower case
// without a German keyboard: "ae" for ä and Ä, "oe" for ö and Ö, "ue" for
// ü and Ü, "ss" for ß and ẞ. ok is false for every other rune.
func Umlaut(r rune) (s string, ok bool) {
	switch r {
	case 'ä', 'Ä':
		return "ae", true
	case 'ö', 'Ö':
		return "oe", true
	case 'ü', 'Ü':
		return "ue", true
	case 'ß', 'ẞ':
		return "ss", true
	}
	return "", false
}

// FoldUmlauts returns s with the German letters ä, ö, ü and ß (either
// case) written out in lower case as Umlaut does, and everything else
// unchanged; Fold does the whole folding.
func FoldUmlauts(s string) string {
	var b strings.Builder
	done := 0 // s[:done] is in b
	for i, r := range s {
		u, ok := Umlaut(r)
		if !ok {
			continue
		}
		if done == 0 {
			b.Grow(len(s) + 8)
		}
		b.WriteString(s[done:i])
		b.WriteString(u)
		done = i + utf8.RuneLen(r)
	}
	if done == 0 {
		return s
	}
	b.WriteString(s[done:])
	return b.String()
}

// folded reports whether Fold(s) is s: printable ASCII without capitals.
func folded(s string) bool {
	for i := 0; i < len(s); i++ {
		if !asciiFolded[s[i]] {
			return false
		}
	}
	return true
}

// asciiFolded are the bytes Fold keeps as they are: printable ASCII but
// the capitals.
var asciiFolded = func() (t [256]bool) {
	for c := ' '; c < 0x7f; c++ {
		t[c] = c < 'A' || c > 'Z'
	}
	return t
}()

// belowCombining reports whether s is valid UTF-8 of runes below U+0300,
// where the combining marks begin: ASCII, Latin-1 and Latin Extended. Each
// such rune is its own normal form and combines with no other, so such a
// string is in NFC without asking package norm.
func belowCombining(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < utf8.RuneSelf {
			continue
		}
		// Two-byte sequences C2 80 (U+0080) to CB BF (U+02FF).
		if c < 0xc2 || c > 0xcb || i+1 == len(s) || s[i+1]&0xc0 != 0x80 {
			return false
		}
		i++
	}
	return true
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}
