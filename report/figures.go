package report

import (
	"fmt"
	"image/color"
	"math"
	"slices"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/antwort-dev/antwort/classifier"
)

// MaxMatrixLabels is the most labels the confusion matrix shows; with
// more, it shows the most confused ones and says so in its title.
const MaxMatrixLabels = 100

// ECEBins is the number of equal-width confidence bins of the
// reliability diagram, as for classifier.Report's ECE.
const ECEBins = 15

// Series is one model's outcomes in a figure that can show several.
type Series struct {
	Name     string
	Outcomes []classifier.Outcome
}

// Mark is an operating point drawn on the coverage curve: answering
// Coverage of the messages at Precision.
type Mark struct {
	Label     string
	Coverage  float64
	Precision float64
}

// custom is a plotter that draws with a function over a fixed data range.
type custom struct {
	xmin, xmax, ymin, ymax float64
	fn                     func(c draw.Canvas, x, y func(float64) vg.Length)
}

func (p *custom) DataRange() (xmin, xmax, ymin, ymax float64) {
	return p.xmin, p.xmax, p.ymin, p.ymax
}

func (p *custom) Plot(c draw.Canvas, plt *plot.Plot) {
	x, y := plt.Transforms(&c)
	p.fn(c, x, y)
}

// legendEntry is a legend thumbnail: a filled box, a line or a glyph.
type legendEntry struct {
	fill  color.Color
	line  *draw.LineStyle
	glyph *draw.GlyphStyle
}

func (e legendEntry) Thumbnail(c *draw.Canvas) {
	switch {
	case e.fill != nil:
		c.SetColor(e.fill)
		c.Fill(c.Rectangle.Path())
	case e.line != nil:
		y := c.Center().Y
		c.StrokeLine2(*e.line, c.Min.X, y, c.Max.X, y)
	case e.glyph != nil:
		c.DrawGlyph(*e.glyph, c.Center())
	}
}

func lineStyle(col color.Color, width float64, dashes ...float64) draw.LineStyle {
	ls := draw.LineStyle{Color: col, Width: vg.Length(width)}
	for _, d := range dashes {
		ls.Dashes = append(ls.Dashes, vg.Length(d))
	}
	return ls
}

// plotFigure wraps a plot as a figure.
func plotFigure(name, title, caption string, w, h float64, p *plot.Plot) *Figure {
	w, h = math.Ceil(w), math.Ceil(h)
	return &Figure{Name: name, Title: title, Caption: caption, Width: math.Ceil(w), Height: math.Ceil(h), draw: func(c draw.Canvas) { p.Draw(c) }}
}

