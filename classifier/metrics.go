package classifier

import (
	"context"
	"math"
	"runtime"
	"slices"
	"sort"
	"sync"
	"sync/atomic"
	"time"
)

// Precisions at which Report gives coverage and thresholds.
var reportPrecisions = []struct {
	key string
	p   float64
}{{"0.90", 0.90}, {"0.95", 0.95}, {"0.99", 0.99}}

// LabelReport is one label's figures on a test set.
type LabelReport struct {
	Precision float64 `json:"precision"`
	Recall    float64 `json:"recall"`
	F1        float64 `json:"f1"`
	Support   int     `json:"support"`
}

// Confusion counts test examples of label Gold predicted as Predicted.
type Confusion struct {
	Gold      string `json:"gold"`
	Predicted string `json:"predicted"`
	Count     int    `json:"count"`
}

// Report is a model's performance on a labelled test set.
type Report struct {
	Accuracy float64 `json:"accuracy"`
	MacroF1  float64 `json:"macro_f1"`
	// ECE is the expected calibration error of the top label's
	// probability over 15 equal-width bins.
	ECE float64 `json:"ece"`
	// CoverageAtPrecision is, per target precision ("0.90", "0.95",
	// "0.99"), the largest fraction of the test set that can be answered,
	// most confident first, with accuracy at least the target.
	CoverageAtPrecision map[string]float64 `json:"coverage_at_precision"`
	// AbstainThresholdAtPrecision is the confidence threshold that
	// achieves that coverage (answer when confidence ≥ threshold); null
	// when no threshold reaches the precision.
	AbstainThresholdAtPrecision map[string]*float64    `json:"abstain_threshold_at_precision"`
	NTest                       int                    `json:"n_test"`
	PerLabel                    map[string]LabelReport `json:"per_label"`
	TopConfusions               []Confusion            `json:"top_confusions"`
	// PredictPerSecond is texts per second over one pass of the test set
	// with the model loaded, using Workers goroutines.
	PredictPerSecond float64 `json:"predict_per_second"`
	Workers          int     `json:"workers"`
	// Unknown counts test examples whose label the model does not know;
	// they count as errors.
	Unknown int `json:"unknown_labels,omitempty"`
}

// Outcome is one test example's prediction.
type Outcome struct {
	Gold       string
	Predicted  string
	Confidence float64
}

// Predictions classifies every example with workers goroutines (0 means
// GOMAXPROCS) and returns the outcomes in order and the elapsed time.
func Predictions(ctx context.Context, m *Model, test []Example, workers int) ([]Outcome, time.Duration, error) {
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	out := make([]Outcome, len(test))
	start := time.Now()
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)-1) * 64
				if i >= len(test) || ctx.Err() != nil {
					return
				}
				for t := i; t < min(i+64, len(test)); t++ {
					p := m.PredictTop(test[t].Text, 0)
					out[t] = Outcome{Gold: test[t].Label, Predicted: p.Label, Confidence: p.Confidence}
				}
			}
		}()
	}
	wg.Wait()
	return out, time.Since(start), ctx.Err()
}

// Evaluate classifies test with m and reports accuracy, macro-F1,
// calibration, coverage at precision and per-label figures.
func Evaluate(ctx context.Context, m *Model, test []Example, workers int) (*Report, error) {
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	outs, elapsed, err := Predictions(ctx, m, test, workers)
	if err != nil {
		return nil, err
	}
	r := Score(outs, m.labels)
	r.Workers = workers
	if elapsed > 0 {
		r.PredictPerSecond = float64(len(test)) / elapsed.Seconds()
	}
	return r, nil
}

// Score computes a Report (without timing) from outcomes. labels are the
// model's labels; gold labels outside them are counted in Unknown.
func Score(outs []Outcome, labels []string) *Report {
	r := &Report{
		NTest:                       len(outs),
		PerLabel:                    make(map[string]LabelReport),
		CoverageAtPrecision:         make(map[string]float64),
		AbstainThresholdAtPrecision: make(map[string]*float64),
	}
	known := make(map[string]bool, len(labels))
	for _, l := range labels {
		known[l] = true
	}
	tp := make(map[string]int)
	fp := make(map[string]int)
	sup := make(map[string]int)
	conf := make(map[[2]string]int)
	correct := make([]bool, len(outs))
	confs := make([]float64, len(outs))
	nCorrect := 0
	for i, o := range outs {
		sup[o.Gold]++
		if !known[o.Gold] {
			r.Unknown++
		}
		confs[i] = o.Confidence
		if o.Predicted == o.Gold {
			tp[o.Gold]++
			correct[i] = true
			nCorrect++
		} else {
			if o.Predicted != "" {
				fp[o.Predicted]++
			}
			conf[[2]string{o.Gold, o.Predicted}]++
		}
	}
	if len(outs) > 0 {
		r.Accuracy = float64(nCorrect) / float64(len(outs))
	}
	all := make(map[string]bool)
	for l := range sup {
		all[l] = true
	}
	for l := range fp {
		all[l] = true
	}
	var f1sum float64
	for l := range all {
		lr := LabelReport{Support: sup[l]}
		if d := tp[l] + fp[l]; d > 0 {
			lr.Precision = float64(tp[l]) / float64(d)
		}
		if sup[l] > 0 {
			lr.Recall = float64(tp[l]) / float64(sup[l])
		}
		if lr.Precision+lr.Recall > 0 {
			lr.F1 = 2 * lr.Precision * lr.Recall / (lr.Precision + lr.Recall)
		}
		r.PerLabel[l] = lr
		f1sum += lr.F1
	}
	if len(all) > 0 {
		r.MacroF1 = f1sum / float64(len(all))
	}
	r.ECE = ECE(correct, confs, 15)
	for _, rp := range reportPrecisions {
		cov, thr, ok := CoverageAtPrecision(correct, confs, rp.p)
		r.CoverageAtPrecision[rp.key] = cov
		if ok {
			t := thr
			r.AbstainThresholdAtPrecision[rp.key] = &t
		} else {
			r.AbstainThresholdAtPrecision[rp.key] = nil
		}
	}
	for k, n := range conf {
		r.TopConfusions = append(r.TopConfusions, Confusion{Gold: k[0], Predicted: k[1], Count: n})
	}
	sort.Slice(r.TopConfusions, func(a, b int) bool {
		x, y := r.TopConfusions[a], r.TopConfusions[b]
		if x.Count != y.Count {
			return x.Count > y.Count
		}
		if x.Gold != y.Gold {
			return x.Gold < y.Gold
		}
		return x.Predicted < y.Predicted
	})
	if len(r.TopConfusions) > 10 {
		r.TopConfusions = r.TopConfusions[:10]
	}
	return r
}

