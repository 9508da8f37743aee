package reply

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/antwort-dev/antwort/internal/nlp"
)

// Date is a calendar date mentioned in a message.
type Date struct {
	Text string    `json:"text"` // as written: "3. März 2026", "March 3rd", "03.03.2026"
	Time time.Time `json:"time"` // the day at 00:00 UTC
}

// Entities is what Extract finds in a message.
//
// The name fields come from one source (NameSource). Name is the name as
// the customer writes it, without honorific or title ("Petra Schulz");
// FirstName and LastName are its parts (a single signed word such as
// "Petra" is a first name; after "Frau"/"Herr" it is a last name). Title
// is an academic title used in salutations ("Dr.", "Prof.", "Prof. Dr.").
//
// Emails, Phones and IBANs are listed, as written, so that callers can
// redact them (see [Redact]); they must never be put into replies.
type Entities struct {
	Name      string `json:",omitempty"`
	FirstName string `json:",omitempty"`
	LastName  string `json:",omitempty"`
	Title     string `json:",omitempty"`

	// Gender is "f", "m" or "" (unknown). It comes from "Frau"/"Herr"/
	// "Mrs"/"Ms"/"Mr" in the From display name or the signature, or else
	// from a small list of common, unambiguous German and English first
	// names; it is never guessed from anything else.
	Gender string `json:",omitempty"`

	// NameSource is "from", "signature" or "ner" (see the NameSource
	// constants), or "" when no name was found.
	NameSource string `json:",omitempty"`

	OrderNumber    string `json:",omitempty"`
	CustomerNumber string `json:",omitempty"`
	ContractNumber string `json:",omitempty"`
	TicketNumber   string `json:",omitempty"`

	// Dates are the distinct days mentioned in the subject and text, in
	// order of appearance.
	Dates []Date `json:",omitempty"`

	Emails []string `json:",omitempty"`
	Phones []string `json:",omitempty"`
	IBANs  []string `json:",omitempty"` // checksum-valid IBANs only
}

// Patterns are extra regular expressions (RE2 syntax, see package regexp)
// for one knowledge base's number formats. The first capture group of a
// match is the number. They add to the built-in patterns: a built-in
// keyword match ("Bestellnummer 4711") wins, then the extra patterns in
// order, then the built-in bare forms ("#A-77412", "100-4588213").
type Patterns struct {
	Order    []string `yaml:"order,omitempty"`
	Customer []string `yaml:"customer,omitempty"`
	Contract []string `yaml:"contract,omitempty"`
	Ticket   []string `yaml:"ticket,omitempty"`
}

// PersonFinder finds person names in text. *nlp.Names (prose's
// named-entity recogniser) satisfies it.
type PersonFinder interface {
	Persons(text string) ([]string, error)
}

// Extractor finds names, reference numbers, dates and personal data in
// customer messages. It is immutable and safe for concurrent use.
type Extractor struct {
	extra   [numKinds][]*regexp.Regexp
	persons PersonFinder
}

// Number kinds, in the order of Patterns' fields.
const (
	kindOrder = iota
	kindCustomer
	kindContract
	kindTicket
	numKinds
)

// kindName names a number kind in errors.
func kindName(k int) string {
	return [numKinds]string{"order", "customer", "contract", "ticket"}[k]
}

// NewExtractor returns an Extractor with the built-in patterns and the
// extra patterns p (nil means built-ins only). An extra pattern that does
// not compile or has no capture group is an error wrapping [ErrPattern]
// that names it.
func NewExtractor(p *Patterns) (*Extractor, error) {
	x := &Extractor{}
	if p == nil {
		return x, nil
	}
	for k, list := range [numKinds][]string{p.Order, p.Customer, p.Contract, p.Ticket} {
		for _, src := range list {
			re, err := regexp.Compile(src)
			if err != nil {
				return nil, fmt.Errorf("%w: %s pattern %q: %w", ErrPattern, kindName(k), src, err)
			}
			if re.NumSubexp() < 1 {
				return nil, fmt.Errorf("%w: %s pattern %q: no capture group for the number", ErrPattern, kindName(k), src)
			}
			x.extra[k] = append(x.extra[k], re)
		}
	}
	return x, nil
}

