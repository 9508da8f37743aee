// Package report turns a classifier's predictions on labelled test data
// into what a team lead needs to decide how much to automate: figures
// (confusion matrix, reliability diagram, coverage-vs-precision curve,
// per-label F1, confidence histograms), a self-contained HTML report,
// confidence thresholds per intent that reach a target precision
// (threshold advice, written into a reply policy file), and the
// comparison of two model versions on the same messages.
//
// # Overview
//
//	outs, _, _ := classifier.Predictions(ctx, model, test, 0)
//	rep := classifier.Score(outs, model.Labels())
//	adv, _ := report.Advise(devOutcomes, model.Labels(), report.AdviceOptions{Precision: 0.95})
//	adv.Validate(outs, "test")
//	err := report.Write(ctx, "out/", &report.Page{Title: "intent", Summary: rep,
//		Runs: []report.Run{{Name: "intent@4", Report: rep, Outcomes: outs, Texts: texts, Labels: model.Labels()}},
//		Advice: adv})
//	yml, _ := report.UpdatePolicy(existingPolicyYAML, adv, "# thresholds for 95 % precision")
//
// Figures are drawn with gonum/plot (this is the only package that imports
// it) as PNG (DPI dots per inch) and SVG. Message texts shown in a report
// are redacted with entity.Redact.
//
// # Threshold advice
//
// Advise fits thresholds on held-out predictions. In Joint mode (the
// default) a logistic correction of the calibrated confidence, shared by
// all intents and shifted per intent (shrunk towards no shift), ranks the
// messages by their estimated chance of being right; the largest set
// whose measured precision reaches the target is kept, and each intent's
// threshold is the confidence at which it enters that set; the strength of
// the shrinkage is chosen by cross-validation on the held-out predictions.
// In Each mode every intent must reach the target on its own. Intents with
// fewer than MinSupport held-out predictions keep the global threshold.
// With Confidence set, a set of answers counts as reaching the target only
// if the lower Wilson bound of its precision does, a safety margin for new
// data. UpdatePolicy writes the thresholds into a reply policy file.
//
// # Concurrency
//
// The functions are safe for concurrent use; a Figure may be drawn by
// several goroutines at once. Write does its work in the calling
// goroutine and checks its context between figures.
package report
