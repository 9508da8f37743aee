// Package trust answers the question a service lead asks before switching
// automatic answers on: what share of mail goes out by itself, and how many
// of those answers will be wrong?
//
// It estimates, for one message, the probability that the answer antwort
// would send is the right one (P(correct)), from Signals the rest of the
// pipeline already has: the intent's calibrated probability and its margin
// over the runner-up, how much the text resembles the training data, and
// how well the chosen knowledge-base article matches the text. The mapping
// is a small logistic regression (Model), learnt from out-of-fold
// predictions on the team's own labelled mail: models trained without a
// message predict it, and whether their answer was right is the label.
//
// Fit chooses the send rule for a target error rate (MaxWrong, e.g. 0.01 =
// at most one wrong automatic answer in 100): the lowest P(correct)
// threshold at which an upper confidence bound (Clopper–Pearson, 95 % by
// default) on the error rate among the answers it would send stays at or
// below the target, on predictions the regression did not see (cross-
// fitted). Intents whose own out-of-fold answers are worse than the target
// with that confidence, for all intents together, are left to people. The Report gives the
// expected automation rate overall and per intent, and which intents lack
// the data to show the target on their own.
//
// What the figure promises: on mail like the data it was fitted on, with
// the models it was fitted for, the share of wrong automatic answers stays
// at or below MaxWrong with the stated confidence. It does not cover mail
// unlike the training data (a new product, a new kind of request); the
// reply policy's hard checks (language, out of scope, two requests,
// follow-ups, anger) are there for those.
package trust
