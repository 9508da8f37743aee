// Package sentiment is antwort's out-of-the-box sentiment scorer for German
// and English customer mail: a hand-written lexicon plus a few rules, used
// until a sentiment model has been trained. It answers two questions:
// is the customer upset (Predict: negative, neutral or positive), and is
// the customer angry or threatening (Anger).
//
// # Overview
//
//	lex := sentiment.New()              // build once, share freely
//	p := lex.Predict("UNVERSCHÄMT!!! Seit 3 Wochen warte ich")
//	// p.Label == "negative", p.Confidence ≈ 1
//	cues := lex.Explain(text)            // why: {"w:unverschämt", -2.5}, ...
//	a := lex.Anger(text)                 // a.Angry, a.Threat, a.Score, a.Cues
//	p, a = lex.Analyze(text)             // both from one pass
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
// disappointed, scam, worst, helpful, thanks), complaints about waiting
// (immer noch, seit drei Wochen warte ich, still waiting, on hold), legal
// steps (Anwalt, Verbraucherzentrale, lawyer, small claims), polite
// formulas that carry no sentiment (Mit freundlichen Grüßen, Vielen Dank im
// Voraus, Kind regards, thanks in advance) and fixed sarcasm (Danke für
// nichts, thanks for nothing, na toll).
//
// Requests are not feelings. Cancelling (kündigen, Kündigung, cancel my
// subscription), asking for money back (Rückerstattung, money back, refund),
// reporting a defect (defekt, kaputt, broken, damaged) or a wrong bill
// (falsche Rechnung, doppelt abgebucht, wrong invoice, charged twice) are
// what the mail is about, not how the customer feels: these words are not
// in the lexicon, and "funktioniert nicht", "noch nicht angekommen", "not
// received" weigh −0.1, "keine Erstattung", "no refund" −0.2, so a calm
// request scores near 0 and its P(negative) stays below 0.3. What makes such
// a mail negative is a feeling (enttäuscht, frustrating), a complaint about
// waiting (immer noch, seit drei Wochen warte ich, been waiting 3 weeks)
// or not being answered (keine Antwort, no reply). Something the company
// cancelled ("my flight was cancelled") keeps a small weight; the
// customer's own cancelling ("I cancelled my order") has none.
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
// "kein Problem" is +0.3, and neutral predicates are 0 on their own but
// negative when negated: a little for what a request reports
// ("funktioniert nicht", "not received" −0.1), more for not being answered
// or helped ("keine Antwort", "no reply" −0.8). Because German puts
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
// Waiting. A duration (Tage, Wochen, Monate, Stunden; days, weeks, months,
// hours) within four words after a wait term (warte, warte seit, waiting,
// waited, been waiting, on hold) is a complaint about waiting: −0.4 for
// days or hours, −0.6 for weeks, −0.9 for months ("wait:" in Explain).
// After "seit"/"since" alone it counts half ("seit 8 Tagen unterwegs" is a
// question more than a complaint), the other half when a wait term follows
// ("seit drei Wochen warte ich").
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
// # Anger
//
// Anger is a separate reading of the same pass: how angry or threatening
// the text is, as opposed to how upset. Its cues, each with a weight where
// 1 alone makes a text angry:
//
//   - feeling: the customer says it (wütend, stinksauer, verärgert,
//     furious, angry, 😡). Negated, it is none ("nicht verärgert", "not
//     angry"); a downtoner weakens it ("etwas verärgert").
//   - outrage: Frechheit, unverschämt, Abzocke, Zumutung, "das ist ein
//     Witz", "mir reicht's", unacceptable, ridiculous, scam, "a joke",
//     "I'm done"; strong condemnation (worst, terrible, katastrophal)
//     weighs 0.4–0.6 and needs company.
//   - insult and swear: Idioten, Saftladen, clowns, morons; Scheiße, wtf.
//   - repeat: writing again about the same thing (zum dritten Mal, zum
//     wiederholten Mal, schon wieder, wie oft noch, for the third time,
//     how many times, in a row).
//   - ultimatum: letzte Chance, setze Ihnen eine Frist, "sehe mich
//     gezwungen", last chance, or else; and cancelling as the threat of an
//     ultimatum: a cancel word (kündige, kündigen, cancel, close my
//     account, zur Konkurrenz) after "sonst", "andernfalls", "otherwise",
//     "or I'll", or in the clause right after a negated condition ("Wenn
//     das nicht bis Freitag erledigt ist, kündige ich", "If this isn't
//     fixed by Friday, I will cancel"). Not when the clause asks ("…,
//     bitte kündigen Sie", "…, please cancel my order"), not in a
//     question, not when the cancel word is inside the condition.
//   - sarcasm: Danke für nichts, na toll, thanks for nothing, oh great.
//   - leave: nie wieder, never again, take my business elsewhere.
//   - legal: Anwalt, Rechtsanwalt, Verbraucherzentrale, Klage, verklagen,
//     vor Gericht, rechtliche Schritte, Strafanzeige, Schlichtungsstelle,
//     Bundesnetzagentur, Abmahnung; lawyer, attorney, solicitor, "sue you",
//     lawsuit, legal action, small claims, ombudsman, chargeback, trading
//     standards. A legal cue holds under negation ("ich möchte keinen
//     Anwalt einschalten müssen" is a threat too).
//   - public: öffentlich machen, schlechte Bewertung, bad review.
//
// Form adds to it: a run of "!!" or more, "??" or "?!" in a sentence that
// is not positive (0.2–0.6), and words in capitals (0.3 each, two at most;
// a text written in capitals throughout 0.3 once, as a habit rather than
// shouting). Form counts at most 0.9 together, so capitals and "!!!" alone
// never make a text angry; "Danke!!!" has no anger at all.
//
// The score is r/(1+r) for the sum r of the cues: 0 without a cue, 0.5
// (AngryAt) for one clear cue, towards 1 for many. Angry is Score ≥ 0.5;
// Threat is set by a legal or public cue of weight 1 or more, and a threat
// is always angry.
//
// # Concurrency
//
// A *Lexicon is immutable after New; all methods are safe for concurrent
// use. Each call allocates only its own token slice and folded buffer, and
// Anger and Analyze the cues they return.
//
// # Caveats
//
// It is a lexicon, not a model: it cannot see irony beyond the listed
// phrases ("Congratulations, you lost my parcel. Truly impressive work." is
// read as praise), ignores word order beyond the rules above, and scores quoted
// text (earlier mails in a thread) like the customer's own words, so strip
// quotes first. German and English share one lexicon; words that mean
// different things in the two languages (fast, kind, hell, gift) are left
// out or only used inside phrases. Long texts accumulate larger scores, and
// so more confident predictions, than short ones.
package sentiment
