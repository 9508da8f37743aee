package nlp

import (
	"strings"
	"sync"
)

// courtesyWords are the words of greetings, thanks, closings and
// acknowledgements ("Danke, das hat geklappt!", "Thanks so much for the
// quick help", "Viele Grüße"), and the small words around them, in folded
// spelling. A sentence made only of them asks for nothing.
var courtesyWords = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range AppendTokens(nil, Fold(`
		hallo hi hey hej moin servus guten tag morgen abend liebe lieber liebes sehr geehrte geehrter
		damen und herren frau herr team kundenservice service
		danke dank dankeschön vielen herzlichen besten tausend lieben schön schoen nochmals nochmal
		für fuer die das den dem der ihre eure deine schnelle schnellen rasche rückmeldung rueckmeldung antwort hilfe
		unterstützung unterstuetzung mühe muehe info infos information informationen erledigung bearbeitung
		hat haben hatte es alles jetzt nun wieder geklappt funktioniert funktioniert's klappt passt gut bestens
		super toll prima perfekt top klasse wunderbar alles gut ok okay okey in ordnung erledigt ja genau
		gruß gruss grüße gruesse viele beste freundliche freundlichen mit mfg lg vg bg
		hello dear thanks thank thx ty you so much very many a lot again for the your quick fast prompt
		reply response answer help support assistance info that this it has have worked works working
		fixed solved sorted resolved all good great perfect awesome fine done yes cheers
		regards best kind warm wishes sincerely yours mr mrs ms
		!`)) {
		m[w] = true
	}
	return m
}()

// solvedWords say that something worked out ("hat geklappt", "that
// worked"); contrastWords that something did not after all.
var (
	solvedWords   = wordSet("geklappt klappt funktioniert funktionierte erledigt gelöst geloest worked works fixed solved sorted resolved")
	contrastWords = wordSet("aber jedoch leider trotzdem allerdings nicht kein keine but however unfortunately still not no")
)

func wordSet(s string) map[string]bool {
	m := map[string]bool{}
	for _, w := range AppendTokens(nil, Fold(s)) {
		m[w] = true
	}
	return m
}

// Courtesy reports whether a sentence only greets, thanks, closes or
// acknowledges: at most one of its words (a name, say) is not a courtesy
// word, and at least one is; or it says that something worked out ("Danke,
// das mit dem Passwort hat geklappt!") with at most five other words, no
// question and no "but".
func Courtesy(sentence string) bool {
	other, polite := 0, 0
	solved, contrast := false, false
	question := strings.ContainsRune(sentence, '?')
	tp := getTokens()
	defer putTokens(tp)
	// The tokens chunk by chunk, so that a long sentence is decided as
	// soon as it has too many other words, without tokenizing the rest.
	for s := Fold(sentence); ; {
		chunk, at, rest, ok := nextChunk(s)
		if !ok {
			break
		}
		s = rest
		*tp = appendChunk((*tp)[:0], chunk, at)
		for _, t := range *tp {
			k := courtesyKinds.Value(t) // one lookup for the three word lists
			solved = solved || k&kindSolved != 0
			contrast = contrast || k&kindContrast != 0
			switch {
			case k&kindCourtesy != 0:
				polite++
			case t == "." || t == "," || t == ":" || t == "-" || t == "–" || t == "…":
			default:
				other++
			}
		}
		if other > 5 || other > 1 && (question || contrast) {
			return false // neither of the answers below can be true any more
		}
	}
	if solved && !contrast && !question && other <= 5 {
		return true
	}
	return polite > 0 && other <= 1
}

// Kinds of words in courtesyKinds.
const (
	kindCourtesy = 1 << iota // courtesyWords
	kindSolved               // solvedWords
	kindContrast             // contrastWords
)

// courtesyKinds says for each word of courtesyWords, solvedWords and
// contrastWords which of them it is in, so that Courtesy looks a token
// up once.
var courtesyKinds = NewWordTable(courtesyKindMap())

// courtesyKindMap returns the words of courtesyKinds and their kinds.
func courtesyKindMap() map[string]uint8 {
	m := map[string]uint8{}
	for kind, set := range map[uint8]map[string]bool{kindCourtesy: courtesyWords, kindSolved: solvedWords, kindContrast: contrastWords} {
		for w := range set {
			m[w] |= kind
		}
	}
	return m
}

// tokenSlices recycles the token slices of Detect, Identify, Courtesy and
// AsksSomething, which only read the tokens while they run.
var tokenSlices = sync.Pool{New: func() any { s := make([]string, 0, 128); return &s }}

func getTokens() *[]string { return tokenSlices.Get().(*[]string) }

// appendFoldedTokens returns the tokens of Fold(s) (see Tokenize) in
// *tp's memory, keeping it there for putTokens.
func appendFoldedTokens(tp *[]string, s string) []string {
	*tp = AppendTokens((*tp)[:0], Fold(s))
	return *tp
}

// putTokens returns *tp to the pool, without the strings it held.
func putTokens(tp *[]string) {
	clear(*tp)
	*tp = (*tp)[:0]
	tokenSlices.Put(tp)
}

// requestWords ask for something on their own, requestPairs as two words
// in a row (folded spelling).
var (
	requestWords = wordSet("bitte möchte möchten brauche brauchen benötige benötigen please")
	requestPairs = func() map[[2]string]bool {
		m := map[[2]string]bool{}
		for _, p := range []string{
			"können sie", "könnten sie", "würden sie", "kann ich", "wie kann", "wie lange", "wann kommt", "wann wird",
			"wo ist", "wo bleibt", "hätte gern", "hätte gerne", "ich will",
			"can you", "could you", "would you", "will you", "i need", "i want", "would like", "how do", "how can",
			"how long", "when will", "where is", "is it", "can i",
		} {
			w := AppendTokens(nil, Fold(p))
			m[[2]string{w[0], w[1]}] = true
		}
		return m
	}()
)

// AsksSomething reports whether text asks for anything: a question mark,
// or words of asking, wanting or needing ("bitte", "können Sie", "ich
// möchte", "please", "could you", "I need"). A reply that only reports
// ("The replacement plates arrived this morning.") asks nothing.
func AsksSomething(text string) bool {
	if strings.ContainsRune(text, '?') {
		return true
	}
	tp := getTokens()
	defer putTokens(tp)
	toks := appendFoldedTokens(tp, text)
	for i, t := range toks {
		if requestWords[t] || i > 0 && requestPairs[[2]string{toks[i-1], t}] {
			return true
		}
	}
	return false
}

// Quotes reports whether quoted (the quoted history of a reply) contains
// most of text (an answer we would send): at least half of text's
// sequences of four words, and at least eight of them, are in quoted,
// compared in folded spelling and whatever the line breaks and "> "
// markers.
func Quotes(quoted, text string) bool {
	q := Tokenize(Fold(quoted))
	t := Tokenize(Fold(text))
	const n = 4
	if len(q) < n || len(t) < n {
		return false
	}
	seen := make(map[[n]string]bool, len(q))
	var k [n]string
	for i := 0; i+n <= len(q); i++ {
		copy(k[:], q[i:i+n])
		seen[k] = true
	}
	found, all := 0, 0
	for i := 0; i+n <= len(t); i++ {
		copy(k[:], t[i:i+n])
		all++
		if seen[k] {
			found++
		}
	}
	return found >= 8 && 2*found >= all
}