// WithPersons returns a copy of x that asks f for person names in English
// text when neither the From header nor a signature names the customer.
// Typically f is nlp.NewNames(), which loads prose's model (75 MB) on first
// use. f must be safe for concurrent use; nil turns the fallback off.
func (x *Extractor) WithPersons(f PersonFinder) *Extractor {
	y := *x
	y.persons = f
	return &y
}

// Extract finds the entities in one message: from is the From header
// value (or a chat display name), subject and text the decoded subject
// and body, lang "de", "en" or "" to detect it, and now the reference for
// dates written without a year (the next such day on or after now's
// date). It never fails; what it cannot find stays empty.
//
// Name: the From display name, unless the address is a role or no-reply
// mailbox (info@, service@, noreply@ …) or the display name does not look
// like a person's name; else the line after the last sign-off ("Mit
// freundlichen Grüßen", "Viele Grüße", "LG", "Best regards", "Thanks," …)
// among the last lines of the text, or the rest of that line ("Gruß
// Petra"); else, for English text and with WithPersons, the last
// two-word name the recogniser finds.
//
// Numbers: keyword forms in German and English ("Bestellnummer: 4711-2231",
// "Kunden-Nr. 556677", "contract no. V-2024-118", "Ticket#2024031210000123",
// "Vorgang 88123", "case 556677") in the subject first, then the text; a
// number needs at least four digits. Without a keyword, "#A-77412",
// "#123456" and "100-4588213" count as order numbers and "[#12345]" as a
// ticket number.
//
// Dates: "3. März 2026", "03.03.2026", "3.3.26" (20xx), "am 4.5.",
// "4. Mai", "March 3rd", "March 3, 2026", "3 March 2026", "3rd of March",
// "2026-03-03". Impossible days (31.02.) are skipped.
//
// Phones: "+49 170 1234567", "0049 …", "0170 1234567", "(030) 123456-78",
// "+49 (0)30 …": 7 to 15 digits. IBANs: with or without spaces, with a
// valid ISO 13616 mod-97 checksum.
func (x *Extractor) Extract(from, subject, text, lang string, now time.Time) Entities {
	var e Entities
	lang = normLang(lang)
	if lang == "" {
		lang = nlp.Detect(subject + "\n" + text)
	}
	x.extractName(&e, from, text, lang)

	parts := [2]string{subject, text}
	type tiered struct{ kw, extra, bare string }
	var nums [numKinds]tiered
	seenDate := map[time.Time]bool{}
	seen := map[string]bool{}
	add := func(list []string, kind, v string) []string {
		if seen[kind+v] {
			return list
		}
		seen[kind+v] = true
		return append(list, v)
	}
	for _, s := range parts {
		if s == "" {
			continue
		}
		taken := newCover(len(s)) // keyword numbers, dates and personal data
		has, starts := keywordStarts(s)
		for k := range numKinds {
			if !has[k] {
				continue // no keyword of this kind in the lower-cased text
			}
			for _, m := range keywordNumbers(k, s, starts[k]) {
				if nums[k].kw == "" {
					nums[k].kw = m.value
				}
				taken.add(m.span)
			}
		}
		for k := range numKinds {
			for _, re := range x.extra[k] {
				for _, m := range findNumbers(re, s, 0) {
					if nums[k].extra == "" {
						nums[k].extra = m.value
					}
					taken.add(m.span)
				}
			}
		}
		for _, d := range findDates(s, now) {
			taken.add(d.span)
			if !seenDate[d.date.Time] {
				seenDate[d.date.Time] = true
				e.Dates = append(e.Dates, d.date)
			}
		}
		for _, h := range findPII(s, taken) {
			v := s[h.start:h.end]
			switch {
			case h.kind == piiEmail:
				e.Emails = add(e.Emails, "e", v)
			case h.kind == piiPhone:
				e.Phones = add(e.Phones, "p", v)
			case h.kind == piiIBAN && h.valid:
				e.IBANs = add(e.IBANs, "i", v)
			}
		}
		// The bare forms need "[#", '#' or "123-1234567"; most texts have
		// none of them.
		if strings.Contains(s, "[#") {
			for _, m := range findNumbers(bareTicketRE, s, 4) {
				if !taken.any(m.span) {
					if nums[kindTicket].bare == "" {
						nums[kindTicket].bare = m.value
					}
					taken.add(m.span)
				}
			}
		}
		if nums[kindOrder].bare == "" {
			for i, re := range bareOrderRE {
				if !bareOrderMayMatch(i, s) {
					continue
				}
				for _, m := range findNumbers(re, s, 4) {
					if !taken.any(m.span) && nums[kindOrder].bare == "" {
						nums[kindOrder].bare = m.value
					}
				}
			}
		}
	}
	pick := func(t tiered) string {
		switch {
		case t.kw != "":
			return t.kw
		case t.extra != "":
			return t.extra
		}
		return t.bare
	}
	e.OrderNumber = pick(nums[kindOrder])
	e.CustomerNumber = pick(nums[kindCustomer])
	e.ContractNumber = pick(nums[kindContract])
	e.TicketNumber = pick(nums[kindTicket])
	return e
}

