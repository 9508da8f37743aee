package report

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"image/png"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/antwort-dev/antwort/classifier"
	"github.com/antwort-dev/antwort/entity"
	"github.com/antwort-dev/antwort/reply"
)

// out is a shorthand for an outcome.
func out(gold, pred string, conf float64) classifier.Outcome {
	return classifier.Outcome{Gold: gold, Predicted: pred, Confidence: conf}
}

// synthetic returns outcomes over n labels: each label has per messages,
// most right with high confidence; label i is confused with its partner
// i^1 (pairs), with lower confidence.
func synthetic(n, per int, seed uint64) ([]classifier.Outcome, []string) {
	rng := rand.New(rand.NewPCG(seed, 1))
	labels := make([]string, n)
	for i := range labels {
		labels[i] = fmt.Sprintf("intent_%02d", i)
	}
	var outs []classifier.Outcome
	for i, l := range labels {
		for range per {
			switch r := rng.Float64(); {
			case r < 0.08 && i^1 < n:
				outs = append(outs, out(l, labels[i^1], 0.3+0.4*rng.Float64()))
			case r < 0.1:
				outs = append(outs, out(l, labels[rng.IntN(n)], 0.2+0.3*rng.Float64()))
			default:
				outs = append(outs, out(l, l, 0.6+0.4*rng.Float64()))
			}
		}
	}
	return outs, labels
}

func TestOrderPutsConfusedLabelsTogether(t *testing.T) {
	var outs []classifier.Outcome
	add := func(g, p string, k int) {
		for range k {
			outs = append(outs, out(g, p, 0.5))
		}
	}
	for _, l := range []string{"a", "b", "c", "d", "e", "f"} {
		add(l, l, 10)
	}
	add("a", "e", 4) // a and e are confused most
	add("e", "a", 2)
	add("c", "f", 3) // c and f next
	add("b", "c", 1) // b only a little with c
	labels := []string{"a", "b", "c", "d", "e", "f"}
	got := Order(outs, labels)
	if len(got) != 6 {
		t.Fatalf("Order returned %v", got)
	}
	pos := map[string]int{}
	for i, l := range got {
		pos[l] = i
	}
	adjacent := func(x, y string) bool { return pos[x]-pos[y] == 1 || pos[y]-pos[x] == 1 }
	for _, pair := range [][2]string{{"a", "e"}, {"c", "f"}, {"b", "c"}} {
		if !adjacent(pair[0], pair[1]) {
			t.Errorf("Order = %v: %s and %s are not next to each other", got, pair[0], pair[1])
		}
	}
	if got[len(got)-1] != "d" {
		t.Errorf("Order = %v: d, confused with nothing, should come last", got)
	}
	if again := Order(outs, labels); !slices.Equal(got, again) {
		t.Errorf("Order not deterministic: %v then %v", got, again)
	}
}

func TestOrderAddsUnknownAndEmptyLabels(t *testing.T) {
	outs := []classifier.Outcome{out("x", "a", 0.9), out("a", "", 0)}
	got := Order(outs, []string{"a", "b"})
	want := []string{NoLabel, "a", "x", "b"}
	slices.Sort(want)
	sorted := slices.Clone(got)
	slices.Sort(sorted)
	if diff := cmp.Diff(want, sorted); diff != "" {
		t.Errorf("labels (-want +got):\n%s", diff)
	}
}

func TestAutomate(t *testing.T) {
	outs := []classifier.Outcome{
		out("a", "a", 0.9), out("a", "a", 0.6), out("b", "a", 0.7),
		out("b", "b", 0.5), out("a", "b", 0.95), out("c", "", 0),
	}
	tests := []struct {
		name   string
		global float64
		per    map[string]float64
		never  []string
		answer int
		right  int
	}{
		{"everything", 0, nil, nil, 5, 3},
		{"global 0.65", 0.65, nil, nil, 3, 1},
		{"per intent", 0.65, map[string]float64{"a": 0.8, "b": 0.4}, nil, 3, 2},
		{"never b", 0, nil, []string{"b"}, 3, 2},
		{"nothing", 1, nil, nil, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := Automate(outs, tt.global, tt.per, tt.never)
			if a.N != 6 || a.Answered != tt.answer || a.Correct != tt.right {
				t.Errorf("N %d answered %d correct %d, want 6 %d %d", a.N, a.Answered, a.Correct, tt.answer, tt.right)
			}
			if want := float64(tt.answer) / 6; math.Abs(a.Coverage-want) > 1e-12 {
				t.Errorf("coverage %v, want %v", a.Coverage, want)
			}
			if tt.answer > 0 && math.Abs(a.Precision-float64(tt.right)/float64(tt.answer)) > 1e-12 {
				t.Errorf("precision %v", a.Precision)
			}
		})
	}
}

