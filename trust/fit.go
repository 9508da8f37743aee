package trust

import (
	"errors"
	"fmt"
	"slices"
	"sort"

	"gonum.org/v1/gonum/mathext"
)

// Sample is one out-of-fold prediction: the signals a model that did not
// see the message gave, the message's true intent, and whether the answer
// would have been right.
type Sample struct {
	Signals
	// Gold is the message's labelled intent.
	Gold string
	// Right says whether the proposed answer was the right one (the
	// intent was right, and the article, if any, answers it).
	Right bool
	// Eligible says whether the policy's hard checks (an article in the
	// mail's language, linked to the intent; one request; …) would allow
	// an automatic answer at all. Samples that are not eligible are never
	// sent; they count for the automation rate, and the threshold is
	// chosen on the eligible ones.
	Eligible bool
	// Learn says whether the sample shapes the regression: it has a
	// proposed answer whose rightness says something about the signals,
	// eligible or not (a draft with a gap to fill is never sent, but its
	// intent and article were right or wrong all the same). When no
	// sample has Learn set, the eligible ones are learnt from.
	Learn bool
}

// Options configures Fit. The zero value is not usable: MaxWrong is
// required.
type Options struct {
	// MaxWrong is the target: the most wrong answers per automatic answer
	// (0 < MaxWrong < 1), e.g. 0.01.
	MaxWrong float64
	// Level is the confidence of the upper bound (default 0.95).
	Level float64
	// Features are the Model's features (default AnswerFeatures when any
	// sample has an answer, else ClassifierFeatures).
	Features []string
	// Folds is the number of cross-fitting folds for the threshold
	// (default 5).
	Folds int
	// Lambda is the regression's L2 penalty on standardised weights
	// (default 1).
	Lambda float64
}

// ErrTooLittleData is returned by Fit when the samples cannot support a
// rule: too few eligible ones, or all of them right or all wrong.
var ErrTooLittleData = errors.New("trust: too little data to fit a send rule")

// MinSamples is the fewest eligible samples Fit accepts.
const MinSamples = 20

// Never is the threshold of a rule that sends nothing: no estimate
// reaches it.
const Never = 2.0

// Rule is a fitted send rule: answer automatically when P(correct) from
// Model is at least Threshold and the intent is not Excluded.
type Rule struct {
	MaxWrong  float64 `yaml:"max_wrong" json:"max_wrong"`
	Level     float64 `yaml:"level" json:"level"`
	Threshold float64 `yaml:"threshold" json:"threshold"`
	Model     Model   `yaml:"model" json:"model"`
	// Excluded are intents left to people, with the reason.
	Excluded map[string]string `yaml:"excluded,omitempty" json:"excluded,omitempty"`
}

// Sends reports whether the rule sends an answer with estimated
// probability p for intent.
func (r *Rule) Sends(intent string, p float64) bool {
	_, out := r.Excluded[intent]
	return !out && p >= r.Threshold
}

// Validate checks that r is usable.
func (r *Rule) Validate() error {
	switch {
	case !(r.MaxWrong > 0 && r.MaxWrong < 1):
		return fmt.Errorf("max_wrong %v outside (0,1)", r.MaxWrong)
	case !(r.Level > 0 && r.Level < 1):
		return fmt.Errorf("level %v outside (0,1)", r.Level)
	case !(r.Threshold >= 0 && r.Threshold <= Never):
		return fmt.Errorf("threshold %v outside [0,%v]", r.Threshold, Never)
	}
	return r.Model.Validate()
}

// Report describes what a fitted rule does to the samples it was fitted
// on (the cross-fitted estimates).
type Report struct {
	// Samples is the number of samples, Eligible those the hard checks
	// allow.
	Samples, Eligible int
	// Sent is how many the rule sends, Wrong how many of those are wrong.
	Sent, Wrong int
	// Coverage is Sent/Samples; ErrorRate Wrong/Sent; Upper the upper
	// confidence bound on the error rate.
	Coverage, ErrorRate, Upper float64
	// Needed is how many answers, all right, an intent needs to show
	// MaxWrong on its own.
	Needed    int
	PerIntent []IntentReport
}

// IntentReport is one intent's share of a Report.
type IntentReport struct {
	Intent string
	// Samples are the messages labelled with this intent, Sent the
	// automatic answers predicted as this intent and Wrong how many of
	// them were wrong.
	Samples, Sent, Wrong int
	Coverage             float64 // Sent/Samples (answers for this intent's own messages and others' predicted as it)
	// Excluded gives the reason when the rule leaves the intent to people.
	Excluded string
	// Thin says the intent has fewer samples than Report.Needed: the
	// target cannot be shown for it alone, only for all intents together.
	Thin bool
}

