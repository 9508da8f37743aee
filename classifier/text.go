package classifier

import (
	"strings"

	"github.com/antwort-dev/antwort/internal/nlp"
)

// Text is a text prepared for prediction: folded (see nlp.Fold), split
// into tokens, and its language detected. Preparing does not depend on
// the model and is a sizeable share of a prediction, so a caller that
// runs several models over one text prepares it once and passes it to
// each model's PredictText.
//
// The zero Text is the empty text. Reset must not run concurrently with
// anything else on the same Text; a prepared Text may be read by any
// number of goroutines at once.
type Text struct {
	toks []string // share memory with the folded text
	hw   []uint64 // per token its word feature hash
	lang string
}

// PrepareText returns s prepared for prediction.
func PrepareText(s string) *Text {
	t := new(Text)
	t.Reset(s)
	return t
}

// Reset prepares s, reusing t's memory.
func (t *Text) Reset(s string) {
	var b strings.Builder
	b.Grow(len(s) + len(s)/8)
	nlp.FoldAppend(&b, s)
	t.toks = nlp.AppendTokens(t.toks[:0], b.String())
	t.hw = t.hw[:0]
	for _, tok := range t.toks {
		t.hw = append(t.hw, hashBytes(nsWord, tok))
	}
	t.lang = nlp.DetectTokens(t.toks, nlp.CountUmlauts(s))
}

// Lang returns the language of the text as nlp.Detect would: "de", "en",
// or "und" when undetermined.
func (t *Text) Lang() string {
	if t.lang == "" {
		return nlp.Undetermined
	}
	return t.lang
}
