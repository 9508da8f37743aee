package entity

import (
	"net/mail"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/antwort-dev/antwort/internal/nlp"
)

// This file keeps the name finding as it was before the cheap checks in
// signOffPrefix and the short cut past net/mail in splitFrom, which the
// current one must agree with on every input (see FuzzExtractRef,
// FuzzSplitFrom and FuzzSignOffPrefix).

// extractNameRef is extractName as it was.
func (x *Extractor) extractNameRef(e *Set, from, text, lang string) {
	fromName, okFrom := nameFromHeaderRef(from)
	sigName, okSig := nameFromSignatureRef(text)
	var p personName
	switch {
	case okFrom:
		p = fromName
		e.NameSource = NameSourceFrom
		if okSig && samePerson(fromName, sigName) {
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
			if q, ok := parsePersonNameRef(n); ok && q.first != "" && q.last != "" {
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

// nameFromHeaderRef is nameFromHeader as it was.
func nameFromHeaderRef(from string) (personName, bool) {
	from = strings.TrimSpace(from)
	if from == "" {
		return personName{}, false
	}
	display, addr := splitFromRef(from)
	if addr != "" && isRoleAddress(addr) {
		return personName{}, false
	}
	if strings.Contains(display, "@") {
		return personName{}, false
	}
	return parsePersonNameRef(display)
}

// splitFromRef is splitFrom as it was: net/mail first, for every value.
func splitFromRef(from string) (display, addr string) {
	if a, err := mail.ParseAddress(from); err == nil {
		return a.Name, a.Address
	}
	if i := strings.LastIndexByte(from, '<'); i >= 0 {
		display = from[:i]
		addr = from[i+1:]
		if j := strings.IndexByte(addr, '>'); j >= 0 {
			addr = addr[:j]
		}
		return strings.Trim(strings.TrimSpace(display), `"'`), strings.TrimSpace(addr)
	}
	if strings.Contains(from, "@") && !strings.ContainsAny(from, " \t") {
		return "", from
	}
	return strings.Trim(from, `"'`), ""
}

// nameFromSignatureRef is nameFromSignature as it was.
func nameFromSignatureRef(text string) (personName, bool) {
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
			n, r := signOffPrefixRef(line)
			if n == 0 {
				continue
			}
			rest = r
		}
		if rest != "" {
			if p, ok := parsePersonNameRef(rest); ok {
				return p, true
			}
			if r, _ := utf8.DecodeRuneInString(rest); !unicode.IsLower(r) {
				continue
			}
		}
		if k+1 < len(idx) {
			if p, ok := parsePersonNameRef(lines[idx[k+1]]); ok {
				return p, true
			}
		}
	}
	return personName{}, false
}

// signOffPrefixRef is signOffPrefix as it was: every phrase length is
// folded and tried.
func signOffPrefixRef(line string) (int, string) {
	words := strings.Fields(line)
	for n := min(5, len(words)); n >= 1; n-- {
		phrase := strings.TrimRight(nlp.Fold(strings.Join(words[:n], " ")), ",.!:;-–")
		if !isSignOff(phrase) {
			continue
		}
		rest := strings.TrimLeft(strings.Join(words[n:], " "), ",.!:;-–/| ")
		if f := strings.Fields(rest); len(f) <= 5 && isSignOff(strings.TrimRight(nlp.Fold(strings.Join(f, " ")), ",.!:;-–")) {
			rest = ""
		}
		return n, rest
	}
	return 0, ""
}

// parsePersonNameRef is parsePersonName as it was.
func parsePersonNameRef(s string) (personName, bool) {
	if len(s) > 200 {
		return personName{}, false
	}
	s = dropBracketed(s)
	for _, sep := range []string{" | ", " / ", " - ", " – ", " — ", "\t"} {
		if i := strings.Index(s, sep); i >= 0 {
			s = s[:i]
		}
	}
	s = strings.Trim(strings.TrimSpace(s), `"'„“”‚‘’,;:`)
	if s == "" || len(s) > 120 {
		return personName{}, false
	}
	if left, right, ok := strings.Cut(s, ","); ok {
		right = strings.TrimSpace(right)
		lw := strings.Fields(left)
		rw := strings.Fields(right)
		if len(lw) == 1 && len(rw) >= 1 && len(rw) <= 3 && !strings.Contains(right, ",") {
			// "Schulz, Petra" or "Schulz, Dr. Petra": swap, unless the
			// part after the comma is not a name ("Petra, Berlin" is not
			// told apart from that; both read as one person).
			if p, ok := parseNameWordsRef(append(rw, lw...)); ok {
				return p, true
			}
		}
		s = left
	}
	return parseNameWordsRef(strings.Fields(s))
}

// parseNameWordsRef is parseNameWords as it was.
func parseNameWordsRef(words []string) (personName, bool) {
	var p personName
	var dr, prof bool
	// Leading prefixes, honorifics and titles, in any order.
prefixes:
	for len(words) > 0 {
		f := nlp.Fold(words[0])
		if len(words) > 1 && (f == "i." || f == "i") {
			if n := nlp.Fold(words[1]); n == "a." || n == "v." {
				words = words[2:] // "i. A. Petra Schulz"
				continue
			}
		}
		switch f {
		case "i.a.", "i.v.", "ppa.", "ppa", "i.a", "i.v", "ihr", "ihre", "dein", "deine", "euer", "eure", "yours":
		case "frau", "fr.", "mrs", "mrs.", "ms", "ms.", "miss":
			p.gender = GenderFemale
		case "herr", "hr.", "herrn", "mr", "mr.":
			p.gender = GenderMale
		case "familie", "family", "fam.":
			p.family = true
		case "dr.", "dr":
			dr = true
		case "med.", "dent.", "vet.", "rer.", "nat.", "phil.", "jur.", "oec.", "pol.", "h.c.", "habil.", "ing.", "mult.":
			if !dr {
				break prefixes
			}
			// "Dr. med.", "Dr. rer. nat."
		case "prof.", "prof", "professor", "professorin":
			prof = true
		default:
			switch {
			case strings.HasPrefix(f, "dr."): // "Dr.-Ing.", "Dr.med."
				dr = true
			case strings.HasPrefix(f, "dipl.") || strings.HasPrefix(f, "dipl-"):
			default:
				break prefixes
			}
		}
		words = words[1:]
	}
	// Trailing degrees and suffixes.
	for len(words) > 1 {
		switch strings.Trim(nlp.Fold(words[len(words)-1]), ".,") {
		case "jr", "sr", "phd", "ph.d", "mba", "msc", "m.sc", "bsc", "b.sc", "m.a", "b.a", "ll.m", "iii", "ii":
			words = words[:len(words)-1]
			continue
		}
		break
	}
	if len(words) == 0 || len(words) > 5 {
		return personName{}, false
	}
	capital := 0
	for i, w := range words {
		if isParticle(w) {
			if i == len(words)-1 {
				return personName{}, false
			}
			continue
		}
		if !isNameWord(w) || isNotNameWordRef(w) {
			return personName{}, false
		}
		words[i] = titleCaseIfUpper(w)
		capital++
	}
	if capital == 0 || capital > 4 {
		return personName{}, false
	}
	switch {
	case prof && dr:
		p.title = "Prof. Dr."
	case prof:
		p.title = "Prof."
	case dr:
		p.title = "Dr."
	}
	// The last name is the last word with the particles before it.
	i := len(words) - 1
	for i > 0 && isParticle(words[i-1]) {
		i--
	}
	if len(words) == 1 && p.gender == "" && p.title == "" && !p.family {
		// A single word without an honorific is how people sign with
		// their first name ("LG\nPetra").
		p.first = words[0]
		return p, true
	}
	p.last = strings.Join(words[i:], " ")
	p.first = strings.Join(words[:i], " ")
	if p.first != "" && isParticle(words[0]) {
		return personName{}, false
	}
	return p, true
}

// isNotNameWordRef is isNotNameWord as it was: it reports capitalised words that appear in signatures and
// display names but are not part of a person's name: company forms,
// departments, greetings, contact labels.
func isNotNameWordRef(w string) bool {
	switch strings.Trim(nlp.Fold(w), ".,;:!") {
	case "gmbh", "ag", "kg", "ug", "ohg", "gbr", "ev", "e.v", "mbh", "co", "ltd", "inc", "llc", "plc",
		"corp", "corporation", "company", "limited", "gesellschaft", "holding", "group", "gruppe",
		"team", "service", "services", "support", "kundenservice", "kundendienst", "customer",
		"shop", "store", "versand", "abteilung", "department", "sales", "vertrieb",
		"buchhaltung", "verwaltung", "hausverwaltung", "info", "mail", "e-mail", "email", "admin",
		"office", "newsletter", "redaktion", "praxis", "kanzlei", "bank", "versicherung",
		"stadtwerke", "online", "hotline", "zentrale", "management", "marketing",
		"tel", "telefon", "phone", "mobil", "mobile", "handy", "fax", "web", "www", "adresse",
		"address", "strasse", "str", "deutschland", "germany",
		"sent", "gesendet", "von", "from", "iphone", "android", "outlook",
		"gruesse", "gruss", "gruessen", "regards", "thanks", "thank", "danke", "dank", "cheers",
		"hallo", "hello", "hi", "dear", "sehr", "geehrte", "geehrter", "liebe", "lieber",
		"guten", "tag", "mfg", "lg", "vg", "sincerely", "best", "kind", "freundlichen", "viele",
		"beste", "herzliche", "schoene", "ich", "wir", "bitte", "please", "the", "und", "and",
		"kunde", "kundin", "anonym", "anonymous", "unknown", "unbekannt", "user", "nutzer", "test":
		return true
	}
	return false
}