// Fit fits the P(correct) model and chooses the send rule for
// opts.MaxWrong (see the package documentation).
func Fit(samples []Sample, opts Options) (*Rule, *Report, error) {
	if !(opts.MaxWrong > 0 && opts.MaxWrong < 1) {
		return nil, nil, fmt.Errorf("trust: max wrong %v must lie in (0,1)", opts.MaxWrong)
	}
	if opts.Level == 0 {
		opts.Level = 0.95
	}
	if !(opts.Level > 0 && opts.Level < 1) {
		return nil, nil, fmt.Errorf("trust: level %v must lie in (0,1)", opts.Level)
	}
	if opts.Folds == 0 {
		opts.Folds = 5
	}
	if opts.Folds < 2 {
		return nil, nil, fmt.Errorf("trust: %d folds, need at least 2", opts.Folds)
	}
	if opts.Lambda == 0 {
		opts.Lambda = 1
	}
	var elig, learn []int
	answers, anyLearn := false, false
	right := 0
	for i, s := range samples {
		if s.Eligible {
			elig = append(elig, i)
		}
		anyLearn = anyLearn || s.Learn
		answers = answers || s.Answer
	}
	for i, s := range samples {
		if s.Learn || !anyLearn && s.Eligible {
			learn = append(learn, i)
			if s.Right {
				right++
			}
		}
	}
	if len(learn) < MinSamples {
		return nil, nil, fmt.Errorf("%w: %d messages with a proposed answer, need at least %d", ErrTooLittleData, len(learn), MinSamples)
	}
	if right == 0 {
		return nil, nil, fmt.Errorf("%w: none of %d proposed answers was right", ErrTooLittleData, len(learn))
	}
	features := opts.Features
	if features == nil {
		features = ClassifierFeatures
		if answers {
			features = AnswerFeatures
		}
	}
	for _, f := range features {
		if !known(f) {
			return nil, nil, fmt.Errorf("trust: unknown feature %q", f)
		}
	}
	rule := &Rule{MaxWrong: opts.MaxWrong, Level: opts.Level, Excluded: map[string]string{}}
	intents := map[string]bool{}
	for _, i := range learn {
		intents[samples[i].Intent] = true
	}
	// Cross-fitted estimates: each eligible sample is scored by a model
	// fitted without its fold, so that the threshold is chosen on
	// estimates the regression has not seen. Then intents whose answers
	// are wrong more often than their estimates say are left to people,
	// and the estimates are made again without them: one threshold is
	// only right for every intent when the estimates are right for each.
	var p []float64
	for range 10 {
		use := included(samples, learn, rule.Excluded)
		if len(use) < MinSamples {
			return nil, nil, fmt.Errorf("%w: %d messages left after leaving out %d intents", ErrTooLittleData, len(use), len(rule.Excluded))
		}
		p = crossFit(samples, use, features, opts)
		if !excludeMiscalibrated(samples, use, p, rule, len(intents)) {
			break
		}
	}
	// Eligible samples the regression did not learn from (none when Learn
	// is not set) are scored by a model fitted on all learnt samples,
	// which has not seen them either.
	if anyLearn {
		m := fitModel(pick(samples, included(samples, learn, rule.Excluded)), features, opts.Lambda)
		for _, i := range elig {
			if !samples[i].Learn {
				p[i] = m.P(samples[i].Signals)
			}
		}
	}
	rule.Threshold = threshold(samples, included(samples, elig, rule.Excluded), p, opts)
	rep := report(samples, elig, p, rule, opts)
	rule.Model = fitModel(pick(samples, included(samples, learn, rule.Excluded)), features, opts.Lambda)
	if len(rule.Excluded) == 0 {
		rule.Excluded = nil
	}
	return rule, rep, nil
}

// threshold returns the lowest estimate at which the answers sent (of use,
// those with an estimate at least the threshold) have an upper
// bound on their error rate at or below the target; above 1 when none
// does (Never).
func threshold(samples []Sample, use []int, p []float64, opts Options) float64 {
	idx := slices.Clone(use)
	sort.SliceStable(idx, func(a, b int) bool { return p[idx[a]] > p[idx[b]] })
	best := Never
	wrong := 0
	for k, i := range idx {
		if !samples[i].Right {
			wrong++
		}
		n := k + 1
		if n < len(idx) && p[idx[n]] == p[i] {
			continue // a threshold cannot split equal estimates
		}
		if float64(wrong) > opts.MaxWrong*float64(n) {
			continue // the bound is above the observed rate
		}
		if Upper(wrong, n, opts.Level) <= opts.MaxWrong {
			best = p[i]
		}
	}
	return best
}