// TestAdviseEach checks per-intent thresholds in Each mode on a case
// worked out by hand.
func TestAdviseEach(t *testing.T) {
	var outs []classifier.Outcome
	// good: 20 predictions, all right, confidence 0.30..0.49: threshold is
	// its least confidence.
	for i := range 20 {
		outs = append(outs, out("good", "good", 0.30+float64(i)/100))
	}
	// mixed: 20 predictions at 0.99..0.80; the 3 least confident and the
	// 10th are wrong. Top 16 hold 1 error: 15/16 < 0.95; top 9 are right.
	for i := range 20 {
		g := "mixed"
		if i >= 17 || i == 9 {
			g = "other"
		}
		outs = append(outs, out(g, "mixed", 0.99-float64(i)/100))
	}
	// bad: 20 predictions, every other one wrong: never reaches 0.95.
	for i := range 20 {
		g := "bad"
		if i%2 == 0 {
			g = "other"
		}
		outs = append(outs, out(g, "bad", 0.9-float64(i)/100))
	}
	// rare: 3 predictions, fewer than MinSupport.
	for i := range 3 {
		outs = append(outs, out("rare", "rare", 0.5+float64(i)/10))
	}
	labels := []string{"bad", "good", "mixed", "other", "rare"}
	a, err := Advise(outs, labels, AdviceOptions{Precision: 0.95, MinSupport: 20, Mode: Each})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]IntentAdvice{
		"good":  {Threshold: 0.30, Source: FromIntent, Support: 20, Coverage: 1, Precision: 1},
		"mixed": {Threshold: 0.99 - 0.08, Source: FromIntent, Support: 20, Coverage: 9.0 / 20, Precision: 1},
		"bad":   {Threshold: 1, Source: Never, Support: 20},
		"rare":  {Threshold: a.SingleThreshold, Source: FromGlobal, Support: 3, Coverage: 1, Precision: 1},
		"other": {Threshold: a.SingleThreshold, Source: FromGlobal},
	}
	if k := count(outs, "rare", a.SingleThreshold); k < 3 {
		// "rare" (confidence 0.5, 0.6, 0.7) is partly below the global threshold.
		want["rare"] = IntentAdvice{Threshold: a.SingleThreshold, Source: FromGlobal, Support: 3, Coverage: float64(k) / 3, Precision: min(1, float64(k))}
	}
	if diff := cmp.Diff(want, a.Intents, cmp.Comparer(func(x, y float64) bool { return math.Abs(x-y) < 1e-9 })); diff != "" {
		t.Errorf("intents (-want +got):\n%s", diff)
	}
	if a.GlobalThreshold != a.SingleThreshold || !a.SingleReached {
		t.Errorf("global %v single %v reached %v", a.GlobalThreshold, a.SingleThreshold, a.SingleReached)
	}
	if a.Expected.Precision < 0.95 {
		t.Errorf("expected precision %v below target", a.Expected.Precision)
	}
}

func count(outs []classifier.Outcome, pred string, thr float64) int {
	n := 0
	for _, o := range outs {
		if o.Predicted == pred && o.Confidence >= thr {
			n++
		}
	}
	return n
}

