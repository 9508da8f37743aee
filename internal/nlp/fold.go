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
	var b strings.Builder
	b.Grow(len(s) + len(s)/8)
	FoldAppend(&b, s)
	return b.String()
}

// FoldAppend writes the folded form of s (see Fold) to b.
func FoldAppend(b *strings.Builder, s string) {
	if !isASCII(s) && !norm.NFC.IsNormalString(s) {
		s = norm.NFC.String(s)
	}
	for i := 0; i < len(s); {
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
		switch r {
		case 'ä', 'Ä':
			b.WriteString("ae")
		case 'ö', 'Ö':
			b.WriteString("oe")
		case 'ü', 'Ü':
			b.WriteString("ue")
		case 'ß', 'ẞ':
			b.WriteString("ss")
		default:
			if unicode.IsControl(r) {
				b.WriteByte(' ')
				continue
			}
			b.WriteRune(unicode.ToLower(r))
		}
	}
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}