func perIntent(samples []Sample, elig []int, p []float64, rule *Rule) []IntentReport {
	by := map[string]*IntentReport{}
	get := func(intent string) *IntentReport {
		r := by[intent]
		if r == nil {
			r = &IntentReport{Intent: intent}
			by[intent] = r
		}
		return r
	}
	for _, s := range samples {
		if s.Gold != "" {
			get(s.Gold).Samples++
		}
	}
	for _, i := range elig {
		s := &samples[i]
		if p[i] >= rule.Threshold {
			r := get(s.Intent)
			if why, out := rule.Excluded[s.Intent]; out {
				r.Excluded = why
				continue
			}
			r.Sent++
			if !s.Right {
				r.Wrong++
			}
		}
	}
	for intent, why := range rule.Excluded {
		get(intent).Excluded = why
	}
	out := make([]IntentReport, 0, len(by))
	for _, r := range by {
		if r.Samples > 0 {
			r.Coverage = float64(r.Sent) / float64(r.Samples)
		}
		out = append(out, *r)
	}
	slices.SortFunc(out, func(a, b IntentReport) int {
		switch {
		case a.Intent < b.Intent:
			return -1
		case a.Intent > b.Intent:
			return 1
		}
		return 0
	})
	return out
}

func report(samples []Sample, elig []int, p []float64, rule *Rule, opts Options) *Report {
	r := &Report{Samples: len(samples), Eligible: len(elig), Needed: Needed(opts.MaxWrong, opts.Level)}
	r.PerIntent = perIntent(samples, elig, p, rule)
	for i := range r.PerIntent {
		ir := &r.PerIntent[i]
		r.Sent += ir.Sent
		r.Wrong += ir.Wrong
		ir.Thin = ir.Samples < r.Needed
	}
	if r.Samples > 0 {
		r.Coverage = float64(r.Sent) / float64(r.Samples)
	}
	if r.Sent > 0 {
		r.ErrorRate = float64(r.Wrong) / float64(r.Sent)
	}
	r.Upper = Upper(r.Wrong, r.Sent, opts.Level)
	return r
}

// pick returns the samples at idx.
func pick(samples []Sample, idx []int) []Sample {
	out := make([]Sample, len(idx))
	for k, i := range idx {
		out[k] = samples[i]
	}
	return out
}

// included returns the samples of idx whose intent is not excluded.
func included(samples []Sample, idx []int, excluded map[string]string) []int {
	var out []int
	for _, i := range idx {
		if _, no := excluded[samples[i].Intent]; !no {
			out = append(out, i)
		}
	}
	return out
}

// crossFit returns, for the samples use, estimates from models fitted
// without their fold (indexed like samples; others are 0).
func crossFit(samples []Sample, use []int, features []string, opts Options) []float64 {
	p := make([]float64, len(samples))
	for f := range opts.Folds {
		var train []Sample
		for k, i := range use {
			if k%opts.Folds != f {
				train = append(train, samples[i])
			}
		}
		m := fitModel(train, features, opts.Lambda)
		for k, i := range use {
			if k%opts.Folds == f {
				p[i] = m.P(samples[i].Signals)
			}
		}
	}
	return p
}

// excludeMiscalibrated leaves out the intents whose answers, among those
// the estimates call likely right (at least 0.5), are wrong significantly
// more often than the estimates say: the errors observed against a Poisson
// count with the expected errors as mean, at the rule's level corrected
// for the number of intents tested (Bonferroni; without it, some of many
// intents would be left out by chance). It reports whether any was.
func excludeMiscalibrated(samples []Sample, use []int, p []float64, rule *Rule, intents int) bool {
	type tally struct {
		n, wrong int
		expected float64
	}
	by := map[string]*tally{}
	for _, i := range use {
		if p[i] < 0.5 {
			continue
		}
		s := &samples[i]
		t := by[s.Intent]
		if t == nil {
			t = &tally{}
			by[s.Intent] = t
		}
		t.n++
		t.expected += 1 - p[i]
		if !s.Right {
			t.wrong++
		}
	}
	alpha := (1 - rule.Level) / float64(max(intents, 1))
	changed := false
	for intent, t := range by {
		if t.wrong == 0 || float64(t.wrong) <= t.expected {
			continue
		}
		// P(X ≥ wrong) for X ~ Poisson(expected).
		if tail := mathext.GammaIncReg(float64(t.wrong), t.expected); tail < alpha {
			rule.Excluded[intent] = fmt.Sprintf("%d of %d likely answers wrong where %.1f were expected: its estimates are too high (%.0f %% confidence over all %d intents)",
				t.wrong, t.n, t.expected, 100*rule.Level, intents)
			changed = true
		}
	}
	return changed
}
