package entity

import (
	"regexp"
	"strings"
)

// Reference numbers: order, customer, contract and ticket numbers after
// a keyword, and the bare forms without one.

// idPat is a reference number after a keyword: an optional '#', up to four
// letters, then a digit and more digits, letters, '-' or '/'.
const idPat = `#?([A-Za-z]{0,4}[-/]?\d[0-9A-Za-z/-]*)`

// fillPat is what may stand between keyword and number: punctuation and
// words like "Nr.", "number", "ist", "lautet".
const fillPat = `[ \t]*(?:[:#.]|-)?[ \t]*(?:(?:nr|no|nummer|number|num|id|ist|lautet|is)\.?[ \t]*[:#]?[ \t]*){0,2}`

func keywordRE(keywords string) *regexp.Regexp {
	return regexp.MustCompile(`(?i)\b(?:` + keywords + `)` + fillPat + idPat)
}

// builtinKeywords are the built-in keyword alternatives per kind.
var builtinKeywords = [numKinds]string{
	kindOrder: `bestell(?:ungs)?[- ]?(?:nummer|nr\.?)|bestellung(?:en)?|best\.-?nr\.?` +
		`|auftrags?[- ]?(?:nummer|nr\.?)|auftrag` +
		`|order[ \t]?(?:number|no\.?|nr\.?|id)|orders?`,
	kindCustomer: `kunden?[- ]?(?:nummer|nr\.?|id)|kd\.?[- ]?nr\.?` +
		`|customer[ \t]?(?:number|no\.?|nr\.?|id|#)|client[ \t]?(?:number|no\.?|id)`,
	kindContract: `vertrags?[- ]?(?:nummer|nr\.?)|vertrag` +
		`|contract[ \t]?(?:number|no\.?|nr\.?|id)|contract|policy[ \t]?(?:number|no\.?)`,
	kindTicket: `ticket[- ]?(?:nummer|nr\.?|number|no\.?|id)|ticket` +
		`|vorgangs?[- ]?(?:nummer|nr\.?)|vorgang|case[ \t]?(?:number|no\.?|id)|case` +
		`|fall[- ]?(?:nummer|nr\.?)|anfrage[- ]?(?:nummer|nr\.?)`,
}

// builtinRE are the built-in keyword patterns per kind.
var builtinRE = [numKinds]*regexp.Regexp{
	kindOrder:    keywordRE(builtinKeywords[kindOrder]),
	kindCustomer: keywordRE(builtinKeywords[kindCustomer]),
	kindContract: keywordRE(builtinKeywords[kindContract]),
	kindTicket:   keywordRE(builtinKeywords[kindTicket]),
}

// builtinStems are lower-case beginnings of the keywords in builtinRE:
// a text with none of a kind's stems cannot match its expression.
var builtinStems = [numKinds][]string{
	kindOrder:    {"best", "auftrag", "order"},
	kindCustomer: {"kund", "kd", "customer", "client"},
	kindContract: {"vertrag", "contract", "policy"},
	kindTicket:   {"ticket", "vorgang", "case", "fall", "anfrage"},
}

// anchoredRE are builtinRE anchored at the start and without the leading
// \b, which keywordNumbers checks itself.
var anchoredRE = [numKinds]*regexp.Regexp{
	kindOrder:    anchoredKeywordRE(builtinKeywords[kindOrder]),
	kindCustomer: anchoredKeywordRE(builtinKeywords[kindCustomer]),
	kindContract: anchoredKeywordRE(builtinKeywords[kindContract]),
	kindTicket:   anchoredKeywordRE(builtinKeywords[kindTicket]),
}

func anchoredKeywordRE(keywords string) *regexp.Regexp {
	return regexp.MustCompile(`(?i)^(?:` + keywords + `)` + fillPat + idPat)
}

// Non-ASCII runes that stand for ASCII letters in stems: (?i) expressions
// match the Kelvin sign for k and the long s for s, and strings.ToLower
// maps the Kelvin sign to k and the dotted capital I to i.
const (
	kelvin  = "\u212a"
	longS   = "\u017f"
	dottedI = "\u0130"
)