// ConfusionFigure draws the confusion matrix as a heat map: gold labels
// in rows, predicted labels in columns, ordered by Order so that labels
// confused with each other form blocks near the diagonal. Each row is
// normalised by the gold label's count: the diagonal (blue) is the
// label's recall, cells off it (orange to dark red, square-root scale so
// that rare confusions stay visible) the share of the label's messages
// taken for another. Up to 20 labels the counts are written in the
// cells; the image grows with the number of labels (MaxMatrixLabels at
// most).
func ConfusionFigure(name string, outs []classifier.Outcome, labels []string) *Figure {
	order := Order(outs, labels)
	title := "Confusion matrix"
	if len(order) > MaxMatrixLabels {
		title = fmt.Sprintf("Confusion matrix: the %d most confused of %d labels", MaxMatrixLabels, len(order))
		order = mostConfused(outs, order, MaxMatrixLabels)
	}
	n := len(order)
	cm := confusionCounts(outs, order)
	rows := make([]int, n)
	for g := range n {
		for p := range n {
			rows[g] += cm[g][p]
		}
	}
	cell, fs := 11.0, 6.5
	switch {
	case n <= 20:
		cell, fs = 26, 8.5
	case n <= 40:
		cell, fs = 15, 7.5
	}
	tick := textStyle(fs)
	maxW := 0.0
	for _, l := range order {
		maxW = max(maxW, float64(tick.Width(l)))
	}
	side := float64(n) * cell
	margin := maxW + 36 // tick labels, tick marks, axis label
	legendW := 110.0
	w := side + margin + 16 + legendW
	h := side + margin + 34

	p := newPlot(title, "predicted", "gold (true)", fs)
	xt := make([]plot.Tick, n)
	yt := make([]plot.Tick, n)
	for i, l := range order {
		xt[i] = plot.Tick{Value: float64(i), Label: l}
		yt[i] = plot.Tick{Value: float64(n - 1 - i), Label: l}
	}
	p.X.Tick.Marker = plot.ConstantTicks(xt)
	p.Y.Tick.Marker = plot.ConstantTicks(yt)
	p.X.Tick.Label.Rotation = math.Pi / 2
	p.X.Tick.Label.XAlign = draw.XRight
	p.X.Tick.Label.YAlign = draw.YCenter
	p.X.Padding, p.Y.Padding = 0, 0
	p.Add(&custom{-0.5, float64(n) - 0.5, -0.5, float64(n) - 0.5, func(c draw.Canvas, x, y func(float64) vg.Length) {
		c.StrokeLine2(lineStyle(color.Gray{0xdd}, 0.5), x(-0.5), y(float64(n)-0.5), x(float64(n)-0.5), y(-0.5))
		for g := range n {
			yy := float64(n - 1 - g)
			for pr := range n {
				v := cm[g][pr]
				if v == 0 {
					continue
				}
				share := float64(v) / float64(rows[g])
				col := ramp(errRamp(), math.Sqrt(min(share, 0.5)/0.5))
				if g == pr {
					col = ramp(rightRamp(), share)
				}
				c.SetColor(col)
				c.Fill(rect(x(float64(pr)-0.5), y(yy-0.5), x(float64(pr)+0.5), y(yy+0.5)))
				if n <= 20 {
					st := textStyle(fs)
					st.XAlign, st.YAlign = draw.XCenter, draw.YCenter
					if (g == pr && share > 0.45) || (g != pr && share > 0.2) {
						st.Color = color.White
					}
					c.FillText(st, vg.Point{X: x(float64(pr)), Y: y(yy)}, strconv.Itoa(v))
				}
			}
		}
		c.SetLineStyle(lineStyle(grey, 0.5))
		c.Stroke(rect(x(-0.5), y(-0.5), x(float64(n)-0.5), y(float64(n)-0.5)))
	}})
	caption := "Rows are the true intents, columns the predicted ones, ordered so that intents the model mixes up sit next to each other. " +
		"Blue on the diagonal: share of an intent's messages recognised (recall). Orange to dark red off the diagonal: share of the intent's messages taken for the column's intent (square-root colour scale, so rare confusions stay visible)."
	w, h = math.Ceil(w), math.Ceil(h)
	return &Figure{Name: name, Title: title, Caption: caption, Width: w, Height: h, draw: func(c draw.Canvas) {
		main := draw.Crop(c, 0, -vg.Length(legendW), 0, 0)
		p.Draw(main)
		drawMatrixLegend(draw.Crop(c, vg.Length(w-legendW), 0, 0, 0))
	}}
}

// drawMatrixLegend draws the two colour scales of the confusion matrix.
func drawMatrixLegend(c draw.Canvas) {
	top := c.Max.Y - 40
	x0 := c.Min.X + 12
	bw := vg.Length(14)
	head := textStyle(8)
	head.Font = fontOf(sansBold, 8)
	lab := textStyle(7.5)
	lab.YAlign = draw.YCenter
	// Errors: square-root scale from 0 to 50 % and more.
	c.FillText(head, vg.Point{X: x0, Y: top + 4}, "wrong, share of row")
	hgt := vg.Length(150)
	steps := 60
	for i := range steps {
		t0 := float64(i) / float64(steps)
		c.SetColor(ramp(errRamp(), t0))
		y0 := top - hgt + hgt*vg.Length(t0)
		c.Fill(rect(x0, y0, x0+bw, y0+hgt/vg.Length(steps)+0.5))
	}
	for _, v := range []float64{0.01, 0.05, 0.1, 0.25, 0.5} {
		y := top - hgt + hgt*vg.Length(math.Sqrt(v/0.5))
		c.StrokeLine2(lineStyle(ink, 0.5), x0+bw, y, x0+bw+3, y)
		s := fmt.Sprintf("%g %%", 100*v)
		if v == 0.5 {
			s = "≥ 50 %"
		}
		c.FillText(lab, vg.Point{X: x0 + bw + 5, Y: y}, s)
	}
	// Right answers: linear recall.
	top2 := top - hgt - 36
	c.FillText(head, vg.Point{X: x0, Y: top2 + 4}, "right (recall)")
	hgt2 := vg.Length(90)
	for i := range steps {
		t0 := float64(i) / float64(steps)
		c.SetColor(ramp(rightRamp(), t0))
		y0 := top2 - hgt2 + hgt2*vg.Length(t0)
		c.Fill(rect(x0, y0, x0+bw, y0+hgt2/vg.Length(steps)+0.5))
	}
	for _, v := range []float64{0, 0.5, 1} {
		y := top2 - hgt2 + hgt2*vg.Length(v)
		c.StrokeLine2(lineStyle(ink, 0.5), x0+bw, y, x0+bw+3, y)
		c.FillText(lab, vg.Point{X: x0 + bw + 5, Y: y}, fmt.Sprintf("%g %%", 100*v))
	}
}

