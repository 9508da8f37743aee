package report

import (
	"fmt"
	"math"
	"slices"

	"github.com/antwort-dev/antwort/classifier"
)

// Defaults of AdviceOptions.
const (
	DefaultPrecision  = 0.95
	DefaultMinSupport = 20
)

// Modes of Advise.
const (
	// Joint (the default) ranks all held-out predictions by an
	// intent-corrected estimate of their chance of being right and keeps
	// the largest set whose precision reaches the target: intents the
	// model gets right more often than its confidence says get a lower
	// threshold, those it gets wrong more often a higher one, as far as
	// cross-validation on the held-out data supports it. The target holds
	// for all automatic answers together, not for each intent.
	Joint = "joint"
	// Each gives every intent the lowest threshold at which its own
	// predictions reach the target precision: a guarantee per intent, at
	// the price of coverage.
	Each = "each"
)

// Sources of an intent's threshold in Advice.
const (
	// FromIntent: the intent's own held-out predictions set its threshold.
	FromIntent = "intent"
	// FromGlobal: too few held-out predictions of the intent (fewer than
	// MinSupport) to trust a threshold of its own; the global one applies.
	FromGlobal = "global"
	// Never (mode Each): the intent has enough predictions but no
	// threshold reaches the target precision; its threshold is 1, so it
	// is (practically) never answered automatically.
	Never = "never"
)

// AdviceOptions configure Advise.
type AdviceOptions struct {
	// Precision is the target share of automatic answers whose intent is
	// right, in (0,1]; 0 means DefaultPrecision.
	Precision float64
	// MinSupport is the least number of held-out predictions of an intent
	// for it to get a threshold of its own; intents with fewer use the
	// global threshold. 0 means DefaultMinSupport.
	MinSupport int
	// Mode is Joint (default when empty) or Each.
	Mode string
	// Confidence, when above 0, asks for a safety margin: a set of
	// held-out answers counts as reaching the target only if the lower
	// bound of the Wilson score interval of its precision at this
	// one-sided confidence (e.g. 0.9) does, so that the target holds on
	// new data with about that probability. It needs more held-out data:
	// 26 right answers out of 26 only show 94 % at 0.9. 0 means none: the
	// measured precision must reach the target.
	Confidence float64
}

func (o AdviceOptions) withDefaults() (AdviceOptions, error) {
	if o.Precision == 0 {
		o.Precision = DefaultPrecision
	}
	if o.MinSupport == 0 {
		o.MinSupport = DefaultMinSupport
	}
	if o.Mode == "" {
		o.Mode = Joint
	}
	if math.IsNaN(o.Precision) || o.Precision <= 0 || o.Precision > 1 {
		return o, fmt.Errorf("%w: target precision %v outside (0,1]", ErrOptions, o.Precision)
	}
	if o.MinSupport < 1 {
		return o, fmt.Errorf("%w: minimum support %d: need at least 1", ErrOptions, o.MinSupport)
	}
	if o.Mode != Joint && o.Mode != Each {
		return o, fmt.Errorf("%w: mode %q: want %s or %s", ErrOptions, o.Mode, Joint, Each)
	}
	if math.IsNaN(o.Confidence) || o.Confidence < 0 || o.Confidence >= 1 || o.Confidence > 0 && o.Confidence < 0.5 {
		return o, fmt.Errorf("%w: confidence %v: want 0 (none) or a value in [0.5,1)", ErrOptions, o.Confidence)
	}
	return o, nil
}

// IntentAdvice is the advised threshold of one intent.
type IntentAdvice struct {
	Threshold float64 `json:"threshold"`
	// Source says where the threshold comes from: FromIntent, FromGlobal
	// or Never.
	Source string `json:"source"`
	// Support is the number of held-out messages predicted as the intent.
	Support int `json:"support"`
	// Coverage is the share of them at or above Threshold, and Precision
	// the share of those whose intent is right (0 when none is).
	Coverage  float64 `json:"coverage"`
	Precision float64 `json:"precision"`
}

