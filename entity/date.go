package entity

import (
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/antwort-dev/antwort/internal/nlp"
)

// Dates in German and English.

// monthPat lists German and English month names and abbreviations; a
// longer name comes before any name it starts with.
const monthPat = `january|february|september|dezember|december|november|oktober|october|februar|` +
	`jaenner|jänner|januar|august|feber|maerz|april|march|märz|juni|juli|june|july|sept|` +
	`mai|may|jan|feb|mär|mrz|mar|apr|jun|jul|aug|sep|okt|oct|nov|dez|dec`

// monthStems are lower-case beginnings that every name in monthPat has
// one of.
var monthStems = []string{"jan", "jä", "jae", "feb", "mae", "mär", "mrz", "mar", "apr", "mai", "may", "jun", "jul", "aug", "sep", "okt", "oct", "nov", "dez", "dec"}

// monthNearDigit reports whether lower (lower-cased text) has a month stem
// with a digit close before it ("3. März") or after it ("March 3rd"),
// which dayMonthRE and monthDayRE both need, unless some twenty blanks
// stand between day and month: such dates have never been found, and
// findDatesQ keeps it that way.
func monthNearDigit(lower string) bool {
	for _, stem := range monthStems {
		for off := 0; ; {
			i := strings.Index(lower[off:], stem)
			if i < 0 {
				break
			}
			i += off
			off = i + len(stem)
			lo, hi := max(0, i-24), min(len(lower), off+40)
			if hasDigit(lower[lo:i]) || hasDigit(lower[off:hi]) {
				return true
			}
		}
	}
	return false
}

// monthBeforeDay reports whether s has an English month name written in
// ASCII letters, then an optional '.', blanks and a digit ("March 3",
// "Dec. 24"), which every date monthDayRE finds needs (a month spelt with
// a long s matches but is no month to monthOf).
func monthBeforeDay(s string) bool {
	for i := 1; i < len(s); i++ {
		if !isDigit(s[i]) || s[i-1] != ' ' && s[i-1] != '\t' {
			continue
		}
		j := i - 1
		for j >= 0 && (s[j] == ' ' || s[j] == '\t') {
			j--
		}
		if j >= 0 && s[j] == '.' {
			j--
		}
		k := j
		for k >= 0 && isASCIILetter(s[k]) {
			k--
		}
		if word := s[k+1 : j+1]; len(word) >= 3 {
			for _, m := range monthsEN {
				if strings.EqualFold(word, m) {
					return true
				}
			}
		}
	}
	return false
}

// dayBeforeMonth reports whether s has a digit followed by a month stem
// (see monthStemAt), with at most six bytes of ". of st nd rd th" and any
// blanks between them ("3. März", "3rd of March", "3 March"), which every
// date dayMonthRE finds needs.
func dayBeforeMonth(s string) bool {
	for i := 0; i < len(s); i++ {
		if isDigit(s[i]) && monthAfterDigit(s, i) {
			return true
		}
	}
	return false
}

// monthAfterDigit reports whether a month stem follows the digit s[i], as
// dayBeforeMonth asks.
func monthAfterDigit(s string, i int) bool {
	skipped := 0
	for j := i + 1; j < len(s); j++ {
		if monthStemAt(s, j) {
			return true
		}
		switch c := s[j]; {
		case c == ' ' || c == '\t':
		case skipped < 6 && (c == '.' || c == 0xc5 || c == 0xbf || strings.IndexByte("ofstndrhOFSTNDRH", c) >= 0):
			skipped++ // the long s (c5 bf) may stand for the s of "st"
		default:
			return false
		}
	}
	return false
}

// dayMonthMatches returns what dayMonthRE.FindAllStringSubmatchIndex(s,
// -1) returns, running the expression anchored, on a run of monthRunes,
// only where a match can begin: at the rune before a digit that starts
// a run of digits and has a month stem after it or after its next digit
// (monthAfterDigit), or at a digit that starts s.
func dayMonthMatches(s string) [][]int {
	var out [][]int
	end := 0 // of the last match
	for d := 0; d < len(s); d++ {
		if !isDigit(s[d]) || d > 0 && isDigit(s[d-1]) {
			continue
		}
		if !monthAfterDigit(s, d) && !(d+1 < len(s) && isDigit(s[d+1]) && monthAfterDigit(s, d+1)) {
			continue
		}
		_, size := utf8.DecodeLastRuneInString(s[:d])
		c := d - size // where the match begins, with the rune before the day
		if c < end {
			continue
		}
		e := d
		for e < len(s) {
			n := monthRunes.at(s, e)
			if n == 0 {
				break
			}
			e += n
		}
		m := dayMonthAnchoredRE.FindStringSubmatchIndex(s[c:e])
		if m == nil {
			continue
		}
		for k := range m {
			if m[k] >= 0 {
				m[k] += c
			}
		}
		out = append(out, m)
		end = m[1]
	}
	return out
}

