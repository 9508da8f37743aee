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

// This file keeps Extract as it was before the windowed keyword search
// and the tighter cheap checks, which the current one must agree with on
// every input (see FuzzExtractRef and TestExtractRefRealistic).

// extractRef is the reference implementation of Extract.
func (x *Extractor) extractRef(from, subject, text, lang string, now time.Time) Set {
	var e Set
	lang = nlp.Lang(lang)
	if lang == "" {
		lang = nlp.Detect(subject + "\n" + text)
	}
	x.extractNameRef(&e, from, text, lang)

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
		taken := newCover(len(s))
		lower := strings.ToLower(s)
		for k := range numKinds {
			if !containsAny(lower, builtinStems[k]) {
				continue
			}
			for _, m := range findNumbersRef(builtinRE[k], s, 4) {
				if nums[k].kw == "" {
					nums[k].kw = m.value
				}
				taken.add(m.span)
			}
		}
		for k := range numKinds {
			for _, re := range x.extra[k] {
				for _, m := range findNumbersRef(re, s, 0) {
					if nums[k].extra == "" {
						nums[k].extra = m.value
					}
					taken.add(m.span)
				}
			}
		}
		for _, d := range findDatesRef(s, now, true) {
			taken.add(d.span)
			if !seenDate[d.date.Time] {
				seenDate[d.date.Time] = true
				e.Dates = append(e.Dates, d.date)
			}
		}
		for _, h := range findPIIRef(s, taken, true) {
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
		for _, m := range findNumbersRef(bareTicketRE, s, 4) {
			if !taken.any(m.span) {
				if nums[kindTicket].bare == "" {
					nums[kindTicket].bare = m.value
				}
				taken.add(m.span)
			}
		}
		if nums[kindOrder].bare == "" {
			for _, re := range bareOrderRE {
				for _, m := range findNumbersRef(re, s, 4) {
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

// containsAny reports whether s contains any of subs.
func containsAny(s string, subs []string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}

// findNumbersRef is findNumbers as it was: the first capture group of each
// match of re in s that has at least minDigits digits (trailing '-' and
// '/' trimmed) and is not the start of an amount or date.
func findNumbersRef(re *regexp.Regexp, s string, minDigits int) []numberHit {
	var out []numberHit
	for _, m := range re.FindAllStringSubmatchIndex(s, -1) {
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

// findDatesRef is findDatesQ as it was.
func findDatesRef(s string, now time.Time, quick bool) []dateHit {
	// Every form needs a digit, a month name, a '.' or a '-': checking
	// for them first spares the regular expressions most texts.
	monthy, dots, dashes := true, true, true
	if quick {
		if strings.IndexFunc(s, isDigitRune) < 0 {
			return nil
		}
		monthy = monthNearDigitRef(strings.ToLower(s))
		// "3.3.2026", "am 3.3.": digit '.' digit; "2026-03-03": digit '-' digit.
		dots, dashes = false, false
		for i := 1; i+1 < len(s) && !(dots && dashes); i++ {
			if isDigit(s[i-1]) && isDigit(s[i+1]) {
				dots = dots || s[i] == '.'
				dashes = dashes || s[i] == '-'
			}
		}
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
	for _, m := range findIf(monthy, monthDayRE, s) {
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
	for _, m := range findIf(dots, numericRE, s) {
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
	for _, m := range findIf(dots, numericNoYRE, s) {
		end := m[1]
		if end < len(s) && isDigit(s[end]) {
			continue // "am 3.3.2026" is numericRE's
		}
		add(m[2], end, 0, atoi(s[m[4]:m[5]]), atoi(s[m[2]:m[3]]))
	}
	for _, m := range findIf(dashes, isoRE, s) {
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

// findPIIRef is findPIIQ as it was.
func findPIIRef(s string, taken cover, quick bool) []piiHit {
	var hits []piiHit
	// Cheap necessary conditions first: an address has '@', an IBAN two
	// letters and two digits in a row, a phone number "+d", "(d" or a 0.
	email := !quick || strings.IndexByte(s, '@') >= 0
	iban, phone := !quick, !quick || strings.IndexByte(s, '0') >= 0
	for i := 0; quick && i+1 < len(s); i++ {
		if !phone && (s[i] == '+' || s[i] == '(') && isDigit(s[i+1]) {
			phone = true
		}
		if !iban && i+3 < len(s) && isASCIILetter(s[i]) && isASCIILetter(s[i+1]) && isDigit(s[i+2]) && isDigit(s[i+3]) {
			iban = true
		}
		if phone && iban {
			break
		}
	}
	for _, m := range findAllIf(email, emailRE, s) {
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
	for _, m := range findAllIf(phone, phoneRE, s) {
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

// monthNearDigitRef is monthNearDigit as it was: it reports whether lower (lower-cased text) has a month stem
// with a digit close before it ("3. März") or after it ("March 3rd"),
// which dayMonthRE and monthDayRE both need.
func monthNearDigitRef(lower string) bool {
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
