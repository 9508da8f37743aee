package nlp

import (
	"regexp"
	"strings"
)

// SignOffKind says what kind of closing formula a phrase is.
type SignOffKind int

// Kinds of closing formulas.
const (
	NoSignOff SignOffKind = iota
	// WeakSignOff: thanks ("Danke", "Thanks", "Thank you in advance"); a
	// signature after it is a name, not more.
	WeakSignOff
	// StrongSignOff: a closing formula ("Mit freundlichen Grüßen",
	// "Hochachtungsvoll", "Servus", "Best regards", "Take care") that a
	// signature may follow.
	StrongSignOff
)

// The closing formulas of German and English mail, the one list the mail
// cleaner (which cuts the signature off) and the name finder (which reads
// the customer's name below it) share. They match a whole phrase, folded
// (see Fold) and without trailing punctuation.
var (
	signOffStrongRE = regexp.MustCompile(`^(?:` +
		`mit (?:den )?(?:freundlichen|freundlichem|besten|herzlichen|lieben|vielen) gr(?:ue|u)(?:ss|s)(?:en|e)?(?: und vielen dank)?|` +
		`(?:freundliche|freundlichen|viele|liebe|beste|herzliche|schoene|sonnige|nette|gute) gr(?:ue|u)(?:ss|s)(?:e|en)?|` +
		`(?:viele|liebe|beste|herzliche|schoene|freundliche) gr(?:ue|u)(?:ss|s)e aus [\p{L}.-]+(?: [\p{L}.-]+)?|` +
		`gr(?:ue|u)(?:ss|s)e(?: aus [\p{L}.-]+(?: [\p{L}.-]+)?)?|gr(?:ue|u)(?:ss|s)(?: und dank)?|` +
		`(?:danke|vielen dank|besten dank|herzlichen dank) und (?:viele |beste |liebe |freundliche )?gr(?:ue|u)(?:ss|s)(?:e)?|` +
		`(?:danke|vielen dank) (?:im voraus|vorab) und (?:viele |beste |liebe |freundliche )?gr(?:ue|u)(?:ss|s)(?:e)?|` +
		`mfg|vg|lg|bg|hochachtungsvoll|mit hochachtung|bis bald|bis dann|alles gute|servus|tschuess|ciao|` +
		`(?:best|kind|kindest|warm|warmest|warm and kind) regards|regards|with (?:(?:best|kind|warm) )?regards|` +
		`best wishes|all the best|best|cheers|sincerely|yours sincerely|sincerely yours|yours faithfully|yours truly|take care|` +
		`(?:thanks|thank you|many thanks) (?:and|&) (?:best |kind )?regards|respectfully|br` +
		`)$`)
	signOffWeakRE = regexp.MustCompile(`^(?:danke(?: schoen| sehr)?|dankeschoen|vielen dank|besten dank|herzlichen dank|` +
		`thanks|thank you|many thanks|thanks again|(?:thanks|thank you) in advance|thx|ty)$`)
)

// signOffFirstWords are the first words (up to a space) of everything
// signOffStrongRE and signOffWeakRE match; a phrase that starts otherwise
// is no sign-off, without running them. TestSignOffFirstWords derives the
// set from the expressions.
var signOffFirstWords = map[string]bool{
	"all": true, "alles": true, "best": true, "beste": true, "besten": true, "bg": true, "bis": true,
	"br": true, "cheers": true, "ciao": true, "danke": true, "dankeschoen": true, "freundliche": true,
	"freundlichen": true, "grues": true, "gruese": true, "gruess": true, "gruesse": true,
	"grus": true, "gruse": true, "gruss": true, "grusse": true, "gute": true, "herzliche": true,
	"herzlichen": true, "hochachtungsvoll": true, "kind": true, "kindest": true, "lg": true,
	"liebe": true, "many": true, "mfg": true, "mit": true, "nette": true, "regards": true,
	"respectfully": true, "schoene": true, "servus": true, "sincerely": true, "sonnige": true,
	"take": true, "thank": true, "thanks": true, "thx": true, "tschuess": true, "ty": true,
	"vg": true, "viele": true, "vielen": true, "warm": true, "warmest": true, "with": true,
	"yours": true,
}

// SignOffWord reports whether a phrase whose first word, folded as Fold
// does, is w may be a closing formula: SignOff reports NoSignOff for w and
// for every phrase w+" "+rest when it is false. It spares folding and
// trying a line's longer phrases when its first word already rules them out.
func SignOffWord(w string) bool {
	// SignOff cuts its first word from the phrase with trailing blanks and
	// punctuation trimmed: that is w up to its first blank, unless the
	// trimming reaches into w.
	a, _, _ := strings.Cut(w, " ")
	b, _, _ := strings.Cut(strings.TrimRight(w, signOffTrim), " ")
	return signOffFirstWords[a] || signOffFirstWords[b]
}

// signOffTrim is what SignOff trims from the end of a phrase.
const signOffTrim = " ,.!:;-–"

// SignOff classifies phrase, folded as Fold does, as a closing formula.
// Trailing blanks and punctuation (",.!:;-–") are ignored; anything else
// must match exactly: "mit freundlichen gruessen", "viele gruesse aus
// berlin", "danke", "take care".
func SignOff(phrase string) SignOffKind {
	s := strings.TrimRight(phrase, signOffTrim)
	first, _, _ := strings.Cut(s, " ")
	switch {
	case s == "" || !signOffFirstWords[first]:
		return NoSignOff
	case signOffStrongRE.MatchString(s):
		return StrongSignOff
	case signOffWeakRE.MatchString(s):
		return WeakSignOff
	}
	return NoSignOff
}
