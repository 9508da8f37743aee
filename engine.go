package antwort

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"

	"github.com/antwort-dev/antwort/classifier"
	"github.com/antwort-dev/antwort/ingest"
	"github.com/antwort-dev/antwort/models"
	"github.com/antwort-dev/antwort/sentiment"
)

// Model names used in a models.Store.
const (
	IntentModel    = "intent"
	SentimentModel = "sentiment"
)

// Config holds what an Engine needs. Dependencies are injected already
// opened; see Load for building one from a store.
type Config struct {
	// Intent is the intent model (required).
	Intent *classifier.Model
	// IntentVersion is recorded on every result (0 = unknown).
	IntentVersion int
	// Sentiment is the trained sentiment model; nil means the built-in
	// lexicon.
	Sentiment *classifier.Model
	// SentimentVersion is recorded on every result (0 = unknown).
	SentimentVersion int
	// Lexicon is the built-in sentiment scorer (default sentiment.New()):
	// the sentiment without a trained model, and a second opinion on
	// anger for the reply policy with one.
	Lexicon *sentiment.Lexicon
	// Explain is the number of features given per explanation (default 5;
	// negative for none).
	Explain int
	// Alternatives is the number of runner-up labels reported (default 3;
	// negative for none).
	Alternatives int
	// Logger receives debug logs; nil discards.
	Logger *slog.Logger
}

// Engine classifies messages. It is immutable and safe for concurrent use.
type Engine struct {
	cfg Config
	rep *replier // set by WithReplies
}

