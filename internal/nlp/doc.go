// Package nlp is antwort's text pipeline: Unicode normalisation and case
// folding, language identification, tokenisation with
// masking of numbers, IDs, dates, e-mail addresses and URLs, and Snowball
// stemming.
//
// # Overview
//
// Everything here works on plain strings and is allocation-light, because
// the classifier calls it for every message it sees:
//
//	toks := nlp.Tokenize(nlp.Fold("Wo bleibt meine Bestellung 4711-2231?"))
//	// wo bleibt meine bestellung <id>
//	lang := nlp.Identify("Wo bleibt meine Bestellung 4711-2231?") // "de"
//
// Fold maps text to NFC, lower case, and spells German umlauts and ß the
// way people type them without a German keyboard (ä→ae, ß→ss), so
// "Rückerstattung" and "Rueckerstattung" become the same word.
//
// # Concurrency
//
// All functions are pure and safe for concurrent use. A Stemmer holds no
// state and may be shared.
//
// # Caveats
//
// Language identification (Identify) is a fast function-word and
// letter-cue model for German, English, Spanish, French, Italian,
// Portuguese, Dutch, Polish, Turkish, Swedish and Danish; anything it
// cannot decide is "und". Detect narrows it to the languages antwort
// works in: "de", "en" or "und". prose
// (github.com/jdkato/prose/v2) is English-only and unmaintained since 2021;
// this package does not use it for the classifier's features.
package nlp
