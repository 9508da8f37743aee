package sentiment

import (
	"strings"
	"unicode/utf8"

	"github.com/antwort-dev/antwort/classifier"
)

// AngryAt is the Anger score from which a text counts as angry: one clear
// cue (an insult, a legal step, "Frechheit", "I'm furious") reaches it.
const AngryAt = 0.5

// Anger is how angry or threatening a text reads, as opposed to how upset
// (Predict). A calm cancellation, refund request or defect report has no
// anger; insults, outrage, swearing, ultimatums, writing for the third
// time, legal steps and threats to go public have.
type Anger struct {
	// Score is in [0, 1): 0 without any cue, AngryAt at the border, and
	// closer to 1 the more cues were found. It is r/(1+r) for the sum r of
	// the cues' weights.
	Score float64 `json:"score"`
	// Angry is Score >= AngryAt: a person should answer, at once.
	Angry bool `json:"angry"`
	// Threat is true when the text names a legal step or an authority
	// ("Anwalt", "Verbraucherzentrale", "small claims"), negated or not, or
	// going public ("schlechte Bewertung", "bad review"). A threat is
	// always Angry.
	Threat bool `json:"threat,omitempty"`
	// Cues are what was found, strongest first, with their weights:
	// "legal:anwalt", "outrage:frechheit", "feeling:furious",
	// "insult:idioten", "swear:scheiße", "repeat:zum dritten mal",
	// "ultimatum:sonst", "ultimatum:kündige" (cancelling as the threat of
	// an ultimatum), "sarcasm:danke für nichts", "leave:nie wieder",
	// "public:schlechte bewertung", "shout:DONE" and "shout:all capitals",
	// "excl:!!!". Capitals and punctuation count at most 0.9 together:
	// they make a text angry only with a word.
	Cues []classifier.Contribution `json:"cues,omitempty"`
}

// Anger returns how angry or threatening text reads. Empty text has no
// anger. Texts longer than 1 GiB are read on their first GiB.
func (l *Lexicon) Anger(text string) Anger {
	_, a := l.Analyze(text)
	return a
}

// Analyze returns Predict(text) and Anger(text) from one pass over the
// text, for callers that need both.
func (l *Lexicon) Analyze(text string) (classifier.Prediction, Anger) {
	if strings.TrimSpace(text) == "" {
		p := predict(0)
		p.Abstain = true
		return p, Anger{}
	}
	text = clip(text)
	tb := getTokBuf()
	defer putTokBuf(tb)
	s := scorer{l: l, text: text}
	s.toks, s.folded = l.tokenizeIn(tb, text)
	s.ang.on = true
	s.run()
	return predict(s.total), s.anger()
}

// angerCat is the kind of an anger cue; it names the cue.
type angerCat uint8

const (
	catNone      angerCat = iota
	catFeeling            // wütend, furious
	catOutrage            // Frechheit, unacceptable, a joke
	catInsult             // Idioten, clowns
	catSwear              // Scheiße, wtf
	catRepeat             // zum dritten Mal, how many times
	catUltimatum          // sonst, letzte Chance, or else
	catSarcasm            // danke für nichts
	catLeave              // nie wieder, take my business elsewhere
	catLegal              // Anwalt, Verbraucherzentrale, small claims
	catPublic             // öffentlich machen, bad review
)

var catNames = [...]string{
	catNone: "", catFeeling: "feeling:", catOutrage: "outrage:", catInsult: "insult:",
	catSwear: "swear:", catRepeat: "repeat:", catUltimatum: "ultimatum:", catSarcasm: "sarcasm:",
	catLeave: "leave:", catLegal: "legal:", catPublic: "public:",
}

// threat reports whether cues of this kind set Anger.Threat.
func (c angerCat) threat() bool { return c == catLegal || c == catPublic }

// sticky reports whether cues of this kind hold under negation: a legal
// step mentioned at all is one ("ich möchte keinen Anwalt einschalten
// müssen").
func (c angerCat) sticky() bool { return c == catLegal }

// Anger weights that are not in the lists.
const (
	ultimatumWeight = 1.0 // cancelling after "sonst" or "wenn … nicht …,"
	shoutWeight     = 0.3 // a word in capitals
	shoutWords      = 2   // at most this many count
	allCapsWeight   = 0.3 // a text written in capitals throughout
	formCap         = 0.9 // capitals and punctuation together
	threatAt        = 1.0 // a legal or public cue this strong sets Threat
	angerModMax     = 1.6 // an intensifier scales an anger cue at most so much
	angerModMin     = 0.5 // and a downtoner at least so much
)

// angerState is the scorer's anger bookkeeping.
type angerState struct {
	on     bool
	words  float64 // term and ultimatum cues
	form   float64 // punctuation cues (capitals are added at the end)
	cues   []classifier.Contribution
	threat bool

	// The current sentence, for ultimatums.
	condOpen bool // a condition ("wenn") is open in this clause
	condNeg  bool // and it is negated
	condDone bool // the clause before this one was a negated condition
	els      bool // "sonst"/"otherwise" was seen in this sentence
	ult      bool // a cancellation followed one of them
	ultA     int  // its tokens
	ultB     int
	question bool // the sentence ends in "?"
}

func (a *angerState) add(w float64, cat angerCat, name string) {
	a.cues = append(a.cues, classifier.Contribution{Feature: catNames[cat] + name, Weight: w})
}

// endClause ends a clause. Only the clause right after a negated
// condition is its consequence: in "Falls das nicht geht, teilen Sie mir
// bitte mit, wie ich kündigen kann" cancelling is no threat.
func (a *angerState) endClause() {
	a.condDone = a.condOpen && a.condNeg
	a.condOpen, a.condNeg = false, false
}

// angerHit records the anger cue of a sentiment term and notes cancelling
// after an ultimatum's condition. Negation cancels a cue unless it is a
// legal step; an intensifier or downtoner scales it.
func (s *scorer) angerHit(h *hit) {
	e, a := h.e, &s.ang
	if e.els {
		a.els = true
	}
	if e.leave && !a.ult && !h.negated && !s.irrealis && (a.condDone || a.els) {
		a.ult, a.ultA, a.ultB = true, h.a, h.b
	}
	if e.ang == 0 || h.negated && !e.cat.sticky() {
		return
	}
	w := e.ang
	if !h.negated {
		w *= max(angerModMin, min(angerModMax, h.m))
	}
	h.angV, h.angIdx = w, len(a.cues)
	a.words += w
	a.add(w, e.cat, s.surface(h.a, h.b))
	if e.cat.threat() && w >= threatAt {
		a.threat = true
	}
}

// angerNegated withdraws the anger cue of a hit that a trailing German
// "nicht" negated after the fact.
func (s *scorer) angerNegated(h *hit) {
	if !s.ang.on || h.angV <= 0 || h.e.cat.sticky() {
		return
	}
	s.ang.words -= h.angV
	s.ang.cues[h.angIdx].Weight = 0
	h.angV = 0
}

// angerEmoji records an angry emoji ("😡").
func (s *scorer) angerEmoji(t *token) {
	emo := s.text[t.os:t.oe]
	r, _ := utf8.DecodeRuneInString(emo)
	if w := s.l.angryEmoji[r]; w > 0 {
		s.ang.words += w
		s.ang.add(w, catFeeling, emo)
	}
}

// angerPunct scores a run of "!" and "?" in a sentence that is not
// positive ("Danke!!!" is not angry).
func (s *scorer) angerPunct(t *token) {
	s.ang.question = t.nQ > 0
	if s.sentSum > 1e-12 {
		return
	}
	nEx, nQ := float64(t.nEx), float64(t.nQ)
	var w float64
	switch {
	case nQ == 0 && nEx >= 2: // "!!" 0.4, "!!!" 0.5, more 0.6
		w = min(0.2+0.1*nEx, 0.6)
	case nEx == 0 && nQ >= 2: // "??" 0.2, "???" 0.3
		w = min(0.1*nQ, 0.3)
	case nEx > 0 && nQ > 0: // "?!" 0.4, "?!?!" 0.6
		w = 0.4
		if nEx+nQ >= 3 {
			w = 0.6
		}
	}
	if w > 0 {
		s.ang.form += w
		s.ang.add(w, catNone, "excl:"+s.text[t.os:t.oe])
	}
}

// angerEndSentence turns a noted cancellation into an ultimatum unless the
// sentence was a question ("Wenn das nicht klappt, kann ich dann
// kündigen?"), and starts the next sentence.
func (s *scorer) angerEndSentence() {
	a := &s.ang
	if a.ult && !a.question {
		a.words += ultimatumWeight
		a.add(ultimatumWeight, catUltimatum, s.surface(a.ultA, a.ultB))
	}
	a.condOpen, a.condNeg, a.condDone, a.els, a.ult, a.question = false, false, false, false, false, false
}

// anger adds the capitals and returns the result.
func (s *scorer) anger() Anger {
	a := &s.ang
	long, caps := 0, 0
	var shouted [shoutWords]int // token indexes of the first words in capitals
	for i := range s.toks {
		t := &s.toks[i]
		if t.kind != tkWord {
			continue
		}
		if t.fe-t.fs >= minCapsLetters {
			long++
		}
		if t.shout {
			if caps < shoutWords {
				shouted[caps] = i
			}
			caps++
		}
	}
	// Written in capitals throughout: a habit, not shouting at each word.
	if long >= 5 && caps*10 >= long*6 {
		a.form += allCapsWeight
		a.add(allCapsWeight, catNone, "shout:all capitals")
	} else {
		for _, i := range shouted[:min(caps, shoutWords)] {
			a.form += shoutWeight
			a.add(shoutWeight, catNone, "shout:"+s.text[s.toks[i].os:s.toks[i].oe])
		}
	}
	if a.form > formCap { // scale the form cues down to the cap
		f := formCap / a.form
		for k := range a.cues {
			if c := &a.cues[k]; strings.HasPrefix(c.Feature, "excl:") || strings.HasPrefix(c.Feature, "shout:") {
				c.Weight *= f
			}
		}
		a.form = formCap
	}
	r := max(0, a.words) + a.form
	out := Anger{Score: r / (1 + r), Threat: a.threat}
	out.Angry = out.Score >= AngryAt || a.threat
	out.Cues = merge(a.cues)
	return out
}