// reliabilityBins bins outcomes by confidence as classifier.ECE does.
func reliabilityBins(outs []classifier.Outcome) []classifier.ReliabilityBin {
	c, f := split(outs)
	return classifier.Reliability(c, f, ECEBins)
}

func ece(outs []classifier.Outcome) float64 {
	c, f := split(outs)
	return classifier.ECE(c, f, ECEBins)
}

// ReliabilityFigure draws the reliability diagram (calibration) of one or
// more models: messages are binned by confidence (15 bins); a bar shows
// the accuracy within a bin (its top), a red line the bin's mean
// confidence; light blue marks bins where the model is right more often
// than it is confident, pink where it is less often. On the diagonal
// accuracy equals confidence. The number above a bar is its message
// count. With several series each is a line through the bins' (mean
// confidence, accuracy). The title carries the ECE.
func ReliabilityFigure(name string, series ...Series) *Figure {
	title := "Reliability"
	var parts []string
	for _, s := range series {
		if len(series) == 1 {
			parts = append(parts, fmt.Sprintf("ECE %.3f", ece(s.Outcomes)))
		} else {
			parts = append(parts, fmt.Sprintf("%s ECE %.3f", s.Name, ece(s.Outcomes)))
		}
	}
	for i, s := range parts {
		if i == 0 {
			title += ": " + s
		} else {
			title += ", " + s
		}
	}
	p := newPlot(title, "confidence (top label)", "accuracy", 9)
	p.Legend.Left = true
	p.X.Min, p.X.Max, p.Y.Min, p.Y.Max = 0, 1, 0, 1.06
	diag := lineStyle(grey, 1, 4, 3)
	p.Add(&custom{0, 1, 0, 1, func(c draw.Canvas, x, y func(float64) vg.Length) {
		c.StrokeLine2(diag, x(0), y(0), x(1), y(1))
	}})
	p.Legend.Add("perfect calibration", legendEntry{line: &diag})
	if len(series) == 1 {
		bs := reliabilityBins(series[0].Outcomes)
		lab := textStyle(6.5)
		lab.XAlign = draw.XCenter
		tickStyle := lineStyle(red, 1.5)
		barBlue := color.RGBA{0x3b, 0x75, 0xb8, 0xff}
		underBlue := color.RGBA{0xa6, 0xc8, 0xea, 0xff}
		overPink := color.RGBA{0xf6, 0xb8, 0xb8, 0xff}
		p.Add(&custom{0, 1, 0, 1, func(c draw.Canvas, x, y func(float64) vg.Length) {
			for _, b := range bs {
				if b.N == 0 {
					continue
				}
				l, r := x(b.Lo)+1, x(b.Hi)-1
				c.SetColor(barBlue)
				c.Fill(rect(l, y(0), r, y(min(b.Acc, b.Conf))))
				if b.Acc > b.Conf {
					c.SetColor(underBlue)
				} else {
					c.SetColor(overPink)
				}
				c.Fill(rect(l, y(min(b.Acc, b.Conf)), r, y(max(b.Acc, b.Conf))))
				c.StrokeLine2(tickStyle, l, y(b.Conf), r, y(b.Conf))
				c.FillText(lab, vg.Point{X: (l + r) / 2, Y: y(max(b.Acc, b.Conf)) + 2}, strconv.Itoa(b.N))
			}
		}})
		p.Legend.Add("accuracy in bin: top of the bar (n above)", legendEntry{fill: barBlue})
		p.Legend.Add("mean confidence in bin", legendEntry{line: &tickStyle})
		p.Legend.Add("right more often than confident", legendEntry{fill: underBlue})
		p.Legend.Add("confident more often than right", legendEntry{fill: overPink})
	} else {
		for i, s := range series {
			bs := reliabilityBins(s.Outcomes)
			ls := lineStyle(seriesColor(i), 1.5)
			gs := draw.GlyphStyle{Color: seriesColor(i), Radius: 2.5, Shape: draw.CircleGlyph{}}
			p.Add(&custom{0, 1, 0, 1, func(c draw.Canvas, x, y func(float64) vg.Length) {
				var pts []vg.Point
				for _, b := range bs {
					if b.N > 0 {
						pts = append(pts, vg.Point{X: x(b.Conf), Y: y(b.Acc)})
					}
				}
				c.StrokeLines(ls, pts)
				for _, pt := range pts {
					c.DrawGlyph(gs, pt)
				}
			}})
			p.Legend.Add(s.Name, legendEntry{line: &ls})
		}
	}
	caption := "Messages binned by the model's confidence (15 equal bins). A well calibrated model's bars reach the diagonal: of the messages it answers with 80 % confidence, 80 % are right. " +
		"The top of a bar is the accuracy, the red line the mean confidence: pink means overconfident (the model says 90 %, is right less often), light blue underconfident. ECE is the gap averaged over all messages."
	// Bars may reach the top anywhere, so the legend goes under the plot.
	return plotFigureLegendBelow(name, title, caption, 460, 400, p)
}