// New returns an Engine for cfg.
func New(cfg Config) (*Engine, error) {
	if cfg.Intent == nil {
		return nil, ErrNoModel
	}
	if cfg.Lexicon == nil {
		// The fallback without a sentiment model, and the policy's second
		// opinion beside one (see Suggest).
		cfg.Lexicon = sentiment.New()
	}
	if cfg.Explain == 0 {
		cfg.Explain = 5
	}
	if cfg.Alternatives == 0 {
		cfg.Alternatives = 3
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	return &Engine{cfg: cfg}, nil
}

// LoadOptions configures Load.
type LoadOptions struct {
	// IntentVersion and SentimentVersion pick model versions; 0 means the
	// active one.
	IntentVersion, SentimentVersion int
	// Threshold, when positive, replaces the intent model's global abstain
	// threshold.
	Threshold float64
	// Explain and Alternatives are passed to Config.
	Explain, Alternatives int
	Logger                *slog.Logger
}

// Load builds an Engine from the active (or chosen) models in store. A
// store without an intent model gives an error wrapping ErrNoModel; a
// missing sentiment model means the built-in lexicon is used.
func Load(ctx context.Context, store *models.Store, opts LoadOptions) (*Engine, error) {
	cfg := Config{Explain: opts.Explain, Alternatives: opts.Alternatives, Logger: opts.Logger}
	im, iv, err := loadModel(ctx, store, IntentModel, opts.IntentVersion)
	if err != nil {
		if errors.Is(err, models.ErrNotFound) {
			return nil, fmt.Errorf("%w in %s: train one with 'antwort train --task intent' (%v)", ErrNoModel, store.Path(), err)
		}
		return nil, err
	}
	if opts.Threshold > 0 {
		im, err = im.WithThresholds(opts.Threshold, im.LabelThresholds())
		if err != nil {
			return nil, err
		}
	}
	cfg.Intent, cfg.IntentVersion = im, iv
	sm, sv, err := loadModel(ctx, store, SentimentModel, opts.SentimentVersion)
	switch {
	case err == nil:
		cfg.Sentiment, cfg.SentimentVersion = sm, sv
	case errors.Is(err, models.ErrNotFound) && opts.SentimentVersion == 0:
		// Fall back to the lexicon.
	default:
		return nil, err
	}
	return New(cfg)
}

func loadModel(ctx context.Context, store *models.Store, name string, version int) (*classifier.Model, int, error) {
	info, blob, err := store.Load(ctx, name, version)
	if err != nil {
		return nil, 0, err
	}
	m, err := classifier.UnmarshalModel(blob)
	if err != nil {
		return nil, 0, fmt.Errorf("load model %q version %d from %s: %w", name, info.Version, store.Path(), err)
	}
	return m, info.Version, nil
}

// Label is one classification of a message.
type Label struct {
	Label        string              `json:"label"`
	Confidence   float64             `json:"confidence"`
	Abstain      bool                `json:"abstain"`
	Alternatives []classifier.Scored `json:"alternatives,omitempty"`
	// Model names what decided: "intent@3", "sentiment@1" or "lexicon".
	Model string `json:"model"`
}

// Explanation lists the features that pushed each chosen label.
type Explanation struct {
	Intent    []classifier.Contribution `json:"intent,omitempty"`
	Sentiment []classifier.Contribution `json:"sentiment,omitempty"`
}

// Result is the classification of one message.
type Result struct {
	ID          string      `json:"id"`
	Lang        string      `json:"lang"`
	Intent      Label       `json:"intent"`
	Sentiment   Label       `json:"sentiment"`
	Explanation Explanation `json:"explanation"`
}

// Text returns the text an Engine classifies for msg: the subject, a
// blank line, and the body.
func Text(msg *ingest.Message) string {
	if msg.Subject == "" {
		return msg.Text
	}
	return msg.Subject + "\n\n" + msg.Text
}

// Classify tags msg with intent, sentiment and language. An empty message
// yields abstaining labels, not an error. Classify only fails when ctx is
// done.
func (e *Engine) Classify(ctx context.Context, msg *ingest.Message) (*Result, error) {
	// At least one, so that no alternatives (Alternatives < 0) are an
	// empty list, as after a full ranking.
	r, _, _, err := e.classifyTop(ctx, msg.ID, Text(msg), max(e.cfg.Alternatives, 1))
	return r, err
}

// classify classifies text (of the message with ID id) and also returns
// the full intent and sentiment predictions (every label's probability,
// as Suggest needs them), so that each model scores the text once.
func (e *Engine) classify(ctx context.Context, id, text string) (r *Result, ip, sp classifier.Prediction, err error) {
	return e.classifyTop(ctx, id, text, -1)
}

// classifyTop is classify with up to k alternatives in the predictions
// (k < 0 means all): ranking all labels takes a sort, the few reported
// only a pick.
func (e *Engine) classifyTop(ctx context.Context, id, text string, k int) (r *Result, ip, sp classifier.Prediction, err error) {
	if err := ctx.Err(); err != nil {
		return nil, ip, sp, err
	}
	// Both models and the language detection fold and tokenise the text
	// the same way: prepare it once. pt.Lang() is nlp.Detect(text).
	pt := preparedTexts.Get().(*classifier.Text)
	defer preparedTexts.Put(pt)
	pt.Reset(text)
	r = &Result{ID: id, Lang: pt.Lang()}
	alts := max(e.cfg.Alternatives, 0)
	// The demo's sentiment model has the intent model's feature space:
	// compute the text's features once for both. A sentiment model with
	// another feature space scores the prepared text itself.
	f := e.cfg.Intent.Features(pt)
	defer f.Release()
	ip = e.cfg.Intent.PredictFeatures(f, k)
	r.Intent = label(top(ip, alts), modelName(IntentModel, e.cfg.IntentVersion))
	if e.cfg.Explain > 0 && ip.Label != "" {
		r.Explanation.Intent = e.cfg.Intent.ExplainFeatures(f, ip.Label, e.cfg.Explain)
	}
	if e.cfg.Sentiment != nil {
		sp = e.cfg.Sentiment.PredictFeatures(f, k)
		r.Sentiment = label(top(sp, alts), modelName(SentimentModel, e.cfg.SentimentVersion))
		if e.cfg.Explain > 0 && sp.Label != "" {
			r.Explanation.Sentiment = e.cfg.Sentiment.ExplainFeatures(f, sp.Label, e.cfg.Explain)
		}
	} else if e.cfg.Explain > 0 {
		var ex []classifier.Contribution
		sp, ex = e.cfg.Lexicon.PredictExplain(text)
		r.Sentiment = label(top(sp, alts), "lexicon")
		if len(ex) > e.cfg.Explain {
			ex = ex[:e.cfg.Explain]
		}
		r.Explanation.Sentiment = ex
	} else {
		sp = e.cfg.Lexicon.Predict(text)
		r.Sentiment = label(top(sp, alts), "lexicon")
	}
	return r, ip, sp, nil
}

// preparedTexts recycles classify's prepared texts.
var preparedTexts = sync.Pool{New: func() any { return new(classifier.Text) }}

// top returns p with at most k alternatives.
func top(p classifier.Prediction, k int) classifier.Prediction {
	if len(p.Alternatives) > k {
		p.Alternatives = p.Alternatives[:k:k]
	}
	return p
}

func label(p classifier.Prediction, model string) Label {
	return Label{Label: p.Label, Confidence: p.Confidence, Abstain: p.Abstain, Alternatives: p.Alternatives, Model: model}
}

func modelName(name string, version int) string {
	if version == 0 {
		return name
	}
	return fmt.Sprintf("%s@%d", name, version)
}

// Versions returns the model versions the engine uses ("intent@3",
// "sentiment@1" or "lexicon").
func (e *Engine) Versions() []string {
	v := []string{modelName(IntentModel, e.cfg.IntentVersion)}
	if e.cfg.Sentiment != nil {
		v = append(v, modelName(SentimentModel, e.cfg.SentimentVersion))
	} else {
		v = append(v, "lexicon")
	}
	return v
}

// String describes the engine for logs.
func (e *Engine) String() string { return "antwort.Engine(" + strings.Join(e.Versions(), ", ") + ")" }
