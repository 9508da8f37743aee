package report

import (
	"fmt"
	"math"
	"slices"

	"github.com/antwort-dev/antwort/classifier"
)

// Decision is what a model decided on one message: a label, or abstain
// (confidence below its threshold, or an empty message).
type Decision struct {
	Label      string  `json:"label"`
	Confidence float64 `json:"confidence"`
	Abstain    bool    `json:"abstain"`
}

func (d Decision) String() string {
	if d.Abstain {
		return "abstain"
	}
	return d.Label
}

// Kinds of Change.
const (
	Fixed  = "fixed"  // A was wrong or abstained, B is right
	Broken = "broken" // A was right, B is wrong or abstains
	Other  = "other"  // both wrong, or one abstains on a wrong answer
)

// Change is a message whose decision differs between two models.
type Change struct {
	Index int      `json:"index"` // position in the test data
	Text  string   `json:"text"`  // redacted by the caller
	Gold  string   `json:"gold"`
	A     Decision `json:"a"`
	B     Decision `json:"b"`
	Kind  string   `json:"kind"`
}

// LabelDelta compares one label's figures between two models.
type LabelDelta struct {
	Label   string                 `json:"label"`
	A       classifier.LabelReport `json:"a"`
	B       classifier.LabelReport `json:"b"`
	DeltaF1 float64                `json:"delta_f1"`
}

// Comparison is two models evaluated on the same messages.
type Comparison struct {
	A, B string `json:"-"`
	N    int    `json:"n"`
	// Delta holds B minus A for accuracy, macro_f1, ece and coverage at
	// 0.90, 0.95 and 0.99 precision.
	Delta map[string]float64 `json:"delta"`
	// Labels are sorted by |DeltaF1|, largest first.
	Labels []LabelDelta `json:"labels"`
	// Changes lists every message whose decision changed: broken first,
	// then fixed, then the others, each in test order.
	Changes []Change `json:"changes"`
	Fixed   int      `json:"fixed"`
	Broken  int      `json:"broken"`
	Other   int      `json:"other"`
}

// Compare compares two models' decisions on the same messages; da and db
// are their decisions in the order of gold, ra and rb their reports on
// them. texts (same order, may be nil) are copied into the changes.
func Compare(gold, texts []string, da, db []Decision, ra, rb *classifier.Report) (*Comparison, error) {
	if len(da) != len(gold) || len(db) != len(gold) || texts != nil && len(texts) != len(gold) {
		return nil, fmt.Errorf("%w: compare %d gold labels with %d and %d decisions and %d texts", ErrOptions, len(gold), len(da), len(db), len(texts))
	}
	if len(gold) == 0 {
		return nil, ErrNoData
	}
	c := &Comparison{N: len(gold), Delta: map[string]float64{}}
	c.Delta["accuracy"] = rb.Accuracy - ra.Accuracy
	c.Delta["macro_f1"] = rb.MacroF1 - ra.MacroF1
	c.Delta["ece"] = rb.ECE - ra.ECE
	for _, k := range []string{"0.90", "0.95", "0.99"} {
		c.Delta["coverage_at_"+k] = rb.CoverageAtPrecision[k] - ra.CoverageAtPrecision[k]
	}
	seen := map[string]bool{}
	for _, per := range []map[string]classifier.LabelReport{ra.PerLabel, rb.PerLabel} {
		for l := range per {
			if !seen[l] {
				seen[l] = true
				c.Labels = append(c.Labels, LabelDelta{Label: l, A: ra.PerLabel[l], B: rb.PerLabel[l], DeltaF1: rb.PerLabel[l].F1 - ra.PerLabel[l].F1})
			}
		}
	}
	slices.SortFunc(c.Labels, func(x, y LabelDelta) int {
		if d := math.Abs(y.DeltaF1) - math.Abs(x.DeltaF1); d != 0 {
			if d > 0 {
				return 1
			}
			return -1
		}
		if x.Label < y.Label {
			return -1
		}
		if x.Label > y.Label {
			return 1
		}
		return 0
	})
	rank := map[string]int{Broken: 0, Fixed: 1, Other: 2}
	for i, g := range gold {
		a, b := da[i], db[i]
		if a.Abstain == b.Abstain && (a.Abstain || a.Label == b.Label) {
			continue
		}
		okA := !a.Abstain && a.Label == g
		okB := !b.Abstain && b.Label == g
		ch := Change{Index: i, Gold: g, A: a, B: b, Kind: Other}
		if texts != nil {
			ch.Text = texts[i]
		}
		switch {
		case okA && !okB:
			ch.Kind = Broken
			c.Broken++
		case okB && !okA:
			ch.Kind = Fixed
			c.Fixed++
		default:
			c.Other++
		}
		c.Changes = append(c.Changes, ch)
	}
	slices.SortStableFunc(c.Changes, func(x, y Change) int { return rank[x.Kind] - rank[y.Kind] })
	return c, nil
}