// Advice is a set of confidence thresholds for automatic answers: one
// global threshold and one per intent, fitted on held-out predictions so
// that the answers above them reach a target precision.
type Advice struct {
	TargetPrecision float64 `json:"target_precision"`
	MinSupport      int     `json:"min_support"`
	Mode            string  `json:"mode"`
	Confidence      float64 `json:"confidence,omitempty"`
	// Shrink is the ridge penalty on the per-intent corrections in Joint
	// mode, chosen by cross-validation on the fit data: large means the
	// intents' held-out messages gave no reason to treat them apart.
	Shrink float64 `json:"shrink,omitempty"`
	// FitOn names the data the thresholds were fitted on ("dev", "test",
	// "folds", a file); set by the caller.
	FitOn string `json:"fit_on,omitempty"`
	NFit  int    `json:"n_fit"`
	// GlobalThreshold applies to intents without a threshold of their
	// own (FromGlobal, and intents not seen): the reply policy's
	// intent_threshold.
	GlobalThreshold float64                 `json:"global_threshold"`
	Intents         map[string]IntentAdvice `json:"intents"`
	// SingleThreshold is the baseline: the lowest confidence at which all
	// held-out predictions together reach the target with one threshold
	// for every intent; 1 when none does (SingleReached false).
	SingleThreshold float64 `json:"single_threshold"`
	SingleReached   bool    `json:"single_reached"`
	// Expected is the automation on the fit data with the per-intent
	// thresholds, Single with the single threshold.
	Expected Automation `json:"expected"`
	Single   Automation `json:"single"`
	// Test is the automation on separate test data, when the caller
	// applied the thresholds to some (see Validate).
	Test *Validation `json:"test,omitempty"`
}

// Validation is the automation that Advice's thresholds reach on data
// they were not fitted on.
type Validation struct {
	On        string     `json:"on,omitempty"`
	PerIntent Automation `json:"per_intent_thresholds"`
	Single    Automation `json:"single_threshold"`
}

// Automation is what a set of thresholds does to a set of messages: how
// many are answered automatically (confidence at or above the predicted
// intent's threshold) and how many of those have the right intent.
type Automation struct {
	N        int `json:"n"`
	Answered int `json:"answered"`
	Correct  int `json:"correct"`
	// Coverage is Answered/N, the automation rate; Precision is
	// Correct/Answered (0 when nothing is answered).
	Coverage  float64         `json:"coverage"`
	Precision float64         `json:"precision"`
	PerIntent map[string]Rate `json:"per_intent,omitempty"`
}

// Rate is Automation for the messages predicted as one intent.
type Rate struct {
	Predicted int     `json:"predicted"`
	Answered  int     `json:"answered"`
	Correct   int     `json:"correct"`
	Coverage  float64 `json:"coverage"`
	Precision float64 `json:"precision"`
}

// Advise fits thresholds on held-out outcomes (predictions of a model on
// data it was not trained on) so that the automatic answers reach the
// target precision; see Joint and Each for how. Intents predicted fewer
// than MinSupport times get the global threshold. labels are the model's
// labels; intents it never predicted get the global threshold too.
func Advise(outs []classifier.Outcome, labels []string, o AdviceOptions) (*Advice, error) {
	o, err := o.withDefaults()
	if err != nil {
		return nil, err
	}
	if len(outs) == 0 {
		return nil, ErrNoData
	}
	a := &Advice{TargetPrecision: o.Precision, MinSupport: o.MinSupport, Mode: o.Mode, Confidence: o.Confidence, NFit: len(outs), Intents: map[string]IntentAdvice{}}
	z := 0.0
	if o.Confidence > 0 {
		z = math.Sqrt2 * math.Erfinv(2*o.Confidence-1)
	}
	correct, conf := split(outs)
	if _, thr, ok := classifier.CoverageAtPrecisionBound(correct, conf, o.Precision, z); ok {
		a.SingleThreshold, a.SingleReached = thr, true
	} else {
		a.SingleThreshold = 1
	}
	by := map[string][]classifier.Outcome{}
	for _, x := range outs {
		if x.Predicted != "" {
			by[x.Predicted] = append(by[x.Predicted], x)
		}
	}
	for _, l := range labels {
		if _, ok := by[l]; !ok {
			by[l] = nil
		}
	}
	own := func(l string) bool { return len(by[l]) >= o.MinSupport }
	thr := map[string]float64{}
	src := map[string]string{}
	if o.Mode == Each {
		a.GlobalThreshold = a.SingleThreshold
		for l, xs := range by {
			thr[l], src[l] = a.GlobalThreshold, FromGlobal
			if !own(l) {
				continue
			}
			c, f := split(xs)
			if _, t, ok := classifier.CoverageAtPrecisionBound(c, f, o.Precision, z); ok {
				thr[l], src[l] = t, FromIntent
			} else {
				thr[l], src[l] = 1, Never
			}
		}
	} else {
		a.Shrink = chooseShrink(outs, own)
		r := fitRecalibration(outs, own, a.Shrink)
		a.GlobalThreshold, thr = r.thresholds(outs, o.Precision, z)
		for l := range by {
			src[l] = FromGlobal
			if _, ok := thr[l]; ok {
				src[l] = FromIntent
			} else {
				thr[l] = a.GlobalThreshold
			}
		}
	}
	for l, xs := range by {
		ia := IntentAdvice{Support: len(xs), Threshold: thr[l], Source: src[l]}
		r := rate(xs, ia.Threshold)
		ia.Coverage, ia.Precision = r.Coverage, r.Precision
		a.Intents[l] = ia
	}
	global, per := a.Thresholds()
	a.Expected = Automate(outs, global, per, nil)
	a.Single = Automate(outs, a.SingleThreshold, nil, nil)
	return a, nil
}