// plotFigureLegendBelow wraps a plot as a figure whose legend is drawn in
// a strip under the plot instead of inside the data area, where it would
// cover data; the figure grows by the strip's height.
func plotFigureLegendBelow(name, title, caption string, w, h float64, p *plot.Plot) *Figure {
	leg := p.Legend
	p.Legend = plot.NewLegend() // none inside the plot
	leg.Top, leg.Left = true, true
	r := leg.Rectangle(draw.Canvas{})
	strip := r.Max.Y - r.Min.Y + 12 // 6 pt above and below
	f := plotFigure(name, title, caption, w, h+math.Ceil(float64(strip)), p)
	f.draw = func(c draw.Canvas) {
		top := draw.Crop(c, 0, 0, strip, 0)
		p.Draw(top)
		data := p.DataCanvas(top)
		lc := draw.Crop(c, data.Min.X-c.Min.X, 0, 6, -(c.Max.Y - c.Min.Y - strip + 6))
		leg.Draw(lc)
		f.dataArea, f.legendArea = data.Rectangle, leg.Rectangle(lc)
	}
	return f
}

// curve returns the coverage-vs-precision curve of outcomes: most
// confident first, the precision of each prefix that ends where the
// confidence changes. classifier.CoverageAtPrecision walks the same
// prefixes to pick one for a target; the figure draws all of them.
func curve(outs []classifier.Outcome) (cov, prec []float64) {
	o := slices.Clone(outs)
	slices.SortStableFunc(o, func(a, b classifier.Outcome) int {
		switch {
		case a.Confidence > b.Confidence:
			return -1
		case a.Confidence < b.Confidence:
			return 1
		}
		return 0
	})
	right := 0
	for k, x := range o {
		if x.Predicted == x.Gold {
			right++
		}
		if k == len(o)-1 || o[k+1].Confidence != x.Confidence {
			cov = append(cov, float64(k+1)/float64(len(o)))
			prec = append(prec, float64(right)/float64(k+1))
		}
	}
	return cov, prec
}

