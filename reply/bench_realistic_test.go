package reply

import "testing"

// BenchmarkExtractRealistic runs Extract over realistic messages (the
// batch benchmark's mails when generated); ns/op is per message.
func BenchmarkExtractRealistic(b *testing.B) {
	x, err := NewExtractor(nil)
	if err != nil {
		b.Fatal(err)
	}
	in := benchInputs(b)
	b.ResetTimer()
	i := 0
	for b.Loop() {
		s := in[i%len(in)]
		x.Extract(s.From, s.Subject, s.body(), s.Lang, now)
		i++
	}
}

// BenchmarkRenderMarkedRealistic renders knowledge-base templates with
// the data Suggest fills in; ns/op is per draft.
func BenchmarkRenderMarkedRealistic(b *testing.B) {
	cases := renderCases(b, benchInputs(b))
	marks := map[string]func(string) string{"de": Marker("de"), "en": Marker("en")}
	b.ResetTimer()
	i := 0
	for b.Loop() {
		c := cases[i%len(cases)]
		if _, err := c.t.RenderMarked(c.d, marks[c.lang]); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// BenchmarkDecideRealistic runs the default policy over realistic
// inputs; ns/op is per message.
func BenchmarkDecideRealistic(b *testing.B) {
	p := DefaultPolicy()
	in := decideInputs(benchInputs(b))
	b.ResetTimer()
	i := 0
	for b.Loop() {
		p.Decide(in[i%len(in)])
		i++
	}
}
