package trust

import "math"

// Signals are what is known about one message and the answer proposed for
// it when the policy decides.
type Signals struct {
	// Intent is the predicted intent, P1 its calibrated probability and P2
	// the runner-up's.
	Intent string
	P1, P2 float64
	// Scope is the intent model's Prediction.Scope: how much the text
	// resembles the training data (0 = unlike any of it).
	Scope float64
	// Answer says whether a knowledge-base article was proposed; TextScore
	// is its text match and KBScore its fused score, both in [0,1].
	Answer    bool
	TextScore float64
	KBScore   float64
}

// Feature names, as they appear in a Model.
const (
	FeatIntent = "intent"     // logit of P1
	FeatMargin = "margin"     // log(P1/P2)
	FeatScope  = "scope"      // logit of Scope
	FeatText   = "text_match" // TextScore
	FeatKB     = "kb_score"   // KBScore
)

// ClassifierFeatures are the features that need only the intent model;
// AnswerFeatures add the knowledge base's.
var (
	ClassifierFeatures = []string{FeatIntent, FeatMargin, FeatScope}
	AnswerFeatures     = []string{FeatIntent, FeatMargin, FeatScope, FeatText, FeatKB}
)

// known reports whether name is a feature of this package.
func known(name string) bool {
	switch name {
	case FeatIntent, FeatMargin, FeatScope, FeatText, FeatKB:
		return true
	}
	return false
}

// value returns feature name of s. Every value is bounded, so that a
// message far outside the fitted range cannot be extrapolated into
// certainty.
func (s *Signals) value(name string) float64 {
	switch name {
	case FeatIntent:
		return logit(s.P1, 1e-4)
	case FeatMargin:
		return min(max(math.Log(max(s.P1, 1e-6)/max(s.P2, 1e-6)), 0), 12)
	case FeatScope:
		return logit(s.Scope, 1e-3)
	case FeatText:
		if !s.Answer {
			return 0
		}
		return min(max(s.TextScore, 0), 1)
	case FeatKB:
		if !s.Answer {
			return 0
		}
		return min(max(s.KBScore, 0), 1)
	}
	return 0
}

// logit returns log(p/(1-p)) with p clamped to [eps, 1-eps].
func logit(p, eps float64) float64 {
	p = min(max(p, eps), 1-eps)
	return math.Log(p / (1 - p))
}

func sigmoid(z float64) float64 { return 1 / (1 + math.Exp(-z)) }
