package entity

import (
	"testing"
	"unicode/utf8"
)

// TestMonthStart: monthStemAt's first-byte check lets through the first
// byte of every stem as (?i) expressions spell it: either case, and the
// Kelvin sign and long s for k and s.
func TestMonthStart(t *testing.T) {
	for _, stem := range monthStems {
		r, _ := utf8.DecodeRuneInString(stem)
		spellings := []rune{r, r - 'a' + 'A'}
		switch r {
		case 'k':
			spellings = append(spellings, '\u212a')
		case 's':
			spellings = append(spellings, 'ſ')
		}
		for _, sp := range spellings {
			if b := string(sp)[0]; !monthStart[b] {
				t.Errorf("stem %q may begin with %q, whose first byte %#x monthStart lacks", stem, sp, b)
			}
		}
	}
}
