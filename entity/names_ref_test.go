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
func parsePersonNameRef(s string) (personName, bool) { return parsePersonName(s) }
