package reply

import (
	"testing"
	"time"

	"github.com/antwort-dev/antwort/internal/cputime"
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

// BenchmarkDecideRecentRealistic is what Suggest asks of package reply
// per message besides the draft: the sender's recent answers and the
// decision, over realistic inputs; ns/op is per message.
func BenchmarkDecideRecentRealistic(b *testing.B) {
	p := DefaultPolicy()
	in := decideInputs(testmail.Generated(b))
	l := NewLimiter(time.Hour)
	ctx := b.Context()
	now := time.Now()
	for i := range in {
		if i%3 == 0 {
			if _, err := l.Take(ctx, SenderKey(in[i].From), now, 3); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportAllocs()
	cpu0 := cputime.Used(b)
	i := 0
	for b.Loop() {
		x := in[i%len(in)]
		n, err := RecentAnswers(ctx, l, x.From, now)
		if err != nil {
			b.Fatal(err)
		}
		x.Recent = n
		p.Decide(x)
		i++
	}
	b.StopTimer()
	// The machine may be shared: CPU time per message (of the whole
	// process, garbage collector included) says more than the wall time.
	b.ReportMetric(float64((cputime.Used(b)-cpu0).Nanoseconds())/float64(i), "cpu-ns/op")
}
