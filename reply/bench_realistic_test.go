package reply

import (
	"testing"

	"github.com/antwort-dev/antwort/internal/testmail"
)

// BenchmarkRenderMarkedRealistic renders knowledge-base templates with
// the data Suggest fills in; ns/op is per draft.
func BenchmarkRenderMarkedRealistic(b *testing.B) {
	cases := renderCases(b, testmail.Generated(b))
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
	in := decideInputs(testmail.Generated(b))
	b.ResetTimer()
	i := 0
	for b.Loop() {
		p.Decide(in[i%len(in)])
		i++
	}
}
