package sentiment_test

import (
	"testing"

	"github.com/antwort-dev/antwort/internal/cputime"
	"github.com/antwort-dev/antwort/internal/testmail"
	"github.com/antwort-dev/antwort/sentiment"
)

// BenchmarkAnalyzeMails runs Analyze over the generated test mails
// (subject and text, as Suggest passes them); ns/op is per mail, cpu-ns/op
// the process's CPU time per mail (garbage collection included, whatever
// else the machine runs excluded).
func BenchmarkAnalyzeMails(b *testing.B) {
	lex := sentiment.New()
	var in []string
	for _, m := range testmail.Generated(b) {
		in = append(in, m.Full())
	}
	lex.Analyze(in[0]) // the lexicon is built on first use
	i := 0
	cpu0 := cputime.Used(b)
	for b.Loop() {
		lex.Analyze(in[i%len(in)])
		i++
	}
	b.ReportMetric(float64((cputime.Used(b)-cpu0).Nanoseconds())/float64(i), "cpu-ns/op")
}

// BenchmarkAnalyzeBatchMails is BenchmarkAnalyzeMails over the batch
// benchmark's mails (bench/out/batch, up to testmail.MaxBench of them); it
// is skipped when they are absent.
func BenchmarkAnalyzeBatchMails(b *testing.B) {
	lex := sentiment.New()
	var in []string
	_, bench := testmail.Load(b, "..")
	for _, m := range bench {
		in = append(in, m.Full())
	}
	if len(in) == 0 {
		b.Skip("no batch benchmark mails in ../" + testmail.BenchMailDir)
	}
	lex.Analyze(in[0])
	i := 0
	cpu0 := cputime.Used(b)
	for b.Loop() {
		lex.Analyze(in[i%len(in)])
		i++
	}
	b.ReportMetric(float64((cputime.Used(b)-cpu0).Nanoseconds())/float64(i), "cpu-ns/op")
}
