package nlp_test

import (
	"testing"

	"github.com/antwort-dev/antwort/internal/nlp"
	"github.com/antwort-dev/antwort/internal/testmail"
)

// BenchmarkMailPath runs what the batch does with nlp on each message
// text (Detect, Sentences and Courtesy on each sentence, Fold) over the
// generated test mails; ns/op is per mail.
func BenchmarkMailPath(b *testing.B) {
	in := testmail.Generated(b)
	b.ResetTimer()
	i := 0
	for b.Loop() {
		s := in[i%len(in)].Text
		lang := nlp.Detect(s)
		for _, sen := range nlp.Sentences(s, lang) {
			nlp.Courtesy(sen)
		}
		nlp.Fold(s)
		i++
	}
}
