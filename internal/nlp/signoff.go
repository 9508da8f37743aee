package nlp

import (
	"bytes"
	"fmt"
	"regexp"
	"regexp/syntax"
	"strings"
	"sync"
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

// SignOffStart is SignOffWord(Fold(w)), without allocating for a short
// ASCII w such as the first word of a line.
func SignOffStart(w string) bool {
	var buf [24]byte
	if len(w) > len(buf) || !isASCII(w) {
		return SignOffWord(Fold(w))
	}
	f := buf[:len(w)]
	for i := range len(w) {
		c := w[i]
		switch {
		case 'A' <= c && c <= 'Z':
			c += 'a' - 'A'
		case c < ' ' || c == 0x7f:
			c = ' '
		}
		f[i] = c
	}
	a, _, _ := bytes.Cut(f, []byte(" "))
	b, _, _ := bytes.Cut(bytes.TrimRight(f, signOffTrim), []byte(" "))
	return signOffFirstWords[string(a)] || signOffFirstWords[string(b)]
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
	if s == "" || !signOffFirstWords[first] {
		return NoSignOff
	}
	if k, ok := signOffPhrases()[s]; ok {
		return k
	}
	if !strings.Contains(s, " aus ") {
		return NoSignOff // every other phrase is in signOffPhrases
	}
	switch {
	case signOffStrongRE.MatchString(s):
		return StrongSignOff
	case signOffWeakRE.MatchString(s):
		return WeakSignOff
	}
	return NoSignOff
}

// signOffPhrases are the phrases the sign-off expressions match, but for
// those naming a place ("viele gruesse aus kiel"), with what SignOff says
// of them: a map look-up spares running the expressions. A phrase not in
// it is a closing formula only if it has " aus ", after which the only
// unbounded parts of the expressions come (signOffPhraseList checks).
var signOffPhrases = sync.OnceValue(func() map[string]SignOffKind {
	m := map[string]SignOffKind{}
	for _, re := range []*regexp.Regexp{signOffStrongRE, signOffWeakRE} {
		list, err := signOffPhraseList(re)
		if err != nil {
			panic(err)
		}
		for _, s := range list {
			switch {
			case signOffStrongRE.MatchString(s):
				m[s] = StrongSignOff
			case signOffWeakRE.MatchString(s):
				m[s] = WeakSignOff
			default:
				panic(fmt.Sprintf("nlp: sign-off phrase %q listed from %v does not match", s, re))
			}
		}
	}
	return m
})

// anyRun stands in the strings phraseList builds for a part of an
// expression that matches strings of any length.
const anyRun = "\x00"

// signOffPhraseList lists the strings re matches that have no part of
// any length, and checks that every other string it matches has " aus "
// before the first such part.
func signOffPhraseList(re *regexp.Regexp) ([]string, error) {
	tree, err := syntax.Parse(re.String(), syntax.Perl)
	if err != nil {
		return nil, err
	}
	all, err := phraseList(tree.Simplify(), []string{""})
	if err != nil {
		return nil, err
	}
	var out []string
	for _, s := range all {
		if !strings.Contains(s, anyRun) {
			out = append(out, s)
			continue
		}
		if i := strings.Index(s, anyRun); !strings.Contains(s[:i], " aus ") {
			return nil, fmt.Errorf("nlp: %v matches %q, with a part of any length before \" aus \"", re, s)
		}
	}
	return out, nil
}

// phraseList extends the strings in by what re matches: every string,
// with anyRun for a part of any length.
func phraseList(re *syntax.Regexp, in []string) ([]string, error) {
	if re.Flags&syntax.FoldCase != 0 {
		return nil, fmt.Errorf("nlp: case folding in %v", re)
	}
	appendEach := func(tails []string) []string {
		var out []string
		for _, s := range in {
			for _, t := range tails {
				out = append(out, s+t)
			}
		}
		return out
	}
	switch re.Op {
	case syntax.OpEmptyMatch, syntax.OpBeginText, syntax.OpEndText:
		return in, nil
	case syntax.OpLiteral:
		return appendEach([]string{string(re.Rune)}), nil
	case syntax.OpCharClass:
		var tails []string
		for i := 0; i < len(re.Rune); i += 2 {
			if re.Rune[i+1]-re.Rune[i] > 16 {
				return appendEach([]string{anyRun}), nil
			}
			for r := re.Rune[i]; r <= re.Rune[i+1]; r++ {
				tails = append(tails, string(r))
			}
		}
		return appendEach(tails), nil
	case syntax.OpStar, syntax.OpPlus:
		return appendEach([]string{anyRun}), nil
	case syntax.OpCapture:
		return phraseList(re.Sub[0], in)
	case syntax.OpConcat:
		var err error
		for _, sub := range re.Sub {
			if in, err = phraseList(sub, in); err != nil {
				return nil, err
			}
		}
		return in, nil
	case syntax.OpAlternate:
		var out []string
		for _, sub := range re.Sub {
			l, err := phraseList(sub, in)
			if err != nil {
				return nil, err
			}
			out = append(out, l...)
		}
		return out, nil
	case syntax.OpQuest:
		l, err := phraseList(re.Sub[0], in)
		if err != nil {
			return nil, err
		}
		return append(append([]string{}, in...), l...), nil
	}
	return nil, fmt.Errorf("nlp: cannot list the strings of %v (op %v)", re, re.Op)
}
