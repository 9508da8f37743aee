// Package kb is antwort's knowledge base: answer articles (reply
// templates) in German and English, indexed with Bleve and matched against
// customer messages. It is the only package that imports bleve; no bleve
// type appears in its API.
//
// # Overview
//
// An Article has an id, a title, a body (a text/template the reply
// package fills), a language ("de" or "en"), linked intents, example
// customer questions (FAQ phrasings), tags and an optional short variant
// for social channels (at most 280 characters). ReadArticles reads them
// from a folder of Markdown files with YAML front matter, from JSONL or
// from CSV, and reports every bad article with file and line.
//
//	arts, problems, err := kb.ReadArticles(ctx, "articles/", kb.ReadOptions{})
//	stats, err := kb.Import(ctx, "kb", arts, nil)         // atomic: build beside, then switch
//	k, err := kb.Open("kb", &kb.Options{ReadOnly: true})  // read-only opens share the index
//	hits, err := k.Search(ctx, kb.Query{Text: "Paket ist nicht angekommen", Lang: "de",
//		Intents: map[string]float64{"parcel_missing": 0.93}})
//
// # Matching
//
// Each article is indexed as three documents in its language's fields: the
// article itself (intents, stored source), a profile (title, tags and
// questions, each a part of its own) and the body. German fields use
// bleve's German chain (lower case, stop words, umlaut and ß folding,
// light stemmer) plus character 3–4-grams of the folded words, which match
// the parts of compounds ("Lieferadresse" and "Adresse"); English fields
// use bleve's English chain (possessives, stop words, Porter) plus
// n-grams for typos. Template actions ({{.Name}}) and long numbers are
// not indexed.
//
// Search analyses the message with the same analyzers (the subject counts
// twice) and weighs each query term by BM25 IDF, keeping the heaviest terms
// while their postings stay within a budget (on a large knowledge base this
// drops common words and n-grams). A writable KB then fetches the
// candidates with one Bleve disjunction query. A read-only KB (what the
// reply and batch commands and the server open) builds an in-memory copy of
// the index's terms on its first search, from the stored articles and with
// the index's own analyzers, and walks those postings instead: the same
// candidates and scores at about a tenth of the cost. Each candidate
// article is scored by TextScore in [0,1]: mostly how much of the query its
// profile covers and how close its best single part (a question, the title
// or the tags) is to the message, plus a share of the body match. With
// Query.Intents (the classifier's distribution) the final Score fuses text
// and intent: Score = (1-w)·TextScore + w·IntentScore, where IntentScore is
// the highest probability among the article's linked intents; articles
// linked to a likely intent are candidates even without a word in common.
// Every Hit names its reasons ("text match 0.82 (questions, title)",
// "linked to intent parcel_missing (p=0.93)"), and Score is what the reply
// policy thresholds.
//
// # Concurrency and files
//
// A KB is safe for concurrent use. On disk a knowledge base is a
// directory with a pointer file CURRENT naming the Bleve index in use.
// Import builds a new index beside it and replaces CURRENT with a rename,
// so a reader sees either the old or the new content in full, never a
// half-built index; KBs opened before the switch keep searching the old
// index until they are reopened. Bleve locks an index file: one writable
// KB excludes everybody else, read-only KBs share it. Open never waits
// longer than Options.Timeout and then fails with an error wrapping
// ErrLocked that names the directory.
package kb
