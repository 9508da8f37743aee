package report

import (
	"bytes"
	"fmt"
	"image/color"
	"io"
	"math"
	"os"
	"path/filepath"

	xfont "golang.org/x/image/font"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgsvg"
)

// DPI is the resolution of the PNG figures: a figure of W×H points is
// W·DPI/72 × H·DPI/72 pixels, rounded (twice the CSS pixel density, sharp
// on high-density screens). Figures are sized in whole points.
const DPI = 144

// Figure is one picture of a report, drawn as PNG or SVG.
type Figure struct {
	// Name is the file name without extension.
	Name string
	// Title and Caption are the heading and the how-to-read-it text in
	// the report.
	Title   string
	Caption string
	// Width and Height are the size in points (1/72 inch).
	Width, Height float64
	draw          func(c draw.Canvas)

	// dataArea and legendArea are where the last drawing put the plot's
	// data and its legend, when the legend is drawn outside the data.
	dataArea, legendArea vg.Rectangle
}

// PixelSize returns the size of the PNG in pixels.
func (f *Figure) PixelSize() (w, h int) {
	return int(f.Width*DPI/72 + 0.5), int(f.Height*DPI/72 + 0.5)
}

// WritePNG draws the figure as a PNG image.
func (f *Figure) WritePNG(w io.Writer) (err error) {
	defer recoverDraw(f.Name, &err)
	c := vgimg.NewWith(vgimg.UseWH(vg.Length(f.Width), vg.Length(f.Height)), vgimg.UseDPI(DPI), vgimg.UseBackgroundColor(color.White))
	f.draw(draw.New(c))
	_, err = vgimg.PngCanvas{Canvas: c}.WriteTo(w)
	return err
}

// WriteSVG draws the figure as an SVG image (fonts referenced by name,
// not embedded).
func (f *Figure) WriteSVG(w io.Writer) (err error) {
	defer recoverDraw(f.Name, &err)
	c := vgsvg.New(vg.Length(f.Width), vg.Length(f.Height))
	dc := draw.New(c)
	dc.SetColor(color.White)
	dc.Fill(dc.Rectangle.Path())
	f.draw(dc)
	_, err = c.WriteTo(w)
	return err
}

// Save writes dir/Name.png and dir/Name.svg.
func (f *Figure) Save(dir string) error {
	for _, ext := range []string{"png", "svg"} {
		var b bytes.Buffer
		var err error
		if ext == "png" {
			err = f.WritePNG(&b)
		} else {
			err = f.WriteSVG(&b)
		}
		if err != nil {
			return err
		}
		path := filepath.Join(dir, f.Name+"."+ext)
		if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
			return fmt.Errorf("report: write figure: %w", err)
		}
	}
	return nil
}

// recoverDraw turns a panic inside the plotting library (it panics on
// inconsistent input) into an error naming the figure.
func recoverDraw(name string, err *error) {
	if r := recover(); r != nil {
		*err = fmt.Errorf("report: draw figure %s: %v", name, r)
	}
}

// Fonts and colours shared by the figures.
var (
	sans     = font.Font{Typeface: "Liberation", Variant: "Sans"}
	sansBold = font.Font{Typeface: "Liberation", Variant: "Sans", Weight: xfont.WeightBold}
	ink      = color.RGBA{0x22, 0x22, 0x22, 0xff}
	grey     = color.RGBA{0x99, 0x99, 0x99, 0xff}
	blue     = color.RGBA{0x1f, 0x5f, 0xa8, 0xff}
	orange   = color.RGBA{0xe0, 0x6c, 0x00, 0xff}
	red      = color.RGBA{0xc0, 0x1f, 0x1f, 0xff}
	green    = color.RGBA{0x2a, 0x8a, 0x3b, 0xff}
	purple   = color.RGBA{0x6a, 0x3d, 0x9a, 0xff}
)

// seriesColor is the colour of the i-th model in figures with several.
func seriesColor(i int) color.RGBA {
	return [...]color.RGBA{blue, orange, green, purple, red}[i%5]
}

func fontOf(f font.Font, size float64) font.Font {
	f.Size = vg.Length(size)
	return f
}

func textStyle(size float64) text.Style {
	return text.Style{Color: ink, Font: fontOf(sans, size), Handler: plot.DefaultTextHandler}
}

// newPlot returns a plot with sans-serif text: title 12 pt, axis labels
// 10 pt, tick labels tick pt.
func newPlot(title, xLabel, yLabel string, tick float64) *plot.Plot {
	p := plot.New()
	p.Title.Text = title
	p.Title.TextStyle.Font = fontOf(sansBold, 12)
	p.Title.Padding = 8
	p.X.Label.Text = xLabel
	p.Y.Label.Text = yLabel
	for _, a := range []*plot.Axis{&p.X, &p.Y} {
		a.Label.TextStyle.Font = fontOf(sans, 10)
		a.Tick.Label.Font = fontOf(sans, tick)
		a.Label.TextStyle.Color = ink
		a.Tick.Label.Color = ink
	}
	p.Legend.TextStyle.Font = fontOf(sans, 9)
	p.Legend.Top = true
	return p
}

// ramp interpolates linearly between colour stops at t in [0,1].
func ramp(stops []color.RGBA, t float64) color.RGBA {
	t = min(max(t, 0), 1)
	x := t * float64(len(stops)-1)
	i := min(int(x), len(stops)-2)
	f := x - float64(i)
	a, b := stops[i], stops[i+1]
	mix := func(u, v uint8) uint8 { return uint8(math.Round(float64(u) + f*(float64(v)-float64(u)))) }
	return color.RGBA{mix(a.R, b.R), mix(a.G, b.G), mix(a.B, b.B), 0xff}
}

// errRamp colours errors (off the diagonal): light orange to dark red.
func errRamp() []color.RGBA {
	return []color.RGBA{{0xff, 0xf0, 0xd9, 0xff}, {0xfd, 0xae, 0x61, 0xff}, {0xe3, 0x4a, 0x33, 0xff}, {0x7f, 0x00, 0x00, 0xff}}
}

// rightRamp colours right answers (the diagonal): light to dark blue.
func rightRamp() []color.RGBA {
	return []color.RGBA{{0xde, 0xeb, 0xf7, 0xff}, {0x6b, 0xae, 0xd6, 0xff}, {0x08, 0x30, 0x6b, 0xff}}
}

// rect returns a closed rectangular path.
func rect(x0, y0, x1, y1 vg.Length) vg.Path {
	var p vg.Path
	p.Move(vg.Point{X: x0, Y: y0})
	p.Line(vg.Point{X: x1, Y: y0})
	p.Line(vg.Point{X: x1, Y: y1})
	p.Line(vg.Point{X: x0, Y: y1})
	p.Close()
	return p
}

func pct(x float64) string { return fmt.Sprintf("%.1f %%", 100*x) }
