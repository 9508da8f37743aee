package kb

import (
	"context"
	"fmt"
	"os"
	"testing"
)

func TestSweep(t *testing.T) {
	if os.Getenv("KB_SWEEP") == "" {
		t.Skip()
	}
	k, test := openBitext(t)
	base := defaultParams()
	type v struct {
		name string
		f    func(*params)
	}
	var vs []v
	add := func(name string, f func(*params)) { vs = append(vs, v{name, f}) }
	add("default", func(p *params) {})
	for _, a := range []float64{0.6, 0.7, 0.9} {
		add(fmt.Sprintf("profShare=%.1f", a), func(p *params) { p.profShare = a })
	}
	for _, a := range []float64{0.3, 0.7} {
		add(fmt.Sprintf("profWordShare=%.1f", a), func(p *params) { p.profWordShare = a })
	}
	for _, a := range []float64{0, 0.1, 0.5} {
		add(fmt.Sprintf("bodyWeight=%.1f", a), func(p *params) { p.bodyWeight = a })
	}
	for _, a := range []float64{0.5, 0.9} {
		add(fmt.Sprintf("wordShare=%.1f", a), func(p *params) { p.wordShare = a })
	}
	for _, x := range vs {
		p := base
		x.f(&p)
		k.p = &p
		m := evalBitext(t, k, test, English)
		t.Logf("%-30s hit@1=%.4f hit@3=%.4f MRR=%.4f", x.name, m.hit1, m.hit3, m.mrr)
	}
	if os.Getenv("KB_FAIL") != "" {
		k.p = nil
		for _, r := range test {
			hits, _ := k.Search(context.Background(), Query{Text: r.Text, Lang: English, Size: 3})
			if len(hits) == 0 || !linked(hits[0].Article, r.Label) {
				var got []string
				for _, h := range hits {
					got = append(got, fmt.Sprintf("%s %.2f", h.Article.ID, h.Score))
				}
				t.Logf("%q gold=%s got=%v", r.Text, r.Label, got)
			}
		}
	}
}
