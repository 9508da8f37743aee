package report

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"html/template"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/antwort-dev/antwort/classifier"
	"github.com/antwort-dev/antwort/entity"
)

//go:embed index.html.tmpl
var indexTemplate string

// Run is one model's evaluation in a report.
type Run struct {
	// Name says which model: "intent@4", or how it was trained.
	Name   string
	Report *classifier.Report
	// Outcomes are the per-message predictions, in the order of Texts
	// (which may be nil; Write redacts what it shows).
	Outcomes []classifier.Outcome
	Texts    []string
	// Labels are the model's labels.
	Labels []string
	// Threshold is the model's own abstain threshold (0 if none).
	Threshold float64
}

// Folds are the figures of a k-fold cross-validation.
type Folds struct {
	K    int
	Seed int64
	// Mean and Std (sample standard deviation over folds) per metric;
	// PerFold the metrics of each fold.
	Mean, Std map[string]float64
	PerFold   []map[string]float64
}

// Page is everything a report shows.
type Page struct {
	Title string
	// About lists lines describing data and model ("data: …", "model: …").
	About []string
	// Generated is shown in the report (not in summary.json).
	Generated time.Time
	// Summary is written as summary.json, indented.
	Summary any
	// Runs holds one run, or two for a comparison (A then B).
	Runs       []Run
	Folds      *Folds
	Advice     *Advice
	Comparison *Comparison
	// Policy, when set, is what the thresholds of PolicyFile do to the
	// first run's messages.
	Policy     *Automation
	PolicyFile string
	Skipped    int
}

// example is a confusion with a few of its messages.
type example struct {
	classifier.Confusion
	Messages []exampleMessage
}

type exampleMessage struct {
	Text       string
	Confidence float64
}

// figureRef is a figure as the HTML shows it.
type figureRef struct {
	*Figure
	CSSWidth int
}

// Write writes the report into dir (created if needed): index.html, the
// figures as PNG and SVG beside it, and summary.json. The HTML loads
// nothing from the network. Message texts shown are redacted
// (entity.Redact: e-mail addresses, phone numbers, IBANs).
func Write(ctx context.Context, dir string, p *Page) error {
	if len(p.Runs) == 0 || p.Runs[0].Report == nil {
		return ErrNoData
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	figs := Figures(p)
	for _, f := range figs {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := f.Save(dir); err != nil {
			return err
		}
	}
	if p.Summary != nil {
		b, err := json.MarshalIndent(p.Summary, "", "  ")
		if err != nil {
			return fmt.Errorf("report: summary: %w", err)
		}
		if err := os.WriteFile(filepath.Join(dir, "summary.json"), append(b, '\n'), 0o644); err != nil {
			return fmt.Errorf("report: %w", err)
		}
	}
	html, err := RenderHTML(p, figs)
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "index.html"), html, 0o644); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	return nil
}

