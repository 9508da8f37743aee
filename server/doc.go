// Package server is antwort's HTTP API: an http.Handler that classifies
// messages, suggests answers from the knowledge base with the reply
// policy's decision, takes agents' feedback and manages model versions,
// swapping models and knowledge base without a restart.
//
// # Overview
//
//	store, _ := models.Open("antwort.db", nil)             // writable: the server owns it
//	stats, _ := antwort.LoadAnswerStats(ctx, store)
//	live, _ := antwort.NewLive(ctx, store, antwort.LiveOptions{KBDir: "kb", Reply: antwort.ReplyConfig{Learned: stats}})
//	tokens, _ := server.ReadTokens("tokens.txt")
//	srv, _ := server.New(live, server.Options{Tokens: tokens, Store: store, KBDir: "kb", Answers: stats})
//	mux.Handle("/antwort/", http.StripPrefix("/antwort", srv)) // or srv.Serve(ctx, listener)
//
// Endpoints (JSON in and out; errors are {"error": {"code", "message",
// …}} with the stable codes in errors.go):
//
//	GET    /healthz                      no token
//	GET    /metrics                      Prometheus; token unless Options.PublicMetrics
//	POST   /v1/classify                  intent, sentiment, language
//	POST   /v1/suggest                   classification, answers, decision with reasons, draft
//	POST   /v1/feedback                  an agent's verdict (stored redacted)
//	GET    /v1/models                    model versions and the engine in use
//	GET    /v1/models/{name}/diff?a=&b=  compare two versions
//	POST   /v1/models/{name}/activate    {"version": N}          admin
//	POST   /v1/models/{name}/rollback                            admin
//	DELETE /v1/models/{name}/{version}                           admin
//	GET    /v1/audit?name=&last=         who changed what, when
//	GET    /v1/kb/answers                answer learning counts
//	POST   /v1/kb/import                 {"articles": [...]}     admin
//	POST   /v1/retrain                   {"name", "force", …}    admin
//	POST   /v1/reload                                            admin
//
// /v1/classify and /v1/suggest also take a raw mail with Content-Type
// message/rfc822 (parsed, cleaned and loop-checked by package ingest).
//
// # Authentication
//
// Every endpoint but /healthz (and /metrics with PublicMetrics) needs
// "Authorization: Bearer <token>"; tokens come from a file (ReadTokens)
// and are compared in constant time. A token has the client role (the
// default) or the admin role, which the model, import, retrain and reload
// endpoints need. Feedback and model changes are recorded with the
// token's name ("token:<name>") in the store's audit trail.
//
// # Hot reload
//
// Model changes and knowledge base imports go through the server, which
// holds the writable store and the index. After each it reloads its
// antwort.Live: the new engine is built completely, then swapped in;
// requests in flight finish on the engine they started with. Changes are
// serialised, so of two concurrent activations the later one wins and
// both are audited.
//
// # Concurrency
//
// A Server is safe for concurrent use. New starts no goroutines; Run
// (called by Serve) writes answered messages to the store once a second
// and runs scheduled retrains, and returns after a final flush when its
// context is done. Serve shuts down gracefully: it stops accepting, waits
// for in-flight requests (Options.ShutdownTimeout) and flushes.
//
// # Privacy
//
// Texts are redacted (Options.Redactor; e-mail addresses, phone numbers,
// IBANs, payment card numbers, password and PIN values, order, customer
// and contract numbers by default) before they are stored as answered
// messages or feedback (its subject, text, comment, agent, answer_used and
// declined). Logs never contain message texts.
//
// # Hostile clients
//
// Metric labels take values from bounded sets only (a made-up method is
// "other"); /healthz shows no file paths; a name that is no model name is
// a 400; a body that does not arrive within Options.ReadTimeout is a 408,
// logged at Info as a client error. api/openapi.yaml is the contract.
package server