// stemAt returns the length in bytes of the text at s[i:] that spells the
// lower-case ASCII stem, letters compared without case and with the
// runes above standing for k, s and i, or 0 when there is none. folded
// reports whether a long s stood for an s, which strings.ToLower does not
// map (so that lower-casing the text would not show the stem).
func stemAt(s string, i int, stem string) (n int, folded bool) {
	j := i
	for k := 0; k < len(stem); k++ {
		c := stem[k]
		switch {
		case j < len(s) && s[j]|0x20 == c && isASCIILetter(s[j]):
			j++
		case c == 'k' && strings.HasPrefix(s[j:], kelvin):
			j += len(kelvin)
		case c == 's' && strings.HasPrefix(s[j:], longS):
			j += len(longS)
			folded = true
		case c == 'i' && strings.HasPrefix(s[j:], dottedI):
			j += len(dottedI)
		default:
			return 0, false
		}
	}
	return j - i, folded
}

// stemFirst lists, per first byte of the text (ASCII letters in both
// cases, and the first byte of the non-ASCII stand-ins), the kinds and
// stems that may start there.
var stemFirst = func() (t [256][]kindStem) {
	for k, stems := range builtinStems {
		for _, stem := range stems {
			firsts := []byte{stem[0], stem[0] - 'a' + 'A'}
			switch stem[0] {
			case 'k':
				firsts = append(firsts, kelvin[0])
			case 's':
				firsts = append(firsts, longS[0])
			case 'i':
				firsts = append(firsts, dottedI[0])
			}
			for _, b := range firsts {
				t[b] = append(t[b], kindStem{k, stem})
			}
		}
	}
	return t
}()

type kindStem struct {
	kind int
	stem string
}

// keywordStarts finds the builtin keyword stems in s in one pass over its
// word boundaries. starts[k] are the positions where one of kind k's
// stems begins at a word boundary (\b), the only places where builtinRE[k]
// can match. When starts[k] is not empty, has[k] reports whether
// strings.ToLower(s) contains one of kind k's stems (the check Extract
// makes before the kind's expression); when it is, has[k] may be false
// either way, as nothing can match.
func keywordStarts(s string) (has [numKinds]bool, starts [numKinds][]int) {
	prev := false // whether s[i-1] is a word character
	for i := 0; i < len(s); i++ {
		cur := wordChar[s[i]]
		boundary := cur != prev
		prev = cur
		if !boundary {
			continue
		}
		for _, ks := range stemFirst[s[i]] {
			n, folded := stemAt(s, i, ks.stem)
			if n == 0 {
				continue
			}
			has[ks.kind] = has[ks.kind] || !folded
			if st := starts[ks.kind]; len(st) == 0 || st[len(st)-1] != i {
				starts[ks.kind] = append(st, i)
			}
		}
	}
	for k := range numKinds {
		if len(starts[k]) > 0 && !has[k] {
			has[k] = hasStem(s, k)
		}
	}
	return has, starts
}

// hasStem reports whether strings.ToLower(s) contains one of kind k's
// stems, anywhere.
func hasStem(s string, k int) bool {
	for i := 0; i < len(s); i++ {
		for _, ks := range stemFirst[s[i]] {
			if n, folded := stemAt(s, i, ks.stem); ks.kind == k && n > 0 && !folded {
				return true
			}
		}
	}
	return false
}

// wordChar are the bytes isWordChar accepts.
var wordChar = func() (t [256]bool) {
	for c := range 256 {
		t[c] = isWordChar(byte(c))
	}
	return t
}()

// wordBoundary reports whether \b holds at s[i]: whether exactly one of
// the bytes around it is an ASCII word character (a byte of a multi-byte
// rune never is, as in package regexp).
func wordBoundary(s string, i int) bool {
	before := i > 0 && isWordChar(s[i-1])
	return before != (i < len(s) && isWordChar(s[i]))
}

func isWordChar(c byte) bool { return isASCIILetter(c) || isDigit(c) || c == '_' }

// keywordNumbers is findNumbers(builtinRE[k], s, 4) for the starts[k] from
// keywordStarts: it runs the anchored expression at each start not inside
// an earlier match, on the stretch of text the expression can match at
// all, which gives the matches the unanchored expression finds.
func keywordNumbers(k int, s string, starts []int) []numberHit {
	var matches [][]int
	end := 0
	for _, c := range starts {
		if c < end {
			continue
		}
		span := s[c:keywordSpanEnd(s, c)]
		if !hasDigit(span) {
			continue // every number has a digit
		}
		m := anchoredRE[k].FindStringSubmatchIndex(span)
		if m == nil {
			continue
		}
		for i := range m {
			if m[i] >= 0 {
				m[i] += c
			}
		}
		matches = append(matches, m)
		end = m[1]
	}
	return numbersOf(matches, s, 4)
}

