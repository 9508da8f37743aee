package entity

import (
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/antwort-dev/antwort/internal/nlp"
)

// Date is a calendar date mentioned in a message.
type Date struct {
	Text string    `json:"text"` // as written: "3. März 2026", "March 3rd", "03.03.2026"
	Time time.Time `json:"time"` // the day at 00:00 UTC
}

// Set is what Extract finds in a message.
//
// The name fields come from one source (NameSource). Name is the name as
// the customer writes it, without honorific or title ("Petra Schulz");
// FirstName and LastName are its parts (a single signed word such as
// "Petra" is a first name; after "Frau"/"Herr" it is a last name). Title
// is an academic title used in salutations ("Dr.", "Prof.", "Prof. Dr.").
//
// Emails, Phones and IBANs are listed, as written, so that callers can
// redact them (see [Redact]); they must never be put into replies.
type Set struct {
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
func (x *Extractor) Extract(from, subject, text, lang string, now time.Time) Set {
	var e Set
	lang = nlp.Lang(lang)
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
			for i := range bareOrderRE {
				if !bareOrderMayMatch(i, s) {
					continue
				}
				for _, m := range bareOrderNumbers(i, s) {
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
