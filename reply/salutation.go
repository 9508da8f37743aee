package reply

import (
	"strings"

	"github.com/antwort-dev/antwort/entity"
	"github.com/antwort-dev/antwort/internal/nlp"
)

// Salutation returns the opening line of a reply to the customer
// described by e, in lang ("en" for English, anything else German) and in
// the register of channel.
//
// E-mail and other channels are formal:
//
//	"Sehr geehrte Frau Schmidt,"        "Dear Ms Smith,"        gender "f" and a last name
//	"Sehr geehrter Herr Dr. Schmidt,"   "Dear Dr Smith,"        a title (English drops Mr/Ms)
//	"Guten Tag Max Mustermann,"         "Dear Max Smith,"       a name, gender unknown
//	"Guten Tag,"                        "Hello,"                no name
//
// Chat, Twitter/X, Facebook, Instagram, WhatsApp and Messenger are
// informal: "Hallo Max," / "Hi Max," with a first name, "Hallo Frau
// Schmidt," / "Hi Ms Smith," with only a last name and a gender, else
// "Hallo," / "Hi,". English uses "Ms" for every woman, never "Mrs"/"Miss".
// Control characters in the name parts are replaced by spaces.
func Salutation(e entity.Set, lang, channel string) string {
	en := nlp.Lang(lang) == nlp.English
	first := oneLine(strings.TrimSpace(e.FirstName))
	last := oneLine(strings.TrimSpace(e.LastName))
	name := oneLine(strings.TrimSpace(e.Name))
	title := oneLine(strings.TrimSpace(e.Title))
	if name == "" {
		name = strings.TrimSpace(first + " " + last)
	}
	if first == "" && last == "" && name != "" {
		if f, l, ok := entity.SplitName(name); ok {
			first, last = f, l
		}
	}
	family := strings.HasPrefix(name, "Familie ") && first == ""
	if en && family {
		name = strings.TrimPrefix(name, "Familie ") + " family"
	}

	// honorific returns "Frau Schmidt" / "Ms Smith", or "" without gender.
	honorific := func(withTitle string) string {
		if last == "" {
			return ""
		}
		var h string
		switch {
		case e.Gender == entity.GenderFemale && en:
			h = "Ms"
		case e.Gender == entity.GenderMale && en:
			h = "Mr"
		case e.Gender == entity.GenderFemale:
			h = "Frau"
		case e.Gender == entity.GenderMale:
			h = "Herr"
		default:
			return ""
		}
		if withTitle != "" {
			h += " " + withTitle
		}
		return h + " " + last
	}

	if isInformal(channel) {
		hi := "Hallo"
		if en {
			hi = "Hi"
		}
		switch {
		case first != "":
			return hi + " " + first + ","
		case family:
			return hi + " " + name + ","
		case honorific("") != "":
			return hi + " " + honorific("") + ","
		}
		return hi + ","
	}

	if en {
		switch {
		case last != "" && englishTitle(title) != "":
			return "Dear " + englishTitle(title) + " " + last + ","
		case honorific("") != "":
			return "Dear " + honorific("") + ","
		case name != "":
			return "Dear " + name + ","
		}
		return "Hello,"
	}
	switch {
	case e.Gender == entity.GenderFemale && last != "":
		return "Sehr geehrte " + honorific(title) + ","
	case e.Gender == entity.GenderMale && last != "":
		return "Sehr geehrter " + honorific(title) + ","
	case name != "" && title != "":
		return "Guten Tag " + title + " " + name + ","
	case name != "":
		return "Guten Tag " + name + ","
	}
	return "Guten Tag,"
}

// englishTitle maps a German academic title to its English form in a
// salutation: "Dr." → "Dr", "Prof." and "Prof. Dr." → "Professor".
// Other titles are not used in English salutations.
func englishTitle(t string) string {
	f := nlp.Fold(t)
	switch {
	case strings.HasPrefix(f, "prof"):
		return "Professor"
	case strings.HasPrefix(f, "dr"):
		return "Dr"
	}
	return ""
}

// isInformal reports whether replies on channel use the informal
// register.
func isInformal(channel string) bool {
	switch strings.ToLower(strings.TrimSpace(channel)) {
	case "chat", "twitter", "x", "facebook", "instagram", "whatsapp", "messenger":
		return true
	}
	return false
}

// oneLine replaces control characters (line breaks, tabs …) by spaces.
func oneLine(s string) string {
	if !strings.ContainsFunc(s, isControl) {
		return s
	}
	return strings.Map(func(r rune) rune {
		if isControl(r) {
			return ' '
		}
		return r
	}, s)
}

func isControl(r rune) bool {
	return r < ' ' || r == 0x7f || (r >= 0x80 && r < 0xa0) || r == '\u2028' || r == '\u2029'
}
