package nlp_test

import (
	"testing"

	"github.com/antwort-dev/antwort/internal/cputime"
	"github.com/antwort-dev/antwort/internal/nlp"
	"github.com/antwort-dev/antwort/internal/testmail"
)

// BenchmarkMailPath runs what the batch does with nlp on each message
// text (Detect, Sentences and Courtesy on each sentence, Fold) over the
// generated test mails; ns/op is per mail, cpu-ns/op the process's CPU
// time per mail (garbage collection included, whatever else the machine
// runs excluded).
func BenchmarkMailPath(b *testing.B) {
	in := testmail.Generated(b)
	b.ResetTimer()
	i := 0
	cpu0 := cputime.Used(b)
	for b.Loop() {
		s := in[i%len(in)].Text
		lang := nlp.Detect(s)
		for _, sen := range nlp.Sentences(s, lang) {
			nlp.Courtesy(sen)
		}
		nlp.Fold(s)
		i++
	}
	b.ReportMetric(float64((cputime.Used(b)-cpu0).Nanoseconds())/float64(i), "cpu-ns/op")
}
