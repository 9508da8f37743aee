package nlp

import (
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"gopkg.in/neurosnap/sentences.v1"
	"gopkg.in/neurosnap/sentences.v1/english"
)

// Sentences splits the text of a mail into sentences. Mail is written in
// lines: a blank line, a list item, or a line that ends with sentence
// punctuation ends a sentence; other line breaks are wrapping. Each piece
// is then split at sentence punctuation: English with the Punkt
// tokenizer that prose segments with (neurosnap/sentences, its model
// loaded once — prose's own API loads it again for every document, 27 ms),
// German and other text by rules that know German abbreviations ("z. B.",
// "Nr.", "bzw.") and ordinal numbers ("am 3. Mai"). Sentences are trimmed;
// empty ones are dropped.
func Sentences(text, lang string) []string {
	var out []string
	for _, piece := range pieces(text) {
		if lang == English && !strings.ContainsAny(strings.TrimRight(piece, ".!?"), ".!?") {
			// Punkt breaks sentences only at tokens with one of these:
			// without them, or with them only at its end, the piece
			// (trimmed, not empty) is one sentence.
			out = append(out, piece)
			continue
		}
		if lang == English {
			for _, s := range punkt().Tokenize(piece) {
				if t := strings.TrimSpace(s.Text); t != "" {
					out = append(out, t)
				}
			}
			continue
		}
		out = splitRules(piece, out)
	}
	return out
}

var (
	punktOnce sync.Once
	punktTok  *sentences.DefaultSentenceTokenizer
)

// punkt returns the English sentence tokenizer, loading its model on
// first use. Tokenize only reads the model: one tokenizer serves every
// goroutine.
func punkt() *sentences.DefaultSentenceTokenizer {
	punktOnce.Do(func() {
		t, err := english.NewSentenceTokenizer(nil)
		if err != nil {
			// The model is compiled into the module; failing to read it
			// is a broken build, not bad input.
			panic("nlp: English sentence model: " + err.Error())
		}
		punktTok = t
	})
	return punktTok
}

// pieces splits mail text at the line breaks that end a sentence and
// joins the others with a space.
func pieces(text string) []string {
	var out []string
	var cur strings.Builder
	flush := func() {
		if s := strings.TrimSpace(cur.String()); s != "" {
			out = append(out, s)
		}
		cur.Reset()
	}
	for line := range strings.Lines(text) {
		l := strings.TrimSpace(line)
		if l == "" {
			flush()
			continue
		}
		if listItem(l) {
			flush()
		}
		if cur.Len() > 0 {
			cur.WriteByte(' ')
		}
		cur.WriteString(l)
		if endsSentence(l) {
			flush()
		}
	}
	flush()
	return out
}

// listItem reports whether a line starts a list item ("- ", "* ", "• ",
// "1. ", "2) ").
func listItem(l string) bool {
	if strings.HasPrefix(l, "- ") || strings.HasPrefix(l, "* ") || strings.HasPrefix(l, "• ") {
		return true
	}
	i := 0
	for i < len(l) && l[i] >= '0' && l[i] <= '9' {
		i++
	}
	return i > 0 && i < 3 && i+1 < len(l) && (l[i] == '.' || l[i] == ')') && l[i+1] == ' '
}

// endsSentence reports whether a line ends with sentence punctuation, or
// with a comma or colon after a greeting-like short line ("Hallo Anna,").
func endsSentence(l string) bool {
	r, _ := utf8.DecodeLastRuneInString(l)
	switch r {
	case '.', '!', '?', '…', ':':
		return true
	case ',':
		return len(strings.Fields(l)) <= 4 // "Hallo Frau Schmidt,", "Hi Tom,"
	}
	return false
}

// germanAbbrevs are words that end with a dot without ending a sentence
// (folded, without the dot).
var germanAbbrevs = map[string]bool{
	"z": true, "b": true, "bzw": true, "ca": true, "nr": true, "str": true, "usw": true, "u": true, "a": true,
	"d": true, "h": true, "ggf": true, "evtl": true, "inkl": true, "zzgl": true, "exkl": true, "tel": true,
	"fr": true, "hr": true, "dr": true, "prof": true, "st": true, "mio": true, "mrd": true, "abs": true,
	"bspw": true, "vgl": true, "o": true, "ä": true, "i": true, "r": true, "kd": true, "kdnr": true,
	"rg": true, "rech": true, "best": true, "bestnr": true, "vertr": true, "kto": true, "etc": true,
	"jan": true, "feb": true, "mär": true, "apr": true, "jun": true, "jul": true, "aug": true,
	"sep": true, "sept": true, "okt": true, "nov": true, "dez": true,
	"tsd": true, "gem": true, "lt": true, "ff": true, "vs": true,
	"e": true, "g": true, "mr": true, "mrs": true, "ms": true, "no": true, "approx": true, "dept": true,
}

// splitRules splits a piece at ". ", "! ", "? " (and runs of them)
// followed by an upper-case letter, a digit or a quote, except after an
// abbreviation or a number with a dot. It appends to out.
func splitRules(s string, out []string) []string {
	start := 0
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r != '.' && r != '!' && r != '?' && r != '…' {
			i += size
			continue
		}
		end := i + size
		for end < len(s) && strings.ContainsRune(".!?…\"')»“”", rune(s[end])) {
			end++
		}
		if end >= len(s) || s[end] != ' ' {
			i = end
			continue
		}
		next := strings.TrimLeft(s[end:], " ")
		nr, _ := utf8.DecodeRuneInString(next)
		if next == "" || !(unicode.IsUpper(nr) || unicode.IsDigit(nr) || strings.ContainsRune("\"'„»“(-", nr)) {
			i = end
			continue
		}
		if r == '.' && !sentenceDot(s[start:i]) {
			i = end
			continue
		}
		if t := strings.TrimSpace(s[start:end]); t != "" {
			out = append(out, t)
		}
		start = end
		i = end
	}
	if t := strings.TrimSpace(s[start:]); t != "" {
		out = append(out, t)
	}
	return out
}

// sentenceDot reports whether a dot after before ends a sentence: not
// after a known abbreviation, a single letter, or a number of one or two
// digits (a German ordinal, "am 3. Mai").
func sentenceDot(before string) bool {
	j := strings.LastIndexFunc(before, func(r rune) bool { return unicode.IsSpace(r) || r == '(' || r == '/' })
	word := before[j+1:]
	if word == "" {
		return true
	}
	// "z.B" before the final dot: the last part after an inner dot.
	if k := strings.LastIndexByte(word, '.'); k >= 0 {
		return false // an inner dot: "z.B.", "d.h.", "u.a."
	}
	w := strings.ToLower(word)
	if k := strings.LastIndexByte(w, '-'); k >= 0 {
		w = w[k+1:] // "Bestell-Nr."
	}
	if germanAbbrevs[w] {
		return false
	}
	// One or two digits: an ordinal ("am 3. Mai", "im 2. Stock").
	digits := 0
	for _, r := range word {
		if !unicode.IsDigit(r) {
			return true
		}
		digits++
	}
	return digits > 2
}