// ECE returns the expected calibration error of confidences against
// correctness over bins equal-width bins on [0,1] (see Reliability): the
// support-weighted mean of |accuracy − mean confidence| per bin.
func ECE(correct []bool, conf []float64, bins int) float64 {
	if len(correct) == 0 || bins <= 0 {
		return 0
	}
	var e float64
	for _, b := range Reliability(correct, conf, bins) {
		if b.N == 0 {
			continue
		}
		e += float64(b.N) / float64(len(conf)) * math.Abs(b.Acc-b.Conf)
	}
	return e
}

// ReliabilityBin is one bin of a reliability diagram: the items whose
// confidence lies in (Lo, Hi], the first bin [0, Hi].
type ReliabilityBin struct {
	Lo, Hi float64
	N      int     // items in the bin
	Conf   float64 // their mean confidence; 0 when N is 0
	Acc    float64 // the share of them that is correct; 0 when N is 0
}

// Reliability bins items by confidence into bins equal-width bins on
// [0,1]; a confidence outside [0,1] counts as 0 or 1. It returns nil when
// bins is not positive.
func Reliability(correct []bool, conf []float64, bins int) []ReliabilityBin {
	if bins <= 0 {
		return nil
	}
	bs := make([]ReliabilityBin, bins)
	for i := range bs {
		bs[i].Lo, bs[i].Hi = float64(i)/float64(bins), float64(i+1)/float64(bins)
	}
	for i, c := range conf {
		c = min(max(c, 0), 1)
		// Bins are (lo, hi], the first one [0, hi].
		b := int(math.Ceil(c*float64(bins))) - 1
		b = min(max(b, 0), bins-1)
		bs[b].N++
		bs[b].Conf += c
		if correct[i] {
			bs[b].Acc++
		}
	}
	for i := range bs {
		if n := float64(bs[i].N); n > 0 {
			bs[i].Conf /= n
			bs[i].Acc /= n
		}
	}
	return bs
}

// CoverageAtPrecision returns the largest fraction of items that can be
// answered, most confident first, with accuracy at least target among
// them, and the confidence threshold that selects them. A threshold cannot
// split items of equal confidence. ok is false when no threshold reaches
// the target.
func CoverageAtPrecision(correct []bool, conf []float64, target float64) (coverage, threshold float64, ok bool) {
	return CoverageAtPrecisionBound(correct, conf, target, 0)
}

// CoverageAtPrecisionBound is CoverageAtPrecision with a safety margin: a
// prefix of the items, most confident first, qualifies when the lower end
// of the Wilson score interval of its accuracy at z standard deviations
// reaches target. z = 0 is CoverageAtPrecision.
func CoverageAtPrecisionBound(correct []bool, conf []float64, target, z float64) (coverage, threshold float64, ok bool) {
	n := len(correct)
	if n == 0 {
		return 0, 0, false
	}
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int {
		switch {
		case conf[a] > conf[b]:
			return -1
		case conf[a] < conf[b]:
			return 1
		}
		return 0
	})
	cum := 0
	best := 0
	for k, i := range order {
		if correct[i] {
			cum++
		}
		boundary := k == n-1 || conf[order[k+1]] != conf[i]
		if boundary && wilsonLower(cum, k+1, z) >= target-1e-12 {
			best = k + 1
			threshold = conf[i]
		}
	}
	if best == 0 {
		return 0, 0, false
	}
	return float64(best) / float64(n), threshold, true
}

// wilsonLower is the lower end of the Wilson score interval of right/n
// at z standard deviations; right/n itself when z is 0.
func wilsonLower(right, n int, z float64) float64 {
	p := float64(right) / float64(n)
	if z == 0 {
		return p
	}
	nf := float64(n)
	z2 := z * z
	return (p + z2/(2*nf) - z*math.Sqrt(p*(1-p)/nf+z2/(4*nf*nf))) / (1 + z2/nf)
}