// CoverageFigure draws precision against coverage: answering the most
// confident messages first, the share answered (x) and the share of
// those that are right (y). Circles mark the largest coverage at 90, 95
// and 99 % precision with their confidence thresholds; marks add other
// operating points (e.g. per-intent thresholds).
func CoverageFigure(name string, marks []Mark, series ...Series) *Figure {
	p := newPlot("Coverage vs. precision", "coverage (share of messages answered automatically)", "precision (share answered right)", 9)
	p.Legend.Left = true
	p.Legend.Top = false
	lowest := 1.0
	for _, s := range series {
		_, prec := curve(s.Outcomes)
		if len(prec) > 0 {
			lowest = min(lowest, prec[len(prec)-1])
		}
	}
	for _, m := range marks {
		lowest = min(lowest, m.Precision)
	}
	ymin := max(0, math.Floor((lowest-0.01)*100)/100)
	p.X.Min, p.X.Max, p.Y.Min, p.Y.Max = 0, 1, ymin, 1.005
	guide := lineStyle(color.Gray{0xbb}, 0.7, 2, 2)
	lab := textStyle(7.5)
	lab.YAlign = draw.YBottom
	p.Add(&custom{0, 1, ymin, 1, func(c draw.Canvas, x, y func(float64) vg.Length) {
		for _, t := range []float64{0.90, 0.95, 0.99} {
			if t > ymin {
				c.StrokeLine2(guide, x(0), y(t), x(1), y(t))
				c.FillText(lab, vg.Point{X: x(0) + 3, Y: y(t) + 1}, fmt.Sprintf("%g %%", 100*t))
			}
		}
	}})
	for i, s := range series {
		cov, prec := curve(s.Outcomes)
		ls := lineStyle(seriesColor(i), 1.6)
		correct, conf := split(s.Outcomes)
		type op struct {
			t, cov, prec, thr float64
		}
		var ops []op
		for _, t := range []float64{0.90, 0.95, 0.99} {
			if cv, thr, ok := classifier.CoverageAtPrecision(correct, conf, t); ok {
				k := slices.Index(cov, cv)
				pr := t
				if k >= 0 {
					pr = prec[k]
				}
				ops = append(ops, op{t, cv, pr, thr})
			}
		}
		gs := draw.GlyphStyle{Color: seriesColor(i), Radius: 3, Shape: draw.CircleGlyph{}}
		oplab := textStyle(7.5)
		oplab.XAlign = draw.XRight
		oplab.YAlign = draw.YTop
		p.Add(&custom{0, 1, ymin, 1, func(c draw.Canvas, x, y func(float64) vg.Length) {
			pts := make([]vg.Point, 0, len(cov)+1)
			for k := range cov {
				if prec[k] >= ymin {
					pts = append(pts, vg.Point{X: x(cov[k]), Y: y(prec[k])})
				}
			}
			c.StrokeLines(ls, pts)
			for j, o := range ops {
				pt := vg.Point{X: x(o.cov), Y: y(o.prec)}
				c.DrawGlyph(gs, pt)
				if i == 0 {
					c.FillText(oplab, vg.Point{X: pt.X - 4, Y: pt.Y - 3 - vg.Length(j%2)*0}, fmt.Sprintf("%g %%: %s answered, conf ≥ %.2f", 100*o.t, pct(o.cov), o.thr))
				}
			}
		}})
		nm := "all messages, most confident first"
		if s.Name != "" {
			nm = s.Name
		}
		p.Legend.Add(nm, legendEntry{line: &ls})
	}
	shapes := []draw.GlyphDrawer{draw.TriangleGlyph{}, draw.SquareGlyph{}, draw.CrossGlyph{}, draw.PyramidGlyph{}}
	for i, m := range marks {
		gs := draw.GlyphStyle{Color: [...]color.RGBA{red, green, purple, orange}[i%4], Radius: 4, Shape: shapes[i%len(shapes)]}
		p.Add(&custom{0, 1, ymin, 1, func(c draw.Canvas, x, y func(float64) vg.Length) {
			c.DrawGlyph(gs, vg.Point{X: x(m.Coverage), Y: y(m.Precision)})
		}})
		p.Legend.Add(fmt.Sprintf("%s: %s at %s", m.Label, pct(m.Coverage), pct(m.Precision)), legendEntry{glyph: &gs})
	}
	caption := "If the model answers only messages above a confidence threshold, how many can it answer (x) and how many of those answers are right (y)? " +
		"Moving the threshold down walks the curve to the right. Circles: the largest coverage that keeps 90, 95 and 99 % precision, with the threshold that gives it. Other marks: the thresholds advised below."
	return plotFigure(name, "Coverage vs. precision", caption, 560, 420, p)
}

