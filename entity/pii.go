package entity

import (
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Personal data: e-mail addresses, phone numbers and IBANs.

type piiKind int

const (
	piiEmail piiKind = iota + 1
	piiIBAN
	piiPhone
	piiCard     // payment card number (secrets.go)
	piiPassword // value of "Passwort: …" (secrets.go)
	piiPIN      // value of "PIN: …", "TAN: …", "CVC: …" (secrets.go)
)

type piiHit struct {
	kind   piiKind
	valid  bool // IBAN: the checksum is right
	redact bool
	span
}

var (
	emailRE     = regexp.MustCompile(`[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}`)
	ibanRE      = regexp.MustCompile(`(?i)\b[A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]{4}){2,7}(?:[ ]?[A-Z0-9]{1,4})?\b`)
	phoneRE     = regexp.MustCompile(`(?:\+\d|\(\d|\b0)[\d ()/-]{5,24}\d`)
	slashDateRE = regexp.MustCompile(`^\d{1,2}/\d{1,2}/\d{2,4}$`)
)

// findPII returns the e-mail addresses, IBAN-shaped strings and phone
// numbers in s, in order, and marks them in taken. Phone numbers and IBANs
// overlapping something already taken (e-mail addresses, reference
// numbers, dates) are skipped. An IBAN hit is valid when its checksum is
// right, and to be redacted when valid or when it has the exact length of
// its country's IBANs (a mistyped IBAN is still personal data). IBAN-shaped
// strings are never taken for phone numbers.
func findPII(s string, taken cover) []piiHit { return findPIIQ(s, taken, true) }

// findPIIQ is findPII; quick=false runs every expression without the cheap
// checks first (tests compare the two).
func findPIIQ(s string, taken cover, quick bool) []piiHit {
	var hits []piiHit
	// Cheap necessary conditions first: an address has '@', an IBAN two
	// letters and two digits in a row; phone numbers are looked for only
	// where they can be (see phoneMatches).
	email := !quick || strings.IndexByte(s, '@') >= 0
	iban := !quick || lettersThenDigits(s)
	emails := findAllIf(!quick, emailRE, s)
	if quick && email {
		emails = runMatchesAt(emailRE, s, emailRunes, '@')
	}
	for _, m := range emails {
		sp := span{m[0], m[1]}
		hits = append(hits, piiHit{kind: piiEmail, redact: true, span: sp})
		taken.add(sp)
	}
	ibans := findAllIf(!quick, ibanRE, s)
	if quick && iban {
		ibans = ibanMatches(s)
	}
	for _, m := range ibans {
		sp := span{m[0], m[1]}
		if taken.any(sp) {
			continue
		}
		taken.add(sp)
		end, valid, exact := checkIBAN(s[m[0]:m[1]])
		if valid || exact {
			hits = append(hits, piiHit{kind: piiIBAN, valid: valid, redact: true, span: span{m[0], m[0] + end}})
		}
	}
	phones := findAllIf(!quick, phoneRE, s)
	if quick {
		phones = phoneMatches(s)
	}
	for _, m := range phones {
		sp := span{m[0], m[1]}
		if taken.any(sp) || !isPhone(s, sp) {
			continue
		}
		taken.add(sp)
		hits = append(hits, piiHit{kind: piiPhone, redact: true, span: sp})
	}
	slices.SortFunc(hits, func(a, b piiHit) int { return a.start - b.start })
	return hits
}

// lettersThenDigits reports whether s has two letters as ibanRE reads
// them ((?i)[A-Z]: ASCII letters, the long s and the Kelvin sign)
// followed by two digits, which every IBAN ibanRE finds begins with. It
// looks for the digits first, at the second digit of each place first:
// when that is no digit, neither this place nor the next can match.
func lettersThenDigits(s string) bool {
	for i := 2; i+1 < len(s); { // the digits at i and i+1
		switch {
		case !isDigit(s[i+1]):
			i += 2
		case !isDigit(s[i]):
			i++
		default:
			if j := letterBefore(s, i); j >= 0 && letterBefore(s, j) >= 0 {
				return true
			}
			i++
		}
	}
	return false
}

// ibanMatches returns what ibanRE.FindAllStringIndex(s, -1) returns,
// running the expression anchored only where a match can begin: at a word
// boundary before two letters and two digits (see lettersThenDigits), on
// a window of the text longer than any match (44 runes of at most three
// bytes) and the byte after it, which the final \b looks at.
func ibanMatches(s string) [][]int {
	var out [][]int
	end := 0                    // of the last match
	for i := 2; i+1 < len(s); { // the digits at i and i+1
		switch {
		case !isDigit(s[i+1]):
			i += 2
			continue
		case !isDigit(s[i]):
			i++
			continue
		}
		p := -1
		if j := letterBefore(s, i); j >= 0 {
			p = letterBefore(s, j)
		}
		i++
		if p < end || !wordBoundary(s, p) {
			continue
		}
		m := ibanAnchoredRE.FindStringIndex(s[p:min(len(s), p+ibanWindow)])
		if m == nil {
			continue
		}
		out = append(out, []int{p, p + m[1]})
		end = p + m[1]
		i = max(i, end)
	}
	return out
}

// ibanWindow is how much text ibanMatches gives the expression: more than
// its longest match.
const ibanWindow = 44*3 + 1

// ibanAnchoredRE is ibanRE matching at the start of the text, without the
// leading \b, which ibanMatches checks.
var ibanAnchoredRE = regexp.MustCompile(`(?i)^[A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]{4}){2,7}(?:[ ]?[A-Z0-9]{1,4})?\b`)

// letterBefore returns where the letter (as (?i)[A-Z] reads it) that ends
// at i begins, or -1.
func letterBefore(s string, i int) int {
	switch {
	case i > 0 && isASCIILetter(s[i-1]):
		return i - 1
	case strings.HasSuffix(s[:i], longS):
		return i - len(longS)
	case strings.HasSuffix(s[:i], kelvin):
		return i - len(kelvin)
	}
	return -1
}

// findAllIf returns re's match indexes in s, or nothing when ok is false.
func findAllIf(ok bool, re *regexp.Regexp, s string) [][]int {
	if !ok {
		return nil
	}
	return re.FindAllStringIndex(s, -1)
}

// runMatches returns what re.FindAllStringSubmatchIndex(s, -1) returns,
// running re only on some runs of s: a run is a longest stretch of runes
// in the set in, and keep picks the runs to search, each together with the
// rune before it, the context of a leading \b or [^\pL]. This is exact
// when every match of re consists of the runes of one run, except that it
// may begin with the rune before the run, when keep rejects only runs in
// which re finds nothing of use, and when re can match ^ only before a run
// rune.
func runMatches(re *regexp.Regexp, s string, in *runSet, keep func(run string) bool) [][]int {
	var out [][]int
	for i := 0; i < len(s); {
		n := in.at(s, i)
		if n == 0 {
			i++
			continue
		}
		start := i
		for i < len(s) && n > 0 {
			i += n
			if i < len(s) {
				n = in.at(s, i)
			}
		}
		if !keep(s[start:i]) {
			continue
		}
		out = appendRunMatches(out, re, s, start, i)
	}
	return out
}

// appendRunMatches appends re's matches in the run s[start:end], searched
// together with the rune before it, as indexes into s.
func appendRunMatches(out [][]int, re *regexp.Regexp, s string, start, end int) [][]int {
	_, size := utf8.DecodeLastRuneInString(s[:start])
	from := start - size
	for _, m := range re.FindAllStringSubmatchIndex(s[from:end], -1) {
		for k := range m {
			if m[k] >= 0 {
				m[k] += from
			}
		}
		out = append(out, m)
	}
	return out
}

// runMatchesAt is runMatches(re, s, in, keep) for a set in of ASCII
// bytes only and a keep that asks for the byte c, which is in the set: it
// finds the runs from each c outward instead of going through all of s.
func runMatchesAt(re *regexp.Regexp, s string, in *runSet, c byte) [][]int {
	var out [][]int
	for i := 0; i < len(s); {
		j := strings.IndexByte(s[i:], c)
		if j < 0 {
			break
		}
		start := i + j // back to the run's start; s[i] ended the last run
		for start > i && s[start-1] < utf8.RuneSelf && in.ascii[s[start-1]] {
			start--
		}
		end := i + j + 1
		for end < len(s) && s[end] < utf8.RuneSelf && in.ascii[s[end]] {
			end++
		}
		out = appendRunMatches(out, re, s, start, end)
		i = end
	}
	return out
}

// runSet is the set of runes runs consist of (see runMatches): ASCII
// bytes, and a few others.
type runSet struct {
	ascii [utf8.RuneSelf]bool
	other []string // runes other than ASCII
}

// newRunSet returns the set of the ASCII bytes in chars, and of the ASCII
// letters and digits when alnum is true.
func newRunSet(chars string, alnum bool) *runSet {
	var r runSet
	for i := 0; i < len(chars); i++ {
		r.ascii[chars[i]] = true
	}
	for c := byte(0); alnum && c < utf8.RuneSelf; c++ {
		r.ascii[c] = r.ascii[c] || isASCIILetter(c) || isDigit(c)
	}
	return &r
}

// at reports the length of the rune at s[i] when it is in the set, else 0.
func (r *runSet) at(s string, i int) int {
	if c := s[i]; c < utf8.RuneSelf {
		if r.ascii[c] {
			return 1
		}
		return 0
	}
	for _, o := range r.other {
		if strings.HasPrefix(s[i:], o) {
			return len(o)
		}
	}
	return 0
}

var (
	// emailRunes are what emailRE may match.
	emailRunes = newRunSet("._%+-@_", true)
)

// phoneMatches returns what phoneRE.FindAllStringIndex(s, -1) returns,
// without running it: `(?:\+\d|\(\d|\b0)[\d ()/-]{5,24}\d` matches where
// one of its three beginnings stands, up to the last digit that leaves 5
// to 24 characters of the class between, which its greedy repetition
// prefers; the search goes on after each match.
func phoneMatches(s string) [][]int {
	var out [][]int
	for p := 0; p < len(s); p++ {
		var r int // where the repetition begins
		switch c := s[p]; {
		case (c == '+' || c == '(') && p+1 < len(s) && isDigit(s[p+1]):
			r = p + 2
		case c == '0' && (p == 0 || !wordChar[s[p-1]]):
			r = p + 1
		default:
			continue
		}
		n := 0 // class characters from r, up to the 24 and the digit
		for r+n < len(s) && n < 25 && phoneClass[s[r+n]] {
			n++
		}
		for k := min(24, n-1); k >= 5; k-- {
			if isDigit(s[r+k]) {
				out = append(out, []int{p, r + k + 1})
				p = r + k // the loop goes on at the match's end
				break
			}
		}
	}
	return out
}

// phoneClass is phoneRE's [\d ()/-].
var phoneClass = func() (t [256]bool) {
	for _, c := range []byte("0123456789 ()/-") {
		t[c] = true
	}
	return t
}()

func isASCIILetter(c byte) bool { return c|0x20 >= 'a' && c|0x20 <= 'z' }

// isPhone validates a phoneRE candidate s[sp.start:sp.end].
func isPhone(s string, sp span) bool {
	v := s[sp.start:sp.end]
	if sp.end < len(s) {
		if r, _ := utf8.DecodeRuneInString(s[sp.end:]); unicode.IsLetter(r) || unicode.IsDigit(r) {
			return false
		}
	}
	if sp.start > 0 && v[0] != '0' {
		if r, _ := utf8.DecodeLastRuneInString(s[:sp.start]); unicode.IsLetter(r) || unicode.IsDigit(r) {
			return false
		}
	}
	if strings.Count(v, "(") != strings.Count(v, ")") || strings.Contains(v, "  ") || slashDateRE.MatchString(v) {
		return false
	}
	digits, most := countDigits(v), 15
	if strings.Contains(v, "(0)") {
		most++
	}
	return digits >= 7 && digits <= most
}

// checkIBAN checks an ibanRE match. It returns the length of the IBAN in
// bytes (the match may run past it), whether its checksum is valid, and
// whether it has exactly the length IBANs of its country have.
func checkIBAN(m string) (end int, valid, exact bool) {
	var compact []byte
	want := ibanLength(strings.ToUpper(m[:2]))
	end = len(m)
	for i := 0; i < len(m); i++ {
		if m[i] == ' ' {
			continue
		}
		compact = append(compact, m[i])
		if want > 0 && len(compact) == want {
			end = i + 1
			break
		}
	}
	if want > 0 {
		exact = len(compact) == want
		if !exact {
			return len(m), false, false
		}
	} else if len(compact) < 15 || len(compact) > 34 {
		return len(m), false, false
	}
	return end, mod97(compact) == 1, exact
}

// mod97 computes the ISO 7064 MOD 97-10 remainder of an IBAN: the first
// four characters moved to the end, letters as 10–35.
func mod97(iban []byte) int {
	rem := 0
	for i := range iban {
		c := iban[(i+4)%len(iban)]
		switch {
		case isDigit(c):
			rem = (rem*10 + int(c-'0')) % 97
		case 'A' <= c && c <= 'Z':
			rem = (rem*100 + int(c-'A') + 10) % 97
		case 'a' <= c && c <= 'z':
			rem = (rem*100 + int(c-'a') + 10) % 97
		default:
			return -1
		}
	}
	return rem
}

// ibanLength is the IBAN length of common countries, 0 for others.
func ibanLength(country string) int {
	switch country {
	case "NO":
		return 15
	case "BE":
		return 16
	case "DK", "FI", "NL":
		return 18
	case "SI":
		return 19
	case "AT", "EE", "LT", "LU":
		return 20
	case "CH", "HR", "LI", "LV":
		return 21
	case "BG", "DE", "GB", "IE":
		return 22
	case "AE":
		return 23
	case "AD", "CZ", "ES", "RO", "SE", "SK":
		return 24
	case "PT":
		return 25
	case "IS", "TR":
		return 26
	case "FR", "GR", "IT", "MC", "SM":
		return 27
	case "CY", "HU", "PL":
		return 28
	case "MT":
		return 31
	}
	return 0
}
