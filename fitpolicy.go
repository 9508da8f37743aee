package antwort

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/antwort-dev/antwort/classifier"
	"github.com/antwort-dev/antwort/ingest"
	"github.com/antwort-dev/antwort/kb"
	"github.com/antwort-dev/antwort/reply"
	"github.com/antwort-dev/antwort/trust"
)

// Labelled is one labelled message for FitPolicy: its intent and the
// message as the engine would receive it.
type Labelled struct {
	Msg    *ingest.Message
	Intent string
}

// LabelledFrom turns examples read by ingest.ReadLabeled into Labelled
// messages: a mail example keeps its parsed mail, other examples become a
// message with the example's text.
func LabelledFrom(examples []ingest.Labeled) []Labelled {
	out := make([]Labelled, len(examples))
	for i, ex := range examples {
		m := ex.Message
		if m == nil {
			m = &ingest.Message{ID: ex.Source, Channel: "email", Text: ex.Text}
		}
		out[i] = Labelled{Msg: m, Intent: ex.Label}
	}
	return out
}

// FitOptions configures FitPolicy.
type FitOptions struct {
	// Examples are the labelled messages.
	Examples []Labelled
	// KB, when set, answers every message as Suggest would, and the rule
	// learns from the articles' fit too; without, only the intent model's
	// signals count (what eval measures).
	KB *kb.KB
	// Policy holds the hand checks that say whether a message may be
	// answered automatically at all (language, one request, in scope, an
	// article linked to the intent, …; see reply.Decision.Eligible). Its
	// fitted rule and its limits on delivery (sender, channel, rate limit)
	// play no part. Default reply.DefaultPolicy().
	Policy *reply.Policy
	// Train configures the intent models trained on the folds: the active
	// model's options (classifier.Model.Meta().Options), so that they are
	// trained like it — with the C it chose, not a new choice per fold.
	Train classifier.Options
	// Folds is the number of out-of-fold models (default 5).
	Folds int
	// MaxWrong and Level are the target and the confidence of its bound
	// (see trust.Options).
	MaxWrong, Level float64
	// Progress, when set, is called after each fold with the folds done.
	Progress func(done, total int)
}

// Fitted is what FitPolicy found: the rule, what it does to the examples
// (out of fold), and the samples it was fitted on.
type Fitted struct {
	Rule    *trust.Rule
	Report  *trust.Report
	Samples []trust.Sample
	// Elapsed is how long the fit took.
	Elapsed time.Duration
}

// FitPolicy fits the send rule for opts.MaxWrong on the team's own
// labelled mail. opts.Folds intent models are each trained without one
// part of the examples and decide that part as Suggest would; whether
// their answers were right, and what they were sure of, is what the rule
// learns from (see package trust). Folds is at least 2, and every label
// needs at least 2 examples.
func FitPolicy(ctx context.Context, opts FitOptions) (*Fitted, error) {
	start := time.Now()
	if opts.Folds == 0 {
		opts.Folds = 5
	}
	if opts.Folds < 2 {
		return nil, fmt.Errorf("antwort: fit: %d folds, need at least 2", opts.Folds)
	}
	if len(opts.Examples) == 0 {
		return nil, fmt.Errorf("antwort: fit: %w", classifier.ErrNoData)
	}
	pol := reply.DefaultPolicy()
	if opts.Policy != nil {
		pol = *opts.Policy
	}
	// The checks of whether a message may be answered at all decide;
	// neither the rule being fitted nor the limits on delivery do.
	pol.MaxWrong, pol.Auto = 0, nil
	pol.RateLimit.Max = -1
	examples := make([]classifier.Example, len(opts.Examples))
	for i, l := range opts.Examples {
		if l.Msg == nil || l.Intent == "" {
			return nil, fmt.Errorf("antwort: fit: example %d has no message or no intent", i)
		}
		examples[i] = classifier.Example{Text: Text(l.Msg), Label: l.Intent}
	}
	fold := classifier.Folds(examples, opts.Folds, opts.Train.Seed)
	samples := make([]trust.Sample, len(examples))
	for f := range opts.Folds {
		var train []classifier.Example
		for i, ex := range examples {
			if fold[i] != f {
				train = append(train, ex)
			}
		}
		m, err := classifier.Train(ctx, train, opts.Train)
		if errors.Is(err, classifier.ErrOneLabel) {
			return nil, fmt.Errorf("antwort: fit: fold %d of %d: %w (too few examples per label for %d folds)", f+1, opts.Folds, err, opts.Folds)
		}
		if err != nil {
			return nil, fmt.Errorf("antwort: fit: fold %d of %d: %w", f+1, opts.Folds, err)
		}
		// The built-in lexicon reads the sentiment: a trained sentiment
		// model has seen these very messages and would read them more
		// strongly than it reads new mail.
		eng, err := New(Config{Intent: m, Explain: -1, Alternatives: -1})
		if err != nil {
			return nil, err
		}
		if opts.KB != nil {
			if eng, err = eng.WithReplies(ReplyConfig{KB: opts.KB, Policy: &pol, Limiter: reply.NewLimiter(time.Hour)}); err != nil {
				return nil, err
			}
		}
		for i, l := range opts.Examples {
			if fold[i] != f {
				continue
			}
			if opts.KB == nil {
				_, ip, _, err := eng.classify(ctx, l.Msg.ID, examples[i].Text)
				if err != nil {
					return nil, err
				}
				samples[i] = trust.Sample{Signals: IntentSignals(ip), Gold: l.Intent, Right: ip.Label == l.Intent, Eligible: ip.Label != "", Learn: ip.Label != ""}
				continue
			}
			s, err := eng.Suggest(ctx, l.Msg)
			if err != nil {
				return nil, fmt.Errorf("antwort: fit: %s: %w", l.Msg.ID, err)
			}
			samples[i] = trust.Sample{Signals: s.Signals, Gold: l.Intent, Right: s.Intent.Label == l.Intent,
				Eligible: s.Decision.Eligible(), Learn: answered(s)}
		}
		if opts.Progress != nil {
			opts.Progress(f+1, opts.Folds)
		}
	}
	rule, rep, err := trust.Fit(samples, trust.Options{MaxWrong: opts.MaxWrong, Level: opts.Level})
	if err != nil {
		return nil, err
	}
	return &Fitted{Rule: rule, Report: rep, Samples: samples, Elapsed: time.Since(start)}, nil
}

// IntentSignals returns the intent model's part of the signals a fitted
// rule estimates P(correct) from: what a rule fitted without a knowledge
// base (eval --max-wrong) reads.
func IntentSignals(ip classifier.Prediction) trust.Signals {
	s := trust.Signals{Intent: ip.Label, P1: ip.Confidence, Scope: ip.Scope}
	if len(ip.Alternatives) > 0 {
		s.P2 = ip.Alternatives[0].Confidence
	}
	return s
}

// answered reports whether s proposes an answer whose rightness the fitted
// rule can learn from: an article linked to the predicted intent, in the
// message's language.
func answered(s *Suggestion) bool {
	for _, c := range s.Decision.Reasons {
		switch c.Name {
		case reply.CheckAnswerFits, reply.CheckAnswerLang:
			if !c.Passed {
				return false
			}
		}
	}
	return s.Intent.Label != "" && s.Article != ""
}