// F1Figure draws each label's F1 as a horizontal bar, worst at the top,
// with the label's support (test messages) in its name and the macro-F1
// as a vertical line.
func F1Figure(name string, rep *classifier.Report) *Figure {
	labels := make([]string, 0, len(rep.PerLabel))
	for l := range rep.PerLabel {
		labels = append(labels, l)
	}
	slices.SortFunc(labels, func(a, b string) int {
		fa, fb := rep.PerLabel[a].F1, rep.PerLabel[b].F1
		switch {
		case fa < fb:
			return -1
		case fa > fb:
			return 1
		case a < b:
			return -1
		case a > b:
			return 1
		}
		return 0
	})
	n := len(labels)
	row, fs := 11.0, 7.0
	if n <= 20 {
		row, fs = 18, 8.5
	}
	ticks := make([]plot.Tick, n)
	maxW := 0.0
	tick := textStyle(fs)
	for i, l := range labels {
		s := fmt.Sprintf("%s (%d)", orNone(l), rep.PerLabel[l].Support)
		ticks[i] = plot.Tick{Value: float64(n - 1 - i), Label: s}
		maxW = max(maxW, float64(tick.Width(s)))
	}
	p := newPlot(fmt.Sprintf("F1 per label (macro-F1 %.3f)", rep.MacroF1), "F1", "", fs)
	p.Y.Tick.Marker = plot.ConstantTicks(ticks)
	p.X.Tick.Label.Font = fontOf(sans, 8)
	p.X.Min, p.X.Max = 0, 1.08
	p.Y.Padding = 0
	val := textStyle(fs - 0.5)
	val.YAlign = draw.YCenter
	macro := lineStyle(ink, 0.8, 3, 2)
	p.Add(&custom{0, 1.08, -0.6, float64(n) - 0.4, func(c draw.Canvas, x, y func(float64) vg.Length) {
		for i, l := range labels {
			f := rep.PerLabel[l].F1
			yy := float64(n - 1 - i)
			col := blue
			switch {
			case f < 0.7:
				col = red
			case f < 0.85:
				col = orange
			}
			c.SetColor(col)
			c.Fill(rect(x(0), y(yy-0.38), x(f), y(yy+0.38)))
			c.FillText(val, vg.Point{X: x(f) + 2, Y: y(yy)}, fmt.Sprintf("%.2f", f))
		}
		c.StrokeLine2(macro, x(rep.MacroF1), y(-0.6), x(rep.MacroF1), y(float64(n)-0.4))
	}})
	w := 420 + maxW
	h := float64(n)*row + 80
	caption := "F1 (harmonic mean of precision and recall) per label, worst first; the number after a label is its support, the test messages that carry it. Red below 0.70, orange below 0.85; the dashed line is the macro-F1."
	return plotFigure(name, p.Title.Text, caption, w, h, p)
}