// extractName fills the name fields of e.
func (x *Extractor) extractName(e *Entities, from, text, lang string) {
	fromName, okFrom := nameFromHeader(from)
	sigName, okSig := nameFromSignature(text)
	var p personName
	switch {
	case okFrom:
		p = fromName
		e.NameSource = NameSourceFrom
		if okSig && samePerson(fromName, sigName) {
			// "Petra Schulz <…>" signing as "Frau Dr. Petra Schulz".
			if p.gender == "" {
				p.gender = sigName.gender
			}
			if p.title == "" {
				p.title = sigName.title
			}
		}
	case okSig:
		p = sigName
		e.NameSource = NameSourceSignature
	case x.persons != nil && lang == nlp.English:
		names, err := x.persons.Persons(text)
		if err != nil {
			return
		}
		found := false
		for _, n := range names {
			if q, ok := parsePersonName(n); ok && q.first != "" && q.last != "" {
				p, found = q, true
			}
		}
		if !found {
			return
		}
		e.NameSource = NameSourceNER
	default:
		return
	}
	e.Name = p.full()
	e.FirstName = p.first
	e.LastName = p.last
	e.Title = p.title
	e.Gender = p.gender
	if e.Gender == "" {
		e.Gender = genderOfFirstName(p.first)
	}
}

// samePerson reports whether two parsed names plausibly name the same
// person: the same last name, or the same first name when one of them
// has no last name.
func samePerson(a, b personName) bool {
	if a.last != "" && b.last != "" {
		return nlp.Fold(a.last) == nlp.Fold(b.last)
	}
	return a.first != "" && nlp.Fold(a.first) == nlp.Fold(b.first)
}

// signatureWindow is how many non-empty lines at the end of a text are
// searched for a sign-off.
const signatureWindow = 15

// nameFromSignature finds the customer's name after the last sign-off in
// the last lines of text. Quoted lines ("> …") are ignored.
func nameFromSignature(text string) (personName, bool) {
	lines := strings.Split(text, "\n")
	var idx []int
	for i, l := range lines {
		l = strings.TrimSpace(l)
		if l == "" || strings.HasPrefix(l, ">") {
			continue
		}
		lines[i] = l
		idx = append(idx, i)
	}
	if len(idx) > signatureWindow {
		idx = idx[len(idx)-signatureWindow:]
	}
	for k := len(idx) - 1; k >= 0; k-- {
		line := lines[idx[k]]
		var rest string
		if line == "--" {
			rest = ""
		} else {
			n, r := signOffPrefix(line)
			if n == 0 {
				continue
			}
			rest = r
		}
		if rest != "" {
			if p, ok := parsePersonName(rest); ok {
				return p, true
			}
			if r, _ := utf8.DecodeRuneInString(rest); !unicode.IsLower(r) {
				continue
			}
			// "Viele Grüße aus Berlin", "Thanks for your help": the name
			// may follow on the next line.
		}
		if k+1 < len(idx) {
			if p, ok := parsePersonName(lines[idx[k+1]]); ok {
				return p, true
			}
		}
	}
	return personName{}, false
}

