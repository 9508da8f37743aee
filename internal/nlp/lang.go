package nlp

import "unicode/utf8"

// Languages reported by Detect.
const (
	German       = "de"
	English      = "en"
	Undetermined = "und"
)

// Function words and very frequent service words, in folded spelling.
var (
	deWords = wordList(`der die das den dem des ein eine einen einem einer eines und oder aber ist sind war waren
		bin bist hat habe haben hatte hatten wird werden wurde wurden kann koennen koennte konnte muss muessen
		soll sollte will moechte moechten ich du er sie es wir ihr mich mir dich dir uns euch ihnen ihre ihren
		ihrem ihrer sein seine mein meine meinen meinem meiner dein deine nicht kein keine keinen keiner nichts
		noch schon auch nur sehr mit von zu zum zur fuer auf aus bei nach seit vom im am um ueber unter vor
		wie was wo warum wann wer welche welcher welches wieso weshalb bitte danke vielen dank hallo guten tag
		gruesse gruss freundlichen geehrte geehrter damen herren leider gerne dass wenn weil ob denn doch mal
		jetzt heute gestern morgen immer wieder bestellung rechnung lieferung paket konto kuendigung`)
	enWords = wordList(`the a an and or but is are was were be been being am has have had having will would
		shall should can could may might must do does did done i you he she it we they me him her us them my
		your his its our their mine yours not no never nothing none still already also only very with from to
		for on in at by of about after since before into over under how what where why when who which please
		thanks thank hello hi dear regards kind sincerely sorry that this these those there here if because
		just yet again now today yesterday tomorrow always order invoice delivery parcel account refund`)
)

// wordList returns the tokens of a word list.
func wordList(s string) []string { return AppendTokens(nil, s) }

// Cue bits of a word in cueWords.
const (
	cueDE = 1 << iota
	cueEN
)

// cueWords holds the cue bits of deWords and enWords in one map, so that
// DetectTokens looks each token up once.
var cueWords = func() map[string]uint8 {
	m := make(map[string]uint8, len(deWords)+len(enWords))
	for _, w := range deWords {
		m[w] |= cueDE
	}
	for _, w := range enWords {
		m[w] |= cueEN
	}
	return m
}()

// Detect returns the language of s: German ("de"), English ("en"), or
// "und" when the text gives no clear evidence.
func Detect(s string) string {
	return DetectTokens(Tokenize(Fold(s)), countUmlauts(s))
}

// DetectTokens decides the language from folded tokens (see Tokenize) and
// the number of German letters (ä ö ü ß, either case) the original text
// contained. It never allocates.
func DetectTokens(tokens []string, umlauts int) string {
	de, en := 0, 0
	for _, t := range tokens {
		c := cueWords[t]
		if c&cueDE != 0 {
			de++
		}
		if c&cueEN != 0 {
			en++
		}
	}
	if umlauts > 3 {
		umlauts = 3
	}
	de += umlauts
	switch {
	case de > en:
		return German
	case en > de:
		return English
	default:
		return Undetermined
	}
}

// CountUmlauts returns how many of ä ö ü ß Ä Ö Ü ẞ s contains.
func CountUmlauts(s string) int { return countUmlauts(s) }

func countUmlauts(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] < utf8.RuneSelf {
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch r {
		case 'ä', 'ö', 'ü', 'ß', 'Ä', 'Ö', 'Ü', 'ẞ':
			n++
		}
		i += size - 1
	}
	return n
}
