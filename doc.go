// Package antwort answers customer messages — e-mail, chat, social posts,
// in German and English. It classifies each by intent (what the customer
// wants) and sentiment (how they feel), with calibrated confidence and the
// option to abstain, finds the best answer in a knowledge base, fills its
// template with what the message says, and lets a reply policy decide:
// send, suggest a draft, escalate or ignore, with the reasons.
//
// # Overview
//
// From a message to a decision, in ten lines:
//
//	store, _ := models.Open("antwort.db", &models.Options{ReadOnly: true})
//	eng, _ := antwort.Load(ctx, store, antwort.LoadOptions{})      // the active intent and sentiment models
//	k, _ := kb.Open("kb", &kb.Options{ReadOnly: true})             // the knowledge base of articles
//	pol, _ := reply.LoadPolicy("policy.yaml")                      // with the rule 'antwort policy fit' wrote
//	eng, _ = eng.WithReplies(antwort.ReplyConfig{KB: k, Policy: &pol})
//	msg, _ := ingest.Parse(ctx, mailFile, ingest.Options{})          // MIME, charsets, quotes and signature removed
//	s, _ := eng.Suggest(ctx, msg)                                  // classify, search, fill, decide
//	fmt.Println(s.Intent.Label, s.Article, s.Decision.Action)      // parcel_missing parcel_missing-de send
//	fmt.Println(s.Decision.PCorrect, s.Decision.Problems())        // P(correct), and what kept it from being sent
//	fmt.Println(s.Draft)                                           // the answer, filled in
//
// Classify alone needs no knowledge base. Models are trained with package
// classifier and kept, versioned, in a models.Store; without a trained
// sentiment model the built-in German/English lexicon of package sentiment
// reads how upset and how angry a customer is. FitPolicy fits the send rule
// for a target error rate on labelled mail (package trust).
//
// Run processes a whole queue (a Source such as ingest.Open's) with a
// bounded pool of workers, skipping duplicates and what a journal says is
// done; the antwort batch command is built on it.
//
// # Concurrency
//
// An Engine is immutable after New, Load or WithReplies and safe for
// concurrent use by multiple goroutines; Classify and Suggest are
// synchronous and start no goroutines. The only state Suggest changes is
// the reply.Limiter's per-sender count, which is safe for concurrent use
// (pass one Limiter to every Engine that should share the limit; a
// reply.NewStoredLimiter over a journal or model store keeps it across
// restarts). Checking and recording an answer are one atomic step, so
// concurrent Suggests never answer a sender more often than the limit.
//
// To switch models or knowledge base in a running program, use a Live: it
// holds the current Engine behind an atomic pointer. Reload builds a new
// Engine completely (active models from the store, the knowledge base
// reopened) and only then swaps it in; a failed Reload leaves the old one.
// Acquire returns the current Engine and a release function: until it is
// called, that Engine and its knowledge base stay open however many
// Reloads happen, so a request never fails because of a swap. Reloads are
// serialised. package server builds its HTTP API on a Live.
//
// AnswerStats (answer learning) is safe for concurrent use: a server adds
// feedback while Suggest reads the weights. A Redactor is immutable.
// Retrain and DiffModels are synchronous; the models.Store they use
// serialises writers.
//
// # Packages
//
//   - classifier: features, training (linear SVM, naive Bayes), calibration,
//     prediction, evaluation, binary encoding.
//   - models: the versioned bbolt model store, feedback log, audit trail.
//   - kb: the knowledge base of answer articles over Bleve.
//   - reply: templates, salutations, the reply policy.
//   - entity: names, reference numbers, dates and personal data in a
//     message, and their redaction.
//   - trust: P(correct) of an answer and the send rule for a target error
//     rate.
//   - ingest: MIME parsing, mail sources, cleaning, loop protection,
//     labelled data.
//   - journal: the record of processed messages of a batch run.
//   - sentiment: the built-in lexicon sentiment scorer.
//   - report: evaluation figures, HTML reports, threshold advice.
//   - server: the HTTP API as an http.Handler.
package antwort
