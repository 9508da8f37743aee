// Package antwort classifies customer messages — e-mail, chat, social
// posts, in German and English — by intent (what the customer wants) and
// sentiment (how they feel), with calibrated confidence and the option to
// abstain.
//
// # Overview
//
// An Engine holds an intent model and a sentiment model and classifies one
// message at a time:
//
//	store, _ := models.Open("antwort.db", &models.Options{ReadOnly: true})
//	eng, _ := antwort.Load(ctx, store, antwort.LoadOptions{})
//	res, _ := eng.Classify(ctx, &ingest.Message{Text: "Wo bleibt meine Bestellung 4711?"})
//	fmt.Println(res.Intent.Label, res.Intent.Confidence, res.Sentiment.Label)
//
// Models are trained with package classifier and kept, versioned, in a
// models.Store. Without a trained sentiment model the Engine falls back to
// the built-in German/English lexicon of package sentiment.
//
// # Concurrency
//
// An Engine is immutable after New or Load and safe for concurrent use by
// multiple goroutines; Classify is synchronous and starts no goroutines.
// To switch models, build a new Engine and swap the pointer.
//
// # Packages
//
//   - classifier: features, training (linear SVM, naive Bayes), calibration,
//     prediction, evaluation, binary encoding.
//   - models: the versioned bbolt model store.
//   - ingest: reading labelled data and inbound messages.
//   - sentiment: the built-in lexicon sentiment scorer.
package antwort
