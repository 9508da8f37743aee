package report

import (
	"bytes"
	"image/png"
	"io"
	"os"
	"testing"

	"github.com/antwort-dev/antwort/classifier"
)

// TestReliabilityLegendCoversNoBar: the reliability diagram's legend is
// drawn under the data area, so it covers no bar and no count, even when
// the first bar (low confidence) reaches the top. Set ANTWORT_FIGURE_OUT
// to a file to look at the PNG.
func TestReliabilityLegendCoversNoBar(t *testing.T) {
	var outs []classifier.Outcome
	add := func(n int, conf float64, right int) {
		for i := range n {
			pred := "a"
			if i >= right {
				pred = "b"
			}
			outs = append(outs, classifier.Outcome{Gold: "a", Predicted: pred, Confidence: conf})
		}
	}
	add(12, 0.12, 12) // the first bar: low confidence, always right
	add(30, 0.55, 20)
	add(200, 0.97, 190)
	for _, series := range [][]Series{{{Outcomes: outs}}, {{Name: "A", Outcomes: outs}, {Name: "B", Outcomes: outs[:100]}}} {
		f := ReliabilityFigure("reliability", series...)
		var b bytes.Buffer
		if err := f.WritePNG(&b); err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(bytes.NewReader(b.Bytes()))
		if err != nil {
			t.Fatal(err)
		}
		if w, h := f.PixelSize(); img.Bounds().Dx() != w || img.Bounds().Dy() != h {
			t.Errorf("PNG is %v, want %dx%d", img.Bounds(), w, h)
		}
		d, l := f.dataArea, f.legendArea
		if l.Max.Y-l.Min.Y <= 0 || l.Max.X-l.Min.X <= 0 {
			t.Fatalf("no legend drawn: %v", l)
		}
		if l.Max.Y > d.Min.Y {
			t.Errorf("legend %v reaches into the data area %v", l, d)
		}
		if out := os.Getenv("ANTWORT_FIGURE_OUT"); out != "" && len(series) == 1 {
			os.WriteFile(out, b.Bytes(), 0o644)
		}
		if err := f.WriteSVG(io.Discard); err != nil {
			t.Fatal(err)
		}
	}
}