// monthStemAt reports whether one of monthStems begins at s[i], compared
// as (?i) expressions compare: ASCII letters without case, 'ä' also as
// 'Ä', the Kelvin sign as k and the long s as s.
func monthStemAt(s string, i int) bool {
	// Every stem begins with one of the letters "jfmasond"; of the runes
	// taken for them, only the long s (c5 bf) is not ASCII.
	if i >= len(s) || !monthStart[s[i]] {
		return false
	}
	for _, stem := range monthStems {
		j := i
		for _, c := range stem {
			switch {
			case c < utf8.RuneSelf && j < len(s) && s[j]|0x20 == byte(c) && isASCIILetter(s[j]):
				j++
			case c == 'ä' && (strings.HasPrefix(s[j:], "ä") || strings.HasPrefix(s[j:], "Ä")):
				j += len("ä")
			case c == 'k' && strings.HasPrefix(s[j:], kelvin):
				j += len(kelvin)
			case c == 's' && strings.HasPrefix(s[j:], longS):
				j += len(longS)
			default:
				j = -1
			}
			if j < 0 {
				break
			}
		}
		if j >= 0 {
			return true
		}
	}
	return false
}

// monthStart are the bytes a month stem may begin with (see monthStemAt).
var monthStart = func() (t [256]bool) {
	for _, c := range []byte("jfmasondJFMASOND\xc5") {
		t[c] = true
	}
	return t
}()

var (
	// numericRunes are the bytes numericRE's matches consist of after
	// their first.
	numericRunes = newRunSet("0123456789.", false)
	// isoRunes are the bytes isoRE's matches consist of after their first.
	isoRunes = newRunSet("0123456789-", false)
	// monthRunes are the runes dayMonthRE's and monthDayRE's matches
	// consist of after their first: ASCII letters and digits, blanks, '.',
	// ',', the ä of "März" in either case, and the Kelvin sign and long s,
	// which (?i) takes for k and s.
	monthRunes = func() *runSet {
		r := newRunSet(" \t.,", true)
		r.other = []string{"ä", "Ä", kelvin, longS}
		return r
	}()
)

// afterDateWord reports whether the one or two digits before s[dot] follow
// blanks after one of the words numericNoYRE needs ("am 3.", "bis zum
// 03."), spelt as (?i) expressions match them.
func afterDateWord(s string, dot int) bool {
	for n := 1; n <= 2 && dot-n-1 >= 0 && isDigit(s[dot-n]); n++ {
		j := dot - n - 1
		if s[j] != ' ' && s[j] != '\t' {
			continue
		}
		for j >= 0 && (s[j] == ' ' || s[j] == '\t') {
			j--
		}
		for _, w := range [...]string{"am", "vom", "bis", "ab", "seit", "zum", "den"} {
			if endsWithFold(s[:j+1], w) {
				return true
			}
		}
	}
	return false
}

// endsWithFold reports whether s ends with the lower-case ASCII word w,
// compared as (?i) expressions compare: without case, with the Kelvin
// sign for k and the long s for s.
func endsWithFold(s, w string) bool {
	j := len(s)
	for k := len(w) - 1; k >= 0; k-- {
		c := w[k]
		switch {
		case j > 0 && s[j-1]|0x20 == c && isASCIILetter(s[j-1]):
			j--
		case c == 'k' && strings.HasSuffix(s[:j], kelvin):
			j -= len(kelvin)
		case c == 's' && strings.HasSuffix(s[:j], longS):
			j -= len(longS)
		default:
			return false
		}
	}
	return true
}

// monthsEN are the names in monthPatEN.
var monthsEN = strings.Split(monthPatEN, "|")

// dateShapes reports whether s has the digits and separators that
// numericRE ("3.3.26", "03.03.2026"), numericNoYRE ("am 3.3.", see
// afterDateWord) and isoRE ("2026-03-03") need.
func dateShapes(s string) (dmy, dm, iso bool) {
	for i := 1; i < len(s) && !(dmy && dm && iso); i++ {
		switch s[i] {
		case '.': // d.d. or d.dd.
			j := i + 1
			for j < len(s) && j < i+3 && isDigit(s[j]) {
				j++
			}
			if isDigit(s[i-1]) && j > i+1 && j < len(s) && s[j] == '.' {
				dm = dm || afterDateWord(s, i)
				dmy = dmy || j+2 < len(s) && isDigit(s[j+1]) && isDigit(s[j+2])
			}
		case '-': // dddd-dd-dd
			iso = iso || i >= 4 && i+5 < len(s) && allDigits(s[i-4:i]) && allDigits(s[i+1:i+3]) && s[i+3] == '-' && allDigits(s[i+4:i+6])
		}
	}
	return dmy, dm, iso
}

