package entity

import (
	"regexp"
	"strings"
)

// Secrets: payment card numbers and the values of "Passwort: …"-style
// fields. They are found only to be redacted (see Redact), never
// extracted or echoed.

// cardRE matches 13 to 19 digits, each group of digits separated from the
// next by at most one space or dash, not inside a longer run of digits
// or letters. Whether a match is a card number is decided by cardSpan.
var cardRE = regexp.MustCompile(`\b\d(?:[ -]?\d){12,18}\b`)

// secretRE matches a secret's keyword, ':' or '=', and the value: the
// rest of the word after it, up to white space, without a final ',', ';'
// or '.'. Group 1 is the keyword, group 2 the value.
var secretRE = regexp.MustCompile(`(?i)\b(passwort|kennwort|password|passwd|pwd|passphrase|pin|tan|cvc|cvv)\s*[:=]\s*(\S+?)[,;.]?(?:\s|$)`)

// findSecrets returns the card numbers and secret values of s and marks
// them in taken. A card number is a run of 13 to 19 digits (single spaces
// or dashes between them allowed) whose Luhn checksum is right.
func findSecrets(s string, taken cover) []piiHit {
	var hits []piiHit
	if strings.ContainsAny(s, ":=") {
		for _, m := range secretRE.FindAllStringSubmatchIndex(s, -1) {
			sp := span{m[4], m[5]}
			kind := piiPassword
			if k := strings.ToLower(s[m[2]:m[3]]); k != "passwort" && k != "kennwort" && k != "password" && k != "passwd" && k != "pwd" && k != "passphrase" {
				kind = piiPIN
			}
			taken.add(sp)
			hits = append(hits, piiHit{kind: kind, redact: true, span: sp})
		}
	}
	if countDigits(s) >= 13 {
		for _, m := range cardRE.FindAllStringIndex(s, -1) {
			sp := span{m[0], m[1]}
			if taken.any(sp) || !luhn(s[m[0]:m[1]]) {
				continue
			}
			taken.add(sp)
			hits = append(hits, piiHit{kind: piiCard, redact: true, span: sp})
		}
	}
	return hits
}

// luhn reports whether the digits of v (other bytes ignored) pass the
// Luhn check that every payment card number passes.
func luhn(v string) bool {
	sum, n := 0, 0
	for i := len(v) - 1; i >= 0; i-- {
		c := v[i]
		if !isDigit(c) {
			continue
		}
		d := int(c - '0')
		if n%2 == 1 {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
		n++
	}
	return n >= 13 && n <= 19 && sum%10 == 0
}

// secretToken is what Redact writes for a secret of kind k, in German
// unless english.
func secretToken(k piiKind, english bool) string {
	switch {
	case k == piiCard && english:
		return "[CARD]"
	case k == piiCard:
		return "[KARTE]"
	case k == piiPassword && english:
		return "[PASSWORD]"
	case k == piiPassword:
		return "[PASSWORT]"
	}
	return "[PIN]"
}
