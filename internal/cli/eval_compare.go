package cli

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/antwort-dev/antwort/classifier"
	"github.com/antwort-dev/antwort/entity"
	"github.com/antwort-dev/antwort/models"
	"github.com/antwort-dev/antwort/reply"
	"github.com/antwort-dev/antwort/report"
)

// compareResult is the JSON object eval --compare prints.
type compareResult struct {
	Task    string             `json:"task"`
	Test    string             `json:"test"`
	NTest   int                `json:"n_test"`
	Skipped int                `json:"skipped"`
	A       compareSide        `json:"a"`
	B       compareSide        `json:"b"`
	Policy  string             `json:"policy,omitempty"`
	Compare *report.Comparison `json:"comparison"`
}

type compareSide struct {
	Model string `json:"model"`
	*classifier.Report
}

// parseModelRef parses NAME[:VERSION]; a missing or 0 version means the
// active one.
func parseModelRef(s string) (string, int, error) {
	name, v, ok := strings.Cut(s, ":")
	if !models.ValidName(name) {
		return "", 0, flagErrorf("--compare %q: want NAME:VERSION, e.g. intent:3", s)
	}
	if !ok || v == "" {
		return name, 0, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		return "", 0, flagErrorf("--compare %q: version %q is not a number >= 0", s, v)
	}
	return name, n, nil
}

// decisions turns outcomes into decisions: abstain below the policy's
// intent threshold when a policy is given, else below the model's own
// thresholds.
func decisions(m *classifier.Model, outs []classifier.Outcome, pol *reply.Policy) []report.Decision {
	lt := m.LabelThresholds()
	out := make([]report.Decision, len(outs))
	for i, o := range outs {
		thr := m.Threshold()
		if t, ok := lt[o.Predicted]; ok {
			thr = t
		}
		never := false
		if pol != nil {
			thr = pol.IntentThreshold
			if t, ok := pol.IntentThresholds[o.Predicted]; ok {
				thr = t
			}
			never = slices.Contains(pol.NeverAuto, o.Predicted)
		}
		out[i] = report.Decision{Label: o.Predicted, Confidence: o.Confidence, Abstain: o.Predicted == "" || o.Confidence < thr || never}
	}
	return out
}

func (o *evalOptions) runCompare(ctx context.Context, pol *reply.Policy) error {
	if len(o.compare) != 2 {
		return flagErrorf("--compare: give exactly two models (NAME:VERSION), got %d", len(o.compare))
	}
	if o.testFile == "" {
		return flagErrorf("--compare needs --test FILE")
	}
	type side struct {
		m    *classifier.Model
		name string
		rep  *classifier.Report
		outs []classifier.Outcome
	}
	var sides [2]side
	for i, ref := range o.compare {
		name, version, err := parseModelRef(ref)
		if err != nil {
			return err
		}
		m, full, _, err := o.g.loadModel(ctx, name, version)
		if err != nil {
			return err
		}
		sides[i] = side{m: m, name: full}
	}
	test, skipped, err := o.readTest(ctx)
	if err != nil {
		return err
	}
	gold := make([]string, len(test))
	for i, e := range test {
		gold[i] = e.Label
	}
	for i := range sides {
		sides[i].rep, sides[i].outs, err = evaluate(ctx, sides[i].m, test, o.workers)
		if err != nil {
			return err
		}
	}
	a, b := sides[0], sides[1]
	cmp, err := report.Compare(gold, texts(test), decisions(a.m, a.outs, pol), decisions(b.m, b.outs, pol), a.rep, b.rep)
	if err != nil {
		return err
	}
	cmp.A, cmp.B = a.name, b.name
	for i := range cmp.Changes {
		cmp.Changes[i].Text = entity.Redact(cmp.Changes[i].Text)
	}
	res := &compareResult{Task: o.task, Test: o.testFile, NTest: len(test), Skipped: skipped, Policy: o.policy,
		A: compareSide{Model: a.name, Report: a.rep}, B: compareSide{Model: b.name, Report: b.rep}, Compare: cmp}
	if o.format == "json" {
		if err := writeJSON(o.g.io.Out, res); err != nil {
			return err
		}
	} else {
		o.printCompare(res)
	}
	if o.reportDir != "" {
		abstain := "below each model's own abstain threshold"
		if pol != nil {
			abstain = "below the intent thresholds of " + o.policy
		}
		page := &report.Page{
			Title: fmt.Sprintf("antwort eval: %s compared with %s", b.name, a.name),
			About: []string{fmt.Sprintf("data: %s%s, %d messages", o.testFile, splitNote(o.testSplit), len(test)),
				fmt.Sprintf("models: A = %s, B = %s from %s; a model abstains %s", a.name, b.name, o.g.db, abstain)},
			Generated: time.Now(), Summary: res, Comparison: cmp, Skipped: skipped,
			Runs: []report.Run{
				{Name: a.name, Report: a.rep, Outcomes: a.outs, Texts: texts(test), Labels: a.m.Labels(), Threshold: a.m.Threshold()},
				{Name: b.name, Report: b.rep, Outcomes: b.outs, Texts: texts(test), Labels: b.m.Labels(), Threshold: b.m.Threshold()},
			},
		}
		if err := o.writeReport(ctx, page); err != nil {
			return err
		}
	}
	if skipped > 0 {
		return &partialError{skipped: skipped}
	}
	return nil
}

func (o *evalOptions) printCompare(r *compareResult) {
	w := o.g.io.Out
	c := r.Compare
	fmt.Fprintf(w, "%-22s %12s %12s %10s\n", "", "A "+r.A.Model, "B "+r.B.Model, "B − A")
	fmt.Fprintf(w, "%-22s %12.4f %12.4f %+10.4f\n", "accuracy", r.A.Accuracy, r.B.Accuracy, c.Delta["accuracy"])
	fmt.Fprintf(w, "%-22s %12.4f %12.4f %+10.4f\n", "macro-F1", r.A.MacroF1, r.B.MacroF1, c.Delta["macro_f1"])
	fmt.Fprintf(w, "%-22s %12.4f %12.4f %+10.4f\n", "ECE", r.A.ECE, r.B.ECE, c.Delta["ece"])
	for _, k := range []string{"0.90", "0.95", "0.99"} {
		fmt.Fprintf(w, "%-22s %12.4f %12.4f %+10.4f\n", "coverage@"+k, r.A.CoverageAtPrecision[k], r.B.CoverageAtPrecision[k], c.Delta["coverage_at_"+k])
	}
	fmt.Fprintf(w, "%d of %d decisions changed: %d fixed, %d broken, %d other\n", len(c.Changes), r.NTest, c.Fixed, c.Broken, c.Other)
	for i, ch := range c.Changes {
		if i == 20 {
			fmt.Fprintf(w, "  … %d more (see --format json)\n", len(c.Changes)-20)
			break
		}
		fmt.Fprintf(w, "  %-6s #%d %s: %s → %s  %q\n", ch.Kind, ch.Index, ch.Gold, ch.A, ch.B, shortText(ch.Text, 70))
	}
}

func shortText(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