// Thresholds returns the global threshold and the per-intent thresholds
// that differ from it by source (FromIntent and Never), as a reply policy
// takes them.
func (a *Advice) Thresholds() (global float64, perIntent map[string]float64) {
	perIntent = make(map[string]float64)
	for l, ia := range a.Intents {
		if ia.Source != FromGlobal {
			perIntent[l] = ia.Threshold
		}
	}
	return a.GlobalThreshold, perIntent
}

// Validate applies a's thresholds to outcomes on data they were not
// fitted on, records the result in a.Test and returns it.
func (a *Advice) Validate(outs []classifier.Outcome, on string) *Validation {
	global, per := a.Thresholds()
	v := &Validation{On: on, PerIntent: Automate(outs, global, per, nil), Single: Automate(outs, a.SingleThreshold, nil, nil)}
	a.Test = v
	return v
}

// Automate applies thresholds to outcomes: a message is answered when its
// predicted intent is not empty, not in never, and its confidence is at
// least the intent's threshold (perIntent, else global).
func Automate(outs []classifier.Outcome, global float64, perIntent map[string]float64, never []string) Automation {
	a := Automation{N: len(outs), PerIntent: map[string]Rate{}}
	for _, x := range outs {
		if x.Predicted == "" {
			continue
		}
		r := a.PerIntent[x.Predicted]
		r.Predicted++
		thr, ok := perIntent[x.Predicted]
		if !ok {
			thr = global
		}
		if x.Confidence >= thr && !slices.Contains(never, x.Predicted) {
			r.Answered++
			a.Answered++
			if x.Predicted == x.Gold {
				r.Correct++
				a.Correct++
			}
		}
		a.PerIntent[x.Predicted] = r
	}
	for l, r := range a.PerIntent {
		r.Coverage, r.Precision = ratio(r.Answered, r.Predicted), ratio(r.Correct, r.Answered)
		a.PerIntent[l] = r
	}
	a.Coverage, a.Precision = ratio(a.Answered, a.N), ratio(a.Correct, a.Answered)
	return a
}

func rate(xs []classifier.Outcome, thr float64) Rate {
	r := Rate{Predicted: len(xs)}
	for _, x := range xs {
		if x.Confidence >= thr {
			r.Answered++
			if x.Predicted == x.Gold {
				r.Correct++
			}
		}
	}
	r.Coverage, r.Precision = ratio(r.Answered, r.Predicted), ratio(r.Correct, r.Answered)
	return r
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

func split(outs []classifier.Outcome) ([]bool, []float64) {
	c := make([]bool, len(outs))
	f := make([]float64, len(outs))
	for i, x := range outs {
		c[i] = x.Predicted == x.Gold
		f[i] = x.Confidence
	}
	return c, f
}
