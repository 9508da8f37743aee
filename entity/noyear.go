package entity

import (
	"unicode"
	"unicode/utf8"
)

// noYearMatches returns what numericNoYRE.FindAllStringSubmatchIndex(s,
// -1) returns ("am 3.4.", "bis zum 12.5."), without the regular
// expression: at each rune, in turn from the end of the last match, the
// start of text or a rune that is not a letter, then a keyword (case
// folded as (?i) folds it: any case, and the long s for s), blanks, and
// one or two digits, a dot, one or two digits and a dot. Each place has
// at most one such match, so that the expression's preference among its
// alternatives changes nothing.
func noYearMatches(s string) [][]int {
	var out [][]int
	for p := 0; p < len(s); {
		var m []int
		if p == 0 {
			m = noYearAt(s, 0, 0) // ^
		}
		r, size := rune(s[p]), 1
		if r >= utf8.RuneSelf {
			r, size = utf8.DecodeRuneInString(s[p:])
		}
		if m == nil && !unicode.IsLetter(r) {
			m = noYearAt(s, p, p+size) // [^\pL]
		}
		if m != nil {
			out = append(out, m)
			p = m[1]
			continue
		}
		p += size
	}
	return out
}

// noYearKeywords are numericNoYRE's keywords in its order; "bis" may be
// followed by blanks and "zum".
var noYearKeywords = []string{"am", "vom", "bis", "ab", "seit", "zum", "den"}

// noYearFirst are the bytes a keyword of noYearKeywords may begin with:
// its first letter in either case, and the first byte of the long s.
var noYearFirst = func() (t [256]bool) {
	for _, kw := range noYearKeywords {
		t[kw[0]], t[kw[0]-'a'+'A'] = true, true
	}
	t[longS[0]] = true
	return t
}()

// noYearAt returns numericNoYRE's match starting at start with the
// keyword at k, or nil.
func noYearAt(s string, start, k int) []int {
	if k >= len(s) || !noYearFirst[s[k]] {
		return nil // no keyword can begin here
	}
	for _, kw := range noYearKeywords {
		j := foldedWordAt(s, k, kw)
		if j < 0 {
			continue
		}
		if kw == "bis" {
			if b := blanksEnd(s, j); b > j {
				if z := foldedWordAt(s, b, "zum"); z >= 0 {
					if m := noYearDate(s, start, z); m != nil {
						return m
					}
				}
			}
		}
		if m := noYearDate(s, start, j); m != nil {
			return m
		}
	}
	return nil
}

// noYearDate matches `[ \t]+(\d{1,2})\.(\d{1,2})\.` at i.
func noYearDate(s string, start, i int) []int {
	d := blanksEnd(s, i)
	if d == i {
		return nil
	}
	de := dotNumberEnd(s, d)
	if de < 0 {
		return nil
	}
	me := dotNumberEnd(s, de+1)
	if me < 0 {
		return nil
	}
	return []int{start, me + 1, d, de, de + 1, me}
}

// dotNumberEnd returns the end of `\d{1,2}` at i when a '.' follows it,
// or -1.
func dotNumberEnd(s string, i int) int {
	switch {
	case i+2 < len(s) && isDigit(s[i]) && isDigit(s[i+1]) && s[i+2] == '.':
		return i + 2
	case i+1 < len(s) && isDigit(s[i]) && s[i+1] == '.':
		return i + 1
	}
	return -1
}

// blanksEnd returns the end of the spaces and tabs at i.
func blanksEnd(s string, i int) int {
	for i < len(s) && (s[i] == ' ' || s[i] == '\t') {
		i++
	}
	return i
}

// foldedWordAt returns the end of the lower-case ASCII word w at s[i:] as
// (?i) matches it (any case, the long s for s), or -1.
func foldedWordAt(s string, i int, w string) int {
	for k := 0; k < len(w); k++ {
		switch c := w[k]; {
		case i < len(s) && s[i]|0x20 == c && isASCIILetter(s[i]):
			i++
		case c == 's' && len(s)-i >= len(longS) && s[i:i+len(longS)] == longS:
			i += len(longS)
		default:
			return -1
		}
	}
	return i
}