// ConfidenceFigure draws histograms of the confidence of right and of
// wrong predictions (20 bins, each as a share of its group), with
// thresholds as vertical lines.
func ConfidenceFigure(name string, outs []classifier.Outcome, thresholds []Mark) *Figure {
	const nb = 20
	var right, wrong [nb]float64
	nr, nw := 0, 0
	for _, o := range outs {
		b := min(max(int(o.Confidence*nb), 0), nb-1)
		if o.Predicted == o.Gold {
			right[b]++
			nr++
		} else {
			wrong[b]++
			nw++
		}
	}
	top := 0.0
	for b := range nb {
		if nr > 0 {
			right[b] /= float64(nr)
		}
		if nw > 0 {
			wrong[b] /= float64(nw)
		}
		top = max(top, right[b], wrong[b])
	}
	p := newPlot("Confidence of right and wrong predictions", "confidence (top label)", "share of group", 9)
	p.Legend.Left = true
	p.X.Min, p.X.Max, p.Y.Min, p.Y.Max = 0, 1, 0, top*1.1+0.01
	rc := color.NRGBA{0x1f, 0x5f, 0xa8, 0xdd}
	wc := color.NRGBA{0xc0, 0x1f, 0x1f, 0xdd}
	lab := textStyle(7.5)
	lab.Rotation = math.Pi / 2
	lab.XAlign = draw.XRight
	lab.YAlign = draw.YBottom // after the rotation: left of the line
	p.Add(&custom{0, 1, 0, top, func(c draw.Canvas, x, y func(float64) vg.Length) {
		for b := range nb {
			lo, hi := float64(b)/nb, float64(b+1)/nb
			mid := (lo + hi) / 2
			c.SetColor(rc)
			c.Fill(rect(x(lo)+0.5, y(0), x(mid), y(right[b])))
			c.SetColor(wc)
			c.Fill(rect(x(mid), y(0), x(hi)-0.5, y(wrong[b])))
		}
		for i, t := range thresholds {
			ls := lineStyle(ink, 1, 4, 2)
			if i > 0 {
				ls = lineStyle(purple, 1, 1.5, 2)
			}
			c.StrokeLine2(ls, x(t.Coverage), y(0), x(t.Coverage), y(top*1.1))
			c.FillText(lab, vg.Point{X: x(t.Coverage) - 3, Y: y(top*1.1) - 2}, t.Label)
		}
	}})
	p.Legend.Add(fmt.Sprintf("right (n = %d)", nr), legendEntry{fill: rc})
	p.Legend.Add(fmt.Sprintf("wrong (n = %d)", nw), legendEntry{fill: wc})
	caption := "How confident the model is when it is right (blue) and when it is wrong (red), each as a share of its own group. The less the red mass overlaps the blue, the better a threshold separates them; dashed lines are thresholds (their value is the x position)."
	return plotFigure(name, p.Title.Text, caption, 520, 360, p)
}

// DeltaF1Figure draws, per label, the change of F1 from model A to model
// B as a horizontal bar (green better, red worse), largest drop at the top.
func DeltaF1Figure(name string, cmp *Comparison) *Figure {
	ds := slices.Clone(cmp.Labels)
	slices.SortStableFunc(ds, func(a, b LabelDelta) int {
		switch {
		case a.DeltaF1 < b.DeltaF1:
			return -1
		case a.DeltaF1 > b.DeltaF1:
			return 1
		}
		return 0
	})
	n := len(ds)
	row, fs := 11.0, 7.0
	if n <= 20 {
		row, fs = 18, 8.5
	}
	lim := 0.02
	ticks := make([]plot.Tick, n)
	maxW := 0.0
	tick := textStyle(fs)
	for i, d := range ds {
		lim = max(lim, math.Abs(d.DeltaF1))
		ticks[i] = plot.Tick{Value: float64(n - 1 - i), Label: orNone(d.Label)}
		maxW = max(maxW, float64(tick.Width(d.Label)))
	}
	lim *= 1.25
	p := newPlot(fmt.Sprintf("Change of F1 per label: %s → %s", cmp.A, cmp.B), "F1 of B minus F1 of A", "", fs)
	p.Y.Tick.Marker = plot.ConstantTicks(ticks)
	p.X.Tick.Label.Font = fontOf(sans, 8)
	p.X.Min, p.X.Max = -lim, lim
	p.Y.Padding = 0
	val := textStyle(fs - 0.5)
	val.YAlign = draw.YCenter
	p.Add(&custom{-lim, lim, -0.6, float64(n) - 0.4, func(c draw.Canvas, x, y func(float64) vg.Length) {
		for i, d := range ds {
			yy := float64(n - 1 - i)
			col := green
			st := val
			if d.DeltaF1 < 0 {
				col = red
				st.XAlign = draw.XRight
			}
			if d.DeltaF1 == 0 {
				continue
			}
			c.SetColor(col)
			c.Fill(rect(x(min(0, d.DeltaF1)), y(yy-0.38), x(max(0, d.DeltaF1)), y(yy+0.38)))
			off := vg.Length(2)
			if d.DeltaF1 < 0 {
				off = -2
			}
			c.FillText(st, vg.Point{X: x(d.DeltaF1) + off, Y: y(yy)}, fmt.Sprintf("%+.2f", d.DeltaF1))
		}
		c.StrokeLine2(lineStyle(ink, 0.8), x(0), y(-0.6), x(0), y(float64(n)-0.4))
	}})
	caption := "Per label, how much F1 changed from the first model to the second: green bars got better, red ones worse, largest drop at the top."
	return plotFigure(name, p.Title.Text, caption, 436+maxW, float64(n)*row+80, p)
}
