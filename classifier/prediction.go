package classifier

// Example is one labelled training or test text.
type Example struct {
	Text  string `json:"text"`
	Label string `json:"label"`
}

// Scored is a label with its calibrated probability.
type Scored struct {
	Label      string  `json:"label"`
	Confidence float64 `json:"confidence"`
}

// Contribution is one feature's push towards a label in an explanation.
// Feature is a readable form of the feature ("w:bestellung", "c:ellu",
// "b:wo_bleibt"); Weight is its signed contribution to the label's score.
type Contribution struct {
	Feature string  `json:"feature"`
	Weight  float64 `json:"weight"`
}

// Prediction is the result of classifying one text.
//
// Label is the most probable label and Confidence its calibrated
// probability. When Abstain is true the model is not confident enough
// (Confidence is below the global or the label's threshold, or the text
// was empty) and Label must not be acted on automatically; it is still
// reported as the best guess, and is empty for an empty text.
type Prediction struct {
	Label        string   `json:"label"`
	Confidence   float64  `json:"confidence"`
	Abstain      bool     `json:"abstain"`
	Alternatives []Scored `json:"alternatives,omitempty"`
	// Scope says how much the text resembles the training data: the share
	// of held-out training texts (from the calibration folds) whose best
	// label scored lower than this text's best label. Near 0 the text is
	// unlike what the model was trained on — likely a request no label
	// covers. It is 1 for models trained before it was kept, and 0 for an
	// empty text.
	Scope float64 `json:"scope"`
}