// TestAdviseJoint checks the joint mode's promises: the target holds on
// the fit data, intents with little support keep the global threshold,
// and an intent the model is right on more often than its confidence
// says gets a lower threshold than one it is wrong on more often.
func TestAdviseJoint(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	var outs []classifier.Outcome
	for range 400 {
		c := 0.4 + 0.6*rng.Float64()
		// "easy": right far more often than c; "hard": less often.
		g := "easy"
		if rng.Float64() > math.Min(1, c+0.25) {
			g = "x"
		}
		outs = append(outs, out(g, "easy", c))
		c = 0.4 + 0.6*rng.Float64()
		g = "hard"
		if rng.Float64() > c-0.15 {
			g = "x"
		}
		outs = append(outs, out(g, "hard", c))
	}
	for range 5 {
		outs = append(outs, out("tiny", "tiny", 0.99))
	}
	a, err := Advise(outs, []string{"easy", "hard", "tiny", "x"}, AdviceOptions{Precision: 0.9})
	if err != nil {
		t.Fatal(err)
	}
	if a.Mode != Joint || a.MinSupport != DefaultMinSupport {
		t.Errorf("defaults: mode %q min support %d", a.Mode, a.MinSupport)
	}
	if a.Expected.Precision < 0.9 {
		t.Errorf("expected precision %.4f below the target 0.9", a.Expected.Precision)
	}
	easy, hard, tiny := a.Intents["easy"], a.Intents["hard"], a.Intents["tiny"]
	if easy.Source != FromIntent || hard.Source != FromIntent || tiny.Source != FromGlobal {
		t.Errorf("sources: easy %s hard %s tiny %s", easy.Source, hard.Source, tiny.Source)
	}
	if !(easy.Threshold < a.GlobalThreshold && a.GlobalThreshold < hard.Threshold) {
		t.Errorf("thresholds easy %.3f global %.3f hard %.3f: want easy < global < hard", easy.Threshold, a.GlobalThreshold, hard.Threshold)
	}
	if tiny.Threshold != a.GlobalThreshold {
		t.Errorf("tiny threshold %v, want the global %v", tiny.Threshold, a.GlobalThreshold)
	}
	if a.Expected.Coverage <= a.Single.Coverage {
		t.Errorf("joint coverage %.3f not above a single threshold's %.3f on data with different intents", a.Expected.Coverage, a.Single.Coverage)
	}
	// Validate on fresh data from the same process records the figures.
	v := a.Validate(outs[:100], "again")
	if a.Test != v || v.On != "again" || v.PerIntent.N != 100 {
		t.Errorf("Validate: %+v", v)
	}
}

func TestAdviseErrors(t *testing.T) {
	outs := []classifier.Outcome{out("a", "a", 1)}
	for _, o := range []AdviceOptions{{Precision: 1.5}, {Precision: -1}, {MinSupport: -2}, {Mode: "both"}, {Precision: math.NaN()}} {
		if _, err := Advise(outs, nil, o); !errors.Is(err, ErrOptions) {
			t.Errorf("%+v: err %v, want ErrOptions", o, err)
		}
	}
	if _, err := Advise(nil, nil, AdviceOptions{}); !errors.Is(err, ErrNoData) {
		t.Errorf("no outcomes: err %v", err)
	}
	// All wrong: no threshold reaches the target; everything is 1.
	bad := []classifier.Outcome{out("a", "b", 0.9), out("b", "a", 0.8)}
	for _, mode := range []string{Joint, Each} {
		a, err := Advise(bad, []string{"a", "b"}, AdviceOptions{Mode: mode, MinSupport: 1})
		if err != nil {
			t.Fatal(err)
		}
		if a.SingleReached || a.GlobalThreshold != 1 || a.Expected.Answered != 0 {
			t.Errorf("%s: unreachable target gave %+v", mode, a)
		}
	}
}