// Figures returns the figures of a page: for one run the confusion
// matrix, reliability diagram, coverage curve, F1 bars and confidence
// histograms; for two runs (a comparison) both confusion matrices, the
// reliability and coverage of both, the change of F1 per label and the
// second run's confidence histograms.
func Figures(p *Page) []*Figure {
	var series []Series
	for _, r := range p.Runs {
		series = append(series, Series{Name: r.Name, Outcomes: r.Outcomes})
	}
	if len(series) == 1 {
		series[0].Name = ""
	}
	var marks []Mark
	var lines []Mark
	first := p.Runs[0]
	if t := first.Report.AbstainThresholdAtPrecision["0.95"]; t != nil {
		lines = append(lines, Mark{Label: fmt.Sprintf("95 %% precision: %.2f", *t), Coverage: *t})
	}
	if a := p.Advice; a != nil && len(p.Runs) == 1 {
		global, per := a.Thresholds()
		m := Automate(first.Outcomes, global, per, nil)
		marks = append(marks, Mark{Label: "per-intent thresholds", Coverage: m.Coverage, Precision: m.Precision})
		if a.SingleReached {
			s := Automate(first.Outcomes, a.SingleThreshold, nil, nil)
			marks = append(marks, Mark{Label: fmt.Sprintf("single threshold %.2f (%s)", a.SingleThreshold, orDash(a.FitOn)), Coverage: s.Coverage, Precision: s.Precision})
		}
	}
	if p.Policy != nil {
		marks = append(marks, Mark{Label: "policy " + filepath.Base(p.PolicyFile), Coverage: p.Policy.Coverage, Precision: p.Policy.Precision})
	}
	if len(p.Runs) == 1 {
		return []*Figure{
			ConfusionFigure("confusion", first.Outcomes, first.Labels),
			ReliabilityFigure("reliability", series...),
			CoverageFigure("coverage", marks, series...),
			F1Figure("f1", first.Report),
			ConfidenceFigure("confidence", first.Outcomes, lines),
		}
	}
	b := p.Runs[len(p.Runs)-1]
	figs := []*Figure{}
	for i, r := range p.Runs {
		f := ConfusionFigure(fmt.Sprintf("confusion-%c", 'a'+i), r.Outcomes, r.Labels)
		f.Title += ": " + r.Name
		figs = append(figs, f)
	}
	figs = append(figs, ReliabilityFigure("reliability", series...), CoverageFigure("coverage", marks, series...))
	if p.Comparison != nil {
		figs = append(figs, DeltaF1Figure("f1-delta", p.Comparison))
	}
	var bl []Mark
	if t := b.Report.AbstainThresholdAtPrecision["0.95"]; t != nil {
		bl = append(bl, Mark{Label: fmt.Sprintf("95 %% precision: %.2f", *t), Coverage: *t})
	}
	f := ConfidenceFigure("confidence", b.Outcomes, bl)
	f.Title += ": " + b.Name
	return append(figs, f)
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// maxExamples is how many messages are shown per confusion.
const maxExamples = 3

// maxShownChanges bounds the changed decisions listed in the HTML (the
// JSON summary has all).
const maxShownChanges = 200

// examples returns the top confusions of a run with up to maxExamples
// redacted messages each, most confident mistakes first.
func examples(r Run) []example {
	var out []example
	for _, c := range r.Report.TopConfusions {
		ex := example{Confusion: c}
		var idx []int
		for i, o := range r.Outcomes {
			if o.Gold == c.Gold && o.Predicted == c.Predicted && i < len(r.Texts) {
				idx = append(idx, i)
			}
		}
		slices.SortStableFunc(idx, func(a, b int) int {
			return cmpFloat(r.Outcomes[b].Confidence, r.Outcomes[a].Confidence)
		})
		for _, i := range idx[:min(len(idx), maxExamples)] {
			ex.Messages = append(ex.Messages, exampleMessage{Text: shorten(entity.Redact(r.Texts[i]), 300), Confidence: r.Outcomes[i].Confidence})
		}
		out = append(out, ex)
	}
	return out
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

var spaces = regexp.MustCompile(`\s+`)

// shorten collapses white space and cuts s to at most n runes.
func shorten(s string, n int) string {
	s = strings.TrimSpace(spaces.ReplaceAllString(s, " "))
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

type intentRow struct {
	Intent string
	IntentAdvice
	Test *Rate
}

type labelRow struct {
	Label string
	classifier.LabelReport
}

type foldRow struct {
	Name      string
	Mean, Std float64
	Values    []float64
}

// RenderHTML renders the report page referring to figs (files beside it).
func RenderHTML(p *Page, figs []*Figure) ([]byte, error) {
	t, err := template.New("index").Funcs(template.FuncMap{
		"pct":  func(x float64) string { return fmt.Sprintf("%.1f %%", 100*x) },
		"pct2": func(x float64) string { return fmt.Sprintf("%.2f %%", 100*x) },
		"f3":   func(x float64) string { return fmt.Sprintf("%.3f", x) },
		"f2":   func(x float64) string { return fmt.Sprintf("%.2f", x) },
		"sgn":  func(x float64) string { return fmt.Sprintf("%+.3f", x) },
		"sgnp": func(x float64) string { return fmt.Sprintf("%+.1f pt", 100*x) },
		"thr": func(m map[string]*float64, k string) string {
			if v := m[k]; v != nil {
				return fmt.Sprintf("%.3f", *v)
			}
			return "not reached"
		},
		"inc": func(i int) int { return i + 1 },
		"deltaClass": func(x float64) string {
			switch {
			case x > 1e-9:
				return "up"
			case x < -1e-9:
				return "down"
			}
			return ""
		},
	}).Parse(indexTemplate)
	if err != nil {
		return nil, fmt.Errorf("report: template: %w", err)
	}
	data := map[string]any{"P": p, "First": p.Runs[0], "Keys": []string{"0.90", "0.95", "0.99"}}
	refs := make([]figureRef, len(figs))
	for i, f := range figs {
		refs[i] = figureRef{Figure: f, CSSWidth: int(math.Round(f.Width * 4 / 3))}
	}
	data["Figures"] = refs
	data["Examples"] = examples(p.Runs[len(p.Runs)-1])
	var labels []labelRow
	last := p.Runs[len(p.Runs)-1].Report
	for l, r := range last.PerLabel {
		labels = append(labels, labelRow{Label: orNone(l), LabelReport: r})
	}
	slices.SortFunc(labels, func(a, b labelRow) int {
		if c := cmpFloat(a.F1, b.F1); c != 0 {
			return c
		}
		return strings.Compare(a.Label, b.Label)
	})
	data["Labels"] = labels
	if a := p.Advice; a != nil {
		var rows []intentRow
		for l, ia := range a.Intents {
			row := intentRow{Intent: l, IntentAdvice: ia}
			if a.Test != nil {
				if r, ok := a.Test.PerIntent.PerIntent[l]; ok {
					row.Test = &r
				} else {
					row.Test = &Rate{}
				}
			}
			rows = append(rows, row)
		}
		slices.SortFunc(rows, func(x, y intentRow) int { return strings.Compare(x.Intent, y.Intent) })
		data["Intents"] = rows
	}
	if f := p.Folds; f != nil {
		var rows []foldRow
		for _, k := range []string{"accuracy", "macro_f1", "ece", "coverage_at_0.90", "coverage_at_0.95", "coverage_at_0.99"} {
			if _, ok := f.Mean[k]; !ok {
				continue
			}
			r := foldRow{Name: k, Mean: f.Mean[k], Std: f.Std[k]}
			for _, pf := range f.PerFold {
				r.Values = append(r.Values, pf[k])
			}
			rows = append(rows, r)
		}
		data["FoldRows"] = rows
	}
	if c := p.Comparison; c != nil {
		var changed []LabelDelta
		for _, d := range c.Labels {
			if math.Abs(d.DeltaF1) > 1e-9 {
				changed = append(changed, d)
			}
		}
		data["ChangedLabels"] = changed
		data["Changes"] = c.Changes[:min(len(c.Changes), maxShownChanges)]
		data["MoreChanges"] = max(0, len(c.Changes)-maxShownChanges)
	}
	var b bytes.Buffer
	if err := t.Execute(&b, data); err != nil {
		return nil, fmt.Errorf("report: render: %w", err)
	}
	return b.Bytes(), nil
}
