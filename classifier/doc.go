// Package classifier trains and applies linear text classifiers for
// customer messages in German and English: intents, sentiment, or any
// other label set.
//
// # Overview
//
// Train turns labelled examples into a Model:
//
//	m, err := classifier.Train(ctx, examples, classifier.Options{})
//	p := m.Predict("Wo bleibt meine Bestellung 4711?")
//	// p.Label "parcel_missing", p.Confidence 0.93, p.Alternatives [...]
//
// Features (see FeatureOptions) are word unigrams and bigrams, Snowball
// stems, negation-marked words and character 3–5-grams inside word
// boundaries (they carry German compounds and typos), over text folded to
// NFC lower case with umlauts spelled out, and with numbers, IDs, dates,
// e-mail addresses and URLs masked to class tokens. Features are hashed
// into 2^Bits buckets, so counting them needs bounded memory; weighting is
// sublinear TF × IDF, with word and character blocks L2-normalised
// separately.
//
// The default learner is a one-vs-rest linear SVM (L2-regularised, squared
// hinge loss) trained by dual coordinate descent; NB selects complement
// naive Bayes, which trains faster and is less accurate. Probabilities are
// a softmax over the decision values with a temperature fitted on held-out
// decision values from stratified cross-validation folds — never on
// training data — and the same folds choose the SVM's C when Options.C is
// zero (the candidates are fitted in increasing order, each fit starting
// from the solution for the next smaller C). A Model abstains when its
// top probability is below the global or the label's threshold
// (WithThresholds), and Explain names the features that pushed a label.
//
// A caller that runs several models over one text (intent and sentiment)
// prepares it once with PrepareText, or Text.Reset, and passes it to each
// model's PredictText; the prediction is exactly PredictTop's, and
// Text.Lang is nlp.Detect's language of the text:
//
//	t := classifier.PrepareText(text)
//	intent, mood := im.PredictText(t, 3), sm.PredictText(t, 3)
//
// Models trained with the same feature options on the same texts share
// their feature space (SharesFeatures): then one model computes the
// text's Features, most of a prediction's work, and each model scores
// them, again exactly as PredictText would. A model whose feature space
// differs scores the prepared text itself:
//
//	f := im.Features(t)
//	intent, mood := im.PredictFeatures(f, 3), sm.PredictFeatures(f, 3)
//	why := im.ExplainFeatures(f, intent.Label, 5)
//	f.Release()
//
// An explanation costs time in proportion to the text's features, not to
// the model: ExplainFeatures works from the prediction's feature vector,
// ExplainText and Explain compute it first.
//
// Evaluate and Score compute accuracy, macro-F1, expected calibration
// error, coverage at a target precision and per-label figures.
//
// # Concurrency
//
// A Model is immutable and safe for concurrent use; Predict keeps per-call
// scratch space in a sync.Pool and does not allocate much. Train uses
// Options.Workers goroutines (default GOMAXPROCS) and returns when they
// have all stopped; it checks its context between passes.
//
// # Encoding
//
// MarshalBinary stores a model in a versioned, checksummed binary format
// with 8-bit weights (one scale per feature); the model in memory uses
// exactly those weights, so a decoded model predicts what the trained one
// did. UnmarshalBinary refuses corrupt data (ErrFormat) and models from a
// newer format (ErrNewerFormat).
package classifier