// findIf returns re's submatch indexes in s, or nothing when ok is false.
func findIf(ok bool, re *regexp.Regexp, s string) [][]int {
	if !ok {
		return nil
	}
	return re.FindAllStringSubmatchIndex(s, -1)
}

// monthPatEN lists the English month names and abbreviations; only English
// puts the month before the day ("March 3rd").
const monthPatEN = `january|february|september|december|november|october|august|april|march|` +
	`june|july|sept|may|jan|feb|mar|apr|jun|jul|aug|sep|oct|nov|dec`

var (
	dayMonthRE   = regexp.MustCompile(`(?i)(?:^|[^\pL\pN.,])(\d{1,2})(?:\.|st|nd|rd|th)?(?:[ \t]+of)?[ \t]*(` + monthPat + `)(\.)?(?:,?[ \t]+(\d{4}))?`)
	monthDayRE   = regexp.MustCompile(`(?i)(?:^|[^\pL\pN])(` + monthPatEN + `)\.?[ \t]+(\d{1,2})(?:st|nd|rd|th)?(?:,?[ \t]+(\d{4}))?`)
	numericRE    = regexp.MustCompile(`(?:^|[^\d.])(\d{1,2})\.(\d{1,2})\.(\d{4}|\d{2})`)
	numericNoYRE = regexp.MustCompile(`(?i)(?:^|[^\pL])(?:am|vom|bis(?:[ \t]+zum)?|ab|seit|zum|den)[ \t]+(\d{1,2})\.(\d{1,2})\.`)
	isoRE        = regexp.MustCompile(`(?:^|[^\d-])(\d{4})-(\d{2})-(\d{2})`)

	// dayMonthAnchoredRE is dayMonthRE matching at the start of the text
	// only.
	dayMonthAnchoredRE = regexp.MustCompile(`^(?:` + dayMonthRE.String() + `)`)
)

type dateHit struct {
	date Date
	span
}

// findDates returns the dates in s, in order, without overlaps.
func findDates(s string, now time.Time) []dateHit { return findDatesQ(s, now, true) }

// findDatesQ is findDates; quick=false runs every expression without the
// cheap checks first (tests compare the two).
func findDatesQ(s string, now time.Time, quick bool) []dateHit {
	// Every form needs a digit, a month name, a '.' or a '-': checking
	// for them first spares the regular expressions most texts.
	monthy, monthDay, dmy, dm, iso := true, true, true, true, true
	if quick {
		if !hasDigit(s) {
			return nil
		}
		// The month forms also need monthNearDigit, which was the only
		// check before and is kept as it is: it misses a day and month
		// with some twenty blanks between them.
		monthy, monthDay = dayBeforeMonth(s), monthBeforeDay(s)
		if monthy || monthDay {
			near := monthNearDigit(strings.ToLower(s))
			monthy, monthDay = monthy && near, monthDay && near
		}
		dmy, dm, iso = dateShapes(s)
	}
	var hits []dateHit
	add := func(start, end, y, m, d int) {
		t, ok := makeDate(y, m, d, now)
		if ok {
			hits = append(hits, dateHit{Date{Text: s[start:end], Time: t}, span{start, end}})
		}
	}
	dayMonth := findIf(!quick, dayMonthRE, s)
	if monthy && quick {
		dayMonth = dayMonthMatches(s)
	}
	for _, m := range dayMonth {
		month := s[m[4]:m[5]]
		end := m[5]
		if m[6] >= 0 {
			if isMonthAbbrev(month) {
				end = m[7] // "3. Mär. 2026"; not the full stop in "the 5th of May."
			}
		} else if r, _ := utf8.DecodeRuneInString(s[end:]); unicode.IsLetter(r) {
			continue // "20 Marken"
		}
		if !monthCaseOK(month) {
			continue
		}
		y := 0
		if m[8] >= 0 {
			if m[9] < len(s) && isDigit(s[m[9]]) {
				continue
			}
			y, end = atoi(s[m[8]:m[9]]), m[9]
		}
		add(m[2], end, y, int(monthOf(month)), atoi(s[m[2]:m[3]]))
	}
	monthDays := findIf(!quick, monthDayRE, s)
	if monthDay && quick {
		monthDays = runMatches(monthDayRE, s, monthRunes, monthBeforeDay)
	}
	for _, m := range monthDays {
		month := s[m[2]:m[3]]
		if !monthCaseOK(month) {
			continue
		}
		end := m[1]
		y := 0
		if m[6] >= 0 {
			y = atoi(s[m[6]:m[7]])
		}
		if end < len(s) {
			c := s[end]
			r, _ := utf8.DecodeRuneInString(s[end:])
			if isDigit(c) || unicode.IsLetter(r) || (c == ',' || c == '.') && end+1 < len(s) && isDigit(s[end+1]) {
				continue // "Mai 2026", "May 12,50"
			}
		}
		add(m[2], end, y, int(monthOf(month)), atoi(s[m[4]:m[5]]))
	}
	numeric := findIf(!quick, numericRE, s)
	if dmy && quick {
		numeric = runMatches(numericRE, s, numericRunes, func(run string) bool { dmy, _, _ := dateShapes(run); return dmy })
	}
	for _, m := range numeric {
		end := m[1]
		if end < len(s) && (isDigit(s[end]) || s[end] == '.' && end+1 < len(s) && isDigit(s[end+1])) {
			continue // "1.2.345", "1.2.3.4"
		}
		y := atoi(s[m[6]:m[7]])
		if m[7]-m[6] == 2 {
			y += 2000
		}
		add(m[2], end, y, atoi(s[m[4]:m[5]]), atoi(s[m[2]:m[3]]))
	}
	noYear := findIf(!quick, numericNoYRE, s)
	if dm && quick {
		noYear = noYearMatches(s)
	}
	for _, m := range noYear {
		end := m[1]
		if end < len(s) && isDigit(s[end]) {
			continue // "am 3.3.2026" is numericRE's
		}
		add(m[2], end, 0, atoi(s[m[4]:m[5]]), atoi(s[m[2]:m[3]]))
	}
	isos := findIf(!quick, isoRE, s)
	if iso && quick {
		isos = runMatches(isoRE, s, isoRunes, func(run string) bool { _, _, iso := dateShapes(run); return iso })
	}
	for _, m := range isos {
		end := m[1]
		if end < len(s) && (isDigit(s[end]) || s[end] == '-' && end+1 < len(s) && isDigit(s[end+1])) {
			continue
		}
		add(m[2], end, atoi(s[m[2]:m[3]]), atoi(s[m[4]:m[5]]), atoi(s[m[6]:m[7]]))
	}
	slices.SortStableFunc(hits, func(a, b dateHit) int {
		if a.start != b.start {
			return a.start - b.start
		}
		return (b.end - b.start) - (a.end - a.start)
	})
	out := hits[:0]
	last := -1
	for _, h := range hits {
		if h.start < last {
			continue
		}
		out = append(out, h)
		last = h.end
	}
	return out
}