// signOffPrefix reports how many words at the start of line form a
// sign-off ("Mit freundlichen Grüßen", "LG", "Thanks,") and what follows
// them, with separating punctuation removed. A line made of two sign-offs
// ("Mit freundlichen Grüßen / Kind regards") has an empty rest.
func signOffPrefix(line string) (int, string) {
	words := strings.Fields(line)
	for n := min(5, len(words)); n >= 1; n-- {
		phrase := strings.TrimRight(nlp.Fold(strings.Join(words[:n], " ")), ",.!:;-–")
		if !isSignOff(phrase) {
			continue
		}
		rest := strings.TrimLeft(strings.Join(words[n:], " "), ",.!:;-–/| ")
		if f := strings.Fields(rest); len(f) <= 5 && isSignOff(strings.TrimRight(nlp.Fold(strings.Join(f, " ")), ",.!:;-–")) {
			rest = "" // "Mit freundlichen Grüßen / Kind regards"
		}
		return n, rest
	}
	return 0, ""
}

// isSignOff reports whether the folded, trimmed phrase is a closing
// formula: one of those the mail cleaner cuts off (nlp.SignOff).
func isSignOff(f string) bool { return nlp.SignOff(f) != nlp.NoSignOff }

// normLang maps "de", "de-DE", "EN" … to "de" or "en", anything else to "".
func normLang(lang string) string {
	l := strings.ToLower(strings.TrimSpace(lang))
	switch {
	case strings.HasPrefix(l, "de"):
		return nlp.German
	case strings.HasPrefix(l, "en"):
		return nlp.English
	}
	return ""
}

// span is a byte range [start, end) of a string.
type span struct{ start, end int }

// cover records which bytes of a string are taken by something found.
type cover []uint64

func newCover(n int) cover { return make(cover, n/64+1) }

// add marks the bytes of sp as taken.
func (c cover) add(sp span) {
	for i := sp.start; i < sp.end; i++ {
		c[i/64] |= 1 << (i % 64)
	}
}

// any reports whether a byte of sp is taken.
func (c cover) any(sp span) bool {
	for i := sp.start; i < sp.end; i++ {
		if c[i/64]&(1<<(i%64)) != 0 {
			return true
		}
	}
	return false
}

// Reference numbers.

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

// keywordStarts finds the builtin keyword stems in s in one pass. has[k]
// reports whether strings.ToLower(s) contains one of kind k's stems (the
// check Extract makes before the kind's expression); starts[k] are the
// positions where one of them begins at a word boundary, the only places
// where builtinRE[k] can match.
func keywordStarts(s string) (has [numKinds]bool, starts [numKinds][]int) {
	for i := 0; i < len(s); i++ {
		for _, ks := range stemFirst[s[i]] {
			n, folded := stemAt(s, i, ks.stem)
			if n == 0 {
				continue
			}
			has[ks.kind] = has[ks.kind] || !folded
			if wordBoundary(s, i) {
				if st := starts[ks.kind]; len(st) == 0 || st[len(st)-1] != i {
					starts[ks.kind] = append(st, i)
				}
			}
		}
	}
	return has, starts
}

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
		m := anchoredRE[k].FindStringSubmatchIndex(s[c:keywordSpanEnd(s, c)])
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
	for j := 3; j+7 < len(s); j++ {
		if s[j] == '-' && '1' <= s[j-3] && s[j-3] <= '9' && isDigit(s[j-2]) && isDigit(s[j-1]) && allDigits(s[j+1:j+8]) {
			return true
		}
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

// Dates.

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
			if strings.IndexFunc(lower[lo:i], isDigitRune) >= 0 || strings.IndexFunc(lower[off:hi], isDigitRune) >= 0 {
				return true
			}
		}
	}
	return false
}

