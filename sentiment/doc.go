// Package sentiment is antwort's out-of-the-box sentiment scorer for German
// and English customer mail: a hand-written lexicon plus a few rules, used
// until a sentiment model has been trained.
//
// # Overview
//
//	lex := sentiment.New()              // build once, share freely
//	p := lex.Predict("UNVERSCHÄMT!!! Seit 3 Wochen warte ich")
//	// p.Label == "negative", p.Confidence ≈ 1
//	cues := lex.Explain(text)            // why: {"w:unverschämt", -2.5}, ...
//
// Score sums the weights of the cues found in one pass over the tokens.
// Predict maps the score s through a softmax over the logits
// (k·s, k·m, −k·s) for positive, neutral and negative, with k = 1.8 and
// m = 0.7: neutral wins while |s| < 0.7, and the three probabilities
// always sum to 1. Empty or whitespace-only text abstains (Abstain true,
// Label "neutral").
//
// # Lexicon
//
// The lexicon (lexicon.go) was written by hand for this project; it is not
// derived from SentiWS or any other data set. It holds a few hundred
// weighted terms per language, biased towards customer-service vocabulary
// (enttäuscht, Frechheit, Abzocke, nie wieder, zufrieden, vielen Dank;
// disappointed, scam, worst, helpful, thanks), threats to leave (kündige,
// Anwalt, Verbraucherzentrale, cancel my account, lawyer), polite formulas
// that carry no sentiment (Mit freundlichen Grüßen, Vielen Dank im Voraus,
// Kind regards, thanks in advance) and fixed sarcasm (Danke für nichts,
// thanks for nothing, na toll).
//
// Text and terms are folded the same way: lower case, ä→ae, ö→oe, ü→ue,
// ß→ss (also for decomposed umlauts), so "enttäuscht", "enttaeuscht" and
// "ENTTÄUSCHT" are one word. Spellings that drop the umlaut without an "e"
// ("enttauscht") are not recognised.
//
// Inflection is handled per term, in one of two documented ways:
//
//   - a term ending in "*" is a stem and matches every token that starts
//     with it: "enttäusch*" covers enttäuscht, enttäuschte, enttäuschend,
//     Enttäuschung. Stems are used where no unrelated word shares the
//     prefix ("unzufrieden" does not start with "zufrieden").
//   - all other terms match whole tokens, and the inflected forms that
//     matter are listed one by one: gut, gute, guter, gutes, guten, gutem
//     (a stem "gut*" would also match Gutschein and Guthaben).
//
// A term starting with "*" is a compound head and also matches longer
// German compounds ending in it ("*abzocke" → Kundenabzocke). A term with
// spaces is a phrase of consecutive words; phrases are tried before single
// words, so "nie wieder" is not read as a negation of "wieder", and
// "freundlichen Grüßen" is not read as "freundlich". Exact words win over
// stems, longer stems over shorter ones. Words with a letter repeated three
// or more times ("suuuper") are retried with the repeats collapsed.
//
// # Rules
//
// Negation. A negator (nicht, kein/keine/keinen/…, nie, niemals, nichts,
// ohne, kaum; not, no, never, nothing, nobody, without, "…n't") applies to
// the first sentiment term within the next three words of the same clause
// (a comma, colon, contrast word or sentence end closes it). A negated
// positive flips and loses 10% ("nicht gut" −1.08); a negated negative
// flips to 40% ("not bad" +0.6). Some terms carry their own negated weight:
// "kein Problem" is +0.3, and neutral predicates such as funktioniert,
// erhalten, Antwort, work, received, reply are 0 on their own but negative
// when negated ("funktioniert nicht", "no reply"). Because German puts
// "nicht" after the verb, a "nicht" that finds nothing to negate after it
// negates the last non-negative term up to three words before it ("Das
// gefällt mir nicht", "Es funktioniert leider nicht"). "gar nicht",
// "überhaupt nicht", "not at all" negate more strongly, and "nie"/"never"
// followed by "so"/"such" is emphasis, not negation ("Ich war noch nie so
// enttäuscht").
//
// Modifiers. Intensifiers (sehr, total, extrem, absolut, echt, so, wirklich,
// really, very, extremely, totally, …) multiply the next sentiment term
// within two words by 1.2–1.6; downtoners (etwas, ein bisschen, ein wenig,
// slightly, a bit, somewhat, …) by 0.5–0.8. An intensifier between a
// negator and its term damps the negation ("nicht sehr gut" is milder than
// "nicht gut"). "at all" and "whatsoever" strengthen the term before them.
//
// Context. Positive terms count 30% in a clause that is a request, wish or
// condition (bitte, wäre, würde, wenn, hoffe; please, would, could, if,
// hope) and in a sentence ending in "?", so "Können Sie mir bitte schnell
// helfen?" stays neutral. After "aber"/"but"/"jedoch"/"however" the rest of
// the sentence weighs 1.25 and what came before it 0.6.
//
// Punctuation, capitals and emoji. A run of two or more "!" adds up to 0.8
// in the direction of its sentence (negative when the text has no other
// cue); a single "!" adds 0.2. "??" and longer runs add −0.25 per extra
// "?" (at most −0.75); mixed runs ("?!") add −0.5 or −0.8. A sentiment word
// written in capitals with four or more letters, or negated by such a
// word ("NICHT gut"), counts 1.5 times (its share is reported as
// "caps:WORD"); shorter capitalised words, words with digits
// and known acronyms (IBAN, SEPA, GMBH, …) never count as shouting, and
// capitals on words outside the lexicon add nothing. ASCII emoticons
// (:) :-) :( :'( ;) :D <3 …) and emoji (😀 😡 👍 👎 🙏 ❤️ 😞 …) have their
// own weights. Links and e-mail addresses are skipped.
//
// # Concurrency
//
// A *Lexicon is immutable after New; all methods are safe for concurrent
// use. Each call allocates only its own token slice and folded buffer.
//
// # Caveats
//
// It is a lexicon, not a model: it cannot see irony beyond the listed
// phrases, ignores word order beyond the rules above, and scores quoted
// text (earlier mails in a thread) like the customer's own words, so strip
// quotes first. German and English share one lexicon; words that mean
// different things in the two languages (fast, kind, hell, gift) are left
// out or only used inside phrases. Long texts accumulate larger scores, and
// so more confident predictions, than short ones.
package sentiment