// monthCaseOK rejects English words that are month names only when
// capitalised: "may", "march", "mar".
func monthCaseOK(month string) bool {
	switch month {
	case "may", "march", "mar":
		return false
	}
	return true
}

// isMonthAbbrev reports whether a month from monthPat is abbreviated.
func isMonthAbbrev(month string) bool {
	switch nlp.Fold(month) {
	case "jan", "feb", "maer", "mrz", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "okt", "oct", "nov", "dez", "dec":
		return true
	}
	return false
}

// makeDate returns the day y-m-d at 00:00 UTC. y == 0 means the next such
// day on or after now's date.
func makeDate(y, m, d int, now time.Time) (time.Time, bool) {
	if m < 1 || m > 12 || d < 1 || d > 31 {
		return time.Time{}, false
	}
	valid := func(y int) (time.Time, bool) {
		t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
		return t, t.Day() == d && int(t.Month()) == m
	}
	if y != 0 {
		if y < 1900 || y > 2199 {
			return time.Time{}, false
		}
		return valid(y)
	}
	ny, nm, nd := now.Date()
	today := time.Date(ny, nm, nd, 0, 0, 0, 0, time.UTC)
	for yy := ny; yy <= ny+8; yy++ {
		if t, ok := valid(yy); ok && !t.Before(today) {
			return t, true
		}
	}
	return time.Time{}, false
}

// monthOf returns the month a name or abbreviation from monthPat means.
func monthOf(name string) time.Month {
	switch f := nlp.Fold(name); f {
	case "january", "januar", "jaenner", "jan":
		return time.January
	case "february", "februar", "feber", "feb":
		return time.February
	case "march", "maerz", "maer", "mrz", "mar":
		return time.March
	case "april", "apr":
		return time.April
	case "mai", "may":
		return time.May
	case "june", "juni", "jun":
		return time.June
	case "july", "juli", "jul":
		return time.July
	case "august", "aug":
		return time.August
	case "september", "sept", "sep":
		return time.September
	case "october", "oktober", "oct", "okt":
		return time.October
	case "november", "nov":
		return time.November
	case "december", "dezember", "dec", "dez":
		return time.December
	}
	return 0
}

// atoi converts a string of at most a few ASCII digits.
func atoi(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n
}