func isDigitRune(r rune) bool { return r >= '0' && r <= '9' }

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
		if !isDigit(s[i]) {
			continue
		}
		skipped := 0
	between:
		for j := i + 1; j < len(s); j++ {
			if monthStemAt(s, j) {
				return true
			}
			switch c := s[j]; {
			case c == ' ' || c == '\t':
			case skipped < 6 && (c == '.' || c == 0xc5 || c == 0xbf || strings.IndexByte("ofstndrhOFSTNDRH", c) >= 0):
				skipped++ // the long s (c5 bf) may stand for the s of "st"
			default:
				break between
			}
		}
	}
	return false
}

// monthStemAt reports whether one of monthStems begins at s[i], compared
// as (?i) expressions compare: ASCII letters without case, 'ä' also as
// 'Ä', the Kelvin sign as k and the long s as s.
func monthStemAt(s string, i int) bool {
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

// inNoYear reports the length of s[i] when it is a rune numericNoYRE's
// matches consist of after their first: ASCII letters and digits, blanks,
// '.', and the long s, which (?i) takes for s.
func inNoYear(s string, i int) int {
	switch c := s[i]; {
	case isWordChar(c) && c != '_' || c == ' ' || c == '\t' || c == '.':
		return 1
	case strings.HasPrefix(s[i:], longS):
		return len(longS)
	}
	return 0
}

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
		if strings.IndexFunc(s, isDigitRune) < 0 {
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
	for _, m := range findIf(monthy, dayMonthRE, s) {
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
	for _, m := range findIf(monthDay, monthDayRE, s) {
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
	for _, m := range findIf(dmy, numericRE, s) {
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
		noYear = runMatches(numericNoYRE, s, inNoYear, func(run string) bool { _, dm, _ := dateShapes(run); return dm })
	}
	for _, m := range noYear {
		end := m[1]
		if end < len(s) && isDigit(s[end]) {
			continue // "am 3.3.2026" is numericRE's
		}
		add(m[2], end, 0, atoi(s[m[4]:m[5]]), atoi(s[m[2]:m[3]]))
	}
	for _, m := range findIf(iso, isoRE, s) {
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

// Personal data.

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
	iban := !quick
	for i := 0; quick && i+3 < len(s); i++ {
		if isASCIILetter(s[i]) && isASCIILetter(s[i+1]) && isDigit(s[i+2]) && isDigit(s[i+3]) {
			iban = true
			break
		}
	}
	emails := findAllIf(!quick, emailRE, s)
	if quick && email {
		emails = runMatches(emailRE, s, inEmail, hasAt)
	}
	for _, m := range emails {
		sp := span{m[0], m[1]}
		hits = append(hits, piiHit{kind: piiEmail, redact: true, span: sp})
		taken.add(sp)
	}
	for _, m := range findAllIf(iban, ibanRE, s) {
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
		phones = runMatches(phoneRE, s, inPhone, sevenDigits)
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

// findAllIf returns re's match indexes in s, or nothing when ok is false.
func findAllIf(ok bool, re *regexp.Regexp, s string) [][]int {
	if !ok {
		return nil
	}
	return re.FindAllStringIndex(s, -1)
}

// runMatches returns what re.FindAllStringSubmatchIndex(s, -1) returns,
// running re only on some runs of s: a run is a longest stretch of runes
// for which inRun reports their length (0 for the runes that end a run),
// and keep picks the runs to search, each together with the rune before
// it, the context of a leading \b or [^\pL]. This is exact when every
// match of re consists of the runes of one run, except that it may begin
// with the rune before the run, when keep rejects only runs in which re
// finds nothing of use, and when re can match ^ only before a run rune.
func runMatches(re *regexp.Regexp, s string, inRun func(s string, i int) int, keep func(run string) bool) [][]int {
	var out [][]int
	for i := 0; i < len(s); {
		n := inRun(s, i)
		if n == 0 {
			i++
			continue
		}
		start := i
		for i < len(s) && n > 0 {
			i += n
			if i < len(s) {
				n = inRun(s, i)
			}
		}
		if !keep(s[start:i]) {
			continue
		}
		_, size := utf8.DecodeLastRuneInString(s[:start])
		from := start - size
		for _, m := range re.FindAllStringSubmatchIndex(s[from:i], -1) {
			for j := range m {
				if m[j] >= 0 {
					m[j] += from
				}
			}
			out = append(out, m)
		}
	}
	return out
}

// inPhone reports the length of s[i] when phoneRE may match it.
func inPhone(s string, i int) int {
	if c := s[i]; isDigit(c) || c == ' ' || c == '(' || c == ')' || c == '/' || c == '-' || c == '+' {
		return 1
	}
	return 0
}

// sevenDigits reports whether s has seven digits, as every phone number
// isPhone accepts has.
func sevenDigits(s string) bool { return countDigits(s) >= 7 }

// inEmail reports the length of s[i] when emailRE may match it.
func inEmail(s string, i int) int {
	if c := s[i]; isWordChar(c) && c != '_' || c == '.' || c == '_' || c == '%' || c == '+' || c == '-' || c == '@' {
		return 1
	}
	return 0
}

func hasAt(s string) bool { return strings.IndexByte(s, '@') >= 0 }

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

// Redact returns text with personal data replaced by tokens:
//
//   - e-mail addresses by "[E-MAIL]";
//   - IBANs by "[IBAN]" (with a valid checksum, or with the exact length
//     of their country's IBANs, so a mistyped IBAN is hidden too);
//   - phone numbers by "[TELEFON]", or by "[PHONE]" when nlp.Detect says
//     the text is English;
//   - payment card numbers (13 to 19 digits, single spaces or dashes
//     between them allowed, with a valid Luhn checksum) by "[KARTE]"
//     ("[CARD]" in English text);
//   - the value after "Passwort", "Kennwort", "Password", "Passwd", "Pwd"
//     or "Passphrase" and a ':' or '=' (up to the next white space) by
//     "[PASSWORT]" ("[PASSWORD]"), and after "PIN", "TAN", "CVC" or
//     "CVV" by "[PIN]", in any case.
//
// Reference numbers after a keyword ("Kundennummer 0123456") and dates are
// left alone even where they look like phone numbers. Everything else is
// returned unchanged.
func Redact(text string) string {
	taken := newCover(len(text))
	secrets := findSecrets(text, taken)
	_, starts := keywordStarts(text)
	for k := range numKinds {
		for _, m := range keywordNumbers(k, text, starts[k]) {
			taken.add(m.span)
		}
	}
	for _, d := range findDates(text, time.Time{}) {
		taken.add(d.span)
	}
	hits := findPII(text, taken)
	if len(secrets) > 0 {
		hits = append(secrets, hits...)
		slices.SortStableFunc(hits, func(a, b piiHit) int { return a.start - b.start })
	}
	if len(hits) == 0 {
		return text
	}
	english := nlp.Detect(text) == nlp.English
	phone := "[TELEFON]"
	if english {
		phone = "[PHONE]"
	}
	var b strings.Builder
	b.Grow(len(text))
	pos := 0
	for _, h := range hits {
		if !h.redact || h.start < pos {
			continue
		}
		b.WriteString(text[pos:h.start])
		switch h.kind {
		case piiEmail:
			b.WriteString("[E-MAIL]")
		case piiIBAN:
			b.WriteString("[IBAN]")
		case piiPhone:
			b.WriteString(phone)
		default:
			b.WriteString(secretToken(h.kind, english))
		}
		pos = h.end
	}
	b.WriteString(text[pos:])
	return b.String()
}