func TestCompare(t *testing.T) {
	gold := []string{"a", "a", "b", "b", "c"}
	texts := []string{"t0", "t1", "t2", "t3", "t4"}
	da := []Decision{{Label: "a", Confidence: 0.9}, {Label: "b", Confidence: 0.6}, {Label: "b", Confidence: 0.8}, {Label: "b", Confidence: 0.7}, {Label: "a", Confidence: 0.5}}
	db := []Decision{{Label: "a", Confidence: 0.95}, {Label: "a", Confidence: 0.7}, {Label: "a", Confidence: 0.6}, {Label: "b", Abstain: true, Confidence: 0.2}, {Label: "b", Confidence: 0.5}}
	score := func(ds []Decision) *classifier.Report {
		outs := make([]classifier.Outcome, len(ds))
		for i, d := range ds {
			outs[i] = out(gold[i], d.Label, d.Confidence)
		}
		return classifier.Score(outs, []string{"a", "b", "c"})
	}
	c, err := Compare(gold, texts, da, db, score(da), score(db))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, ch := range c.Changes {
		got = append(got, fmt.Sprintf("%d %s %s→%s", ch.Index, ch.Kind, ch.A, ch.B))
	}
	want := []string{"2 broken b→a", "3 broken b→abstain", "1 fixed b→a", "4 other a→b"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("changes (-want +got):\n%s", diff)
	}
	if c.Broken != 2 || c.Fixed != 1 || c.Other != 1 || c.N != 5 {
		t.Errorf("counts: %+v", c)
	}
	if c.Changes[0].Text != "t2" {
		t.Errorf("text not copied: %q", c.Changes[0].Text)
	}
	// Scores ignore abstaining: A is right on 0, 2, 3 and B on 0, 1, 3.
	if d := c.Delta["accuracy"]; d != 0 {
		t.Errorf("delta accuracy %v, want 0", d)
	}
	if _, err := Compare(gold, nil, da[:2], db, score(da), score(db)); !errors.Is(err, ErrOptions) {
		t.Errorf("length mismatch: %v", err)
	}
}

// TestFiguresDecode draws every figure for 12 and for 80 labels and
// checks that the PNGs decode with the size the figure announces, that
// the sizes grow with the labels, and that the SVGs are well-formed XML.
func TestFiguresDecode(t *testing.T) {
	for _, n := range []int{12, 80} {
		outs, labels := synthetic(n, 30, uint64(n))
		rep := classifier.Score(outs, labels)
		outsB, _ := synthetic(n, 30, uint64(n)+1)
		repB := classifier.Score(outsB, labels)
		gold := make([]string, len(outs))
		da, db := make([]Decision, len(outs)), make([]Decision, len(outs))
		for i := range outs {
			gold[i] = outs[i].Gold
			da[i] = Decision{Label: outs[i].Predicted, Confidence: outs[i].Confidence}
			db[i] = Decision{Label: outsB[i].Predicted, Confidence: outsB[i].Confidence}
		}
		cmpn, err := Compare(gold, nil, da, db, rep, repB)
		if err != nil {
			t.Fatal(err)
		}
		cmpn.A, cmpn.B = "intent@1", "intent@2"
		figs := []*Figure{
			ConfusionFigure("confusion", outs, labels),
			ReliabilityFigure("reliability", Series{Outcomes: outs}),
			ReliabilityFigure("reliability2", Series{Name: "A", Outcomes: outs}, Series{Name: "B", Outcomes: outsB}),
			CoverageFigure("coverage", []Mark{{Label: "per-intent", Coverage: 0.8, Precision: 0.96}}, Series{Outcomes: outs}),
			F1Figure("f1", rep),
			ConfidenceFigure("confidence", outs, []Mark{{Label: "0.62", Coverage: 0.62}}),
			DeltaF1Figure("delta", cmpn),
		}
		if n > 12 {
			// The figures whose size depends on the labels.
			figs = []*Figure{figs[0], figs[4], figs[6]}
		}
		for _, f := range figs {
			var b bytes.Buffer
			if err := f.WritePNG(&b); err != nil {
				t.Fatalf("%d labels, %s: %v", n, f.Name, err)
			}
			img, err := png.Decode(&b)
			if err != nil {
				t.Fatalf("%d labels, %s: PNG does not decode: %v", n, f.Name, err)
			}
			w, h := f.PixelSize()
			if got := img.Bounds().Size(); got.X != w || got.Y != h {
				t.Errorf("%d labels, %s: PNG is %dx%d, PixelSize says %dx%d", n, f.Name, got.X, got.Y, w, h)
			}
			b.Reset()
			if err := f.WriteSVG(&b); err != nil {
				t.Fatalf("%s: %v", f.Name, err)
			}
			if err := wellFormed(&b); err != nil {
				t.Errorf("%d labels, %s: SVG is not well-formed XML: %v", n, f.Name, err)
			}
		}
		// The matrix grows with the labels: every label gets a cell of at
		// least 11 points.
		if w, _ := figs[0].PixelSize(); w < n*11*DPI/72 {
			t.Errorf("%d labels: confusion matrix only %d px wide", n, w)
		}
	}
	// The sizes of the fixed figures, as documented.
	outs, labels := synthetic(12, 10, 1)
	for _, tt := range []struct {
		f    *Figure
		w, h int
	}{
		{ReliabilityFigure("r", Series{Outcomes: outs}), 920, 904}, // 800 and the legend strip under the plot
		{CoverageFigure("c", nil, Series{Outcomes: outs}), 1120, 840},
		{ConfidenceFigure("h", outs, nil), 1040, 720},
		{F1Figure("f", classifier.Score(outs, labels)), 0, (12*18 + 80) * 2},
	} {
		w, h := tt.f.PixelSize()
		if tt.w != 0 && w != tt.w || h != tt.h {
			t.Errorf("%s: %dx%d, want %dx%d", tt.f.Name, w, h, tt.w, tt.h)
		}
	}
}