// keywordSpanEnd returns the end of the run of characters from s[c:] that
// a keyword expression can match: ASCII letters and digits, " \t.:#-/",
// and the Kelvin sign and long s, which (?i) takes for k and s.
func keywordSpanEnd(s string, c int) int {
	for i := c; i < len(s); {
		b := s[i]
		switch {
		case isWordChar(b) && b != '_' || strings.IndexByte(" \t.:#-/", b) >= 0:
			i++
		case strings.HasPrefix(s[i:], kelvin):
			i += len(kelvin)
		case strings.HasPrefix(s[i:], longS):
			i += len(longS)
		default:
			return i
		}
	}
	return len(s)
}

// bareTicketRE is a ticket number in brackets without a keyword, as
// helpdesks put it into subjects: "[#12345]".
var bareTicketRE = regexp.MustCompile(`\[#([A-Za-z]{0,3}-?\d{4,})\]`)

// bareOrderRE are order numbers recognised without a keyword.
var bareOrderRE = [...]*regexp.Regexp{
	regexp.MustCompile(`(?:^|[^\w#])#([A-Za-z]{1,3}-?\d{4,}|\d{5,})\b`),
	regexp.MustCompile(`(?:^|[^\w-])([1-9]\d{2}-\d{7}(?:-\d{7})?)\b`),
}

// bareOrderNumbers is findNumbers(bareOrderRE[i], s, 4), with the
// expression run only on the runs of ASCII letters, digits, '_', '#' and
// '-' that bareOrderMayMatch lets through: a match is such a run's, but
// for the rune before it, and '_' is in the runs so that the \b at the
// end of a match sees the same rune after it.
func bareOrderNumbers(i int, s string) []numberHit {
	keep := func(run string) bool { return bareOrderMayMatch(i, run) }
	return numbersOf(runMatches(bareOrderRE[i], s, bareRunes, keep), s, 4)
}

// bareRunes are the runes of bareOrderRE's matches after their first.
var bareRunes = newRunSet("_#-", true)

type numberHit struct {
	value string
	span
}

// findNumbers returns the first capture group of each match of re in s
// that has at least minDigits digits (trailing '-' and '/' trimmed) and is
// not the start of an amount or date ("1500,00", "12.03.").
func findNumbers(re *regexp.Regexp, s string, minDigits int) []numberHit {
	return numbersOf(re.FindAllStringSubmatchIndex(s, -1), s, minDigits)
}

// numbersOf is findNumbers on the submatch indexes of re's matches in s.
func numbersOf(matches [][]int, s string, minDigits int) []numberHit {
	var out []numberHit
	for _, m := range matches {
		if len(m) < 4 || m[2] < 0 {
			continue
		}
		start, end := m[2], m[3]
		for end > start && (s[end-1] == '-' || s[end-1] == '/') {
			end--
		}
		v := strings.TrimSpace(s[start:end])
		if v == "" || countDigits(v) < minDigits {
			continue
		}
		if minDigits > 0 && end < len(s) && (s[end] == ',' || s[end] == '.') && end+1 < len(s) && isDigit(s[end+1]) {
			continue
		}
		out = append(out, numberHit{value: v, span: span{m[0], m[1]}})
	}
	return out
}

// bareOrderMayMatch reports whether bareOrderRE[i] can match s: the first
// needs a '#', the second three digits, a '-' and seven digits.
func bareOrderMayMatch(i int, s string) bool {
	if i == 0 {
		return strings.IndexByte(s, '#') >= 0
	}
	// A '-' at j, 3 <= j < len(s)-7, after three digits and before seven.
	for from := 3; from+7 < len(s); {
		k := strings.IndexByte(s[from:len(s)-7], '-')
		if k < 0 {
			return false
		}
		j := from + k
		if '1' <= s[j-3] && s[j-3] <= '9' && isDigit(s[j-2]) && isDigit(s[j-1]) && allDigits(s[j+1:j+8]) {
			return true
		}
		from = j + 1
	}
	return false
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return true
}

func hasDigit(s string) bool {
	for i := 0; i < len(s); i++ {
		if isDigit(s[i]) {
			return true
		}
	}
	return false
}

func countDigits(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		if isDigit(s[i]) {
			n++
		}
	}
	return n
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }
