package sentiment

import (
	"cmp"
	"math"
	"slices"
	"strings"

	"github.com/antwort-dev/antwort/classifier"
)

// The three labels Predict returns.
const (
	Positive = "positive"
	Neutral  = "neutral"
	Negative = "negative"
)

// Scoring constants. They are documented in doc.go.
const (
	negPosFactor   = 0.9  // "nicht gut": a negated positive flips, slightly damped
	negNegFactor   = 0.4  // "not bad": a negated negative flips to a weak positive
	negWindow      = 3    // words a negator reaches forward (and back, for retro)
	modWindow      = 2    // words an intensifier or downtoner reaches forward
	negatedIntens  = 0.75 // "nicht sehr gut" is milder than "nicht gut"
	negatedDown    = 1.2  // "not a bit happy" is stronger than "not happy"
	emphasisFactor = 1.5  // "noch nie so enttäuscht"
	irrealisFactor = 0.3  // positive terms in requests and conditions
	questionFactor = 0.3  // positive terms in a question
	contrastBefore = 0.6  // terms before "aber"/"but" in the same sentence
	contrastFactor = 1.25 // terms after "aber"/"but"
	capsFactor     = 1.5  // a sentiment word written in capitals
	minCapsLetters = 4    // shorter capitalised words are ignored (DHL, PDF)
	postWindow     = 1    // words allowed between a term and "at all"
	waitWindow     = 4    // words from "seit"/"waiting" to a duration

	// Probability mapping: logits k·s, k·margin, −k·s (positive, neutral,
	// negative) through a softmax. Neutral wins while |s| < margin.
	neutralMargin = 0.7
	sharpness     = 1.8
	maxScore      = 40 // scores are clamped here before exp

	maxText = 1 << 30 // longer texts are scored on their first GiB

	stemKey = 4 // bytes of a stem or head used as its index key
	minHead = 5 // shortest compound head
)

type kind uint8

// waitKind tells wait terms ("warte", "waiting") from since terms ("seit").
type waitKind uint8

const (
	waitNone  waitKind = iota
	waitSince          // a duration after it counts half
	waitVerb           // a duration next to it counts in full
)

const (
	kindSentiment kind = iota
	kindNegator
	kindModifier
	kindPostModifier
	kindContrast
	kindIrrealis
	kindPolite
)

// entry is one compiled lexicon term.
type entry struct {
	kind     kind
	w        float64 // sentiment weight, modifier multiplier or negator strength
	neg      float64 // weight when negated, if hasNeg
	hasNeg   bool
	retro    bool // negator may negate the preceding predicate
	never    bool // negator is "nie"/"never"
	emphasis bool // modifier turns a preceding "never" into emphasis

	wait waitKind // someone waits ("warte") or a state is dated back ("seit")
	dur  float64  // a duration's weight in a complaint about waiting

	// Anger (anger.go).
	ang     float64  // anger weight, 0 for none
	cat     angerCat // kind of anger cue
	leave   bool     // cancelling or leaving: the threat of an ultimatum
	els     bool     // "sonst", "otherwise": a consequence follows
	cond    bool     // irrealis term that opens a condition ("wenn", "if")
	condNeg bool     // a condition that is negated by itself ("unless")
}

// negated is the weight of a sentiment entry in the scope of a negation.
func (e *entry) negated() float64 {
	switch {
	case e.hasNeg:
		return e.neg
	case e.w > 0:
		return -negPosFactor * e.w
	default:
		return -negNegFactor * e.w
	}
}

type wordInfo struct {
	e       *entry
	phrases []phrase // multi-word terms starting with this word, longest first
}

type phrase struct {
	rest []string // folded words after the first
	e    *entry
}

type affix struct {
	s string
	e *entry
}

// Lexicon scores German and English text as positive, neutral or negative
// with a hand-written word list and a few rules (negation, intensifiers,
// punctuation, capitals, emoji). It is immutable after New and safe for
// concurrent use.
type Lexicon struct {
	words       map[string]*wordInfo
	stems       map[string][]affix // by first stemKey bytes, longest first
	heads       map[string][]affix // compound heads by last stemKey bytes
	emoticons   map[string]float64
	maxEmoticon int
	emoji       map[rune]float64
	angryEmoji  map[rune]float64 // anger cues among the emoji
	acronyms    map[string]bool
	shout       map[string]bool // short words that are shouting in capitals
	nt          *entry          // English "...n't"

	// The keys of words, stems, heads and phrase starts (see lookupNorm).
	keys keySet
}

// Score returns the raw signed score of text: the sum of the weights of all
// cues Explain reports. Negative values mean negative sentiment; about
// ±0.7 is the border of neutral. Texts longer than 1 GiB are scored on
// their first GiB.
func (l *Lexicon) Score(text string) float64 {
	text = clip(text)
	tb := getTokBuf()
	defer putTokBuf(tb)
	s := scorer{l: l, text: text}
	s.toks, s.folded = l.tokenizeIn(tb, text)
	s.run()
	return s.total
}

// Explain returns the cues that moved the score of text, strongest first.
// Feature names are "w:<term>" for a lexicon term, "neg:<negator> <term>"
// (or "neg:<term> <negator>" for a trailing German negation) for a negated
// term, "int:"/"down:" for the share of an intensifier or downtoner,
// "caps:<WORD>" for the share of capitals, "excl:"/"ques:" for runs of
// "!" and "?", "emo:" for emoticons and emoji, and "wait:" for a
// complaint about waiting ("wait:seit drei wochen"). Equal features are
// merged. The weights add up to Score(text). It returns nil when no cue
// was found.
func (l *Lexicon) Explain(text string) []classifier.Contribution {
	_, out := l.scoreExplain(text)
	return out
}

// PredictExplain returns Predict(text) and Explain(text), scoring text
// once.
func (l *Lexicon) PredictExplain(text string) (classifier.Prediction, []classifier.Contribution) {
	score, out := l.scoreExplain(text)
	if strings.TrimSpace(text) == "" {
		p := predict(0)
		p.Abstain = true
		return p, out
	}
	return predict(score), out
}

// scoreExplain returns Score(text) and Explain(text).
func (l *Lexicon) scoreExplain(text string) (float64, []classifier.Contribution) {
	text = clip(text)
	s := scorer{l: l, text: text, explain: true}
	s.toks, s.folded = l.tokenize(text)
	s.run()
	return s.total, merge(s.out)
}

// merge adds up contributions with equal features, drops those that come
// to 0 and sorts the rest strongest first (stable, so equal weights keep
// their text order). It returns nil when none is left.
func merge(cs []classifier.Contribution) []classifier.Contribution {
	idx := make(map[string]int, len(cs))
	var out []classifier.Contribution
	for _, c := range cs {
		if c.Weight == 0 {
			continue
		}
		if i, ok := idx[c.Feature]; ok {
			out[i].Weight += c.Weight
			continue
		}
		idx[c.Feature] = len(out)
		out = append(out, c)
	}
	out = slices.DeleteFunc(out, func(c classifier.Contribution) bool { return math.Abs(c.Weight) < 1e-12 })
	slices.SortStableFunc(out, func(a, b classifier.Contribution) int {
		return cmp.Compare(math.Abs(b.Weight), math.Abs(a.Weight))
	})
	if len(out) == 0 {
		return nil
	}
	return out
}

// Predict labels text "positive", "neutral" or "negative". Confidence is
// the softmax probability of the label; Alternatives hold the other two
// labels, most probable first, and the three probabilities sum to 1.
// Empty or whitespace-only text gives Abstain true and Label "neutral".
func (l *Lexicon) Predict(text string) classifier.Prediction {
	if strings.TrimSpace(text) == "" {
		p := predict(0)
		p.Abstain = true
		return p
	}
	return predict(l.Score(text))
}

// clip cuts text to maxText bytes, so that token offsets fit in int32.
func clip(text string) string {
	if len(text) > maxText {
		return text[:maxText]
	}
	return text
}

// predict maps a score to a Prediction.
func predict(s float64) classifier.Prediction {
	if math.IsNaN(s) {
		s = 0
	}
	s = max(-maxScore, min(maxScore, s))
	z := [3]float64{sharpness * neutralMargin, -sharpness * s, sharpness * s}
	m := max(z[0], z[1], z[2])
	var sum float64
	for i := range z {
		z[i] = math.Exp(z[i] - m)
		sum += z[i]
	}
	// Order matters for ties: neutral, then negative, then positive.
	all := []classifier.Scored{
		{Label: Neutral, Confidence: z[0] / sum},
		{Label: Negative, Confidence: z[1] / sum},
		{Label: Positive, Confidence: z[2] / sum},
	}
	slices.SortStableFunc(all, func(a, b classifier.Scored) int {
		return cmp.Compare(b.Confidence, a.Confidence)
	})
	return classifier.Prediction{
		Label:        all[0].Label,
		Confidence:   all[0].Confidence,
		Alternatives: all[1:],
	}
}

// ---------------------------------------------------------------------------
// Lookup

// lookup finds the lexicon entry at toks[i] and the number of tokens it
// spans. Order: phrase, exact word, "n't", stem, compound head; an
// elongated word ("suuuper") is retried with its repeats collapsed.
func (l *Lexicon) lookup(toks []token, folded string, i int) (*entry, int) {
	norm := toks[i].norm(folded)
	if e, n := l.lookupNorm(toks, folded, i, norm); e != nil {
		return e, n
	}
	if toks[i].elongate {
		for _, keep := range []int{2, 1} {
			if e, n := l.lookupNorm(toks, folded, i, collapse(norm, keep)); e != nil {
				return e, n
			}
		}
	}
	return nil, 1
}

// lookupNorm is lookup for the word at toks[i] spelled norm. The key set
// (keys) holds every key of the maps and every pair of the first two
// words of a phrase, so a key it does not have is in no map and
// a pair it does not have starts no phrase: the maps and phrases are only
// read when they may hold the word, and the answer is theirs.
func (l *Lexicon) lookupNorm(toks []token, folded string, i int, norm string) (*entry, int) {
	if l.keys.has(wordKey(norm)) {
		if wi := l.words[norm]; wi != nil {
			if len(wi.phrases) > 0 && i+1 < len(toks) && toks[i+1].kind == tkWord &&
				l.keys.has(pairKey(norm, toks[i+1].norm(folded))) {
				for _, p := range wi.phrases {
					if matchRest(toks, folded, i+1, p.rest) {
						return p.e, 1 + len(p.rest)
					}
				}
			}
			if wi.e != nil {
				return wi.e, 1
			}
		}
	}
	if strings.HasSuffix(norm, "n't") {
		return l.nt, 1
	}
	if len(norm) < stemKey {
		return nil, 1
	}
	if l.keys.has(affixKey(norm, tagStem)) {
		for _, a := range l.stems[norm[:stemKey]] {
			if strings.HasPrefix(norm, a.s) {
				return a.e, 1
			}
		}
	}
	if len(norm) >= minHead+3 && l.keys.has(affixKey(norm[len(norm)-stemKey:], tagHead)) {
		for _, a := range l.heads[norm[len(norm)-stemKey:]] {
			if len(norm) >= len(a.s)+3 && strings.HasSuffix(norm, a.s) {
				return a.e, 1
			}
		}
	}
	return nil, 1
}

func matchRest(toks []token, folded string, i int, rest []string) bool {
	if i+len(rest) > len(toks) {
		return false
	}
	for k, want := range rest {
		if t := &toks[i+k]; t.kind != tkWord || t.norm(folded) != want {
			return false
		}
	}
	return true
}

// collapse shortens runs of three or more equal bytes to keep bytes.
func collapse(s string, keep int) string {
	b := make([]byte, 0, len(s))
	run := 0
	for i := 0; i < len(s); i++ {
		if i > 0 && s[i] == s[i-1] {
			run++
		} else {
			run = 1
		}
		if run <= keep {
			b = append(b, s[i])
		}
	}
	return string(b)
}

// ---------------------------------------------------------------------------
// Scorer

// hit is one sentiment term found in the text, kept so that a later
// German "nicht" can still negate it.
type hit struct {
	valid      bool
	id         int
	a, b       int // token range of the term
	pos        int // word position
	e          *entry
	negated    bool
	retro      bool    // negated by a negator after it
	negA, negB int     // token range of the negator
	negMul     float64 // negator strength times intensifiers before it
	intA, intB int     // token range of the modifiers, if m != 1
	m, c       float64 // modifier and capitals multipliers
	ctx        float64 // contrast multiplier
	irr        bool    // in a request or condition
	out        int     // index of the first of its three contributions
	seg        int     // segment (sentence part between contrast words)
	vals       [3]float64
	angV       float64 // its anger cue, if > 0
	angIdx     int     // index of that cue in the anger state
}

// compute returns the primary weight and the shares of modifiers and
// capitals.
func (h *hit) compute() [3]float64 {
	p := h.e.w
	if h.negated {
		p = h.e.negated() * h.negMul
	}
	if h.irr && p > 0 {
		p *= irrealisFactor
	}
	p *= h.ctx
	return [3]float64{p, p * (h.m - 1), p * h.m * (h.c - 1)}
}

type negation struct {
	active        bool
	a, b          int
	left, pos     int
	strength, pre float64
	retro, never  bool
}

type scorer struct {
	l       *Lexicon
	text    string
	toks    []token
	folded  string // the folded words of toks
	explain bool
	out     []classifier.Contribution

	total, sentSum, sentPos float64
	segSum, segPos          float64 // since the last contrast word
	sentStart, segStart     int
	seg                     int // segment counter
	pos                     int

	mult         float64 // pending modifier product
	multLeft     int
	multA, multB int

	neg      negation
	irrealis bool
	contrast float64
	ang      angerState // only used when ang.on
	nextID   int
	wait     waitState
	last     hit // last sentiment term in the clause
	elig     hit // last term a trailing "nicht" may negate
}

func (s *scorer) run() {
	s.contrast = 1
	for i := 0; i < len(s.toks); {
		t := &s.toks[i]
		switch t.kind {
		case tkWord:
			e, n := s.l.lookup(s.toks, s.folded, i)
			s.word(e, i, i+n)
			i += n
			continue
		case tkEmo:
			s.add(t.w, "emo:", s.text[t.os:t.oe])
			if s.ang.on {
				s.angerEmoji(t)
			}
		case tkPunct:
			s.punct(t)
		case tkClause:
			s.endClause()
		case tkSent:
			s.endSentence()
		}
		i++
	}
	s.endSentence()
}

// add records one contribution. The feature name is only built when
// explaining.
func (s *scorer) add(w float64, prefix, name string) {
	s.addValue(w)
	if s.explain {
		s.out = append(s.out, classifier.Contribution{Feature: prefix + name, Weight: w})
	}
}

// addValue counts w without recording a contribution.
func (s *scorer) addValue(w float64) {
	s.total += w
	s.sentSum += w
	s.segSum += w
	if w > 0 {
		s.sentPos += w
		s.segPos += w
	}
}

func (s *scorer) sub(w float64) {
	s.total -= w
	s.sentSum -= w
	s.segSum -= w
	if w > 0 {
		s.sentPos -= w
		s.segPos -= w
	}
}

func (s *scorer) word(e *entry, a, b int) {
	if e == nil {
		s.plain()
		return
	}
	switch e.kind {
	case kindSentiment:
		s.hit(e, a, b)
	case kindNegator:
		s.negator(e, a, b)
	case kindModifier:
		s.modifier(e, a, b)
	case kindPostModifier:
		s.postModifier(e, a, b)
	case kindContrast:
		s.endNeg()
		s.clearMult()
		s.damp(contrastBefore)
		s.contrast = contrastFactor
		s.pos++
	case kindIrrealis:
		s.irrealis = true
		if e.cond {
			s.ang.condOpen = true
			s.ang.condNeg = s.ang.condNeg || e.condNeg
		}
		s.plain()
	default:
		s.plain()
	}
}

// plain advances past a word without sentiment, closing scopes that end.
func (s *scorer) plain() {
	s.pos++
	if s.neg.active {
		s.neg.left--
		if s.neg.left <= 0 {
			s.endNeg()
		}
	}
	if s.multLeft > 0 {
		s.multLeft--
		if s.multLeft == 0 {
			s.clearMult()
		}
	}
}

func (s *scorer) clearMult() { s.mult, s.multLeft = 1, 0 }

func (s *scorer) modifier(e *entry, a, b int) {
	m := e.w
	if s.neg.active && s.neg.never && e.emphasis {
		s.neg.active = false // "nie so ...": emphasis, not negation
		m = emphasisFactor
	}
	if s.multLeft == 0 {
		s.mult, s.multA = 1, a
	}
	s.mult = max(0.25, min(3, s.mult*m))
	s.multB, s.multLeft = b, modWindow
	s.pos++
}

func (s *scorer) negator(e *entry, a, b int) {
	s.endNeg()
	pre := 1.0
	if s.multLeft > 0 {
		pre = s.mult
		s.clearMult()
	}
	s.neg = negation{active: true, a: a, b: b, left: negWindow, pos: s.pos,
		strength: e.w, pre: pre, retro: e.retro, never: e.never}
	if s.ang.condOpen {
		s.ang.condNeg = true
	}
	s.pos++
}

func (s *scorer) hit(e *entry, a, b int) {
	h := hit{valid: true, id: s.nextID, a: a, b: b, pos: s.pos, e: e,
		m: 1, c: 1, ctx: s.contrast, irr: s.irrealis, seg: s.seg}
	s.nextID++
	pending := s.multLeft > 0
	if s.neg.active && (e.w != 0 || e.hasNeg || e.ang != 0) {
		h.negated = true
		h.negA, h.negB = s.neg.a, s.neg.b
		h.negMul = s.neg.strength * s.neg.pre
		if pending {
			if s.mult > 1 {
				h.m = negatedIntens
			} else if s.mult < 1 {
				h.m = negatedDown
			}
		}
		s.neg.active = false
	} else if pending {
		h.m = s.mult
	}
	if pending {
		h.intA, h.intB = s.multA, s.multB
	}
	h.c = s.capsOf(&h)
	s.clearMult()
	s.pos++
	h.vals = h.compute()
	h.out = len(s.out)
	s.add(h.vals[0], "", s.primaryName(&h))
	s.add(h.vals[1], "", s.modName(&h))
	s.add(h.vals[2], "", s.capsName(&h))
	if s.ang.on {
		s.angerHit(&h)
	}
	s.waited(e, a, b, h.pos)
	s.last = h
	if !h.negated && e.w >= 0 && (e.w > 0 || e.hasNeg) {
		s.elig = h
	}
}

// capsOf is the capitals multiplier of a hit: capsFactor when the term,
// its negator ("NICHT gut") or its intensifier ("SEHR enttäuscht") is
// shouted.
func (s *scorer) capsOf(h *hit) float64 {
	if s.anyCaps(h.a, h.b) || h.negated && s.anyCaps(h.negA, h.negB) || h.m != 1 && s.anyCaps(h.intA, h.intB) {
		return capsFactor
	}
	return 1
}

func (s *scorer) anyCaps(a, b int) bool {
	for k := a; k < b; k++ {
		if s.toks[k].caps {
			return true
		}
	}
	return false
}

// endNeg closes an open negation. A German "nicht" that found nothing to
// negate after it negates the predicate just before it instead:
// "Das gefällt mir nicht", "Es funktioniert leider nicht".
func (s *scorer) endNeg() {
	if !s.neg.active {
		return
	}
	n := s.neg
	s.neg.active = false
	h := &s.elig
	if !n.retro || !h.valid || h.negated || n.pos-h.pos-1 > negWindow {
		return
	}
	old := h.vals
	h.negated, h.retro = true, true
	h.negA, h.negB = n.a, n.b
	h.negMul = n.strength * n.pre
	h.c = s.capsOf(h)
	h.vals = h.compute()
	for k := range h.vals {
		s.sub(old[k])
		s.addValue(h.vals[k])
	}
	if s.explain {
		s.out[h.out].Feature = s.primaryName(h)
		s.out[h.out+1].Feature = s.modName(h)
		s.out[h.out+2].Feature = s.capsName(h)
		for k := range h.vals {
			s.out[h.out+k].Weight = h.vals[k]
		}
	}
	s.angerNegated(h)
	if s.last.id == h.id {
		s.last = *h
	}
}

func (s *scorer) postModifier(e *entry, a, b int) {
	h := &s.last
	if h.valid && s.pos-h.pos-1 <= postWindow {
		v := (h.vals[0] + h.vals[1] + h.vals[2]) * (e.w - 1)
		name := ""
		if s.explain {
			name = "int:" + s.surface(h.a, h.b) + " " + s.surface(a, b)
		}
		s.add(v, "", name)
		s.last.valid, s.elig.valid = false, false
	}
	s.pos++
}

func (s *scorer) punct(t *token) {
	s.endNeg()
	if s.ang.on {
		s.angerPunct(t)
	}
	if t.nQ > 0 && s.sentPos > 0 {
		d := s.sentPos * (1 - questionFactor)
		s.total -= d
		s.sentSum -= d
		s.sentPos *= questionFactor
		if s.explain {
			for k := s.sentStart; k < len(s.out); k++ {
				if s.out[k].Weight > 0 {
					s.out[k].Weight *= questionFactor
				}
			}
		}
	}
	var w float64
	prefix := "excl:"
	switch {
	case t.nQ == 0:
		sign := sgn(s.sentSum)
		if t.nEx == 1 {
			w = 0.2 * sign
			break
		}
		mag := min(0.2*float64(t.nEx), 0.8)
		if sign == 0 {
			sign = sgn(s.total)
		}
		if sign == 0 { // bare "!!!" in customer mail leans angry
			sign, mag = -1, mag/2
		}
		w = sign * mag
	case t.nEx == 0:
		prefix = "ques:"
		if t.nQ >= 2 {
			w = -min(0.25*float64(t.nQ-1), 0.75)
		}
	default: // "?!", "!?!"
		w = -0.5
		if int(t.nEx)+int(t.nQ) >= 3 {
			w = -0.8
		}
	}
	if w != 0 {
		s.add(w, prefix, s.text[t.os:t.oe])
	}
	s.endSentence()
}

// damp multiplies every contribution since the sentence start or the
// previous contrast word by f, keeping the pending hits consistent for a
// later trailing negation. Each contribution is damped at most once, so
// this stays linear in the length of the text.
func (s *scorer) damp(f float64) {
	d := s.segSum * (1 - f)
	s.total -= d
	s.sentSum -= d
	s.sentPos -= s.segPos * (1 - f)
	if s.explain {
		for k := s.segStart; k < len(s.out); k++ {
			s.out[k].Weight *= f
		}
	}
	for _, h := range [...]*hit{&s.last, &s.elig} {
		if h.valid && h.seg == s.seg {
			h.ctx *= f
			for k := range h.vals {
				h.vals[k] *= f
			}
		}
	}
	s.newSegment()
}

func (s *scorer) newSegment() {
	s.seg++
	s.segStart = len(s.out)
	s.segSum, s.segPos = 0, 0
}

func (s *scorer) endClause() {
	s.endNeg()
	s.ang.endClause()
	s.irrealis = false
	s.clearMult()
	s.last.valid, s.elig.valid = false, false
}

// waitState follows a complaint about waiting through a sentence.
type waitState struct {
	kind    waitKind // the last wait or since term, if any
	pos     int      // its word position
	a       int      // its first token
	rest    float64  // the half of a duration after "seit" still open
	restPos int      // that duration's word position
	restA   int      // the first token of "seit"
}

// waited scores a duration near a wait term: in full after "warte",
// "waiting"; half after "seit", "since", and the other half when a wait
// term follows ("seit drei Wochen warte ich").
func (s *scorer) waited(e *entry, a, b, pos int) {
	w := &s.wait
	if e.wait != waitNone {
		if e.wait == waitVerb && w.rest != 0 && pos-w.restPos <= waitWindow {
			s.add(w.rest, "", s.waitName(w.restA, b))
			w.rest = 0
		}
		w.kind, w.pos, w.a = e.wait, pos, a
	}
	if e.dur != 0 && w.kind != waitNone && pos-w.pos <= waitWindow {
		v := e.dur
		if w.kind == waitSince {
			v /= 2
			w.rest, w.restPos, w.restA = v, pos, w.a
		}
		s.add(v, "", s.waitName(w.a, b))
		w.kind = waitNone
	}
}

func (s *scorer) waitName(a, b int) string {
	if !s.explain {
		return ""
	}
	return "wait:" + s.surface(a, b)
}

func (s *scorer) endSentence() {
	s.endClause()
	s.wait = waitState{}
	if s.ang.on {
		s.angerEndSentence()
	}
	s.contrast = 1
	s.sentSum, s.sentPos = 0, 0
	s.sentStart = len(s.out)
	s.newSegment()
}

func sgn(x float64) float64 {
	switch {
	case x > 1e-12:
		return 1
	case x < -1e-12:
		return -1
	}
	return 0
}

// ---------------------------------------------------------------------------
// Feature names (only built by Explain)

// surface is the lower-cased original text of tokens [a, b) with
// whitespace collapsed.
func (s *scorer) surface(a, b int) string {
	return strings.ToLower(strings.Join(strings.Fields(s.text[s.toks[a].os:s.toks[b-1].oe]), " "))
}

func (s *scorer) primaryName(h *hit) string {
	if !s.explain {
		return ""
	}
	switch {
	case !h.negated:
		return "w:" + s.surface(h.a, h.b)
	case h.retro:
		return "neg:" + s.surface(h.a, h.b) + " " + s.surface(h.negA, h.negB)
	default:
		return "neg:" + s.surface(h.negA, h.negB) + " " + s.surface(h.a, h.b)
	}
}

func (s *scorer) modName(h *hit) string {
	if !s.explain || h.m == 1 {
		return ""
	}
	prefix := "int:"
	if h.m < 1 {
		prefix = "down:"
	}
	return prefix + s.surface(h.intA, h.intB) + " " + s.surface(h.a, h.b)
}

func (s *scorer) capsName(h *hit) string {
	if !s.explain || h.c == 1 {
		return ""
	}
	var parts []string
	collect := func(a, b int) {
		for k := a; k < b; k++ {
			if t := &s.toks[k]; t.caps {
				parts = append(parts, s.text[t.os:t.oe])
			}
		}
	}
	if h.negated && !h.retro {
		collect(h.negA, h.negB)
	}
	if h.m != 1 {
		collect(h.intA, h.intB)
	}
	collect(h.a, h.b)
	if h.negated && h.retro {
		collect(h.negA, h.negB)
	}
	return "caps:" + strings.Join(parts, " ")
}