func wellFormed(r io.Reader) error {
	d := xml.NewDecoder(r)
	root := ""
	for {
		tok, err := d.Token()
		if err == io.EOF {
			if root != "svg" {
				return fmt.Errorf("root element %q, want svg", root)
			}
			return nil
		}
		if err != nil {
			return err
		}
		if se, ok := tok.(xml.StartElement); ok && root == "" {
			root = se.Name.Local
		}
	}
}

func TestConfusionFigureLimitsLabels(t *testing.T) {
	outs, labels := synthetic(MaxMatrixLabels+20, 5, 3)
	f := ConfusionFigure("confusion", outs, labels)
	if !strings.Contains(f.Title, fmt.Sprintf("the %d most confused of %d labels", MaxMatrixLabels, MaxMatrixLabels+20)) {
		t.Errorf("title %q does not say labels were left out", f.Title)
	}
	if err := f.WritePNG(io.Discard); err != nil {
		t.Fatal(err)
	}
}

var imgSrc = regexp.MustCompile(`<img src="([^"]+)"`)

// TestWrite writes a report and checks that every image the HTML refers
// to exists and decodes, that summary.json holds the summary, and that
// example messages are redacted.
func TestWrite(t *testing.T) {
	outs, labels := synthetic(8, 20, 5)
	texts := make([]string, len(outs))
	for i := range texts {
		texts[i] = fmt.Sprintf("Nachricht %d, bitte antworten an kunde%d@example.com oder +49 170 1234567", i, i)
	}
	rep := classifier.Score(outs, labels)
	adv, err := Advise(outs, labels, AdviceOptions{MinSupport: 5})
	if err != nil {
		t.Fatal(err)
	}
	adv.FitOn = "test"
	dir := filepath.Join(t.TempDir(), "report")
	summary := map[string]any{"accuracy": rep.Accuracy}
	page := &Page{Title: "test <report>", About: []string{"data: synthetic"}, Summary: summary,
		Runs:   []Run{{Name: "m", Report: rep, Outcomes: outs, Texts: texts, Labels: labels}},
		Folds:  &Folds{K: 3, Seed: 1, Mean: map[string]float64{"accuracy": 0.9}, Std: map[string]float64{"accuracy": 0.01}, PerFold: []map[string]float64{{"accuracy": 0.9}}},
		Advice: adv, Policy: &Automation{N: 10, Answered: 5, Correct: 5, Coverage: 0.5, Precision: 1}, PolicyFile: "policy.yaml"}
	if err := Write(context.Background(), dir, page); err != nil {
		t.Fatal(err)
	}
	html, err := os.ReadFile(filepath.Join(dir, "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	checkImages(t, dir, string(html), 5)
	for _, bad := range []string{"example.com", "1234567", "<report>", "http://", "https://"} {
		if strings.Contains(string(html), bad) {
			t.Errorf("index.html contains %q", bad)
		}
	}
	for _, want := range []string{"Threshold advice", "[E-MAIL]", "mean ± std over 3 folds", "Top confusions", "policy.yaml"} {
		if !strings.Contains(string(html), want) {
			t.Errorf("index.html lacks %q", want)
		}
	}
	var got map[string]any
	b, err := os.ReadFile(filepath.Join(dir, "summary.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(summary, got); diff != "" {
		t.Errorf("summary.json (-want +got):\n%s", diff)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := Write(ctx, t.TempDir(), page); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled Write: %v", err)
	}
}

// checkImages checks that index.html refers to n images, each a file in
// dir (or a data URI) that decodes as PNG, with an SVG beside it.
func checkImages(t *testing.T, dir, html string, n int) {
	t.Helper()
	srcs := imgSrc.FindAllStringSubmatch(html, -1)
	if len(srcs) != n {
		t.Errorf("index.html has %d images, want %d", len(srcs), n)
	}
	for _, m := range srcs {
		src := m[1]
		if strings.HasPrefix(src, "data:") || strings.Contains(src, "/") {
			t.Errorf("image %q: want a file beside index.html", src)
			continue
		}
		f, err := os.Open(filepath.Join(dir, src))
		if err != nil {
			t.Errorf("image %q: %v", src, err)
			continue
		}
		if _, err := png.Decode(f); err != nil {
			t.Errorf("image %q: %v", src, err)
		}
		f.Close()
		if _, err := os.Stat(filepath.Join(dir, strings.TrimSuffix(src, ".png")+".svg")); err != nil {
			t.Errorf("no SVG beside %s: %v", src, err)
		}
	}
}

func TestWriteComparison(t *testing.T) {
	outsA, labels := synthetic(6, 20, 1)
	outsB, _ := synthetic(6, 20, 2)
	ra, rb := classifier.Score(outsA, labels), classifier.Score(outsB, labels)
	gold := make([]string, len(outsA))
	texts := make([]string, len(outsA))
	da, db := make([]Decision, len(outsA)), make([]Decision, len(outsA))
	for i := range outsA {
		gold[i], texts[i] = outsA[i].Gold, fmt.Sprintf("IBAN DE89 3704 0044 0532 0130 00, Nachricht %d", i)
		da[i] = Decision{Label: outsA[i].Predicted, Confidence: outsA[i].Confidence}
		db[i] = Decision{Label: outsB[i].Predicted, Confidence: outsB[i].Confidence}
	}
	c, err := Compare(gold, texts, da, db, ra, rb)
	if err != nil {
		t.Fatal(err)
	}
	c.A, c.B = "intent@1", "intent@2"
	for i := range c.Changes {
		c.Changes[i].Text = entity.Redact(c.Changes[i].Text)
	}
	dir := t.TempDir()
	page := &Page{Title: "cmp", Comparison: c, Runs: []Run{
		{Name: "intent@1", Report: ra, Outcomes: outsA, Texts: texts, Labels: labels},
		{Name: "intent@2", Report: rb, Outcomes: outsB, Texts: texts, Labels: labels}}}
	if err := Write(context.Background(), dir, page); err != nil {
		t.Fatal(err)
	}
	html, err := os.ReadFile(filepath.Join(dir, "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	checkImages(t, dir, string(html), 6)
	for _, want := range []string{"Changed decisions", "intent@1", "intent@2", "B − A", "[IBAN]"} {
		if !strings.Contains(string(html), want) {
			t.Errorf("comparison report lacks %q", want)
		}
	}
	if strings.Contains(string(html), "3704 0044") {
		t.Errorf("comparison report shows an IBAN")
	}
}

func TestUpdatePolicy(t *testing.T) {
	outs, labels := synthetic(4, 30, 9)
	a, err := Advise(outs, labels, AdviceOptions{MinSupport: 5, Mode: Each, Precision: 0.9})
	if err != nil {
		t.Fatal(err)
	}
	existing := `# our policy
kb_threshold: 0.6   # tuned by hand
intent_threshold: 0.8
intent_thresholds:
  intent_00: 0.5
  gone_intent: 0.7
never_auto: [complaint]
vips:
  - chef@example.com
`
	got, err := UpdatePolicy([]byte(existing), a, "set by the test")
	if err != nil {
		t.Fatal(err)
	}
	p, err := reply.ParsePolicy(got)
	if err != nil {
		t.Fatalf("written policy does not load: %v\n%s", err, got)
	}
	global, per := a.Thresholds()
	if math.Abs(p.IntentThreshold-global) > 1e-4 || p.IntentThreshold > global {
		t.Errorf("intent_threshold %v, want %v rounded down", p.IntentThreshold, global)
	}
	if len(p.IntentThresholds) != len(per) {
		t.Errorf("intent_thresholds %v, want %v", p.IntentThresholds, per)
	}
	for l, v := range per {
		if math.Abs(p.IntentThresholds[l]-v) > 1e-4 || p.IntentThresholds[l] > v {
			t.Errorf("threshold of %s: %v, want %v rounded down", l, p.IntentThresholds[l], v)
		}
	}
	if _, ok := p.IntentThresholds["gone_intent"]; ok {
		t.Errorf("old per-intent threshold kept")
	}
	if p.KBThreshold != 0.6 || !slices.Equal(p.NeverAuto, []string{"complaint"}) || !slices.Equal(p.VIPs, []string{"chef@example.com"}) {
		t.Errorf("other settings changed: kb %v never %v vips %v", p.KBThreshold, p.NeverAuto, p.VIPs)
	}
	for _, c := range []string{"# our policy", "# tuned by hand", "# set by the test", "held-out predictions"} {
		if !strings.Contains(string(got), c) {
			t.Errorf("comment %q lost:\n%s", c, got)
		}
	}
	// A new policy file.
	fresh, err := UpdatePolicy(nil, a, "")
	if err != nil {
		t.Fatal(err)
	}
	if p, err := reply.ParsePolicy(fresh); err != nil || p.KBThreshold != reply.DefaultPolicy().KBThreshold {
		t.Errorf("fresh policy: %v, kb %v\n%s", err, p.KBThreshold, fresh)
	}
	for _, bad := range []string{"- a\n- b\n", "unknown_key: 1\n", "kb_threshold: [\n"} {
		if _, err := UpdatePolicy([]byte(bad), a, ""); !errors.Is(err, ErrPolicyFile) {
			t.Errorf("%q: err %v, want ErrPolicyFile", bad, err)
		}
	}
}

func FuzzUpdatePolicy(f *testing.F) {
	a := &Advice{GlobalThreshold: 0.61234, Intents: map[string]IntentAdvice{"x": {Threshold: 0.5, Source: FromIntent, Support: 30, Coverage: 0.9, Precision: 0.97}}}
	for _, s := range []string{"", "kb_threshold: 0.6\n", "intent_thresholds: {a: 0.2}\n", "# c\nintent_threshold: 0.9 # x\n", "- 1\n", "{"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		got, err := UpdatePolicy(data, a, "note")
		if err != nil {
			if !errors.Is(err, ErrPolicyFile) {
				t.Fatalf("error %v does not wrap ErrPolicyFile", err)
			}
			return
		}
		p, err := reply.ParsePolicy(got)
		if err != nil {
			t.Fatalf("result does not load: %v", err)
		}
		if p.IntentThreshold != 0.6123 || p.IntentThresholds["x"] != 0.5 {
			t.Fatalf("thresholds %v %v", p.IntentThreshold, p.IntentThresholds)
		}
	})
}

// TestAdviseMargin: a confidence margin never lowers the threshold or
// raises the expected coverage.
func TestAdviseMargin(t *testing.T) {
	outs, labels := synthetic(6, 200, 11)
	plain, _ := Advise(outs, labels, AdviceOptions{Precision: 0.9})
	safe, err := Advise(outs, labels, AdviceOptions{Precision: 0.9, Confidence: 0.9})
	if err != nil {
		t.Fatal(err)
	}
	if safe.SingleThreshold < plain.SingleThreshold || safe.Expected.Coverage > plain.Expected.Coverage || safe.Confidence != 0.9 {
		t.Errorf("margin: single %v → %v, coverage %v → %v", plain.SingleThreshold, safe.SingleThreshold, plain.Expected.Coverage, safe.Expected.Coverage)
	}
	if _, err := Advise(outs, labels, AdviceOptions{Confidence: 0.3}); !errors.Is(err, ErrOptions) {
		t.Errorf("confidence 0.3: %v", err)
	}
}
