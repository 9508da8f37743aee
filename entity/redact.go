package entity

import (
	"slices"
	"strings"
	"time"

	"github.com/antwort-dev/antwort/internal/nlp"
)

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
